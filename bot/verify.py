"""Evidence checks: is the question covered at all (refusal), and does each sentence rest on its source."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

from bot.aliases import PlaceAliases
from bot.lexicon import Lexicon
from bot.retrieve import Query
from bot.snapshot import Catalog
from bot.text import QUESTION_WORDS, STOPWORDS, fold, terms

_WORD = re.compile(r"[^\W_][\w'’.,-]*[^\W_]|[^\W_]")
_ACRONYM = re.compile(r"[^\W\d_]*[A-Z][A-Z0-9&.-]+")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n)\W*$")
_PERSON_PRONOUN = re.compile(r"\b(he|she|him|his|her|hers)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Evidence:
    """Whether the question can be put to the reader at all, and why not when it cannot."""

    answerable: bool
    missing: tuple[str, ...] = ()
    unclear_person: str | None = None


def _title_case(words: list[str]) -> bool:
    longer = [w for w in words if len(w) > 3 and w[0].isalpha()]
    return len(longer) >= 3 and sum(w[0].isupper() for w in longer) / len(longer) > 0.6


def known_word(token: str, catalog: Catalog, places: PlaceAliases | None) -> bool:
    """True when the corpus uses the word (all its terms), or it names a place the corpus names otherwise."""
    found = terms(token)
    if not found or all(t in catalog.doc_freq for t in found):
        return True
    # "United States" where the corpus says "US", "Minsk" where it says "Belarus".
    aliases = places.group(token) if places else frozenset()
    return any(all(t in catalog.doc_freq for t in terms(a)) for a in aliases if terms(a))


def unknown_names(
    question: str,
    catalog: Catalog,
    places: PlaceAliases | None = None,
    lexicon: Lexicon | None = None,
    known: Collection[str] = (),
) -> list[str]:
    """Names, acronyms and numbers in the question that occur nowhere in the corpus ("EU", "2022", "Łukasz").

    A capitalised word counts as a name unless it starts a sentence or the question is in headline
    capitals; acronyms and numbers always count. Any other word counts when the lexicon takes it for a
    name ("did putin free them?"). Words in `known` never count (acronyms the passages spell out).
    """
    matches = list(_WORD.finditer(question))
    headline = _title_case([m.group() for m in matches])
    missing = []
    for match in matches:
        token = match.group().strip(".,")
        if not token or token in known or fold(token) in STOPWORDS or fold(token) in QUESTION_WORDS:
            continue
        if known_word(token, catalog, places) or _known_phrase(question, match.start(), catalog, places):
            continue
        strong = token[0].isdigit() or _ACRONYM.fullmatch(token) is not None
        capitalised = token[0].isupper() and not (headline or _SENTENCE_START.search(question[: match.start()]))
        if strong or capitalised or (lexicon is not None and lexicon.is_name(token, _corpus_word(catalog))):
            missing.append((match.start(), match.start() + len(token)))
    return _phrases(question, missing)


def _corpus_word(catalog: Catalog) -> Callable[[str], bool]:
    def known(word: str) -> bool:
        found = terms(word)
        return bool(found) and all(t in catalog.doc_freq for t in found)

    return known


_LINKING = frozenset({"of", "the", "and", "for", "&"})
_CAPITALISED_RUN = re.compile(r"[A-Z][\w'’-]*(?:\s+(?:(?:of|the|and|for|&)\s+)*[A-Z][\w'’-]*)+")


def spelled_out(question: str, texts: list[str], catalog: Catalog) -> dict[str, str]:
    """Acronyms of the question that the corpus never uses but the texts spell out ("WSJ" → "Wall
    Street Journal", "ISRO" → "Indian Space Research Organisation")."""
    found: dict[str, str] = {}
    for match in _WORD.finditer(question):
        token = match.group().strip(".,")
        if not _ACRONYM.fullmatch(token) or not token.isalpha() or known_word(token, catalog, None):
            continue
        for text in texts:
            phrase = spelled_out_in(token, text)
            if phrase:
                found[token] = phrase
                break
    return found


def spelled_out_in(acronym: str, text: str) -> str | None:
    """The run of capitalised words in `text` whose initials are the acronym ("NTSB": "National
    Transportation Safety Board"), or None."""
    return next((run for run in _capitalised_runs(text) if _initials(run) == acronym.upper()), None)


def _capitalised_runs(text: str) -> list[str]:
    runs = []
    for match in _CAPITALISED_RUN.finditer(text):
        tokens = match.group().split()
        # Every sub-run too: "The Wall Street Journal" must also yield "Wall Street Journal".
        edges = [i for i, t in enumerate(tokens) if t.lower() not in _LINKING]
        runs += [" ".join(tokens[i : j + 1]) for i in edges for j in edges if j > i]
    return runs


def _initials(phrase: str) -> str:
    return "".join(w[0] for w in phrase.split() if w.lower() not in _LINKING).upper()


def _known_phrase(question: str, start: int, catalog: Catalog, places: PlaceAliases | None) -> bool:
    """True when the word is part of a known place's many-word name ("United" of "United States")."""
    if places is None:
        return False
    for group in places.find(question):
        for name in group:
            at = question.find(name)
            if at != -1 and at <= start < at + len(name):
                return known_word(min(group, key=len), catalog, places)
    return False


def _phrases(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """Adjacent unknown words as one phrase: "2022 World Cup", not "2022", "World", "Cup"."""
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and text[merged[-1][1] : start].strip() == "":
            merged[-1][1] = end
        else:
            merged.append([start, end])
    return [text[start:end] for start, end in merged]


def assess(
    query: Query,
    catalog: Catalog,
    places: PlaceAliases | None = None,
    lexicon: Lexicon | None = None,
    known: Collection[str] = (),
) -> Evidence:
    """Refuse before reading only what no reader could answer: a pronoun with nobody to refer to, or a
    name, acronym or number that occurs nowhere in the corpus under any of its aliases ("EU", "2022").

    Everything else is the reader's to decide: ordinary words never veto, since readers use their own.
    `known` holds words found under another form (an acronym spelled out in the passages: "WSJ").
    """
    pronoun = _PERSON_PRONOUN.search(query.text)
    if pronoun and not query.entities and not _has_name(query.text):
        return Evidence(False, unclear_person=pronoun.group())
    missing = unknown_names(query.text, catalog, places, lexicon, known)
    if missing:
        return Evidence(False, missing=tuple(missing))
    return Evidence(True)


def _has_name(text: str) -> bool:
    return any(m.group()[0].isupper() and not _SENTENCE_START.search(text[: m.start()]) for m in _WORD.finditer(text))
