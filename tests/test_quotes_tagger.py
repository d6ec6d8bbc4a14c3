"""The trained attribution-role tagger (issue 4): labels -> spans -> linked attributions, in the pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsweave.enrich.quotes import extract_quotes
from newsweave.enrich.quotes.extract import Tok, analyse_structure
from newsweave.enrich.quotes.people import assemble
from newsweave.enrich.quotes.roles import role_chars
from newsweave.enrich.quotes.tagger import LABELS, MODEL_PATH, Segment, _model, bio, link, owners, retag, segments


@pytest.fixture(scope="session")
def nlp():
    from newsweave.enrich.quotes import _nlp

    return _nlp()


def _toks(text: str) -> list[Tok]:
    """Whitespace tokens of one sentence (heads all on the first token)."""
    out, pos = [], 0
    for w in text.split():
        s = text.index(w, pos)
        out.append(Tok(s, s + len(w), w, "NN", "dep", 0, 0))
        pos = s + len(w)
    return out


def test_segments_and_bio_round_trip():
    text = "Officials said the road stays shut , Ana Ruiz wrote ."
    toks = _toks(text)
    spans = [(0, "source", (0, 9)), (0, "cue", (10, 14)), (0, "content", (15, 34))]
    own = owners((ai, role, role_chars(text, [piece])) for ai, role, piece in spans)
    labels = bio(toks, own)
    assert labels[:4] == ["B-SRC", "B-CUE", "B-CON", "I-CON"]
    got = [(s.role, text[s.start:s.end]) for s in segments(toks, labels, 0)]
    assert got == [("source", "Officials"), ("cue", "said"), ("content", "the road stays shut")]


def test_link_joins_interrupted_content_and_shares_a_source():
    """“X,” he said, “Y.” He added …: one content of two pieces; both cues take the one source."""
    def seg(role, a, b, first, sent=0, cont=False):
        return Segment(role, a, b, 0, sent, sent, first, first, cont)

    segs = [
        seg("content", 0, 10, 0),
        seg("source", 12, 15, 1),
        seg("cue", 16, 20, 2),
        seg("content", 22, 30, 3, cont=True),
        seg("cue", 40, 45, 6),
        seg("content", 46, 60, 7),
    ]
    atts = sorted(link(segs), key=lambda a: a["cue"])
    assert atts[0]["content"] == [(0, 10), (22, 30)]  # one interrupted quotation
    assert atts[0]["source"] == (12, 15)
    assert atts[1]["content"] == [(46, 60)]
    assert atts[1]["source"] == (12, 15)  # "… he said … and added …": the same source


def test_link_keeps_sources_in_their_sentence():
    segs = [
        Segment("source", 0, 5, 0, 0, 0, 0, 0),
        Segment("cue", 30, 34, 0, 1, 1, 6, 6),
        Segment("content", 35, 50, 0, 1, 1, 7, 9),
    ]
    (att,) = link(segs)
    assert att["source"] is None and att["content"] == [(35, 50)]


@pytest.mark.skipif(not MODEL_PATH.exists(), reason="no trained tagger in the package")
def test_shipped_model_speaks_our_labels():
    assert set(_model(str(MODEL_PATH)).labels()) <= set(LABELS)


@pytest.mark.skipif(not MODEL_PATH.exists(), reason="no trained tagger in the package")
def test_tagger_links_an_indirect_quote(nlp):
    text = "Mayor Tom Ardent said on Monday that the bridge would reopen in May."
    parsed = analyse_structure(text, nlp)
    quotes, _, _ = assemble(parsed, "")
    atts = retag(parsed, quotes)
    assert atts is not None
    tagged = [a for a in atts if a.rule == "tagger"]
    assert tagged, "the tagger found no attribution"
    a = tagged[0]
    assert a.cue is not None and a.cue.of(text).startswith("said")
    assert "the bridge would reopen" in " ".join(p.of(text) for p in a.content)
    assert a.source is not None and "Ardent" in a.source.of(text)


@pytest.mark.skipif(not MODEL_PATH.exists(), reason="no trained tagger in the package")
def test_tagged_direct_quote_keeps_its_region_and_speaker(nlp):
    text = "“We will rebuild the harbour wall before winter,” said Jane Okafor, the port director."
    a = extract_quotes(text, nlp=nlp)
    q = next(q for q in a.quotes if "harbour wall" in q.content.of(text))
    assert q.kind == "direct"
    assert q.content.of(text).startswith("We will rebuild")
    assert q.speaker == "Jane Okafor"


def test_missing_model_leaves_the_rules(nlp, tmp_path: Path):
    text = "“It is done,” Ana Ruiz said."
    parsed = analyse_structure(text, nlp)
    quotes, _, _ = assemble(parsed, "")
    assert retag(parsed, quotes, tmp_path / "absent.crfsuite") is None


@pytest.mark.parametrize(
    "text", ["", " ", "“", "said said said", "“”", "\n\n“a\n\n", "A: B: “C” — D said, “", "x" * 300]
)
def test_retag_never_raises(nlp, text):
    parsed = analyse_structure(text, nlp)
    quotes, _, _ = assemble(parsed, "")
    retag(parsed, quotes)
