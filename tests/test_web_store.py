"""What the web app asks of the store, on SQLite and PostgreSQL: search, story pages, groups, verdicts, undo."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from newsweave.errors import InputError, NotFound
from newsweave.group.stage import update_stories
from newsweave.store.browse import StoryFilter, list_story_page, load_outlet_groups, outlet_group_map
from newsweave.store.decisions import (
    apply_decisions,
    decisions_for,
    record_flag_decision,
    record_speaker_fix,
    speaker_fixes_for,
)
from newsweave.store.search import count_fts, search_articles, search_quotes
from newsweave.store.stories import list_corrections, record_correction, story_detail, undo_correction
from tests import web_fixtures
from tests.web_fixtures import by_topic


@pytest.fixture
def store(db_url):
    s = web_fixtures.build(db_url)
    yield s
    s.close()


def _fire(store):
    page = list_story_page(store, StoryFilter(min_articles=2))
    (fire,) = page.rows
    return fire


def test_search_finds_every_word_best_first_and_links_the_story(store):
    hits = search_articles(store, "evacuated residents warehouse")  # the two copies of the wire text
    assert len(hits) == 2 and all(h.story_id == _fire(store).id for h in hits)
    assert len(search_articles(store, "Port Ellery")) == 3
    hit = hits[0]
    s, e = hit.matches[0]
    assert hit.snippet[s:e].lower() in {"evacuated", "residents", "warehouse"}
    assert search_articles(store, "tram Oldmere")[0].source == "Oldmere Courier"
    assert search_articles(store, "warehouse tram") == []  # every word must occur
    recent = [h.article_id for h in search_articles(store, "Port Ellery")]
    assert sorted(recent) == sorted(h.article_id for h in search_articles(store, "Port Ellery", order="relevance"))
    assert recent == [a.id for a in web_fixtures.corpus() if "Port Ellery" in a.text][::-1]  # latest stored first
    with pytest.raises(InputError, match="unknown order"):
        search_articles(store, "fire", order="random")


@pytest.mark.parametrize("query", ['"NEAR(', "a AND OR NOT", "fire*", "title:fire", "fire)", "'; DROP TABLE articles;--"])
def test_search_syntax_of_either_engine_is_just_text(store, query):
    search_articles(store, query)  # no engine error, whatever the punctuation
    assert store.count_articles() == 4


def test_search_rejects_empty_and_oversized_queries(store):
    with pytest.raises(InputError, match="at least one word"):
        search_articles(store, " !? ")
    with pytest.raises(InputError, match="at most 200"):
        search_articles(store, "x" * 201)


def test_articles_stored_after_the_migration_are_indexed(store):
    from tests.conftest import make_article

    store.add_articles([make_article(99, text="A zeppelin landed in Caskton.", title="Zeppelin")])
    assert count_fts(store) == 5
    assert [h.title for h in search_articles(store, "zeppelin")] == ["Zeppelin"]


def test_quote_search_by_words_and_by_speaker(store):
    by_words = search_quotes(store, words="return home")
    assert len(by_words) == 3 and all("return home" in q["text"] for q in by_words)
    speakers = {q["speaker"] for q in search_quotes(store, speaker="ashgrove")}
    assert speakers and all("Ashgrove" in (s or "") for s in speakers)
    with pytest.raises(InputError):
        search_quotes(store)


def test_story_page_filters_and_sorts(store):
    everything = list_story_page(store)
    assert everything.total == 2 and everything.rows[0].last_published >= everything.rows[1].last_published
    fire = _fire(store)
    assert fire.articles == 3 and fire.independent_sources == 2 and sum(fire.outlets.values()) == 3
    assert [r.id for r in list_story_page(store, StoryFilter(language="de")).rows] != [fire.id]
    assert list_story_page(store, StoryFilter(outlet="Bay Daily")).rows[0].id == fire.id
    assert list_story_page(store, StoryFilter(outlet="Bay")).total == 0  # a whole outlet name, not a part
    harbor = next(o for o in fire.outlets if o.startswith("Harbor"))  # quotes and markup in the name
    assert [r.id for r in list_story_page(store, StoryFilter(outlet=harbor)).rows] == [fire.id]
    assert list_story_page(store, StoryFilter(min_independent=2)).total == 1
    assert list_story_page(store, StoryFilter(max_articles=1)).total == 1
    def hour(h):
        return datetime(2025, 3, 10, h, tzinfo=timezone.utc)

    assert list_story_page(store, StoryFilter(since=hour(14))).total == 0  # both stories ended by 13:00
    assert list_story_page(store, StoryFilter(since=hour(12))).rows[0].id == fire.id  # a story overlapping the range
    assert list_story_page(store, StoryFilter(until=hour(8) + (hour(9) - hour(8)) / 2)).rows[0].id == fire.id
    assert [r.articles for r in list_story_page(store, sort="largest").rows] == [3, 1]
    with pytest.raises(InputError, match="unknown sort"):
        list_story_page(store, sort="random")


def test_outlet_groups_shares_and_one_group_filter(store):
    outlets = sorted({a.source for a in store.iter_articles()})
    wire = [o for o in outlets if o.startswith("Harbor") or o.startswith("Coast")]
    csv_text = "outlet,group\n" + "".join(f'"{o.replace(chr(34), 2 * chr(34))}",wire\n' for o in wire)
    csv_text += "Bay Daily,local\nOldmere Courier,local\n"
    assert load_outlet_groups(store, csv_text.encode()) == 4
    fire = _fire(store)
    assert fire.groups == {"wire": 2, "local": 1}
    one = list_story_page(store, StoryFilter(one_group=True))
    assert [r.headline for r in one.rows] == [r.headline for r in list_story_page(store, StoryFilter(max_articles=1)).rows]
    assert list_story_page(store, StoryFilter(group="wire")).rows[0].id == fire.id


@pytest.mark.parametrize("bad, message", [
    ("just-one-column\n", "line 1 needs two columns"),
    ("outlet,group\n", "holds no rows"),
    (b"\xff\xfe\x00bad", "not UTF-8"),
])
def test_bad_group_csv_names_the_line_and_changes_nothing(store, bad, message):
    load_outlet_groups(store, "Bay Daily,local\n")
    with pytest.raises(InputError, match=message):
        load_outlet_groups(store, bad)
    assert outlet_group_map(store) == {"Bay Daily": "local"}


def _flag(store):
    article = next(a for a in store.iter_articles() if a.source == "Bay Daily")
    start = article.text.index("241")
    return {"kind": "number_conflict", "article": article.id, "start": start, "end": start + 3}


def test_flag_verdict_survives_reclustering_and_undo_takes_it_back(store):
    flag = _flag(store)
    recorded = record_flag_decision(store, flag, "dismiss", who="Ines", story=_fire(store).id)
    update_stories(store, cluster=by_topic, features=False)  # a re-run
    compared = apply_decisions(store, {"articles": [{"id": flag["article"]}], "flags": [dict(flag, id="f9")]})
    assert compared["flags"][0]["decision"]["value"] == "dismiss"
    assert compared["flags"][0]["decision"]["who"] == "Ines"
    record_flag_decision(store, flag, "confirm", who="Ola")  # the latest verdict is in force
    assert next(iter(decisions_for(store).values())).value == "confirm"
    latest = max(c["id"] for c in list_corrections(store))
    undo_correction(store, latest, who="Ola")
    assert next(iter(decisions_for(store).values())).value == "dismiss"
    undo_correction(store, recorded["id"])
    assert decisions_for(store) == {}
    with pytest.raises(InputError, match="already undone"):
        undo_correction(store, recorded["id"])
    kinds = [(c["kind"], c["who"], c["undone_at"] is not None) for c in list_corrections(store)]
    assert kinds == [("flag", "Ines", True), ("flag", "Ola", True)]


def test_a_flag_on_another_span_is_not_touched(store):
    flag = _flag(store)
    record_flag_decision(store, flag, "dismiss")
    neighbour = dict(flag, start=flag["start"] + 1)
    compared = apply_decisions(store, {"articles": [{"id": flag["article"]}], "flags": [dict(neighbour)]})
    assert compared["flags"][0]["decision"] is None


def test_bad_verdicts_and_fixes_name_the_problem(store):
    flag = _flag(store)
    with pytest.raises(InputError, match="unknown decision"):
        record_flag_decision(store, flag, "ignore")
    with pytest.raises(NotFound, match="no article"):
        record_flag_decision(store, dict(flag, article="nope"), "dismiss")
    with pytest.raises(InputError, match="outside article"):
        record_speaker_fix(store, flag["article"], 0, 10**6, "Someone")
    with pytest.raises(InputError, match="name"):
        record_speaker_fix(store, flag["article"], 0, 5, "   ")
    with pytest.raises(NotFound, match="no correction"):
        undo_correction(store, 12345)


def test_speaker_fix_applies_to_quote_search_and_is_undoable(store):
    (quote,) = search_quotes(store, words="line budget")
    fix = record_speaker_fix(store, quote["article"], quote["start"], quote["end"], "Wren Calder", who="Ines")
    (fixed,) = search_quotes(store, speaker="wren calder")
    assert fixed["speaker_fix"]["who"] == "Ines" and fixed["text"] == quote["text"]
    undo_correction(store, fix["id"])
    assert search_quotes(store, speaker="wren calder") == [] and speaker_fixes_for(store) == {}


def test_undoing_a_split_restores_the_story(store):
    fire = _fire(store)
    members = [a.id for a in story_detail(store, fire.id).articles]
    stored = record_correction(store, "split", {"story": fire.id, "articles": members[:1]}, who="Ines")
    assert len(story_detail(store, fire.id).articles) == 2
    (split,) = [c for c in list_corrections(store) if c["kind"] == "split"]
    assert split["who"] == "Ines"
    undo_correction(store, split["id"])
    assert len(story_detail(store, fire.id).articles) == 3
    with pytest.raises(NotFound):
        story_detail(store, stored["new_story"])
    update_stories(store, cluster=by_topic, features=False)  # an undone split stays undone
    assert len(story_detail(store, fire.id).articles) == 3


def test_the_app_over_this_backend(store):
    from fastapi.testclient import TestClient

    from newsweave.web import create_app

    with TestClient(create_app(store=store)) as client:
        stories = client.get("/api/stories?sort=largest").json()["stories"]
        assert [s["articles"] for s in stories] == [3, 1]
        assert client.get("/stories?outlet=Bay+Daily").status_code == 200
        hits = client.get("/api/search?q=Port+Ellery").json()["hits"]
        assert len(hits) == 3 and all(h["story_id"] == stories[0]["id"] for h in hits)
        page = client.get(f"/stories/{stories[1]['id']}/compare")  # a one-article story compares too
        assert page.status_code == 200 and "Side by side" in page.text


def test_filtered_counts_stop_early_and_say_so(store, monkeypatch):
    import newsweave.store.browse as browse

    monkeypatch.setattr(browse, "COUNT_CAP", 0)
    early = StoryFilter(since=datetime(2000, 1, 1, tzinfo=timezone.utc))  # both stories match
    page = list_story_page(store, early, limit=1)
    assert (page.total, page.total_exact) == (1, False) and len(page.rows) == 1
    page = list_story_page(store, early, limit=2)
    assert (page.total, page.total_exact) == (2, True)
    assert list_story_page(store, limit=1).total_exact  # unfiltered: always exact


def test_people_search_by_name_not_by_description(store):
    from newsweave.store.search import search_people

    hits = search_people(store, "quellwood")
    assert hits and all("Quellwood" in h["name"] or any("Quellwood" in v for v in h["variants"]) for h in hits)
    assert {h["story"] for h in hits} == {_fire(store).id}
    assert search_people(store, "director") == []  # a word of a description is not a name
