"""What each attribution reports (its act) and who its source is (speaker type), and how sure that is.

The rules and the role tagger find attributions the way PolNeAR annotates
them: beliefs ("felt that"), nominal reports ("the finding that") and plenty of
verbs that report nothing ("went against", "is challenging") count. A reader
checking who said what wants reported speech and writing. This stage labels
every quote:

* ``act`` — ``speech`` / ``writing`` / ``thought`` / ``nominal`` / ``other``,
  from the reporting word of the cue (its word class from the parse: a verb
  reports, a noun or an adjectival participle is nominal), negation or
  unrealised speech ("declined to comment", "is expected to announce"), the
  medium ("in a statement", "tweeted") and the source (a report that "found"
  something is writing; a person who "found" it thought it);
* ``speaker_type`` — ``person`` / ``organisation`` / ``document`` / ``group`` /
  ``unresolved``, from the resolved speaker or the head noun of the source;
* a ``confidence`` that means what it says: the chance that the quote is reported
  speech or writing *and* its speaker is right (the act's weight times the
  speaker's), so thoughts and non-reports sink below any sensible threshold
  while a well-attributed statement keeps its score;
* the source as written without a dateline ("DES MOINES —"), and a source that
  is the object of a participle ("The parole board decision allowing his
  release said") widened to the noun the participle belongs to.

Word lists are hand-made from the verbs of English reporting (Levin classes
37.7 "say", 37.1 "transfer of message", 29.5 "conjecture"); they label, they do
not find: finding stays with the rules and the tagger.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from newsweave.enrich.quotes.lexicon import inflect
from newsweave.enrich.quotes.people import _ORG_WORDS as _ORG_NAME_WORDS
from newsweave.model import Quote, Span

__all__ = ["judge", "judge_quotes", "act_of_words", "cue_act", "SPEECH", "WRITING", "THOUGHT", "FINDING"]

SPEECH = frozenset("""
say tell add note explain argue claim insist assert state declare announce warn caution urge suggest
acknowledge admit concede confirm deny reply respond answer ask recall remark observe comment mention
predict promise pledge vow vouch boast complain lament emphasize emphasise stress reiterate repeat contend
maintain allege charge accuse blame criticize criticise praise call describe characterize characterise
testify quip joke muse sigh scoff shout yell whisper chant question speculate cite quote tout hail blast slam
attack denounce condemn decry dismiss reject defend counter retort rebut interrupt assure reassure inform
notify brief advise recommend propose demand threaten forecast echo voice express discuss talk speak dispute
disclose reveal apologize apologise thank rail plead beg instruct concur agree
disagree object protest insist reckon wonder estimate identify label brand dub refer concede affirm reaffirm
recount relate narrate counsel signal hint imply indicate point highlight underscore rule outline detail
""".split())
WRITING = frozenset("write tweet retweet post publish report blog email e-mail text editorialize".split())
THOUGHT = frozenset("""
believe think feel fear hope expect worry doubt know understand recognize recognise assume guess view
consider prefer want suspect realize realise decide regard imagine wish intend trust figure sense see
""".split())
# what a document finds and shows is its writing; a person who finds or shows something did not say it
FINDING = frozenset("find show conclude determine estimate calculate project suggest indicate reveal".split())
# "made sweeping statements", "issued a warning": a light verb with a reporting noun reports speech
_LIGHT_VERBS = frozenset("make made makes making issue issued issues issuing give gave gives giving deliver delivered "
                         "delivers delivering offer offered offers offering voice voiced voices voicing express "
                         "expressed expresses expressing raise raised raises raising".split())
_SAYING_NOUNS = frozenset("statement statements prediction predictions remark remarks comment comments claim claims "
                          "speech speeches announcement promise promises pledge warning warnings threat threats "
                          "accusation accusations allegation allegations argument case plea appeal call calls "
                          "assurance assurances apology denial concern concerns fear fears hope hopes doubt doubts "
                          "worry worries belief view views".split())
_CLAIM_NOUNS = frozenset("finding findings idea notion suggestion suggestions assertion assertions report reports "
                         "news rumor rumors rumour rumours speculation theory theories charge charges".split())
_PERFECT = frozenset({"has", "have", "had", "having"})
_MEDIUM_PREPS = frozenset({"in", "on", "via", "through", "during", "at", "to", "with", "for", "by"})
_PASSIVE_AUX = frozenset({"is", "are", "was", "were", "be", "been", "being", "get", "gets", "got", "'s", "’s"})

# forms that precede the reporting word and unsay it: "declined to comment", "is expected to announce"
_UNSAYING = frozenset("""
not n't never no declined decline declines declining refused refuse refuses refusing failed fails expected
expects plans plan planned will-not wouldn't won't didn't doesn't don't
""".split())
_MEDIUM = re.compile(
    r"\b(?:in|on|via|through)\s+(?:a|an|the|his|her|their|its|one)?\s*(?:\w+\s+){0,2}"
    r"(?:statement|letter|memo|email|e-mail|tweet|tweets|twitter|post|facebook|instagram|op-ed|column|"
    r"filing|release|press release|court papers|report|blog|book|message|note|affidavit|complaint)\b",
    re.IGNORECASE,
)
_CAPTION = re.compile(
    r"(?:^|[\n(|•])\s*(?:read more|more|related|watch|video|photo|photos|image|images|caption|credit|listen|"
    r"see also|click here|sign up|subscribe|follow|ap photo|getty images|reuters photo|file photo|file)\b[^\n.]*?[:/|)]",
    re.IGNORECASE,
)
_DATELINE = re.compile(r"^[A-Z][A-Z .'’]{2,30}(?:,\s*(?:[A-Z][A-Za-z.]{1,12}\s?){1,3})?\s*(?:\([^)]{1,20}\)\s*)?(?:[―—–]|--?)\s*")

_PERSON_HEADS = frozenset("""
official spokesman spokeswoman spokesperson president senator lawmaker congressman congresswoman man woman
journalist reporter governor secretary director chairman chairwoman chair attorney lawyer source economist
expert analyst adviser advisor aide leader member candidate judge justice minister ambassador doctor
professor staffer executive founder host author researcher scientist worker resident witness father mother
son daughter wife husband friend neighbor neighbour officer chief commissioner mayor sheriff prosecutor
general nominee speaker counsel representative strategist pollster historian manager owner ceo head
teacher student victim lawmaker activist advocate organizer organiser priest pastor bishop pope king queen
prince princess premier chancellor diplomat envoy investigator detective agent commander soldier veteran
nurse physician surgeon economist consultant operative insider donor voter supporter critic opponent
congressman boss partner colleague brother sister uncle aunt child girl boy editor columnist commentator
anchor correspondent publisher writer novelist actor actress singer star player coach athlete person one
governor-elect president-elect chairperson superintendent administrator principal dean provost trustee
""".split())
_GROUP_WORDS = frozenset("""
some many others most several few both all they we people sources critics experts residents officials aides
family families crowd audience public majority minority chorus number handful couple dozen dozens series
everyone everybody someone somebody anyone nobody
""".split())
# a described source whose head ends like a role noun ("questioner", "mogul" does not) is a person
_PERSON_SUFFIX = re.compile(r"(?:er|or|ist|ian|ant|ent|man|woman|person|ee|eur|ive|ary|crat|mogul|tycoon|magnate)$")
_CAPITALISED_WORDS = re.compile(r"[A-Z][\w.'’&-]*(?:\s+[A-Z][\w.'’&-]*)*")  # a proper name: "Kestrel Polymers"
_ORG_HEADS = frozenset("""
house administration department agency committee campaign company court group coalition association
organization organisation party government ministry office council board commission union network newspaper
outlet magazine paper station channel firm bank university institute center centre foundation school
college hospital church army navy police fbi cia pentagon kremlin senate congress assembly legislature
parliament team club league corporation business industry service bureau authority authorities embassy
consulate caucus panel jury prosecutors regulator regulators watchdog nonprofit charity
city town village county state country nation province region district municipality borough
""".split())
_DOCUMENT_HEADS = frozenset("""
report study survey poll polls figures data memo memorandum letter statement indictment complaint lawsuit
suit filing ruling decision order analysis document documents e-mails emails records bill ad advertisement
article story snapshot resolution audit review assessment estimate estimates appeal petition motion
brief findings research book op-ed editorial column tweet post transcript cable note warrant affidavit
testimony opinion verdict judgment judgement guidance guidelines proposal plan budget website site video
footage recording tape message messages text texts notes minutes log logs file files paper papers
response reply clip spot journal sample samples test tests results measurements readings
""".split())
# things that are shown or seen, not sources: "images of children … reveal the toll"
_MUTE_HEADS = frozenset("image images photo photos photograph photographs picture pictures scene scenes sight sights "
                        "surge figure death deaths".split())
_PRONOUN_PERSON = frozenset({"he", "she", "i", "you", "who", "whom", "him", "her"})
_PRONOUN_GROUP = frozenset({"they", "we", "them", "us"})
_POSSESSIVES = frozenset({"his", "her", "their", "its", "my", "our", "your"})

# act -> how likely such a quote is reported speech or writing
_ACT_WEIGHT = {"speech": 1.0, "writing": 1.0, "thought": 0.3, "nominal": 0.25, "other": 0.12}
_FORM_LEMMA: dict[str, str] = {}
for _lemma in sorted(SPEECH | WRITING | THOUGHT | FINDING):
    for _form in inflect(_lemma):
        _FORM_LEMMA.setdefault(_form, _lemma)
_FORM_LEMMA.update({"saw": "see", "seen": "see", "spoke": "speak", "spoken": "speak", "thought": "think",
                    "referred": "refer", "referring": "refer", "ruled": "rule", "ruling": "rule",
                    "pointed": "point", "outlined": "outline"})


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    text: str
    tag: str
    dep: str
    head_start: int  # start offset of the syntactic head (itself for a root)


def _flatten(parsed: Any) -> list[_Token]:
    out: list[_Token] = []
    for para in getattr(parsed, "tokens", None) or []:
        for tok in para:
            head = para[tok.head] if 0 <= tok.head < len(para) else tok
            out.append(_Token(tok.start, tok.end, tok.text, tok.tag, tok.dep, head.start))
    out.sort(key=lambda t: t.start)
    return out


class _Tokens:
    """The parsed tokens of a text, looked up by character span."""

    def __init__(self, parsed: Any) -> None:
        self.toks = _flatten(parsed)
        self.starts = [t.start for t in self.toks]

    def within(self, span: Span) -> list[_Token]:
        i = bisect.bisect_left(self.starts, span.start)
        out = []
        while i < len(self.toks) and self.toks[i].start < span.end:
            out.append(self.toks[i])
            i += 1
        return out

    def before(self, pos: int, n: int) -> list[_Token]:
        i = bisect.bisect_left(self.starts, pos)
        return self.toks[max(0, i - n):i]

    def at(self, start: int) -> _Token | None:
        i = bisect.bisect_left(self.starts, start)
        return self.toks[i] if i < len(self.toks) and self.toks[i].start == start else None


def _words_of(text: str, span: Span) -> list[tuple[str, int]]:
    return [(m.group(0), span.start + m.start()) for m in re.finditer(r"[A-Za-z][A-Za-z'’-]*|[,;]", span.of(text))]


def act_of_words(words: list[tuple[str, str, str]]) -> tuple[str, str]:
    """The act of a cue from its words as ``(form, tag, dep)``; returns ``(act, why)``.

    The reporting word is the first *verb* of a known class (a noun of one
    makes the act ``nominal`` when the cue has no such verb). Before it, a
    negation or unrealised-speech word ("declined to comment", "is expected to
    announce") makes the act ``other``, unless a comma intervenes ("did not back
    down, saying"); so does a bare passive participle ("was charged", "Asked
    about") and an infinitive hanging off a noun ("reluctance to talk"). Tags
    may be empty (gold cues scored without a parse): then only the words
    decide. ``FINDING`` verbs come back as ``"finding"`` for the caller to
    settle by the source.
    """
    lowered = [w.lower().replace("’", "'") for w, _, _ in words]
    verbs = [k for k, low in enumerate(lowered) if low in _FORM_LEMMA and not words[k][1].startswith("NN")]
    if "according" in lowered and not any(words[k][1].startswith("VB") and lowered[k] != "according" for k in verbs):
        return "speech", "'according to'"
    light = next((k for k, low in enumerate(lowered) if low in _LIGHT_VERBS), None)
    if light is not None and any(low in _SAYING_NOUNS for low in lowered[light + 1:]):
        return "speech", f"'{words[light][0]} … {next(w for w in lowered[light + 1:] if w in _SAYING_NOUNS)}'"
    for k in verbs:
        form, tag, dep = words[k]
        lemma = _FORM_LEMMA[lowered[k]]
        why_not = _unsaid(lowered[:k], tag, dep, k + 1 < len(words) and words[k + 1][1].startswith("NN"))
        if why_not:
            return "other", f"'{form}' {why_not}"
        if lemma in WRITING:
            return "writing", f"'{form}' is a writing verb"
        if lemma in FINDING:
            return "finding", f"'{form}' reports a finding"
        if lemma in SPEECH:
            return "speech", f"'{form}' is a speech verb"
        return "thought", f"'{form}' reports a thought or belief"
    noun = next((w for (w, tag, _), low in zip(words, lowered) if low in _FORM_LEMMA or low in _SAYING_NOUNS), None)
    if noun is not None:
        return "nominal", f"'{noun}' is a noun or modifier, not a reporting verb"
    return "other", "the cue has no reporting word" + (f" ('{words[0][0]}')" if words else "")


def _claim_object(words: list[tuple[str, str, str]], content: str) -> bool:
    """"rejected the claim that X": X is the claim's, not the speaker's (a light verb aside: "made the claim")."""
    if not words or words[-1][1] not in ("NN", "NNS") or not re.match(r"\s*that\b", content):
        return False
    if words[-1][0].lower() not in _SAYING_NOUNS | _CLAIM_NOUNS and words[-1][0].lower() not in _FORM_LEMMA:
        return False
    # "said in a statement that": the noun is the medium, not the verb's object
    return not any(w.lower() in _LIGHT_VERBS or w.lower() in _MEDIUM_PREPS for w, _, _ in words)


def _unsaid(before: list[str], tag: str, dep: str, noun_follows: bool) -> str:
    """Why a reporting verb does not report (negated, unrealised, passive, adjectival), or ""."""
    clause = before[len(before) - before[::-1].index(",") :] if "," in before else before
    negation = next((w for w in clause if w in _UNSAYING or w.endswith("n't")), None)
    if negation:
        return f"is negated or unrealised ('{negation}')"
    if dep == "amod" and noun_follows:
        return "modifies a noun"
    if tag == "VBN" and any(w in _PASSIVE_AUX for w in clause) and not any(w in _PERFECT for w in clause):
        return "is passive"
    if tag == "VB" and clause[-1:] == ["to"] and not {"on", "went", "goes"} & set(clause):
        return "is an infinitive, not a report"
    return ""


def _head(tokens: list[_Token]) -> _Token | None:
    """The token of a span whose head lies outside it (the phrase's head)."""
    starts = {t.start for t in tokens}
    for t in tokens:
        if (t.head_start not in starts or t.head_start == t.start) and re.match(r"[A-Za-z]", t.text):
            return t
    return tokens[-1] if tokens else None


def _speaker_type(q: Quote, text: str, toks: _Tokens) -> tuple[str, str]:
    """``(speaker_type, why)`` from the resolved speaker or the source's head noun."""
    if q.source is None:
        return ("person", "found from the context") if q.speaker else ("unresolved", "no source")
    src = q.source.of(text).strip()
    low = src.lower()
    if re.fullmatch(r"(?:[Tt]he\s+)?[A-Z]{2,6}", src):
        return "organisation", f"'{src}' is an acronym"
    if low in _PRONOUN_PERSON or low in _PRONOUN_GROUP or low in ("it", "which", "that"):
        if q.speaker:
            return "person", f"pronoun '{src}' resolved"
        if low in _PRONOUN_GROUP:
            return "group", f"plural pronoun '{src}'"
        return "unresolved", f"pronoun '{src}' not resolved"
    if low in _POSSESSIVES:
        return "unresolved", f"possessive '{src}' is not a source"
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z.'’-]*", src)]
    head = _head(toks.within(q.source))
    head_word = (head.text if head is not None else (words[-1] if words else "")).lower().strip(".")
    chunk = re.split(r",|\(|\b(?:of|from|by|for|with|who|which|that|released|published|obtained)\b", src)[0].split()
    heads = {head_word, *(w.lower().strip(".,") for w in chunk[-1:])}
    heads |= {h[:-1] for h in heads if h.endswith("s")}
    name_words = {w.lower() for w in (q.speaker or "").split()}
    if head_word in _MUTE_HEADS and not q.speaker:
        return "unresolved", f"'{head_word}' is something seen, not a source"
    if heads & _DOCUMENT_HEADS:
        return "document", f"'{min(heads & _DOCUMENT_HEADS)}' is a document or decision"
    if heads & _ORG_HEADS or (heads & _ORG_NAME_WORDS and src[:1].isupper()):  # "Kestrel Polymers", "The Times"
        return "organisation", f"'{src}' is an organisation"
    if q.speaker and (head_word in name_words or head_word in _PERSON_HEADS):
        if re.fullmatch(r"[A-Z]{2,6}", q.speaker) or any(w in _ORG_HEADS for w in name_words):
            return "organisation", f"'{q.speaker}' names an organisation"
        return "person", "a named person"
    if head_word in _PERSON_HEADS or (head is not None and head.tag == "NN" and _PERSON_SUFFIX.search(head_word)):
        return "person", f"'{head_word}' describes a person"
    if head_word in _GROUP_WORDS or (head is not None and head.tag in ("NNS", "NNPS")) or head_word.endswith("ers"):
        return "group", f"'{head_word}' is an unnamed group"
    if q.speaker:
        return "person", "a named person"
    bare = src.removeprefix("The ").removeprefix("the ")
    if (head is not None and head.tag in ("NNP",)) or (src[:1].isupper() and re.fullmatch(_CAPITALISED_WORDS, bare)):
        return "organisation", f"'{src}' is a proper name"
    return "unresolved", f"'{head_word}' is not something that speaks"


_FINDING_SAID = frozenset({"reveal", "suggest", "indicate", "estimate"})  # a person who reveals something says it
_SPEAKER_WEIGHT = {"person": 0.92, "organisation": 0.92, "document": 0.92, "group": 0.9, "unresolved": 0.3}
_DESCRIBED = "unnamed source: the description is kept"


def _is_caption(text: str, q: Quote) -> bool:
    """The quote sits in a photo caption, credit or "READ MORE"-style link line of its paragraph."""
    spans = [s for s in (q.cue, q.source) if s is not None] or [q.content]
    anchor = min(s.start for s in spans)
    line_start = text.rfind("\n", 0, anchor) + 1
    before = text[line_start:anchor]
    last_stop = max(before.rfind(". "), before.rfind("? "), before.rfind("! "))
    start = line_start + last_stop + 1 if last_stop >= 0 else line_start
    segment = text[start:max(s.end for s in spans)]
    for m in _CAPTION.finditer(segment):
        closing = segment.find(")", m.end() - 1) if "(" in m.group(0) else -1
        if not 0 <= closing < anchor - start:  # "(Photo: …)" closed before the quote is a credit beside it
            return True
    return False


def _strip_dateline(q: Quote, text: str, people: list[Any]) -> None:
    """"DES MOINES — Hillary Rodham Clinton said": the dateline is not part of the source."""
    if q.source is None:
        return
    m = _DATELINE.match(q.source.of(text))
    if not m or m.end() >= len(q.source.of(text)):
        return
    was = q.source.of(text)[: m.end()].strip(" —–-,")
    q.source = Span(q.source.start + m.end(), q.source.end)
    if q.speaker and q.speaker.upper() == q.speaker and q.speaker.lower() in was.lower():
        named = [p for p in people if any(q.source.start <= sp.start < q.source.end for sp in p.mentions)]
        q.speaker = named[0].name if named else None
        q.speaker_description = None
        q.reason = f"named as the source (dateline '{was}' left out)" if named else _DESCRIBED


def _widen_participle_object(q: Quote, text: str, toks: _Tokens) -> bool:
    """"The parole board decision allowing his release said": the source is the decision, not the release."""
    if q.source is None:
        return False
    prev = toks.before(q.source.start, 1)
    if not prev or prev[0].tag not in ("VBG", "VBN"):
        return False
    noun = toks.at(prev[0].head_start)
    if noun is None or noun.start >= prev[0].start or noun.text.lower() not in (_DOCUMENT_HEADS | _ORG_HEADS | _PERSON_HEADS):
        return False
    start = noun.start
    for t in reversed(toks.before(noun.start, 6)):
        if t.dep in ("det", "amod", "compound", "poss", "nummod", "case") or t.tag in ("NNP", "NNPS", "POS"):
            start = t.start
        else:
            break
    q.source = Span(start, q.source.end)
    q.speaker = None
    q.speaker_description = q.source.of(text)
    q.reason = _DESCRIBED
    return True


def _act(q: Quote, text: str, toks: _Tokens, speaker_type: str) -> tuple[str, str]:
    """``(act, why)`` of a quote: captions, cue-less quotations, then the cue's words (see :func:`act_of_words`)."""
    if _is_caption(text, q):
        return "other", "in a photo caption, credit or link line"
    if q.cue is None or not re.search(r"[A-Za-z]", q.cue.of(text)):
        if q.kind in ("direct", "mixed") or q.cue is not None:
            return "speech", "a quotation" if q.cue is None else "'Name: words' or '— Name' attribution"
        return "other", "no cue and no quotation marks"
    by_start = {t.start: t for t in toks.within(q.cue)}
    words = [(w, by_start[s].tag if s in by_start else "", by_start[s].dep if s in by_start else "")
             for w, s in _words_of(text, q.cue)]
    if words and words[0][1] == "VBN" and q.source is not None and q.source.start > q.cue.start:
        return "other", f"'{words[0][0]}' opens a participle clause: the source was {words[0][0].lower()}, it did not report"
    act, why = act_of_words(words)
    if act in ("speech", "thought") and _claim_object(words, q.content.of(text)):
        return "nominal", f"the content belongs to the noun '{words[-1][0]}', not to the verb"
    if act != "other" and q.kind == "indirect" and len(re.findall(r"\w+", q.content.of(text))) <= 2:
        return "other", f"'{q.content.of(text)}' is a bare noun, not what was said"
    if act == "speech" and words[-1][0].lower() in ("with", "to") and any(
            _FORM_LEMMA.get(w.lower()) in ("speak", "talk") for w, _, _ in words):
        return "other", "the content is who was spoken to, not what was said"
    if act == "finding":
        act = _settle_finding(words, speaker_type in ("document", "organisation"))
    if act == "speech" and speaker_type == "document":
        return "writing", why + ", by a document"
    if act == "speech":
        medium = _MEDIUM.search(text, q.cue.start, min(len(text), q.cue.end + 60))
        sentence_end = text.find(". ", q.cue.start)
        if medium and (sentence_end < 0 or medium.start() < sentence_end):
            return "writing", why + f", {medium.group(0).strip()!r}"
    return act, why


def judge(q: Quote, text: str, toks: _Tokens, people: list[Any]) -> None:
    """Label one quote in place: act, speaker type, the source without debris, a calibrated confidence."""
    _strip_dateline(q, text, people)
    speaker_type, who = _speaker_type(q, text, toks)
    if speaker_type == "unresolved" and _widen_participle_object(q, text, toks):
        speaker_type, who = _speaker_type(q, text, toks)
    act, why = _act(q, text, toks, speaker_type)
    q.act = act  # type: ignore[assignment]
    q.speaker_type = speaker_type  # type: ignore[assignment]
    speaker_weight = q.confidence  # how sure the speaker resolution was
    if speaker_type == "unresolved":
        speaker_weight = min(q.confidence, _SPEAKER_WEIGHT["unresolved"])
    elif q.reason == _DESCRIBED:  # a described source is the speaker as written: as sure as its type
        speaker_weight = _SPEAKER_WEIGHT[speaker_type]
    q.confidence = round(_ACT_WEIGHT[act] * speaker_weight, 2)
    q.reason = f"{q.reason}; act {act}: {why}; source {speaker_type}: {who}"


def judge_quotes(parsed: Any, quotes: list[Quote], people: list[Any]) -> list[Quote]:
    """:func:`judge` over an article's quotes (``parsed`` gives the tokens and the text)."""
    toks = _Tokens(parsed)
    for q in quotes:
        judge(q, parsed.text, toks, people)
    return quotes


def cue_act(words: list[tuple[str, str, str]], source_text: str | None) -> str:
    """The act of a cue given as ``(form, tag, dep)`` words and its source as written (for gold attributions).

    A finding ("found", "shows") is writing when the source is a document or
    an organisation, speech when a person reveals or suggests it, else thought.
    """
    act, _ = act_of_words(words)
    if act != "finding":
        return act
    src_words = {w.lower().rstrip("s") for w in re.findall(r"[A-Za-z]+", source_text or "")}
    return _settle_finding(words, bool(src_words & {h.rstrip("s") for h in _DOCUMENT_HEADS | _ORG_HEADS}))


def _settle_finding(words: list[tuple[str, str, str]], by_document: bool) -> str:
    """A document's or organisation's finding is its writing; a person who reveals or suggests says it."""
    if by_document:
        return "writing"
    lemma = next((_FORM_LEMMA[w.lower()] for w, _, _ in words if w.lower() in _FORM_LEMMA), "")
    return "speech" if lemma in _FINDING_SAID else "thought"
