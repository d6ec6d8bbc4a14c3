"""The main job end to end: example corpus → stories, reprints, reports; the seeds form one story."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsweave.store import Store
from newsweave.store.stories import list_stories, story_detail
from newsweave.workflow import run_job

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "data" / "seeds"


@pytest.fixture(scope="module")
def corpus_job(tmp_path_factory):
    out = tmp_path_factory.mktemp("job")
    store = Store.open(str(out / "job.db"))
    result = run_job([str(ROOT / "examples" / "corpus")], store, out)
    yield store, result, out
    store.close()


def test_example_corpus_forms_the_expected_stories(corpus_job):
    store, result, _ = corpus_job
    assert not result.ingest.failures
    stories = sorted(list_stories(store, min_articles=2), key=lambda s: -s.articles)
    assert [s.articles for s in stories] == [5, 2]  # the fire, the unrelated tram story
    fire, tram = stories
    # the verbatim reprint of the wire copy is not an independent source
    assert fire.independent_sources == fire.articles - 1
    detail = story_detail(store, fire.id)
    reprints = [a for a in detail.articles if a.is_reprint]
    assert len(reprints) == 1 and reprints[0].containment and reprints[0].containment > 0.8
    assert tram.independent_sources == 2
    # the paywall stub is stored but belongs to no story
    in_stories = {a.id for s in stories for a in story_detail(store, s.id).articles}
    stub = [a for a in store.iter_articles() if a.status.value == "paywall"]
    assert len(stub) == 1 and stub[0].id not in in_stories


def test_job_writes_a_report_per_story_and_an_index(corpus_job):
    _, result, out = corpus_job
    assert len(result.reports) == 2
    for report in result.reports:
        document = json.loads(report.json.read_text(encoding="utf-8"))
        (story,) = document["stories"]
        assert story["id"] == report.story_id and len(story["articles"]) == report.articles
        assert report.html.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html>")
    combined = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert {s["id"] for s in combined["stories"]} == {r.story_id for r in result.reports}
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(f"stories/{r.story_id}.html" in index for r in result.reports)


def test_rerunning_the_job_stores_nothing_new_and_keeps_story_ids(corpus_job):
    store, first, out = corpus_job
    again = run_job([str(ROOT / "examples" / "corpus")], store, out)
    assert again.ingest.stored == 0 and again.ingest.already_present == first.ingest.read
    assert {r.story_id for r in again.reports} == {r.story_id for r in first.reports}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/data/seeds is absent")
def test_the_two_seed_articles_form_one_story(tmp_path):
    with Store.open(str(tmp_path / "seeds.db")) as store:
        result = run_job([str(SEEDS)], store, tmp_path)
        assert result.ingest.read == 2 and not result.ingest.failures
        stories = list_stories(store)
        assert len(stories) == 1 and stories[0].articles == 2 and stories[0].independent_sources == 2


def test_index_page_escapes_headlines_and_outlets(tmp_path):
    from newsweave.pipeline import IngestSummary
    from newsweave.store.stories import StorySummary
    from newsweave.workflow import JobResult, StoryReport, _index_html

    story = StorySummary("s1", "<script>alert(1)</script> fire", 2, 2, ["a.example", "<b>b</b>.example"], None, None)
    result = JobResult(ingest=IngestSummary(read=2, stored=2), stories_total=1,
                       reports=[StoryReport("s1", story.headline, 2, 2, 0, tmp_path / "s1.html", tmp_path / "s1.json")])
    page = _index_html(result, [story])
    assert "<script" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; fire" in page and "&lt;b&gt;b&lt;/b&gt;.example" in page
    assert 'href="stories/s1.html"' in page


def test_compare_entry_points_reject_an_unknown_method_before_any_work(tmp_path, monkeypatch):
    import newsweave.workflow as workflow
    from newsweave.errors import InputError

    monkeypatch.setattr(workflow, "load_story_set", lambda *a: pytest.fail("loaded before the method was checked"))
    with pytest.raises(InputError, match="unknown method 'fast'"):
        workflow.compare_story_sets([], method="fast")
    with Store.open(str(tmp_path / "n.db")) as store:
        with pytest.raises(InputError, match="unknown method 'fast'"):
            workflow.compare_story(store, "s0123456789ab", method="fast")
        with pytest.raises(InputError, match="unknown method 'fast'"):
            workflow.compare_inputs([str(ROOT / "examples" / "corpus")], store, method="fast")
        assert store.count_articles() == 0
