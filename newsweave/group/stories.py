"""Story clustering: which articles report the same real-world event.

One pass in arrival (publication) order: every article is scored against a few
candidate stories — found through an inverted index over its most specific
terms and top entities (posting lists capped at the most recent stories), plus
blocked dot products against the most recent story vectors — never against
every story. The best few candidates by centroid probability are re-scored by
*average link*: the mean article-article probability over the story's most
recent members. The article joins the best story when that clears
``StoryParams.threshold``, else it opens a new story. ``finish()`` then merges
stories the single pass split: story pairs found through the same index are
agglomerated, best first, while their average-link probability clears
``merge_threshold``; last, an article still alone joins its most probable
candidate story when that clears the lower ``attach_threshold`` (it came
before its story had formed, or is a fragment with little text to agree on).

Probabilities come from logistic models over explainable features:

* ``terms`` — cosine of TF-IDF vectors (sublinear TF, headline terms counted
  ``title_weight`` times, IDF learnt incrementally or pre-fitted on the batch);
* ``title`` — the same over headline terms only;
* ``emb`` — cosine of all-MiniLM-L6-v2 vectors (or the model2vec static model)
  of title + first three sentences;
* ``persons`` / ``places`` / ``orgs`` / ``others`` — entity-count cosines;
  ``*_conflict`` — both sides name people / places / a main year and none agree;
  ``year_match`` — the share of the story's articles about the same main year
  (two earthquakes of one kind are told apart by *when, where and who*);
  ``month_conflict`` / ``month_match`` — the same at month level, from the
  months the texts name (most news has no year in it, but "in April" or
  "Oct. 18" is common: undated recurring events are told apart by it);
* ``weekday_conflict`` / ``weekday_match`` — the weekdays the leads name
  (first ``LEAD_CHARS`` characters): same-day coverage names the event's day
  up front ("Yellen told lawmakers on Tuesday"), so two reports of the same
  kind of event that name different days are usually two events;
* ``numbers`` — specific figures both name ("23 pirates", "9.3 million"; not
  years, not one-digit counts), up to two;
* ``dated`` / ``gap`` — both dated, and days between them (within the window);
* ``brevity`` — a very short article (little text to agree on).

With an IDF pre-fitted on a batch (``cluster_stories``), terms found in only
one of its articles are dropped (``min_df``): they can match nothing and only
dilute the cosines. :func:`pair_scores` — the same-story similarity of two
articles — is a separate calibrated linear model (MiniLM cosine and
√terms-cosine, fitted on SemEval-2022 pairs, ``similarity_weights``), the
clustering probability where there are no vectors.

Weights, thresholds and the time window are calibrated on training data by
``newsweave/models/stories/calibrate.py`` and shipped in ``params.json``; any
of them can be overridden (``StoryParams.load(threshold=...)``). Without the
``embed`` extra the lexical weights are used. Deterministic: the same input
gives the same stories (:func:`cluster_stories` fixes the stream order).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from newsweave.text.stem import plural_stem as _stem
from newsweave.text.stopwords import STORY_STOPWORDS as _STOP

__all__ = [
    "Assignment",
    "FEATURES",
    "StoryClusterer",
    "StoryInput",
    "StoryParams",
    "cluster_stories",
    "extract_story_features",
    "months_in",
    "numbers_in",
    "pair_scores",
    "stream_order",
    "weekdays_in",
]

PARAMS_PATH = Path(__file__).resolve().parent.parent / "models" / "stories" / "params.json"
FEATURE_VERSION = 1

FEATURES = (
    "terms",
    "title",
    "emb",
    "persons",
    "places",
    "orgs",
    "others",
    "person_conflict",
    "place_conflict",
    "year_conflict",
    "year_match",
    "month_conflict",
    "month_match",
    "numbers",
    "weekday_match",
    "weekday_conflict",
    "dated",
    "gap",
    "brevity",
)
_ENT_TYPES = ("persons", "places", "orgs", "others")


# --------------------------------------------------------------------------- data


@dataclass(slots=True)
class StoryInput:
    """What the clusterer needs of an article."""

    id: str
    title: str | None
    text: str
    published: datetime | None
    source: str | None = None


@dataclass(slots=True)
class Assignment:
    """Where an article went, how sure, and why."""

    article_id: str
    story_key: str
    score: float
    reason: dict[str, Any] = field(default_factory=dict)


def _default_weights() -> dict[str, float]:
    return {
        "bias": -6.0,
        "terms": 9.0,
        "title": 1.5,
        "emb": 6.0,
        "persons": 1.0,
        "places": 1.0,
        "orgs": 0.5,
        "others": 0.5,
        "person_conflict": -1.0,
        "place_conflict": -1.0,
        "year_conflict": -2.0,
        "year_match": 0.5,
        "gap": -2.0,
    }


def _default_lexical_weights() -> dict[str, float]:
    weights = _default_weights()
    weights["emb"] = 0.0
    weights["bias"] = -4.5
    weights["terms"] = 11.0
    return weights


@dataclass
class StoryParams:
    """Thresholds, weights and limits; ``load()`` gives the calibrated defaults."""

    threshold: float = 0.5  # probability to join a story
    merge_threshold: float = 0.6  # probability to merge two stories in finish()
    merge: bool = True
    merge_prefilter: float = 0.05  # centroid probability a story pair needs before the member-level check
    window_days: float = 7.0  # an article joins only stories active this recently
    title_weight: float = 2.0  # a headline term counts this many times
    max_doc_terms: int = 80  # terms kept per article vector
    max_story_terms: int = 400  # terms kept per story centroid
    index_terms: int = 12  # an article's most specific terms used to find candidates
    max_candidates: int = 24  # stories scored per article
    max_postings: int = 400  # stories remembered per index key (most recent)
    recent_vectors: int = 2000  # stories scanned by vector dot products (most recent)
    vector_candidates: int = 8
    prefit_idf: bool = True  # cluster_stories: learn IDF on the whole batch first
    # with an IDF pre-fitted on a batch of at least min_df_batch articles, terms found in fewer than
    # min_df of them are dropped: they can match nothing and only dilute the cosine (typos, rare
    # names). A small batch keeps them: there a term of one article is evidence of a difference.
    min_df: int = 1
    min_df_batch: int = 100
    embedding_model: str | None = "minilm"  # "minilm" | "static" | None (lexical only)
    weights: dict[str, float] = field(default_factory=_default_weights)
    weights_lexical: dict[str, float] = field(default_factory=_default_lexical_weights)
    link: str = "average"  # "average": mean article-article probability over a story's members; "centroid"
    rescore_top: int = 4  # candidates (best by centroid) re-scored article by article
    max_members: int = 12  # most recent members an article is compared with
    merge_rounds: int = 3  # agglomeration rounds of the merge step
    # finish(): an article still alone after the merge step joins its most probable story when the
    # average link clears this lower bar (it often came before its story had formed, or is a short
    # fragment); >1 disables
    attach_threshold: float = 1.01
    pair_weights: dict[str, float] = field(default_factory=_default_weights)
    pair_weights_lexical: dict[str, float] = field(default_factory=_default_lexical_weights)
    merge_weights: dict[str, float] | None = None  # None: the assignment weights
    merge_weights_lexical: dict[str, float] | None = None
    # pair_scores with vectors: a linear model of the SemEval "overall" similarity (−4..−1, higher =
    # more alike) over pair features (``terms_sqrt`` = √terms), mapped to 0..1; None: the pair probability
    similarity_weights: dict[str, float] | None = None
    calibration: dict[str, Any] = field(default_factory=dict)  # provenance only

    @classmethod
    def load(cls, path: str | Path | None = None, **overrides: Any) -> "StoryParams":
        """The calibrated defaults shipped in the package, with ``overrides`` applied."""
        params = cls()
        path = Path(path) if path else PARAMS_PATH
        if path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))
            known = {f.name for f in fields(cls)}
            params = replace(params, **{k: v for k, v in data.items() if k in known})
        if overrides:
            params = replace(params, **overrides)
        return params

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- text


_TOKEN_RE = re.compile(r"[a-z][a-z'’-]*[a-z]|\d+(?:[.,]\d+)*")


_STEM_CACHE: dict[str, str] = {}


def tokenize(text: str) -> list[str]:
    """Lower-case content tokens, lightly stemmed (plural -s), stop words out."""
    out = []
    cache = _STEM_CACHE
    for tok in _TOKEN_RE.findall(text.lower()):
        stem = cache.get(tok)
        if stem is None:
            stem = _stem(tok) if tok not in _STOP else ""
            if stem in _STOP or len(stem) < 2:
                stem = ""
            if len(cache) < 500_000:
                cache[tok] = stem
        if stem:
            out.append(stem)
    return out


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
# month names and abbreviations ("Oct.", "Sept.") -> a three-letter key; "May" is also a name: it
# counts only before a day number (the pattern's lookahead)
_MONTH_FORMS = {form: m[:3].lower() for m in _MONTHS for form in (m, m[:3] + ".")} | {"Sept.": "sep"}
_MONTH_FORMS.pop("May.")
# a cheap first character test, then a full form checked against _MONTH_FORMS
_MONTH_RE = re.compile(
    r"[ADFJMNOS](?<![\w][ADFJMNOS])(?:an|eb|ar|pr|ay|un|ul|ug|ep|ct|ov|ec)"
    r"(?:uary|ruary|ch|il|e|y|ust|tember|ober|ember|t?\.|(?=\s+\d))(?!\w)"
)
# a figure stands alone ("23", "9.3", "1,400"; not "B52"); years and one-digit counts are left out
_NUMBER_RE = re.compile(r"\d(?<![\w.,]\d)\d*(?:[.,]\d+)*(?!\w|[.,]\d)")


def months_in(text: str) -> dict[str, float]:
    """Months a text names ("April", "Oct. 18"), as counts by three-letter key."""
    out: dict[str, float] = {}
    for form in _MONTH_RE.findall(text):
        key = _MONTH_FORMS.get(form)
        if key:
            out[key] = out.get(key, 0.0) + 1.0
    return out


_WEEKDAY_RE = re.compile(r"\b((?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)\b")
LEAD_CHARS = 600


def weekdays_in(text: str) -> dict[str, float]:
    """Weekdays the lead names ("on Tuesday"): same-day coverage names the event's day first."""
    out: dict[str, float] = {}
    for day in _WEEKDAY_RE.findall(text[:LEAD_CHARS]):
        out[day] = out.get(day, 0.0) + 1.0
    return out


def numbers_in(text: str) -> dict[str, float]:
    """Specific figures a text names, as counts: numbers other than years and one-digit counts."""
    out: dict[str, float] = {}
    for num in _NUMBER_RE.findall(text):
        if len(num) > 1 and not (len(num) == 4 and num.isdigit() and 1950 <= int(num) <= 2049):
            out[num] = out.get(num, 0.0) + 1.0
    return out


# --------------------------------------------------------------------------- features


def extract_story_features(
    inputs: Sequence[StoryInput],
    *,
    entities: bool = True,
    embeddings: str | None = "auto",
    batch_size: int = 64,
) -> list[dict[str, Any]]:
    """Per-article evidence, JSON-able (the caller may cache it in its store).

    ``embeddings``: "minilm", "static", None (none), or "auto" (the model named
    in the shipped params when its extra is installed, else none).
    """
    from newsweave.enrich.embeddings import embeddings_available

    docs = list(inputs)
    out: list[dict[str, Any]] = [{"version": FEATURE_VERSION} for _ in docs]
    if entities and docs:
        from newsweave.enrich.entities import entities_for_texts

        texts = [f"{d.title}.\n{d.text}" if d.title else d.text for d in docs]
        for feat, ents in zip(out, entities_for_texts(texts)):
            feat.update(ents)
    model = embeddings
    if model == "auto":
        model = StoryParams.load().embedding_model
        if model and not embeddings_available(model):
            model = None
    if model and docs:
        from newsweave.enrich.embeddings import encode

        vectors = encode([d.title for d in docs], [d.text for d in docs], name=model, batch_size=batch_size)
        for feat, vec in zip(out, vectors):
            feat["embedding"] = [round(float(x), 5) for x in vec]
            feat["embedding_model"] = model
    return out


# --------------------------------------------------------------------------- internals


def _key_for(article_id: str) -> str:
    return "st-" + hashlib.blake2b(article_id.encode("utf-8"), digest_size=6).hexdigest()


def _days(published: datetime | None) -> float | None:
    if published is None:
        return None
    if published.tzinfo is None:
        published = published.replace(tzinfo=timezone.utc)
    return published.timestamp() / 86400.0


_second = __import__("operator").itemgetter(1)


def _by_weight(kv: tuple[str, float]) -> tuple[float, str]:
    return (kv[1], kv[0])


def _top(weights: dict[str, float], k: int) -> dict[str, float]:
    if len(weights) <= k:
        return weights
    keep = sorted(weights.items(), key=_by_weight, reverse=True)[:k]
    return dict(keep)


def _normalised(weights: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in weights.values()))
    if norm == 0:
        return {}
    return {k: v / norm for k, v in weights.items()}


def _dot(small: dict[str, float], big: dict[str, float]) -> float:
    if len(small) > len(big):
        small, big = big, small
    shared = small.keys() & big.keys()  # C-level intersection: usually a few terms
    if not shared:
        return 0.0
    return sum([small[k] * big[k] for k in shared])


def _counter_cos(a: dict[str, float], b: dict[str, float], na: float, nb: float) -> float:
    if not a or not b or na == 0 or nb == 0:
        return 0.0
    return _dot(a, b) / (na * nb)


def _norm(d: dict[str, float]) -> float:
    return math.sqrt(sum(v * v for v in d.values()))


class _Doc:
    __slots__ = (
        "id", "t", "terms", "title_terms", "ents", "ent_norms", "years", "main_year", "emb", "index_keys", "published",
        "brevity", "months", "numbers", "weekdays",
    )

    def __init__(self) -> None:
        self.id = ""
        self.t: float | None = None
        self.published: datetime | None = None
        self.terms: dict[str, float] = {}
        self.title_terms: dict[str, float] = {}
        self.ents: dict[str, dict[str, float]] = {}
        self.ent_norms: dict[str, float] = {}
        self.years: dict[int, float] = {}
        self.main_year: int | None = None
        self.emb: np.ndarray | None = None
        self.index_keys: list[str] = []
        self.brevity = 0.0  # 1 for an empty article, 0 from 50 content words up
        self.months: dict[str, float] = {}
        self.numbers: dict[str, float] = {}
        self.weekdays: dict[str, float] = {}


class _Story:
    __slots__ = (
        "idx", "key", "members", "terms", "title_terms", "ents", "years", "main_years", "emb", "emb_n",
        "first_t", "last_t", "_norm", "_tnorm", "_enorms", "alive", "first_published", "brevity", "months", "numbers",
        "weekdays",
    )

    def __init__(self, idx: int, key: str) -> None:
        self.idx = idx
        self.key = key
        self.members: list[int] = []
        self.terms: dict[str, float] = {}
        self.title_terms: dict[str, float] = {}
        self.ents: dict[str, dict[str, float]] = {t: {} for t in _ENT_TYPES}
        self.years: dict[int, float] = {}
        self.main_years: dict[int, int] = {}
        self.emb: np.ndarray | None = None
        self.emb_n = 0
        self.first_t: float | None = None
        self.last_t: float | None = None
        self._norm: float | None = None
        self._tnorm: float | None = None
        self._enorms: dict[str, float] | None = None
        self.alive = True
        self.first_published: datetime | None = None
        self.brevity = 0.0
        self.months: dict[str, float] = {}
        self.numbers: dict[str, float] = {}
        self.weekdays: dict[str, float] = {}

    def norm(self) -> float:
        if self._norm is None:
            self._norm = _norm(self.terms)
        return self._norm

    def tnorm(self) -> float:
        if self._tnorm is None:
            self._tnorm = _norm(self.title_terms)
        return self._tnorm

    def enorms(self) -> dict[str, float]:
        if self._enorms is None:
            self._enorms = {t: _norm(self.ents[t]) for t in _ENT_TYPES}
        return self._enorms


def _match_conflict(mine: dict[str, float], theirs: dict[str, float]) -> tuple[float, float]:
    """Share of the article's named months/days the story names too; 1.0 conflict when both name some, none alike."""
    if not mine or not theirs:
        return 0.0, 0.0
    shared = len(mine.keys() & theirs.keys())
    return shared / len(mine), 0.0 if shared else 1.0


def _one_article_story(d: _Doc) -> _Story:
    """A story of one article that views the article's own vectors: only ever read, never indexed."""
    st = _Story(-1, d.id)
    st.terms = d.terms
    st._norm = 1.0 if d.terms else 0.0
    st.title_terms = d.title_terms
    st._tnorm = 1.0 if d.title_terms else 0.0
    for etype, values in d.ents.items():
        st.ents[etype] = values
    st._enorms = {t: d.ent_norms.get(t, 0.0) for t in _ENT_TYPES}
    st.years = d.years
    if d.main_year is not None:
        st.main_years = {d.main_year: 1}
    st.emb = d.emb
    st.first_t = st.last_t = d.t
    st.brevity = d.brevity
    st.months = d.months
    st.numbers = d.numbers
    st.weekdays = d.weekdays
    return st


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


# --------------------------------------------------------------------------- clusterer


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
        counts: Counter[str] = Counter(body_tokens)
        for tok in title_tokens:
            counts[tok] += p.title_weight
        idf = self._idf
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
                top = np.argpartition(-sims, k - 1)[:k]
                top = sorted(top.tolist(), key=lambda i: (-float(sims[i]), i))
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
            sn = float(np.linalg.norm(st.emb))
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
            for prob, s, f in scored[: self.params.rescore_top]:
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

    # ------------------------------------------------------------------ merge step

    def _story_as_doc(self, st: _Story) -> _Doc:
        p = self.params
        d = _Doc()
        d.id = st.key
        d.t = st.last_t
        d.terms = _normalised(_top(st.terms, p.max_doc_terms))
        d.title_terms = _normalised(st.title_terms)
        d.ents = {t: v for t, v in st.ents.items() if v}
        d.ent_norms = {t: _norm(v) for t, v in d.ents.items()}
        # views of the story's counts: the doc is read at once and never kept
        d.years = st.years
        d.months = st.months
        d.numbers = st.numbers
        d.weekdays = st.weekdays
        if st.main_years:
            d.main_year = max(st.main_years, key=lambda y: (st.main_years[y], y))
        if st.emb is not None:
            n = float(np.linalg.norm(st.emb))
            d.emb = st.emb / (n or 1.0)
        keys = list(_top(d.terms, p.index_terms))
        for etype in ("persons", "places"):
            for k, _ in sorted(st.ents[etype].items(), key=lambda kv: (-kv[1], kv[0]))[:3]:
                keys.append(f"{etype[:2]}:{k}")
        d.index_keys = keys
        return d

    def _story_pair_prob(self, a: _Story, b: _Story) -> tuple[float, dict[str, float]]:
        da = self._story_as_doc(a)
        f = self._features(da, b)
        # time gap between the two stories' spans
        if a.first_t is not None and b.first_t is not None:
            gap = max(0.0, max(a.first_t, b.first_t) - min(a.last_t, b.last_t))
            f["gap"] = min(gap, self.params.window_days) / max(self.params.window_days, 1e-9)
        return self._prob(f, da.emb is not None and b.emb is not None, merge=True), f

    def _link_prob(self, a: _Story, b: _Story) -> float:
        """Average article-article probability between two stories (recent members)."""
        ma = a.members[-self.params.max_members :]
        mb = b.members[-self.params.max_members :]
        if not ma or not mb:
            return 0.0
        total = 0.0
        docs = self._docs
        for i in ma:
            di = docs[i]
            for j in mb:
                f = self._pair_features(di, j)
                total += self._prob(f, di.emb is not None and docs[j].emb is not None, pair=True)
        return total / (len(ma) * len(mb))

    def _merge_score(self, a: _Story, b: _Story) -> float:
        if self.params.link == "average":
            return self._link_prob(a, b)
        return self._story_pair_prob(a, b)[0]

    def _merge_into(self, keep: _Story, gone: _Story) -> None:
        for doc_idx in gone.members:
            self._absorb(keep, doc_idx, self._docs[doc_idx])
            self._doc_story[doc_idx] = keep.idx
        gone.alive = False
        gone.members = []

    def _merge_step(self) -> dict[int, tuple[int, float, str]]:
        """Greedy agglomeration of stories, then lone articles attached; gone story -> (kept, prob, how)."""
        p = self.params
        merged: dict[int, tuple[int, float, str]] = {}
        if not p.merge:
            return merged
        # after the first round only stories that grew can have new pairs above the bar: rescanning
        # them alone keeps a round that merged a handful of stories from costing a full pass again
        scan: set[int] | None = None
        for _round in range(p.merge_rounds):
            pairs: list[tuple[float, int, int]] = []
            seen: set[tuple[int, int]] = set()
            for st in self.stories:
                if not st.alive or (scan is not None and st.idx not in scan):
                    continue
                d = self._story_as_doc(st)
                for s in self._candidates(d, exclude=st.idx):
                    other = self.stories[s]
                    if not other.alive or s == st.idx:
                        continue
                    a, b = (st, other) if st.idx < s else (other, st)
                    if (a.idx, b.idx) in seen:
                        continue
                    seen.add((a.idx, b.idx))
                    # cheap centroid pre-filter, then the average link over members
                    if self._story_pair_prob(a, b)[0] < p.merge_prefilter:
                        continue
                    prob = self._merge_score(a, b)
                    if prob >= p.merge_threshold:
                        pairs.append((prob, a.idx, b.idx))
            if not pairs:
                break
            pairs.sort(key=lambda x: (-x[0], x[1], x[2]))
            changed = False
            touched: set[int] = set()
            for prob, ia, ib in pairs:
                a, b = self.stories[ia], self.stories[ib]
                if not a.alive or not b.alive:
                    continue
                if ia in touched or ib in touched:
                    prob = self._merge_score(a, b)
                    if prob < p.merge_threshold:
                        continue
                self._merge_into(a, b)
                merged[ib] = (ia, prob, "merged")
                touched.update((ia, ib))
                changed = True
            if not changed:
                break
            scan = {i for i in touched if self.stories[i].alive}
        self._attach_singletons(merged)
        return merged

    def _attach_singletons(self, merged: dict[int, tuple[int, float, str]]) -> None:
        """Each story of one article joins its best index candidate above ``attach_threshold``."""
        bar = self.params.attach_threshold
        if bar > 1.0:
            return
        for st in self.stories:
            if not st.alive or len(st.members) != 1:
                continue
            best: tuple[float, int] | None = None
            for s in self._candidates(self._docs[st.members[0]], exclude=st.idx):
                other = self.stories[s]
                if not other.alive:
                    continue
                prob = self._merge_score(st, other)
                if best is None or (prob, -s) > (best[0], -best[1]):
                    best = (prob, s)
            if best is not None and best[0] >= bar:
                keep = self.stories[best[1]]
                self._merge_into(keep, st)
                merged[st.idx] = (keep.idx, best[0], "attached")

    def finish(self) -> list[Assignment]:
        """Run the merge step; return the final assignment of every article added."""
        if self._finished is not None:
            return self._finished
        merged = self._merge_step()

        def root(s: int) -> tuple[int, float | None]:
            prob = None
            while s in merged:
                s, prob, _how = merged[s]
            return s, prob

        out: list[Assignment] = []
        by_key: dict[str, _Story] = {}
        for st in self.stories:
            by_key.setdefault(st.key, st)  # the first story of a key, should two articles share an id
        for i, a in enumerate(self._assign):
            final = self.stories[self._doc_story[i]]
            if final.key == a.story_key:
                out.append(a)
                continue
            reason = dict(a.reason)
            first_story = by_key[a.story_key]
            # "attached": a lone article that joined its best story at the lower bar
            reason["method"] = merged[first_story.idx][2] if first_story.idx in merged else "merged"
            reason["merged_from"] = a.story_key
            reason["matched_story"] = final.key
            _, prob = root(first_story.idx)
            reason["merge_score"] = round(prob or 0.0, 4)
            out.append(Assignment(a.article_id, final.key, a.score, reason))
        self._finished = out
        return out

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
