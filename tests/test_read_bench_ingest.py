"""The ingest benchmark runs end to end on a tiny corpus (speed is not asserted)."""

from __future__ import annotations

from newsweave.bench import ingest
from newsweave.model import Article
from newsweave.read import read_inputs


def test_corpus_pages_are_read_from_html_and_warc(tmp_path):
    corpus = ingest.write_corpus(tmp_path, 4, shards=2)
    html = list(read_inputs([str(corpus["html_dir"])]))
    warc = list(read_inputs([str(p) for p in corpus["warcs"]]))
    assert len(html) == 4 and all(isinstance(a, Article) for a in html)
    assert sorted(a.url for a in warc) == sorted(a.url for a in html)
    assert all(a.published and a.published.tzinfo for a in html)
    assert html[0].source  # og:site_name


def test_run_returns_rows_for_every_pipeline(capsys):
    result = ingest.run(n_articles=3, workers=1)
    assert {(r["input"], r["pipeline"]) for r in result["rows"]} == {
        (i, p) for i in ("HTML files", "WARC.gz") for p in ("trafilatura", "read", "read+clean")}
    assert all(r["articles"] == 3 and r["failures"] == 0 for r in result["rows"])
    ingest.render(result)
    assert "articles/s" in capsys.readouterr().out
