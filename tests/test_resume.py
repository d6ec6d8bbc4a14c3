"""A run killed in any stage, then run again, leaves the store an uninterrupted run leaves.

A kill is simulated in-process by raising a BaseException at the stage's busiest point:
everything a SIGKILL could leave behind is what was committed before that point,
and each stage commits in its own transactions.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from newsweave.pipeline import IngestOptions, ingest
from newsweave.store import Store
from newsweave.store.schema import articles, quotes, story_assignments
from newsweave.workflow import finish_ingest, run_job, stale_work

CORPUS = str(Path(__file__).resolve().parents[1] / "examples" / "corpus")


class Killed(BaseException):
    """Stands for SIGKILL: nothing catches it, nothing after it runs."""


def snapshot(store: Store, out: Path) -> dict:
    with store.connect() as conn:
        stored = sorted(conn.execute(select(articles.c.id, articles.c.text, articles.c.status)).all())
        quoted = sorted(conn.execute(select(quotes.c.article_id, quotes.c.idx, quotes.c.start, quotes.c.end)).all())
        assigned = sorted(conn.execute(select(story_assignments.c.article_id, story_assignments.c.story_id)).all())
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    compared = sorted((s["id"], len(s["articles"]), len(s.get("flags", []))) for s in report["stories"])
    return {"articles": stored, "quotes": quoted, "stories": assigned, "compared": compared}


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    out = tmp_path_factory.mktemp("whole")
    with Store.open(str(out / "s.db")) as store:
        run_job([CORPUS], store, out, method="lexical")
        return snapshot(store, out)


def kill_on_call(n: int, real):
    calls = {"n": 0}

    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == n:
            raise Killed
        return real(*args, **kwargs)

    return wrapper


def _kill_while_reading(monkeypatch):
    import newsweave.pipeline as pipeline
    import newsweave.workflow as workflow

    monkeypatch.setattr(workflow, "IngestOptions", functools.partial(IngestOptions, batch_size=2))
    real_reader = pipeline._reader()

    def reader(inputs, options):
        for number, item in enumerate(real_reader(inputs, options)):
            if number == 5:
                raise Killed
            yield item

    monkeypatch.setattr(pipeline, "_reader", lambda: reader)


def _kill_in_analysis(monkeypatch):
    import newsweave.enrich.stage as analysis_stage

    monkeypatch.setattr(analysis_stage, "store_analyses", kill_on_call(1, analysis_stage.store_analyses))


def _kill_in_grouping(monkeypatch):
    import newsweave.store.stories as store_stories

    monkeypatch.setattr(store_stories, "write_stories", kill_on_call(1, store_stories.write_stories))


def _kill_in_compare(monkeypatch):
    import newsweave.store.comparisons as comparisons

    # the writer dies storing the second story's comparison (compared here or in a worker)
    monkeypatch.setattr(comparisons, "store_comparison", kill_on_call(2, comparisons.store_comparison))


@pytest.mark.parametrize("kill", [_kill_while_reading, _kill_in_analysis, _kill_in_grouping, _kill_in_compare],
                         ids=["read", "analysis", "stories", "compare"])
def test_a_killed_job_is_finished_by_running_it_again(kill, uninterrupted, tmp_path):
    with Store.open(str(tmp_path / "s.db")) as store:
        with pytest.MonkeyPatch.context() as patch:
            kill(patch)
            with pytest.raises(Killed):
                run_job([CORPUS], store, tmp_path, method="lexical")
        again = run_job([CORPUS], store, tmp_path, method="lexical")
        assert again.ingest.stored + again.ingest.already_present == again.ingest.read
        assert not stale_work(store)
        assert snapshot(store, tmp_path) == uninterrupted


def test_an_ingest_killed_while_grouping_groups_on_the_next_run(tmp_path, monkeypatch):
    import newsweave.store.stories as store_stories

    with Store.open(str(tmp_path / "s.db")) as store:
        first = ingest([CORPUS], store)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(store_stories, "write_stories", kill_on_call(1, store_stories.write_stories))
            with pytest.raises(Killed):
                finish_ingest(store, first)
        assert stale_work(store).without_story  # stored, never grouped
        again = ingest([CORPUS], store)
        assert again.stored == 0 and again.already_present == first.read
        assert finish_ingest(store, again) is not None
        assert not stale_work(store).without_story
        assert finish_ingest(store, again) is None  # nothing new, nothing stale: no grouping
