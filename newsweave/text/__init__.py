"""Text rules: the one place each rule about English news text is written down.

Titles before names, stop words, the light stemmers, typography folding, sentence
splitting and what counts as a reprint were once written out by every stage that needed
them, each copy drifting on its own. They live here, once, and every stage imports them:

- :mod:`.titles` — words written before a person's name ("Gov.", "Sen.", "spokeswoman");
- :mod:`.stopwords` — words too common to say what a text is about;
- :mod:`.stem` — suffix strippers that let "arrived"/"arriving" and "migrants"/"migrant" match;
- :mod:`.fold` — typography folding for matching (curly quotes, dashes, case);
- :mod:`.words` — word tokens with their spans, and content words;
- :mod:`.sentences` — sentence and clause spans, and the abbreviations that do not end one;
- :mod:`.reprint` — how much shared text makes one article a reprint of another.

Where two stages need a rule to differ (a title list for linking names is not the one
for describing people), both values are kept side by side under names that say what each
is for, so a change to one is a decision about the other too. The modules import nothing
from the rest of newsweave except :mod:`newsweave.model`, so any stage may use them.
"""
