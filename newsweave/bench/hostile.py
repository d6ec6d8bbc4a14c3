"""The hostile-input campaign: generated bad inputs mixed with good records, ingested in one run.

Each case is a folder holding one kind of hostile input beside good records (in
the same file where the format allows, else in a sibling file). The whole tree
is ingested in one run through the user's path (read → clean → store), then
checked per case:

* every good record is stored, with exactly the text it was written with;
* every bad record is reported once with a reason (a ``Failure`` naming it,
  or — where the record is kept — a warning on the stored article);
* no altered text is stored (a corrupt stream's records are all-or-nothing);
* the run ends (no hang) and its peak RSS stays under the cap.

The generator is seeded, so a failing case can be rebuilt with its number.
``newsweave bench hostile`` runs it at any size; ``tests/test_hostile_campaign.py``
runs 2,000+ cases in a subprocess under a time and memory bound.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsweave.bench.memory import peak_rss_mb

if TYPE_CHECKING:
    from newsweave.store import Store

__all__ = ["CLASSES", "Case", "CampaignResult", "generate", "run_campaign"]

#: Decompressed bytes one record may have in the campaign (``ReadOptions.max_file_bytes``);
#: small so bombs are cheap to build, the same code path as the 50 MB default.
CAMPAIGN_CAP = 256 * 1024

_WORDS = ("council budget harbor mayor river school bridge police court station market storm "
          "ferry museum clinic union airport tram library garden tunnel festival minister vote").split()


@dataclass(slots=True)
class Case:
    """One generated case: what must be stored and what must be reported."""

    number: int
    kind: str
    folder: Path
    good: dict[str, str] = field(default_factory=dict)  # token in the text -> exact expected text
    failures: int = 0  # Failures expected from this case's folder, each naming a bad record
    warned: dict[str, str] = field(default_factory=dict)  # token -> warning text the stored article carries
    all_or_nothing: dict[str, str] = field(default_factory=dict)  # a corrupt stream: stored exact, or none
    failures_if_lost: int = 0  # more Failures expected when all_or_nothing records were not kept
    copies: int = 0  # records given again in another file: recognised as already stored, not stored twice
    checks: list[Callable[[Any], str | None]] = field(default_factory=list)  # extra per-article checks


@dataclass(slots=True)
class CampaignResult:
    cases: int = 0
    by_class: dict[str, Counter] = field(default_factory=dict)  # class -> cases, handled, lost, …
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    read: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"cases": self.cases, "seconds": round(self.seconds, 1), "peak_rss_mb": round(self.peak_rss_mb),
                "read": self.read, "failed": self.failed, "problems": self.problems[:50],
                "by_class": {k: dict(v) for k, v in sorted(self.by_class.items())}}


# --------------------------------------------------------------------------- good records


def _paragraphs(rng: random.Random, token: str) -> list[str]:
    def sentence() -> str:
        words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 14))]
        return " ".join(words).capitalize() + "."

    return [f"{sentence()} {sentence()} Record {token} ends here.", sentence() + " " + sentence()]


def _good_line(case: Case, rng: random.Random, k: int, **extra: Any) -> bytes:
    token = f"c{case.number}r{k}"
    paras = _paragraphs(rng, token)
    case.good[token] = "\n\n".join(paras)
    return json.dumps({"text": "\n\n".join(paras), "source": f"Outlet {case.number % 7}", **extra}).encode()


def _good_page(case: Case, rng: random.Random, k: int) -> bytes:
    token = f"c{case.number}p{k}"
    paras = _paragraphs(rng, token)
    case.good[token] = "\n\n".join(paras)
    body = "".join(f"<p>{p}</p>" for p in paras)
    return f"<html><head><title>Page {token}</title></head><body><article>{body}</article></body></html>".encode()


def _jsonl(case: Case, rng: random.Random, name: str, bad: bytes | None = None, bad_at: int = 1) -> Path:
    lines = [_good_line(case, rng, k) for k in range(3)]
    if bad is not None:
        lines.insert(bad_at, bad)
    path = case.folder / name
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


# --------------------------------------------------------------------------- hostile classes


def _extreme_date(case: Case, rng: random.Random) -> None:
    value = rng.choice(["0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-14:00", -9223372036854775808,
                        1e300, "1500-06-01T00:00:00Z", "2999-01-01"])
    line = _good_line(case, rng, 9, published=value)
    case.warned[f"c{case.number}r9"] = "dropped"
    _jsonl(case, rng, "dates.jsonl", line)


def _deep_json(case: Case, rng: random.Random) -> None:
    (case.folder / "deep.json").write_bytes(rng.choice([b"[", b'{"a":']) * rng.randint(50_000, 120_000))
    case.failures = 1
    _jsonl(case, rng, "good.jsonl")


def _deep_line(case: Case, rng: random.Random) -> None:
    case.failures = 1
    _jsonl(case, rng, "lines.jsonl", b"[" * rng.randint(20_000, 100_000), bad_at=rng.randint(0, 3))


def _bitflip_gz(case: Case, rng: random.Random) -> None:
    before = dict(case.good)
    data = bytearray(gzip.compress(b"\n".join(_good_line(case, rng, k) for k in range(10, 13)), mtime=0))
    case.all_or_nothing = {k: v for k, v in case.good.items() if k not in before}
    case.good = before
    case.failures_if_lost = 1  # a flip that changed nothing (unused bits) reads fine
    at = rng.randrange(10, len(data) - 8)  # the deflate stream, not the header or trailer
    data[at] ^= 1 << rng.randrange(8)
    (case.folder / "flipped.jsonl.gz").write_bytes(bytes(data))
    _jsonl(case, rng, "good.jsonl")


def _gz_bomb(case: Case, rng: random.Random) -> None:
    bomb = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [bomb.compress(_good_line(case, rng, 0) + b"\n" + b'{"text": "')]
    parts += [bomb.compress(b"A" * (1 << 20)) for _ in range(rng.randint(1, 3))]
    parts.append(bomb.compress(b'"}\n' + _good_line(case, rng, 1) + b"\n") + bomb.flush())
    (case.folder / "bomb.jsonl.gz").write_bytes(b"".join(parts))
    case.failures = 1


#: a WARC response record to write: (target URI, payload, extra HTTP headers)
_Record = tuple[str, bytes, list[tuple[str, str]]]


def _warc(path: Path, records: list[_Record], *, gz: bool) -> Path:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=gz)
        for url, payload, headers in records:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"), *headers],
                                    protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(payload),
                                                          http_headers=http))
    return path


def _warc_body_bomb(case: Case, rng: random.Random) -> None:
    bomb = zlib.compressobj(9, zlib.DEFLATED, 31)
    encoded = bomb.compress(b"<html><body><p>" + b"x" * (rng.randint(1, 4) << 20)) + bomb.flush()
    records = [(f"https://a{case.number}.example.com/good0", _good_page(case, rng, 0), []),
               (f"https://a{case.number}.example.com/bomb", encoded, [("Content-Encoding", "gzip")]),
               (f"https://a{case.number}.example.com/good1", _good_page(case, rng, 1), [])]
    _warc(case.folder / "crawl.warc.gz", records, gz=True)
    case.failures = 1


def _warc_flip(case: Case, rng: random.Random) -> None:
    pages = [_good_page(case, rng, k) for k in range(3)]
    victim = rng.randrange(3)
    token = f"c{case.number}p{victim}"
    del case.good[token]
    records: list[_Record] = [(f"https://w{case.number}.example.com/{k}", page, []) for k, page in enumerate(pages)]
    path = _warc(case.folder / "crawl.warc", records, gz=False)
    data = bytearray(path.read_bytes())
    at = data.index(f"Record {token} ends".encode()) + rng.randrange(0, 6)
    data[at] ^= 0x20 if data[at] != 0x20 else 0x01
    path.write_bytes(bytes(data))
    case.failures = 1


def _warc_huge_record(case: Case, rng: random.Random) -> None:
    huge = b"<html><body><p>" + b"y " * (CAMPAIGN_CAP // 2 + rng.randint(1, 10_000)) + b"</p></body></html>"
    records: list[_Record] = [(f"https://h{case.number}.example.com/huge", huge, []),
                              (f"https://h{case.number}.example.com/good", _good_page(case, rng, 0), [])]
    _warc(case.folder / "crawl.warc.gz", records, gz=True)
    case.failures = 1


def _special_file(case: Case, rng: random.Random) -> None:
    if rng.random() < 0.5 and hasattr(os, "mkfifo"):
        os.mkfifo(case.folder / "pipe.jsonl")
    else:
        (case.folder / "zero.txt").symlink_to("/dev/zero")
    case.failures = 1
    _jsonl(case, rng, "good.jsonl")


def _utf8_bad_bytes(case: Case, rng: random.Random) -> None:
    token = f"c{case.number}t0"
    paras = _paragraphs(rng, token)
    paras[1] = "There’s a café — “naïve” visitors pay €4. " + paras[1]
    bad = rng.randint(1, 3)
    raw = "\n\n".join(paras).encode()
    cut = raw.index(b"Record")  # ASCII just before: a bad byte here splits no character
    text_bytes = raw[:cut] + b"\xff" * bad + raw[cut:]
    (case.folder / "story.txt").write_bytes(f"Headline {token}\n\n".encode() + text_bytes)
    case.good[token] = text_bytes.decode("utf-8", "replace")
    case.warned[token] = f"{bad} byte(s) not valid UTF-8 replaced by U+FFFD"


def _latin_html(case: Case, rng: random.Random) -> None:
    token = f"c{case.number}p0"
    paras = _paragraphs(rng, token)
    paras[0] = "The naïve café owner served crème brûlée, déjà vu at the hôtel. " + paras[0]
    body = "".join(f"<p>{p}</p>" for p in paras)
    page = f"<html><head><title>Café {token}</title></head><body><article>{body}</article></body></html>"
    (case.folder / "page.html").write_bytes(page.encode(rng.choice(["cp1252", "latin-1"])))
    case.good[token] = "\n\n".join(paras)
    case.warned[token] = "decoded as cp1252 (detected: no usable charset declared)"


def _surrogate(case: Case, rng: random.Random) -> None:
    token = f"c{case.number}r5"
    paras = _paragraphs(rng, token)
    record = b'{"source": "Outlet S", "text": "Lone \\udc80 surrogate. ' + "\\n\\n".join(paras).encode() + b'"}'
    case.good[token] = "Lone \ufffd surrogate. " + "\n\n".join(paras)
    case.warned[token] = "1 lone surrogate(s) in the text replaced by U+FFFD"
    _jsonl(case, rng, "surrogate.jsonl", record)


def _control_chars(case: Case, rng: random.Random) -> None:
    title = rng.choice(["Evil \x1b]0;owned\x07 title", "Clear \x1b[2J\x1b[H now", "Link \x1b]8;;http://x\x1b\\here"])
    case.checks.append(lambda article: _terminal_problem(article) if article.title == " ".join(title.split())
                       else None)
    _jsonl(case, rng, "escapes.jsonl", _good_line(case, rng, 7, title=title))


def _terminal_problem(article: Any) -> str | None:
    """Render the title and outlet as the CLI does; only rich's own colour codes may reach the terminal."""
    import re

    from rich.text import Text

    from newsweave.cli.app import TerminalConsole

    out = io.StringIO()
    TerminalConsole(file=out, force_terminal=True, width=120).print(Text(article.title), article.source)
    shown = re.sub(r"\x1b\[[\d;]*m", "", out.getvalue())
    raw = [c for c in shown if c in "\x1b\x07\x9b"]
    return f"control characters reach the terminal: {shown!r}" if raw else None


def _credentials(case: Case, rng: random.Random) -> None:
    url = f"https://reader:s3cret{case.number}@news{case.number}.example.com/a"
    case.checks.append(lambda article: f"credentials kept: {article.url}"
                       if "s3cret" in (article.url or "") + article.origin + article.source else None)
    _jsonl(case, rng, "creds.jsonl", _good_line(case, rng, 8, url=url))


def _renamed_copy(case: Case, rng: random.Random) -> None:
    token = f"c{case.number}r0"
    paras = _paragraphs(rng, token)
    case.good[token] = "\n\n".join(paras)
    line = json.dumps({"text": "\n\n".join(paras)}).encode()  # no outlet, no URL: nothing but the bytes
    (case.folder / "monday.jsonl").write_bytes(line + b"\n")
    (case.folder / "monday-copy.jsonl").write_bytes(line + b"\n")
    case.copies = 1


def _empty_list(case: Case, rng: random.Random) -> None:
    (case.folder / "empty.json").write_bytes(rng.choice([b"[]", b"{\"articles\": []}"]))
    case.failures = 1
    _jsonl(case, rng, "good.jsonl")


def _truncated_gz(case: Case, rng: random.Random) -> None:
    """Whole members, then one cut short: the whole members' records are kept, the cut one's are not."""
    sound = gzip.compress(b"\n".join(_good_line(case, rng, k) for k in range(3)) + b"\n", mtime=0)
    before = dict(case.good)
    member = gzip.compress(b"\n".join(_good_line(case, rng, k) for k in range(3, 6)) + b"\n", mtime=0)
    case.all_or_nothing = {k: v for k, v in case.good.items() if k not in before}
    case.good = before
    (case.folder / "cut.jsonl.gz").write_bytes(sound + member[: rng.randint(12, len(member) - 1)])
    case.failures = 1


CLASSES: dict[str, Callable[[Case, random.Random], None]] = {
    "extreme date": _extreme_date,
    "deeply nested JSON file": _deep_json,
    "deeply nested JSON line": _deep_line,
    "bit-flipped .jsonl.gz": _bitflip_gz,
    ".jsonl.gz bomb (one line)": _gz_bomb,
    "WARC gzip-encoded body bomb": _warc_body_bomb,
    "WARC bit flip (payload digest)": _warc_flip,
    "WARC record over the cap": _warc_huge_record,
    "FIFO / link to /dev/zero": _special_file,
    "UTF-8 with bad bytes": _utf8_bad_bytes,
    "undeclared latin-1/cp1252 HTML": _latin_html,
    "lone surrogate in JSON": _surrogate,
    "terminal escapes in title": _control_chars,
    "password in URL": _credentials,
    "same record, renamed file": _renamed_copy,
    "empty JSON list": _empty_list,
    "truncated .jsonl.gz": _truncated_gz,
}


def generate(root: Path, cases: int, seed: int = 14) -> list[Case]:
    """Write ``cases`` cases under ``root`` (classes in turn, contents from ``seed``)."""
    rng = random.Random(seed)
    names = list(CLASSES)
    made = []
    for number in range(cases):
        kind = names[number % len(names)]
        folder = root / f"{number:05d}"
        folder.mkdir(parents=True)
        case = Case(number, kind, folder)
        CLASSES[kind](case, rng)
        made.append(case)
    return made


# --------------------------------------------------------------------------- run and check


def run_campaign(root: Path, cases: int, seed: int = 14, db: str = "sqlite://") -> CampaignResult:
    """Generate ``cases`` cases under ``root``, ingest them in one run, check every case."""
    from newsweave.pipeline import IngestOptions, ingest
    from newsweave.read import ReadOptions
    from newsweave.store import Store

    made = generate(root, cases, seed)
    started = time.perf_counter()
    options = IngestOptions(read_options=ReadOptions(max_file_bytes=CAMPAIGN_CAP, respect_robots=False))
    with Store.open(db) as store:
        summary = ingest([str(root)], store, options)
        stored = _stored_by_token(store)
    result = CampaignResult(cases=len(made), seconds=time.perf_counter() - started,
                            read=summary.read, failed=summary.failed)
    failures: dict[str, list[Any]] = {}
    for failure in summary.failures:
        relative = Path(failure.origin).relative_to(root) if failure.origin.startswith(str(root)) else None
        failures.setdefault(relative.parts[0] if relative else "?", []).append(failure)
    if "?" in failures:
        result.problems += [f"failure outside any case: {f.origin}: {f.reason}" for f in failures["?"]]
    for case in made:
        _check_case(case, stored, failures.get(case.folder.name, []), result)
    result.peak_rss_mb = peak_rss_mb()
    return result


def _stored_by_token(store: Store) -> dict[str, list[Any]]:
    import re

    token = re.compile(r"Record (c\d+[rpt]\d+) ends")
    found: dict[str, list[Any]] = {}
    for article in store.iter_articles(with_raw=False):
        for match in set(token.findall(article.text)):
            found.setdefault(match, []).append(article)
    return found


def _check_case(case: Case, stored: dict[str, list[Any]], failures: list[Any], result: CampaignResult) -> None:
    tally = result.by_class.setdefault(case.kind, Counter(
        {"cases": 0, "handled": 0, "good records": 0, "good lost": 0, "mangled": 0, "bad reported": 0}))
    problems: list[str] = []
    for token, text in {**case.good, **case.all_or_nothing}.items():
        found = stored.get(token, [])
        if len(found) > 1:
            problems.append(f"{token} stored {len(found)} times")
        if not found:
            if token in case.good:
                problems.append(f"good record {token} lost")
                tally["good lost"] += 1
            continue
        if found[0].text != text:
            problems.append(f"{token} stored with altered text: {found[0].text[:80]!r}")
            tally["mangled"] += 1
        if token in case.warned and not any(case.warned[token] in w for w in found[0].warnings):
            problems.append(f"{token} kept without the warning {case.warned[token]!r}: {found[0].warnings}")
        problems += [p for check in case.checks if (p := check(found[0]))]
    lost_stream = any(token not in stored for token in case.all_or_nothing)
    expected = case.failures + (case.failures_if_lost if lost_stream else 0)
    if len(failures) != expected or not all(f.reason for f in failures):
        problems.append(f"{len(failures)} failures, expected {expected}: "
                        + "; ".join(f"{f.origin}: {f.reason}" for f in failures))
    tally["cases"] += 1
    tally["good records"] += len(case.good)
    repaired = sum(1 for t in case.warned if t in stored) + (len(case.checks) + case.copies if not problems else 0)
    tally["bad reported"] += len(failures) + repaired  # a Failure, or kept with a warning / repaired
    tally["handled" if not problems else "not handled"] += 1
    result.problems += [f"case {case.number} ({case.kind}): {p}" for p in problems]


def render(result: CampaignResult, console: Any = None) -> None:
    """The campaign table (docs/reliability.md records it)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"hostile-input campaign: {result.cases} cases, {result.seconds:.1f} s, "
                        f"peak RSS {result.peak_rss_mb:.0f} MB", title_justify="left")
    columns = ("cases", "handled", "good records", "good lost", "mangled", "bad reported")
    table.add_column("class")
    for name in columns:
        table.add_column(name, justify="right")
    for kind, tally in sorted(result.by_class.items()):
        table.add_row(kind, *(str(tally[name]) for name in columns))
    (console or Console()).print(table)
    for problem in result.problems[:20]:
        (console or Console()).print(f"[red]{problem}[/]", highlight=False)


def main(argv: list[str] | None = None) -> int:
    """``python -m newsweave.bench.hostile ROOT [CASES] [SEED]``: one JSON line with the result."""
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    root = Path(args[0])
    cases = int(args[1]) if len(args) > 1 else 2000
    seed = int(args[2]) if len(args) > 2 else 14
    result = run_campaign(root, cases, seed)
    print(json.dumps(result.as_dict()))
    return 0 if not result.problems else 1


if __name__ == "__main__":
    raise SystemExit(main())
