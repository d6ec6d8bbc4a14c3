"""Stop words: words too common to tell what a text, a quote or a statement is about.

Three lists, because three stages ask three different questions:

- :data:`STOPWORDS` — matching wording across outlets (quotes, statements, numbers'
  context words, compare's findings): function words, their contractions, and the verbs
  of reporting ("said", "told", "according"), which every outlet adds its own way;
- :data:`STORY_STOPWORDS` — the story clusterer's content tokens: also drops the words of
  news time and news making ("week", "monday", "report", "people"), which every story has
  and no story is told apart by;
- :data:`CUE_LEXICON_STOPWORDS` — building the speech-cue lexicon from PolNeAR: words that
  occur inside annotated cues but are not cues (auxiliaries, adverbs, and the two names
  that dominate the 2016 corpus).

They overlap but are not one list: each was tuned with its own benchmark (quote and
statement alignment, story clustering, cue precision), and a word moved between them
changes that benchmark's figures.
"""

from __future__ import annotations

__all__ = ["STOPWORDS", "STORY_STOPWORDS", "CUE_LEXICON_STOPWORDS"]

#: Matching wording across outlets (``text.words.content_words`` and compare's modules).
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do does
    doesn't doing don't down during each few for from further had hadn't has hasn't have haven't
    having he he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll
    i'm i've if in into is isn't it it's its itself let's me more most mustn't my myself no nor
    not of off on once only or other ought our ours ourselves out over own same shan't she she'd
    she'll she's should shouldn't so some such than that that's the their theirs them themselves
    then there there's these they they'd they'll they're they've this those through to too under
    until up very was wasn't we we'd we'll we're we've were weren't what what's when when's where
    where's which while who who's whom why why's will with won't would wouldn't you you'd you'll
    you're you've your yours yourself yourselves said says say told tell according also just
    would could will may might must one two new now would us mr mrs ms""".split()
)

#: The story clusterer's tokens (``group.stories.tokenize``).
STORY_STOPWORDS = frozenset(
    """a about above after again against all almost along already also although always am among an and
    another any anyone anything are around as at back be became because become been before being below
    between both but by can cannot could did do does doing done down during each either else enough
    even ever every few for from further get gets got had has have having he her here hers herself him
    himself his how however i if in into is it its itself just last least less like made make many may
    me might more most much must my myself neither never new next no nor not now of off often on once one
    only or other others our ours ourselves out over own per perhaps put rather said same say says see
    seem seemed several she should since so some still such than that the their theirs them themselves
    then there these they this those though three through thus to together too toward two under until up
    upon us very via was we well were what whatever when where whether which while who whom whose why
    will with within without would yet you your yours yourself also according told tell reported report
    reports reporting news week weeks year years day days time times monday tuesday wednesday thursday
    friday saturday sunday today yesterday tomorrow mr mrs ms people including first second according
    don't it's he's she's that's there's can't won't didn't doesn't isn't wasn't i'm we're they're""".split()
)

#: Building the cue lexicon (``models.quotes.build_lexicon``): not cue words, though often inside a cue.
CUE_LEXICON_STOPWORDS = frozenset(
    "to has of a on about is for in the have also was are not with s t been out had as at an by his were "
    "would be it will and that from more up over now back no first her still like just even their this "
    "so then long off later last could can don all new one may into again once only most might never make "
    "do well some re since being must need take toward always its him ve much after during both under time "
    "year month week night monday tuesday wednesday thursday friday saturday sunday trump clinton".split()
)
