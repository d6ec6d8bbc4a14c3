"""Issue 14, one test per way a hostile input cost good data, hung a run or stored wrong text."""

from __future__ import annotations

import gzip
import json
import os
import time
import zlib
from pathlib import Path

import pytest
from conftest import make_article
from read_fixtures import SiteWithoutRobots, article_html, local_http_server, write_warc
from typer.testing import CliRunner

from newsweave.cli import app
from newsweave.model import Article, Failure, Skipped
from newsweave.pipeline import ingest
from newsweave.read import ReadOptions, read_inputs
from newsweave.store import Store

GOOD = "The council met on Tuesday and agreed the budget. “We are ready,” the mayor said afterwards."


def good_line(n: int, **extra) -> bytes:
    return json.dumps({"text": f"{GOOD} Record {n}.", "source": "Harbor Wire", **extra}).encode()


def articles(results) -> list[Article]:
    return [r for r in results if isinstance(r, Article)]


def failures(results) -> list[Failure]:
    return [r for r in results if isinstance(r, Failure)]


# 1 ------------------------------------------------------------------ extreme dates


def test_extreme_dates_are_dropped_with_a_warning_and_the_run_goes_on(tmp_path):
    lines = [good_line(0),
             good_line(1, published="0001-01-01T00:00:00+05:00"),
             good_line(2, published="9999-12-31T23:00:00-14:00"),
             good_line(3, published=-9223372036854775808),
             good_line(4, published="2024-03-05T10:00:00+01:00")]
    (tmp_path / "a.jsonl").write_bytes(b"\n".join(lines))
    (tmp_path / "b.jsonl").write_bytes(good_line(5))
    with Store.open("sqlite://") as store:
        summary = ingest([str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl")], store)
        assert summary.failures == [] and summary.stored == 6
        by_text = {a.text.rsplit(" ", 1)[-1]: a for a in store.iter_articles()}
    for n in ("1.", "2.", "3."):
        assert by_text[n].published is None
        assert any("dropped" in w for w in by_text[n].warnings), by_text[n].warnings
    assert by_text["4."].published.isoformat() == "2024-03-05T10:00:00+01:00"


# 2 ------------------------------------------------------------------ isolation per file and per record


def test_one_bad_file_or_line_costs_only_itself(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a_deep.json").write_bytes(b"[" * 100_000)
    good_gz = gzip.compress(b"\n".join(good_line(n) for n in range(40)))
    flipped = bytearray(good_gz)
    flipped[len(flipped) // 2] ^= 0x10
    (folder / "b_flipped.jsonl.gz").write_bytes(bytes(flipped))
    (folder / "c_mixed.jsonl").write_bytes(b"\n".join([good_line(100), b"[" * 100_000, b'{"text": ' * 50_000,
                                                       good_line(101)]))
    (folder / "d_good.jsonl").write_bytes(b"\n".join(good_line(n) for n in range(200, 210)))
    results = list(read_inputs([str(folder)]))
    assert sorted(a.text.rsplit(" ", 1)[-1] for a in articles(results)) == sorted(
        f"{n}." for n in [100, 101, *range(200, 210)])
    reasons = {Path(f.origin).name: f.reason for f in failures(results)}
    assert reasons["a_deep.json"] == "invalid JSON (nested too deeply)"
    assert reasons["b_flipped.jsonl.gz"].startswith("corrupt gzip data, no record after the last sound member kept")
    assert reasons["c_mixed.jsonl:2"] == reasons["c_mixed.jsonl:3"] == "invalid JSON (nested too deeply)"


def test_a_reader_that_raises_anything_ends_only_its_input(tmp_path, monkeypatch):
    """RecursionError, MemoryError or a native panic (a BaseException) inside one record."""
    import newsweave.read.warc as warc

    class PanicException(BaseException):  # what pyo3 raises when fastwarc panics
        pass

    write_warc(tmp_path / "a.warc.gz", [("https://a.example.com/1", article_html(title="One")),
                                        ("https://a.example.com/2", article_html(title="Two"))])
    (tmp_path / "b.jsonl").write_bytes(good_line(1))
    real = warc.article_from_html
    calls = iter([PanicException("called `Option::unwrap()` on a `None` value"), None])

    def panicking(*args, **kwargs):
        error = next(calls, None)
        if error is not None:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(warc, "article_from_html", panicking)
    results = [r for r in read_inputs([str(tmp_path)]) if not isinstance(r, Skipped)]  # warcinfo records
    assert [type(r).__name__ for r in results] == ["Failure", "Article", "Article"]
    assert "PanicException" in results[0].reason and "#" in results[0].origin
    with pytest.raises(KeyboardInterrupt):  # the user can still stop a run
        monkeypatch.setattr(warc, "article_from_html", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt))
        list(read_inputs([str(tmp_path / "a.warc.gz")]))


# 3 ------------------------------------------------------------------ bounded decompression


def test_a_record_that_decompresses_past_the_cap_is_skipped_unread(tmp_path):
    cap = 1 << 20
    bomb = zlib.compressobj(9, zlib.DEFLATED, 31)
    data = bomb.compress(good_line(1) + b"\n" + b'{"text": "')
    for _ in range(64):
        data += bomb.compress(b"a" * (1 << 20))
    data += bomb.compress(b'"}\n' + good_line(2) + b"\n") + bomb.flush()
    assert len(data) < 200_000
    (tmp_path / "bomb.jsonl.gz").write_bytes(data)
    results = list(read_inputs([str(tmp_path / "bomb.jsonl.gz")], ReadOptions(max_file_bytes=cap)))
    assert [a.text.rsplit(" ", 1)[-1] for a in articles(results)] == ["1.", "2."]
    (failure,) = failures(results)
    assert failure.origin.endswith("bomb.jsonl.gz:2") and failure.reason.startswith("record too large")


def test_a_gzip_encoded_http_body_is_inflated_only_to_the_cap(tmp_path):
    cap = 1 << 20
    body = zlib.compressobj(9, zlib.DEFLATED, 31)
    encoded = body.compress(b"<html><body><p>" + b"x" * (32 << 20)) + body.flush()
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "enc.warc.gz"
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, payload, coding in [("https://a.example.com/bomb", encoded, "gzip"),
                                     ("https://a.example.com/ok", article_html(title="Fine"), None)]:
            headers = [("Content-Type", "text/html")] + ([("Content-Encoding", coding)] if coding else [])
            writer.write_record(writer.create_warc_record(
                url, "response", payload=BytesIO(payload),
                http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")))
    results = list(read_inputs([str(path)], ReadOptions(max_file_bytes=cap)))
    assert [type(r).__name__ for r in results] == ["Failure", "Article"]
    assert "expands past" in results[0].reason


# 4 ------------------------------------------------------------------ special files


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(), reason="POSIX only")
def test_fifos_and_links_to_devices_are_refused_in_a_folder_walk(tmp_path):
    os.mkfifo(tmp_path / "a_pipe.jsonl")
    (tmp_path / "b_zero.txt").symlink_to("/dev/zero")
    (tmp_path / "c_good.jsonl").write_bytes(good_line(1))
    started = time.monotonic()
    results = list(read_inputs([str(tmp_path)]))
    assert time.monotonic() - started < 10
    assert len(articles(results)) == 1
    reasons = {Path(f.origin).name: f.reason for f in failures(results)}
    assert reasons == {"a_pipe.jsonl": "not a regular file (a FIFO, device or socket)",
                       "b_zero.txt": "not a regular file (a FIFO, device or socket)"}


# 5 ------------------------------------------------------------------ honest decoding


def test_one_bad_byte_never_re_decodes_a_utf8_file(tmp_path):
    text = "Headline\n\nThere’s a café on the corner — “naïve” visitors pay €4 for coffee.\n\n" * 3
    data = text.encode()
    (tmp_path / "bad_byte.txt").write_bytes(data[:40] + b"\xff" + data[40:])
    (tmp_path / "latin_paragraph.txt").write_bytes(data + "Un café naïve.\n".encode("latin-1"))
    bad_byte, latin = articles(read_inputs([str(tmp_path)]))
    assert "There’s a café" in bad_byte.text and "‚Äô" not in bad_byte.text
    assert bad_byte.text.count("\ufffd") == 1
    assert "1 byte(s) not valid UTF-8 replaced by U+FFFD" in bad_byte.warnings
    assert "“naïve”" in latin.text and "Ã" not in latin.text
    assert "2 byte(s) not valid UTF-8 replaced by U+FFFD" in latin.warnings


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_undeclared_western_html_reads_as_windows_1252(tmp_path, encoding):
    body = "<p>The naïve café owner said the crème brûlée was perfect, and déjà vu set in at the hôtel.</p>" * 3
    page = f"<html><head><title>Café</title></head><body><article>{body}</article></body></html>"
    (tmp_path / "page.html").write_bytes(page.encode(encoding))
    (article,) = read_inputs([str(tmp_path / "page.html")])
    assert "naïve café" in article.text and "crème brûlée" in article.text


def test_cyrillic_and_central_european_pages_keep_their_code_page(tmp_path):
    from newsweave.read._common import decode_text

    russian = "Городской совет утвердил бюджет, сообщил мэр во вторник вечером."
    polish = "Zażółć gęślą jaźń, powiedział burmistrz; łódź i żółw stały przy moście."
    assert decode_text(russian.encode("cp1251"))[0] == russian
    assert decode_text(polish.encode("cp1250"))[0] == polish


# 6 ------------------------------------------------------------------ checksums


def test_no_record_from_a_gzip_stream_whose_checksum_fails_is_kept(tmp_path):
    data = bytearray(gzip.compress(b"\n".join(good_line(n) for n in range(30))))
    data[-6] ^= 0xFF  # the stored CRC: every byte decompresses, the check fails
    (tmp_path / "crc.jsonl.gz").write_bytes(bytes(data))
    (results,) = [list(read_inputs([str(tmp_path / "crc.jsonl.gz")]))]
    assert len(results) == 1 and isinstance(results[0], Failure)
    assert "CRC check failed" in results[0].reason


def test_only_records_of_gzip_members_whose_checksum_held_are_kept(tmp_path):
    sound = gzip.compress(b"\n".join(good_line(n) for n in range(3)) + b"\n")
    damaged = bytearray(gzip.compress(b"\n".join(good_line(n) for n in range(3, 6)) + b"\n"))
    damaged[-6] ^= 0xFF
    (tmp_path / "two.jsonl.gz").write_bytes(sound + bytes(damaged))
    whole = gzip.compress(b"\n".join(good_line(n) for n in range(6, 12)) + b"\n")
    (tmp_path / "cut.jsonl.gz").write_bytes(sound + whole[: len(whole) // 2])
    for name, why in (("two.jsonl.gz", "CRC check failed"), ("cut.jsonl.gz", "file cut short inside a gzip member")):
        results = list(read_inputs([str(tmp_path / name)]))
        assert [a.text.rsplit(" ", 1)[-1] for a in articles(results)] == ["0.", "1.", "2."], name
        (failure,) = failures(results)
        assert failure.origin == f"{tmp_path / name}:4"
        assert why in failure.reason


def test_a_warc_record_whose_payload_digest_fails_is_a_failure(tmp_path):
    path = write_warc(tmp_path / "a.warc", [("https://a.example.com/1", article_html(title="One")),
                                            ("https://a.example.com/2", article_html(title="Two"))], gzip=False)
    data = path.read_bytes()
    at = data.index(b"<article>") + 12
    path.write_bytes(data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:])
    first, second = [r for r in read_inputs([str(path)]) if not isinstance(r, Skipped)]  # warcinfo skipped
    assert isinstance(first, Failure) and "payload digest mismatch" in first.reason
    assert isinstance(second, Article) and second.url == "https://a.example.com/2"


# 8 ------------------------------------------------------------------ terminal output


def test_terminal_output_carries_no_control_characters(tmp_path):
    db = tmp_path / "t.db"
    evil = make_article(1, title="Evil \x1b]0;owned\x07 \x1b[2J title \x1b]8;;http://x.example\x1b\\link\x1b]8;;\x1b\\",
                        source="Out\x1b[31mlet\x9b", text="Body \x1b[2J text.\n\nMore \x1b]0;t\x07 text.")
    with Store.open(str(db)) as store:
        store.add_articles([evil])
    runner = CliRunner()
    for args in (["articles"], ["show", evil.id]):
        result = runner.invoke(app, ["--db", str(db), *args], catch_exceptions=False, env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        assert not any(c in result.output for c in "\x1b\x07\x9b"), repr(result.output)
        assert "Evil" in result.output and "Out" in result.output


# 9 ------------------------------------------------------------------ deadline per URL


class _Stalling(SiteWithoutRobots):
    def page(self):
        if self.path == "/silent":
            time.sleep(3)
            return
        if self.path == "/to-data":
            self.send_response(302)
            self.send_header("Location", "data:text/html;base64,PGgxPmhpPC9oMT4=")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        try:
            for _ in range(40):  # one byte every 0.2 s: each read is quick, the whole never ends
                self.wfile.write(b"<")
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass


@pytest.fixture
def stalling_server():
    with local_http_server(_Stalling) as url:
        yield url


def test_one_url_never_takes_longer_than_its_deadline(stalling_server):
    options = ReadOptions(timeout=1.0, deadline=1.5, retries=2, backoff=0.1)
    for path in ("/trickle", "/silent"):
        started = time.monotonic()
        (failure,) = read_inputs([stalling_server + path], options)
        assert time.monotonic() - started < 2.5, path
        assert "timed out" in failure.reason


# 10 ----------------------------------------------------------------- credentials


def test_credentials_in_urls_are_never_stored(tmp_path, stalling_server):
    line = json.dumps({"text": GOOD, "url": "https://reader:s3cret@news.example.com/a?id=1"}).encode()
    (tmp_path / "a.jsonl").write_bytes(line)
    (article,) = read_inputs([str(tmp_path / "a.jsonl")])
    assert article.url == "https://news.example.com/a?id=1" and article.source == "example.com"
    host = stalling_server.removeprefix("http://")
    (failure,) = read_inputs([f"http://user:s3cret@{host}/silent"], ReadOptions(timeout=0.3, retries=0))
    assert "s3cret" not in failure.origin and failure.origin == f"http://{host}/silent"


# 11 ----------------------------------------------------------------- unreadable folders


def test_an_unreadable_subfolder_is_a_failure_that_strict_counts(tmp_path, monkeypatch):
    (tmp_path / "in" / "locked").mkdir(parents=True)
    (tmp_path / "in" / "locked" / "x.jsonl").write_bytes(good_line(1))
    (tmp_path / "in" / "ok.jsonl").write_bytes(good_line(2))
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path).name == "locked":  # as for a folder without read permission (the tests may run as root)
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    results = list(read_inputs([str(tmp_path / "in")]))
    assert len(articles(results)) == 1
    assert failures(results) == [Failure(str(tmp_path / "in" / "locked"), "cannot list folder: Permission denied")]
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "s.db"), "ingest", str(tmp_path / "in"), "--strict",
                                      "--no-stories"], env={"COLUMNS": "200"})
    assert result.exit_code == 1 and "1 record(s) failed (--strict)" in result.output


# 12 ----------------------------------------------------------------- the small ones


def test_a_lone_surrogate_costs_nothing(tmp_path):
    (tmp_path / "s.jsonl").write_bytes(b'{"text": "Bad \\ud800 surrogate in a long enough record text.", "source": "a"}')
    with Store.open("sqlite://") as store:
        summary = ingest([str(tmp_path / "s.jsonl")], store)
        assert summary.failures == [] and summary.stored == 1
        (stored,) = store.iter_articles()
    assert "Bad \ufffd surrogate" in stored.text


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0"])
def test_timeouts_must_be_finite_and_positive(tmp_path, value):
    from newsweave.errors import InputError

    result = CliRunner().invoke(app, ["--db", str(tmp_path / "s.db"), "ingest", str(tmp_path), "--timeout", value])
    assert isinstance(result.exception, InputError) and "timeout must be" in str(result.exception)


def test_an_empty_json_list_says_so(tmp_path):
    (tmp_path / "e.json").write_bytes(b"[]")
    assert list(read_inputs([str(tmp_path / "e.json")])) == [
        Failure(str(tmp_path / "e.json"), "no records (an empty JSON list)")]


def test_a_redirect_to_a_data_url_names_the_scheme(stalling_server):
    (failure,) = read_inputs([stalling_server + "/to-data"], ReadOptions(respect_robots=False))
    assert failure.reason == "redirect to an unusable URL (unsupported URL scheme 'data' (http and https only))"


def test_dot_dot_in_an_output_path_creates_no_stray_folder(tmp_path):
    from newsweave.present.report import write_report

    write_report(tmp_path / "x" / "cmp" / ".." / "f.html", "<p>ok</p>")
    assert (tmp_path / "x" / "f.html").read_text() == "<p>ok</p>"
    assert not (tmp_path / "x" / "cmp").exists()


def test_records_without_outlet_keep_their_id_in_a_renamed_file(tmp_path):
    line = json.dumps({"text": GOOD}).encode()
    (tmp_path / "monday.jsonl").write_bytes(line)
    (tmp_path / "renamed.jsonl").write_bytes(line)
    first, second = read_inputs([str(tmp_path / "monday.jsonl"), str(tmp_path / "renamed.jsonl")])
    assert first.id == second.id



# properties: the decoder and the cleaner on arbitrary input


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PROPERTY = settings(max_examples=int(os.environ.get("NEWSWEAVE_FUZZ_EXAMPLES", "40")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(words=st.lists(st.sampled_from(["café", "naïve", "“quoted”", "€4", "there’s", "plain", "words", "ok"]),
                      min_size=3, max_size=40),
       spots=st.lists(st.integers(min_value=0), max_size=3), bad=st.sampled_from([b"\xff", b"\xfe", b"\x80", b"\xc3"]))
def test_bad_bytes_in_utf8_become_one_replacement_each_and_nothing_else_changes(words, spots, bad):
    from newsweave.read._common import decode_text

    text = " ".join(words)
    multibyte = sum(1 for c in text if c > "\x7f")
    spaces = [i for i, c in enumerate(text) if c == " "][: max(0, multibyte)]
    chosen = sorted({spaces[s % len(spaces)] for s in spots}) if spaces else []
    data, expected, last = b"", "", 0
    for at in chosen:  # a bad byte at a space: it splits no character
        data += text[last:at].encode() + bad
        expected += text[last:at] + "\ufffd"
        last = at
    data += text[last:].encode()
    expected += text[last:]
    warnings: list[str] = []
    decoded, encoding = decode_text(data, None, warnings)
    assert (decoded, encoding) == (expected, "utf-8")
    assert warnings == ([f"{len(chosen)} byte(s) not valid UTF-8 replaced by U+FFFD"] if chosen else [])


@PROPERTY
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=600)
       | st.text(alphabet="\x1b[]0;\x07\x9b\x00\r\n\t abc.“”", min_size=1, max_size=300))
def test_the_cleaner_never_raises_and_its_spans_stay_inside_the_text(text):
    from newsweave.clean import clean_article

    article = clean_article(make_article(1, text=text, extracted_text=text))
    assert all(0 <= p.start <= p.end <= len(article.text) for p in article.paragraphs)
