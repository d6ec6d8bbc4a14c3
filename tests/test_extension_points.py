"""docs/ARCHITECTURE.md, *Where changes go*, done once each: a reader for a new file format, a
debris rule, a quote cue, and the places a new store backend has to touch.

Each test makes the change through the mechanism the page names (monkeypatched, so nothing
leaks into other tests) and checks the pipeline picks it up; each also checks the page still
names the files the change touches, so the page and the code cannot drift apart silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsweave.model import Article, Failure

ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURE = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    """The text of one ``### title`` subsection of the page."""
    match = re.search(rf"^### {re.escape(title)}\n(.*?)(?=^#{{2,3}} |\Z)", ARCHITECTURE, re.M | re.S)
    assert match, f"docs/ARCHITECTURE.md has no '### {title}' section"
    return match.group(1)


def _assert_names_files(title: str, files: list[str]) -> None:
    section = _section(title)
    for name in files:
        assert (ROOT / name).exists(), name
        assert f"`{name}`" in section, f"'{title}' in docs/ARCHITECTURE.md does not name {name}"


# --------------------------------------------------------------------------- a new reader


def read_toy_file(path: Path, options=None) -> Iterator[Article | Failure]:
    """A toy format: ``outlet|title`` on the first line, a blank line, then the body."""
    from newsweave.read._common import finish_article

    raw = path.read_bytes()
    head, _, body = raw.decode("utf-8").partition("\n\n")
    if "|" not in head:
        yield Failure(str(path), "no 'outlet|title' line")
        return
    outlet, title = head.split("|", 1)
    yield finish_article(raw=raw, text=body, origin=str(path), input_format="toy", source=outlet,
                         fallback_source=path.stem, title=title)


BODY = ("The harbour board voted on Monday to rebuild the old pier before the winter storms.\n\n"
        "Work starts in March and should take eleven weeks, the board said in a statement.")


def test_a_reader_for_a_new_format(tmp_path, monkeypatch):
    from newsweave import read
    from newsweave.pipeline import ingest
    from newsweave.store import Store

    _assert_names_files("A new reader (input format)", ["newsweave/read/__init__.py", "README.md"])
    monkeypatch.setitem(read.EXTENSIONS, ".toy", "toy")
    monkeypatch.setitem(read.READERS, "toy", (__name__, "read_toy_file"))
    (tmp_path / "pier.toy").write_text(f"Harbour Times|Board votes to rebuild pier\n\n{BODY}", encoding="utf-8")
    (tmp_path / "broken.toy").write_text("no header line", encoding="utf-8")

    results = list(read.read_inputs([str(tmp_path)]))  # a folder walk finds the new extension too
    (failure,) = [r for r in results if isinstance(r, Failure)]
    assert failure.origin.endswith("broken.toy") and failure.reason == "no 'outlet|title' line"
    (article,) = [r for r in results if isinstance(r, Article)]
    assert (article.input_format, article.source, article.title) == ("toy", "Harbour Times", "Board votes to rebuild pier")

    with Store.open("sqlite://") as store:
        summary = ingest([str(tmp_path / "pier.toy")], store)
        assert summary.stored == 1
        (stored,) = store.iter_articles()
        assert stored.input_format == "toy" and stored.text == BODY


# --------------------------------------------------------------------------- a new debris rule


def sponsored_label(text: str) -> str | None:
    """A toy rule: "Sponsored by …" lines."""
    return "sponsor label" if text.lower().startswith("sponsored by ") else None


def test_a_new_debris_rule(monkeypatch):
    import newsweave.clean as clean_package
    from newsweave.clean import clean_text, rules

    _assert_names_files("A new debris rule", ["newsweave/clean/rules.py", "newsweave/clean/__init__.py"])
    # every rule the table holds is in the package docstring's table of rules
    for rule_id, _ in rules.LINE_RULES:
        assert f"``{rule_id}``" in (clean_package.__doc__ or ""), f"rule {rule_id} is not documented in clean/__init__.py"

    text = f"{BODY}\n\nSponsored by Kestrel Polymers\n\nThe pier opened in 1911."
    assert not [x for x in clean_text(text).removed if x.rule == "sponsored_label"]
    monkeypatch.setattr(rules, "LINE_RULES", [*rules.LINE_RULES, ("sponsored_label", sponsored_label)])
    result = clean_text(text)
    (removed,) = result.removed
    assert (removed.rule, removed.reason, removed.text) == ("sponsored_label", "sponsor label", "Sponsored by Kestrel Polymers")
    assert text[removed.start:removed.end] == removed.text  # the span points into the extracted text
    assert "Sponsored" not in result.text and result.text.endswith("The pier opened in 1911.")


# --------------------------------------------------------------------------- a new quote cue

CUE_TEXT = ("The harbour board met on Monday.\n\n"
            "Mayor Ilse Brandt grumbled that the pier would not close this winter.\n\n"
            "“We have no money for it,” Brandt grumbled.")


def _listed_quotes(text: str) -> list[tuple[str, str | None, str]]:
    from newsweave.enrich.quotes import extract_quotes

    return [(q.act, q.speaker, text[q.content.start:q.content.end])
            for q in extract_quotes(text).quotes if q.is_listed]


def test_a_new_quote_cue(monkeypatch):
    from newsweave.enrich.quotes import acts, lexicon

    _assert_names_files("A new quote cue", ["newsweave/enrich/quotes/lexicon.py", "newsweave/enrich/quotes/acts.py"])
    assert "grumble" not in lexicon.SPEECH_LEMMAS and "grumble" not in acts.SPEECH
    lexicon.cue_forms.cache_clear()
    assert _listed_quotes(CUE_TEXT) == []  # "grumbled" is no cue: nothing is attributed

    monkeypatch.setattr(lexicon, "SPEECH_LEMMAS", [*lexicon.SPEECH_LEMMAS, "grumble"])  # a cue the rules look for
    monkeypatch.setattr(acts, "SPEECH", acts.SPEECH | {"grumble"})  # what it reports: speech
    for form in lexicon.inflect("grumble"):
        monkeypatch.setitem(acts._FORM_LEMMA, form, "grumble")
    lexicon.cue_forms.cache_clear()
    try:
        assert _listed_quotes(CUE_TEXT) == [
            ("speech", "Ilse Brandt", "that the pier would not close this winter"),
            ("speech", "Ilse Brandt", "We have no money for it,"),
        ]
    finally:
        monkeypatch.undo()
        lexicon.cue_forms.cache_clear()


# --------------------------------------------------------------------------- a new store backend

#: the modules that branch on the database; a new backend adds its branch in each
BACKEND_FILES = ["newsweave/store/repository.py", "newsweave/store/search.py", "newsweave/store/browse.py",
                 "newsweave/store/migrations/env.py"]
_BRANCH = re.compile(r"""(?:dialect(?:\.name)?|backend)\s*(?:[!=]=|in)\s*\(?\s*["'](?:sqlite|postgres)""")


def test_a_new_store_backend_touches_the_documented_files():
    from newsweave.errors import InputError
    from newsweave.store.repository import resolve_url

    _assert_names_files("A new store backend", [*BACKEND_FILES, "pyproject.toml", "tests/conftest.py"])
    branching = sorted(
        str(path.relative_to(ROOT)) for path in (ROOT / "newsweave").rglob("*.py")
        if "migrations/versions" not in path.as_posix() and _BRANCH.search(path.read_text(encoding="utf-8"))
    )
    assert branching == sorted(BACKEND_FILES)  # dialect-specific code is nowhere else
    # the one entry point: an unknown database is refused there, naming what is supported
    with pytest.raises(InputError, match=r"give an SQLite file path or a postgresql:// URL"):
        resolve_url("mysql://me@localhost/news")
