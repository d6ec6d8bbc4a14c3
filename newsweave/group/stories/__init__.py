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
``newsweave/models/stories/calibrate.py``; the calibrated values are the defaults of
:class:`StoryParams` (``params.json`` records the calibration; see
:mod:`newsweave.group.stories.params`), and any of them can be overridden
(``StoryParams.load(threshold=...)``, ``--story-param``, ``NEWSWEAVE_STORY_*``). Without
the ``embed`` extra the lexical weights are used. Deterministic: the same input gives the
same stories (:func:`cluster_stories` fixes the stream order).

Modules: :mod:`~newsweave.group.stories.params` (the settings),
:mod:`~newsweave.group.stories.evidence` (what is read of an article: inputs, text
rules, features), :mod:`~newsweave.group.stories.vectors` (article and story vectors),
:mod:`~newsweave.group.stories.clusterer` (the single pass and the batch calls) and
:mod:`~newsweave.group.stories.merge` (the merge step).
"""

from newsweave.group.stories.clusterer import (
    StoryClusterer,
    cluster_stories,
    pair_scores,
    similarity_score,
    stream_order,
)
from newsweave.group.stories.evidence import (
    FEATURE_VERSION,
    FEATURES,
    LEAD_CHARS,
    Assignment,
    StoryInput,
    extract_story_features,
    months_in,
    numbers_in,
    tokenize,
    weekdays_in,
)
from newsweave.group.stories.params import PARAMS_PATH, StoryParams, parse_story_options, story_settings

__all__ = [
    "Assignment",
    "FEATURES",
    "FEATURE_VERSION",
    "LEAD_CHARS",
    "PARAMS_PATH",
    "StoryClusterer",
    "StoryInput",
    "StoryParams",
    "cluster_stories",
    "extract_story_features",
    "months_in",
    "numbers_in",
    "pair_scores",
    "parse_story_options",
    "similarity_score",
    "story_settings",
    "stream_order",
    "tokenize",
    "weekdays_in",
]
