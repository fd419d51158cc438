"""Answerers turn hits into a `Draft`. The extractive one quotes the sentences that answer best."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np
from langchain_core.embeddings import Embeddings

from bot.retrieve import KeyTerm, Query
from bot.text import sentence_spans, terms, words
from bot.types import Draft, DraftSentence, Hit


class Answerer(Protocol):
    """Anything that drafts an answer from hits. Verification and refusal happen after it."""

    def draft(self, query: Query, hits: list[Hit], idf: dict[str, float]) -> Draft:
        """A draft whose sentences cite hits by position in `hits`."""
        ...


_MONTH = "January|February|March|April|May|June|July|August|September|October|November|December"
_YEAR_OR_DATE = re.compile(rf"\b(1[89]\d\d|20\d\d)\b|\b\d{{1,2}} ({_MONTH})\b")
_NUMBER = re.compile(r"\b\d[\d,.]*\b")
_DEFINITION = re.compile(r"\b(is|was|are|were) (a|an|the)\b")
# Words that state a reason outright, and words that only suggest one.
_CAUSE = re.compile(
    r"\b(because|due to|owing to|in order to|so that|aimed at|aims? to|reasons?|timing|aligns? with)\b",
    re.IGNORECASE,
)
_CAUSE_HINT = re.compile(
    r"\b(following|after|amid|seeking|as part of|linked|linking|result|efforts?|relief|pressure|negotiat\w*|"
    r"strategic|in exchange)\b",
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
    about_people: bool = True


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


def covers(term: str, have: set[str] | frozenset[str]) -> bool:
    """True when `have` holds the term, or a word of the same family ("economi" / "econom")."""
    if term in have:
        return True
    return len(term) >= 5 and any(len(h) >= 5 and h[:5] == term[:5] and (h in term or term in h) for h in have)


def weight(key: KeyTerm, idf: dict[str, float]) -> float:
    """A key term's weight: the IDF of the rarest word the question used for it."""
    return max(idf.get(t, 1.0) for t in key.typed)


def covered(key: KeyTerm, have: set[str] | frozenset[str]) -> bool:
    """True when `have` covers the key term. Names match exactly: "Viktar" must not stand for "Viktaravich"."""
    if key.entity:
        return not key.accepts.isdisjoint(have)
    return any(covers(a, have) for a in key.accepts)


def coverage(wanted: Sequence[KeyTerm], have: set[str] | frozenset[str], idf: dict[str, float]) -> float:
    """The IDF-weighted share of `wanted` that `have` covers."""
    total = sum(weight(k, idf) for k in wanted)
    got = sum(weight(k, idf) for k in wanted if covered(k, have))
    return got / total if total else 0.0


def _counts_wanted(sentence: str, wanted: Sequence[KeyTerm]) -> bool:
    """True when a number directly counts a key term ("123 political prisoners")."""
    accepted = {a for k in wanted for a in k.accepts}
    for match in _NUMBER.finditer(sentence):
        following = terms(" ".join(sentence[match.end() :].split()[:3]))
        if any(t in accepted for t in following):
            return True
    return False


def _type_bonus(kind: str, sentence: str, wanted: Sequence[KeyTerm]) -> float:
    if kind == "when":
        return 1.0 if _YEAR_OR_DATE.search(sentence) else 0.0
    if kind == "how_many":
        return 1.0 if _counts_wanted(sentence, wanted) else 0.3 if _NUMBER.search(sentence) else 0.0
    if kind == "who":
        return 1.0 if _DEFINITION.search(sentence) else 0.0
    if kind == "why":
        return min(1.0, 0.7 * len(_CAUSE.findall(sentence)) + 0.25 * len(_CAUSE_HINT.findall(sentence)))
    return 0.0


class ExtractiveAnswerer:
    """Picks the sentences that best answer the question; every quote is an exact corpus substring.

    Sentences are scored lexically (key-term coverage, question type, hit rank); with `embeddings`,
    the best `rerank` of them are re-scored by meaning too, which catches paraphrases ("married" / "wife").
    """

    def __init__(
        self,
        embeddings: Embeddings | None = None,
        max_sentences: int = 3,
        relative_cut: float = 0.75,
        rerank: int = 8,
        dense_weight: float = 0.35,
    ) -> None:
        self.embeddings = embeddings
        self.max_sentences = max_sentences
        self.relative_cut = relative_cut
        self.rerank = rerank
        self.dense_weight = dense_weight
        self._vectors: dict[str, np.ndarray] = {}

    def candidates(self, query: Query, hits: list[Hit], idf: dict[str, float]) -> list[Candidate]:
        """Every sentence of every hit, best first."""
        wanted = query.key_terms
        # "Who is X?" is answered only from sentences about X; "Who ran against X?" may need others.
        people = [k for k in wanted if k.entity] if all(k.entity for k in wanted) else []
        kind = question_type(query.text)
        out = []
        for rank, hit in enumerate(hits):
            context = set(terms(" ".join(filter(None, [hit.chunk.title, hit.chunk.section, hit.chunk.entity]))))
            prior = 1.0 / math.sqrt(rank + 1)
            # Terms the chunk's title or person already answer ("Tsikhanouskaya" in her bio) say
            # nothing about which of its sentences answers; score sentences on the rest.
            specific = [k for k in wanted if not covered(k, context)] or wanted
            chunk_cov = coverage(wanted, set(terms(hit.chunk.text)) | context, idf)
            for position, (start, end) in enumerate(sentence_spans(hit.chunk.text)):
                text = hit.chunk.text[start:end]
                own = frozenset(terms(text))
                cov = coverage(wanted, own | context, idf)
                own_cov = coverage(specific, own, idf)
                lead = 0.1 if position == 0 else 0.0
                bonus = _type_bonus(kind, text, wanted)
                if kind == "why":
                    # A reason rarely repeats the event asked about: judge the passage on the event
                    # (chunk coverage) and the sentence on whether it gives a reason.
                    score = 0.2 * own_cov + 0.25 * chunk_cov + 0.2 * prior + 0.35 * bonus + lead
                else:
                    score = 0.45 * own_cov + 0.2 * cov + 0.2 * prior + 0.15 * bonus + lead
                about = all(covered(k, own | context) for k in people)
                out.append(Candidate(rank, text, score, cov, own, about))
        out.sort(key=lambda c: -c.score)
        return self._rerank(query, out) if self.embeddings is not None else out

    def _rerank(self, query: Query, ranked: list[Candidate]) -> list[Candidate]:
        head, tail = ranked[: self.rerank], ranked[self.rerank :]
        if not head:
            return ranked
        vectors = self._embed([query.dense_text, *(c.text for c in head)])
        similarity = vectors[1:] @ vectors[0]
        rescored = [
            replace(c, score=c.score + self.dense_weight * float(s)) for c, s in zip(head, similarity, strict=True)
        ]
        return sorted(rescored, key=lambda c: -c.score) + tail

    def _embed(self, texts: list[str]) -> np.ndarray:
        # Corpus sentences recur across questions; caching them keeps one encoder call small.
        assert self.embeddings is not None
        todo = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if todo:
            if len(self._vectors) > 20_000:
                self._vectors.clear()
            for text, vector in zip(todo, self.embeddings.embed_documents(todo), strict=True):
                self._vectors[text] = np.asarray(vector, dtype=np.float32)
        return np.stack([self._vectors[t] for t in texts])

    def draft(self, query: Query, hits: list[Hit], idf: dict[str, float]) -> Draft:
        """The top sentences (one to `max_sentences`), without near-duplicates, best first."""
        # A question about a person is answered from sentences about that person (in text or by their bio).
        ranked = [
            c for c in self.candidates(query, hits, idf) if c.coverage > 0 and len(c.text) > 20 and c.about_people
        ]
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
