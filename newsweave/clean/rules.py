"""Debris rules: one small function per kind of debris, each judging a line by its *shape*.

Every rule here is generic: it looks at what scraping debris looks like on any site (length,
missing terminal punctuation, a credit in parentheses, a prompt's imperative opening, a lone
date line after a short teaser) and never at who published it. A line rule returns a
human-readable *reason* when the line is debris and ``None`` otherwise; contextual rules
(captions before a credit, teasers before a date line, repeated headlines) are applied by
:mod:`newsweave.clean.cleaner`, which uses the predicates defined here.

Design rule: when in doubt, keep. A wrongly removed paragraph is lost evidence; a leftover
"Tags:" line is only noise. So every rule is anchored (the debris phrase must open the line,
or the line must *be* the debris) and length-capped (debris is short; a 600-character
paragraph is never a prompt).

What is deliberately **kept**:

* subheadings ("The mayor's goal"): short lines without terminal punctuation between
  narrative paragraphs are part of the article's structure, not debris;
* lone date lines not preceded by a teaser-like line (timeline entries, datelines inside
  the narrative) — the cleaner keeps them and says so in a warning;
* teasers without a date line and without a "Read also:"-style label (indistinguishable
  from a one-line paragraph by shape alone).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from newsweave.text.fold import line_key
from newsweave.text.sentences import SENTENCE_END

__all__ = [
    "LINE_RULES",
    "caption_like",
    "categories",
    "cookie_notice",
    "copyright_notice",
    "date_line",
    "ends_with_credit",
    "is_date_only",
    "newsletter_prompt",
    "paywall_notice",
    "photo_credit",
    "related_label",
    "repeated_headline",
    "sentence_count",
    "share_prompt",
    "subscribe_prompt",
    "tags",
    "teaser_like",
    "ui_label",
]

LineRule = Callable[[str], "str | None"]

_DOUBLE_QUOTES = "\"“”„‟«»"


def sentence_count(text: str) -> int:
    """Number of sentence ends (``.``, ``!``, ``?``, ``…``, before a space or the end)."""
    return len(SENTENCE_END.findall(text))


_sentences = sentence_count


# --------------------------------------------------------------------------- photo credits

# Photographer and agency are names: both sides of the slash start with a capital.
_CREDIT_BODY = r"[A-ZÀ-Þ][^()\n/]{1,79}?\s*/\s*[A-ZÀ-Þ][^()\n]{1,79}?"
_PAREN_CREDIT = re.compile(
    r"^\(\s*(?i:(?:photo(?:graph)?|image|picture|video|credit|illustration)s?\s*(?:by\b|:)\s*)?"
    + _CREDIT_BODY
    + r"\s*\)\.?$"
)
_LABELLED_CREDIT = re.compile(
    r"^\(?\s*(?:photo(?:graph)?|image|picture|illustration|photo credit|image credit|credit)s?\s*(?:by\b|:)\s*\S.{0,100}$",
    re.IGNORECASE,
)
_CAP_WORD = r"[A-ZÀ-Þ][\w.'’&-]*"
_BARE_CREDIT = re.compile(
    rf"^{_CAP_WORD}(?: {_CAP_WORD}){{0,3}}\s*/\s*{_CAP_WORD}(?: (?:{_CAP_WORD}|of|de|the|for)){{0,4}}$"
)
_TRAILING_CREDIT = re.compile(r"\((\s*" + _CREDIT_BODY + r"\s*)\)\.?$")
# Words that say "picture agency / photo desk" on either side of a credit's slash.
_AGENCY_WORDS = re.compile(
    r"\b(?:press|photos?|fotos?|images?|pictures?|wire|agency|pool|stock|archives?|archiv|reuters|ap|afp|dpa|epa|"
    r"getty|shutterstock|istock|imago|keystone|alamy|xinhua|anadolu|bloomberg|sipa|zuma|nurphoto|pa|adobestock|"
    r"unsplash|wikimedia|commons)\b",
    re.IGNORECASE,
)
_PERSON = re.compile(rf"^{_CAP_WORD}(?: {_CAP_WORD}){{1,3}}$")


def _credit_sides(inner: str, *, bare: bool) -> bool:
    """Is "X / Y" a photographer and an agency? Why: "(Israel/Frankreich)", "Leiharbeit /
    Werkverträge" and menu rows share the slash; a credit names a person (two to four
    capitalised words) or a picture agency. A bare line (no parentheses) must name the agency."""
    left, _, right = inner.partition("/")
    left, right = left.strip(), right.strip()
    if _AGENCY_WORDS.search(inner):
        return True
    return not bare and bool(_PERSON.match(left) or _PERSON.match(right))


def photo_credit(text: str) -> str | None:
    """A photo credit on a line of its own: "(Name / Agency)", "Photo: Name", "Name / Agency".

    Why: image credits survive extraction as stray lines; the slash between photographer and
    agency inside parentheses (or a "Photo:" label) never occurs in narrative prose. The slash
    alone is not enough (menu rows, "(Country/Country)" results): see :func:`_credit_sides`.
    """
    if len(text) > 140 or _sentences(text.rstrip(".")) > 0:
        return None
    if _PAREN_CREDIT.match(text) and _credit_sides(text.strip("(). "), bare=False):
        return "photo credit '(Name / Agency)'"
    if _LABELLED_CREDIT.match(text) and len(text) <= 120:
        return "photo credit label ('Photo: …')"
    if len(text) <= 70 and _BARE_CREDIT.match(text) and _PERSON.match(text.partition("/")[0].strip()) \
            and _credit_sides(text, bare=True):
        return "photo credit 'Name / Agency'"
    return None


def ends_with_credit(text: str) -> bool:
    """Caption and credit on one line: "Crews at the site. (Name / Agency)"."""
    match = _TRAILING_CREDIT.search(text)
    return match is not None and not _PAREN_CREDIT.match(text) and _credit_sides(match.group(1), bare=False)


_ATTRIBUTION = re.compile(
    r"\b(?:said|says|told|tells|according\s+to|added|adds|stated|announced|reported|wrote|asked)\b", re.IGNORECASE
)


# A line opening with a pronoun or connective continues the narrative; captions name
# their subject ("Firefighters spray …", "The mayor at a news conference …").
_CONTINUATION_WORDS = {
    "he", "she", "it", "they", "we", "i", "you", "his", "her", "its", "their", "our", "my",
    "this", "that", "these", "those", "but", "and", "or", "so", "yet", "however", "still",
    "meanwhile", "also", "then", "there", "here", "instead", "moreover", "because",
}


_BYLINE_LABEL = re.compile(r"^(?:written|posted|reported|words)\s+by\b", re.IGNORECASE)


def caption_like(text: str, max_len: int = 250) -> bool:
    """Could this line be a photo caption? Short, at most two sentences, no quotation marks
    and no attribution verb ("said", "according to": captions describe a picture, reporting
    attributes), and not an introduction to something (':' end).

    Used only next to a credit line; on its own a caption is indistinguishable from prose.
    """
    return (
        len(text.split()) >= 2
        and len(text) <= max_len
        and not any(q in text for q in _DOUBLE_QUOTES)
        and not text.endswith(":")
        and text.count("|") < 2  # a table row
        and not _BYLINE_LABEL.match(text)
        and _sentences(text) <= 2
        and not _ATTRIBUTION.search(text)
        and text.split(maxsplit=1)[0].lower().strip(",") not in _CONTINUATION_WORDS
    )


# --------------------------------------------------------------------- taxonomy / tag lines

_CATEGORIES = re.compile(
    r"^(?:categori[sz]ed\s+(?:in|as|under)|filed\s+(?:in|under)|posted\s+in|categor(?:y|ies)|sections?|topics?)\s*:",
    re.IGNORECASE,
)
_TAGS = re.compile(r"^(?:tags?|tagged(?:\s+(?:with|as|in))?|keywords?)\s*:", re.IGNORECASE)


def categories(text: str) -> str | None:
    """A taxonomy line ("Categorized in: …", "Filed under: …", "Topics: …").

    Why: CMS templates print the post's categories right after the body; the label plus
    colon at the very start is the signature, whatever (if anything) follows it.
    """
    if len(text) <= 400 and _CATEGORIES.match(text):
        return "category line ('Categorized in:' …)"
    return None


def tags(text: str) -> str | None:
    """A tag list ("Tags: a, b, c"). Why: the same CMS footer as categories."""
    if len(text) <= 500 and _TAGS.match(text):
        return "tag list ('Tags:' …)"
    return None


# ------------------------------------------------------------------ share / follow prompts

_SHARE = re.compile(
    r"^(?:share(?:\s+(?:this|the|on|via|to|article|story|page|post)\b|\s*[:|·•])|follow\s+us\b|click\s+to\s+share\b)",
    re.IGNORECASE,
)
_PLATFORMS = {
    "facebook", "twitter", "x", "email", "e-mail", "mail", "whatsapp", "linkedin", "reddit",
    "pinterest", "telegram", "print", "copy", "link", "copy link", "messenger", "threads",
    "bluesky", "flipboard", "share", "tumblr", "sms",
}
_PLATFORM_SPLIT = re.compile(r"\s*[·•|,/]\s*|\s{2,}")


def share_prompt(text: str) -> str | None:
    """A share/follow row ("Share this article: Facebook · X · Email").

    Why: social buttons are extracted as their labels; a line that opens with "Share on/this"
    or consists only of platform names is a button row, not prose.
    """
    if len(text) > 200:
        return None
    if _SHARE.match(text):
        return "share/follow prompt"
    if len(text) > 120 or sentence_count(text):
        return None
    parts = [p.strip().lower() for p in _PLATFORM_SPLIT.split(text) if p.strip()]
    if len(parts) >= 2 and all(p in _PLATFORMS for p in parts):
        return "share buttons (platform names only)"
    return None


# ---------------------------------------------------------- newsletter / subscribe prompts

_NEWSLETTER_OPEN = re.compile(
    r"^(?:newsletter\s*[:|]|sign\s*up\b|subscribe\b|get\b|join\b|receive\b|want\b|don[’']?t\s+miss\b|never\s+miss\b|enter\s+your\s+email\b)",
    re.IGNORECASE,
)
_NEWSLETTER_WORD = re.compile(r"\b(?:newsletters?|inbox|briefing|digest|e-?mail\s+updates)\b", re.IGNORECASE)


def newsletter_prompt(text: str) -> str | None:
    """A newsletter sign-up prompt ("Sign up for our newsletter …").

    Why: an imperative call to action at the start of a short line that mentions a
    newsletter/inbox is marketing inserted into the body, never reporting.
    """
    if len(text) <= 250 and _NEWSLETTER_OPEN.match(text) and _NEWSLETTER_WORD.search(text):
        return "newsletter sign-up prompt"
    return None


_SUBSCRIBE = re.compile(
    r"^(?:subscribe\b|become\s+an?\s+(?:\w+\s+)?(?:member|subscriber|supporter|patron)\b|"
    r"support\s+(?:local|independent|our|quality|public)\s+(?:\w+\s+)?(?:journalism|news|reporting)\b|"
    r"start\s+(?:your\s+)?(?:free\s+)?trial\b|get\s+(?:unlimited|full|digital)\s+access\b|"
    r"donate\s+(?:now|today)\b|make\s+a\s+donation\b|join\s+(?:us|now|today)\b)",
    re.IGNORECASE,
)


def subscribe_prompt(text: str) -> str | None:
    """A subscription/membership/donation appeal ("Subscribe to … for unlimited access").

    Why: appeals open with an imperative addressed to the reader; prose about subscriptions
    does not start with "Subscribe" or "Become a member".
    """
    if len(text) <= 250 and _sentences(text) <= 3 and _SUBSCRIBE.match(text):
        return "subscription/membership appeal"
    return None


_PAYWALL = re.compile(
    r"(?:\b(?:for|to)\s+subscribers\s+only\b|\bsubscribers?[- ]only\b|\bonly\s+(?:available\s+)?(?:to|for)\s+subscribers\b|"
    r"\bto\s+continue\s+reading\b|\balready\s+an?\s+(?:subscriber|member)\b|"
    r"\blog\s*in\s+to\s+(?:read|continue|access|keep)\b|\bsign\s+in\s+to\s+(?:read|continue|access|keep)\b|"
    r"\breached\s+(?:your|the)\s+(?:free\s+)?(?:article\s+|monthly\s+|story\s+)?limit\b|"
    r"\bthis\s+(?:article|content|story)\s+is\s+(?:only\s+)?(?:available|reserved|exclusive)\b|"
    r"\bunlock\s+(?:this|the\s+full)\s+(?:article|story)\b|\bsubscribe\s+to\s+(?:read|unlock|continue)\b)",
    re.IGNORECASE,
)


_PAYWALL_HINT = re.compile(r"subscri|reading|log\s*in|sign\s+in|limit|this\s+(?:article|content|story)|unlock", re.IGNORECASE)


def paywall_notice(text: str) -> str | None:
    """A paywall notice ("This article is for subscribers only", "Log in to continue reading").

    Why: these are the gate, not the story; an input left with little else once they are
    removed is a paywall stub (the cleaner marks it ``paywall``).
    """
    if len(text) <= 220 and _PAYWALL_HINT.search(text) and _PAYWALL.search(text):
        return "paywall notice"
    return None


_COOKIE = re.compile(r"\bcookies?\b", re.IGNORECASE)
_COOKIE_CONTEXT = re.compile(
    r"(?:\b(?:we|this\s+(?:web)?site|our\s+(?:web)?site|the\s+site)\s+(?:\w+\s+){0,2}uses?\s+(?:\w+\s+){0,2}cookies\b|"
    r"\bcookie\s+(?:policy|settings|preferences|notice|consent|statement)\b|"
    r"\baccept(?:ing)?\s+(?:all\s+)?(?:the\s+)?cookies\b|\buse\s+of\s+cookies\b|\bmanage\s+cookies\b)",
    re.IGNORECASE,
)


def cookie_notice(text: str) -> str | None:
    """A cookie-consent banner ("We use cookies … you accept our cookie policy").

    Why: consent banners are page furniture; both "cookie" and consent wording must appear,
    so an article about baking is safe.
    """
    if len(text) <= 500 and "ookie" in text.lower() and _COOKIE.search(text) and _COOKIE_CONTEXT.search(text):
        return "cookie/consent notice"
    return None


_COPYRIGHT = re.compile(
    r"^(?:©|\(c\)|copyright\b)|\ball\s+rights\s+reserved\b|"
    r"\bmay\s+not\s+be\s+(?:published|reproduced|republished|redistributed)\b",
    re.IGNORECASE,
)


def copyright_notice(text: str) -> str | None:
    """A copyright/rights footer ("© 2025 …", "All rights reserved.", "This material may not
    be published, broadcast, rewritten or redistributed.").

    Why: syndication footers are legal furniture appended to the body, not reporting.
    """
    if len(text) <= 200 and _COPYRIGHT.search(text):
        return "copyright/rights notice"
    return None


# ------------------------------------------------------------------------- page UI labels

_UI_LABELS = {
    "advertisement", "advertising", "ad", "sponsored", "sponsored content", "skip advertisement",
    "story continues below", "story continues below advertisement", "article continues below",
    "continue reading below", "continue reading the main story", "read more", "show more", "load more", "see more", "more",
    "listen to this article", "listen to this story", "print", "print this article",
    "email this article", "comments", "view comments", "loading", "scroll to continue",
    "back to top", "jump to comments", "enlarge this image", "toggle caption", "hide caption",
    "image", "photo", "video", "watch", "play video", "close",
}


def ui_label(text: str) -> str | None:
    """A lone page-UI label ("Advertisement", "Story continues below", "Read more").

    Why: button and slot labels leak into extracted text as one- to four-word lines that
    match a closed vocabulary exactly; nothing else on the line.
    """
    if len(text) <= 40 and line_key(text) in _UI_LABELS:
        return "page UI label"
    return None


# ----------------------------------------------------------------- related-story teasers

_RELATED_LABEL = re.compile(
    r"^(?:read\s+(?:also|more|next|this)|also\s+read|related(?:\s+(?:story|stories|coverage|articles?|content|reading|news))?|"
    r"see\s+also|more\s+(?:on|about)\s+(?:this|that)(?:\s+(?:story|topic))?|recommended(?:\s+(?:for\s+you|reading))?|"
    r"you\s+may\s+(?:also\s+)?like|you\s+might\s+also\s+like|most\s+read|most\s+popular|trending(?:\s+now)?|don[’']?t\s+miss|"
    r"watch(?:\s+(?:now|more|the\s+video))?|video|listen|explainer|opinion|analysis|live(?:\s+updates)?)"
    # a hyphen separates a label only with space before it: "Video-Podcast" is one word
    r"(?:\s*[:–—|»>]|\s+-)\s*\S",
    re.IGNORECASE,
)


def related_label(text: str) -> str | None:
    """A labelled related-story link ("Read also: …", "Related: …", "See also: …").

    Why: the label plus colon opening a short line is how teasers are introduced.
    """
    if len(text) <= 250 and _RELATED_LABEL.match(text):
        return "related-story teaser (labelled link)"
    return None


def teaser_like(text: str) -> bool:
    """Could this line be a related-story teaser (a headline or a one/three-sentence blurb)?

    Used only for the line right before a lone date line: short, no quotation marks (a
    teaser is a headline or blurb, not a quote), at least three words, not an introduction.
    """
    return (
        len(text.split()) >= 3
        and len(text) <= 300
        and not any(q in text for q in _DOUBLE_QUOTES)
        and not text.endswith((":", ","))
        and _sentences(text) <= 3
    )


# ----------------------------------------------------------------------------- date lines

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?"
_TIME = r"(?:,?\s*(?:at\s+)?\d{1,2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?"
_DATE = (
    rf"(?:{_WEEKDAY}\s+)?(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?|\d{1,2}[./]\d{1,2}[./]\d{2,4})"
)
_DATE_ONLY = re.compile(rf"^{_DATE}{_TIME}$", re.IGNORECASE)
_DATE_LABELLED = re.compile(
    r"^(?:published|updated|posted|last\s+updated|first\s+published)\s*(?:on\b|:)?\s*"
    r"(?:\d{1,2}(?::\d{2})?\s*[ap]\.?m\.?\s*(?:[A-Z]{2,4})?,?\s*)?"
    rf"{_DATE}{_TIME}$",
    re.IGNORECASE,
)


def is_date_only(text: str) -> bool:
    """Is the whole line a date ("March 14, 2025", "14 March 2025", "2025-03-14", with an
    optional weekday and time)?"""
    return len(text) <= 60 and bool(_DATE_ONLY.match(text.strip()))


def date_line(text: str) -> str | None:
    """A labelled publication/update stamp ("Published March 13, 2025", "Updated 2025-03-13").

    Why: the label says it is page metadata (kept in ``Article.published``), not narrative.
    """
    if len(text) <= 80 and (_DATE_LABELLED.match(text.strip()) is not None):
        return "publication date stamp"
    return None


# ---------------------------------------------------------------------------- headlines


def repeated_headline(text: str, title: str | None) -> str | None:
    """The article's own title repeated as a line of the body.

    Why: extractors often emit the ``<h1>`` (or a second copy of it) inside the text; the
    title is already kept in ``Article.title``. Compared after quote/case/space folding;
    titles shorter than three words are never matched (too likely to be a real line).
    """
    if not title or len(title.split()) < 3:
        return None
    if abs(len(text) - len(title)) > max(8, len(title) // 4):  # cheap pre-check
        return None
    if line_key(text) == line_key(title):
        return "repeated headline (same as the title)"
    return None


# Order matters only for the reason reported: the most specific rule wins.
LINE_RULES: list[tuple[str, LineRule]] = [
    ("photo_credit", photo_credit),
    ("categories", categories),
    ("tags", tags),
    ("cookie_notice", cookie_notice),
    ("paywall_notice", paywall_notice),
    ("newsletter_prompt", newsletter_prompt),
    ("subscribe_prompt", subscribe_prompt),
    ("share_prompt", share_prompt),
    ("related_teaser", related_label),
    ("date_line", date_line),
    ("copyright_notice", copyright_notice),
    ("ui_label", ui_label),
]
