"""The reader: one learned model scores each (question, sentence) pair as P(the sentence answers it).

It decides both what is quoted and whether to refuse: a question is refused when no sentence of the
retrieved passages clears the model's calibrated threshold. The model is a logistic regression over
the features below; its parameters live in `bot/models/reader.json`, written by `storybot train-reader`
(`bot/reader_train.py`), which records where its training data came from.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np
from langchain_core.embeddings import Embeddings

from bot.aliases import PlaceAliases
from bot.embeddings import VectorCache
from bot.errors import ModelError
from bot.lexicon import Lexicon
from bot.retrieve import KeyTerm, Query
from bot.scoring import coverage, covered
from bot.text import STOPWORDS, sentence_spans, stem, terms, words
from bot.types import Draft, DraftSentence, Hit

MODEL_RESOURCE = "reader.json"
# The same reader without the features that need the encoder it was trained with, for any other encoder.
LEXICAL_RESOURCE = "reader-lexical.json"
FEATURES = (
    "dense",  # cosine of the question and the sentence (with its passage's heading)
    "chunk_dense",  # cosine of the question and the whole passage, from retrieval
    "prior",  # 1/sqrt(rank + 1) of the passage
    "cov_sentence",  # IDF-weighted share of the question's key terms in the sentence
    "cov_window",  # ... in the heading plus the sentence and its neighbours
    "cov_chunk",  # ... anywhere in the passage
    "cov_head",  # ... in the passage's title and section heading ("What happened?" and "What's happened")
    "soft",  # IDF-weighted match in meaning of the key terms, word by word (1 where the sentence has the word)
    "soft_min",  # the worst-matched key term: one concept the sentence lacks ("instrument") sinks it
    "focus",  # match in meaning of the key terms the passage's heading does not already hold
    "count_match",  # "how many workers": a number in the sentence counts a word matching "workers"
    "novel",  # share of the sentence's terms the question does not contain
    "type_match",  # the sentence holds what the question asks for (a date, number, name, place, reason)
    "type_missing",  # the question asks for such a thing and the sentence has none
    "cue_missing",  # "still", "next", "will"... asked, and the sentence says nothing of the kind
    "timing",  # "why … now?" asked, and the sentence gives a reason of timing
    "about",  # every person or place the question names is in the window (or the passage is their bio)
    "about_sentence",  # ... in the sentence itself (or the passage is their bio)
    "lead",  # the passage's first sentence
    "fragment",  # no verb: a headline or a list item
    "unknown",  # share of key-term weight in words the corpus never uses
    "length",  # words, scaled to [0, 1]
    "head_dense",  # cosine of the question and the passage's title and section ("news organisations" and
    # "What the papers say"): what the whole section is about, which one sentence may not repeat
    "clause_dense",  # the best cosine of the question and one clause of the sentence: news packs an answer
    # into a clause of a sentence about more ("The negotiations, involving US envoy John Coale, suggest…")
)
# Cheap features stand at these values while the shortlist is chosen, before any sentence is embedded.
_COSTLY = ("dense", "soft", "soft_min", "focus", "count_match", "head_dense", "clause_dense")
# Sentences per question that are embedded and scored in full (ask latency grows with it).
SHORTLIST = 12
# Two quoted sentences sharing more than this share of their terms say the same thing.
MAX_OVERLAP = 0.6
# At most this many sentences are quoted.
MAX_SENTENCES = 3
# Further sentences are quoted when at least this share of the best one's probability.
RELATIVE_CUT = 0.6
# A word matches a question word in meaning at this cosine (word vectors from the embedding model).
WORD_MATCH = 0.6

_MONTH = "january|february|march|april|may|june|july|august|september|october|november|december"
_DATE = re.compile(rf"\b(1[89]\d\d|20\d\d)\b|\b({_MONTH})\b|\b\d{{1,2}}:\d\d\b|\b(a\.m\.|p\.m\.)", re.I)
_NUMBER = re.compile(
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
_DURATION = re.compile(r"\b(years?|months?|weeks?|days?|hours?|minutes?|decades?|since|until|life)\b", re.I)
_CAUSE = re.compile(
    r"\b(because|due to|owing to|in order to|so that|aimed at|aims? to|reasons?|timing|aligns? with|after|"
    r"following|amid|seeking|as part of|result|efforts?|pressure|in exchange|accused|for|warn|rewards?)\b",
    re.I,
)
_PLACE_WORD = re.compile(r"\b(in|at|from|to|near|into|bound for)\s+(the\s+)?[A-Z]")
PLACES_IN_TEXT = re.compile(r"\b(airport|city|capital|country|river|port|town|state|province|region)\b", re.I)
_DEFINITION = re.compile(r"\b(is|was|are|were|became|has been)\s+(a|an|the|chairman|president|mayor|head)\b", re.I)
_ASKS_TIME_CUE = re.compile(
    r"\b(still|currently|remain\w*|next|will|going to|future|anymore|any more|how many more|yet)\b", re.I
)
# What a sentence must say to answer "still", "next" or "will": that something goes on, or is to come.
_TIME_CUE = re.compile(
    r"\b(still|continu\w*|remain\w*|current\w*|will|would|plans?|planned|expected|expects|next|future|"
    r"by 20\d\d|no longer|yet|ongoing|later|again|budget\w*|scheduled|due (?:in|by|on)|intends?|aims? to|set to|"
    r"going to|upcoming|approved)\b",
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
_ASKS_TIMING = re.compile(r"\b(now|at this (?:point|time|moment)|this week|right now|timing|why then)\b", re.I)
_TIMING = re.compile(r"\b(timing|now|recent\w*|after|following|amid|as|since|comes? as|months?|weeks?)\b", re.I)
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


@dataclass(frozen=True)
class ReaderModel:
    """Logistic-regression parameters over `FEATURES`, standardised, with the calibrated threshold.

    Subclasses score other pairs with the same machinery by naming their own features and files.
    """

    ALL_FEATURES: ClassVar[tuple[str, ...]] = FEATURES
    COSTLY: ClassVar[tuple[str, ...]] = _COSTLY
    RESOURCE: ClassVar[str] = MODEL_RESOURCE
    LEXICAL: ClassVar[str] = LEXICAL_RESOURCE

    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def columns(self) -> list[int]:
        """Where the model's features stand in a full `FEATURES` row."""
        return [self.ALL_FEATURES.index(f) for f in self.features]

    @property
    def uses_encoder(self) -> bool:
        """True when some feature needs the embedding model (sentence and word vectors)."""
        return any(f in self.COSTLY for f in self.features)

    def mean_of(self, feature: str) -> float:
        """A feature's training mean (0 for a feature the model does not use)."""
        return self.mean[self.features.index(feature)] if feature in self.features else 0.0

    def logits(self, x: np.ndarray) -> np.ndarray:
        """The model's log-odds for full `FEATURES` rows."""
        z = (x[:, self.columns] - np.asarray(self.mean)) / np.asarray(self.scale)
        return np.asarray(z @ np.asarray(self.weights) + self.bias, dtype=float)

    def probability(self, x: np.ndarray) -> np.ndarray:
        """P(answers) for rows of features."""
        return np.asarray(1.0 / (1.0 + np.exp(-self.logits(x))), dtype=float)

    def save(self, path: Path) -> None:
        """Write the file form to `path` (its folder is made if missing)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), indent=1) + "\n")

    def to_json(self) -> dict[str, Any]:
        """The file form."""
        return {
            "features": list(self.features),
            "weights": list(self.weights),
            "bias": self.bias,
            "mean": list(self.mean),
            "scale": list(self.scale),
            "threshold": self.threshold,
            "provenance": self.provenance,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], where: str) -> Self:
        """Parse the file form; a model for other features is refused, naming the file."""
        try:
            model = cls(
                tuple(data["features"]),
                tuple(float(w) for w in data["weights"]),
                float(data["bias"]),
                tuple(float(m) for m in data["mean"]),
                tuple(float(s) or 1.0 for s in data["scale"]),
                float(data["threshold"]),
                dict(data.get("provenance", {})),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"reader model {where} is malformed: {exc}") from None
        sizes = {len(model.weights), len(model.mean), len(model.scale)}
        if not set(model.features) <= set(cls.ALL_FEATURES) or sizes != {len(model.features)}:
            raise ModelError(f"reader model {where} was trained for other features; run `storybot train-reader`")
        return model

    @classmethod
    def untrained(cls, features: tuple[str, ...] | None = None) -> Self:
        """All weights zero: every sentence at probability 0.5 (training starts from it)."""
        features = features or cls.ALL_FEATURES
        n = len(features)
        return cls(features, (0.0,) * n, 0.0, (0.0,) * n, (1.0,) * n, 0.5, {"untrained": True})

    @classmethod
    def load(cls, path: Path | None = None, *, lexical: bool = False) -> Self:
        """The file at `path`, or the shipped model (package data): the lexical one when asked."""
        name = cls.LEXICAL if lexical else cls.RESOURCE
        try:
            text = path.read_text() if path else resources.files("bot.models").joinpath(name).read_text()
            data = json.loads(text)
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot read the reader model {path or name}: {exc}") from None
        return cls.from_json(data, str(path or name))


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

    def draft(self, query: Query, hits: list[Hit], idf: dict[str, float]) -> Draft:
        """The best sentences (one to `max_sentences`), or a declined draft when none clears the threshold.

        A question that asks for a section of a story by its heading ("What happened?", "What do the
        papers say?", the page's own suggested questions) is answered by that section's opening.
        """
        section = _section_asked(query.text, hits)
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

    def _section_lead(self, hit: int, hits: list[Hit]) -> Draft:
        text = hits[hit].chunk.text
        spans = [(s, e) for s, e in sentence_spans(text) if not is_fragment(text[s:e])][:SECTION_SENTENCES]
        cands = [Candidate(hit, s, e, text[s:e], (), frozenset()) for s, e in spans]
        return Draft(sentences=tuple(self._sentence(c, hits) for c in cands), declined=not cands)

    def score(self, query: Query, hits: list[Hit], idf: dict[str, float]) -> list[Candidate]:
        """Every whole sentence of the hits, with its probability, best first.

        Cheap features rank all sentences with the costly ones at their training mean; only the
        `SHORTLIST` best are embedded and scored in full.
        """
        question = self._question(query, idf)
        cands = [c for rank, hit in enumerate(hits) for c in self._candidates(question, rank, hit, idf)]
        if not cands:
            return []
        x = np.array([c.features for c in cands], dtype=float)
        for name in _COSTLY:
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

    def features_for_training(self, query: Query, hits: list[Hit], idf: dict[str, float]) -> list[Candidate]:
        """Every candidate with every feature computed (no shortlist): the training command's input."""
        question = self._question(query, idf)
        cands = [c for rank, hit in enumerate(hits) for c in self._candidates(question, rank, hit, idf)]
        return [
            Candidate(c.hit, c.start, c.end, c.text, tuple(self._with_costly(question, query, c, hits)), c.terms)
            for c in cands
        ]

    def _question(self, query: Query, idf: dict[str, float]) -> _Question:
        keys = query.key_terms
        total = sum(max(idf.get(t, 1.0) for t in k.typed) for k in keys) or 1.0
        # `idf` answers every word (unknown ones at a default weight); its keys are the corpus's own words.
        unknown_words = [k for k in keys if not k.entity and all(t not in idf for t in k.typed)]
        unknown = sum(max(idf.get(t, 1.0) for t in k.typed) for k in unknown_words) / total
        capitalised = {t for name in _names_in(query.text) for t in terms(name)}
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
            bool(_ASKS_TIME_CUE.search(query.text)),
            named,
            unknown,
            tuple(w for w in dict.fromkeys(words(query.text)) if w not in STOPWORDS and w.isalpha()),
            {t: idf.get(t, 1.0) for k in keys for t in k.typed},
            _counted(query.text),
            q_kind == "why" and bool(_ASKS_TIMING.search(query.text)),
        )

    def _candidates(self, q: _Question, rank: int, hit: Hit, idf: dict[str, float]) -> list[Candidate]:
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
        for i, (start, end) in enumerate(spans):
            text = chunk.text[start:end]
            window = head | own[i] | (own[i - 1] if i else set()) | (own[i + 1] if i + 1 < len(own) else set())
            sentence_terms = own[i]
            novel = len(sentence_terms - q.own) / max(1, len(sentence_terms))
            kind_hit = answer_type(q.kind, text, q.text)
            needs_type = q.kind in ("when", "how_many", "how_long", "who", "where")
            about = all(covered(k, window | bio_of) for k in q.named)
            cue_missing = q.asks_cue and not _TIME_CUE.search(text)
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
                "timing": float(q.asks_timing and bool(_TIMING.search(text))),
                "about": float(about),
                "about_sentence": float(
                    all(covered(k, sentence_terms | head | bio_of) for k in q.named)
                    # "He watched the landing…" continues the sentence before it.
                    or (bool(_PRONOUN_START.match(text)) and about)
                ),
                "lead": float(i == 0),
                "fragment": float(is_fragment(text)),
                "unknown": q.unknown,
                "length": min(1.0, len(text.split()) / 40),
            }
            features = tuple(values.get(name, 0.0) for name in FEATURES)  # costly ones are filled in later
            out.append(Candidate(rank, start, end, text, features, frozenset(sentence_terms | head), focus=focus))
        return out

    def _is_name(self, word: str) -> bool:
        # A word outside WordNet costs hundreds of lookups (its typing slips); questions repeat words.
        if word not in self._names:
            if len(self._names) > 50_000:
                self._names.clear()
            self._names[word] = self.lexicon.is_name(word)
        return self._names[word]

    def _with_costly(self, q: _Question, query: Query, cand: Candidate, hits: list[Hit]) -> list[float]:
        values = list(cand.features)
        if self.embeddings is None or not self.model.uses_encoder:
            return values
        chunk = hits[cand.hit].chunk
        parts = clauses(cand.text)
        vectors = self._embed([query.dense_text, f"{chunk.head} {cand.text}", chunk.head, *parts])
        values[FEATURES.index("dense")] = float(vectors[1] @ vectors[0])
        values[FEATURES.index("head_dense")] = float(vectors[2] @ vectors[0])
        values[FEATURES.index("clause_dense")] = max(
            float((vectors[3:] @ vectors[0]).max()) if parts else 0.0, values[FEATURES.index("dense")]
        )
        values[FEATURES.index("soft")], values[FEATURES.index("soft_min")] = self._soft(q, cand, q.keys)
        focus = [q.keys[i] for i in cand.focus]
        values[FEATURES.index("focus")] = self._soft(q, cand, focus)[0] if focus else values[FEATURES.index("soft")]
        values[FEATURES.index("count_match")] = self._count_match(q, cand)
        return values

    def _count_match(self, q: _Question, cand: Candidate) -> float:
        """The best cosine of the counted word to a word that a number in the sentence counts."""
        if q.counted is None:
            return 0.0
        counted = [w for m in _NUMBER.finditer(cand.text) for w in words(cand.text[m.end() :])[:3]]
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
        mine = [w for w in dict.fromkeys(words(cand.text)) if w not in STOPWORDS and w.isalpha()][:60]
        total = got = 0.0
        worst = 1.0
        for key in plain:
            weight = q.weights.get(key.typed[0], 1.0)
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


def answer_type(kind: str, sentence: str, question: str) -> bool:
    """True when the sentence holds the kind of thing the question asks for, beyond what it already says."""
    if kind == "when":
        return bool(_DATE.search(sentence))
    if kind == "how_many":
        if _ASKS_MONEY.search(question):
            return bool(_MONEY.search(sentence))
        return bool(_NUMBER.search(sentence))
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


def _section_asked(question: str, hits: list[Hit]) -> int | None:
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


_PRONOUN_START = re.compile(r"\W*(he|she|they|his|her|their|it|its)\b", re.I)
_HOW_MANY = re.compile(r"\bhow (many|much)\s+(?:more\s+)?([a-z]+)", re.I)


def _counted(question: str) -> str | None:
    """The word a "how many" question counts ("how many workers died" → "workers")."""
    match = _HOW_MANY.search(question)
    if not match or match.group(2).lower() in STOPWORDS:
        return None
    return match.group(2).lower()


_NAME = re.compile(r"\b[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*")


def _names_in(question: str) -> list[str]:
    """Capitalised words past the first word of the question ("Putin", "Key Bridge"): names it asks about.
    None when the question is in headline capitals ("Why Did Belarus Release Opposition Leaders Now?")."""
    longer = [w for w in question.split() if len(w) > 3 and w[0].isalpha()]
    if len(longer) >= 3 and sum(w[0].isupper() for w in longer) / len(longer) > 0.6:
        return []
    first = re.match(r"\W*\w+", question)
    rest = question[first.end() :] if first else question
    return [m.group() for m in _NAME.finditer(rest)]


_CLAUSE_BREAK = re.compile(r"\s*[,;:()—–]\s*|\s+-\s+")
# Shorter pieces are list items or asides ("in 2020"), whose cosine to any question is noise.
MIN_CLAUSE_WORDS = 4


def clauses(sentence: str) -> list[str]:
    """The sentence's clauses, split at commas, semicolons, colons, dashes and brackets; none when the
    sentence is one clause."""
    parts = [p for p in _CLAUSE_BREAK.split(sentence) if len(p.split()) >= MIN_CLAUSE_WORDS]
    return parts if len(parts) > 1 or (parts and parts[0] != sentence.strip()) else []


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / max(1, min(len(a), len(b)))


LEXICAL_FEATURES = tuple(f for f in FEATURES if f not in _COSTLY)


def feature_rows(candidates: Sequence[Candidate]) -> np.ndarray:
    """The candidates' features as a matrix (training and tests)."""
    return np.array([c.features for c in candidates], dtype=float).reshape(len(candidates), len(FEATURES))
