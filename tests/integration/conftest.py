"""Integration fixtures: the real embedding model, loaded once per session, over the seed corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings
from seed import seed_copy

from bot import Bot, Settings, build_bot
from bot.embeddings import build_embeddings


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "integration" in str(item.path):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def minilm() -> Embeddings:
    return build_embeddings("minilm")


@pytest.fixture(scope="session")
def real_bot(tmp_path_factory: pytest.TempPathFactory, minilm: Embeddings) -> Bot:
    root: Path = tmp_path_factory.mktemp("real")
    corpus = seed_copy(root / "corpus")  # questions.yaml was written about the seed story alone
    bot = build_bot(Settings(corpus_dir=corpus, index_dir=root / "index"), embeddings=minilm)
    bot.index_corpus()
    return bot
