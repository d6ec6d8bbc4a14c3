"""The web app through its ASGI test client: every route as HTML and JSON, errors, safety, the flag workflow."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from newsweave.errors import InputError
from newsweave.web import create_app
from newsweave.web.security import check_bind
from tests import web_fixtures
from tests.web_fixtures import XSS

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = web_fixtures.build(str(tmp_path_factory.mktemp("web") / "web.db"))
    yield s
    s.close()


@pytest.fixture(scope="module")
def client(store):
    with TestClient(create_app(store=store), follow_redirects=False) as c:
        yield c


@pytest.fixture(scope="module")
def ids(client):
    stories = client.get("/api/stories?sort=largest").json()["stories"]
    fire, tram = stories
    story = client.get(f"/api/stories/{fire['id']}").json()
    return {"fire": fire["id"], "tram": tram["id"], "article": story["members"][0]["id"],
            "articles": [m["id"] for m in story["members"]]}


@pytest.fixture(scope="module")
def csrf(client):
    return client.get("/api/csrf").json()["csrf_token"]


def _pages(ids):
    fire, art = ids["fire"], ids["article"]
    return [
        "/stories", "/stories?sort=largest&min_articles=2&has_flags=&one_group=", "/stories?partial=rows",
        f"/stories/{fire}", f"/stories/{fire}/compare", f"/articles/{art}", "/search",
        "/search?q=warehouse", "/search?q=return+home&kind=quotes", "/search?q=ashgrove&kind=speakers",
        "/search?q=quellwood&kind=people", "/search?q=warehouse&order=relevance", "/corrections", "/groups",
    ]


def _inert(html: str) -> None:
    """No payload of the XSS corpus survives as markup; every script tag is the app's own file."""
    for payload in XSS:
        if "<" in payload:
            assert payload not in html
    assert not re.search(r"<(img|iframe)\b|<svg(?! class=\"bar )", html, re.I)  # the app's bars only
    assert re.findall(r"<script\b[^>]*>", html) in ([], ['<script src="/static/app.js" defer>'])
    assert not re.search(r'<[a-z]+[^>]*\sstyle=', html)  # the CSP allows no inline style either
    assert 'href="javascript:' not in html.lower()


def test_every_page_renders_with_security_headers_and_inert_article_strings(client, ids):
    client.get(f"/stories/{ids['fire']}/compare")  # compare (and cache) so flags show everywhere
    for url in _pages(ids):
        r = client.get(url)
        assert r.status_code == 200, (url, r.text[:300])
        assert r.headers["content-type"].startswith("text/html")
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        _inert(r.text)
    story = client.get(f"/stories/{ids['fire']}").text
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in story  # shown, as text
    assert "{{ 7*7 }}" in client.get("/search?q=evacuation").text  # template syntax in a title stays text


def test_root_redirects_and_static_files_come_from_the_package(client):
    assert client.get("/").headers["location"] == "/stories"
    for name, kind in (("app.js", "text/javascript"), ("app.css", "text/css")):
        r = client.get(f"/static/{name}")
        assert r.status_code == 200 and r.headers["content-type"].startswith(kind)
    for bad in ("/static/../app.py", "/static/..%2F__init__.py", "/static/app.py", "/static/%2e%2e%2fcache.py"):
        assert client.get(bad).status_code == 404


def test_every_api_route_returns_json(client, ids):
    fire, art = ids["fire"], ids["article"]
    for url in ["/api/csrf", "/api/stories", "/api/stories?outlet=Bay+Daily", f"/api/stories/{fire}",
                f"/api/stories/{fire}/compare", f"/api/articles/{art}", "/api/search?q=warehouse",
                "/api/search?q=return+home&kind=quotes", "/api/search?q=quellwood&kind=speakers",
                "/api/search?q=quellwood&kind=people",
                "/api/corrections", "/api/groups", "/openapi.json"]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.text[:300])
        assert r.headers["content-type"] == "application/json"
        assert isinstance(r.json(), dict)
    compared = client.get(f"/api/stories/{fire}/compare").json()
    assert sorted(a["id"] for a in compared["articles"]) == sorted(ids["articles"])
    assert all({"key", "decision"} <= set(f) for f in compared["flags"])
    article = client.get(f"/api/articles/{art}").json()
    assert article["text"] and article["quotes"] and article["story"] == fire


def test_story_export_has_every_article_with_its_text(client, ids):
    as_json = client.get(f"/api/stories/{ids['fire']}/export?format=json")
    assert as_json.headers["content-disposition"].startswith("attachment")
    rows = as_json.json()["articles"]
    assert sorted(r["id"] for r in rows) == sorted(ids["articles"]) and all(r["text"] for r in rows)
    as_csv = client.get(f"/api/stories/{ids['fire']}/export?format=csv")
    import csv
    import io

    records = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [r["text"] for r in records] == [r["text"] for r in rows]


@pytest.mark.parametrize("url, message", [
    ("/stories/s000000000000", "no story with id 's000000000000'"),
    ("/api/stories/s000000000000", "no story with id 's000000000000'"),
    ("/articles/ffffffffffff", "no article with id 'ffffffffffff'"),
    ("/api/articles/ffffffffffff", "no article with id 'ffffffffffff'"),
    ("/stories/..%2F..%2Fetc%2Fpasswd", "no page at"),
    ("/stories/s%20x", "no story with id 's x'"),
    ("/articles/%3Cscript%3E", "no article with id"),
    ("/articles/ffff/raw", "no article with id"),
    ("/stories/s000000000000/compare", "no story with id"),
    ("/api/stories/s000000000000/export", "no story with id"),
    ("/no/such/page", "no page at '/no/such/page'"),
])
def test_bad_ids_are_404_with_a_clear_message(client, url, message):
    r = client.get(url)
    assert r.status_code == 404
    body = r.json()["error"] if url.startswith("/api") else r.text
    assert message in body.replace("&#39;", "'")


@pytest.mark.parametrize("url, status", [
    ("/api/search?q=", 422), ("/api/search?q=" + "x" * 500, 422), ("/search?q=" + "x" * 500, 422),
    ("/api/search?q=%21%21", 400), ("/stories?since=yesterday", 400), ("/stories?min_articles=-3", 400),
    ("/stories?sort=random", 422), ("/api/stories?limit=100000", 422), ("/api/stories?offset=-1", 422),
    ("/stories?has_flags=maybe", 422), ("/api/stories/s1/export?format=xml", 422),
])
def test_malformed_requests_are_4xx_not_500(client, url, status):
    r = client.get(url)
    assert r.status_code == status, r.text[:300]


def test_posts_need_the_csrf_token_and_this_origin(client, ids, csrf):
    flag = {"kind": "number_conflict", "article": ids["article"], "start": 0, "end": 3, "decision": "dismiss"}
    assert client.post("/api/flags", json=flag).status_code == 403
    assert client.post("/api/flags", json=flag, headers={"X-CSRF-Token": "forged"}).status_code == 403
    r = client.post("/api/flags", json=flag, headers={"X-CSRF-Token": csrf, "Origin": "https://evil.example"})
    assert r.status_code == 403 and "another site" in r.json()["error"]
    form = {"kind": "split", "articles": ids["articles"][:1]}
    assert client.post(f"/stories/{ids['fire']}/correct", data=form).status_code == 403
    assert client.get(f"/api/stories/{ids['fire']}").json()["articles"] == 3


def test_oversized_and_malformed_bodies_are_refused(client, csrf):
    headers = {"X-CSRF-Token": csrf}
    r = client.post("/api/flags", content=b"{" + b" " * 200_000 + b"}", headers={**headers, "content-type": "application/json"})
    assert r.status_code == 413
    r = client.post("/api/flags", content=(b"x" * 10_000 for _ in range(20)),
                    headers={**headers, "content-type": "application/json"})  # chunked, no length given
    assert r.status_code == 413
    not_json = client.post("/api/flags", content=b"{not json", headers={**headers, "content-type": "application/json"})
    assert not_json.status_code == 422
    assert client.post("/api/flags", json={"kind": "x"}, headers=headers).status_code == 422
    bad = {"kind": "x", "article": "../../etc", "start": 0, "end": 1, "decision": "dismiss"}
    assert client.post("/api/flags", json=bad, headers=headers).status_code == 422
    assert client.post("/api/corrections/abc/undo", headers=headers).status_code in (404, 422)
    assert client.post("/api/corrections/999999/undo", headers=headers).status_code == 404
    r = client.post("/api/groups", content=b"one-column-only\n", headers=headers)
    assert r.status_code == 400 and "line 1" in r.json()["error"]


def test_dismissing_a_flag_in_the_page_survives_a_reload_and_can_be_undone(client, ids, csrf):
    fire = ids["fire"]
    flags = client.get(f"/api/stories/{fire}/compare").json()["flags"]
    assert flags, "the fictional story has a number conflict and a misspelt name"
    flag = next(f for f in flags if not f["decision"])
    form = {"csrf_token": csrf, "kind": flag["kind"], "article": flag["article"], "start": flag["start"],
            "end": flag["end"], "decision": "dismiss", "who": "Ines <b>", "anchor": "flag-1"}
    r = client.post(f"/stories/{fire}/flags", data=form)
    assert r.status_code == 303 and r.headers["location"] == f"/stories/{fire}#flag-1"
    page = client.get(f"/stories/{fire}").text
    assert "dismissed" in page and "Ines &lt;b&gt;" in page
    decided = [f for f in client.get(f"/api/stories/{fire}/compare").json()["flags"] if f["key"] == flag["key"]]
    assert decided[0]["decision"]["value"] == "dismiss"
    correction = decided[0]["decision"]["correction"]
    listed = client.get("/corrections").text
    assert f'id="c{correction}"' in listed and "Ines &lt;b&gt;" in listed
    r = client.post(f"/corrections/{correction}/undo", data={"csrf_token": csrf, "back": "https://evil.example/"})
    assert r.status_code == 303 and r.headers["location"] == "/stories"  # never redirects off the app
    again = [f for f in client.get(f"/api/stories/{fire}/compare").json()["flags"] if f["key"] == flag["key"]]
    assert again[0]["decision"] is None


def test_speaker_fix_with_markup_is_shown_escaped(client, ids, csrf):
    article = client.get(f"/api/articles/{ids['article']}").json()
    quote = article["quotes"][0]
    r = client.post("/api/speaker-fixes", headers={"X-CSRF-Token": csrf},
                    json={"article": article["id"], "start": quote["start"], "end": quote["end"],
                          "speaker": XSS[0], "who": "Ola"})
    assert r.status_code == 201
    page = client.get(f"/articles/{article['id']}").text
    _inert(page)
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in page and "fixed by Ola" in page
    client.post(f"/api/corrections/{r.json()['id']}/undo", headers={"X-CSRF-Token": csrf}, json={})
    assert client.get(f"/api/articles/{article['id']}").json()["quotes"][0]["speaker_fix"] is None


def test_raw_input_is_plain_text_and_sandboxed(client, ids):
    r = client.get(f"/articles/{ids['article']}/raw")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    assert r.headers["content-security-policy"].startswith("sandbox")


def test_story_corrections_from_the_page(client, ids, csrf):
    fire, tram = ids["fire"], ids["tram"]
    r = client.post(f"/stories/{fire}/correct", data={"csrf_token": csrf, "kind": "merge", "other": tram, "who": "Ines"})
    assert r.status_code == 303
    assert client.get(f"/api/stories/{fire}").json()["articles"] == 4
    merge = client.get("/api/corrections").json()["corrections"][0]
    assert merge["kind"] == "merge" and merge["who"] == "Ines"
    client.post(f"/corrections/{merge['id']}/undo", data={"csrf_token": csrf})
    assert client.get(f"/api/stories/{fire}").json()["articles"] == 3
    r = client.post(f"/stories/{fire}/correct", data={"csrf_token": csrf, "kind": "move", "other": tram})
    assert r.status_code == 400 and "exactly one article" in r.text


def test_outlet_groups_upload_shows_shares_and_filters(client, csrf):
    csv_text = "outlet,group\nBay Daily,local\nOldmere Courier,local\n"
    r = client.post("/groups", data={"csrf_token": csrf, "mode": "replace"},
                    files={"file": ("groups.csv", csv_text.encode(), "text/csv")})
    assert r.status_code == 303
    assert client.get("/api/groups").json()["groups"] == {"Bay Daily": "local", "Oldmere Courier": "local"}
    page = client.get("/stories").text
    assert "covered by one group only" in page and "local" in page
    one = client.get("/api/stories?one_group=1").json()["stories"]
    assert [s["headline"] for s in one] == ["Tram extension on schedule " + XSS[2]]
    client.post("/groups", data={"csrf_token": csrf, "mode": "clear"})
    assert client.get("/api/groups").json()["groups"] == {}


def test_compare_is_cached_until_the_story_changes(store, ids, monkeypatch):
    import newsweave.workflow as workflow
    from newsweave.store.stories import list_corrections, record_correction, undo_correction
    from newsweave.web.cache import cached_compare

    calls = []
    real = workflow.compare_story_sets
    monkeypatch.setattr(workflow, "compare_story_sets", lambda sets, **kw: calls.append(1) or real(sets, **kw))
    first, fingerprint = cached_compare(store, ids["fire"])
    again, same = cached_compare(store, ids["fire"])
    assert calls in ([], [1]) and same == fingerprint and again == first  # computed at most once
    before = len(calls)
    record_correction(store, "split", {"story": ids["fire"], "articles": ids["articles"][-1:]})
    assert cached_compare(store, ids["fire"], compute=False)[0] is None  # the story changed: stale
    data, changed = cached_compare(store, ids["fire"])
    assert changed != fingerprint and len(calls) == before + 1 and len(data["articles"]) == 2
    undo_correction(store, max(c["id"] for c in list_corrections(store) if c["kind"] == "split"))
    restored, back = cached_compare(store, ids["fire"])
    assert back == fingerprint and len(calls) == before + 2 and restored["articles"] == first["articles"]


def test_token_mode_needs_the_token(store):
    token = "t0ken-for-the-test-0123456789"
    with TestClient(create_app(store=store, token=token), follow_redirects=False) as c:
        assert c.get("/stories").status_code == 401
        assert c.get("/api/stories", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/api/stories", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        r = c.get(f"/stories?token={token}&sort=largest")
        assert r.status_code == 303 and r.headers["location"] == "/stories?sort=largest"
        assert "HttpOnly" in r.headers["set-cookie"]
        assert c.get("/stories").status_code == 200  # the cookie now


def test_binding_beyond_localhost_needs_a_token():
    check_bind("127.0.0.1", None)
    with pytest.raises(InputError, match="--token"):
        check_bind("0.0.0.0", None)
    with pytest.raises(InputError, match="16 characters"):
        check_bind("0.0.0.0", "short")
    check_bind("0.0.0.0", "x" * 20)


def test_serve_command_refuses_an_open_host_without_a_token(monkeypatch):
    from typer.testing import CliRunner

    from newsweave.cli import app

    monkeypatch.delenv("NEWSWEAVE_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code != 0 and "--token" in str(result.exception or result.output)


def test_pages_come_from_the_cache_until_any_process_writes_to_the_store(tmp_path, monkeypatch):
    from newsweave.store import Store
    from newsweave.store.browse import load_outlet_groups
    from newsweave.web import pages

    store = web_fixtures.build(str(tmp_path / "cache.db"))
    calls: list[int] = []
    real = pages.story_list
    monkeypatch.setattr(pages, "story_list", lambda *a, **k: calls.append(1) or real(*a, **k))
    with TestClient(create_app(store=store)) as c:
        first = c.get("/stories")
        assert c.get("/stories").text == first.text and len(calls) == 1  # the second view renders nothing
        c.get("/stories?sort=largest")
        assert len(calls) == 2  # another query is another page
        assert "<th>groups</th>" not in first.text
        with Store.open(str(tmp_path / "cache.db")) as other:  # an ingest or a CLI correction elsewhere
            load_outlet_groups(other, "Bay Daily,local\n")
        assert "<th>groups</th>" in c.get("/stories").text and len(calls) == 3
        story = c.get("/api/stories?sort=largest").json()["stories"][0]["id"]
        c.cookies.set("nw_who", "Ines")
        assert 'value="Ines"' in c.get(f"/stories/{story}").text
        c.cookies.set("nw_who", "Mara")  # the one per-user value of a page is part of what it is kept under
        assert 'value="Mara"' in c.get(f"/stories/{story}").text
    store.close()


def test_coverage_bars_and_share_lines():
    from newsweave.web.view import coverage, shares

    bar = coverage({"Harbor Wire": 2, "": 1}, 3)
    assert bar["segments"] == [("s0", 0, 66.67, "Harbor Wire: 2"), ("s1", 66.67, 33.33, "ungrouped: 1")]
    assert bar["label"] == "Harbor Wire 2, ungrouped 1"
    assert coverage({}, 0) == {"label": "", "segments": []}
    assert shares({"a": 3, "b": 1, "c": 2}, 6, most=2) == "a ×3, b and 1 more"
    assert shares({"left": 2, "": 1}, 3, percent=True) == "left 67%, ungrouped 33%"


def test_filter_choices_are_read_again_only_after_the_store_changed(store, monkeypatch):
    from newsweave.store import browse

    context = create_app(store=store).state.web
    reads: list[int] = []
    real = browse.outlets_and_languages
    monkeypatch.setattr(browse, "outlets_and_languages", lambda s: reads.append(1) or real(s))
    version, (outlets, _languages, _labels) = context.filter_choices(7)
    assert version == 7 and "Bay Daily" in outlets
    assert context.filter_choices(7)[0] == 7 and len(reads) == 1  # nothing changed: nothing read
    assert context.filter_choices(8)[0] == 7 and len(reads) == 1  # changed, but read under 10 s ago
    monkeypatch.setattr(context, "_choices", (context._choices[0] - 11, 7, context._choices[2]))
    assert context.filter_choices(8)[0] == 8 and len(reads) == 2  # the list page's key moves with it
