"""Does a written sentence say what its cited passage says? A learned check on meaning, not shared words.

An answerer that writes its own sentences (an LLM) may paraphrase ("freed" for "released") or change a
fact ("132" for "123", "supported" for "opposed"). `Faithfulness` scores (claim, passage window) pairs
with a logistic regression over the features below and keeps a claim only when some window of a
passage it cites clears the model's threshold. The model is `bot/models/faithful.json`, written by
`storybot train-faithful` (`bot/faithful_train.py`) from pairs written for Storybot.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from langchain_core.embeddings import Embeddings

from bot.aliases import PlaceAliases
from bot.config import Settings
from bot.embeddings import VectorCache
from bot.lexicon import Lexicon
from bot.reader_model import ReaderModel
from bot.scoring import Idf, covers
from bot.suspicious import suspicious_spans
from bot.text import STOPWORDS, fold, sentence_spans, terms, words
from bot.types import DraftSentence, Hit
from bot.verify import spelled_out_in

FAITH_FEATURES = (
    "dense",  # cosine of the claim and the window
    "soft",  # IDF-weighted match in meaning of the claim's words, word by word (1 where the window has it)
    "soft_min",  # the claim's worst-matched word: one new concept ("oil" for "potash") sinks it
    "exact",  # IDF-weighted share of the claim's terms the window has
    "number_missing",  # a number of the claim ("132", "third", "twenty-six") the window does not give
    "name_missing",  # a name of the claim (any alias) the window does not hold
    "negation_mismatch",  # one side says "not", "no", "never"… and the other does not
    "antonym",  # a claim word whose WordNet opposite the window uses instead ("smallest" for "largest")
    "new_share",  # share of the claim's words with no match in meaning in the window
    "new_weight",  # ... weighted by rarity: a new rare word ("oil", "plane") is a new claim
)
# A claim giving a number or a name its window lacks is never kept: that citation cannot back it,
# however close the rest reads ("born in Moscow" against "born in New York").
VETOES = ("number_missing", "name_missing")
_COSTLY = ("dense", "soft", "soft_min", "new_share", "new_weight")
# A word matches another in meaning at this cosine of their vectors (as in the reader).
WORD_MATCH = 0.6

_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split()
    )
}
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_NUMBER_WORDS |= {w: 10 * i for i, w in enumerate(_TENS) if i > 1}
_ORDINALS = {
    w: i + 1
    for i, w in enumerate("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split())
}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
# Digits that are part of a name ("Chandrayaan-3", "Luna-25") are not numbers the text gives.
_DIGITS = re.compile(r"(?<![A-Za-z]-)(?<![\w])\d+(?:[,.:]\d+)*")
_NEGATION = frozenset("not no never none nobody nothing neither nor without cannot declined failed denied".split())
_NAME = re.compile(r"(?<!\w)[^\W\d_][\w'’]*")


class FaithModel(ReaderModel):
    """The reader's logistic machinery over `FAITH_FEATURES`, in its own files."""

    ALL_FEATURES: ClassVar[tuple[str, ...]] = FAITH_FEATURES
    COSTLY: ClassVar[tuple[str, ...]] = _COSTLY
    RESOURCE: ClassVar[str] = "faithful.json"
    LEXICAL: ClassVar[str] = "faithful-lexical.json"


@dataclass(frozen=True)
class Window:
    """A passage's sentence or pair of adjacent sentences, and the person its passage is about."""

    text: str
    entity: str | None = None


class Faithfulness:
    """Scores claims against passages; keeps the ones that say what a cited passage says."""

    def __init__(
        self,
        model: FaithModel,
        embeddings: Embeddings | None = None,
        places: PlaceAliases | None = None,
        lexicon: Lexicon | None = None,
    ) -> None:
        self.model = model
        self.embeddings = embeddings if model.uses_encoder else None
        self.places = places or PlaceAliases()
        self.lexicon = lexicon or Lexicon()
        self._cache = VectorCache(self.embeddings) if self.embeddings is not None else None

    def verify(self, sentences: Sequence[DraftSentence], hits: list[Hit], idf: Idf) -> list[DraftSentence]:
        """The sentences some cited passage supports, each with the window that supports it as its quote.

        A sentence quoted verbatim from its passage is kept as it is; uncited sentences are dropped."""
        kept = []
        for sentence in sentences:
            sources, quotes = [], []
            for source in dict.fromkeys(sentence.sources):
                if not 0 <= source < len(hits):
                    continue
                chunk = hits[source].chunk
                if (
                    sentence.quotes
                    and sentence.quotes[0] in chunk.text
                    and _verbatim(sentence.text, sentence.quotes[0])
                ):
                    quote, p = sentence.quotes[0], 1.0  # the reader's own quote (with "…" where the source stops)
                else:
                    quote, p = self.best_window(sentence.text, chunk.text, chunk.entity, idf)
                if p >= self.model.threshold:
                    sources.append(source)
                    quotes.append(quote)
            if sources:
                kept.append(DraftSentence(sentence.text, tuple(sources), tuple(quotes)))
        return kept

    def best_window(self, claim: str, passage: str, entity: str | None, idf: Idf) -> tuple[str, float]:
        """The passage's sentence (or pair of adjacent sentences) most likely to support the claim."""
        spans = list(sentence_spans(passage))
        windows = [(span,) for span in spans] + list(itertools.pairwise(spans))
        withheld = set(suspicious_spans(passage))  # never part of a quote (bot/suspicious.py)
        texts = [passage[w[0][0] : w[-1][1]] for w in windows if withheld.isdisjoint(w)]
        if not texts:
            return passage, 0.0
        rows = np.array([self.features(claim, Window(t, entity), idf) for t in texts])
        probs = np.where(vetoed(rows), 0.0, self.model.probability(rows))
        best = int(np.argmax(probs))
        return texts[best], float(probs[best])

    def supports(self, claim: str, quote: str, entity: str | None, idf: Idf) -> bool:
        """True when the quote backs the claim: it holds the claim verbatim, or the model says so."""
        if _verbatim(claim, quote):
            return True
        return self.probability(claim, Window(quote, entity), idf) >= self.model.threshold

    def probability(self, claim: str, window: Window, idf: Idf) -> float:
        """P(the window says what the claim says); 0 when a veto applies."""
        row = np.array([self.features(claim, window, idf)])
        return 0.0 if vetoed(row)[0] else float(self.model.probability(row)[0])

    def features(self, claim: str, window: Window, idf: Idf) -> list[float]:
        """One row of `FAITH_FEATURES` for the pair."""
        have = set(terms(window.text)) | set(terms(window.entity or ""))
        mine = [w for w in dict.fromkeys(words(claim)) if w.isalpha() and w not in STOPWORDS]
        theirs = [w for w in dict.fromkeys(words(window.text)) if w.isalpha() and w not in STOPWORDS]
        weights = [max((idf.weight(t) for t in terms(w)), default=1.0) for w in mine]
        exact = [1.0 if all(covers(t, have) for t in terms(w)) else 0.0 for w in mine]
        values = {
            "exact": _weighted(exact, weights),
            "number_missing": float(bool(numbers(claim) - numbers(window.text))),
            "name_missing": float(self._name_missing(claim, have, window)),
            "negation_mismatch": float(_negated(claim) != _negated(window.text)),
            "antonym": float(any(self.lexicon.opposite(w, set(theirs)) for w in mine if w not in theirs)),
        }
        if self.embeddings is not None:
            matches = self._matches(mine, theirs, exact)
            assert self._cache is not None
            values["dense"] = float(self._cache([claim, window.text]).prod(axis=0).sum())
            values["soft"] = _weighted(matches, weights)
            values["soft_min"] = min(matches, default=1.0)
            values["new_share"] = sum(m < WORD_MATCH for m in matches) / max(1, len(matches))
            values["new_weight"] = _weighted([float(m < WORD_MATCH) for m in matches], weights)
        return [values.get(name, 0.0) for name in FAITH_FEATURES]

    def _name_missing(self, claim: str, have: set[str], window: Window) -> bool:
        # A place the window names under another name ("United States" for "US") is there; a city
        # the claim names must be in the window itself ("Moscow" is not "Russian").
        for group in self.places.find(claim):
            if not any(terms(n) and all(t in have for t in terms(n)) for n in group):
                return True  # a place the window does not name at all, in any case ("china")
            have = have | {t for n in group if not self.places.is_capital(n) for t in terms(n)}
        have = have | {part for t in have if "-" in t for part in t.split("-")}  # "Chandrayaan-3" has "Chandrayaan"
        for match in _NAME.finditer(claim):
            token = match.group()
            if not token[0].isupper():
                continue
            initial = match.start() == 0 or claim[: match.start()].rstrip().endswith((".", "!", "?"))
            if initial and self._ordinary_start(token):
                continue  # "The", "Former": a capital that only starts the sentence
            if not token.isupper() and self._ordinary(token) and not self.places.group(token):
                continue  # "Moon", "Marine": capitalised, but a word WordNet knows in lower case
            if not terms(token) or all(t in have for t in terms(token)):
                continue
            aliases = () if self.places.is_capital(token) else self.places.group(token)
            if any(terms(a) and all(t in have for t in terms(a)) for a in aliases):
                continue
            if token.isupper() and spelled_out_in(token, window.text):
                continue
            return True
        return False

    def _ordinary_start(self, token: str) -> bool:
        """A capital that may only start the sentence ("The", "Former"). Without a dictionary, or for
        letters beyond ASCII ("Łukasz"), it is taken for a name unless it is a stopword."""
        if fold(token) in STOPWORDS or not terms(token):
            return True
        return not self.lexicon.empty and token.isascii() and not token.isupper() and not self.lexicon.is_name(token)

    def _ordinary(self, token: str) -> bool:
        word = token.lower().removesuffix("'s").removesuffix("’s")
        return not self.lexicon.empty and self.lexicon.knows(word) and word not in self.lexicon.names

    def _matches(self, mine: list[str], theirs: list[str], exact: list[float]) -> list[float]:
        """Each claim word's best cosine to a window word (1 where the window has it)."""
        assert self._cache is not None
        todo = [w for w, e in zip(mine, exact, strict=True) if not e]
        best = dict(zip(todo, self._cache.best_match(todo, theirs), strict=True))
        return [1.0 if e else best[w] for w, e in zip(mine, exact, strict=True)]


def vetoed(rows: np.ndarray) -> np.ndarray:
    """Which rows of `FAITH_FEATURES` a veto rules out, whatever the model says."""
    return np.asarray(rows[:, [FAITH_FEATURES.index(v) for v in VETOES]].max(axis=1) > 0)


def numbers(text: str) -> set[str]:
    """The numbers a text gives, as digits: "26", "twenty-six" and "26th" are all "26"; "1,600" is "1600"."""
    found = {m.group().replace(",", "") for m in _DIGITS.finditer(text)}
    tokens = re.findall(r"[a-z]+|\d", text.lower().replace("-", " "))
    value = None
    for token in [*tokens, ""]:
        if token in _NUMBER_WORDS or token in _ORDINALS:
            value = (value or 0) + _NUMBER_WORDS.get(token, _ORDINALS.get(token, 0))
        elif token in _SCALES and value is not None:
            value *= _SCALES[token]
        elif value is not None:
            found.add(str(value))
            value = None
    return found


def _negated(text: str) -> bool:
    lowered = text.lower()
    return "n't" in lowered or "n’t" in lowered or any(w in _NEGATION for w in words(lowered))


def _verbatim(claim: str, quote: str) -> bool:
    """True when the claim is the quote's own words (a "…" marking where the source stops aside)."""
    return claim.rstrip("…").strip() in quote


def _weighted(values: list[float], weights: list[float]) -> float:
    total = sum(weights)
    return sum(v * w for v, w in zip(values, weights, strict=True)) / total if total else 1.0


def faithfulness_for(
    settings: Settings, embeddings: Embeddings, places: PlaceAliases, lexicon: Lexicon
) -> Faithfulness:
    """The faithfulness check for this encoder (the lexical model for any encoder it was not trained with)."""
    model = FaithModel.load()
    if settings.embedding_model != model.provenance.get("embedding_model", "minilm"):
        model = FaithModel.load(lexical=True)
    return Faithfulness(model, embeddings, places, lexicon)
