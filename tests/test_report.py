"""Report rendering: JSON contract, Markdown, self-contained HTML with every article text escaped,
checked in headless Chromium (no script from article text runs; screenshots in test-artifacts/)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_compare import A, B, C, make

from newsweave.compare import compare_articles
from newsweave.present.report import render, render_html, render_json, render_markdown

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)

EVIL = make("e5", "evil.example <b>outlet</b>", (
    "Mayor Lena Okonkwo ordered the evacuation of 300 residents from the river district on Monday.\n\n"
    "<script>document.title='pwned'</script> An attacker wrote <img src=x onerror=\"document.title='pwned'\"> here.\n\n"
    "“We will not let anyone return home until the water has receded. <script>alert(1)</script>,” Okonkwo said."
), "2025-04-01T09:00:00", title="<script>document.title='pwned'</script>")


@pytest.fixture(scope="module")
def story():
    return compare_articles([A, B, C, EVIL], story_id="flood", method="lexical")


def test_json_contract_and_wrapper(story):
    data = json.loads(render_json(story))
    assert list(data) == ["stories"] and data["stories"][0]["id"] == "flood"
    assert "text" not in data["stories"][0]["articles"][0]
    assert json.loads(render({"stories": [story]}, "json")) == data


def test_markdown_lists_quotes_flags_and_unique(story):
    md = render_markdown(story)
    assert md.startswith("# Story flood")
    assert "## Quotes" in md and "## Flags" in md and "number_conflict" in md
    assert "~~" in md  # a diff deletion


def test_html_escapes_article_text(story):
    html = render_html(story)
    body = html.split("<body>", 1)[1]
    assert "<script" not in body.lower().replace("&lt;script", "")
    assert "<img" not in body
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" in body
    assert "evil.example &lt;b&gt;outlet&lt;/b&gt;" in body


def test_html_is_self_contained_and_anchored(story):
    html = render_html(story)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<link" not in html and "@import" not in html and "url(" not in html
    anchors = set(re.findall(r'id="([^"]+)"', html))
    for f in story["flags"]:
        assert f'href="#{f["id"]}"' in html and f["id"] in anchors
    for g in story["quotes"]:
        for v in g["variants"]:
            assert f'{g["id"]}-{v["article"]}' in anchors
    assert "<ins>" in html and "<del>" in html


def test_render_rejects_unknown_format(story):
    with pytest.raises(ValueError):
        render(story, "pdf")


def _chromium(html_path: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", "--window-size=1400,1800", *extra, html_path.as_uri()]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=90)


def _reports(story):
    yield "report", story
    from test_compare_corpus import _read

    seeds = ROOT.parent / "shared" / "data" / "seeds"
    if seeds.is_dir():
        yield "report-seeds", compare_articles(_read(seeds), method="lexical")
    corpus = ROOT / "examples" / "corpus"
    if corpus.is_dir():
        fire = [a for a in _read(corpus) if "Kestrel" in a.text or "Brandvold" in a.text]
        yield "report-corpus", compare_articles(fire, story_id="corpus-fire", method="lexical")


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_report_in_headless_chromium(story, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    for name, data in _reports(story):
        html_path = tmp_path / f"{name}.html"
        html_path.write_text(render_html(data), encoding="utf-8")
        dom = _chromium(html_path, tmp_path, "--dump-dom")
        assert dom.returncode == 0, dom.stderr[-2000:]
        title = re.search(r"<title>(.*?)</title>", dom.stdout, re.S).group(1)
        assert "pwned" not in title and title.startswith("newsweave comparison")
        assert "<img" not in dom.stdout
        if name == "report":
            assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in dom.stdout
            assert "&lt;img src=x onerror=" in dom.stdout
        shot = _chromium(html_path, tmp_path, f"--screenshot={ARTIFACTS / (name + '.png')}")
        assert shot.returncode == 0, shot.stderr[-2000:]
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 10_000


def test_markdown_keeps_article_html_inert(story):
    md = render_markdown(story)
    assert "<script" not in md and "<b>" not in md and "<img" not in md
    assert "evil.example &lt;b&gt;outlet&lt;/b&gt;" in md


def test_write_report_to_a_directory_is_a_one_line_error(tmp_path):
    from newsweave.errors import InputError
    from newsweave.present.report import write_report

    with pytest.raises(InputError, match="is a directory"):
        write_report(tmp_path, "{}")
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="cannot write"):
        write_report(blocker / "report.json", "{}")


TRACKER = make("t6", "tracker.example", (
    "Mayor Lena Okonkwo ordered the evacuation of 300 residents from the river district on Monday.\n\n"
    "Residents posted a photo ![x](http://t.example/p.png) of the flooded river district bakery.\n\n"
    "Volunteers shared a donation page [y](http://z.example) with every family in the shelter."
), "2025-04-01T10:00:00", title="Flood `code` ![x](http://t.example/p.png)")


def test_markdown_keeps_article_links_and_images_inert():
    md = render_markdown(compare_articles([A, TRACKER], story_id="links", method="lexical"))
    assert "![x](" not in md and "[y](" not in md and "`code`" not in md
    # no unescaped "[text](" anywhere: a viewer renders neither an image (a tracker fetch) nor a link
    assert not re.search(r"(?<!\\)\[[^\]]*(?<!\\)\]\(", md)
    assert r"\!\[x\](http://t.example/p.png)" in md  # in the title (timeline) and the unique statement
    assert md.count(r"\!\[x\](http://t.example/p.png)") >= 2
    assert r"\[y\](http://z.example)" in md
    assert r"Flood \`code\`" in md


def test_write_report_is_atomic_and_follows_the_umask(tmp_path, monkeypatch):
    import os

    from newsweave.present import export
    from newsweave.present.report import write_report

    target = tmp_path / "sub" / "report.md"
    write_report(target, "old")
    umask = os.umask(0)
    os.umask(umask)
    assert target.read_text(encoding="utf-8") == "old"
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # as a plain open() would make it

    def fail(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export.os, "replace", fail)
    from newsweave.errors import InputError

    with pytest.raises(InputError, match=r"cannot write .*No space left on device"
):
        write_report(target, "new")
    assert target.read_text(encoding="utf-8") == "old"  # a failed write leaves the old report
    assert [p.name for p in target.parent.iterdir()] == ["report.md"]  # and no temporary file
