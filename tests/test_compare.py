"""compare: quote groups, statements, numbers, names, signals and timeline on constructed articles."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from newsweave.compare import compare_articles
from newsweave.compare.numbers import consistent
from newsweave.enrich.numbers import extract_numbers
from newsweave.model import Article, RemovedLine, Span
from newsweave.text.sentences import split_clauses, split_sentences, statement_spans


def make(aid: str, source: str, text: str, published: str | None = None, **kw) -> Article:
    return Article(
        id=aid, source=source, origin=f"{aid}.txt", input_format="text", raw=text.encode(), text=text,
        extracted_text=text, published=datetime.fromisoformat(published).replace(tzinfo=timezone.utc) if published else None,
        **kw,
    )


A = make("a1", "north.example", (
    "Mayor Lena Okonkwo ordered the evacuation of 300 residents from the river district on Monday.\n\n"
    "“We will not let anyone return home until the water has receded. Our first duty is to the families,” "
    "Okonkwo said at a news conference. She added that the shelter at Harbor School would stay open all week.\n\n"
    "Engineers from the state agency inspected the levee and found two breaches near the old mill.\n\n"
    "The city council will meet on Friday to approve $1.5 million in emergency aid for the district.\n\n"
    "“The levee was never designed for this,” said Jonas Feld, the county engineer.\n\n"
    "A local bakery handed out free bread to volunteers filling sandbags along Quay Street."
), "2025-04-01T08:00:00")

B = make("b2", "south.example", (
    "Mayor Lena Okonkwo ordered 350 residents of the river district to leave their homes on Monday.\n\n"
    "\"We won't let anyone go home until the water has receded,\" she said.\n\n"
    "Inspectors from the state agency found two breaches in the levee near the old mill, officials said.\n\n"
    "The council is to vote Friday on $1.5 million of emergency aid for the river district.\n\n"
    "“The levee was never designed for this,” said Jonas Feld, the county engineer.\n\n"
    "Schools in the district will remain closed until Wednesday, the school board announced."
), "2025-04-01T10:30:00")

C = make("c3", "copy.example", (
    "The mayor Lena Okonkwo has ordered the evacuation of 300 residents from the river district on Monday.\n\n"
    "“We will not allow anyone to return home until the water has receded. Our first duty is to the families. ” "
    "he said.\n\n"
    "The engineers of the state agency , have inspected the levee and found two breaches near the old mill. Mill.\n\n"
    "The mayor said that his council will meet on Friday to approve 1.5 million dollars in emergency aid.\n\n"
    "Lina Okonkwo said the city would reimburse hotel costs for displaced families.\n\n"
    "<script>document.title='pwned'</script> <img src=x onerror=\"document.title='pwned'\">"
), "2025-04-01T12:00:00", removed=[RemovedLine("Share on Facebook", "share buttons", "share_prompt", 0, 17)])


@pytest.fixture(scope="module")
def story():
    return compare_articles([A, B, C], story_id="flood", method="lexical")


def _group_with(story, needle):
    return next(g for g in story["quotes"] if any(needle in v["text"] for v in g["variants"]))


def test_contract_keys(story):
    assert story["id"] == "flood"
    assert {"id", "articles", "quotes", "statements", "numbers", "names", "flags"} <= set(story)
    for a in story["articles"]:
        assert {"id", "source", "title", "published"} <= set(a)
    for g in story["quotes"]:
        assert {"canonical", "speaker", "flags", "variants"} <= set(g)
        for v in g["variants"]:
            assert {"article", "text", "start", "end", "speaker_as_written", "speaker"} <= set(v)
    for f in story["flags"]:
        assert {"kind", "article", "start", "end", "reason", "score"} <= set(f)
    for s in story["statements"]:
        assert {"text", "articles"} <= set(s)


def test_evidence_spans_point_into_the_clean_text(story):
    texts = {a.id: a.text for a in (A, B, C)}
    for f in story["flags"]:
        assert 0 <= f["start"] <= f["end"] <= len(texts[f["article"]])
        assert texts[f["article"]][f["start"] : f["end"]] == f["text"]
    for g in story["quotes"]:
        for v in g["variants"]:
            assert v["text"].split()[0] in texts[v["article"]][v["start"] : v["end"]]


def test_drifted_quote_grouped_across_three_outlets(story):
    g = _group_with(story, "return home")
    assert sorted(v["article"] for v in g["variants"]) == ["a1", "b2", "c3"]  # "go home" for "return home" too
    assert "wording_drift" in g["flags"]
    assert g["speaker"] == "Lena Okonkwo"
    by_article = {v["article"]: v for v in g["variants"]}
    assert [by_article[a]["speaker_as_written"] for a in ("a1", "b2", "c3")] == ["Okonkwo", "she", "he"]
    ops = [op for op in by_article["c3"]["diff"] if op["op"] == "replace"]
    assert any("allow" in op["variant"] for op in ops)


def test_identical_quote_is_not_drift(story):
    g = _group_with(story, "never designed")
    assert {v["article"] for v in g["variants"]} == {"a1", "b2"}
    assert "wording_drift" not in g["flags"]
    assert "single_outlet" not in g["flags"]
    assert g["speaker"] == "Jonas Feld"


def test_statements_aligned_and_unique(story):
    multi = [s for s in story["statements"] if len(s["articles"]) > 1]
    breaches = [s for s in multi if "breaches" in s["text"]]
    assert breaches and set(breaches[0]["articles"]) >= {"a1", "c3"}
    unique_texts = {s["text"] for s in story["statements"] if s["unique"]}
    assert any("bakery" in t for t in unique_texts)
    assert any("Schools" in t for t in unique_texts)
    outlets = {o["article"]: o for o in story["outlets"]}
    by_id = {s["id"]: s for s in story["statements"]}
    assert any("bakery" in by_id[sid]["text"] for sid in outlets["a1"]["unique_statements"])


def test_number_conflict_on_the_odd_figure_with_the_others_as_evidence(story):
    conflicts = [f for f in story["flags"] if f["kind"] == "number_conflict"]
    # two outlets say 300, one says 350: the flag sits on the 350, citing both 300s
    assert [(f["article"], f["text"]) for f in conflicts] == [("b2", "350 residents")]
    assert {o["article"] for o in conflicts[0]["data"]["others"]} == {"a1", "c3"}
    assert {o["text"] for o in conflicts[0]["data"]["others"]} == {"300 residents"}
    money = [n for n in story["numbers"] if n["kind"] == "money" and len(n["articles"]) > 1]
    assert money and not money[0]["conflict"]  # "$1.5 million" == "1.5 million dollars"


def test_name_variant_and_pronoun_flags(story):
    variants = [f for f in story["flags"] if f["kind"] == "name_variant"]
    assert [(f["article"], f["text"]) for f in variants] == [("c3", "Lina")]
    pronouns = [f for f in story["flags"] if f["kind"] == "pronoun_gender"]
    assert pronouns and all(f["article"] == "c3" for f in pronouns)


def test_signals_combine_several_kinds(story):
    signals = {s["article"]: s for s in story["signals"]}
    assert signals["c3"]["machine_translation_score"] >= 0.5
    kinds = {r["signal"] for r in signals["c3"]["reasons"]}
    assert {"stray_word", "space_before_closing_quote", "space_before_punctuation"} <= kinds
    assert signals["a1"]["machine_translation_score"] < 0.3
    assert signals["c3"]["debris"][0]["rule"] == "share_prompt"


def test_one_kind_of_signal_alone_stays_below_half():
    text = "He said “yes ” and “no ” and “maybe ” and “never ” to the “plan ” today."
    story = compare_articles([make("x", "x.example", text)], method="lexical")
    assert story["signals"][0]["machine_translation_score"] < 0.5


def test_timeline_orders_and_groups_reprints():
    copy = make("d4", "reprint.example", A.text, "2025-04-02T08:00:00")
    story = compare_articles([copy, B, A], method="lexical")
    order = [t["article"] for t in story["timeline"]]
    assert order == ["a1", "b2", "d4"]
    reprint = {t["article"]: t for t in story["timeline"]}
    assert reprint["d4"]["reprint_of"] == "a1" and reprint["b2"]["reprint_of"] is None


def test_given_reprint_groups_and_empty_input():
    story = compare_articles([A, B], reprint_groups={"a1": "g", "b2": "g"}, method="lexical")
    assert {t["reprint_group"] for t in story["timeline"]} == {"g"}
    empty = compare_articles([], story_id="none")
    assert empty["quotes"] == [] and empty["statements"] == [] and empty["flags"] == []


def test_sentences_keep_abbreviations_and_spans():
    text = "Westmark Gov. Dana Ferrow spoke in the U.S. Senate. Prices rose 2.5% on Monday.\nA headline\n\nNext one."
    spans = split_sentences(text)
    assert [s.of(text) for s in spans] == [
        "Westmark Gov. Dana Ferrow spoke in the U.S. Senate.", "Prices rose 2.5% on Monday.", "A headline", "Next one."]


def test_long_sentences_split_into_clauses_not_inside_quotes():
    text = ("The council approved the plan after a long debate over costs and routes in the district, "
            "which many residents had opposed for years because of the noise and the traffic it would bring; "
            "the mayor said “we will build it, which is what we promised”.")
    pieces = [s.of(text) for s in split_clauses(text, Span(0, len(text)), max_words=20)]
    assert len(pieces) == 3
    assert pieces[2].startswith("the mayor said")
    assert statement_spans("Short one.") == [Span(0, 10)]


@pytest.mark.parametrize("text,value,kind,what", [
    ("more than 12,400 shipping containers arrived", 12400, "count", "shipping containers"),
    ("a $2.5 billion budget", 2.5e9, "money", "USD"),
    ("2.5 million dollars", 2.5e6, "money", "USD"),
    ("roughly 40 percent of", 40, "percent", "percent"),
    ("at 11:40 p.m. on", 23 * 60 + 40, "time", "time of day"),
    ("at 23:40 on", 23 * 60 + 40, "time", "time of day"),
    ("the four stations fought", 4, "count", "stations"),
])
def test_number_extraction(text, value, kind, what):
    n = extract_numbers(text)[0]
    assert (n.value, n.kind, n.what) == (value, kind, what)
    assert text[n.start : n.end] == n.text


def test_numbers_ignore_model_names_and_consistency_rules():
    assert [n.text for n in extract_numbers("the COVID-19 pandemic")] == []
    more, a, b, about = (extract_numbers(t)[0] for t in (
        "more than 200 residents", "214 residents", "241 residents", "about 210 residents"))
    assert consistent(more, a) and consistent(more, b) and not consistent(a, b)
    assert consistent(about, a) and not consistent(about, extract_numbers("300 residents")[0])


def test_bench_generator_and_run_small():
    from newsweave.bench.compare import render, run, story_articles

    articles = story_articles(4, seed=3)
    assert len({a.id for a in articles}) == 4 and all(a.text for a in articles)
    assert story_articles(4, seed=3)[0].text == articles[0].text  # deterministic
    result = run([3], method="lexical", seed=3)
    assert result["rows"][0]["articles"] == 3 and result["rows"][0]["seconds"] >= 0
    assert "| 3 |" in render(result)


def test_bench_rejects_unknown_method_before_the_warm_up(monkeypatch):
    import newsweave.compare as compare
    from newsweave.bench.compare import main, run
    from newsweave.errors import InputError

    monkeypatch.setattr(compare, "compare_articles", lambda *a, **k: pytest.fail("compared before the check"))
    with pytest.raises(InputError, match="unknown method 'fast'"):
        run([3], method="fast")
    with pytest.raises(SystemExit):
        main(["--method", "fast"])  # argparse choices come from METHODS


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_ALPHABET = st.sampled_from([*"abc XYZ.,;!?\n\"“”‘’«»—-$%0123456789:", "U.S.", "Gov.", " p.m.", "said", "he"])


@settings(max_examples=150, deadline=None)
@given(st.lists(_ALPHABET, max_size=80).map("".join))
def test_text_helpers_never_raise_and_spans_stay_inside(text):
    from newsweave.compare.signals import _pattern_findings
    from newsweave.enrich.statements import _quoted_spans

    for span in statement_spans(text):
        assert 0 <= span.start < span.end <= len(text)
    for n in extract_numbers(text):
        assert text[n.start : n.end] == n.text
    for span in _quoted_spans(text):
        assert 0 <= span.start <= span.end <= len(text)
    for f in _pattern_findings(make("p", "p.example", text)):
        assert 0 <= f.start <= f.end <= len(text)
