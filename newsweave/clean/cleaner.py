"""Clean an article: remove scraping debris, record every removed line, set paragraphs.

Two steps, kept apart so each is testable on its own:

* :func:`clean_text` *decides* — from the extracted text (and the title, to spot a repeated
  headline) it returns the clean text, paragraph spans, the removed lines with their rule
  and reason, warnings and a status;
* :func:`clean_article` *annotates* — it runs :func:`clean_text` on
  ``Article.extracted_text`` and sets ``text``, ``paragraphs``, ``removed``, ``status``,
  ``warnings`` and ``language`` on the article.

Nothing is dropped silently: every non-blank line of the extracted text ends up either in
the clean text or in ``removed`` (a property test checks this). Lines are stripped of
surrounding whitespace but otherwise kept byte-for-byte (curly quotes stay curly); the clean
text separates paragraphs with a blank line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newsweave.clean import rules
from newsweave.clean.lines import Line, split_lines, uses_blank_line_paragraphs
from newsweave.model import Article, ArticleStatus, RemovedLine, Span

__all__ = ["CleanResult", "clean_article", "clean_text", "PAYWALL_STUB_MAX_WORDS"]

#: An input with a paywall notice and fewer words than this left is a paywall stub.
PAYWALL_STUB_MAX_WORDS = 150
#: A clean text with fewer words than this gets a "very short" warning.
SHORT_TEXT_WORDS = 80
#: A line a rule matched is spared (kept, named in a warning as a candidate) when it reads like
#: body text: at least this many words, ending a sentence, not among the first/last lines.
BODY_LIKE_MIN_WORDS = 25
#: Lines at the very top or bottom of a text are where debris sits; only lines between these
#: edges count as "in the middle".
EDGE_LINES = 2
#: With this many lone date lines inside the body, dates are structure (a timeline), not
#: teaser stamps, so no teaser/date pair is removed.
TIMELINE_MIN_DATES = 3

_WARN_PREFIX = "clean: "


@dataclass(slots=True)
class CleanResult:
    """What cleaning decided for one text (offsets of ``removed`` index the input text)."""

    text: str
    paragraphs: list[Span]
    removed: list[RemovedLine]
    status: ArticleStatus
    warnings: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------- deciding

Verdicts = dict[int, tuple[str, str]]  # line index -> (rule id, reason)


def _line_rules(lines: list[Line], title: str | None, verdicts: Verdicts) -> None:
    for line in lines:
        reason = rules.repeated_headline(line.text, title)
        if reason:
            verdicts[line.index] = ("repeated_headline", reason)
            continue
        for rule_id, rule in rules.LINE_RULES:
            reason = rule(line.text)
            if reason:
                verdicts[line.index] = (rule_id, reason)
                break


def _captions(lines: list[Line], blank_mode: bool, verdicts: Verdicts) -> None:
    """Caption lines just before a credit line, and caption+credit on one line.

    The caption must sit right above the credit with no blank line between them: up to three
    lines in blank-line texts (a caption block), only one in one-paragraph-per-line texts
    (there every prose paragraph is also "just before" something). In blank-line texts a
    one-line paragraph directly before a credit standing alone also counts. Captions placed
    *after* their credit are not recognised (too easily confused with the next paragraph).
    """
    for line in lines:
        if line.index in verdicts:
            continue
        if rules.ends_with_credit(line.text) and rules.caption_like(line.text, max_len=320):
            verdicts[line.index] = ("photo_caption", "photo caption with its credit")
    credits = [ln for ln in lines if verdicts.get(ln.index, ("",))[0] == "photo_credit"]
    for credit in credits:
        found = 0
        limit, max_len = (3, 250) if blank_mode else (1, 200)
        j = credit.index - 1
        while j >= 0 and found < limit:
            prev = lines[j]
            if prev.index in verdicts or not rules.caption_like(prev.text, max_len=max_len):
                break
            if prev.block != credit.block:  # never across a blank line here
                break
            verdicts[prev.index] = ("photo_caption", "photo caption (line before a credit)")
            found += 1
            j -= 1
        if found or not blank_mode or credit.index == 0:
            continue
        prev = lines[credit.index - 1]
        alone = credit.index + 1 >= len(lines) or lines[credit.index + 1].block != credit.block
        prev_single = credit.index - 2 < 0 or lines[credit.index - 2].block != prev.block
        if (
            prev.block != credit.block
            and alone
            and prev_single
            and prev.index not in verdicts
            and (prev.index > 0 or prev.text.endswith("."))  # not a headline
            and rules.caption_like(prev.text, max_len=160)
        ):
            verdicts[prev.index] = ("photo_caption", "photo caption (paragraph before a lone credit)")


def _dates(lines: list[Line], verdicts: Verdicts, warnings: list[str]) -> None:
    """Lone date lines: a stamp at the top, a teaser's date, or structure to keep."""
    dates = [ln for ln in lines if ln.index not in verdicts and rules.is_date_only(ln.text)]
    body_dates: list[Line] = []
    kept_before = [0] * (len(lines) + 1)  # kept_before[i]: lines kept among lines[:i]
    for ln in lines:
        kept_before[ln.index + 1] = kept_before[ln.index] + (ln.index not in verdicts)
    # The header: the lines before the first long (prose-paragraph-sized) line — headline,
    # dek, byline, summary bullets. A lone date there is the publication stamp.
    first_long = next(
        (ln.index for ln in lines if ln.index not in verdicts and (len(ln.text) >= 150 or len(ln.text.split()) >= 25)),
        len(lines),
    )
    for d in dates:
        before = kept_before[d.index]
        prev_kept = None
        if before == 1:
            prev_kept = next((ln for ln in reversed(lines[: d.index]) if ln.index not in verdicts), None)
        # a stamp under the headline/byline: nothing or one unpunctuated line above it
        if before == 0 or (before == 1 and (prev_kept is None or not rules.sentence_count(prev_kept.text))):
            verdicts[d.index] = ("date_line", "publication date line at the top")
        elif d.index < first_long and before <= 6:
            verdicts[d.index] = ("date_line", "publication date line in the header (before the first paragraph)")
        else:
            body_dates.append(d)
    if len(body_dates) >= TIMELINE_MIN_DATES:
        warnings.append(
            f"kept {len(body_dates)} lone date lines (looks like a timeline, not teaser stamps)"
        )
        return
    decided: dict[int, list[tuple[int, str, str]]] = {}
    structural: list[Line] = []
    for d in body_dates:
        prev = lines[d.index - 1]
        nxt = lines[d.index + 1] if d.index + 1 < len(lines) else None
        continues = nxt is not None and nxt.text[:1].islower()
        if prev.index in verdicts:
            rule_id = verdicts[prev.index][0]
            if rule_id == "related_teaser":
                decided[d.index] = [(d.index, "teaser_date", "date line of a related-story teaser")]
            else:
                decided[d.index] = [(d.index, "date_line", f"lone date line next to debris ({rule_id})")]
        elif prev.index > 0 and rules.teaser_like(prev.text) and not continues:
            decided[d.index] = [
                (prev.index, "related_teaser", "related-story teaser (short line followed by a lone date line)"),
                (d.index, "teaser_date", "date line of a related-story teaser"),
            ]
        else:
            structural.append(d)
    if structural:
        # One date line that is clearly structure (after a quote, an introduction, a long
        # paragraph) means the text uses dates as headings; pairing the others with the
        # paragraph before them would cut real text, so keep every lone date line.
        for d in body_dates:
            prev_rule = verdicts.get(d.index - 1, ("",))[0] if d.index else ""
            if prev_rule == "related_teaser":  # a labelled teaser's date is still debris
                verdicts[d.index] = ("teaser_date", "date line of a related-story teaser")
            else:
                warnings.append(f"kept lone date line {d.text!r} (dates look structural here)")
        return
    for entries in decided.values():
        for index, rule_id, reason in entries:
            verdicts[index] = (rule_id, reason)


def _body_like(line: Line, total: int) -> bool:
    """Long, sentence-like and in the middle of the text: the shape of a paragraph, not debris."""
    return (
        EDGE_LINES <= line.index < total - EDGE_LINES
        and len(line.text.split()) >= BODY_LIKE_MIN_WORDS
        and rules.sentence_count(line.text) >= 1
        and line.text.rstrip("\"”’')]")[-1:] in ".!?…"
    )


def _spare_body_lines(lines: list[Line], verdicts: Verdicts, warnings: list[str]) -> None:
    """A rule's verdict on a body-like line becomes a candidate (kept, named in a warning).

    Why: every rule is judged by shape, and a wrongly removed paragraph is lost evidence
    while a leftover line is only noise; a repeated headline is an exact match, never spared.
    """
    for line in lines:
        verdict = verdicts.get(line.index)
        if verdict is None or verdict[0] == "repeated_headline" or not _body_like(line, len(lines)):
            continue
        del verdicts[line.index]
        warnings.append(f"kept as a candidate for {verdict[0]} ({verdict[1]}), it reads like body text: "
                        f"chars {line.start}-{line.end}")


def _paragraphs(kept: list[Line], blank_mode: bool) -> list[str]:
    if not blank_mode:
        return [ln.text for ln in kept]
    out: list[str] = []
    block: int | None = None
    for ln in kept:
        if ln.block == block:
            out[-1] += "\n" + ln.text
        else:
            out.append(ln.text)
            block = ln.block
    return out


def clean_text(extracted: str, title: str | None = None) -> CleanResult:
    """Clean one extracted text; see the module docstring. Never raises on any ``str``."""
    lines = split_lines(extracted)
    warnings: list[str] = []
    if not lines:
        return CleanResult("", [], [], ArticleStatus.EMPTY, ["no text"])
    blank_mode = uses_blank_line_paragraphs(lines)
    verdicts: Verdicts = {}
    _line_rules(lines, title, verdicts)
    _captions(lines, blank_mode, verdicts)
    _dates(lines, verdicts, warnings)
    _spare_body_lines(lines, verdicts, warnings)

    kept = [ln for ln in lines if ln.index not in verdicts]
    paragraphs = _paragraphs(kept, blank_mode)
    spans: list[Span] = []
    pos = 0
    for p in paragraphs:
        spans.append(Span(pos, pos + len(p)))
        pos += len(p) + 2
    text = "\n\n".join(paragraphs)
    removed = [
        RemovedLine(ln.text, verdicts[ln.index][1], verdicts[ln.index][0], ln.start, ln.end)
        for ln in lines
        if ln.index in verdicts
    ]

    words = len(text.split())
    has_paywall = any(r.rule == "paywall_notice" for r in removed)
    has_prose = any(
        len(ln.text.split()) >= 8 or (rules.sentence_count(ln.text) and len(ln.text.split()) >= 4) for ln in kept
    )
    if has_paywall and words < PAYWALL_STUB_MAX_WORDS:
        status = ArticleStatus.PAYWALL
        warnings.append(f"paywall stub: {words} words left besides the paywall notice")
    elif not kept:
        status = ArticleStatus.BOILERPLATE
        warnings.append("nothing but debris")
    elif not has_prose:
        status = ArticleStatus.BOILERPLATE
        warnings.append("no prose left once debris was removed")
    else:
        status = ArticleStatus.OK
        if words < SHORT_TEXT_WORDS:
            warnings.append(f"very short text ({words} words)")
    return CleanResult(text, spans, removed, status, warnings)


# ---------------------------------------------------------------------------- annotating


def clean_article(article: Article) -> Article:
    """Clean ``article`` in place and return it.

    Reads ``article.extracted_text`` (falling back to ``article.text`` when a caller set only
    that, which then becomes the extracted text) and sets ``text``, ``paragraphs``,
    ``removed``, ``status``, ``warnings`` (cleaning's own entries start with ``"clean: "``
    and are replaced on a re-run; a reader's warnings are kept) and ``language`` (detected
    from the clean text; a language the input declared is kept when detection is unsure).
    Running it twice gives the same result.
    """
    if not article.extracted_text and article.text:
        article.extracted_text = article.text
    result = clean_text(article.extracted_text or "", article.title)
    article.text = result.text
    article.paragraphs = result.paragraphs
    article.removed = result.removed
    article.status = result.status
    warnings = [w for w in article.warnings if not w.startswith(_WARN_PREFIX)]
    warnings.extend(_WARN_PREFIX + w for w in result.warnings)

    if result.text:
        from newsweave.enrich.language import detect_language

        detected = detect_language(result.text)
        if detected is not None:
            declared = (article.language or "").split("-")[0].split("_")[0].lower()
            if declared and declared != detected:
                warnings.append(f"{_WARN_PREFIX}declared language {article.language!r}, text reads as {detected!r}")
            article.language = detected
        elif article.language is None and result.status is ArticleStatus.OK:
            warnings.append(_WARN_PREFIX + "language not detected")
    article.warnings = warnings
    return article
