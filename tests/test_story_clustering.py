"""Story clustering on small constructed cases (no benchmark numbers asserted)."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone

import pytest

from newsweave.group.stories import (
    Assignment,
    StoryClusterer,
    StoryInput,
    StoryParams,
    cluster_stories,
    extract_story_features,
    pair_scores,
    stream_order,
)

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)


def lexical(**overrides) -> StoryParams:
    return StoryParams.load(embedding_model=None, **overrides)


def partition(assignments: list[Assignment]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for a in assignments:
        groups.setdefault(a.story_key, set()).add(a.article_id)
    return {frozenset(v) for v in groups.values()}


QUAKE_A1 = StoryInput(
    "a1",
    "Strong earthquake shakes northern Chile, killing dozens",
    "A magnitude 8.2 earthquake struck off the coast of northern Chile near Iquique on Tuesday, "
    "killing dozens of people and triggering a tsunami warning along the Pacific coast. "
    "President Michelle Bachelet declared a state of emergency in the region. "
    "Rescue teams searched collapsed buildings in Iquique through the night. The 2014 quake "
    "was felt across the Andes.",
    None,
)
QUAKE_A2 = StoryInput(
    "a2",
    "Chile earthquake: rescuers search rubble in Iquique",
    "Rescuers in Iquique searched the rubble of collapsed buildings after the magnitude 8.2 "
    "earthquake that struck northern Chile killed dozens of people. Bachelet visited the region and "
    "said the government would send troops. A tsunami warning for the Pacific coast was lifted. "
    "It was the strongest earthquake in Chile since 2010, officials said of the 2014 disaster.",
    None,
)
QUAKE_B1 = StoryInput(
    "b1",
    "Haiti quake leaves hundreds dead in Les Cayes",
    "Hundreds died when a 7.2 tremor hit southwestern Haiti on Saturday, flattening homes and "
    "churches around Les Cayes. Prime Minister Ariel Henry asked for international help as "
    "hospitals overflowed. Aid groups said roads to the peninsula were blocked by landslides "
    "in the 2021 disaster.",
    None,
)
QUAKE_B2 = StoryInput(
    "b2",
    "Aid slowly reaches Les Cayes after Haiti quake",
    "Aid began to reach Les Cayes days after the 7.2 tremor flattened homes across southwestern "
    "Haiti. Henry said the death toll had passed 1,400 and that landslides still blocked roads on the "
    "peninsula. Hospitals in the 2021 quake zone were overwhelmed.",
    None,
)

FEATURES = {
    "a1": {"persons": ["bachelet"], "places": ["chile", "iquique", "pacific", "andes"], "years": [2014]},
    "a2": {"persons": ["bachelet"], "places": ["iquique", "chile", "pacific"], "years": [2010, 2014]},
    "b1": {"persons": ["henry"], "places": ["haiti", "les cayes"], "years": [2021]},
    "b2": {"persons": ["henry"], "places": ["les cayes", "haiti"], "years": [2021]},
}

UNRELATED = StoryInput(
    "u1",
    "Central bank holds interest rates steady",
    "The central bank kept its benchmark interest rate unchanged on Wednesday, citing easing "
    "inflation and a cooling labour market. Markets had expected the decision.",
    None,
)


def quake_docs():
    return [QUAKE_A1, QUAKE_B1, QUAKE_A2, QUAKE_B2, UNRELATED]


def quake_features(docs):
    return [FEATURES.get(d.id, {}) for d in docs]


def test_two_events_of_the_same_kind_are_told_apart():
    docs = quake_docs()
    result = cluster_stories(docs, lexical(), quake_features(docs))
    assert partition(result) == {frozenset({"a1", "a2"}), frozenset({"b1", "b2"}), frozenset({"u1"})}


def test_when_where_who_lower_the_same_story_score():
    params = lexical()
    same, other = pair_scores(
        [(QUAKE_A1, QUAKE_A2), (QUAKE_A1, QUAKE_B1)],
        params,
        [(FEATURES["a1"], FEATURES["a2"]), (FEATURES["a1"], FEATURES["b1"])],
    )
    # without the event evidence, the two earthquakes look closer
    (other_no_evidence,) = pair_scores([(QUAKE_A1, QUAKE_B1)], params, [({}, {})])
    assert same > other
    assert other < other_no_evidence < params.threshold


def test_assignments_explain_themselves():
    docs = quake_docs()
    result = {a.article_id: a for a in cluster_stories(docs, lexical(), quake_features(docs))}
    joined = [a for a in result.values() if a.reason["method"] in ("assigned", "merged")]
    assert joined
    for a in joined:
        assert a.reason["shared_terms"]
        assert a.reason["matched_story"] == a.story_key
        assert 0.0 <= a.score <= 1.0
    json.dumps([a.reason for a in result.values()])  # JSON-able


def test_single_pass_split_is_merged_by_the_merge_step():
    docs = [QUAKE_A1, QUAKE_A2, QUAKE_B1]
    feats = quake_features(docs)
    split_params = lexical(threshold=0.999999, merge=False)
    split = cluster_stories(docs, split_params, feats)
    assert len(partition(split)) == 3  # the single pass alone opens a story per article
    merged_params = lexical(threshold=0.999999, merge=True, merge_threshold=0.2)
    clusterer = StoryClusterer(merged_params)
    for i in stream_order(docs):
        clusterer.add(docs[i], feats[i])
    final = {a.article_id: a for a in clusterer.finish()}
    assert final["a1"].story_key == final["a2"].story_key
    assert final["b1"].story_key != final["a1"].story_key
    methods = {final["a1"].reason["method"], final["a2"].reason["method"]}
    assert "merged" in methods


def test_deterministic_whatever_the_input_order():
    docs = quake_docs()
    feats = quake_features(docs)
    first = cluster_stories(docs, lexical(), feats)
    for seed in range(3):
        order = list(range(len(docs)))
        random.Random(seed).shuffle(order)
        again = cluster_stories([docs[i] for i in order], lexical(), [feats[i] for i in order])
        assert {a.article_id: a.story_key for a in again} == {a.article_id: a.story_key for a in first}
        assert {a.article_id: a.score for a in again} == {a.article_id: a.score for a in first}


def test_arrival_order_follows_publication_time():
    docs = [
        StoryInput("late", QUAKE_A2.title, QUAKE_A2.text, T0 + timedelta(hours=5)),
        StoryInput("early", QUAKE_A1.title, QUAKE_A1.text, T0),
    ]
    order = stream_order(docs)
    assert [docs[i].id for i in order] == ["early", "late"]
    result = cluster_stories(docs, lexical(), [FEATURES["a2"], FEATURES["a1"]])
    assert result[0].story_key == result[1].story_key
    by_id = {a.article_id: a for a in result}
    assert by_id["early"].reason["method"] == "new"
    assert by_id["late"].reason["method"] in ("assigned", "merged")


def test_time_window_keeps_far_apart_articles_apart():
    docs = [
        StoryInput("x1", QUAKE_A1.title, QUAKE_A1.text, T0),
        StoryInput("x2", QUAKE_A1.title, QUAKE_A1.text, T0 + timedelta(days=60)),
    ]
    result = cluster_stories(docs, lexical(window_days=7), [FEATURES["a1"], FEATURES["a1"]])
    assert result[0].story_key != result[1].story_key


def test_incremental_add_matches_batch():
    docs = quake_docs()
    feats = quake_features(docs)
    params = lexical(prefit_idf=False)
    clusterer = StoryClusterer(params)
    for i in stream_order(docs):
        a = clusterer.add(docs[i], feats[i])
        assert isinstance(a, Assignment)
    incremental = clusterer.finish()
    batch = cluster_stories(docs, params, feats)
    assert partition(incremental) == partition(batch)


def test_works_without_any_features_and_on_empty_text():
    docs = [*quake_docs(), StoryInput("empty", None, "", None)]
    result = cluster_stories(docs, lexical(), None)
    assert len(result) == len(docs)
    assert {a.article_id for a in result} == {d.id for d in docs}
    assert cluster_stories([], lexical()) == []


def test_params_load_and_override(tmp_path):
    params = StoryParams.load()
    assert 0 < params.threshold < 1
    assert set(params.weights) >= {"bias", "terms"}
    changed = StoryParams.load(threshold=0.9)
    assert changed.threshold == 0.9
    path = tmp_path / "p.json"
    changed.save(path)
    assert StoryParams.load(path).threshold == 0.9


def test_extract_story_features_entities_are_json():
    feats = extract_story_features([QUAKE_A1, QUAKE_B1], embeddings=None)
    json.dumps(feats)
    assert 2014 in feats[0]["years"] and 2021 in feats[1]["years"]
    assert any("iquique" in p or "chile" in p for p in feats[0]["places"])
    assert feats[0].get("embedding") is None


@pytest.mark.slow
def test_minilm_embeddings_cluster_the_events():
    from newsweave.enrich.embeddings import embeddings_available

    if not embeddings_available("minilm"):
        pytest.skip("embed extra not installed")
    docs = quake_docs()
    feats = extract_story_features(docs, embeddings="minilm")
    assert len(feats[0]["embedding"]) == 384
    result = cluster_stories(docs, StoryParams.load(embedding_model="minilm"), feats)
    assert partition(result) == {frozenset({"a1", "a2"}), frozenset({"b1", "b2"}), frozenset({"u1"})}


def test_event_evidence_can_veto_a_lexical_match():
    text = (
        "A strong earthquake struck on Tuesday, killing dozens of people and collapsing buildings. "
        "Rescue teams searched the rubble through the night and the government declared an emergency."
    )
    docs = [
        StoryInput("c1", "Deadly earthquake strikes", text, None),
        StoryInput("c2", "Deadly earthquake strikes", text + " Aid was on its way.", None),
        StoryInput("c3", "Deadly earthquake strikes", text + " Schools were closed.", None),
    ]
    feats = [
        {"persons": ["bachelet"], "places": ["chile", "iquique"], "years": [2014]},
        {"persons": ["henry"], "places": ["haiti", "les cayes"], "years": [2021]},
        {"persons": ["bachelet"], "places": ["iquique"], "years": [2014]},
    ]
    strict = {"bias": -4.0, "terms": 6.0, "persons": 1.0, "places": 1.0, "year_match": 1.0,
              "person_conflict": -4.0, "place_conflict": -4.0, "year_conflict": -4.0}
    params = lexical(weights_lexical=strict, pair_weights_lexical=strict, threshold=0.5, merge=False)
    result = {a.article_id: a.story_key for a in cluster_stories(docs, params, feats)}
    assert result["c1"] == result["c3"]
    assert result["c2"] != result["c1"]
    # the same articles without the evidence are one story
    blind = {a.article_id: a.story_key for a in cluster_stories(docs, params, [{}, {}, {}])}
    assert len(set(blind.values())) == 1


def test_missing_embed_extra_is_a_clear_error_and_lexical_still_works(monkeypatch):
    import sys

    from newsweave.enrich import embeddings
    from newsweave.errors import MissingDependency

    embeddings.get_embedder.cache_clear()
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # import fails
    monkeypatch.setitem(sys.modules, "model2vec", None)
    try:
        with pytest.raises(MissingDependency, match="embed"):
            embeddings.get_embedder("minilm")
        with pytest.raises(MissingDependency, match="embed"):
            embeddings.get_embedder("static")
    finally:
        embeddings.get_embedder.cache_clear()
    docs = quake_docs()
    assert len(cluster_stories(docs, StoryParams.load(), quake_features(docs))) == len(docs)


def test_min_df_drops_terms_only_in_a_large_enough_batch():
    docs = quake_docs()
    big = StoryClusterer(lexical(min_df=2, min_df_batch=3))
    big.fit_idf(docs)
    terms = big._prepare(QUAKE_A1, FEATURES["a1"]).terms
    assert "bachelet" in terms  # in two articles
    assert "night" not in terms  # in one article only: it can match nothing
    small = StoryClusterer(lexical(min_df=2, min_df_batch=100))
    small.fit_idf(docs)
    assert "night" in small._prepare(QUAKE_A1, FEATURES["a1"]).terms


def _with_vectors(feats, vectors):
    return [{**f, "embedding": v, "embedding_model": "minilm"} for f, v in zip(feats, vectors)]


def test_pair_similarity_model_is_calibrated_and_monotone():
    from newsweave.group.stories import similarity_score

    w = {"bias": -4.2, "emb": 2.4, "terms_sqrt": 1.4}
    low = similarity_score({"emb": 0.1, "terms": 0.0}, w)
    mid = similarity_score({"emb": 0.5, "terms": 0.1}, w)
    high = similarity_score({"emb": 0.9, "terms": 0.6}, w)
    assert 0.0 <= low < mid < high <= 1.0
    # pair_scores uses it when both articles have vectors
    params = StoryParams.load(embedding_model="minilm", similarity_weights=w)
    near, far = [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]
    feats = _with_vectors([FEATURES["a1"], FEATURES["a2"], FEATURES["b1"]], [near, near, far])
    same, other = pair_scores(
        [(QUAKE_A1, QUAKE_A2), (QUAKE_A1, QUAKE_B1)], params, [(feats[0], feats[1]), (feats[0], feats[2])]
    )
    assert 0.0 <= other < same <= 1.0


def test_months_and_figures_are_read_from_the_text():
    from newsweave.group.stories import months_in, numbers_in

    text = (
        "The ferry Marisol ran aground on Oct. 18 with 214 passengers, 11.4 tonnes and 9.3 tonnes of cargo. "
        "Mayor Dolores May of Porto Lindo said in April that the 2019 rules, signed May 3, "
        "cost 1,400 jobs and 7 boats; the B52 route stays shut until Sept. 30."
    )
    assert months_in(text) == {"oct": 1.0, "apr": 1.0, "may": 1.0, "sep": 1.0}
    # figures stand alone; years and one-digit counts are not figures
    assert set(numbers_in(text)) == {"18", "214", "11.4", "9.3", "1,400", "30"}
    assert months_in("Marching orders came from the Mayor.") == {}


def _ferry(day: str, month: str, count: str) -> StoryInput:
    text = (
        f"The ferry Marisol ran aground near Porto Lindo on {month} {day}, and {count} passengers were taken "
        "ashore by lifeboats. The harbour master said the captain had reported an engine failure."
    )
    return StoryInput(f"{month}-{day}-{count}", "Ferry runs aground near Porto Lindo", text, None)


def test_named_months_and_shared_figures_tell_recurring_events_apart():
    april, april_again, august = _ferry("3", "April", "214"), _ferry("4", "April", "214"), _ferry("9", "August", "86")
    clusterer = StoryClusterer(lexical())
    clusterer.fit_idf([april, april_again, august])
    a, b, c = (clusterer._prepare(d, None) for d in (april, april_again, august))
    clusterer._docs = [a, b, c]
    same, other = clusterer._features(a, clusterer._shadow(1)), clusterer._features(a, clusterer._shadow(2))
    assert same["month_match"] == 1.0 and same["month_conflict"] == 0.0 and same["numbers"] == 0.5
    assert other["month_match"] == 0.0 and other["month_conflict"] == 1.0 and other["numbers"] == 0.0
    weights = {"bias": -3.0, "terms": 4.0, "month_match": 1.0, "month_conflict": -3.0, "numbers": 1.0}
    params = lexical(weights_lexical=weights, pair_weights_lexical=weights)
    near, far = pair_scores([(april, april_again), (april, august)], params)
    assert near > 0.5 > far


def test_weekdays_are_read_from_the_lead_only():
    from newsweave.group.stories import LEAD_CHARS, weekdays_in

    lead = "The council of Porto Lindo voted on Tuesday to close the harbour; the mayor objected Wednesday."
    assert weekdays_in(lead) == {"Tuesday": 1.0, "Wednesday": 1.0}
    # a day named deep in the article is background ("a similar vote last Friday"), not the event's day
    assert weekdays_in("x" * LEAD_CHARS + " The last vote was on Friday.") == {}
    assert weekdays_in("Sundays and Mondayish words do not count.") == {}


def test_different_weekdays_in_the_lead_tell_same_day_coverage_apart():
    def vote(day: str, n: int) -> StoryInput:
        text = (
            f"The council of Porto Lindo voted on {day} to close the harbour to cruise ships, "
            "after a week of protests by fishermen over the new quay."
        )
        return StoryInput(f"{day}-{n}", "Porto Lindo council votes to close harbour", text, None)

    tuesday, tuesday_again, friday = vote("Tuesday", 1), vote("Tuesday", 2), vote("Friday", 3)
    clusterer = StoryClusterer(lexical())
    clusterer.fit_idf([tuesday, tuesday_again, friday])
    a, b, c = (clusterer._prepare(d, None) for d in (tuesday, tuesday_again, friday))
    clusterer._docs = [a, b, c]
    same, other = clusterer._features(a, clusterer._shadow(1)), clusterer._features(a, clusterer._shadow(2))
    assert same["weekday_match"] == 1.0 and same["weekday_conflict"] == 0.0
    assert other["weekday_match"] == 0.0 and other["weekday_conflict"] == 1.0
    weights = {"bias": -3.0, "terms": 4.0, "weekday_match": 0.5, "weekday_conflict": -3.0}
    params = lexical(weights_lexical=weights, pair_weights_lexical=weights)
    near, far = pair_scores([(tuesday, tuesday_again), (tuesday, friday)], params)
    assert near > 0.5 > far


def test_a_lone_article_attaches_to_its_best_story_at_the_lower_bar():
    fragment = StoryInput("a3", None, "Rescuers searched the rubble in Iquique after the Chile earthquake.", None)
    docs = [QUAKE_A1, QUAKE_A2, fragment, QUAKE_B1, QUAKE_B2]
    feats = quake_features(docs)
    feats[2] = {"places": ["iquique", "chile"]}

    def run(attach: float) -> dict[str, Assignment]:
        # nothing joins in the single pass; only near-identical stories merge
        params = lexical(threshold=0.999999, merge_threshold=0.999, attach_threshold=attach)
        return {a.article_id: a for a in cluster_stories(docs, params, feats)}

    alone = run(1.01)
    assert len({alone[k].story_key for k in ("a1", "a2", "a3")}) == 2
    attached = run(0.5)
    assert len({attached[k].story_key for k in ("a1", "a2", "a3")}) == 1
    assert attached["b1"].story_key == attached["b2"].story_key != attached["a1"].story_key
    moved = [a for a in attached.values() if a.reason["method"] == "attached"]
    assert len(moved) == 1 and 0.5 <= moved[0].reason["merge_score"] < 0.999


def test_the_merge_link_stops_early_only_below_its_bar():
    from newsweave.group.stories.merge import link_prob, merge_into

    docs = [QUAKE_A1, QUAKE_A2, QUAKE_B1, QUAKE_B2, UNRELATED]
    clusterer = StoryClusterer(lexical(threshold=1.0, merge=False))  # every article opens its own story
    clusterer.fit_idf(docs)
    for doc in docs:
        clusterer.add(doc)
    a1, a2, b1, b2, other = clusterer.stories
    merge_into(clusterer, a1, b1)
    merge_into(clusterer, a2, b2)
    stories = [a1, a2, other]  # each quake in both two-article stories: their link is about a half
    pairs = [(a, b) for a in stories for b in stories if a.idx < b.idx]
    exact = [link_prob(clusterer, a, b) for a, b in pairs]
    bars = sorted({0.0, 1.0, *exact, *(v * 0.999 for v in exact), *(min(1.0, v * 1.001 + 1e-6) for v in exact)})
    assert min(exact) < 0.1 and max(exact) > 0.3
    for bar in bars:
        for (a, b), value in zip(pairs, exact):
            bounded = link_prob(clusterer, a, b, bar)
            if value >= bar:
                assert bounded == value
            else:
                assert bounded < bar
