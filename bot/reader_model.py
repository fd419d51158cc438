"""The reader's model: logistic-regression parameters over named features, read from package data.

`FEATURES` is the full row the reader computes for a (question, sentence) pair; a model file names the
ones it uses, so a model trained without the encoder's features (`reader-lexical.json`) still loads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np

from bot.errors import ModelError

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
    "bio",  # the passage is a person's profile, whose heading is a name, so head_dense undersells it
)
# Cheap features stand at these values while the shortlist is chosen, before any sentence is embedded.
COSTLY = ("dense", "soft", "soft_min", "focus", "count_match", "head_dense")
LEXICAL_FEATURES = tuple(f for f in FEATURES if f not in COSTLY)


@dataclass(frozen=True)
class ReaderModel:
    """Logistic-regression parameters over `FEATURES`, standardised, with the calibrated threshold.

    Subclasses score other pairs with the same machinery by naming their own features and files.
    """

    ALL_FEATURES: ClassVar[tuple[str, ...]] = FEATURES
    COSTLY: ClassVar[tuple[str, ...]] = COSTLY
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
