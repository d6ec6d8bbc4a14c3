"""A trained sequence tagger for attribution roles (source / cue / content).

The rules in ``extract.py`` miss attributions whose structure they do not
know and draw content boundaries by subtree; a linear-chain CRF trained on
PolNeAR *train* (``newsweave.models.quotes.train_tagger``) labels every token
the rules parsed (a masked quotation is one token) with BIO tags for SOURCE,
CUE and CONTENT (``C-CON`` starts a further piece of an interrupted content),
from its word, fine POS tag, dependency relation, its path to the nearest
cue-lexicon word, quotation state and the rules' own role for it.
``tag_paragraphs`` returns role spans, ``link`` groups them (content -> cue
-> source), ``attributions`` makes them rule-style attributions and
``retag`` adds the rules' attributions the tagger does not overlap, for
``people.assemble``. Nothing here raises on odd text: a failure yields the
rules' result.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsweave.enrich.quotes.extract import COLON_LABELS, QUOTE_TOKEN, Attribution, Parsed, Tok, pos_of_tag
from newsweave.enrich.quotes.lexicon import cue_forms
from newsweave.enrich.quotes.marks import ALL_MARKS, QuoteRegion
from newsweave.enrich.quotes.roles import ROLES, roles_of
from newsweave.model import Span

__all__ = [
    "LABELS", "MODEL_PATH", "Segment", "attributions", "bio", "features", "link", "owners", "retag", "rule_labels",
    "segments",
    "tag_paragraphs",
]

MODEL_PATH = Path(__file__).resolve().parents[2] / "models" / "quotes" / "tagger.crfsuite"
LABELS = ("O", "B-SRC", "I-SRC", "B-CUE", "I-CUE", "B-CON", "I-CON", "C-CON")
_ROLE = {"SRC": "source", "CUE": "cue", "CON": "content"}
_ROLE_TAG = {"source": "SRC", "cue": "CUE", "content": "CON"}
_KID_DEPS = frozenset({"nsubj", "nsubjpass", "ccomp", "xcomp", "dobj", "mark", "prep"})


@dataclass(slots=True)
class Segment:
    """A tagged role span: ``cont`` marks a content piece that continues the previous one."""

    role: str
    start: int
    end: int
    para: int
    sent: int  # the sentences of its first and last tokens (a content may run over several)
    last_sent: int
    first: int  # token indices in the paragraph
    last: int
    cont: bool = False
    quote: bool = False  # starts with a (masked) direct quotation


def owners(claims: Iterable[tuple[int, str, frozenset[int]]]) -> dict[int, tuple[int, str]]:
    """char -> (attribution, role) from (attribution, role, characters) claims; the first claim wins."""
    own: dict[int, tuple[int, str]] = {}
    for ai, role, chars in claims:
        for i in chars:
            own.setdefault(i, (ai, role))
    return own


def bio(toks: list[Tok], own: dict[int, tuple[int, str]]) -> list[str]:
    """BIO labels of a paragraph from a char -> (attribution, role) map (gold or the rules')."""
    labels = []
    prev: tuple[int, str] | None = None
    seen: set[tuple[int, str]] = set()
    for t in toks:
        o = next((own[i] for i in range(t.start, t.end) if i in own), None)
        if o is None:
            labels.append("O")
        else:
            ai, role = o
            tag = _ROLE_TAG[role]
            if prev == o:
                labels.append("I-" + tag)
            elif role == "content" and (ai, role) in seen:
                labels.append("C-CON")
            else:
                labels.append("B-" + tag)
            seen.add((ai, role))
        prev = o
    return labels


def rule_labels(rules: dict[str, list[frozenset[int]]], toks_per_para: list[list[Tok]]) -> list[list[str]]:
    """The rule system's output (role -> characters of each span, as the benchmark scores it) as BIO labels."""
    own = owners((ai, role, chars) for role in ROLES for ai, chars in enumerate(rules.get(role, [])))
    return [bio(toks, own) for toks in toks_per_para]


def _shape(w: str) -> str:
    if w.isdigit():
        return "d"
    if w.isalpha():
        return "X" if w.isupper() and len(w) > 1 else ("Xx" if w[0].isupper() else "x")
    if not any(c.isalnum() for c in w):
        return "p"
    return "m"


def _bucket(n: int) -> str:
    return str(n) if n < 4 else ("4-7" if n < 8 else ("8-15" if n < 16 else "16+"))


def features(
    toks: list[Tok],
    regions: list[QuoteRegion],
    direct: list[bool],
    rule_roles: list[str],
) -> list[list[str]]:
    """CRF features of one paragraph's tokens (``rule_roles``: the rules' BIO role per token, the stacked input).

    Each token's own features plus those of its neighbours two to each side;
    the strings are the trained model's vocabulary, so any change here needs a
    retrained model.
    """
    forms = cue_forms()
    low = [t.text.lower() for t in toks]
    prior = [forms.get(w, 0.0) for w in low]
    ctx = _Context(
        toks=toks,
        low=low,
        cue=["" if p == 0 else ("h" if p >= 0.6 else ("m" if p >= 0.3 else "l")) for p in prior],
        qstate=_quotation_state(toks, regions, direct),
        rule_roles=rule_roles,
    )
    _cue_paths(ctx)
    own = [_own_features(ctx, k) for k in range(len(toks))]
    lent = [_lent_features(ctx, k) for k in range(len(toks))]
    return _with_window(ctx, own, lent)


@dataclass(slots=True)
class _Context:
    """Per-token facts of one paragraph that the feature functions read (lists indexed by token)."""

    toks: list[Tok]
    low: list[str]
    cue: list[str]  # cue-lexicon prior bucket: h/m/l, "" for no cue word
    qstate: list[str]  # inside a d(irect) or i(nline) quotation, or ""
    rule_roles: list[str]
    anc_rel: list[str] = field(default_factory=list)  # relation on the path to the nearest cue ancestor
    anc_word: list[str] = field(default_factory=list)
    anc_depth: list[int] = field(default_factory=list)
    kids: list[set[str]] = field(default_factory=list)  # dependency relations of each token's children
    near: list[str] = field(default_factory=list)  # distance to the nearest cue word left/right
    sent_start: list[bool] = field(default_factory=list)
    sent_info: dict[int, str] = field(default_factory=dict)  # sentence -> c(ue word) / q(uotation) it holds
    root_cue: dict[int, str] = field(default_factory=dict)  # sentence -> its root word when that is a cue


def _quotation_state(toks: list[Tok], regions: list[QuoteRegion], direct: list[bool]) -> list[str]:
    """Per token: inside a d(irect) or an i(nline) quotation, or ""."""
    qstate = [""] * len(toks)
    for ri, r in enumerate(regions):
        if not toks or r.end <= toks[0].start or r.start >= toks[-1].end:
            continue
        for k, t in enumerate(toks):
            if r.start <= t.start < r.end:
                qstate[k] = "d" if direct[ri] else "i"
    return qstate


def _cue_paths(ctx: _Context) -> None:
    """Fill where each token stands to the cue words: its path to the nearest cue ancestor, the nearest cue
    word each side in its sentence, and what its sentence holds."""
    toks, cue, low, n = ctx.toks, ctx.cue, ctx.low, len(ctx.toks)
    ctx.anc_rel, ctx.anc_word, ctx.anc_depth = [""] * n, [""] * n, [0] * n
    ctx.kids = [set() for _ in range(n)]
    for k, t in enumerate(toks):
        if 0 <= t.head < n and t.head != k:
            ctx.kids[t.head].add(t.dep)
    for k in range(n):
        j, prev, depth = k, -1, 0
        while 0 <= j < n and depth < 12:
            if cue[j]:
                ctx.anc_rel[k] = "self" if prev < 0 else toks[prev].dep
                ctx.anc_word[k] = low[j]
                ctx.anc_depth[k] = depth
                break
            h = toks[j].head
            if h == j or not (0 <= h < n):
                break
            prev, j, depth = j, h, depth + 1
    ctx.near = _nearest_cues(toks, cue)
    ctx.sent_start = [k == 0 or toks[k].sent != toks[k - 1].sent for k in range(n)]
    for k, t in enumerate(toks):
        info = ctx.sent_info.get(t.sent, "")
        if cue[k] and "c" not in info:
            info += "c"
        if ctx.qstate[k] == "d" and "q" not in info:
            info += "q"
        ctx.sent_info[t.sent] = info
    ctx.root_cue = {t.sent: low[k] for k, t in enumerate(toks) if t.dep == "ROOT" and cue[k]}


def _nearest_cues(toks: list[Tok], cue: list[str]) -> list[str]:
    """Per token: distance buckets to the nearest cue word on its L(eft) and R(ight) in its sentence."""
    n = len(toks)
    near = [""] * n
    last_left = -1
    for k in range(n):
        if last_left >= 0 and toks[last_left].sent == toks[k].sent:
            near[k] = "L" + _bucket(k - last_left)
        if cue[k]:
            last_left = k
    nxt = -1
    for k in range(n - 1, -1, -1):
        if nxt >= 0 and toks[nxt].sent == toks[k].sent:
            near[k] += "R" + _bucket(nxt - k)
        if cue[k]:
            nxt = k
    return near


def _own_features(ctx: _Context, k: int) -> list[str]:
    """Token ``k``'s own features ("key=value" strings, as crfsuite takes them)."""
    toks, low, cue, n = ctx.toks, ctx.low, ctx.cue, len(ctx.toks)
    t = toks[k]
    h = toks[t.head] if 0 <= t.head < n else t
    hc = cue[t.head] if 0 <= t.head < n else ""
    anc_rel, anc_word, qstate = ctx.anc_rel[k], ctx.anc_word[k], ctx.qstate[k]
    f = [
        "b", "w=" + low[k], "suf=" + low[k][-3:], "sh=" + _shape(t.text), "tag=" + t.tag, "dep=" + t.dep,
        "htag=" + h.tag, "hdep=" + h.dep, "dt=" + t.dep + "|" + h.tag,
        "ard=" + anc_rel + _bucket(ctx.anc_depth[k]),
    ]
    optional = (
        ("cue=", cue[k]), ("hcue=", hc), ("q=", qstate), ("ar=", anc_rel), ("aw=", anc_word),
        ("near=", ctx.near[k]), ("si=", ctx.sent_info.get(t.sent, "")), ("rc=", ctx.root_cue.get(t.sent, "")),
        ("arw=", anc_rel + "|" + anc_word if anc_word else ""),
        ("arq=", anc_rel + "|" + qstate if anc_rel else ""),
        ("kids=", "|".join(sorted(ctx.kids[k] & _KID_DEPS))),
    )
    f += [key + v for key, v in optional if v]
    if ctx.sent_start[k]:
        f.append("ss")
    if k == 0:
        f.append("pf")
    if cue[k]:
        f.append("hw=" + low[k])
    elif hc:
        f.append("hw=c:" + low[t.head])
    f += ["r=" + ctx.rule_roles[k], "rq=" + ctx.rule_roles[k] + qstate]
    return f


def _lent_features(ctx: _Context, k: int) -> list[str]:
    """The features token ``k`` lends its neighbours (prefixed by its offset from them in ``_with_window``)."""
    t = ctx.toks[k]
    lend = [
        ("w", ctx.low[k]), ("tag", t.tag), ("q", ctx.qstate[k]), ("cue", ctx.cue[k]), ("dep", t.dep),
        ("ar", ctx.anc_rel[k]), ("r", ctx.rule_roles[k]),
    ]
    return [key + "=" + v for key, v in lend if v]


def _with_window(ctx: _Context, own: list[list[str]], lent: list[list[str]]) -> list[list[str]]:
    """Each token's features plus its neighbours': words and tags two away, lent features one away."""
    toks, low, n = ctx.toks, ctx.low, len(ctx.toks)
    before = [["-1" + x for x in fs] for fs in lent]  # as the token before another
    after = [["1" + x for x in fs] for fs in lent]
    out = []
    for k in range(n):
        f = own[k]
        f += ["-2w=" + low[k - 2], "-2tag=" + toks[k - 2].tag] if k >= 2 else ["-2w=<s>"]
        f += before[k - 1] if k >= 1 else ["-1w=<s>"]
        f += after[k + 1] if k + 1 < n else ["1w=</s>"]
        f += ["2w=" + low[k + 2], "2tag=" + toks[k + 2].tag] if k + 2 < n else ["2w=</s>"]
        out.append(f)
    return out


@functools.lru_cache(maxsize=2)
def _model(path: str) -> Any:
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(path)
    return tagger


def segments(toks: list[Tok], labels: list[str], para: int) -> list[Segment]:
    """Role spans from one paragraph's BIO labels (an I- after another role starts a span)."""
    out: list[Segment] = []
    cur: Segment | None = None
    for k, (t, lab) in enumerate(zip(toks, labels)):
        if lab == "O":
            cur = None
            continue
        pre, role = lab.split("-", 1)
        if pre == "I" and cur is not None and cur.role == _ROLE[role]:
            if role == "CON" and t.sent != cur.last_sent and t.text == QUOTE_TOKEN:
                # a quotation opening a new sentence is its own content (or a cue-less one), never a tail
                cur = Segment("content", t.start, t.end, para, t.sent, t.sent, k, k, quote=True)
                out.append(cur)
                continue
            cur.end, cur.last, cur.last_sent = t.end, k, t.sent
            continue
        cur = Segment(
            _ROLE[role], t.start, t.end, para, t.sent, t.sent, k, k, cont=(pre == "C"), quote=t.text == QUOTE_TOKEN
        )
        out.append(cur)
    return out


def tag_paragraphs(
    tagger: Any,
    toks_per_para: list[list[Tok]],
    regions: list[QuoteRegion],
    direct: list[bool],
    rule_roles: list[list[str]],
) -> list[Segment]:
    """Role spans of every parsed paragraph, tagged by a loaded CRF ``tagger``."""
    out: list[Segment] = []
    for pi, toks in enumerate(toks_per_para):
        if not toks:
            continue
        try:
            labels = tagger.tag(features(toks, regions, direct, rule_roles[pi]))
        except Exception:  # noqa: BLE001 - one odd paragraph costs its tags, nothing else
            continue
        out.extend(segments(toks, labels, pi))
    return out


def link(segs: list[Segment]) -> list[dict[str, Any]]:
    """Group role spans into attributions: each cue takes the contents nearest it and the nearest source.

    A content piece marked ``cont`` joins the content before it in the
    paragraph (a quotation opening a new sentence only joins one that holds a
    quotation: “…,” he said. “…”). A content goes to the nearest cue in its
    sentence(s); one with none is left out (the rules' handling of cue-less
    quotations takes it). A cue takes the nearest source of its sentence (a
    source may serve several cues: "he said X and added Y"). Returns one dict
    per cue: ``cue`` (start, end), ``source`` (start, end) or None,
    ``content`` (pieces, maybe none), ``sent``, ``para``.
    """
    by_para: dict[int, list[Segment]] = {}
    for s in segs:
        by_para.setdefault(s.para, []).append(s)
    out: list[dict[str, Any]] = []
    for para in sorted(by_para):
        ss = by_para[para]
        cues = [s for s in ss if s.role == "cue"]
        sources = [s for s in ss if s.role == "source"]
        contents: list[list[Segment]] = []
        for s in ss:
            if s.role != "content":
                continue
            prev = contents[-1] if contents else None
            if s.cont and prev and (s.sent <= prev[-1].last_sent or any(p.quote for p in prev)):
                contents[-1].append(s)
            elif not (s.cont and s.quote):
                contents.append([s])
            # else: a quotation opening a sentence after a non-quoted content stays cue-less (the rules' call)

        def dist(a: Segment, pieces: list[Segment]) -> tuple[int, int]:
            gap = min(max(p.first - a.last, a.first - p.last, 0) for p in pieces)
            same = any(p.sent <= a.sent <= p.last_sent for p in pieces)
            return (0 if same else 1, gap)

        atts: dict[int, dict[str, Any]] = {}
        for ci, c in enumerate(cues):
            src = min((s for s in sources if s.sent == c.sent), key=lambda s: abs(s.first - c.first), default=None)
            atts[ci] = {
                "cue": (c.start, c.end), "source": (src.start, src.end) if src else None, "content": [],
                "sent": c.sent, "para": para,
            }
        for pieces in contents:
            nearest = min(range(len(cues)), key=lambda i: dist(cues[i], pieces), default=None)
            if nearest is None or dist(cues[nearest], pieces)[0]:
                continue  # no cue in its sentences: the rules' handling of cue-less quotations decides
            atts[nearest]["content"].extend((p.start, p.end) for p in pieces)
        out.extend(a for a in atts.values())
    for a in out:
        a["content"].sort()
    return out


_MARKS_AND_SPACE = ALL_MARKS + " \t\n"


def _minus(pieces: list[Span], holes: list[Span], text: str) -> list[Span]:
    """``pieces`` without the ``holes``, each remainder trimmed of spaces and quotation marks."""
    out = []
    for piece in pieces:
        cuts = [(piece.start, piece.end)]  # working bounds: a cut may come out empty (dropped)
        for hole in holes:
            cuts = [c for a, b in cuts for c in ((a, min(b, hole.start)), (max(a, hole.end), b)) if c[1] > c[0]]
        for a, b in cuts:
            while a < b and text[a] in _MARKS_AND_SPACE:
                a += 1
            while b > a and text[b - 1] in _MARKS_AND_SPACE:
                b -= 1
            if b > a:
                out.append(Span(a, b))
    return out


def attributions(parsed: Parsed, linked: list[dict[str, Any]]) -> list[Attribution]:
    """Linked tagger spans as rule-style :class:`Attribution` objects (for ``people.assemble``).

    A masked quotation inside a tagged content becomes one of its ``regions``
    (so the quote keeps its pieces and kind); the rest of the content stays as
    text pieces. Attributions left without a content are dropped (``link``
    builds every attribution around a cue). So is one whose source is a
    caption or link label ("(Photo: …)", "READ MORE:"): the rules never take
    those, and the tagged span would swallow the real quote beside it.
    """
    text = parsed.text
    out: list[Attribution] = []
    for a in linked:
        if not a["content"]:
            continue
        if a["source"] is not None and text[a["source"][0]:a["source"][1]].strip(" (").lower() in COLON_LABELS:
            continue
        pieces = [Span(s, e) for s, e in a["content"]]
        regs = [
            ri for ri, r in enumerate(parsed.regions)
            if parsed.direct[ri] and any(p.start <= r.start and r.end <= p.end for p in pieces)
        ]
        rest = _minus(pieces, [Span(parsed.regions[ri].start, parsed.regions[ri].end) for ri in regs], text)
        toks = parsed.tokens[a["para"]] if 0 <= a["para"] < len(parsed.tokens) else []
        source_tokens: list[tuple[int, int, str, str, str]] = []
        head = None
        if a["source"] is not None:
            ss, se = a["source"]
            inside = [k for k, t in enumerate(toks) if ss <= t.start and t.end <= se]
            source_tokens = [(toks[k].start, toks[k].end, toks[k].text, pos_of_tag(toks[k].tag), "") for k in inside]
            top = next((k for k in inside if toks[k].head not in inside or toks[k].head == k), None)
            if top is not None:
                head = Span(toks[top].start, toks[top].end)
        out.append(Attribution(
            cue=Span(*a["cue"]),
            source=Span(*a["source"]) if a["source"] is not None else None,
            content=rest,
            regions=regs,
            kind="direct" if regs and not rest else ("mixed" if regs else "indirect"),
            sent=a["sent"],
            para=a["para"],
            rule="tagger",
            source_tokens=source_tokens,
            source_head=head,
            cue_head=text[a["cue"][0]:a["cue"][1]].lower(),
            group="tagger",
        ))
    return out


def _overlaps(rule: Attribution, tagged: list[Attribution]) -> bool:
    """Does a rule attribution share its cue, a content piece or a quotation with a tagged one?"""

    def ov(x: Span | None, y: Span | None) -> bool:
        return x is not None and y is not None and x.start < y.end and y.start < x.end

    return any(
        ov(rule.cue, t.cue)
        or set(rule.regions) & set(t.regions)
        or any(ov(p, q) for p in rule.content for q in t.content)
        for t in tagged
    )


def retag(parsed: Parsed, quotes: list[Any], model_path: Path = MODEL_PATH) -> list[Attribution] | None:
    """Attributions for ``people.assemble``: the tagger's, plus the rules' it does not overlap.

    ``quotes`` are the rules' quotes (a feature of the tagger). None when the
    model is unavailable or fails: the rules' attributions then stand alone.
    """
    try:
        tagger = _model(str(model_path))
        rules = roles_of(parsed.text, quotes)
        roles = rule_labels(rules, parsed.tokens)
        segs = tag_paragraphs(tagger, parsed.tokens, parsed.regions, parsed.direct, roles)
        tagged = attributions(parsed, link(segs))
    except Exception:  # noqa: BLE001 - no model file / no crfsuite / odd text: the rules stand
        return None
    return tagged + [a for a in parsed.attributions if not _overlaps(a, tagged)]
