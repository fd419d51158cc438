"""The benchmark's embedding cache: a full rerun over ~63,000 chunks would otherwise re-encode them all."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings


class CachedEmbeddings(Embeddings):
    """Wraps a model with an on-disk cache keyed by (model, sha256 of text), in one SQLite file.

    Re-embedding an unchanged text costs a lookup instead of an encoder pass: this is what lets a
    benchmark rerun over tens of thousands of chunks take minutes. Queries are not cached.
    """

    def __init__(self, inner: Embeddings, model_name: str, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.inner = inner
        self.model_name = model_name
        self.hits = 0
        self.misses = 0
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.model_name}\0{text}".encode()).hexdigest()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Vectors for `texts`: cached ones read back, the rest encoded in one batch and stored."""
        keys = [self._key(t) for t in texts]
        found: dict[str, list[float]] = {}
        for start in range(0, len(keys), 500):  # SQLite caps the number of bound parameters
            part = keys[start : start + 500]
            rows = self._db.execute(
                f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(part))})", part
            ).fetchall()
            found.update((k, np.frombuffer(v, dtype=np.float32).tolist()) for k, v in rows)
        # One encoder pass per distinct missing text, however often it repeats in the batch.
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        if missing:
            vectors = self.inner.embed_documents(list(missing.values()))
            rows = [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in zip(missing, vectors, strict=True)]
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
            found.update(zip(missing, vectors, strict=True))
        return [found[k] for k in keys]

    def embed_query(self, text: str) -> list[float]:
        """A query vector, never cached: queries are one-offs."""
        return self.inner.embed_query(text)
