"""Answerers turn hits into a `Draft`. The extractive one quotes the sentences that answer best."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Protocol

from bot.retrieve import Query
from bot.text import QUESTION_WORDS, sentence_spans, terms, words
from bot.types import Draft, DraftSentence, Hit


class Answerer(Protocol):
    """Anything that drafts an answer from hits. Verification and refusal happen after it."""

    def draft(self, query: Query, hits: list[Hit], idf: dict[str, float]) -> Draft:
        """A draft whose sentences cite hits by position in `hits`."""
        ...


_YEAR_OR_DATE = re.compile(r"\b(1[89]\d\d|20\d\d)\b|\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December)\b")
_NUMBER = re.compile(r"\b\d[\d,.]*\b")
_DEFINITION = re.compile(r"\b(is|was|are|were) (a|an|the)\b")
_CAUSE = re.compile(
    r"\b(because|due to|following|after|amid|aims?|aimed|seeking|in order to|so that|as part of|"
    r"aligns?|linked|linking|reasons?|result|efforts?|relief|pressure|negotiat\w*|strategic|timing)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Candidate:
    """A sentence of a hit, scored for the question."""

    hit: int
    text: str
    score: float
    coverage: float
    terms: frozenset[str]


def question_type(question: str) -> str:
    """A coarse type: when, who, why, how_many, where or other."""
    w = words(question)
    joined = " ".join(w)
    if "how many" in joined or "how much" in joined:
        return "how_many"
    if "when" in w or "year" in w or "born" in w or "date" in w:
        return "when"
    for kind in ("why", "who", "where"):
        if kind in w:
            return kind
    return "other"


def key_terms(query: Query) -> list[str]:
    """The question's content terms, question words removed."""
    return [t for t in query.terms if t not in QUESTION_WORDS]


def coverage(wanted: list[str], have: set[str], idf: dict[str, float]) -> float:
    """The IDF-weighted share of `wanted` terms that `have` contains."""
    total = sum(idf.get(t, 1.0) for t in wanted)
    return sum(idf.get(t, 1.0) for t in wanted if t in have) / total if total else 0.0


def _type_bonus(kind: str, sentence: str) -> float:
    if kind == "when":
        return 1.0 if _YEAR_OR_DATE.search(sentence) else 0.0
    if kind == "how_many":
        return 1.0 if _NUMBER.search(sentence) else 0.0
    if kind == "who":
        return 1.0 if _DEFINITION.search(sentence) else 0.0
    if kind == "why":
        return min(1.0, 0.5 * len(_CAUSE.findall(sentence)))
    return 0.0


class ExtractiveAnswerer:
    """Picks the sentences that best answer the question; every quote is an exact corpus substring."""

    def __init__(self, max_sentences: int = 3, relative_cut: float = 0.75) -> None:
        self.max_sentences = max_sentences
        self.relative_cut = relative_cut

    def candidates(self, query: Query, hits: list[Hit], idf: dict[str, float]) -> list[Candidate]:
        """Every sentence of every hit, best first."""
        wanted = key_terms(query)
        kind = question_type(query.text)
        out = []
        for rank, hit in enumerate(hits):
            context = set(terms(" ".join(filter(None, [hit.chunk.title, hit.chunk.section, hit.chunk.entity]))))
            prior = 1.0 / math.sqrt(rank + 1)
            for position, (start, end) in enumerate(sentence_spans(hit.chunk.text)):
                text = hit.chunk.text[start:end]
                own = frozenset(terms(text))
                cov = coverage(wanted, own | context, idf)
                own_cov = coverage(wanted, set(own), idf)
                lead = 0.1 if position == 0 else 0.0
                score = 0.45 * own_cov + 0.2 * cov + 0.2 * prior + 0.15 * _type_bonus(kind, text) + lead
                out.append(Candidate(rank, text, score, cov, own))
        return sorted(out, key=lambda c: -c.score)

    def draft(self, query: Query, hits: list[Hit], idf: dict[str, float]) -> Draft:
        """The top sentences (one to `max_sentences`), without near-duplicates, best first."""
        ranked = [c for c in self.candidates(query, hits, idf) if c.coverage > 0 and len(c.text) > 20]
        if not ranked:
            return Draft(declined=True)
        best = ranked[0].score
        chosen: list[Candidate] = []
        for cand in ranked:
            if len(chosen) == self.max_sentences or cand.score < self.relative_cut * best:
                break
            if any(_overlap(cand.terms, c.terms) > 0.6 for c in chosen):
                continue
            chosen.append(cand)
        return Draft(sentences=tuple(DraftSentence(c.text, (c.hit,), (c.text,)) for c in chosen))


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / max(1, min(len(a), len(b)))
