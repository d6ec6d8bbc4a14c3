"""Quotation benchmark: a labelled sample of real news, and PolNeAR source / cue / content beside textacy.

    python -m newsweave.bench.quotes [--data FILE] [--limit N] [--json]
    newsweave bench quotes [--data FILE] [--json]

Two parts. **Labelled sample** (:mod:`newsweave.bench.quote_sample`): the
precision of the default output (reported speech and writing by a found
speaker) and of the whole output on 305 hand-labelled quotes from BASIL and
AllSides, and the calibration table (confidence band -> share correct).
**PolNeAR** (recall): every gold attribution against the whole output (every
act: what quotes-4 and earlier listed) and against the default output; and the
*speech-only* view: the gold attributions whose cue is a speech or writing act
(:func:`newsweave.enrich.quotes.acts.cue_act` on the gold cue's words, parsed
by the same spaCy model) against the default output, so a gain in precision
that costs real quotes shows.

Data: JSONL records ``{"id", "text", "attributions": [{"source", "cue", "content"}]}``
where each role is ``{"start", "end", "text"[, "fragments"]}`` or null (the
PolNeAR conversion in ``../shared/data/quotes``). The default file is
``<repo>/../shared/data/quotes/polnear_dev.jsonl``; when it is absent the run
is skipped with a message.

Scoring, per role (source, cue, content), micro-averaged over all articles:

* **exact** — a predicted span matches a gold span when both cover exactly the
  same non-space characters (a discontinuous gold span is the union of its
  fragments; an interrupted predicted quote the union of its pieces). Matching
  is one-to-one. This is the PolNeAR/CofeNet exact-match criterion, computed on
  whole articles instead of sentences.
* **overlap** — one-to-one matching of spans that share at least one word.
* **token** — word-level precision/recall over the words covered by each role.

Direct quotations: PolNeAR's content span includes the quotation marks (and
the comma before a closing mark); newsweave's ``Quote.content`` does not, so
the marks around each predicted piece are added back before scoring.

The peer is textacy's ``extract.triples.direct_quotations`` on the same
articles, parsed by the same spaCy model (its parse time counts in its speed:
it needs a fully parsed document). Its crashes are counted; its scores are
given over the articles where it ran and over all articles (a crash = no
predictions).
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path
from typing import Any

from newsweave.enrich.quotes.roles import ROLES, role_chars, roles_of
from newsweave.errors import InputError

__all__ = ["run", "default_data_path", "score_article", "main"]

_WORD = re.compile(r"\w+", re.UNICODE)


def default_data_path(split: str = "dev") -> Path:
    """PolNeAR ``split`` ("dev" scores the benchmark; "train" is for training and error analysis only)."""
    repo = Path(__file__).resolve().parents[2]
    return repo.parent / "shared" / "data" / "quotes" / f"polnear_{split}.jsonl"


# ---------------------------------------------------------------------------
# spans -> character sets


def _gold_pieces(span: dict[str, Any] | None) -> list[tuple[int, int]]:
    if not span:
        return []
    frags = span.get("fragments")
    if frags:
        return [(f["start"], f["end"]) for f in frags]
    return [(span["start"], span["end"])]


def _textacy(text: str, triples: list[Any]) -> dict[str, list[frozenset[int]]]:
    out: dict[str, list[frozenset[int]]] = {r: [] for r in ROLES}
    for t in triples:
        spk = [(tok.idx, tok.idx + len(tok.text)) for tok in t.speaker]
        cue = [(tok.idx, tok.idx + len(tok.text)) for tok in t.cue]
        if spk:
            out["source"].append(role_chars(text, [(min(a for a, _ in spk), max(b for _, b in spk))]))
        if cue:
            out["cue"].append(role_chars(text, [(min(a for a, _ in cue), max(b for _, b in cue))]))
        c = t.content
        out["content"].append(role_chars(text, [(c.start_char, c.end_char)]))
    return {k: [c for c in v if c] for k, v in out.items()}


def gold_attributions(text: str, rec: dict[str, Any]) -> list[dict[str, frozenset[int]]]:
    """Each gold attribution as role -> the characters it covers (fragments and content2 joined)."""
    out = []
    for att in rec.get("attributions", []):
        roles: dict[str, frozenset[int]] = {}
        for role in ROLES:
            pieces = _gold_pieces(att.get(role))
            if role == "content" and att.get("content2"):
                pieces = pieces + _gold_pieces(att.get("content2"))
            if pieces:
                chars = role_chars(text, pieces)
                if chars:
                    roles[role] = chars
        out.append(roles)
    return out


def gold_roles(text: str, rec: dict[str, Any], keep: list[bool] | None = None) -> dict[str, list[frozenset[int]]]:
    """Role -> the characters of each gold attribution that has it (what ``score_article`` compares).

    ``keep`` (one flag per gold attribution) scores a subset, e.g. the speech-only view.
    """
    atts = gold_attributions(text, rec)
    if keep is not None:
        atts = [att for att, k in zip(atts, keep) if k]
    return {role: [att[role] for att in atts if role in att] for role in ROLES}


def gold_reported(text: str, rec: dict[str, Any], nlp: Any) -> list[bool]:
    """Per gold attribution: is its cue a speech or writing act (the speech-only view)?"""
    from newsweave.enrich.quotes.acts import cue_act
    from newsweave.model import REPORTED_ACTS

    doc = nlp(text)
    by_start = {t.idx: t for t in doc}
    flags = []
    for att in rec.get("attributions", []):
        cue = att.get("cue")
        if not cue:
            flags.append(False)
            continue
        words = []
        for s, e in _gold_pieces(cue):
            for m in re.finditer(r"[A-Za-z][A-Za-z'’-]*|[,;]", text[s:e]):
                tok = by_start.get(s + m.start())
                words.append((m.group(0), tok.tag_ if tok is not None else "", tok.dep_ if tok is not None else ""))
        source = att.get("source")
        flags.append(cue_act(words, source.get("text") if source else None) in REPORTED_ACTS)
    return flags


# ---------------------------------------------------------------------------
# matching


def score_article(text: str, pred: dict[str, list[frozenset[int]]],
                  gold: dict[str, list[frozenset[int]]]) -> dict[str, dict[str, int]]:
    """Counts per role: tp/np/ng for exact and overlap, token tp/np/ng."""
    word_of: dict[int, int] = {}
    for m in _WORD.finditer(text):
        for i in range(m.start(), m.end()):
            word_of[i] = m.start()

    def words(c: frozenset[int]) -> set[int]:
        return {word_of[i] for i in c if i in word_of}

    res: dict[str, dict[str, int]] = {}
    for role in ROLES:
        P, G = pred.get(role, []), gold.get(role, [])
        # exact, one-to-one
        used: set[int] = set()
        tp = 0
        gset: dict[frozenset[int], list[int]] = {}
        for gi, g in enumerate(G):
            gset.setdefault(g, []).append(gi)
        for p in P:
            for gi in gset.get(p, []):
                if gi not in used:
                    used.add(gi)
                    tp += 1
                    break
        # overlap, one-to-one greedy by shared words
        pw = [words(p) for p in P]
        gw = [words(g) for g in G]
        pairs = []
        for pi, a in enumerate(pw):
            if not a:
                continue
            for gi, b in enumerate(gw):
                n = len(a & b)
                if n:
                    pairs.append((n / len(a | b), pi, gi))
        pairs.sort(reverse=True)
        up: set[int] = set()
        ug: set[int] = set()
        otp = 0
        for _, pi, gi in pairs:
            if pi in up or gi in ug:
                continue
            up.add(pi)
            ug.add(gi)
            otp += 1
        # token level
        pt = set().union(*pw) if pw else set()
        gt = set().union(*gw) if gw else set()
        res[role] = {
            "tp": tp, "np": len(P), "ng": len(G),
            "otp": otp,
            "ttp": len(pt & gt), "tnp": len(pt), "tng": len(gt),
        }
    return res


def _prf(tp: int, npred: int, ngold: int) -> dict[str, float]:
    p = tp / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(100 * p, 1), "r": round(100 * r, 1), "f1": round(100 * f, 1)}


def summarise(counts: list[dict[str, dict[str, int]]]) -> dict[str, Any]:
    """Micro-averaged P/R/F1 per role and match kind over per-article counts."""
    out: dict[str, Any] = {}
    for role in ROLES:
        tot = {k: sum(c[role][k] for c in counts) for k in ("tp", "np", "ng", "otp", "ttp", "tnp", "tng")}
        out[role] = {
            "exact": _prf(tot["tp"], tot["np"], tot["ng"]),
            "overlap": _prf(tot["otp"], tot["np"], tot["ng"]),
            "token": _prf(tot["ttp"], tot["tnp"], tot["tng"]),
            "predicted": tot["np"],
            "gold": tot["ng"],
        }
    return out


# ---------------------------------------------------------------------------


def load(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    recs = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                recs.append(json.loads(line))
            if limit and len(recs) >= limit:
                break
    return recs


def _extract_timed(recs: list[dict[str, Any]], nlp: Any) -> tuple[list[Any], int, float, float]:
    """Time newsweave on every article in one process, counting crashes as results rather than errors."""
    from newsweave.enrich.quotes import extract_quotes

    crashes = 0
    t0 = time.perf_counter()
    c0 = time.process_time()
    preds: list[Any] = []
    for rec in recs:
        try:
            preds.append(extract_quotes(rec["text"], nlp=nlp))
        except Exception as exc:  # noqa: BLE001 - a crash is a result here, not an error
            crashes += 1
            preds.append(None)
            print(f"newsweave crashed on {rec.get('id')}: {exc!r}", file=sys.stderr)
    ours_time = time.perf_counter() - t0
    ours_cpu = time.process_time() - c0
    return preds, crashes, ours_time, ours_cpu


def _time_parallel(recs: list[dict[str, Any]], processes: int) -> dict[str, Any] | None:
    """Time newsweave with worker processes, start-up kept outside the timer; None for one process."""
    if processes <= 1:
        return None
    from newsweave.enrich.quotes import extract_quotes_many

    texts = [r["text"] for r in recs]
    list(extract_quotes_many(texts[: processes * 2], processes=processes))  # start-up outside the timer
    t1 = time.perf_counter()
    n_out = sum(1 for _ in extract_quotes_many(texts, processes=processes))
    return {"processes": processes, "articles_per_s": round(n_out / (time.perf_counter() - t1), 2)}


_Counts = list[dict[str, dict[str, int]]]


def _score_newsweave(
    recs: list[dict[str, Any]], preds: list[Any], golds: list[dict[str, list[frozenset[int]]]],
    speech_golds: list[dict[str, list[frozenset[int]]]],
) -> tuple[_Counts, _Counts, _Counts, _Counts]:
    """Score every-act and default output against all gold and speech-only gold (a crash = no predictions)."""
    ours_counts: _Counts = []
    default_counts: _Counts = []
    speech_counts: _Counts = []
    speech_all_counts: _Counts = []
    for rec, pred, gold, speech_gold in zip(recs, preds, golds, speech_golds):
        quotes = pred.quotes if pred is not None else []
        every = roles_of(rec["text"], quotes)
        default = roles_of(rec["text"], [q for q in quotes if q.is_listed])
        ours_counts.append(score_article(rec["text"], every, gold))
        default_counts.append(score_article(rec["text"], default, gold))
        speech_counts.append(score_article(rec["text"], default, speech_gold))
        speech_all_counts.append(score_article(rec["text"], every, speech_gold))
    return ours_counts, default_counts, speech_counts, speech_all_counts


def _add_peer(result: dict[str, Any], recs: list[dict[str, Any]], golds: list[dict[str, list[frozenset[int]]]],
              speech_golds: list[dict[str, list[frozenset[int]]]]) -> None:
    """Add textacy's figures and newsweave's speed-ups over it to ``result`` in place."""
    result["textacy"] = _run_textacy(recs, golds, speech_golds)
    ta = result["textacy"]
    if ta.get("articles_per_s") and result["newsweave"]["articles_per_s"]:
        result["speedup_vs_textacy"] = round(result["newsweave"]["articles_per_s"] / ta["articles_per_s"], 2)
    if ta.get("articles_per_cpu_s") and result["newsweave"]["articles_per_cpu_s"]:
        result["cpu_speedup_vs_textacy"] = round(
            result["newsweave"]["articles_per_cpu_s"] / ta["articles_per_cpu_s"], 2
        )


def run(
    data: str | Path | None = None, *, limit: int | None = None, peer: bool = True, processes: int = 1,
    sample: bool = True,
) -> dict[str, Any]:
    """Score newsweave (and textacy) on a PolNeAR-format JSONL file; returns the figures.

    ``{"skipped": reason}`` when the default data file is absent; a ``data``
    file named but missing is an InputError (a typo must not pass as a skip).
    """
    path = Path(data) if data else default_data_path()
    if data and not path.is_file():
        raise InputError(f"benchmark data {str(path)!r}: no such file")
    if not path.exists():
        return {"skipped": f"no benchmark data at {path}", "data": str(path)}
    recs = load(path, limit)
    from newsweave.enrich.quotes import _nlp, extract_quotes

    nlp = _nlp()
    extract_quotes("Warm up, he said.", nlp=nlp)  # load outside the timer
    preds, crashes, ours_time, ours_cpu = _extract_timed(recs, nlp)
    parallel = _time_parallel(recs, processes)
    golds = [gold_roles(r["text"], r) for r in recs]
    speech_flags = [gold_reported(r["text"], r, nlp) for r in recs]
    speech_golds = [gold_roles(r["text"], r, flags) for r, flags in zip(recs, speech_flags)]
    ours_counts, default_counts, speech_counts, speech_all_counts = _score_newsweave(recs, preds, golds, speech_golds)
    result: dict[str, Any] = {
        "data": str(path),
        "articles": len(recs),
        "gold_attributions": sum(len(r.get("attributions", [])) for r in recs),
        "gold_speech_attributions": sum(sum(flags) for flags in speech_flags),
        "newsweave": {
            "scores": summarise(ours_counts),
            "default_scores": summarise(default_counts),
            "speech_only": summarise(speech_counts),
            "speech_only_every_act": summarise(speech_all_counts),
            "crashes": crashes,
            "seconds": round(ours_time, 2),
            "articles_per_s": round(len(recs) / ours_time, 2) if ours_time else None,
            "articles_per_cpu_s": round(len(recs) / ours_cpu, 2) if ours_cpu else None,
            "quotes": sum(len(p.quotes) for p in preds if p is not None),
        },
    }
    if parallel is not None:
        result["newsweave"]["parallel"] = parallel
    if peer:
        _add_peer(result, recs, golds, speech_golds)
    if sample:
        from newsweave.bench.quote_sample import run as run_sample

        result["sample"] = run_sample(processes=processes)
    return result


def _run_textacy(
    recs: list[dict[str, Any]], golds: list[dict[str, list[frozenset[int]]]],
    speech_golds: list[dict[str, list[frozenset[int]]]],
) -> dict[str, Any]:
    try:
        import textacy.extract.triples as triples_mod
    except ImportError:
        return {"skipped": "textacy is not installed (pip install 'newsweave[bench]')"}
    from newsweave.nlp import load_english

    nlp = load_english()  # the full pipeline: textacy needs parse + lemmas
    nlp("Warm up.")
    counts_all = []
    counts_ran = []
    crashes = 0
    crashed_ids = []
    t0 = time.perf_counter()
    c0 = time.process_time()
    outs: list[list[Any] | None] = []
    for rec in recs:
        try:
            doc = nlp(rec["text"])
            outs.append(list(triples_mod.direct_quotations(doc)))
        except Exception:  # noqa: BLE001 - the baseline's crash is counted, not raised
            crashes += 1
            crashed_ids.append(rec.get("id"))
            outs.append(None)
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    counts_speech = []
    for rec, out, gold, speech_gold in zip(recs, outs, golds, speech_golds):
        p = _textacy(rec["text"], out) if out is not None else {r: [] for r in ROLES}
        c = score_article(rec["text"], p, gold)
        counts_all.append(c)
        counts_speech.append(score_article(rec["text"], p, speech_gold))
        if out is not None:
            counts_ran.append(c)
    return {
        "scores_all_articles": summarise(counts_all),
        "speech_only": summarise(counts_speech),
        "scores_where_it_ran": summarise(counts_ran) if counts_ran else None,
        "crashes": crashes,
        "ran_on": len(recs) - crashes,
        "crashed_ids": crashed_ids,
        "seconds": round(elapsed, 2),
        "articles_per_s": round(len(recs) / elapsed, 2) if elapsed else None,
        "articles_per_cpu_s": round(len(recs) / cpu, 2) if cpu else None,
    }


def format_table(result: dict[str, Any]) -> str:
    """Plain-text report of :func:`run`'s figures."""
    if "skipped" in result:
        return f"skipped: {result['skipped']}"
    lines = [
        f"data: {result['data']}  articles: {result['articles']}  gold attributions: {result['gold_attributions']}",
        "",
        f"{'system':<26}{'role':<9}{'exact P/R/F1':>22}{'overlap P/R/F1':>22}{'token P/R/F1':>22}",
    ]

    def row(name: str, scores: dict[str, Any]) -> None:
        for role in ROLES:
            s = scores[role]
            cells = ["{p:5.1f} {r:5.1f} {f1:5.1f}".format(**s[k]) for k in ("exact", "overlap", "token")]
            lines.append(f"{name:<26}{role:<9}{cells[0]:>22}{cells[1]:>22}{cells[2]:>22}")

    ours = result["newsweave"]
    row("newsweave, every act", ours["scores"])
    row("newsweave, default", ours["default_scores"])
    ta = result.get("textacy")
    if ta and "skipped" not in ta:
        if ta.get("scores_where_it_ran"):
            row(f"textacy (ran on {ta['ran_on']})", ta["scores_where_it_ran"])
        row("textacy (all articles)", ta["scores_all_articles"])
    lines.append("")
    lines.append(f"speech-only view: the {result['gold_speech_attributions']} gold attributions whose cue is speech or writing")
    row("newsweave, every act", ours["speech_only_every_act"])
    row("newsweave, default", ours["speech_only"])
    if ta and "skipped" not in ta:
        row("textacy (all articles)", ta["speech_only"])
    lines.append("")
    lines.append(
        f"newsweave: {ours['articles_per_s']} articles/s ({ours['articles_per_cpu_s']} per CPU-second), "
        f"{ours['crashes']} crashes, {ours['quotes']} attributions"
    )
    if ours.get("parallel"):
        lines.append(f"newsweave, {ours['parallel']['processes']} processes: {ours['parallel']['articles_per_s']} articles/s")
    if ta and "skipped" not in ta:
        lines.append(
            f"textacy:   {ta['articles_per_s']} articles/s ({ta['articles_per_cpu_s']} per CPU-second), "
            f"{ta['crashes']} crashes of {result['articles']} articles"
        )
        if result.get("speedup_vs_textacy"):
            lines.append(
                f"speed-up over textacy: {result['speedup_vs_textacy']}x wall-clock, "
                f"{result.get('cpu_speedup_vs_textacy')}x CPU time"
            )
    elif ta:
        lines.append(f"textacy: {ta['skipped']}")
    if "sample" in result:
        from newsweave.bench.quote_sample import format_table as sample_table

        lines += ["", sample_table(result["sample"])]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m newsweave.bench.quotes", description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=None, help="PolNeAR-format JSONL (default: ../shared/data/quotes/polnear_dev.jsonl)")
    ap.add_argument("--limit", type=int, default=None, help="score only the first N articles")
    ap.add_argument("--no-peer", action="store_true", help="skip textacy")
    ap.add_argument("--processes", type=int, default=1, help="also time newsweave with N worker processes")
    ap.add_argument("--no-sample", action="store_true", help="skip the labelled BASIL/AllSides sample")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = ap.parse_args(argv)
    result = run(args.data, limit=args.limit, peer=not args.no_peer, processes=args.processes, sample=not args.no_sample)
    print(json.dumps(result, indent=2) if args.json else format_table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
