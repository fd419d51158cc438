"""What a question asks for and what a sentence offers: the text rules under the reader's features.

A question's kind ("when", "how_many", "who"...) comes from its first question word; a sentence offers
that kind when it holds a date, a number, a sum, a name or a place beyond what the question says. A
fragment (no verb) is never quoted as an answer, and text that stops mid-word is marked so.
"""

from __future__ import annotations

import re

from bot.text import STOPWORDS, stem, words
from bot.types import Hit

_MONTH = "january|february|march|april|may|june|july|august|september|october|november|december"
_DATE = re.compile(rf"\b(1[89]\d\d|20\d\d)\b|\b({_MONTH})\b|\b\d{{1,2}}:\d\d\b|\b(a\.m\.|p\.m\.)", re.I)
NUMBER = re.compile(
    r"\b\d[\d,.]*\b|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|thousand|million|billion|dozens?|several|half)\b",
    re.I,
)
_MONEY = re.compile(
    r"[$€£¥₹]\s?\d|\b\d[\d,.]*\s?(bn|m)\b|\b(dollars?|euros?|pounds?|rupees?|yuan|roubles?|rubles?|yen|francs?|"
    r"cents?|pence|usd|eur|gbp)\b",
    re.I,
)
# A question that asks for an amount of money wants a sum, not any number ("How much money did they get?").
_ASKS_MONEY = re.compile(
    r"\b(money|cash|costs?|costing|price[sd]?|pa(y|id|ys|ying)|spen[dt]|spending|worth|fund(s|ed|ing)?|fine[sd]?|"
    r"compensation|budget|ransom|dollars?|euros?|pounds?|rupees?)\b",
    re.I,
)
# "How much did they pay?" asks for a sum; "How many workers were paid?" counts workers.
_HOW_MUCH = re.compile(r"\bhow much\b|\bhow many (dollars|euros|pounds|rupees|roubles|rubles|yuan|yen)\b", re.I)
_DURATION = re.compile(r"\b(years?|months?|weeks?|days?|hours?|minutes?|decades?|since|until|life)\b", re.I)
_CAUSE = re.compile(
    r"\b(because|due to|owing to|in order to|so that|aimed at|aims? to|reasons?|timing|aligns? with|after|"
    r"following|amid|seeking|as part of|result|efforts?|pressure|in exchange|accused|for|warn|rewards?)\b",
    re.I,
)
_PLACE_WORD = re.compile(r"\b(in|at|from|to|near|into|bound for)\s+(the\s+)?[A-Z]")
PLACES_IN_TEXT = re.compile(r"\b(airport|city|capital|country|river|port|town|state|province|region)\b", re.I)
_DEFINITION = re.compile(r"\b(is|was|are|were|became|has been)\s+(a|an|the|chairman|president|mayor|head)\b", re.I)
ASKS_TIME_CUE = re.compile(
    r"\b(still|currently|remain\w*|next|will|going to|future|anymore|any more|how many more|yet)\b", re.I
)
# What a sentence must say to answer "still", "next" or "will": that something goes on, or is to come.
TIME_CUE = re.compile(
    r"\b(still|continu\w*|remain\w*|current\w*|will|would|plans?|planned|expected|expects|next|future|"
    r"by 20\d\d|no longer|yet|ongoing|later|again|budget\w*|scheduled|due (?:in|by|on)|intends?|aims? to|set to|"
    r"going to|upcoming|approved|ha(?:s|ve) been\b[^.;]*\bsince)\b",
    re.I,
)
_SUBJECT_WORDS = frozenset(("he", "she", "it", "who", "that", "which", "this"))
_DETERMINERS = frozenset(("the", "a", "an", "this", "that", "its", "his", "her", "their", "our", "each", "every"))
_LABEL = re.compile(r"^[A-Z][A-Z &'-]+:")
_IRREGULAR = frozenset(
    "went came took made told gave found left held won lost met led ran began became fell struck hit sent spent "
    "built brought bought thought knew saw got put set kept paid sold stood wrote spoke broke chose drove rose "
    "flew grew threw drew shot fought caught taught sought meant felt heard let cut sank lay sat wore".split()
)
ASKS_TIMING = re.compile(r"\b(now|at this (?:point|time|moment)|this week|right now|timing|why then)\b", re.I)
TIMING = re.compile(r"\b(timing|now|recent\w*|after|following|amid|as|since|comes? as|months?|weeks?)\b", re.I)
_AUXILIARY = frozenset(
    "is are was were be been being am has have had do does did will would can could may might must shall "
    "should says said say".split()
)


_KIND_CUES = (
    ("how_long", re.compile(r"\bhow (long|old|often)\b")),
    # a measure is a number too: "how far", "how heavy", "how big"
    ("how_many", re.compile(r"\bhow (many|much|far|heavy|big|large|tall|high|deep|wide|fast)\b")),
    ("when", re.compile(r"\b(when|(what|which) (year|time|date|day|month))\b")),
    ("why", re.compile(r"\bwhy\b")),
    ("who", re.compile(r"\bwho(m|se)?\b")),
    ("where", re.compile(r"\bwhere\b")),
    ("other", re.compile(r"\b(what|which|how)\b")),
)


def question_kind(question: str) -> str:
    """What the question asks for: when, how_many, how_long, who, where, why, or other.

    The first question word decides: "Where was Modi when it landed?" asks where, and "What happened
    when the ship hit?" asks what."""
    joined = " ".join(words(question))
    found = [(m.start(), i, kind) for i, (kind, cue) in enumerate(_KIND_CUES) if (m := cue.search(joined))]
    return min(found)[2] if found else "other"


def is_fragment(sentence: str) -> bool:
    """True for text with no verb: a headline, a caption, a list item ("Christiana Mall and nearby hubs").

    Without a tagger a verb is recognised by its commonest forms; a long sentence with none of them
    is still taken for a sentence ("The ship struck the bridge's pier at night after losing power"),
    so only short, title-cased or labelled text ("STORY: …") counts as a fragment.
    """
    tokens = sentence.split()
    # A question in the source ("Why did Buybuy Baby close?", a subheading) asks; it never answers.
    if len(tokens) < 3 or _LABEL.match(sentence) or sentence.rstrip().endswith("?"):
        return True
    for i, token in enumerate(tokens):
        word = token.strip(".,;:!?\"'()“”‘’").lower()
        if word in _AUXILIARY or word in _IRREGULAR or (len(word) > 4 and word.endswith("ed")):
            return False
        # "Belarus releases", "he says": an -s word after a name or pronoun is a verb in news prose.
        if i and word.endswith("s") and not word.endswith("ss") and token[0].islower():
            previous = tokens[i - 1].strip(",")
            before = tokens[i - 2].lower() if i > 1 else ""
            # "Belarus releases", "he says", "the comet returns"
            if previous[:1].isupper() or previous.lower() in _SUBJECT_WORDS or before in _DETERMINERS:
                return False
    longer = [t for t in tokens if len(t) > 3 and t[0].isalpha()]
    title_case = bool(longer) and sum(t[0].isupper() for t in longer) / len(longer) > 0.5
    unfinished = sentence.rstrip()[-1:] not in ".!?\"'”’)"
    return len(tokens) < 5 or title_case or unfinished


def ends_mid_text(chunk_text: str, end: int) -> bool:
    """True when a sentence ends where its passage stops without closing punctuation (a truncated bio)."""
    return end >= len(chunk_text.rstrip()) and chunk_text.rstrip()[-1:] not in ".!?\"'”’)"


def answer_type(kind: str, sentence: str, question: str) -> bool:
    """True when the sentence holds the kind of thing the question asks for, beyond what it already says."""
    if kind == "when":
        return bool(_DATE.search(sentence))
    if kind == "how_many":
        if _HOW_MUCH.search(question) and _ASKS_MONEY.search(question):
            return bool(_MONEY.search(sentence))
        return bool(NUMBER.search(sentence))
    if kind == "how_long":
        return bool(_DURATION.search(sentence)) or bool(_DATE.search(sentence))
    if kind == "why":
        return bool(_CAUSE.search(sentence))
    if kind == "where":
        return bool(_PLACE_WORD.search(sentence)) or bool(PLACES_IN_TEXT.search(sentence))
    if kind == "who":
        asked = set(words(question))
        names = [w for w in re.findall(r"(?<!^)(?<![.!?] )\b[A-Z][a-z]+", sentence) if w.lower() not in asked]
        return bool(names) or bool(_DEFINITION.search(sentence))
    return True


# Words that shape a heading or a question about it without naming its subject.
_HEADING_FILLER = frozenset("what whats what's how is are the did do does a an s us me tell".split())
# Share of words a question must share with a section heading to be asking for that section.
HEADING_MATCH = 0.5
# Sentences quoted from the opening of a section asked for by its heading.
SECTION_SENTENCES = 2


def _heading_words(text: str) -> set[str]:
    return {stem(w) for w in words(text.replace("’", "'")) if w not in _HEADING_FILLER}


def section_asked(question: str, hits: list[Hit]) -> int | None:
    """The hit whose story section the question names by its heading ("What happened?" for "What's
    happened"), or None. Only short questions count: a longer one asks something of its own."""
    asked = _heading_words(question)
    if not asked or len(asked) > 4:
        return None
    for i, hit in enumerate(hits):
        heading = _heading_words(hit.chunk.section or "") if hit.chunk.kind == "story" else set()
        if heading and len(asked & heading) / len(asked | heading) >= HEADING_MATCH:
            return i
    return None


PRONOUN_START = re.compile(r"\W*(he|she|they|his|her|their|it|its)\b", re.I)
_HOW_MANY = re.compile(r"\bhow (many|much)\s+(?:more\s+)?([a-z]+)", re.I)


def counted(question: str) -> str | None:
    """The word a "how many" question counts ("how many workers died" → "workers")."""
    match = _HOW_MANY.search(question)
    if not match or match.group(2).lower() in STOPWORDS:
        return None
    return match.group(2).lower()


_NAME = re.compile(r"\b[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*")


def names_in(question: str) -> list[str]:
    """Capitalised words past the first word of the question ("Putin", "Key Bridge"): names it asks about.
    None when the question is in headline capitals ("Why Did Belarus Release Opposition Leaders Now?")."""
    longer = [w for w in question.split() if len(w) > 3 and w[0].isalpha()]
    if len(longer) >= 3 and sum(w[0].isupper() for w in longer) / len(longer) > 0.6:
        return []
    first = re.match(r"\W*\w+", question)
    rest = question[first.end() :] if first else question
    return [m.group() for m in _NAME.finditer(rest)]
