"""People, organisations and places per outlet, linked across outlets.

Entities come from spaCy's NER (``newsweave.nlp.load_english``, NER only, in one
batch).  Mentions are linked into one *name* across outlets by surname (people)
or by folded form (organisations, places); the story's consensus spelling is the
form most outlets use.  A spelling that is close to the consensus but not equal
("Marsol" for "Marisol") is linked to it and flagged ``name_variant``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz.distance import DamerauLevenshtein

from newsweave.compare.aspect import PreparedStory, Section
from newsweave.compare.records import NameMention, NameRecord
from newsweave.enrich.entities import NER_DISABLED
from newsweave.model import Article, Finding
from newsweave.text.fold import fold
from newsweave.text.stem import stem
from newsweave.text.titles import NAME_LINK_TITLES as _TITLE_WORDS

__all__ = ["Entity", "NamesAspect", "extract_entities", "entities_from_spans", "compare_names", "LABELS"]

LABELS = {"PERSON": "person", "ORG": "org", "GPE": "place", "LOC": "place", "NORP": "group", "FAC": "place"}
_CAP_WORD = re.compile(r"\b[A-Z][a-z]{2,}\b")
_LOWER_WORD = re.compile(r"(?<![\w.])[a-z]{3,}\b")


@dataclass(frozen=True, slots=True)
class Entity:
    article_id: str
    label: str  # person | org | place | group
    text: str  # as written
    start: int
    end: int

    @property
    def core(self) -> str:
        """The name without titles or possessive: "Arizona Gov. Doug Ducey" -> "Doug Ducey"."""
        text = re.sub(r"[’']s?$", "", self.text.strip()).strip()
        if self.label != "person":
            return re.sub(r"^the\s+", "", text, flags=re.I)
        tokens = text.split()
        while tokens and (tokens[0].lower() in _TITLE_WORDS or tokens[0].lower().rstrip(".") in _TITLE_WORDS):
            tokens.pop(0)
        # "Arizona Gov. Doug Ducey": drop everything up to the last title word
        for i, tok in enumerate(tokens):
            if tok.lower() in _TITLE_WORDS or tok.lower().rstrip(".") in _TITLE_WORDS:
                tokens = tokens[i + 1 :]
        return " ".join(tokens)


def extract_entities(articles: list[Article], batch_size: int = 32) -> dict[str, list[Entity]]:
    """Named entities of each article's clean text, NER only, batched."""
    from newsweave.nlp import load_english

    nlp = load_english(disable=NER_DISABLED)
    texts = [a.text for a in articles]
    return {
        article.id: entities_from_spans(article, ((e.label_, e.start_char, e.end_char) for e in doc.ents))
        for article, doc in zip(articles, nlp.pipe(texts, batch_size=batch_size))
    }


def entities_from_spans(article: Article, spans: Iterable[tuple[str, int, int]]) -> list[Entity]:
    """The compared entities among NER spans (spaCy label, start, end) into ``article.text``.

    The stored per-article analysis keeps every NER span; this picks the ones compare links.
    """
    ents = []
    for spacy_label, start, end in spans:
        label = LABELS.get(spacy_label)
        if label is None:
            continue
        text = article.text[start:end]
        if label == "person" and ("\n" in text or len(text) > 60):
            continue
        ents.append(Entity(article.id, label, text, start, end))
    return ents


def _person_key(core: str) -> str:
    tokens = core.split()
    return fold(tokens[-1]) if tokens else ""


@functools.lru_cache(maxsize=1 << 16)  # a story's few hundred names are compared pairwise: fold each once
def _plain(text: str) -> str:
    """Folded and without accents: "Moïse" and "Moise", "Peña" and "Pena" are one spelling."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", fold(text)) if not unicodedata.combining(ch))


def _similar(a: str, b: str) -> bool:
    """A likely misspelling: same initial, edit distance 1-2 relative to length, not just accents."""
    a_f, b_f = _plain(a), _plain(b)
    if a_f == b_f or min(len(a_f), len(b_f)) < 4 or a_f[0] != b_f[0]:
        return False
    dist = DamerauLevenshtein.distance(a_f, b_f)
    return dist <= (1 if min(len(a_f), len(b_f)) < 7 else 2)


def _word_form(a: str, b: str) -> bool:
    """Two forms of one word ("Republican"/"Republicans", "Democrats"/"Democratic"), not two spellings."""
    a_f, b_f = fold(a), fold(b)
    return a_f.startswith(b_f) or b_f.startswith(a_f) or stem(a_f) == stem(b_f) or (
        len(a_f) > 5 and len(b_f) > 5 and a_f[:-3] == b_f[:-3])


@dataclass(frozen=True, slots=True)
class _VariantEvidence:
    """What a careful editor checks before calling a person's name misspelt in one article."""

    consensus_tokens: list[str]
    token_articles: dict[str, set[str]]  # name token -> articles writing it in this person's name
    story_words: set[str]  # lower-case words of the story: an ordinary word is no misspelling

    def misspelt(self, tok: str) -> str | None:
        """The consensus token ``tok`` misspells, or None.

        It must be one or two letters from a consensus token (same initial), not a form of the
        same word, not an ordinary lower-case word of the story, and the consensus spelling must
        be written by at least two articles while at most one writes ``tok``.
        """
        if tok in self.consensus_tokens or fold(tok) in self.story_words:
            return None
        own = self.token_articles.get(tok, set())
        for ctok in self.consensus_tokens:
            backing = self.token_articles.get(ctok, set())
            if _similar(tok, ctok) and not _word_form(tok, ctok) and len(backing) >= 2 and len(own) <= 1 \
                    and len(backing) > len(own):
                return ctok
        return None

    def same_person(self, core: str, tok: str) -> bool:
        """Whether the mention's other name words fit the consensus name (not a namesake: "Megyn Kelley")."""
        return all(t in self.consensus_tokens or any(_similar(t, c) or _initial_of(t, c) for c in self.consensus_tokens)
                   for t in core.split() if t != tok)


def _initial_of(short: str, name: str) -> bool:
    """An initial or a short form of the name ("J." for "Jon", "Ben" for "Benjamin")."""
    stem_ = fold(short).rstrip(".")
    return bool(stem_) and fold(name).startswith(stem_) and (len(stem_) == 1 or len(stem_) >= 3)


def _widest_spelling(tok: str, token_articles: dict[str, set[str]]) -> str:
    """The spelling of a name word that most articles write ("Trump" over one outlet's "Trrump")."""
    close = [t for t in token_articles if t == tok or (_similar(t, tok) and not _word_form(t, tok))]
    return max(close, key=lambda t: (len(token_articles[t]), t == tok, t))


def _unrecognised_variants(evidence: _VariantEvidence, cap_words: dict[str, list[tuple[str, int]]],
                           by_id: dict[str, Article], found: list[tuple]) -> list[tuple]:
    """Misspellings NER missed: a capitalised word that misspells a consensus token, beside the
    next or previous token of the name or after a title ("Mr. Priebis")."""
    tokens = evidence.consensus_tokens
    if len(tokens) < 2:
        return []
    taken = {(v[0].article_id, v[3]) for v in found}
    out = []
    for tok, places in cap_words.items():
        ctok = None if evidence.token_articles.get(tok) else evidence.misspelt(tok)
        if ctok is None:
            continue
        idx = tokens.index(ctok)
        nxt = tokens[idx + 1] if idx + 1 < len(tokens) else None
        prv = tokens[idx - 1] if idx > 0 else None
        for aid, pos in places:
            text = by_id[aid].text
            after = text[pos + len(tok) : pos + len(tok) + 40].split()
            before = text[max(0, pos - 40) : pos].split()
            titled = bool(before) and (before[-1] == prv or before[-1].lower().rstrip(".") in _TITLE_WORDS
                                       or before[-1].lower() in _TITLE_WORDS)
            # "Rep. Mike Doyle" is someone else, not a misspelt "Mika": a name goes on after it
            goes_on = bool(after) and after[0][:1].isupper() and not (nxt and after[0].startswith(nxt))
            if ((nxt and after and after[0].startswith(nxt)) or (titled and not goes_on)) and (aid, pos) not in taken:
                out.append((Entity(aid, "person", tok, pos, pos + len(tok)), tok, ctok, pos))
    return out


def _reach(ents: list[Entity]) -> tuple[int, int]:
    """How widely a name group is carried: (articles, mentions), for ranking groups."""
    return (len({e.article_id for e in ents}), len(ents))


def _group_entities(entities: dict[str, list[Entity]]) -> dict[tuple[str, str], list[Entity]]:
    """Mentions grouped by (label, key): surname for people, folded form otherwise."""
    groups: dict[tuple[str, str], list[Entity]] = defaultdict(list)
    for ents in entities.values():
        for ent in ents:
            core = ent.core
            if not core:
                continue
            key = _person_key(core) if ent.label == "person" else fold(core)
            if not key:
                continue
            groups[(ent.label if ent.label != "group" else "group", key)].append(ent)
    return groups


def _merge_mislabelled_surnames(groups: dict[tuple[str, str], list[Entity]]) -> None:
    """Move one-word non-person names equal to a person's surname into that person (NER mislabels)."""
    # NER sometimes labels a person's surname as an organisation or place ("Quintero" as ORG):
    # a one-word non-person name equal to a person's surname joins that person.
    person_full = {fold(e.core): key for (label, key), ents in groups.items() if label == "person" for e in ents}
    for (label, key) in list(groups):
        if label == "person":
            continue
        target = ("person", key) if ("person", key) in groups and " " not in key else None
        if target is None and key in person_full:
            target = ("person", person_full[key])
        if target is not None:
            groups[target].extend(Entity(e.article_id, "person", e.text, e.start, e.end) for e in groups.pop((label, key)))


def _merge_plural_surnames(groups: dict[tuple[str, str], list[Entity]]) -> None:
    """Fold a plural surname group ("the Clintons") into the surname's group."""
    # "the Clintons": a plural surname joins the surname
    for (label, key) in list(groups):
        if label == "person" and key.endswith("s") and ("person", key[:-1]) in groups:
            groups[("person", key[:-1])].extend(groups.pop((label, key)))


def _merge_misspelt_keys(groups: dict[tuple[str, str], list[Entity]]) -> None:
    """Fold person groups whose key likely misspells a more widely carried key into that key."""
    # Merge groups whose key is a likely misspelling of a more widely carried key (same label).
    keys = sorted(groups, key=lambda k: _reach(groups[k]), reverse=True)
    merged_into: dict[tuple[str, str], tuple[str, str]] = {}
    for i, key in enumerate(keys):
        if key in merged_into:
            continue
        for other in keys[i + 1 :]:
            if other in merged_into or other[0] != key[0] or key[0] != "person":
                continue
            if _reach(groups[other]) < _reach(groups[key]) and _similar(other[1], key[1]) and not _word_form(other[1], key[1]):
                merged_into[other] = key
    for other, key in merged_into.items():
        groups[key].extend(groups.pop(other))


def _story_vocabulary(articles: list[Article]) -> tuple[dict[str, list[tuple[str, int]]], set[str]]:
    """Capitalised words with their places, and lower-case words, of the whole story (variant evidence)."""
    cap_words: dict[str, list[tuple[str, int]]] = defaultdict(list)
    story_words: set[str] = set()
    for article in articles:
        for m in _CAP_WORD.finditer(article.text):
            cap_words[m.group(0)].append((article.id, m.start()))
        story_words.update(_LOWER_WORD.findall(article.text))
    return cap_words, story_words


def _consensus_name(ents: list[Entity]) -> tuple[Counter[str], dict[str, set[str]], list[str], str]:
    """The group's form votes, token backing and consensus spelling, which variants are judged against."""
    # consensus form: the full (multi-token) core most articles write, else the most common core
    per_article_forms: dict[str, set[str]] = defaultdict(set)
    for e in ents:
        per_article_forms[e.core].add(e.article_id)
    form_votes = Counter({f: len(a) for f, a in per_article_forms.items()})
    longest = max(len(f.split()) for f in form_votes)
    token_articles: dict[str, set[str]] = defaultdict(set)
    for e in ents:
        for tok in e.core.split():
            token_articles[tok].add(e.article_id)
    full_forms = Counter({f: v for f, v in form_votes.items() if len(f.split()) == longest})
    # ties between full forms go to the spelling more articles use, word by word
    consensus = sorted(full_forms.items(), key=lambda kv: (
        -kv[1], -sum(len(token_articles[t]) for t in kv[0].split()), kv[0]))[0][0]
    consensus_tokens = [_widest_spelling(tok, token_articles) for tok in consensus.split()]
    consensus = " ".join(consensus_tokens)
    return form_votes, token_articles, consensus_tokens, consensus


def _person_variants(ents: list[Entity], evidence: _VariantEvidence, cap_words: dict[str, list[tuple[str, int]]],
                     by_id: dict[str, Article]) -> list[tuple]:
    """Misspelt name words of one person, in NER mentions and in capitalised words NER missed."""
    variants = []
    for e in ents:
        for tok in e.core.split():
            ctok = evidence.misspelt(tok)
            if ctok and evidence.same_person(e.core, tok):
                offset = e.text.find(tok)
                variants.append((e, tok, ctok, e.start + max(offset, 0)))
    variants += _unrecognised_variants(evidence, cap_words, by_id, variants)
    return variants


def _variant_findings(variants: list[tuple], token_articles: dict[str, set[str]], consensus: str,
                      label: str) -> list[Finding]:
    """One ``name_variant`` finding per distinct variant place, so a place is reported once."""
    findings: list[Finding] = []
    seen = set()
    for e, tok, ctok, start in variants:
        if (e.article_id, start) in seen:
            continue
        seen.add((e.article_id, start))
        findings.append(Finding(
            kind="name_variant", article_id=e.article_id, start=start, end=start + len(tok), score=0.8,
            reason=(f"'{tok}' looks like a misspelling of '{ctok}' in '{consensus}': "
                    f"{len(token_articles[ctok])} articles write '{ctok}', this one alone writes '{tok}'"),
            data={"variant": tok, "consensus_token": ctok, "name": consensus, "label": label,
                  "articles_with_consensus": sorted(token_articles[ctok])},
        ))
    return findings


def compare_names(articles: list[Article],
                  entities: dict[str, list[Entity]]) -> tuple[list[NameRecord], list[Finding]]:
    """Names linked across outlets, and ``name_variant`` findings for misspelt consensus names."""
    by_id = {a.id: a for a in articles}
    groups = _group_entities(entities)
    _merge_mislabelled_surnames(groups)
    _merge_plural_surnames(groups)
    _merge_misspelt_keys(groups)
    cap_words, story_words = _story_vocabulary(articles)

    names: list[NameRecord] = []
    findings: list[Finding] = []
    for (label, _key), ents in sorted(groups.items(), key=lambda kv: (-_reach(kv[1])[0], -_reach(kv[1])[1], kv[0])):
        form_votes, token_articles, consensus_tokens, consensus = _consensus_name(ents)
        mentions_by_article: dict[str, list[NameMention]] = defaultdict(list)
        for e in ents:
            mentions_by_article[e.article_id].append({"text": e.text, "start": e.start, "end": e.end})
        variants = []
        if label == "person":
            evidence = _VariantEvidence(consensus_tokens, token_articles, story_words)
            variants = _person_variants(ents, evidence, cap_words, by_id)
        findings.extend(_variant_findings(variants, token_articles, consensus, label))
        names.append({
            "name": consensus,
            "label": label,
            "articles": sorted(mentions_by_article),
            "forms": sorted(form_votes),
            "mentions": {aid: m for aid, m in sorted(mentions_by_article.items())},
            "variants": sorted({v[1] for v in variants}),
        })
    return names, findings


class NamesAspect:
    """The story's ``names``: people, organisations and places linked across outlets."""

    name = "names"

    def compare(self, story: PreparedStory) -> Section[list[NameRecord]]:
        names, findings = compare_names(story.articles, story.entities)
        return Section(names, findings)
