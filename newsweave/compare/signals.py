"""Per-article signals: debris removed at ingest, pronoun–gender slips, misspelt names,
and signs of machine translation or article spinning, combined into one score.

No single signal decides: each contributes a weight, the score is
``1 - prod(1 - w)`` over the signals found, and an article showing only one kind
of sign is capped below 0.5.  Every contribution is listed with its reason and
evidence spans.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict

from newsweave.compare._text import word_tokens
from newsweave.compare.names import _similar
from newsweave.enrich.sentences import split_sentences
from newsweave.model import Article, Finding

__all__ = ["article_signals", "style_features"]

_SPACE_BEFORE_CLOSE = re.compile(r"\S\s+”|(?<=[.,!?])\s+\"(?=\s|$)")
_SPACE_BEFORE_PUNCT = re.compile(r"\w( +)[,;:!?](?=\s|[”\"])")
_PUNCT_AFTER_CLOSE = re.compile(r"[a-z]”[.,](?=\s|$)")
_NO_SPACE_AFTER_CLOSE = re.compile(r"[.,!?]\s*”(?=[A-Za-z])")
_DASH_ASYMMETRIC = re.compile(r"\w[—–]\s|\s[—–]\w")
_DOUBLED = re.compile(r"\b(\w{2,})\s+\1\b", re.I)
_DOUBLED_OK = {"that", "had", "is", "very", "no", "so", "bye", "far", "again", "more", "really"}
_LOWER_START = re.compile(r"[.!?]\s+([a-z]\w*)")

# (signal, weight per occurrence, cap)
_WEIGHTS = {
    "pronoun_gender": (0.35, 0.45),
    "name_variant": (0.2, 0.3),
    "space_before_closing_quote": (0.15, 0.3),
    "space_before_punctuation": (0.1, 0.2),
    "punctuation_outside_quote": (0.05, 0.1),
    "asymmetric_dash": (0.05, 0.1),
    "stray_word": (0.2, 0.3),
    "doubled_word": (0.1, 0.2),
    "lowercase_sentence_start": (0.15, 0.25),
    "style_outlier": (0.1, 0.1),
}


def style_features(text: str) -> dict[str, float]:
    """Mean sentence length (words), type–token ratio (first 400 words), function-word rate."""
    sentences = split_sentences(text)
    lengths = [len(text[s.start : s.end].split()) for s in sentences] or [0]
    words = [w.lower() for w, _, _ in word_tokens(text)]
    sample = words[:400]
    function = {"the", "of", "and", "to", "a", "in", "that", "is", "for", "on", "with", "as", "by"}
    return {
        "mean_sentence_words": round(statistics.fmean(lengths), 2),
        "type_token_ratio": round(len(set(sample)) / max(1, len(sample)), 3),
        "function_word_rate": round(sum(w in function for w in words) / max(1, len(words)), 3),
    }


def _pattern_findings(article: Article) -> list[Finding]:
    text = article.text
    out: list[Finding] = []

    def add(kind: str, start: int, end: int, reason: str) -> None:
        out.append(Finding("mt_signal", article.id, start, end, _WEIGHTS[kind][0], reason, {"signal": kind}))

    for m in _SPACE_BEFORE_CLOSE.finditer(text):
        add("space_before_closing_quote", m.start() + 1, m.end(), "space before a closing quotation mark")
    for m in _NO_SPACE_AFTER_CLOSE.finditer(text):
        add("space_before_closing_quote", m.start(), m.end(), "closing quotation mark glued to the next word")
    for m in _SPACE_BEFORE_PUNCT.finditer(text):
        add("space_before_punctuation", m.start(1), m.end(), "space before a comma or other punctuation mark")
    for m in _PUNCT_AFTER_CLOSE.finditer(text):
        add("punctuation_outside_quote", m.start() + 1, m.end(), "sentence punctuation after the closing quotation mark")
    for m in _DASH_ASYMMETRIC.finditer(text):
        add("asymmetric_dash", m.start(), m.end(), "dash spaced on one side only")
    for m in _DOUBLED.finditer(text):
        if m.group(1).lower() not in _DOUBLED_OK:
            add("doubled_word", m.start(), m.end(), f"word repeated: '{m.group(0)}'")
    sentences = split_sentences(text)
    for prev, sent in zip(sentences, sentences[1:]):
        piece = text[sent.start : sent.end]
        words = piece.rstrip(".!?").split()
        prev_words = {w.strip(".,;:!?").lower() for w in text[prev.start : prev.end].split()}
        same_line = "\n" not in text[prev.end : sent.start]
        if same_line and 1 <= len(words) <= 2 and piece.endswith(".") and all(w.lower() in prev_words for w in words):
            add("stray_word", sent.start, sent.end, f"stray fragment repeating the previous sentence: '{piece}'")
    for m in _LOWER_START.finditer(text):
        word = m.group(1)
        if word in ("com", "org", "m", "s") or text[max(0, m.start() - 3) : m.start() + 1].lower().endswith(("u.s.", "a.m.", "p.m.", "...", "…")):
            continue
        add("lowercase_sentence_start", m.start(1), m.end(1), f"sentence starts in lower case: '{word}'")
    return out


def article_signals(
    articles: list[Article], quote_findings: dict[str, list[Finding]], name_findings: list[Finding],
) -> tuple[list[dict], list[Finding]]:
    """One signal record per article (score, reasons, debris) and the pattern findings."""
    names_by_article: dict[str, list[Finding]] = defaultdict(list)
    for f in name_findings:
        names_by_article[f.article_id].append(f)
    features = {a.id: style_features(a.text) for a in articles}
    # style outliers only make sense against several other articles
    outliers: dict[str, list[str]] = defaultdict(list)
    if len(articles) >= 4:
        for key in ("mean_sentence_words", "type_token_ratio", "function_word_rate"):
            values = [features[a.id][key] for a in articles]
            mean, sd = statistics.fmean(values), statistics.pstdev(values)
            for a in articles:
                if sd > 0 and abs(features[a.id][key] - mean) / sd > 2.5:
                    outliers[a.id].append(f"{key} {features[a.id][key]} vs story mean {mean:.2f}")

    records = []
    all_findings: list[Finding] = []
    for article in articles:
        patterns = _pattern_findings(article)
        all_findings.extend(patterns)
        contributions: dict[str, list[Finding]] = defaultdict(list)
        for f in quote_findings.get(article.id, []):
            if f.kind == "pronoun_gender":
                contributions["pronoun_gender"].append(f)
        for f in names_by_article.get(article.id, []):
            contributions["name_variant"].append(f)
        for f in patterns:
            contributions[f.data["signal"]].append(f)
        reasons = []
        weights = []
        for signal, found in sorted(contributions.items()):
            per, cap = _WEIGHTS[signal]
            w = min(cap, per * len(found))
            weights.append(w)
            reasons.append({"signal": signal, "count": len(found), "weight": round(w, 3),
                            "reason": found[0].reason,
                            "evidence": [{"start": f.start, "end": f.end} for f in found[:10]]})
        if outliers.get(article.id):
            per, cap = _WEIGHTS["style_outlier"]
            weights.append(per)
            reasons.append({"signal": "style_outlier", "count": len(outliers[article.id]), "weight": per,
                            "reason": "; ".join(outliers[article.id]), "evidence": []})
        score = 1.0
        for w in weights:
            score *= 1 - w
        score = 1 - score
        kinds = {r["signal"] for r in reasons}
        if len(kinds) < 2:
            score = min(score, 0.45)
        records.append({
            "article": article.id,
            "source": article.source,
            "debris": [{"rule": r.rule, "reason": r.reason, "text": r.text, "start": r.start, "end": r.end}
                       for r in article.removed],
            "pronoun_gender": [{"start": f.start, "end": f.end, "reason": f.reason}
                               for f in contributions.get("pronoun_gender", [])],
            "name_variants": [{"start": f.start, "end": f.end, "reason": f.reason}
                              for f in contributions.get("name_variant", [])],
            "machine_translation_score": round(score, 3),
            "likely_machine_translated_or_spun": score >= 0.5,
            "reasons": reasons,
            "style": features[article.id],
        })
    return records, all_findings


_GENDER_OF = {"he": "male", "him": "male", "his": "male", "himself": "male",
              "she": "female", "her": "female", "hers": "female", "herself": "female"}


def pronoun_consensus_findings(
    articles: list[Article], analyses: dict[str, object], already: set[tuple[str, int]] | None = None,
) -> list[Finding]:
    """``pronoun_gender`` findings where an article's pronouns for a person contradict the other outlets.

    A person is linked across articles by surname; the story's consensus is the pronoun
    gender most articles use for them (at least two articles, a strict majority).  The
    quotes stage flags a person called both "she" and "he" inside one article; this
    catches an article that only ever says "he" for a woman every other outlet calls "she".
    """
    already = already or set()
    usage: dict[str, dict[str, dict[str, list]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    names: dict[str, str] = {}
    for article in articles:
        analysis = analyses.get(article.id)
        for person in getattr(analysis, "people", []) or []:
            tokens = person.name.split()
            if not tokens:
                continue
            key = tokens[-1].lower()
            names.setdefault(key, person.name)
            for pronoun, spans in (person.pronouns or {}).items():
                gender = _GENDER_OF.get(pronoun.lower())
                if gender:
                    usage[key][article.id][gender].extend(spans)
    # a surname shared by different people ("Tom Ardent", "Lisa Ardent") is ambiguous: skip it
    firsts: dict[str, set[str]] = defaultdict(set)
    for article in articles:
        for person in getattr(analyses.get(article.id), "people", []) or []:
            tokens = person.name.split()
            if len(tokens) >= 2:
                firsts[tokens[-1].lower()].add(tokens[0].lower())
    findings = []
    for key, per_article in usage.items():
        distinct = sorted(firsts.get(key, ()))
        if any(a != b and not _similar(a, b) for a in distinct for b in distinct):
            continue
        votes = defaultdict(int)
        for genders in per_article.values():
            counts = {g: len(s) for g, s in genders.items()}
            if counts:
                votes[max(counts, key=lambda g: (counts[g], g))] += 1
        if not votes:
            continue
        consensus = max(votes, key=lambda g: (votes[g], g))
        if votes[consensus] < 2 or sum(votes.values()) - votes[consensus] >= votes[consensus]:
            continue
        for aid, genders in per_article.items():
            # an article whose own majority agrees with the story has at most a stray
            # resolution error, not a systematic pronoun swap: leave it to the in-article check
            own = {g: len(spans) for g, spans in genders.items()}
            if own.get(consensus, 0) >= sum(own.values()) - own.get(consensus, 0):
                continue
            for gender, spans in genders.items():
                if gender == consensus:
                    continue
                for span in spans:
                    if (aid, span.start) in already:
                        continue
                    findings.append(Finding(
                        "pronoun_gender", aid, span.start, span.end, 0.7,
                        f"{names[key]} is referred to with {'she/her' if consensus == 'female' else 'he/him'} "
                        f"in {votes[consensus]} articles of the story; this one uses '{gender == 'male' and 'he/him/his' or 'she/her'}' here",
                        {"person": names[key], "consensus": consensus, "used": gender},
                    ))
    return findings
