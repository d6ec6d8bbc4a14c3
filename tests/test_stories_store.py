"""Story persistence: stable ids, reprint groups, corrections surviving re-clustering and new ingests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text

from newsweave.errors import InputError, NotFound
from newsweave.group.stage import update_stories
from newsweave.model import Article, ArticleStatus, article_id_for
from newsweave.store import Store
from newsweave.store.schema import stories
from newsweave.store.stories import (
    list_corrections,
    list_stories,
    record_correction,
    story_detail,
)

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=timezone.utc)

FLOOD = (
    "Heavy rain caused the river to burst its banks on Tuesday, flooding hundreds of homes in the "
    "valley towns. Emergency crews evacuated residents by boat while the regional council opened "
    "three shelters in school gyms. The weather service said a further forty millimetres could fall "
    "overnight and warned that the dam upstream was being monitored closely by engineers on site. "
    "Farmers reported that entire fields of winter wheat were under water and livestock had been moved "
    "to higher ground before the worst of the storm arrived in the early hours of the morning."
)
BUDGET = (
    "The finance minister presented a budget that raises spending on hospitals and schools while "
    "cutting fuel subsidies, a move opposition parties called a tax on commuters. Economists said the "
    "deficit target looked ambitious given slowing growth, and the central bank kept interest rates "
    "unchanged at its meeting. Unions announced a day of protest against the subsidy cuts next month "
    "and business groups welcomed a lower corporate tax rate for small companies with few employees."
)
MATCH = (
    "The home side scored twice in the last ten minutes to win the cup final in front of a sold out "
    "stadium. The captain lifted the trophy after a season in which the club had been close to "
    "relegation in the autumn. Supporters celebrated in the city centre late into the night while the "
    "coach praised a squad that never stopped believing in the plan they had trained for all year."
)


def _article(text: str, source: str, hours: float, title: str) -> Article:
    raw = f"{source}|{title}|{text}".encode()
    return Article(
        id=article_id_for(raw),
        source=source,
        origin=f"{source}.txt",
        input_format="text",
        raw=raw,
        text=text,
        extracted_text=text,
        title=title,
        published=T0 + timedelta(hours=hours),
        status=ArticleStatus.OK,
    )


def _topic(text: str) -> str:
    for word, key in (("river", "flood"), ("budget", "budget"), ("cup", "match")):
        if word in text:
            return key
    return "other"


def fake_cluster(inputs, params=None, features=None):
    """Tiny stand-in clusterer: a story per topic word, keyed like the real one (by first member)."""
    from newsweave.group.stories import Assignment

    first: dict[str, str] = {}
    out = []
    for d in sorted(inputs, key=lambda d: (d.published, d.id)):
        topic = _topic(d.text)
        key = first.setdefault(topic, "k-" + d.id)
        out.append(Assignment(d.id, key, 0.9, {"method": "assigned", "shared_terms": [topic]}))
    by_id = {a.article_id: a for a in out}
    return [by_id[d.id] for d in inputs]


@pytest.fixture()
def store():
    s = Store.open("sqlite://")
    yield s
    s.close()


def _corpus():
    return [
        _article(FLOOD, "wire.example", 0, "River bursts its banks"),
        _article("Local view from the valley. " + FLOOD, "daily.example", 2, "Valley flooded"),
        _article(FLOOD[: int(len(FLOOD) * 0.6)], "gazette.example", 3, "Floods hit towns"),
        _article(
            "Residents of the valley spent the night in shelters after the river rose. "
            "Several roads are closed and the council has asked people to avoid travel while "
            "crews clear debris from bridges in the valley.",
            "herald.example", 4, "Night in shelters as river rises",
        ),
        _article(BUDGET, "times.example", 1, "Budget raises spending"),
        _article(MATCH, "sport.example", 5, "Late goals win the cup"),
    ]


def update(store):
    return update_stories(store, cluster=fake_cluster, features=False)


def test_update_stores_stories_reprints_and_independent_sources(store):
    store.add_articles(_corpus())
    result = update(store)
    assert result.articles == 6
    assert result.stories == 3
    assert result.signatures_computed == 6
    assert result.reprint_groups == 1 and result.reprinted_articles == 2
    stories_ = {s.headline: s for s in list_stories(store)}
    flood = stories_["River bursts its banks"]
    assert flood.articles == 4
    assert flood.independent_sources == 2  # the wire story and its two reprints are one source
    assert set(flood.outlets) == {"wire.example", "daily.example", "gazette.example", "herald.example"}
    assert flood.first_published == T0 and flood.last_published == T0 + timedelta(hours=4)
    detail = story_detail(store, flood.id)
    groups = {a.source: a.reprint_group for a in detail.articles}
    wire_id = next(a.id for a in detail.articles if a.source == "wire.example")
    assert groups["daily.example"] == groups["gazette.example"] == wire_id
    assert groups["herald.example"] != wire_id
    assert [a.published for a in detail.articles] == sorted(a.published for a in detail.articles)
    assert all(a.method == "auto" and a.reason.get("shared_terms") for a in detail.articles)


def test_signatures_computed_once_and_ids_stable(store):
    store.add_articles(_corpus())
    update(store)
    first = {s.id: s.headline for s in list_stories(store)}
    again = update(store)
    assert again.signatures_computed == 0
    assert {s.id: s.headline for s in list_stories(store)} == first


def test_ids_stable_when_new_articles_arrive(store):
    store.add_articles(_corpus())
    update(store)
    before = {s.headline: s.id for s in list_stories(store)}
    store.add_articles([_article(BUDGET.replace("finance minister", "treasurer"), "post.example", 0.5,
                                 "Treasurer unveils budget")])
    update(store)
    after = {s.id: s for s in list_stories(store)}
    assert before["River bursts its banks"] in after
    assert after[before["Budget raises spending"]].articles == 2


def test_split_survives_reclustering_and_new_ingest(store):
    store.add_articles(_corpus())
    update(store)
    flood = next(s for s in list_stories(store) if s.articles == 4)
    herald = next(a.id for a in story_detail(store, flood.id).articles if a.source == "herald.example")
    stored = record_correction(store, "split", {"story": flood.id, "articles": [herald[:8]]})
    new_story = stored["new_story"]

    def check(expected=3):
        by_id = {s.id: s for s in list_stories(store)}
        assert by_id[flood.id].articles == expected
        assert by_id[new_story].articles == 1
        moved = story_detail(store, new_story).articles[0]
        assert moved.id == herald and moved.method == "manual"
        assert moved.reason["auto_story"] == flood.id

    check()
    update(store)
    check()
    store.add_articles([_article("Flood update: the river is falling. " + FLOOD[:200] + " more rain.",
                                 "radio.example", 6, "River falling")])
    update(store)
    check(expected=4)  # the new article joins the flood story; the split-off one stays apart
    assert [c["kind"] for c in list_corrections(store)] == ["split"]


def test_merge_and_move_survive_reclustering(store):
    store.add_articles(_corpus())
    update(store)
    by_head = {s.headline: s for s in list_stories(store)}
    budget, match = by_head["Budget raises spending"], by_head["Late goals win the cup"]
    record_correction(store, "merge", {"stories": [budget.id, match.id]})
    flood = by_head["River bursts its banks"]
    wire = next(a.id for a in story_detail(store, flood.id).articles if a.source == "wire.example")
    record_correction(store, "move", {"article": wire, "story": budget.id})
    for _ in range(2):
        by_id = {s.id: s for s in list_stories(store)}
        assert match.id not in by_id
        assert by_id[budget.id].articles == 3
        assert by_id[flood.id].articles == 3
        methods = {a.source: a.method for a in story_detail(store, budget.id).articles}
        assert methods == {"times.example": "auto", "sport.example": "manual", "wire.example": "manual"}
        update(store)


def test_correction_errors_are_one_line(store):
    store.add_articles(_corpus())
    update(store)
    flood = next(s for s in list_stories(store) if s.articles == 4)
    with pytest.raises(InputError):
        record_correction(store, "rename", {})
    with pytest.raises(NotFound):
        record_correction(store, "merge", {"stories": ["nope", flood.id]})
    with pytest.raises(InputError):
        record_correction(store, "merge", {"stories": [flood.id, flood.id]})
    ids = [a.id for a in story_detail(store, flood.id).articles]
    with pytest.raises(InputError):
        record_correction(store, "split", {"story": flood.id, "articles": ids})
    with pytest.raises(NotFound):
        story_detail(store, "zzz")


def test_non_story_material_is_left_out(store):
    arts = _corpus()
    arts[-1].status = ArticleStatus.PAYWALL
    store.add_articles(arts)
    result = update(store)
    assert result.articles == 5 and result.stories == 2


def test_real_clusterer_lexical(store):
    """The shipped clusterer (lexical only) through update_stories; same ids on a re-run."""
    store.add_articles(_corpus())
    update_stories(store, features=False)
    first = sorted((s.id, s.articles) for s in list_stories(store))
    update_stories(store, features=False)
    assert sorted((s.id, s.articles) for s in list_stories(store)) == first
    assert sum(n for _, n in first) == 6


def test_features_cached_once(store):
    calls = []

    def extract(inputs):
        calls.append(len(inputs))
        return [{"version": 1, "n": len(d.text)} for d in inputs]

    store.add_articles(_corpus())
    first = update_stories(store, cluster=fake_cluster, extract=extract)
    again = update_stories(store, cluster=fake_cluster, extract=extract)
    assert first.features_computed == 6 and again.features_computed == 0
    assert calls == [6]
    _, data = store.get_annotation(_corpus()[0].id, "story_features")
    assert data["n"] == len(FLOOD)


def test_cached_lead_vectors_come_back_as_float32_and_cluster_as_extracted(store):
    import numpy as np

    from newsweave.group.stories import FEATURE_VERSION, StoryInput, cluster_stories
    from newsweave.store.stories import stored_features, write_features

    rng = np.random.default_rng(3)
    articles = _corpus()
    extracted = [{"version": FEATURE_VERSION, "persons": [], "places": ["valley"], "embedding_model": "minilm",
                  "embedding": [round(float(x), 5) for x in rng.normal(size=8)]} for _ in articles]
    store.add_articles(articles)
    version = f"v{FEATURE_VERSION}"
    write_features(store, [a.id for a in articles], extracted, version)
    cached = stored_features(store, [a.id for a in articles], version)
    first = cached[articles[0].id]["embedding"]
    assert isinstance(first, np.ndarray) and first.dtype == np.float32
    assert first.tolist() == np.asarray(extracted[0]["embedding"], dtype=np.float32).tolist()
    inputs = [StoryInput(a.id, a.title, a.text, a.published, a.source) for a in articles]
    as_extracted = cluster_stories(inputs, None, extracted)
    as_cached = cluster_stories(inputs, None, [cached[a.id] for a in articles])
    assert [(a.story_key, a.score) for a in as_cached] == [(a.story_key, a.score) for a in as_extracted]


def test_empty_store(store):
    result = update(store)
    assert result.articles == 0 and result.stories == 0
    assert list_stories(store) == []
    with pytest.raises(NotFound):
        record_correction(store, "merge", {"stories": ["a", "b"]})


def test_stale_signatures_are_recomputed(store):
    from sqlalchemy import update as sql_update

    from newsweave.store.schema import signatures

    store.add_articles(_corpus())
    update(store)
    with store.transaction() as conn:
        conn.execute(sql_update(signatures).values(minhash=b"\x00" * 12))
    assert update(store).signatures_computed == 6
    assert update(store).signatures_computed == 0


def _story_counts(store):
    with store.connect() as conn:
        return {r.id: (r.articles, r.independent_sources, dict(r.outlets), bool(r.meta.get("manual")))
                for r in conn.execute(select(stories))}


def test_story_counts_are_columns_kept_by_every_write(store):
    store.add_articles(_corpus())
    update(store)
    counts = _story_counts(store)
    flood = next(sid for sid, c in counts.items() if c[0] == 4)
    assert counts[flood][1] == 2  # the wire story and its two reprints are one independent source
    assert list(counts[flood][2]) == sorted(counts[flood][2])  # one article each: by name
    assert sorted(c[0] for c in counts.values()) == [1, 1, 4]
    budget = next(sid for sid, c in counts.items() if c[2] == {"times.example": 1})
    moved = next(iter(story_detail(store, flood).articles)).id
    record_correction(store, "move", {"article": moved, "story": budget})
    after = _story_counts(store)
    assert after[budget][0] == 2 and after[budget][3] and after[flood][0] == 3


def test_story_counts_migration_fills_existing_stories_and_downgrades(db_url):
    """Revision 0006 fills the columns from the assignments; going back puts the counts into meta."""
    from alembic import command

    from newsweave.store import migrate

    s = Store.open(db_url)
    s.add_articles(_corpus())
    update(s)
    expected = _story_counts(s)
    with s.engine.begin() as conn:
        command.downgrade(migrate.alembic_config(connection=conn), "0005")
        metas = dict(conn.execute(select(stories.c.id, stories.c.meta)).all())
        assert conn.execute(text("SELECT count(*) FROM story_assignments")).scalar() == 6
        conn.execute(text("UPDATE stories SET meta = '{}'"))  # the upgrade counts members, it does not read meta
    assert {sid: (m["articles"], m["independent_sources"]) for sid, m in metas.items()} == {
        sid: c[:2] for sid, c in expected.items()}
    with s.engine.begin() as conn:
        command.upgrade(migrate.alembic_config(connection=conn), "head")
    assert {sid: c[:3] for sid, c in _story_counts(s).items()} == {sid: c[:3] for sid, c in expected.items()}
    s.close()
