"""The grouping stage: bring a store's signatures, reprint groups and stories up to date.

:func:`update_stories` runs it over every story-material article (status ok):

1. MinHash signatures of articles that lack one are computed and stored; each is
   computed once.
2. Reprint groups are found from the signatures plus an exact containment check
   (:func:`newsweave.group.reprints.find_reprints`) and replace the stored ones.
3. All story-material articles are clustered again in publication order
   (:func:`newsweave.group.stories.cluster_stories`), with the per-article evidence
   cached as ``story_features`` annotations (the analysis step usually stored it).
4. Clusters get the store's **stable story ids** and the user's corrections are
   replayed on top (:mod:`newsweave.store.stories`), then the story tables are rewritten.

The store only keeps what this stage finds; the workflow (:mod:`newsweave.workflow`)
decides when it runs.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from newsweave.group.minhash import MinHasher, Signature
from newsweave.group.reprints import DEFAULT_THRESHOLD, find_reprints
from newsweave.store import stories as stored

if TYPE_CHECKING:
    from newsweave.group.stories import Assignment, StoryParams
    from newsweave.store import Store

__all__ = ["StoryUpdate", "update_stories"]

_FEATURE_CHUNK = 256  # articles whose evidence is extracted, then written, at a time


@dataclass
class StoryUpdate:
    """What :func:`update_stories` did."""

    articles: int = 0  # story-material articles clustered
    stories: int = 0
    signatures_computed: int = 0
    features_computed: int = 0
    reprint_groups: int = 0  # groups with more than one member
    reprinted_articles: int = 0  # articles that are a later copy of another
    corrections_applied: int = 0
    corrections_skipped: list[str] = field(default_factory=list)  # why a correction no longer applies
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step


class _Laps:
    """Seconds per step into ``StoryUpdate.timings``."""

    def __init__(self, result: StoryUpdate) -> None:
        self.result = result
        self.started = self.lap = time.perf_counter()

    def step(self, name: str) -> None:
        now = time.perf_counter()
        self.result.timings[name] = round(now - self.lap, 3)
        self.lap = now


def update_stories(
    store: Store,
    params: StoryParams | None = None,
    *,
    reprint_threshold: float = DEFAULT_THRESHOLD,
    features: bool = True,
    cluster: Callable | None = None,
    extract: Callable | None = None,
    hasher: MinHasher | None = None,
) -> StoryUpdate:
    """Bring signatures, reprint groups and stories up to date with the store's articles.

    ``params`` go to the clusterer (``StoryParams``; None: the settings in force,
    :meth:`StoryParams.load`). ``features=False`` skips entity/embedding extraction
    (lexical clustering only). ``cluster``/``extract`` replace the clusterer and the
    feature extractor (same signatures as ``cluster_stories`` and
    ``extract_story_features``), e.g. in tests.
    """
    result = StoryUpdate()
    laps = _Laps(result)
    hasher = hasher or MinHasher()
    rows = stored.story_material(store)
    result.articles = len(rows)
    laps.step("load")
    sigs, result.signatures_computed = _ensure_signatures(store, rows, hasher)
    laps.step("signatures")
    groups = _update_reprints(store, rows, sigs, hasher, reprint_threshold, result)
    laps.step("reprints")
    assignments = _cluster(store, rows, params, features, cluster, extract, result, laps)
    laps.step("cluster")
    _save(store, rows, assignments, groups, result)
    laps.step("write")
    result.seconds = round(time.perf_counter() - laps.started, 3)
    return result


# --------------------------------------------------------------------------- signatures and reprints


def _ensure_signatures(
    store: Store, rows: Sequence[stored.StoryMaterial], hasher: MinHasher
) -> tuple[list[Signature], int]:
    """Every row's signature: the stored one when it decodes with ``hasher``'s settings, else computed and stored."""
    found: dict[str, Signature] = {}
    raw = stored.stored_signatures(store, [r.id for r in rows], hasher.num_perm, hasher.shingle)
    for article_id, data in raw.items():
        try:
            found[article_id] = Signature.from_bytes(data, seed=hasher.seed)
        except ValueError:  # another format or seed: recomputed below
            continue
    missing = [r for r in rows if r.id not in found]
    if missing:
        computed = hasher.signatures([r.text for r in missing])
        stored.write_signatures(store, [(r.id, sig.to_bytes(seed=hasher.seed)) for r, sig in zip(missing, computed)],
                                hasher.num_perm, hasher.shingle)
        found.update({r.id: sig for r, sig in zip(missing, computed)})
    return [found[r.id] for r in rows], len(missing)


def _update_reprints(
    store: Store, rows: Sequence[stored.StoryMaterial], sigs: Sequence[Signature], hasher: MinHasher,
    threshold: float, result: StoryUpdate,
) -> dict[str, str]:
    """Find and store the reprint groups; returns article id -> group id."""
    ordered = sorted(range(len(rows)), key=lambda i: stored.arrival_order(rows[i].published, rows[i].seq))
    docs = [(rows[i].id, rows[i].text, rows[i].published) for i in ordered]
    matches = find_reprints(docs, threshold, hasher=hasher, signatures=[sigs[i] for i in ordered])
    stored.replace_reprints(store, [
        {"article_id": m.article_id, "group_id": m.group_id, "matched_article": m.matched_article,
         "containment": m.containment}
        for m in matches.values()
    ])
    groups = {a: m.group_id for a, m in matches.items()}
    sizes = Counter(groups.values())
    result.reprint_groups = sum(1 for n in sizes.values() if n > 1)
    result.reprinted_articles = sum(1 for m in matches.values() if m.is_reprint)
    return groups


# --------------------------------------------------------------------------- features and clustering


def _cluster(store: Store, rows: Sequence[stored.StoryMaterial], params: StoryParams | None, features: bool,
             cluster: Callable | None, extract: Callable | None, result: StoryUpdate, laps: _Laps) -> list[Assignment]:
    """The clusterer's assignments of ``rows``, with their evidence read from (or added to) the store's cache."""
    from newsweave.group import stories as clustering

    version = f"v{clustering.FEATURE_VERSION}"
    cluster = cluster or clustering.cluster_stories
    if extract is None and features:
        extract = clustering.extract_story_features
    inputs = [clustering.StoryInput(r.id, r.title, r.text, r.published, r.source) for r in rows]
    feats, result.features_computed = _features(store, inputs, extract if features else None, version)
    laps.step("features")
    return cluster(inputs, params, feats) if rows else []


def _features(store: Store, inputs: Sequence[Any], extract: Callable | None, version: str) -> tuple[list, int]:
    """Each input's evidence: cached, or extracted now and cached; and how many were extracted."""
    if extract is None:
        return [None] * len(inputs), 0
    cached = stored.stored_features(store, [d.id for d in inputs], version)
    missing = [d for d in inputs if d.id not in cached]
    for lo in range(0, len(missing), _FEATURE_CHUNK):
        part = missing[lo : lo + _FEATURE_CHUNK]
        feats = extract(list(part))
        ids = [d.id for d in part]
        stored.write_features(store, ids, feats, version)
        cached.update(zip(ids, feats))
    return [cached.get(d.id) for d in inputs], len(missing)


# --------------------------------------------------------------------------- stable ids, corrections, writing


def _save(store: Store, rows: Sequence[stored.StoryMaterial], assignments: Sequence[Assignment],
          groups: dict[str, str], result: StoryUpdate) -> None:
    """Name the clusters by the store's stable ids, replay the corrections, rewrite the story tables."""
    order = {r.id: stored.arrival_order(r.published, r.seq) for r in rows}
    clusters: dict[str, list[str]] = defaultdict(list)
    for a in assignments:
        clusters[a.story_key].append(a.article_id)
    previous = stored.stored_assignments(store)
    items = stored.corrections_in_force(store)
    mapping = stored.stable_story_ids(clusters, previous, order)
    auto: dict[str, stored.AutoAssignment] = {}
    final: dict[str, str] = {}
    for a in assignments:
        sid = mapping[a.story_key]
        reason = dict(a.reason or {})
        for k in ("matched_story", "merged_from", "nearest_story"):
            if k in reason:
                reason[k] = mapping.get(reason[k], reason[k])
        reason["_auto_story"] = sid
        auto[a.article_id] = (sid, a.score, reason)
        final[a.article_id] = sid
    manual, result.corrections_applied, result.corrections_skipped = stored.replay_corrections(final, items)
    result.stories = stored.write_stories(store, {r.id: r for r in rows}, auto, final, manual, groups)
