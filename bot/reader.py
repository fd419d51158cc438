"""The reader: one learned model scores each (question, sentence) pair as P(the sentence answers it).

It decides both what is quoted and whether to refuse: a question is refused when no sentence of the
retrieved passages clears the model's calibrated threshold. The model is a logistic regression over
`reader_model.FEATURES`, built here from the text rules of `bot/cues.py`; its parameters live in
`bot/models/reader.json`, written by `storybot train-reader` (`bot/reader_train.py`), which records
where its training data came from.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Sequence
from dataclasses import dataclass, replace

import numpy as np
from langchain_core.embeddings import Embeddings

from bot.aliases import PlaceAliases
from bot.config import Settings
from bot.cues import (
    ASKS_TIME_CUE,
    ASKS_TIMING,
    NUMBER,
    PRONOUN_START,
    SECTION_SENTENCES,
    TIME_CUE,
    TIMING,
    answer_type,
    counted,
    ends_mid_text,
    is_fragment,
    names_in,
    question_kind,
    section_asked,
)
from bot.embeddings import VectorCache
from bot.lexicon import Lexicon
from bot.reader_model import COSTLY, FEATURES, ReaderModel
from bot.retrieve import Query
from bot.scoring import Idf, KeyTerm, coverage, covered, weight
from bot.suspicious import suspicious_spans
from bot.text import STOPWORDS, sentence_spans, terms, words
from bot.types import Draft, DraftSentence, Hit

# Sentences per question that are embedded and scored in full (ask latency grows with it).
SHORTLIST = 12
# Two quoted sentences sharing more than this share of their terms say the same thing.
MAX_OVERLAP = 0.6
# At most this many sentences are quoted.
MAX_SENTENCES = 3
# Further sentences are quoted when at least this share of the best one's probability.
RELATIVE_CUT = 0.6
# The "length" feature reaches 1 at this many words (the trained model's scale: change it, retrain).
FULL_LENGTH_WORDS = 40
# Distinct words of a sentence compared by meaning to the question's terms (bounds the cosine work).
SOFT_WORDS = 60
# Words remembered as names or not before the memo is emptied.
NAME_MEMO = 50_000


@dataclass(frozen=True)
class Candidate:
    """A whole sentence of a retrieved passage, with its features and, once scored, its probability."""

    hit: int
    start: int
    end: int
    text: str
    features: tuple[float, ...]
    terms: frozenset[str]
    probability: float = 0.0
    # Positions in the question's key terms of those the passage's heading does not hold.
    focus: tuple[int, ...] = ()


@dataclass(frozen=True)
class _Question:
    text: str
    kind: str
    keys: tuple[KeyTerm, ...]
    own: frozenset[str]
    asks_cue: bool
    named: tuple[KeyTerm, ...]  # people, places and other names the answer must be about
    unknown: float
    words: tuple[str, ...]
    weights: dict[str, float]
    counted: str | None  # the word after "how many"
    asks_timing: bool  # "why … now", "why at this point"


class Reader:
    """The default answerer: scores every sentence of the hits with the reader model and quotes the best."""

    def __init__(
        self,
        model: ReaderModel,
        embeddings: Embeddings | None = None,
        places: PlaceAliases | None = None,
        max_sentences: int = MAX_SENTENCES,
        lexicon: Lexicon | None = None,
    ) -> None:
        self.model = model
        self.embeddings = embeddings
        self.places = places or PlaceAliases()
        self.lexicon = lexicon or Lexicon()
        self._names: dict[str, bool] = {}
        self.max_sentences = max_sentences
        self._cache = VectorCache(self.embeddings) if self.embeddings is not None else None

    def draft(self, query: Query, hits: list[Hit], idf: Idf) -> Draft:
        """The best sentences (one to `max_sentences`), or a declined draft when none clears the threshold.

        A question that asks for a section of a story by its heading ("What happened?", "What do the
        papers say?", the page's own suggested questions) is answered by that section's opening.
        """
        section = section_asked(query.text, hits)
        if section is not None:
            return self._section_lead(section, hits)
        ranked = self.score(query, hits, idf)
        usable = [c for c in ranked if c.features[FEATURES.index("fragment")] == 0 and not self._cue_fails(c)]
        if not usable or usable[0].probability < self.model.threshold:
            return Draft(declined=True)
        best = usable[0].probability
        chosen: list[Candidate] = []
        for cand in usable:
            if len(chosen) == self.max_sentences or cand.probability < max(self.model.threshold, RELATIVE_CUT * best):
                break
            if any(_overlap(cand.terms, c.terms) > MAX_OVERLAP for c in chosen):
                continue
            chosen.append(cand)
        return Draft(sentences=tuple(self._sentence(c, hits) for c in chosen))

    def stream(self, query: Query, hits: list[Hit], idf: Idf) -> Generator[str, None, Draft]:
        """The draft, with no text before it: the reader quotes sentences, it writes none to show early."""
        draft = self.draft(query, hits, idf)
        yield from ()
        return draft

    def complete(self, prompt: str) -> None:
        """No reply: the reader has no language model to prompt."""
        return None

    def _section_lead(self, hit: int, hits: list[Hit]) -> Draft:
        text = hits[hit].chunk.text
        spans = [
            (s, e)
            for s, e in sentence_spans(text)
            if not is_fragment(text[s:e]) and (s, e) not in suspicious_spans(text)
        ]
        spans = spans[:SECTION_SENTENCES]
        cands = [Candidate(hit, s, e, text[s:e], (), frozenset()) for s, e in spans]
        return Draft(sentences=tuple(self._sentence(c, hits) for c in cands), declined=not cands)

    def score(self, query: Query, hits: list[Hit], idf: Idf) -> list[Candidate]:
        """Every whole sentence of the hits, with its probability, best first.

        Cheap features rank all sentences with the costly ones at their training mean; only the
        `SHORTLIST` best are embedded and scored in full.
        """
        question = self._question(query, idf)
        cands = [c for rank, hit in enumerate(hits) for c in self._candidates(question, rank, hit, idf)]
        if not cands:
            return []
        x = np.array([c.features for c in cands], dtype=float)
        for name in COSTLY:
            x[:, FEATURES.index(name)] = self.model.mean_of(name)
        order = np.argsort(-self.model.logits(x))[:SHORTLIST]
        short = [cands[i] for i in order]
        full = np.array([self._with_costly(question, query, c, hits) for c in short], dtype=float)
        probs = self.model.probability(full)
        scored = [
            Candidate(c.hit, c.start, c.end, c.text, tuple(map(float, f)), c.terms, float(p))
            for c, f, p in zip(short, full, probs, strict=True)
        ]
        return sorted(scored, key=lambda c: -c.probability)

    def features_for_training(self, query: Query, hits: list[Hit], idf: Idf) -> list[Candidate]:
        """Every candidate with every feature computed (no shortlist): the training command's input."""
        question = self._question(query, idf)
        cands = [c for rank, hit in enumerate(hits) for c in self._candidates(question, rank, hit, idf)]
        return [
            Candidate(c.hit, c.start, c.end, c.text, tuple(self._with_costly(question, query, c, hits)), c.terms)
            for c in cands
        ]

    def _question(self, query: Query, idf: Idf) -> _Question:
        keys = query.key_terms
        total = sum(weight(k, idf) for k in keys) or 1.0
        unknown_words = [k for k in keys if not k.entity and not any(idf.knows(t) for t in k.typed)]
        unknown = sum(weight(k, idf) for k in unknown_words) / total
        capitalised = {t for name in names_in(query.text) for t in terms(name)}
        # Names typed in lower case ("did putin free them?") are names all the same.
        lower_names = [w for w in words(query.text) if w not in STOPWORDS and self._is_name(w)]
        capitalised |= {t for w in lower_names for t in terms(w)}
        named = tuple(k for k in keys if k.entity or set(k.typed) & capitalised)
        q_kind = question_kind(query.text)
        return _Question(
            query.text,
            q_kind,
            keys,
            frozenset(terms(query.text)),
            bool(ASKS_TIME_CUE.search(query.text)),
            named,
            unknown,
            tuple(w for w in dict.fromkeys(words(query.text)) if w not in STOPWORDS and w.isalpha()),
            {t: idf.weight(t) for k in keys for t in k.typed},
            counted(query.text),
            q_kind == "why" and bool(ASKS_TIMING.search(query.text)),
        )

    def _candidates(self, q: _Question, rank: int, hit: Hit, idf: Idf) -> list[Candidate]:
        chunk = hit.chunk
        head = set(terms(chunk.head))
        spans = list(sentence_spans(chunk.text))
        own = [set(terms(chunk.text[s:e])) for s, e in spans]
        whole = head.union(*own) if own else head
        cov_chunk = coverage(q.keys, whole, idf)
        cov_head = coverage(q.keys, head, idf)
        bio_of = set(terms(chunk.entity or "")) if chunk.kind == "bio" else set()
        focus = tuple(i for i, k in enumerate(q.keys) if not k.entity and not covered(k, head | bio_of))
        out = []
        withheld_spans = set(suspicious_spans(chunk.text))
        for i, (start, end) in enumerate(spans):
            text = chunk.text[start:end]
            if (start, end) in withheld_spans:
                continue  # text addressed to an assistant answers no reader (bot/suspicious.py)
            window = head | own[i] | (own[i - 1] if i else set()) | (own[i + 1] if i + 1 < len(own) else set())
            sentence_terms = own[i]
            novel = len(sentence_terms - q.own) / max(1, len(sentence_terms))
            kind_hit = answer_type(q.kind, text, q.text)
            needs_type = q.kind in ("when", "how_many", "how_long", "who", "where")
            about = all(covered(k, window | bio_of) for k in q.named)
            cue_missing = q.asks_cue and not TIME_CUE.search(text)
            values = {
                "chunk_dense": float(hit.dense or 0.0),
                "prior": 1.0 / math.sqrt(rank + 1),
                "cov_sentence": coverage(q.keys, sentence_terms | bio_of, idf),
                "cov_window": coverage(q.keys, window | bio_of, idf),
                "cov_chunk": cov_chunk,
                "cov_head": cov_head,
                "novel": novel,
                "type_match": float(kind_hit),
                "type_missing": float(needs_type and not kind_hit),
                "cue_missing": float(cue_missing),
                "timing": float(q.asks_timing and bool(TIMING.search(text))),
                "about": float(about),
                "about_sentence": float(
                    all(covered(k, sentence_terms | head | bio_of) for k in q.named)
                    # "He watched the landing…" continues the sentence before it.
                    or (bool(PRONOUN_START.match(text)) and about)
                ),
                "lead": float(i == 0),
                "fragment": float(is_fragment(text)),
                "unknown": q.unknown,
                "length": min(1.0, len(text.split()) / FULL_LENGTH_WORDS),
                "bio": float(chunk.kind == "bio"),
            }
            features = tuple(values.get(name, 0.0) for name in FEATURES)  # costly ones are filled in later
            out.append(Candidate(rank, start, end, text, features, frozenset(sentence_terms | head), focus=focus))
        return out

    def _is_name(self, word: str) -> bool:
        # A word outside WordNet costs hundreds of lookups (its typing slips); questions repeat words.
        if word not in self._names:
            if len(self._names) > NAME_MEMO:
                self._names.clear()
            self._names[word] = self.lexicon.is_name(word)
        return self._names[word]

    def _with_costly(self, q: _Question, query: Query, cand: Candidate, hits: list[Hit]) -> list[float]:
        values = list(cand.features)
        if self.embeddings is None or not self.model.uses_encoder:
            return values
        chunk = hits[cand.hit].chunk
        vectors = self._embed([query.dense_text, f"{chunk.head} {cand.text}", chunk.head])
        values[FEATURES.index("dense")] = float(vectors[1] @ vectors[0])
        values[FEATURES.index("head_dense")] = float(vectors[2] @ vectors[0])
        values[FEATURES.index("soft")], values[FEATURES.index("soft_min")] = self._soft(q, cand, q.keys)
        focus = [q.keys[i] for i in cand.focus]
        values[FEATURES.index("focus")] = self._soft(q, cand, focus)[0] if focus else values[FEATURES.index("soft")]
        values[FEATURES.index("count_match")] = self._count_match(q, cand)
        return values

    def _count_match(self, q: _Question, cand: Candidate) -> float:
        """The best cosine of the counted word to a word that a number in the sentence counts."""
        if q.counted is None:
            return 0.0
        counted = [w for m in NUMBER.finditer(cand.text) for w in words(cand.text[m.end() :])[:3]]
        counted = [w for w in counted if w.isalpha() and w not in STOPWORDS]
        if not counted:
            return 0.0
        if q.counted in counted or terms(q.counted) == terms(counted[0]):
            return 1.0
        assert self._cache is not None
        return self._cache.best_match([q.counted], counted)[0]

    def _soft(self, q: _Question, cand: Candidate, keys: Sequence[KeyTerm]) -> tuple[float, float]:
        """How well the sentence matches the key terms in meaning: (IDF-weighted mean, worst term).

        A term the sentence has counts 1; another counts the best cosine of the question's word to a
        word of the sentence (word vectors from the embedding model): "wife" for "married", "jail" for
        "prisoners"."""
        plain = [k for k in keys if not k.entity]
        if not plain:
            return 1.0, 1.0
        mine = [w for w in dict.fromkeys(words(cand.text)) if w not in STOPWORDS and w.isalpha()][:SOFT_WORDS]
        total = got = 0.0
        worst = 1.0
        for key in plain:
            weight = q.weights[key.typed[0]]  # every key's typed terms are weighed
            total += weight
            match = 1.0 if covered(key, cand.terms) else 0.0
            asked = [w for w in q.words if terms(w)[:1] == [key.typed[0]]]
            if not match and asked and mine:
                assert self._cache is not None
                match = self._cache.best_match(asked[:1], mine)[0]
            got += weight * match
            worst = min(worst, match)
        return (got / total if total else 1.0), worst

    def _embed(self, texts: list[str]) -> np.ndarray:
        assert self._cache is not None
        return self._cache(texts)

    @staticmethod
    def _cue_fails(cand: Candidate) -> bool:
        return cand.features[FEATURES.index("cue_missing")] == 1.0

    @staticmethod
    def _sentence(cand: Candidate, hits: list[Hit]) -> DraftSentence:
        text = cand.text
        if ends_mid_text(hits[cand.hit].chunk.text, cand.end):
            text = f"{text.rstrip()}…"  # the source stops mid-sentence: say so rather than pass it off as whole
        return DraftSentence(text, (cand.hit,), (cand.text,))


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / max(1, min(len(a), len(b)))


def feature_rows(candidates: Sequence[Candidate]) -> np.ndarray:
    """The candidates' features as a matrix (training and tests)."""
    return np.array([c.features for c in candidates], dtype=float).reshape(len(candidates), len(FEATURES))


def reader_for(
    settings: Settings, embeddings: Embeddings, places: PlaceAliases, lexicon: Lexicon, given: ReaderModel | None
) -> Reader:
    """The reader for this encoder: its meaning features were learned from one encoder's vectors, and
    another's (or a test fake's) would mislead it, so any other encoder gets the lexical model."""
    if given is None and settings.reader_model is None:
        given = ReaderModel.load()
        if settings.embedding_model != given.provenance.get("embedding_model", "minilm"):
            given = ReaderModel.load(lexical=True)
    weights = given or ReaderModel.load(settings.reader_model)
    if settings.reader_threshold is not None:
        weights = replace(weights, threshold=settings.reader_threshold)
    return Reader(weights, embeddings=embeddings if weights.uses_encoder else None, places=places, lexicon=lexicon)
