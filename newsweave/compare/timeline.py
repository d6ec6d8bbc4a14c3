"""Articles in publication order, with reprints (near-copies of one text) grouped."""

from __future__ import annotations

from datetime import datetime, timezone

from newsweave.compare.aspect import PreparedStory, Section
from newsweave.compare.records import TimelineEntry
from newsweave.model import Article
from newsweave.text.fold import fold
from newsweave.text.reprint import SHINGLE_WORDS, STORY_REPRINT_CONTAINMENT
from newsweave.text.words import word_tokens

__all__ = ["TimelineAspect", "reprint_groups", "originality", "timeline"]


def _shingles(text: str, k: int = SHINGLE_WORDS) -> set[int]:
    words = [w for w, _, _ in word_tokens(fold(text))]
    return {hash(tuple(words[i : i + k])) for i in range(max(0, len(words) - k + 1))}


def reprint_groups(articles: list[Article], min_containment: float = STORY_REPRINT_CONTAINMENT) -> dict[str, str]:
    """Article id -> reprint group id (the earliest article's id), by 5-word-shingle containment.

    ``newsweave.group.reprints`` does this with MinHash/LSH for whole stores; this exact
    version is for the handful to few hundred articles of one story.
    """
    shingles = {a.id: _shingles(a.text) for a in articles}
    parent = {a.id: a.id for a in articles}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    ids = [a.id for a in articles]
    for i, a in enumerate(ids):
        sa = shingles[a]
        if not sa:
            continue
        for b in ids[i + 1 :]:
            sb = shingles[b]
            if not sb:
                continue
            small, large = (sa, sb) if len(sa) <= len(sb) else (sb, sa)
            if len(small) < min_containment * 0.2 * len(large):
                continue
            if len(small & large) / len(small) >= min_containment:
                parent[find(b)] = find(a)
    return {a: find(a) for a in ids}


def _key(article: Article) -> tuple[int, float, str]:
    if article.published is None:
        return (1, 0.0, article.id)
    published = article.published
    if published.tzinfo is None:
        published = published.replace(tzinfo=timezone.utc)
    return (0, published.timestamp(), article.id)


def originality(articles: list[Article], groups: dict[str, str], wording: dict[str, float] | None = None) -> dict[str, int]:
    """Rank of each article from most to least original (0 = most): containment and wording first, dates second.

    Inside a reprint group the original is the text the others are contained in (a partial
    copy dated an hour earlier is still the copy); then the cleaner wording (``wording``: signs
    of machine translation or spinning per 1,000 characters, fewer first); then the earlier
    date; then the given order.
    """
    wording = wording or {}
    order = {a.id: i for i, a in enumerate(articles)}
    members: dict[str, list[Article]] = {}
    for a in articles:
        members.setdefault(groups.get(a.id, a.id), []).append(a)
    holds: dict[str, float] = {a.id: 0.0 for a in articles}
    for group in members.values():
        if len(group) < 2:
            continue
        shingles = {a.id: _shingles(a.text) for a in group}
        for a in group:
            holds[a.id] = sum(len(shingles[b.id] & shingles[a.id]) / max(1, len(shingles[b.id]))
                              for b in group if b is not a)
    def own(a: Article) -> tuple:
        return (-round(holds[a.id], 3), round(wording.get(a.id, 0.0), 1), _key(a), order[a.id])

    best = {g: min(group, key=own) for g, group in members.items()}

    def key(a: Article) -> tuple:
        return (best[groups.get(a.id, a.id)] is not a, *own(a))

    return {a.id: n for n, a in enumerate(sorted(articles, key=key))}


def timeline(articles: list[Article], groups: dict[str, str] | None = None,
             rank: dict[str, int] | None = None) -> list[TimelineEntry]:
    """Publication order (undated last), each entry naming its reprint group, its original and its size.

    ``rank`` (:func:`originality`) picks each group's original; by default the earliest article.
    """
    groups = groups if groups is not None else reprint_groups(articles)
    ordered = sorted(articles, key=_key)
    members: dict[str, list[str]] = {}
    for a in ordered:
        members.setdefault(groups.get(a.id, a.id), []).append(a.id)
    if rank is not None:
        for ids in members.values():
            ids.sort(key=lambda i: rank.get(i, 0))
    out: list[TimelineEntry] = []
    for a in ordered:
        g = groups.get(a.id, a.id)
        out.append({
            "article": a.id,
            "source": a.source,
            "title": a.title,
            "published": a.published.isoformat() if isinstance(a.published, datetime) else None,
            "reprint_group": g,
            "reprint_of": members[g][0] if members[g][0] != a.id else None,
            "group_size": len(members[g]),
        })
    return out


class TimelineAspect:
    """The story's ``timeline``: publication order, each article's reprint group and its original."""

    name = "timeline"

    def compare(self, story: PreparedStory) -> Section[list[TimelineEntry]]:
        return Section(timeline(story.articles, story.reprint_groups, story.rank))
