"""Text utilities shared by the stages: normalising, tokenising, sentence spans."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import Stemmer

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing done down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it its
    itself just me more most my myself now of off on once only or other our ours out over
    own same she should so some such than that the their theirs them themselves then there these they
    this those through to too under until up very was we were what when where which while who whom
    whose why will with would you your yours yourself tell know think say says said get got go going many much
    let lets me please thing things there's what's it's whats really ever still yet via per
    hi hello hey thanks thank ok okay so well""".split()
)

# Words that only shape a question; they never count as key terms.
QUESTION_WORDS = frozenset("what when where which who whom whose why how".split())

_WORD = re.compile(r"[\w][\w'’\-]*", re.UNICODE)
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr prof gen gov sen rep col lt sgt capt cpl pvt det insp supt cmdr adm rev hon "
    "mt ft ave blvd rd dept univ approx est fig no vs inc ltd co corp bros "
    "jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k e.g i.e a.m p.m".split()
)
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)")
_NEXT_CHAR = re.compile(r"\s*(\S)")
_LINE = re.compile(r"[^\n]+")


def fold(text: str) -> str:
    """Lowercase and strip accents so that "Aleś" and "ales" compare equal."""
    folded = text.casefold()
    if folded.isascii():  # most news text: nothing to decompose
        return folded
    # Only the non-ASCII runs (a curly quote, a name): a pass over every character of an article
    # was most of the cost of indexing a news archive. ASCII is unchanged by NFKD, so this is exact.
    return _NON_ASCII.sub(lambda run: _plain(run.group()), folded)


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# Runs longer than this (a paragraph in another script) are not kept: they rarely repeat.
_MEMO_RUN = 24


def _plain(run: str) -> str:
    return _plain_short(run) if len(run) <= _MEMO_RUN else _decompose(run)


def _decompose(run: str) -> str:
    decomposed = unicodedata.normalize("NFKD", run)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")


_plain_short = lru_cache(maxsize=1 << 12)(_decompose)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """Folded word tokens, possessives and edge hyphens trimmed."""
    out = []
    for word in _WORD.findall(fold(text)):
        word = word.strip("-'")
        if word.endswith("'s"):
            word = word[:-2]
        if word:
            out.append(word)
    return out


@lru_cache(maxsize=1 << 18)
def stem(word: str) -> str:
    """The English stem of a folded word (memoised: news vocabulary repeats, and stemming is the
    costliest step of tokenising)."""
    return str(_stemmer().stemWord(word))


def terms(text: str) -> list[str]:
    """Stemmed content terms: the unit of lexical matching everywhere (BM25, coverage, support)."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]


def sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each sentence, so sentences stay exact substrings of `text`.

    Line breaks always end a sentence (paragraphs, list items); within a line, a full stop ends one
    unless it closes an abbreviation or the next word starts in lower case.
    """
    for line in _LINE.finditer(text):
        yield from _line_sentences(text, line.start(), line.end())


def _line_sentences(text: str, start: int, stop: int) -> Iterator[tuple[int, int]]:
    begin = start
    for match in _SENTENCE_END.finditer(text, start, stop):
        end = match.end()
        if _is_abbreviation(text, match.start()):
            continue
        following = _NEXT_CHAR.match(text, end, stop)
        if following and not (following[1].isupper() or following[1].isdigit() or following[1] in "\"'“‘(["):
            continue
        yield from _trimmed(text, begin, end)
        begin = end
    yield from _trimmed(text, begin, stop)


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        offset = start + len(piece) - len(piece.lstrip())
        yield offset, offset + len(stripped)


def _is_abbreviation(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    # Only a short look-back: scanning the whole prefix made long articles quadratic.
    before = text[max(0, dot - 24) : dot].split()
    if not before:
        return False
    token = before[-1].lower().strip("(\"'“")
    if token == "no":  # "No. 5" but "He said no."
        following = _NEXT_CHAR.match(text, dot + 1)
        return bool(following and following[1].isdigit())
    return token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha())


def sentences(text: str) -> list[str]:
    """The sentences of `text`, each an exact substring of it."""
    return [text[s:e] for s, e in sentence_spans(text)]
