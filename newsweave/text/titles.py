"""Words written before a person's name: honorifics, ranks, offices, occupations.

News text names people with a title in front ("Arizona Gov. Doug Ducey", "White House
press secretary Jen Psaki", "pollster Ann Selzer"). Several stages must see past the title
to the name, but each asks a different question, so each has its own list here:

- linking one name across outlets needs only the titles NER tends to leave inside a
  PERSON span (:data:`NAME_LINK_TITLES`);
- describing a person keeps every word of the phrase before the name, offices and the
  institutions in them (:data:`DESCRIPTION_TITLES`);
- spotting a person in a run of proper nouns needs occupations too ("actor", "pollster")
  (:data:`NAME_RUN_TITLES`);
- keying a person by surname for story grouping needs ranks, with and without their period
  (:data:`SURNAME_KEY_TITLES`).

All of them contain :data:`HONORIFICS`. Widening one list changes what its stage finds
(and the benchmark figures), which is why they were not merged into one: a word that
should join several lists is a change to each, checked on each stage's benchmark.
Every word is lower case; a stage that compares "Gov." also looks it up without the period
where its list has only the bare form.
"""

from __future__ import annotations

__all__ = [
    "HONORIFICS",
    "NAME_LINK_TITLES",
    "DESCRIPTION_TITLES",
    "NAME_RUN_TITLES",
    "SURNAME_KEY_TITLES",
    "OFFICE_HEADS",
    "LABEL_NAME_TITLES",
]

#: The titles every list below has: courtesy titles and the offices most often abbreviated.
HONORIFICS = frozenset(
    """dr dr. gen. gov gov. judge mr mr. mrs mrs. ms ms. president rep rep. sen sen. senator""".split()
)

#: ``compare.names``: stripped from a PERSON entity to get the name it is linked on
#: ("Arizona Gov. Doug Ducey" → "Doug Ducey"), and a sign that a capitalised word after
#: one is a name. NER spans seldom hold job words, so the list stays short.
NAME_LINK_TITLES = HONORIFICS | frozenset(
    """analyst chancellor chief director former governor justice mayor minister prime reps reps.
    secretary then-president vice""".split()
)

#: ``enrich.quotes.people``: the words of a description before a name, kept as the person's
#: titles ("White House press secretary", "Senate majority whip") and never taken as a name.
#: It holds the institutions in such phrases ("house", "health", "the") as well as offices.
DESCRIPTION_TITLES = HONORIFICS | frozenset(
    """adm. adviser advisor alderman ambassador analyst anchor assistant attorney author candidate
    capt. ceo chair chairman chairwoman chancellor chief col. commissioner correspondent council
    councillor councilman councilor councilwoman defense democratic deputy director economist
    first former founder general gop governor health homeland host house human justice king lady
    lawyer leader lt. majority mayor member minister minority nominee officer pastor pope press
    prime prince princess prof prof. professor queen representative reps. republican rev.
    reverend secretary security senate services sgt. sheriff speaker spokesman spokesperson
    spokeswoman state strategist the then then-president treasury u.s. vice whip white""".split()
)

#: ``enrich.quotes.extract``: a title inside or just before a run of proper nouns marks the
#: rest as a person's name ("Deputy Mayor Marisol Quintero"). Occupations count here: the
#: parser's proper-noun runs are often "analyst Ann Reyes" or "actor Tom Hanks".
NAME_RUN_TITLES = HONORIFICS | frozenset(
    """activist actor actress adm. adviser advisor aide alderman ambassador analyst anchor attorney
    author billionaire businessman businesswoman candidate capt. ceo chairman chairwoman
    chancellor chief coach col. columnist commissioner congressman congresswoman correspondent
    councillor councilman councilor councilwoman dame deputy director economist editor founder
    general governor host imam justice king lady lawmaker lawyer leader lord lt. manager mayor
    member minister nominee officer official pastor pollster pope prince princess prof.
    professor queen rabbi representative reps. resident rev. secretary secretary-general senior
    sens. sgt. sheriff singer sir speaker spokesman spokesperson spokeswoman star strategist
    then-president then-vice vice""".split()
)

#: ``enrich.entities``: dropped before the last word of a PERSON mention is taken as the
#: story clusterer's surname key ("Sgt. Lopez" and "Lopez" are one key). The mention is
#: normalised first, which keeps periods, so ranks appear in both forms.
SURNAME_KEY_TITLES = HONORIFICS | frozenset(
    """capt capt. col gen lady lord lt lt. officer prof sgt sgt. sir""".split()
)

#: ``compare.quotes``: head words of an office; a speaker whose last word is one of these
#: ("the Special Envoy") is a role, not a person named by surname. Folded, without periods.
OFFICE_HEADS = frozenset(
    """president secretary envoy minister senator governor mayor chairman chairwoman speaker
    leader spokesman spokeswoman spokesperson director chief official officials judge justice general""".split()
)

#: ``bench.quote_sample``: words left out when a labelled speaker is matched to a found one
#: word by word. The labels were written with these forms only; widening the list changes
#: the benchmark's figures, not the extractor.
LABEL_NAME_TITLES = frozenset(
    """mr. mrs. ms. dr. sen. rep. gov. president senator former the""".split()
)
