"""Render a comparison (the JSON contract of :func:`newsweave.compare.compare_articles`)
as JSON, Markdown or one self-contained HTML file.

The HTML report makes no network request (inline CSS, no fonts, no scripts) and
escapes every piece of article text: Jinja2 autoescaping is on and article text
is only ever passed to the template as plain strings, never marked safe.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, Template, select_autoescape

from newsweave.present.export import atomic_output

if TYPE_CHECKING:
    from newsweave.compare.records import StoryRecord

__all__ = ["render_json", "render_markdown", "render_html", "render", "write_report", "FORMATS"]

FORMATS = ("json", "md", "html")


def _wrap(report: dict[str, Any]) -> dict[str, Any]:
    return report if "stories" in report else {"stories": [report]}


def render_json(report: dict[str, Any], include_text: bool = False, indent: int | None = 2) -> str:
    """The JSON contract; article texts are left out unless ``include_text``.

    ``indent=None`` writes it on one line with the C encoder, several times faster than the
    indented (pure-Python) one: the main job's per-story files, read by programs, use it.
    """
    data = _wrap(report)
    if not include_text:
        data = {**data, "stories": [
            {**s, "articles": [{k: v for k, v in a.items() if k != "text"} for a in s["articles"]]}
            for s in data["stories"]]}
    return json.dumps(data, ensure_ascii=False, indent=indent, default=str)


_MD_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "\\|", "\n": " ",
                             "[": "\\[", "]": "\\]", "!": "\\!", "`": "\\`"})


def _md_escape(text: str) -> str:
    """Article text as inert Markdown: no raw HTML (viewers pass it through), table breaks, links, images or code.

    ``<`` and ``&`` become entities; ``[``, ``]``, ``!`` and backticks are backslash-escaped so
    ``![](http://tracker)`` in an article cannot make a viewer fetch anything.
    """
    return text.translate(_MD_ESCAPES)


def render_markdown(report: dict[str, Any]) -> str:
    out: list[str] = []
    for story in _wrap(report)["stories"]:
        label = {a["id"]: a["source"] for a in story["articles"]}
        out.append(f"# Story {story['id']}\n")
        out.append("## Articles (publication order)\n")
        for t in story["timeline"]:
            reprint = f" — reprint of {t['reprint_of']}" if t.get("reprint_of") else ""
            out.append(f"- `{t['article']}` **{_md_escape(t['source'])}** {t['published'] or 'undated'}: "
                       f"{_md_escape(t['title'] or '(no title)')}{reprint}")
        out.append("\n## Quotes\n")
        for g in story["quotes"]:
            flags = ", ".join(g["flags"]) or "—"
            out.append(f"### {g['id']}: “{_md_escape(g['canonical'][:200])}”\n")
            out.append(f"Speaker: {_md_escape(g['speaker'] or 'unresolved')} · flags: {flags}\n")
            for v in g["variants"]:
                diff = " ".join(
                    op["variant"] if op["op"] == "equal" else
                    (f"~~{op['canonical']}~~" if op["canonical"] else "") + (f" **{op['variant']}**" if op["variant"] else "")
                    for op in v["diff"])
                out.append(f"- {_md_escape(label[v['article']])} [{v['start']}:{v['end']}] "
                           f"({_md_escape(v['speaker_as_written'] or '—')} → {_md_escape(v['speaker'] or 'unresolved')}): "
                           f"{_md_escape(diff)}")
            out.append("")
        out.append("## Statements carried by several outlets\n")
        for g in story["statements"]:
            if len(g["articles"]) > 1:
                out.append(f"- {_md_escape(g['text'])} — {_md_escape(', '.join(label[a] for a in g['articles']))}")
        out.append("\n## Unique statements\n")
        for o in story["outlets"]:
            out.append(f"### {_md_escape(o['source'])} (`{o['article']}`)\n")
            by_id = {g["id"]: g for g in story["statements"]}
            for sid in o["unique_statements"]:
                out.append(f"- {_md_escape(by_id[sid]['text'])}")
            out.append("")
        out.append("## Numbers in conflict\n")
        for n in story["numbers"]:
            if n["conflict"]:
                out.append("- " + " vs ".join(f"{_md_escape(label[m['article']])}: “{_md_escape(m['text'])}”"
                                              for m in n["mentions"]))
        out.append("\n## Flags (suspected errors)\n")
        out.append("| kind | outlet | span | text | reason |\n|---|---|---|---|---|")
        for f in story["flags"]:
            out.append(f"| {f['kind']} | {_md_escape(f['source'])} | {f['start']}–{f['end']} | "
                       f"{_md_escape(f['text'][:60])} | {_md_escape(f['reason'])} |")
        out.append("\n## Differences (information, not errors)\n")
        out.append("| kind | outlet | span | text | reason |\n|---|---|---|---|---|")
        for d in story.get("differences", []):
            out.append(f"| {d['kind']} | {_md_escape(d['source'])} | {d['start']}–{d['end']} | "
                       f"{_md_escape(d['text'][:60])} | {_md_escape(d['reason'])} |")
        out.append("\n## Article signals\n")
        for s in story["signals"]:
            reasons = "; ".join(f"{r['signal']}×{r['count']}" for r in s["reasons"]) or "none"
            out.append(f"- {_md_escape(s['source'])}: machine-translation/spinning score "
                       f"{s['machine_translation_score']} ({reasons}); debris removed: {len(s['debris'])}")
        out.append("")
    return "\n".join(out)


def _segments(text: str, marks: list[tuple[int, int, str, str]]) -> list[dict[str, Any]]:
    """Split ``text`` at every mark boundary; each piece lists its classes and the anchors starting there."""
    n = len(text)
    cuts = {0, n}
    for s, e, _, _ in marks:
        cuts.add(max(0, min(n, s)))
        cuts.add(max(0, min(n, e)))
    points = sorted(cuts)
    starts: dict[int, list[str]] = defaultdict(list)
    for s, _, _, anchor in marks:
        if anchor:
            starts[max(0, min(n, s))].append(anchor)
    pieces = []
    for a, b in pairwise(points):
        classes = sorted({cls for s, e, cls, _ in marks if s <= a and b <= e})
        pieces.append({"text": text[a:b], "classes": " ".join(classes), "anchors": starts.get(a, [])})
    if not pieces:
        pieces.append({"text": text, "classes": "", "anchors": starts.get(0, [])})
    return pieces


def _view(story: StoryRecord) -> dict[str, Any]:
    articles = story["articles"]
    marks: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
    for g in story["quotes"]:
        for v in g["variants"]:
            cls = "mq drift" if "wording_drift" in v["flags"] else "mq"
            for k, piece in enumerate(v.get("pieces") or [v]):
                anchor = f"{g['id']}-{v['article']}" if k == 0 else ""
                marks[v["article"]].append((piece["start"], piece["end"], cls, anchor))
    for sg in story["statements"]:
        for m in sg["members"]:
            cls = "ms uniq" if sg["unique"] else "ms"
            marks[m["article"]].append((m["start"], m["end"], cls, f"{sg['id']}-{m['article']}"))
    for f in story["flags"]:
        marks[f["article"]].append((f["start"], f["end"], f"mf k-{f['kind']}", f["id"]))
    texts = {a["id"]: _segments(a.get("text") or "", marks[a["id"]]) for a in articles}
    statements_by_id = {g["id"]: g for g in story["statements"]}
    signals = {s["article"]: s for s in story["signals"]}
    names = [n for n in story["names"] if len(n["articles"]) > 1 or n["variants"]]
    return {
        "story": story,
        "texts": texts,
        "statements_by_id": statements_by_id,
        "signals": signals,
        "label": {a["id"]: a["source"] for a in articles},
        "names": names[:200],
        "shared_statements": [g for g in story["statements"] if len(g["articles"]) > 1],
        "conflicts": [n for n in story["numbers"] if n["conflict"]],
        "numbers_shared": [n for n in story["numbers"] if len(n["articles"]) > 1 and not n["conflict"]],
    }


@functools.cache
def _report_template() -> Template:
    """The report template, compiled once per process (compiling it costs more than rendering a story)."""
    environment = Environment(autoescape=select_autoescape(default=True, default_for_string=True),
                              trim_blocks=True, lstrip_blocks=True)
    source = resources.files("newsweave.present").joinpath("templates/report.html").read_text(encoding="utf-8")
    return environment.from_string(source)


def render_html(report: dict[str, Any]) -> str:
    """One self-contained HTML page for every story in ``report`` (needs article texts)."""
    stories = [_view(s) for s in _wrap(report)["stories"]]
    return _report_template().render(stories=stories)


def write_report(path: Path, text: str) -> None:
    """Write a rendered report atomically, creating its folder; an unusable path is an InputError naming it."""
    with atomic_output(path) as fh:
        fh.write(text)


def render(report: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return render_json(report)
    if fmt == "md":
        return render_markdown(report)
    if fmt == "html":
        return render_html(report)
    raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
