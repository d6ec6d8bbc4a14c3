"""The incremental single-pass story clusterer, and the batch calls over it.

:class:`StoryClusterer` takes articles in arrival order: each is scored against a few
candidate stories (index postings and recent story vectors), re-scored by average link,
and joins the best one that clears ``threshold`` or opens a new story. ``finish()`` runs the
merge step (:mod:`newsweave.group.stories.merge`). :func:`cluster_stories` clusters a batch
in a fixed stream order; :func:`pair_scores` gives the same-story similarity of pairs.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import Any

import numpy as np

from newsweave.group.stories import merge
from newsweave.group.stories.evidence import (
    _ENT_TYPES,
    Assignment,
    StoryInput,
    months_in,
    numbers_in,
    tokenize,
    weekdays_in,
)
from newsweave.group.stories.params import StoryParams
from newsweave.group.stories.vectors import (
    _counter_cos,
    _days,
    _Doc,
    _dot,
    _key_for,
    _match_conflict,
    _norm,
    _normalised,
    _one_article_story,
    _second,
    _sigmoid,
    _Story,
    _top,
)

__all__ = ["StoryClusterer", "cluster_stories", "pair_scores", "similarity_score", "stream_order"]


class StoryClusterer:
    """Incremental single-pass story clustering with a merge step.

    ``add()`` articles in arrival order (publication time); ``finish()`` runs
    the merge step and returns the final assignment of every article added.
    """

    def __init__(self, params: StoryParams | None = None) -> None:
        self.params = params or StoryParams.load()
        self._df: Counter[str] = Counter()
        self._n_docs = 0
        self._idf_frozen = False
        self._docs: list[_Doc] = []
        self._doc_story: list[int] = []
        self._assign: list[Assignment] = []
        self.stories: list[_Story] = []
        self._postings: dict[str, list[int]] = {}
        self._emb_dim: int | None = None
        self._emb_rows: list[int] = []  # story idx of each vector row (creation order)
        self._emb_matrix: np.ndarray | None = None
        self._emb_count = 0
        self._finished: list[Assignment] | None = None
        self._shadows: dict[int, _Story] = {}
        self._idf_cache: dict[str, float] = {}
        self._tokens: dict[tuple[str, int, int], tuple[list[str], list[str]]] = {}

    # ------------------------------------------------------------------ IDF

    def fit_idf(self, docs: Sequence[StoryInput]) -> None:
        """Learn document frequencies on a batch up front (then frozen)."""
        for doc in docs:
            title_tokens, body_tokens = tokenize(doc.title or ""), tokenize(doc.text)
            self._tokens[(doc.id, len(doc.text or ""), len(doc.title or ""))] = (title_tokens, body_tokens)
            self._df.update(set(title_tokens) | set(body_tokens))
        self._n_docs += len(docs)
        self._idf_frozen = True
        self._idf_cache = {}

    def use_document_frequencies(self, df: dict[str, int], n_docs: int) -> None:
        """Freeze the IDF to frequencies counted elsewhere (a Spark job counts them over the corpus).

        A block of a corpus clustered with the corpus' frequencies weighs terms as the whole-batch run does.
        """
        self._df = Counter(df)
        self._n_docs = n_docs
        self._idf_frozen = True
        self._idf_cache = {}

    def _idf(self, term: str) -> float:
        if self._idf_frozen:
            value = self._idf_cache.get(term)
            if value is None:
                df = self._df.get(term, 0)
                p = self.params
                if p.min_df > 1 and df < p.min_df and self._n_docs >= p.min_df_batch:
                    value = 0.0  # too rare in this batch to match anything
                else:
                    value = math.log((1.0 + self._n_docs) / (1.0 + df)) + 1.0
                self._idf_cache[term] = value
            return value
        return math.log((1.0 + self._n_docs) / (1.0 + self._df.get(term, 0))) + 1.0

    # ------------------------------------------------------------------ preparation

    def _prepare(self, doc: StoryInput, features: dict[str, Any] | None) -> _Doc:
        p = self.params
        d = _Doc()
        d.id = doc.id
        d.published = doc.published
        d.t = _days(doc.published)
        cached = self._tokens.pop((doc.id, len(doc.text or ""), len(doc.title or "")), None)
        if cached is not None:
            title_tokens, body_tokens = cached
        else:
            title_tokens = tokenize(doc.title or "")
            body_tokens = tokenize(doc.text or "")
        if not self._idf_frozen:
            self._df.update(set(title_tokens) | set(body_tokens))
            self._n_docs += 1
        d.brevity = max(0.0, 1.0 - (len(body_tokens) + len(title_tokens)) / 50.0)
        full = f"{doc.title or ''}\n{doc.text or ''}"
        d.months = months_in(full)
        d.numbers = numbers_in(full)
        d.weekdays = weekdays_in(full)
        counts: dict[str, float] = dict(Counter(body_tokens))  # a title token weighs title_weight
        for tok in title_tokens:
            counts[tok] = counts.get(tok, 0) + p.title_weight
        idf: Callable[[str], float] = self._idf
        if self._idf_frozen:
            cache = self._idf_cache
            missing = [t for t in counts if t not in cache]
            for t in missing:
                idf(t)
            idf = cache.__getitem__
        log = math.log
        # one C-level sort (stable: ties keep first-occurrence order, deterministic)
        # (a term below min_df has IDF 0: it is left out)
        ranked = sorted(
            [(t, w) for t, c in counts.items() if (w := (1.0 + log(c)) * idf(t))], key=_second, reverse=True
        )
        d.terms = _normalised(dict(ranked[: p.max_doc_terms]))
        tcounts = Counter(title_tokens)
        d.title_terms = _normalised({t: w for t, c in tcounts.items() if (w := (1.0 + log(c)) * idf(t))})
        keys = [t for t, _ in ranked[: p.index_terms]]
        if features:
            for etype in _ENT_TYPES:
                values = features.get(etype) or []
                if values:
                    c = Counter(values)
                    d.ents[etype] = {k: float(v) for k, v in c.items()}
            for etype in ("persons", "places"):
                for k, _ in Counter(features.get(etype) or []).most_common(3):
                    keys.append(f"{etype[:2]}:{k}")
            years = features.get("years") or []
            if years:
                d.years = {int(y): float(c) for y, c in Counter(years).items()}
                d.main_year = max(d.years, key=lambda y: (d.years[y], y))
            emb = features.get("embedding")
            if emb is not None and (p.embedding_model is None or features.get("embedding_model") in (None, p.embedding_model)):
                vec = np.asarray(emb, dtype=np.float32)
                n = float(np.linalg.norm(vec))
                if n > 0:
                    d.emb = vec / n
        d.ent_norms = {t: _norm(v) for t, v in d.ents.items()}
        d.index_keys = keys
        return d

    # ------------------------------------------------------------------ candidates

    def _weights(self, has_emb: bool, merge: bool = False, pair: bool = False) -> dict[str, float]:
        p = self.params
        if pair:
            return p.pair_weights if has_emb else p.pair_weights_lexical
        if merge:
            w = p.merge_weights if has_emb else p.merge_weights_lexical
            if w:
                return w
        return p.weights if has_emb else p.weights_lexical

    def _in_window(self, t: float | None, story: _Story) -> bool:
        if t is None or story.last_t is None:
            return True
        first = story.first_t if story.first_t is not None else story.last_t
        return (t - story.last_t) <= self.params.window_days and (first - t) <= self.params.window_days

    def _candidates(self, d: _Doc, exclude: int | None = None) -> list[int]:
        p = self.params
        votes: dict[int, float] = {}
        for key in d.index_keys:
            posting = self._postings.get(key)
            if not posting:
                continue
            w = d.terms.get(key, 0.15)
            for s in posting:
                votes[s] = votes.get(s, 0.0) + w
        stories = self.stories
        cands: list[int] = []
        ranked = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
        for s, _ in ranked:
            st = stories[s]
            if not st.alive or s == exclude or not self._in_window(d.t, st):
                continue
            cands.append(s)
            if len(cands) >= p.max_candidates:
                break
        if d.emb is not None and self._emb_matrix is not None and self._emb_count:
            lo = max(0, self._emb_count - p.recent_vectors)
            block = self._emb_matrix[lo : self._emb_count]
            sims = block @ d.emb
            k = min(p.vector_candidates + 4, len(sims))
            if k:
                nearest = np.argpartition(-sims, k - 1)[:k]
                top = sorted(nearest.tolist(), key=lambda i: (-float(sims[i]), i))
                seen = set(cands)
                added = 0
                for i in top:
                    s = self._emb_rows[lo + i]
                    st = stories[s]
                    if s in seen or not st.alive or s == exclude or not self._in_window(d.t, st):
                        continue
                    cands.append(s)
                    seen.add(s)
                    added += 1
                    if added >= p.vector_candidates:
                        break
        return cands

    # ------------------------------------------------------------------ scoring

    def _features(self, d: _Doc, st: _Story) -> dict[str, float]:
        f: dict[str, float] = {}
        n = st.norm()
        f["terms"] = _dot(d.terms, st.terms) / n if n else 0.0
        tn = st.tnorm()
        f["title"] = _dot(d.title_terms, st.title_terms) / tn if tn and d.title_terms else 0.0
        if d.emb is not None and st.emb is not None:
            sn = st.emb_norm()
            f["emb"] = float(st.emb @ d.emb) / sn if sn else 0.0
        else:
            f["emb"] = 0.0
        enorms = st.enorms()
        for etype in _ENT_TYPES:
            de = d.ents.get(etype)
            f[etype] = _counter_cos(de or {}, st.ents[etype], d.ent_norms.get(etype, 0.0), enorms[etype])
        for etype, name in (("persons", "person_conflict"), ("places", "place_conflict")):
            de = d.ents.get(etype)
            se = st.ents[etype]
            f[name] = 1.0 if de and se and not any(k in se for k in de) else 0.0
        # when: the year an article mostly talks about against the story's
        if d.main_year is not None and st.main_years:
            agree = st.main_years.get(d.main_year, 0)
            total = sum(st.main_years.values())
            f["year_match"] = agree / total
            f["year_conflict"] = 0.0 if agree or d.main_year in st.years else 1.0
        else:
            f["year_conflict"] = 0.0
            f["year_match"] = 0.0
        f["month_match"], f["month_conflict"] = _match_conflict(d.months, st.months)
        f["weekday_match"], f["weekday_conflict"] = _match_conflict(d.weekdays, st.weekdays)
        f["numbers"] = min(2, len(d.numbers.keys() & st.numbers.keys())) / 2.0 if d.numbers and st.numbers else 0.0
        if d.t is not None and st.last_t is not None:
            gap = max(0.0, d.t - st.last_t, (st.first_t or st.last_t) - d.t)
            f["gap"] = min(gap, self.params.window_days) / max(self.params.window_days, 1e-9)
            f["dated"] = 1.0
        else:
            f["gap"] = 0.0
            f["dated"] = 0.0
        f["brevity"] = max(d.brevity, st.brevity)
        return f

    def _prob(self, f: dict[str, float], has_emb: bool, merge: bool = False, pair: bool = False) -> float:
        w = self._weights(has_emb, merge, pair)
        x = w.get("bias", 0.0)
        for name, value in f.items():
            if value:
                x += w.get(name, 0.0) * value
        return _sigmoid(x)

    def _shadow(self, doc_idx: int) -> _Story:
        """A one-article story viewing the article's own vectors (no copies)."""
        st = self._shadows.get(doc_idx)
        if st is None:
            st = self._shadows[doc_idx] = _one_article_story(self._docs[doc_idx])
        return st

    def _pair_features(self, d: _Doc, doc_idx: int) -> dict[str, float]:
        return self._features(d, self._shadow(doc_idx))

    def _average_prob(self, d: _Doc, st: _Story) -> tuple[float, dict[str, float]]:
        """Mean article-article probability over the story's most recent members."""
        members = st.members[-self.params.max_members :]
        total = 0.0
        mean_f: dict[str, float] = {}
        for m in members:
            f = self._pair_features(d, m)
            total += self._prob(f, d.emb is not None and self._docs[m].emb is not None, pair=True)
            for k, v in f.items():
                mean_f[k] = mean_f.get(k, 0.0) + v / len(members)
        if not members:
            return 0.0, mean_f
        return total / len(members), mean_f

    def _score_candidates(self, d: _Doc, cands: list[int]) -> list[tuple[float, int, dict[str, float]]]:
        """(probability, story, features) for candidates, best first."""
        has_emb = d.emb is not None
        scored = []
        for s in cands:
            st = self.stories[s]
            f = self._features(d, st)
            scored.append((self._prob(f, has_emb and st.emb is not None), s, f))
        scored.sort(key=lambda x: (-x[0], x[1]))
        if self.params.link == "average":
            rescored = []
            for _prob, s, _f in scored[: self.params.rescore_top]:
                avg, mean_f = self._average_prob(d, self.stories[s])
                rescored.append((avg, s, mean_f))
            rescored.sort(key=lambda x: (-x[0], x[1]))
            return rescored
        return scored

    # ------------------------------------------------------------------ story updates

    def _new_story(self, doc_idx: int, d: _Doc) -> _Story:
        st = _Story(len(self.stories), _key_for(d.id))
        self.stories.append(st)
        self._absorb(st, doc_idx, d)
        return st

    def _absorb(self, st: _Story, doc_idx: int, d: _Doc) -> None:
        p = self.params
        st.members.append(doc_idx)
        terms = st.terms
        old_norm = st._norm
        cross = 0.0
        get = terms.get
        for k, v in d.terms.items():
            old = get(k, 0.0)
            cross += old * v
            terms[k] = old + v
        new_norm: float | None = None
        if old_norm is not None:
            sq = old_norm * old_norm + 2.0 * cross + sum(v * v for v in d.terms.values())
            new_norm = math.sqrt(max(sq, 0.0))
        if len(terms) > 2 * p.max_story_terms:
            st.terms = _top(terms, p.max_story_terms)
            new_norm = None
        tt = st.title_terms
        for k, v in d.title_terms.items():
            tt[k] = tt.get(k, 0.0) + v
        for etype, values in d.ents.items():
            se = st.ents[etype]
            for k, v in values.items():
                se[k] = se.get(k, 0.0) + v
        for y, c in d.years.items():
            st.years[y] = st.years.get(y, 0.0) + c
        if d.main_year is not None:
            st.main_years[d.main_year] = st.main_years.get(d.main_year, 0) + 1
        for mine, theirs in ((d.months, st.months), (d.numbers, st.numbers), (d.weekdays, st.weekdays)):
            for k, c in mine.items():
                theirs[k] = theirs.get(k, 0.0) + c
        st._norm = new_norm
        st._tnorm = None
        if d.ents:
            st._enorms = None
        if d.t is not None:
            st.first_t = d.t if st.first_t is None else min(st.first_t, d.t)
            st.last_t = d.t if st.last_t is None else max(st.last_t, d.t)
        if d.published is not None and (st.first_published is None or d.published < st.first_published):
            st.first_published = d.published
        if d.emb is not None:
            self._add_vector(st, d.emb)
        # index: the article's keys now point to this story
        cap = p.max_postings
        for key in d.index_keys:
            posting = self._postings.get(key)
            if posting is None:
                self._postings[key] = [st.idx]
            elif posting[-1] != st.idx:
                if st.idx in posting[-8:]:
                    continue
                posting.append(st.idx)
                if len(posting) > 2 * cap:
                    del posting[: len(posting) - cap]

    def _add_vector(self, st: _Story, vec: np.ndarray) -> None:
        if st.emb is None:
            st.emb = vec.astype(np.float32).copy()
        else:
            st.emb = st.emb + vec
        st._emb_norm = None
        st.emb_n += 1
        dim = vec.shape[0]
        if self._emb_matrix is None:
            self._emb_dim = dim
            self._emb_matrix = np.zeros((1024, dim), dtype=np.float32)
        # a story's row is re-appended when it changes (recent stories stay in the block)
        if self._emb_count >= self._emb_matrix.shape[0]:
            live = self._compact_vectors()
            if self._emb_count >= self._emb_matrix.shape[0] * 0.75 or not live:
                grown = np.zeros((self._emb_matrix.shape[0] * 2, dim), dtype=np.float32)
                grown[: self._emb_count] = self._emb_matrix[: self._emb_count]
                self._emb_matrix = grown
        n = float(np.linalg.norm(st.emb))
        self._emb_matrix[self._emb_count] = st.emb / (n or 1.0)
        self._emb_rows.append(st.idx)
        self._emb_count += 1

    def _compact_vectors(self) -> bool:
        """Drop stale rows (a story's older vector, dead stories); keeps order."""
        if self._emb_matrix is None:
            return False
        last_row: dict[int, int] = {}
        for row, s in enumerate(self._emb_rows[: self._emb_count]):
            last_row[s] = row
        keep = [row for row, s in enumerate(self._emb_rows[: self._emb_count]) if last_row[s] == row and self.stories[s].alive]
        if len(keep) == self._emb_count:
            return False
        self._emb_matrix[: len(keep)] = self._emb_matrix[keep]
        self._emb_rows = [self._emb_rows[r] for r in keep]
        self._emb_count = len(keep)
        return True

    # ------------------------------------------------------------------ public API

    def add(self, doc: StoryInput, features: dict[str, Any] | None = None) -> Assignment:
        """Assign one article (in arrival order) to a story, opening one if needed."""
        if self._finished is not None:
            self._finished = None
        d = self._prepare(doc, features)
        idx = len(self._docs)
        self._docs.append(d)
        best_s, best_p, best_f = -1, 0.0, None
        cands = self._candidates(d) if d.terms or d.emb is not None else []
        scored = self._score_candidates(d, cands)
        if scored:
            best_p, best_s, best_f = scored[0]
        if best_s >= 0 and best_p >= self.params.threshold:
            st = self.stories[best_s]
            reason = self._reason(d, st, best_f, "assigned", len(cands))
            self._absorb(st, idx, d)
            assignment = Assignment(d.id, st.key, round(best_p, 4), reason)
        else:
            st = self._new_story(idx, d)
            reason = {"method": "new", "candidates": len(cands)}
            if best_s >= 0:
                near = self.stories[best_s]
                reason["nearest_story"] = near.key
                reason["nearest_score"] = round(best_p, 4)
            assignment = Assignment(d.id, st.key, round(1.0 - best_p, 4), reason)
        self._doc_story.append(st.idx)
        self._assign.append(assignment)
        return assignment

    def _reason(self, d: _Doc, st: _Story, f: dict[str, float] | None, method: str, n_cands: int) -> dict[str, Any]:
        shared = sorted(
            ((k, v * st.terms[k]) for k, v in d.terms.items() if k in st.terms),
            key=lambda kv: (-kv[1], kv[0]),
        )[:6]
        ents: list[str] = []
        for etype in _ENT_TYPES:
            de = d.ents.get(etype) or {}
            for k in sorted(de, key=lambda k: (-de[k], k)):
                if k in st.ents[etype]:
                    ents.append(k)
        return {
            "method": method,
            "matched_story": st.key,
            "shared_terms": [k for k, _ in shared],
            "shared_entities": ents[:6],
            "features": {k: round(v, 4) for k, v in (f or {}).items() if v},
            "candidates": n_cands,
        }

    def finish(self) -> list[Assignment]:
        """Run the merge step; return the final assignment of every article added."""
        if self._finished is not None:
            return self._finished
        self._finished = merge.final_assignments(self, merge.merge_step(self))
        return self._finished

    # ------------------------------------------------------------------ scoring helpers

    def score_pair(self, a: StoryInput, b: StoryInput, fa: dict | None = None, fb: dict | None = None) -> float:
        """Same-story probability of two articles (uses the current IDF)."""
        da = self._prepare(a, fa)
        db = self._prepare(b, fb)
        st = _one_article_story(da)
        f = self._features(db, st)
        has_emb = db.emb is not None and st.emb is not None
        sim = self.params.similarity_weights
        if has_emb and sim:
            return similarity_score(f, sim)
        return self._prob(f, has_emb, pair=self.params.link == "average")


def similarity_score(f: dict[str, float], weights: dict[str, float]) -> float:
    """The calibrated same-story similarity of two articles, 0 (unrelated) .. 1 (same story).

    ``weights`` is a linear model of the SemEval-2022 "overall" score on its
    −4 (unrelated) .. −1 (very similar) scale, mapped linearly to 0..1.
    """
    x = weights.get("bias", 0.0)
    for name, w in weights.items():
        if name == "bias":
            continue
        if name == "terms_sqrt":
            x += w * math.sqrt(max(f.get("terms", 0.0), 0.0))
        else:
            x += w * f.get(name, 0.0)
    return min(1.0, max(0.0, (x + 4.0) / 3.0))


# --------------------------------------------------------------------------- batch API


def stream_order(docs: Sequence[StoryInput]) -> list[int]:
    """Deterministic arrival order: publication time, then a hash of the id.

    The hash (not the id itself) breaks ties so that undated corpora arrive in
    an order that carries no hint of the answer (ids often encode the story).
    """
    far = datetime.min.replace(tzinfo=timezone.utc)

    def key(i: int) -> tuple:
        d = docs[i]
        pub = d.published
        if pub is not None and pub.tzinfo is None:
            pub = pub.replace(tzinfo=timezone.utc)
        return (pub or far, hashlib.blake2b(d.id.encode("utf-8"), digest_size=8).digest(), d.id)

    return sorted(range(len(docs)), key=key)


def cluster_stories(
    docs: Sequence[StoryInput],
    params: StoryParams | None = None,
    features: Sequence[dict[str, Any] | None] | None = None,
    document_frequencies: tuple[dict[str, int], int] | None = None,
) -> list[Assignment]:
    """Cluster a batch as a stream; assignments come back in the input order.

    ``document_frequencies`` ``(df, n_docs)``: IDF from a larger corpus the batch is a block of
    (instead of pre-fitting it on the batch).
    """
    params = params or StoryParams.load()
    clusterer = StoryClusterer(params)
    if document_frequencies is not None:
        clusterer.use_document_frequencies(*document_frequencies)
    elif params.prefit_idf:
        clusterer.fit_idf(docs)
    order = stream_order(docs)
    for i in order:
        clusterer.add(docs[i], features[i] if features is not None else None)
    final = clusterer.finish()
    by_pos = {pos: final[k] for k, pos in enumerate(order)}
    return [by_pos[i] for i in range(len(docs))]


def pair_scores(
    pairs: Sequence[tuple[StoryInput, StoryInput]],
    params: StoryParams | None = None,
    features: Sequence[tuple[dict | None, dict | None]] | None = None,
) -> list[float]:
    """Same-story probability for each pair (IDF fitted on all texts given)."""
    params = params or StoryParams.load()
    clusterer = StoryClusterer(params)
    clusterer.fit_idf([d for pair in pairs for d in pair])
    out = []
    for k, (a, b) in enumerate(pairs):
        fa, fb = features[k] if features is not None else (None, None)
        out.append(clusterer.score_pair(a, b, fa, fb))
    return out
