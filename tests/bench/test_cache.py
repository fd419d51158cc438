"""The benchmark's embedding cache: each text encoded once per model, across processes."""

from pathlib import Path

import pytest

from bench.cache import CachedEmbeddings
from bot.embeddings import HashingEmbeddings


class _Counting(HashingEmbeddings):
    """The fake model, counting the texts it is asked to encode."""

    def __init__(self) -> None:
        super().__init__()
        self.encoded: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.encoded += texts
        return super().embed_documents(texts)


def test_cache_encodes_each_text_once_per_model_and_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    inner = _Counting()
    cache = CachedEmbeddings(inner, "fake", path)
    first = cache.embed_documents(["alpha beta", "gamma", "alpha beta"])
    assert inner.encoded == ["alpha beta", "gamma"]  # a repeat in one batch is encoded once
    assert first[0] == first[2] and first[0] == pytest.approx(HashingEmbeddings().embed_query("alpha beta"))
    again = CachedEmbeddings(inner, "fake", path)  # a new process opening the same file
    assert again.embed_documents(["gamma", "delta"])[0] == pytest.approx(first[1])
    assert inner.encoded == ["alpha beta", "gamma", "delta"] and (again.hits, again.misses) == (1, 1)
    other = CachedEmbeddings(inner, "another-model", path)
    other.embed_documents(["gamma"])
    assert inner.encoded[-1] == "gamma"  # the key includes the model: no vectors across models
