"""Evidence checks: is the question covered at all (refusal), and does each sentence rest on its source."""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass

from bot.answer import coverage, covered
from bot.index import Catalog
from bot.retrieve import KeyTerm, Query, plain_terms
from bot.text import QUESTION_WORDS, STOPWORDS, fold, sentence_spans, stem, terms, words
from bot.types import Draft, DraftSentence, Hit

# Calibrated on tests/integration/questions.yaml (answerable vs unanswerable Belarus questions):
# the best hit must hold this IDF-weighted share of the question's key terms.
MIN_COVERAGE = 0.5
# A generated sentence must have this share of its content (IDF-weighted) in the quote it cites,
# and may add at most MAX_NEW_TERMS words the quote does not have.
MIN_SUPPORT = 0.7
MAX_NEW_TERMS = 2

_WORD = re.compile(r"[^\W_][\w'’.,-]*[^\W_]|[^\W_]")
_ACRONYM = re.compile(r"[^\W\d_]*[A-Z][A-Z0-9&.-]+")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n)\W*$")
_PERSON_PRONOUN = re.compile(r"\b(he|she|him|his|her|hers)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Evidence:
    """Whether the hits can answer the query, and why not when they cannot."""

    answerable: bool
    coverage: float
    missing: tuple[str, ...] = ()
    unclear_person: str | None = None


def idf_table(catalog: Catalog) -> dict[str, float]:
    """Inverse document frequency per term over the snapshot's chunks."""
    n = max(1, catalog.n_chunks)
    return {t: math.log(1 + n / df) for t, df in catalog.doc_freq.items()}


def unknown_idf(catalog: Catalog) -> float:
    """The weight of an ordinary word the corpus never uses.

    Half the rarest term's weight: such a word may be a paraphrase ("outlets" for "papers"), so it
    counts against coverage without vetoing it. Unknown names and numbers veto (`unknown_names`).
    """
    return 0.5 * math.log(1 + max(1, catalog.n_chunks))


def _title_case(words: list[str]) -> bool:
    longer = [w for w in words if len(w) > 3 and w[0].isalpha()]
    return len(longer) >= 3 and sum(w[0].isupper() for w in longer) / len(longer) > 0.6


def _known(token: str, catalog: Catalog) -> bool:
    found = terms(token)
    return not found or all(t in catalog.doc_freq for t in found)


def unknown_names(question: str, catalog: Catalog) -> list[str]:
    """Names, acronyms and numbers in the question that occur nowhere in the corpus ("EU", "2022", "Łukasz").

    A capitalised word counts as a name unless it starts a sentence or the question is in headline
    capitals; acronyms and numbers always count.
    """
    matches = list(_WORD.finditer(question))
    headline = _title_case([m.group() for m in matches])
    missing = []
    for match in matches:
        token = match.group().strip(".,")
        if not token or not (token[0].isupper() or token[0].isdigit()):
            continue
        strong = token[0].isdigit() or _ACRONYM.fullmatch(token) is not None
        if not strong and (headline or _SENTENCE_START.search(question[: match.start()])):
            continue
        if fold(token) in STOPWORDS or fold(token) in QUESTION_WORDS:
            continue
        if not _known(token, catalog):
            missing.append((match.start(), match.start() + len(token)))
    return _phrases(question, missing)


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
    query: Query, hits: list[Hit], catalog: Catalog, idf: dict[str, float], min_coverage: float = MIN_COVERAGE
) -> Evidence:
    """Decide from the evidence whether to answer.

    Refuse when the question names something the corpus never mentions, when everything it asks
    about a known person is in words the corpus never uses ("Who is Bialiatski married to?"), or
    when the best hit covers too little of its key terms.
    """
    pronoun = _PERSON_PRONOUN.search(query.text)
    if pronoun and not query.entities and not _has_name(query.text):
        return Evidence(False, 0.0, unclear_person=pronoun.group())
    missing = unknown_names(query.text, catalog)
    if missing:
        return Evidence(False, 0.0, tuple(missing))
    wanted = list(query.key_terms)
    plain = [k for k in wanted if not k.entity]
    if query.entities and plain and all(t not in catalog.doc_freq for k in plain for t in k.typed):
        unknown = {t for k in plain for t in k.typed}
        return Evidence(False, 0.0, tuple(dict.fromkeys(w for w in words(query.text) if stem(w) in unknown)))
    if not hits or not wanted:
        return Evidence(bool(hits), 1.0 if hits else 0.0)
    people = [k for k in wanted if k.entity]
    best = 0.0
    for hit in hits:
        # A question about a person is answered only from passages about that person.
        have = set(terms(hit.chunk.embedding_text())) if people else set()  # tokenised once per hit
        if all(covered(k, have) for k in people):
            best = max(best, local_coverage(wanted, hit, idf))
    return Evidence(best >= min_coverage, best)


def local_coverage(wanted: list[KeyTerm], hit: Hit, idf: dict[str, float]) -> float:
    """The best coverage of the key terms by the chunk's heading plus one or two adjacent sentences.

    Terms scattered over a long chunk ("Wimbledon" in one sentence, "2019" in another, "women's
    singles" in a third) are not evidence that any sentence answers the question: RGB's negative
    passages are made of exactly such near misses.
    """
    head = set(terms(hit.chunk.head))
    text = hit.chunk.text
    spans = list(sentence_spans(text)) or [(0, len(text))]
    sentences = [head | set(terms(text[s:e])) for s, e in spans]  # each sentence tokenised once
    windows = sentences + [a | b for a, b in itertools.pairwise(sentences)]
    return max(coverage(wanted, window, idf) for window in windows)


def _has_name(text: str) -> bool:
    return any(m.group()[0].isupper() and not _SENTENCE_START.search(text[: m.start()]) for m in _WORD.finditer(text))


def support(sentence: str, passage: str, idf: dict[str, float]) -> float:
    """How well the passage supports the sentence: 0 when a name, number or negation is missing or
    more than MAX_NEW_TERMS words are new, else the IDF-weighted share of the sentence's terms it has."""
    passage_terms = set(terms(passage))
    for match in _WORD.finditer(sentence):
        token = match.group()
        if (token[0].isupper() or token[0].isdigit()) and not set(terms(token)) <= passage_terms:
            return 0.0
    wanted = terms(sentence)
    new = {t for t in wanted if t not in passage_terms}
    if len(new) > MAX_NEW_TERMS or new & {"not", "no", "nor", "never", "none"}:
        return 0.0
    return coverage(plain_terms(wanted), passage_terms, idf)


def best_quote(sentence: str, passage: str, idf: dict[str, float]) -> tuple[str, float]:
    """The passage sentence (or pair of adjacent sentences) that best supports `sentence`."""
    spans = list(sentence_spans(passage))
    windows = spans + [(a[0], b[1]) for a, b in itertools.pairwise(spans)]
    scored = [(support(sentence, passage[s:e], idf), -(e - s), passage[s:e]) for s, e in windows]
    if not scored:
        return passage, 0.0
    score, _, quote = max(scored)
    return quote, score


def verify(draft: Draft, hits: list[Hit], idf: dict[str, float]) -> list[DraftSentence]:
    """Keep only sentences supported by a passage they cite, each with its exact supporting quote."""
    kept = []
    for sentence in draft.sentences:
        sources, quotes = [], []
        for source in dict.fromkeys(sentence.sources):
            if not 0 <= source < len(hits):
                continue
            passage = hits[source].chunk.text
            extracted = sentence.quotes[:1] == (sentence.text,) and sentence.text in passage
            quote, score = (sentence.text, 1.0) if extracted else best_quote(sentence.text, passage, idf)
            if score >= MIN_SUPPORT:
                sources.append(source)
                quotes.append(quote)
        if sources:
            kept.append(DraftSentence(sentence.text, tuple(sources), tuple(quotes)))
    return kept
