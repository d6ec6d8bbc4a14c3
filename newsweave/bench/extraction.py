"""Ingest quality on real data: extraction beside trafilatura, and what archives and feeds become.

Every page goes through the user's path — ``read_path`` on the saved HTML file, then
``clean_article`` — and the *stored* article (its title and clean text: a headline the
cleaner takes out of the body is kept as ``Article.title``, not lost) is scored the way trafilatura's
own evaluation scores extractors: whitespace is collapsed in snippets and text; a ``with``
snippet found is a true positive, a ``without`` snippet found a false positive. Plain
``trafilatura.extract`` runs on the same bytes in the same run as the peer.

Besides the scores it counts what the debris rules did: ``with`` snippets that were in the
extracted text but not in the stored text (a rule ate real text — must be 0), ``without``
snippets the rules removed (debris caught), and the removals per rule.

The data is the tarball described in ``../shared/data/DATA.md``
(``extraction/trafilatura_eval_visible.tar.gz``); it is unpacked to a temporary folder.
"""

from __future__ import annotations

import json
import re
import tarfile
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Scores", "crawl_tallies", "evaluate", "find_eval_dir", "render", "revision_check", "run", "unpack"]

_SPACE = re.compile(r"\s+")


def _fold(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


@dataclass(slots=True)
class Scores:
    """Snippet counts for one extractor over all pages."""

    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def add(self, text: str, keep: list[str], drop: list[str]) -> None:
        for snippet in keep:
            if _fold(snippet) in text:
                self.tp += 1
            else:
                self.fn += 1
        for snippet in drop:
            if _fold(snippet) in text:
                self.fp += 1
            else:
                self.tn += 1

    def as_dict(self) -> dict[str, Any]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        total = self.tp + self.fn + self.fp + self.tn
        return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
                "accuracy": round((self.tp + self.tn) / total, 4) if total else 0.0,
                "tp": self.tp, "fn": self.fn, "fp": self.fp, "tn": self.tn}


@dataclass(slots=True)
class RuleTally:
    """What cleaning removed, judged against the snippets."""

    with_removed: list[dict[str, Any]] = field(default_factory=list)  # real text eaten: must stay empty
    without_removed: int = 0  # debris the rules caught
    removals_by_rule: Counter = field(default_factory=Counter)
    candidates: int = 0  # body-like lines a rule matched but kept


def find_eval_dir(data_root: Path) -> Path | None:
    """The tarball under ``data_root`` (``extraction/trafilatura_eval_visible.tar.gz``)."""
    tarball = data_root / "extraction" / "trafilatura_eval_visible.tar.gz"
    return tarball if tarball.is_file() else None


def unpack(tarball: Path, into: Path) -> Path:
    """Unpack the evaluation tarball (regular files only) and return its ``trafilatura_eval`` folder."""
    with tarfile.open(tarball) as archive:
        members = [m for m in archive.getmembers() if m.isfile() and ".." not in Path(m.name).parts
                   and not Path(m.name).is_absolute()]
        archive.extractall(into, members=members)  # members filtered above
    return into / "trafilatura_eval"


def _pages(eval_dir: Path, limit: int | None) -> Iterator[tuple[str, Path, list[str], list[str]]]:
    data = json.loads((eval_dir / "evaldata.json").read_text(encoding="utf-8"))
    for n, (url, entry) in enumerate(sorted(data.items())):
        if limit is not None and n >= limit:
            return
        path = eval_dir / "html" / entry["file"]
        if path.is_file():
            yield url, path, list(entry.get("with") or []), list(entry.get("without") or [])


def _newsweave_text(path: Path) -> tuple[str, str, Any]:
    """(stored text, extracted text, the article or None) through read_path + clean_article."""
    from newsweave.clean import clean_article
    from newsweave.model import Article
    from newsweave.read import read_path

    for item in read_path(path):
        if isinstance(item, Article):
            article = clean_article(item)
            title = article.title or ""
            return _fold(f"{title}\n{article.text}"), _fold(f"{title}\n{article.extracted_text}"), article
    return "", "", None


def _trafilatura_text(path: Path) -> str:
    import trafilatura

    return _fold(trafilatura.extract(path.read_bytes()) or "")


def evaluate(eval_dir: Path, limit: int | None = None) -> dict[str, Any]:
    """Score newsweave (stored text) and plain trafilatura on every page; tally the rules."""
    ours, peer = Scores(), Scores()
    tally = RuleTally()
    pages = 0
    for url, path, keep, drop in _pages(eval_dir, limit):
        pages += 1
        stored, extracted, article = _newsweave_text(path)
        ours.add(stored, keep, drop)
        peer.add(_trafilatura_text(path), keep, drop)
        if article is None:
            continue
        tally.removals_by_rule.update(r.rule for r in article.removed)
        tally.candidates += sum(1 for w in article.warnings if "kept as a candidate" in w)
        for snippet in keep:
            folded = _fold(snippet)
            if folded in extracted and folded not in stored:
                rules = sorted({r.rule for r in article.removed if folded[:40] in _fold(r.text)
                                or _fold(r.text) in folded})
                tally.with_removed.append({"page": url, "rules": rules or ["(split across lines)"]})
        tally.without_removed += sum(1 for s in drop if _fold(s) in extracted and _fold(s) not in stored)
    return {
        "pages": pages,
        "newsweave": ours.as_dict(),
        "trafilatura": peer.as_dict(),
        "with_snippets_removed": len(tally.with_removed),
        "with_removed_by": dict(Counter(r for item in tally.with_removed for r in item["rules"])),
        "without_snippets_removed": tally.without_removed,
        "removals_by_rule": dict(tally.removals_by_rule.most_common()),
        "candidates_kept": tally.candidates,
    }


def crawl_tallies(data_root: Path) -> list[dict[str, Any]]:
    """Per file under ``crawl/`` (warcio's archives, the feeds): articles, skipped, failed."""
    from newsweave.model import Article, Skipped
    from newsweave.read import read_path

    rows = []
    for folder in ("warcio", "feeds"):
        for path in sorted((data_root / "crawl" / folder).glob("*")):
            counts: Counter = Counter()
            for item in read_path(path):
                counts["articles" if isinstance(item, Article) else
                       "skipped" if isinstance(item, Skipped) else "failed"] += 1
            rows.append({"file": f"{folder}/{path.name}", "articles": counts["articles"],
                         "skipped": counts["skipped"], "failed": counts["failed"]})
    return rows


def run(data_root: Path, limit: int | None = None) -> dict[str, Any]:
    """Extraction scores (the tarball unpacked to a temporary folder) and crawl tallies;
    each part is None when its data is absent."""
    result: dict[str, Any] = {"data": str(data_root), "extraction": None, "revisions": None, "crawl": None}
    tarball = find_eval_dir(data_root)
    if tarball is not None:
        with tempfile.TemporaryDirectory(prefix="newsweave-extraction-") as tmp:
            eval_dir = unpack(tarball, Path(tmp))
            result["extraction"] = evaluate(eval_dir, limit)
            result["revisions"] = revision_check(eval_dir, min(40, limit or 40))
    if (data_root / "crawl").is_dir():
        result["crawl"] = crawl_tallies(data_root)
    return result


def render(result: dict[str, Any]) -> None:
    """Print the extraction scores beside trafilatura's, then one line per crawl file."""
    extraction = result.get("extraction")
    if extraction is None:
        print(f"extraction: no evaluation pages under {result['data']} (extraction/trafilatura_eval_visible.tar.gz)")
    else:
        print(f"Extraction on {extraction['pages']} trafilatura evaluation pages (stored title + text):")
        print("extractor   | precision | recall | F1     | accuracy")
        for name in ("newsweave", "trafilatura"):
            row = extraction[name]
            print(f"{name:<11} | {row['precision']:.4f}    | {row['recall']:.4f} | {row['f1']:.4f} | {row['accuracy']:.4f}")
        by_rule = f" {extraction['with_removed_by']}" if extraction["with_removed_by"] else ""
        print(f"debris rules: {extraction['with_snippets_removed']} 'with' snippets removed{by_rule}, "
              f"{extraction['without_snippets_removed']} 'without' snippets "
              f"removed, {extraction['candidates_kept']} body-like lines kept as candidates")
        print(f"removals by rule: {extraction['removals_by_rule']}")
    revisions = result.get("revisions")
    if revisions:
        print(f"Edit tracking on {revisions['pages']} real texts (a word inserted, a sentence deleted, one added; "
              f"re-ingested): {revisions['right']} right (1 article, 2 versions, diff 1/1/1)")
        for item in revisions["wrong"][:5]:
            print(f"  wrong: {item}")
    crawl = result.get("crawl")
    if crawl is None:
        print(f"crawl: no crawl/ folder under {result['data']}")
        return
    print(f"Archives and feeds ({len(crawl)} files): articles / skipped (not articles) / failed (with a reason)")
    for row in crawl:
        print(f"  {row['file']:<45} {row['articles']:>3} / {row['skipped']:>3} / {row['failed']:>3}")


_ADDED = "This sentence was added when the article was updated."


def revision_check(eval_dir: Path, pages: int = 40) -> dict[str, Any]:
    """Edit tracking on real texts, through ``ingest``: each page's stored text is saved as a
    text file and ingested, then the file is overwritten with an edited copy (a word inserted in
    one sentence, another sentence deleted, one added) and ingested again; right = 1 article,
    2 versions, and exactly 1 edited / 1 deleted / 1 added sentence in the diff."""
    from newsweave.pipeline import IngestOptions, ingest
    from newsweave.store import Store
    from newsweave.store.versions import versions_of
    from newsweave.text.sentences import split_sentences

    tried = right = 0
    wrong: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="newsweave-revisions-") as tmp:
        for url, path, _keep, _drop in _pages(eval_dir, None):
            if tried >= pages:
                break
            _, _, article = _newsweave_text(path)
            spans = [s for s in split_sentences(article.text) if len(s.of(article.text).split()) >= 6] if article else []
            if len(spans) < 4:
                continue
            tried += 1
            first, last = spans[1], spans[-2]
            words = first.of(article.text).split()
            edited = " ".join([*words[:2], "reportedly", *words[2:]])
            text = article.text
            new = text[:first.start] + edited + text[first.end:last.start] + text[last.end:] + "\n\n" + _ADDED
            saved = Path(tmp) / f"{tried}.txt"
            with Store.open("sqlite://") as store:
                for version in (text, new):
                    saved.write_text(version + "\n", encoding="utf-8")
                    ingest([str(saved)], store, IngestOptions(post_store=[]))
                stored = list(store.iter_articles(with_raw=False))
                history = versions_of(store, stored[0].id) if len(stored) == 1 else []
            diff = history[-1].diff if len(history) == 2 else None
            counts = diff["counts"] if diff else None
            if counts and (counts["edited"], counts["deleted"], counts["added"]) == (1, 1, 1):
                right += 1
            else:
                wrong.append({"page": url, "articles": len(stored), "versions": len(history), "counts": counts})
    return {"pages": tried, "right": right, "wrong": wrong}
