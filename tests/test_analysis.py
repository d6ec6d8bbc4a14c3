"""One analysis pass per article, stored and read back; incremental runs of the main job."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

import newsweave.compare as compare_module
import newsweave.nlp
from newsweave.enrich.analyse import AnalysisPool, analyse, analyse_many, analysis_version
from newsweave.enrich.stage import StatementVectors, stale_for_this_analyser
from newsweave.enrich.statements import Statement
from newsweave.model import Article
from newsweave.store import Store
from newsweave.store.analysis import store_analyses
from newsweave.store.stories import list_stories, story_detail
from newsweave.workflow import run_job, stored_entities

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"
class ParseCounter:
    """Counts the texts every spaCy pipeline newsweave loads is asked to process."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.texts = 0
        real = newsweave.nlp.load_english

        def counting(disable: tuple[str, ...] = ()):
            nlp = real(disable)
            counter = self

            class Counted:
                def pipe(self, texts, **kwargs):
                    for doc in nlp.pipe(texts, **kwargs):
                        counter.texts += 1
                        yield doc

                def __call__(self, text, **kwargs):
                    counter.texts += 1
                    return nlp(text, **kwargs)

                def __getattr__(self, name):
                    return getattr(nlp, name)

            return Counted()

        monkeypatch.setattr(newsweave.nlp, "load_english", counting)


def _article(aid: str, text: str, title: str | None = None) -> Article:
    return Article(id=aid, source=f"{aid}.example", origin=f"{aid}.txt", input_format="text", raw=b"",
                   text=text, title=title)


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """A copy of the example corpus (a fire story of five articles, a tram story of two), to add to."""
    return Path(shutil.copytree(CORPUS, tmp_path / "corpus"))


def _job(corpus: Path, store: Store, out: Path):
    return run_job([str(corpus)], store, out, method="lexical", workers=1)


def test_analysis_keeps_every_entity_span_and_the_clusterers_evidence():
    text = '"We are ready," Mara Quellwood said in Port Ellery on Monday. Officials of Kestrel Polymers agreed.'
    result = analyse(_article("a1", text, title="Bridge opens in Lindmoor"), embeddings=None)
    found = {(label, text[s:e]) for label, s, e in result.entities}
    assert ("PERSON", "Mara Quellwood") in found
    assert result.story_features["persons"] == ["quellwood"]
    assert "lindmoor" in result.story_features["places"]  # the title is read too
    assert [q.speaker for q in result.quotes.quotes] == ["Mara Quellwood"]
    assert result.version == analysis_version()


def test_story_features_read_only_the_head_of_a_long_text():
    filler = "The council met again and nothing was decided. " * 80  # ~3,800 characters
    text = "Mara Quellwood opened the session. " + filler + "Tobin Ashgrove closed it."
    (result,) = analyse_many([_article("a1", text)], embeddings=None)
    assert "quellwood" in result.story_features["persons"]
    assert "ashgrove" not in result.story_features["persons"]  # past the clusterer's 3,000 characters
    assert any(text[s:e] == "Tobin Ashgrove" for _, s, e in result.entities)  # compare sees the whole text


def test_a_pool_of_one_gives_the_same_records_as_the_function():
    articles = [_article(f"a{i}", f"Mara Quellwood spoke in Port Ellery for the {i}th time.") for i in range(3)]
    with AnalysisPool(1, embeddings=None, chunk=2) as pool:
        batches = list(pool.map_batches(articles))
    assert [len(b) for b in batches] == [2, 1]
    assert [r.entities for b in batches for r in b] == [r.entities for r in analyse_many(articles, embeddings=None)]


def test_stored_entities_are_read_back_for_compare(db_url):
    with Store.open(db_url) as store:
        article = _article("a1", "Mara Quellwood spoke in Port Ellery.")
        store.add_batch([article])
        assert stale_for_this_analyser(store) == ["a1"]
        store_analyses(store, analyse_many([article], embeddings=None))
        assert stale_for_this_analyser(store) == []
        (stored,) = store.iter_articles(ids=["a1"])
        entities = stored_entities(store, [stored])["a1"]
        assert [(e.label, e.text) for e in entities] == [("person", "Mara Quellwood"), ("place", "Port Ellery")]


def test_statement_vectors_are_embedded_once_per_store(db_url, monkeypatch):
    calls: list[int] = []

    def fake_embed(texts):
        calls.append(len(texts))
        return np.eye(len(texts), 4, dtype=np.float32)

    monkeypatch.setattr("newsweave.enrich.stage.embed_statements", fake_embed)
    with Store.open(db_url) as store:
        store.add_batch([_article("a1", "One two three four five. Six seven eight nine ten.")])
        one = Statement("a1", "a1.example", 0, 24, "One two three four five.", [])
        two = Statement("a1", "a1.example", 25, 51, "Six seven eight nine ten.", [])
        first = StatementVectors(store)([one])
        assert calls == [1] and first.shape == (1, 4)
        again = StatementVectors(store)
        both = again([one, two])
        assert calls == [1, 1] and again.computed == 1  # only the statement not seen before
        assert np.allclose(both[0], first[0])
        third = StatementVectors(store)
        third([two, one])
        assert third.computed == 0 and calls == [1, 1]


def test_an_unchanged_rerun_parses_nothing_and_compares_nothing(corpus, tmp_path, monkeypatch):
    out = tmp_path / "out"
    with Store.open(str(tmp_path / "job.db")) as store:
        first = _job(corpus, store, out)
        assert first.analysed == first.ingest.stored and first.compared == 2
        counter = ParseCounter(monkeypatch)
        monkeypatch.setattr(compare_module, "compare_articles",
                            lambda *a, **k: pytest.fail("an unchanged story was compared again"))
        again = _job(corpus, store, out)
    assert counter.texts == 0
    assert again.analysed == 0 and again.compared == 0 and not again.stories_updated
    assert [r.flags for r in again.reports] == [r.flags for r in first.reports]
    combined = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert sorted(s["id"] for s in combined["stories"]) == sorted(r.story_id for r in first.reports)


def test_compare_reads_the_stored_analysis_instead_of_parsing_again(corpus, tmp_path, monkeypatch):
    out = tmp_path / "out"
    with Store.open(str(tmp_path / "job.db")) as store:
        _job(corpus, store, out)
        for path in (out / "stories").iterdir():
            path.unlink()  # the reports are gone: both stories are compared again
        counter = ParseCounter(monkeypatch)
        monkeypatch.setattr(compare_module, "extract_entities",
                            lambda *a: pytest.fail("compare ran NER on a stored article"))
        again = _job(corpus, store, out)
    assert again.compared == 2 and again.analysed == 0
    assert counter.texts == 0  # the quotes came from the store too


def test_new_articles_recompare_only_the_stories_they_join(corpus, tmp_path, monkeypatch):
    out = tmp_path / "out"
    with Store.open(str(tmp_path / "job.db")) as store:
        _job(corpus, store, out)
        fire = max(list_stories(store, min_articles=2), key=lambda s: s.articles)
        wire = (corpus / "harbor-wire-warehouse-fire.txt").read_text(encoding="utf-8")
        lines = wire.split("\n")
        lines[0] = "Port Alden warehouse fire: 214 residents evacuated, officials say"
        (corpus / "late-edition-warehouse-fire.txt").write_text(
            "\n".join(lines) + "\n\nThe Port Alden fire marshal said on Friday the cause was still unknown.\n",
            encoding="utf-8")
        compared: list[str | None] = []
        real = compare_module.compare_articles

        def recording(articles, story_id=None, **kwargs):
            compared.append(story_id)
            return real(articles, story_id=story_id, **kwargs)

        monkeypatch.setattr(compare_module, "compare_articles", recording)
        again = _job(corpus, store, out)
        assert again.ingest.stored == 1 and again.analysed == 1
        assert compared == [fire.id] and again.compared == 1
        assert len(story_detail(store, fire.id).articles) == fire.articles + 1


def test_a_run_analyses_articles_an_earlier_ingest_stored_without_analysis(corpus, tmp_path):
    from newsweave.pipeline import IngestOptions, ingest

    with Store.open(str(tmp_path / "job.db")) as store:
        stored = ingest([str(corpus)], store, IngestOptions(post_store=[])).stored  # as if killed before analysing
        assert len(stale_for_this_analyser(store)) == stored
        result = _job(corpus, store, tmp_path / "out")
        assert result.ingest.stored == 0 and result.analysed == stored
        assert stale_for_this_analyser(store) == [] and result.compared == 2


def _unit_vectors(texts: list[str]) -> np.ndarray:
    """Deterministic stand-in for MiniLM: one unit vector per text, from its hash."""
    rows = [np.random.default_rng(abs(hash(t)) % (2**32)).normal(size=8) for t in texts]
    return np.array([r / np.linalg.norm(r) for r in rows], dtype=np.float32).reshape(len(texts), 8)


_LONE = ("Lindmoor library reopens after repairs\n\n"
         "The Lindmoor public library reopened its reading room on Tuesday after eight months of roof repairs. "
         "Librarian Wren Ibsely said the collection of maritime maps had been moved to a dry archive in Oldmere. "
         "The council paid for the work from its heritage fund, according to the annual accounts.\n")


def _vector_rows(store: Store) -> dict[str, int]:
    from sqlalchemy import select

    from newsweave.store.schema import statement_vectors

    with store.connect() as conn:
        return {r.article_id: len(r.spans) for r in conn.execute(select(statement_vectors))}


def test_statements_are_embedded_for_the_stories_compare_aligns_and_no_others(corpus, tmp_path, monkeypatch):
    embedded: list[str] = []

    def fake_embed(texts):
        embedded.extend(texts)
        return _unit_vectors(texts)

    monkeypatch.setattr("newsweave.enrich.statements.embed_statements", fake_embed)  # the step after grouping
    monkeypatch.setattr("newsweave.enrich.statements.embedder_available", lambda: True)
    monkeypatch.setattr("newsweave.enrich.stage.embed_statements",  # compare's own fallback
                        lambda texts: pytest.fail("compare embedded a statement the step should have"))
    (corpus / "lindmoor-library.txt").write_text(_LONE, encoding="utf-8")
    out = tmp_path / "out"
    with Store.open(str(tmp_path / "job.db")) as store:
        first = run_job([str(corpus)], store, out, method="auto", workers=1)
        in_stories = {a.id for s in list_stories(store, min_articles=2) for a in story_detail(store, s.id).articles}
        alone = {a.id for s in list_stories(store) if s.articles == 1 for a in story_detail(store, s.id).articles}
        rows = _vector_rows(store)
        assert first.compared == 2 and alone and in_stories
        assert set(rows) == in_stories  # every article compare aligns, and no article alone in its story
        assert len(embedded) == sum(rows.values()) > 0
        statements_of_the_first_run = len(embedded)

        again = run_job([str(corpus)], store, out, method="auto", workers=1)
        assert again.compared == 0 and len(embedded) == statements_of_the_first_run  # nothing embedded twice

        (corpus / "lindmoor-library-copy.txt").write_text(_LONE.replace("Tuesday", "Tuesday morning"),
                                                          encoding="utf-8")
        run_job([str(corpus)], store, out, method="auto", workers=1)
        now_in_stories = {a.id for s in list_stories(store, min_articles=2)
                          for a in story_detail(store, s.id).articles}
        assert alone & now_in_stories  # the lone article found a partner ...
        assert set(_vector_rows(store)) == now_in_stories  # ... and its statements were embedded then


def test_a_run_killed_while_embedding_statements_embeds_them_when_run_again(corpus, tmp_path, monkeypatch):
    import newsweave.enrich.stage as stage

    class Killed(BaseException):
        """Stands for SIGKILL: nothing catches it."""

    def killed(*args, **kwargs):
        raise Killed

    monkeypatch.setattr("newsweave.enrich.statements.embed_statements", _unit_vectors)
    monkeypatch.setattr("newsweave.enrich.statements.embedder_available", lambda: True)
    out = tmp_path / "out"
    with Store.open(str(tmp_path / "job.db")) as store:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(stage, "save_statement_vectors", killed)
            with pytest.raises(Killed):
                run_job([str(corpus)], store, out, method="auto", workers=1)
        assert _vector_rows(store) == {} and list_stories(store, min_articles=2)  # grouped, nothing embedded
        again = run_job([str(corpus)], store, out, method="auto", workers=1)
        in_stories = {a.id for s in list_stories(store, min_articles=2) for a in story_detail(store, s.id).articles}
        assert again.ingest.stored == 0 and again.statements_embedded > 0
        assert set(_vector_rows(store)) == in_stories and again.compared == len(list_stories(store, min_articles=2))


def test_a_pool_embeds_statements_in_the_order_given(monkeypatch):
    from newsweave.enrich.statements import embed_statements, embedder_available

    if not embedder_available():
        pytest.skip("the embed extra (MiniLM) is not installed")
    texts = ["a much longer statement than the others, about the harbour bridge", "short one here",
             "a middling statement about the tram", "tiny text"]
    monkeypatch.setattr("newsweave.enrich.analyse._STATEMENT_CHUNK", 2)  # two tasks, each sorted by length
    with AnalysisPool(2, embeddings=None) as pool:
        got = pool.embed_statements(texts)
    alone = np.vstack([embed_statements([t]) for t in texts])
    assert got.shape == alone.shape and np.allclose(got, alone, atol=1e-2)


def test_a_lexical_run_marks_nothing_so_a_later_auto_run_embeds(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr("newsweave.enrich.statements.embed_statements", _unit_vectors)
    monkeypatch.setattr("newsweave.enrich.statements.embedder_available", lambda: True)
    out = tmp_path / "out"
    with Store.open(str(tmp_path / "job.db")) as store:
        lexical = run_job([str(corpus)], store, out, method="lexical", workers=1)
        assert lexical.statements_embedded == 0 and _vector_rows(store) == {}
        auto = run_job([str(corpus)], store, out, method="auto", workers=1)
        in_stories = {a.id for s in list_stories(store, min_articles=2) for a in story_detail(store, s.id).articles}
        assert auto.statements_embedded > 0 and set(_vector_rows(store)) == in_stories


def test_stories_compared_in_the_workers_give_the_reports_compared_here(corpus, tmp_path, monkeypatch):
    """With two workers the stories are compared in them (this process only writes), to the same reports."""
    import newsweave.workflow as workflow

    with Store.open(str(tmp_path / "here.db")) as store:
        here = run_job([str(corpus)], store, tmp_path / "here", method="auto", workers=1)
    monkeypatch.setattr(workflow, "_compare_and_render",
                        lambda *a, **k: pytest.fail("the writer compared a story the workers should have"))
    with Store.open(str(tmp_path / "pool.db")) as store:
        pooled = run_job([str(corpus)], store, tmp_path / "pool", method="auto", workers=2)
    assert pooled.compared == here.compared == 2

    def story(report):  # everything but the seconds each compare step took
        (found,) = json.loads(report.json.read_text(encoding="utf-8"))["stories"]
        found.pop("timings")
        return found

    for a, b in zip(here.reports, pooled.reports, strict=True):
        assert a.story_id == b.story_id and a.flags == b.flags
        assert story(a) == story(b)
    assert any(story(a)["flags"] for a in here.reports)  # there were findings to agree on


def test_an_in_memory_store_is_compared_in_this_process(corpus, tmp_path):
    """Workers cannot open another process's in-memory database: its stories are compared by the writer."""
    import newsweave.workflow as workflow

    class RunningPool:
        started, workers = True, 2

        def imap(self, func, items):
            raise AssertionError("an in-memory store's stories went to the workers")

    with Store.open("sqlite://") as store:
        assert store.in_memory
        _job(corpus, store, tmp_path / "out")
        details = [story_detail(store, s.id) for s in list_stories(store, min_articles=2)]
        done = list(workflow._compared_stories(store, details, "lexical", RunningPool()))
    assert len(done) == len(details) == 2 and all(record["flags"] is not None for record, _html, _json in done)
    with Store.open(str(tmp_path / "file.db")) as store:
        assert not store.in_memory


def test_a_worker_runs_torch_and_numpys_blas_on_the_threads_it_is_given():
    """Two workers on two cores must not each start a BLAS thread per core (they spin and fight)."""
    import subprocess
    import sys

    probe = ("import json, threadpoolctl, torch\n"
             "from newsweave.enrich.analyse import limit_model_threads\n"
             "limit_model_threads(1)\n"
             "pools = [[i['internal_api'], i['num_threads']] for i in threadpoolctl.threadpool_info()]\n"
             "print(json.dumps([torch.get_num_threads(), pools]))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    torch_threads, pools = json.loads(done.stdout.strip().splitlines()[-1])
    assert torch_threads == 1
    assert "openblas" in {api for api, _ in pools}  # numpy's BLAS is among the pools limited
    assert all(threads == 1 for _, threads in pools), pools
