"""Shape stored data and compare results into what the pages show (plain data, no HTML).

Templates only loop and escape; every decision about what to mark where is
made here, so it is testable without a browser. The compare result is walked
generically: sections this module knows get their own layout, and any other
list section a newer compare adds is shown as a table of its fields, so new
fields never break a page.
"""

from __future__ import annotations

import json
from collections import defaultdict
from itertools import pairwise
from typing import Any

__all__ = ["KNOWN_SECTIONS", "compare_view", "coverage", "mark_text", "other_sections", "scalar_fields", "shares"]

# sections the story page lays out itself; anything else is shown generically
KNOWN_SECTIONS = ("id", "articles", "quotes", "statements", "numbers", "names", "flags", "outlets",
                  "signals", "timeline", "method", "timings", "headline")
_MATRIX_ROWS = 150


def mark_text(text: str, marks: list[tuple[int, int, str, str]]) -> list[dict[str, Any]]:
    """Cut ``text`` at every mark boundary: pieces with their CSS classes and the anchor ids starting there.

    ``marks`` are ``(start, end, css_class, anchor_id)``; spans are clamped to
    the text, so a stale span cannot raise.
    """
    n = len(text)
    clamped = [(max(0, min(n, s)), max(0, min(n, e)), cls, anchor) for s, e, cls, anchor in marks]
    cuts = sorted({0, n, *(s for s, _, _, _ in clamped), *(e for _, e, _, _ in clamped)})
    anchors: dict[int, list[str]] = defaultdict(list)
    for s, _e, _cls, anchor in clamped:
        if anchor:
            anchors[s].append(anchor)
    pieces = []
    for a, b in pairwise(cuts):
        classes = sorted({cls for s, e, cls, _ in clamped if s <= a and b <= e and s < e})
        pieces.append({"text": text[a:b], "classes": " ".join(classes), "anchors": anchors.get(a, [])})
    return pieces or [{"text": text, "classes": "", "anchors": anchors.get(0, [])}]


def coverage(counts: dict[str, int], total: int) -> dict[str, Any]:
    """A coverage bar: one segment per outlet (or group), in the order given, as ``(css class, x, width, title)``.

    Widths are percent of ``total``; the label lists every part for screen readers. A
    list page draws 50 of these: the arithmetic is done here, the template only escapes.
    """
    segments, x = [], 0.0
    for n, (name, count) in enumerate(counts.items()):
        width = 100 * count / (total or 1)
        segments.append((f"s{n % 8}", round(x, 2), round(width, 2), f"{name or 'ungrouped'}: {count}"))
        x += width
    label = ", ".join(f"{name or 'ungrouped'} {count}" for name, count in counts.items())
    return {"label": label, "segments": segments}


def shares(counts: dict[str, int], total: int, *, most: int | None = None, percent: bool = False) -> str:
    """``a ×3, b, c ×2 and 4 more`` (or ``left 60%, ungrouped 40%``): a row's outlets or groups as one line."""
    shown = list(counts.items())[:most] if most is not None else list(counts.items())
    if percent:
        parts = [f"{name or 'ungrouped'} {round(100 * n / (total or 1))}%" for name, n in shown]
    else:
        parts = [f"{name}{f' ×{n}' if n > 1 else ''}" for name, n in shown]
    rest = len(counts) - len(shown)
    return ", ".join(parts) + (f" and {rest} more" if rest > 0 else "")


def scalar_fields(item: dict[str, Any], skip: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """A record's fields as (name, short text) pairs, nested values as compact JSON."""
    out = []
    for key, value in item.items():
        if key in skip:
            continue
        if isinstance(value, (dict, list)):
            value = json.dumps(value, ensure_ascii=False, default=str)
        text = "" if value is None else str(value)
        out.append((str(key), text if len(text) <= 300 else text[:299] + "…"))
    return out


def other_sections(compared: dict[str, Any]) -> list[dict[str, Any]]:
    """Sections of the compare result that this page has no layout for, as generic tables."""
    out = []
    for key, value in compared.items():
        if key in KNOWN_SECTIONS or not isinstance(value, list) or not value:
            continue
        rows = [v if isinstance(v, dict) else {"value": v} for v in value[:500]]
        columns = list(dict.fromkeys(k for r in rows for k in r))[:12]
        out.append({"name": key, "columns": columns,
                    "rows": [[scalar_fields({c: r.get(c)})[0][1] for c in columns] for r in rows]})
    return out


def _flag_marks(flags: list[dict[str, Any]]) -> dict[str, list[tuple[int, int, str, str]]]:
    marks: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
    for n, flag in enumerate(flags, start=1):
        flag["anchor"] = f"ev-{n}"
        flag["details"] = scalar_fields(flag["data"]) if isinstance(flag.get("data"), dict) else []
        state = (flag.get("decision") or {}).get("value")
        cls = f"mf k-{flag.get('kind', 'flag')}" + (f" d-{state}" if state else "")
        if isinstance(flag.get("start"), int) and isinstance(flag.get("end"), int):
            marks[str(flag.get("article"))].append((flag["start"], flag["end"], cls, flag["anchor"]))
    return marks


def _quote_marks(quotes: list[dict[str, Any]], marks: dict[str, list]) -> None:
    for group in quotes:
        for variant in group.get("variants", []):
            for piece in variant.get("pieces") or [variant]:
                if isinstance(piece.get("start"), int) and isinstance(piece.get("end"), int):
                    marks[str(variant.get("article"))].append((piece["start"], piece["end"], "mq", ""))


def compare_view(compared: dict[str, Any], texts: dict[str, str]) -> dict[str, Any]:
    """Everything the compare section of a story page shows, from a compare result and article texts."""
    articles = compared.get("articles", [])
    label = {a.get("id"): a.get("source") for a in articles}
    flags = compared.get("flags", [])
    marks = _flag_marks(flags)
    _quote_marks(compared.get("quotes", []), marks)
    statements = {g.get("id"): g for g in compared.get("statements", [])}
    shared = [g for g in compared.get("statements", []) if len(g.get("articles", [])) > 1]
    columns = []
    outlets = {o.get("article"): o for o in compared.get("outlets", [])}
    signals = {s.get("article"): s for s in compared.get("signals", [])}
    for article in articles:
        aid = article.get("id")
        outlet = outlets.get(aid, {})
        columns.append({
            "article": article,
            "pieces": mark_text(texts.get(aid, ""), marks.get(aid, [])),
            "unique": [statements[s] for s in outlet.get("unique_statements", []) if s in statements],
            "flags": [f for f in flags if f.get("article") == aid],
            "signal": signals.get(aid),
        })
    return {
        "label": label,
        "columns": columns,
        "flags": flags,
        "open_flags": sum(1 for f in flags if not f.get("decision")),
        "quotes": compared.get("quotes", []),
        "matrix": {"rows": shared[:_MATRIX_ROWS], "more": max(0, len(shared) - _MATRIX_ROWS),
                   "articles": [a.get("id") for a in articles]},
        "conflicts": [n for n in compared.get("numbers", []) if n.get("conflict")],
        "names": [n for n in compared.get("names", []) if len(n.get("forms", [])) > 1][:200],
        "timeline": compared.get("timeline", []),
        "signals": compared.get("signals", []),
        "other": other_sections(compared),
        "method": compared.get("method", {}),
    }
