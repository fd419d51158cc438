"""Shared fixtures: fakes registered the way the real parts are (fake embeddings, in-memory Chroma)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import chromadb
import pytest
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings
from seed import seed_copy
from wordnet import fake_wordnet

from bot import Bot, Settings, build_bot

ROOT = Path(__file__).resolve().parent.parent
SEED_CORPUS = ROOT / "corpus"


@pytest.fixture(autouse=True)
def _no_storybot_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test inherits the caller's STORYBOT_* settings (a developer's own index or API key)."""
    for name in [n for n in os.environ if n.startswith("STORYBOT_")]:
        monkeypatch.delenv(name)


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A private copy of the seed corpus, free to edit."""
    return seed_copy(tmp_path / "corpus")


@pytest.fixture
def chroma() -> Iterator[ClientAPI]:
    """An in-memory Chroma, emptied after the test."""
    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False, allow_reset=True))
    yield client
    client.reset()


@pytest.fixture
def settings(tmp_path: Path, corpus_dir: Path) -> Settings:
    """Settings for a bot with the fake embedding model, a private index folder and an empty WordNet
    (no lower-case word is taken for a name; tests/test_lexicon.py gives the lexicon words)."""
    return Settings(
        corpus_dir=corpus_dir,
        index_dir=tmp_path / "index",
        embedding_model="fake",
        wordnet_dir=fake_wordnet(tmp_path / "wordnet", synsets=()),
    ).with_changes(conversations_url=f"sqlite:///{tmp_path / 'conversations.sqlite3'}")  # never the developer's


@pytest.fixture
def fake_bot(settings: Settings, chroma: ClientAPI) -> Bot:
    """An extractive bot over the seed corpus, indexed, with fake embeddings (lexical retrieval carries it)."""
    bot = build_bot(settings, chroma_client=chroma)
    bot.index_corpus()
    return bot
