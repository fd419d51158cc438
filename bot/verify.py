"""Evidence checks: is the question covered at all (refusal), and does each sentence rest on its source."""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass

from bot.answer import coverage, key_terms
from bot.index import Catalog
from bot.retrieve import Query
from bot.text import QUESTION_WORDS, STOPWORDS, fold, sentence_spans, stem, terms
from bot.types import Draft, DraftSentence, Hit

# Calibrated on tests/integration/questions.yaml (answerable vs unanswerable Belarus questions):
# the best hit must hold this IDF-weighted share of the question's key terms.
MIN_COVERAGE = 0.5
# A generated sentence must have this share of its content (IDF-weighted) in the cited passage.
MIN_SUPPORT = 0.6

_NAME_OR_NUMBER = re.compile(r"\b(?:[A-Z][\w'’-]*|\d[\d,.]*)\b")
_ACRONYM_OR_NUMBER = re.compile(r"[A-Z0-9][A-Z0-9.&-]+|\d[\d,.]*")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def _title_case(text: str) -> bool:
    """True for headline-style text, where most longer words are capitalised."""
    longer = [w for w in _WORD.findall(text) if len(w) > 3]
    return len(longer) >= 3 and sum(w[0].isupper() for w in longer) / len(longer) > 0.6


@dataclass(frozen=True)
class Evidence:
    """Whether the hits can answer the query, and why not when they cannot."""

    answerable: bool
    coverage: float
    missing: tuple[str, ...] = ()


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


def unknown_names(question: str, catalog: Catalog) -> list[str]:
    """Names and numbers in the question that occur nowhere in the corpus (e.g. "EU", "2022")."""
    missing = []
    for match in _NAME_OR_NUMBER.finditer(question):
        if _title_case(question) and not _ACRONYM_OR_NUMBER.fullmatch(match.group().strip(".,")):
            continue  # In "Why Did Belarus Release Leaders Now?" capitals mark no names.
        word = fold(match.group()).strip("'’-.,")
        if not word or word in STOPWORDS or word in QUESTION_WORDS:
            continue
        if stem(word) not in catalog.doc_freq and word not in catalog.doc_freq:
            missing.append(match.group().strip(".,"))
    return missing


def assess(query: Query, hits: list[Hit], catalog: Catalog, idf: dict[str, float]) -> Evidence:
    """Decide from the evidence whether to answer: unknown names, then key-term coverage of the best hit."""
    missing = unknown_names(query.text, catalog)
    if missing:
        return Evidence(False, 0.0, tuple(missing))
    wanted = key_terms(query)
    if not hits or not wanted:
        return Evidence(bool(hits), 1.0 if hits else 0.0)
    alias_terms = {t for bio in query.entities for t in terms(" ".join(bio.names))}
    best = 0.0
    for hit in hits:
        have = set(terms(hit.chunk.embedding_text()))
        if any(t in have for t in alias_terms):
            have |= alias_terms
        best = max(best, coverage(wanted, have, idf))
    return Evidence(best >= MIN_COVERAGE, best)


def support(sentence: str, passage: str, idf: dict[str, float]) -> float:
    """The IDF-weighted share of the sentence's content terms found in the passage (0 when a name or number is not)."""
    passage_terms = set(terms(passage))
    for match in _NAME_OR_NUMBER.finditer(sentence):
        token = terms(match.group())
        if token and not set(token) <= passage_terms:
            return 0.0
    return coverage(terms(sentence), passage_terms, idf)


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
            given = [q for q in sentence.quotes if q and q in passage]
            quote, score = (
                (given[0], 1.0) if given and given[0] == sentence.text else best_quote(sentence.text, passage, idf)
            )
            if score >= MIN_SUPPORT:
                sources.append(source)
                quotes.append(quote)
        if sources:
            kept.append(DraftSentence(sentence.text, tuple(sources), tuple(quotes)))
    return kept
