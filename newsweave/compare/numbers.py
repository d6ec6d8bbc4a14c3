"""Numbers across outlets: the same quantity carried with the same or different values.

Mentions of a count, sum of money or percentage are linked across articles when
they count the same thing (same head noun of what is counted) in a similar
context (the statements holding them were aligned, or their sentences share
content words).  Linked mentions with different values are a ``number_conflict``.
"""

from __future__ import annotations

from collections import defaultdict

from newsweave.compare._text import content_words
from newsweave.enrich.numbers import NumberMention, extract_numbers
from newsweave.enrich.sentences import split_sentences
from newsweave.model import Article, Finding

__all__ = ["compare_numbers"]

_CONFLICT_KINDS = {"count", "money", "percent"}
_LOWER_BOUND = {"more than", "at least", "over", "as many as"}
_UPPER_BOUND = {"less than", "fewer than", "under", "at most", "up to", "as few as"}
_APPROX = {"about", "around", "roughly", "approximately", "nearly", "almost", "some"}


def consistent(a: NumberMention, b: NumberMention, tolerance: float = 0.1) -> bool:
    """Whether two mentions of one quantity can both be true ("more than 200" fits 214 and 241)."""
    for x, y in ((a, b), (b, a)):
        if x.modifier in _LOWER_BOUND and y.modifier not in _UPPER_BOUND:
            return y.value > x.value or (y.modifier in _LOWER_BOUND | _APPROX)
        if x.modifier in _UPPER_BOUND and y.modifier not in _LOWER_BOUND:
            return y.value < x.value or (y.modifier in _UPPER_BOUND | _APPROX)
    if a.modifier in _APPROX or b.modifier in _APPROX:
        return abs(a.value - b.value) <= tolerance * max(abs(a.value), abs(b.value))
    return a.value == b.value


def _close(a: float, b: float, within: float = 0.2) -> bool:
    return abs(a - b) <= within * max(abs(a), abs(b), 1e-9)


def _sentence_of(spans, pos):
    for s in spans:
        if s.start <= pos < s.end:
            return s
    return None


def compare_numbers(
    articles: list[Article],
    statement_group_of: dict[str, list[tuple[int, int, str]]] | None = None,
    min_context: float = 0.25,
) -> tuple[list[dict], list[Finding]]:
    """Number entries (every quantity, linked across outlets) and ``number_conflict`` findings.

    ``statement_group_of`` maps an article id to its statements' (start, end, group id), so
    numbers in aligned statements count as being in the same context.
    """
    mentions: list[tuple[Article, NumberMention, set[str], str | None]] = []
    for article in articles:
        sentences = split_sentences(article.text)
        for n in extract_numbers(article.text):
            sent = _sentence_of(sentences, n.start)
            context = set(content_words(article.text[sent.start : sent.end])) if sent else set()
            context -= set(content_words(n.text))
            group = None
            for s_start, s_end, gid in (statement_group_of or {}).get(article.id, ()):
                if s_start <= n.start < s_end:
                    group = gid
                    break
            mentions.append((article, n, context, group))

    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, (_, n, _, _) in enumerate(mentions):
        key = n.unit_key
        if key is not None:
            by_key[(n.kind, key)].append(i)

    parent = list(range(len(mentions)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for (kind, _), idx in by_key.items():
        for x in range(len(idx)):
            for y in range(x + 1, len(idx)):
                i, j = idx[x], idx[y]
                ai, ni, ci, gi = mentions[i]
                aj, nj, cj, gj = mentions[j]
                if ai.id == aj.id or find(i) == find(j):
                    continue
                same_statement = gi is not None and gi == gj
                jac = len(ci & cj) / len(ci | cj) if ci and cj else 0.0
                # the same quantity: aligned statements, similar sentences, or (same unit, close value,
                # some shared context) — a misreported figure is usually near the right one
                if same_statement or jac >= min_context or (
                        (ni.value == nj.value or _close(ni.value, nj.value)) and jac >= min_context / 3):
                    parent[find(j)] = find(i)

    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(len(mentions)):
        clusters[find(i)].append(i)

    order = {a.id: k for k, a in enumerate(articles)}
    entries: list[dict] = []
    findings: list[Finding] = []
    for idx in clusters.values():
        idx.sort(key=lambda i: (order[mentions[i][0].id], mentions[i][1].start))
        first = mentions[idx[0]][1]
        values = sorted({mentions[i][1].value for i in idx})
        articles_in = sorted({mentions[i][0].id for i in idx}, key=order.get)
        # consistency is decided per distinct (value, modifier), then spread to the mentions
        by_form: dict[tuple[float, str | None], list[int]] = defaultdict(list)
        for i in idx:
            by_form[(mentions[i][1].value, mentions[i][1].modifier)].append(i)
        clashing_forms: dict[tuple, list[tuple]] = defaultdict(list)
        if first.kind in _CONFLICT_KINDS:
            forms = list(by_form)
            for x in range(len(forms)):
                for y in range(x + 1, len(forms)):
                    a, b = mentions[by_form[forms[x]][0]][1], mentions[by_form[forms[y]][0]][1]
                    if not consistent(a, b):
                        clashing_forms[forms[x]].append(forms[y])
                        clashing_forms[forms[y]].append(forms[x])

        def clashing(i: int) -> list[int]:
            form = (mentions[i][1].value, mentions[i][1].modifier)
            return [j for other in clashing_forms.get(form, ()) for j in by_form[other]
                    if mentions[j][0].id != mentions[i][0].id]

        conflict = any(clashing(by_form[f][0]) for f in clashing_forms) if clashing_forms else False
        entry = {
            "kind": first.kind,
            "what": first.what,
            "values": values,
            "articles": articles_in,
            "conflict": conflict,
            "mentions": [{
                "article": mentions[i][0].id, "text": mentions[i][1].text, "value": mentions[i][1].value,
                "modifier": mentions[i][1].modifier, "what": mentions[i][1].what,
                "start": mentions[i][1].start, "end": mentions[i][1].end,
            } for i in idx],
        }
        entries.append(entry)
        if conflict:
            involved = [i for i in idx if (mentions[i][1].value, mentions[i][1].modifier) in clashing_forms]
            shown = []
            for form in dict.fromkeys((mentions[i][1].value, mentions[i][1].modifier) for i in involved):
                members = by_form[form]
                example = mentions[members[0]]
                more = f" and {len(members) - 1} more" if len(members) > 1 else ""
                shown.append(f"{example[0].source}{more}: '{example[1].text}'")
            desc = " vs ".join(shown)
            for i in involved:
                art, n, _, _ = mentions[i]
                others = clashing(i)
                if not others:
                    continue
                findings.append(Finding(
                    "number_conflict", art.id, n.start, n.end, 0.7,
                    f"outlets give different values for {first.what or first.kind}: {desc}",
                    {"value": n.value, "conflicting_mentions": len(others), "others": [
                        {"article": mentions[j][0].id, "start": mentions[j][1].start, "end": mentions[j][1].end,
                         "text": mentions[j][1].text, "value": mentions[j][1].value}
                        for j in others[:10]]},
                ))
    entries.sort(key=lambda e: (-len(e["articles"]), not e["conflict"], order[e["articles"][0]], e["mentions"][0]["start"]))
    return entries, findings
