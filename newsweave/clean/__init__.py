"""Cleaning: remove scraping debris from article text and record what was removed and why.

``clean_article(article)`` is the stage entry point (sets ``text``, ``paragraphs``,
``removed``, ``status``, ``warnings``, ``language``); ``clean_text(text, title)`` is the pure
decision function behind it. Folding text for comparisons is ``newsweave.text.fold``.

Rules (``RemovedLine.rule``), all judged by the shape of a line, never by its outlet:

==================== ==========================================================================
``repeated_headline`` a line equal to the title (after quote/case/space folding)
``photo_credit``      "(Name / Agency)", "Photo: Name", "Name / Agency" on a line of its own; the
                      slash needs a person's name or an agency word on a side ("(Israel/France)",
                      "Contact / Imprint" are kept)
``photo_caption``     caption lines right before a credit (same block), or caption + credit on
                      one line
``categories``        "Categorized in:", "Filed under:", "Topics:" …
``tags``              "Tags:", "Tagged:", "Keywords:" …
``share_prompt``      "Share this article: …", rows of platform names, "Follow us …"
``newsletter_prompt`` "Sign up for our newsletter …", "Newsletter: …"
``subscribe_prompt``  "Subscribe …", "Become a member …", "Support local journalism …"
``paywall_notice``    "for subscribers only", "log in to continue reading", "reached your limit"
``cookie_notice``     "We use cookies … cookie policy"
``copyright_notice``  "© 2025 …", "All rights reserved.", "may not be published …"
``related_teaser``    "Read also: …"/"Related: …"/"WATCH: …", or a short teaser-like line
                      followed by a lone date line
``teaser_date``       the lone date line after a teaser
``date_line``         a date stamp in the header (top lines) or "Published/Updated …"
``ui_label``          "Advertisement", "Story continues below", "Read more" …
==================== ==========================================================================

A line a rule matched that reads like body text (≥ 25 words, ending a sentence, not among the
first or last two lines) is kept as a *candidate*: a ``clean: kept as a candidate for RULE …``
warning names the rule and its character span, and nothing is removed.

Kept on purpose: subheadings (short unpunctuated lines between paragraphs), lone date lines
that look structural (a timeline; each is named in a warning), teasers without a label or a
date. Status: ``empty`` (no text), ``paywall`` (a paywall notice and fewer than 150 words
left), ``boilerplate`` (nothing, or no prose, left), else ``ok``.
"""

from newsweave.clean.cleaner import CleanResult, clean_article, clean_text

__all__ = ["CleanResult", "clean_article", "clean_text"]
