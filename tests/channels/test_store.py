"""The platforms' conversation store: bounded history, and a locked database failing fast as StoreError."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from bot.channels.store import ConversationStore, carry_on
from bot.errors import StoreError


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "conversations.sqlite3"


@pytest.fixture
def store(path: Path) -> ConversationStore:
    return ConversationStore(f"sqlite:///{path}")


@pytest.fixture
def locked(path: Path, store: ConversationStore) -> Iterator[None]:
    """Another process holding the database: an exclusive transaction left open."""
    with closing(sqlite3.connect(path)) as other:
        other.execute("BEGIN EXCLUSIVE")
        yield
        other.rollback()


def test_history_is_bounded_and_kept_per_conversation(path: Path) -> None:
    store = ConversationStore(f"sqlite:///{path}", max_messages=4)
    for i in range(3):
        store.add_turn("telegram:1", f"q{i}", f"a{i}")
    store.add_turn("telegram:2", "other", "answer")
    assert [m["content"] for m in store.history("telegram:1")] == ["q1", "a1", "q2", "a2"]
    store.clear("telegram:1")
    assert store.history("telegram:1") == [] and len(store.history("telegram:2")) == 2


def test_a_locked_database_is_a_store_error_naming_the_cause(store: ConversationStore, locked: None) -> None:
    for action in (lambda: store.add_turn("c", "q", "a"), lambda: store.history("c"), lambda: store.clear("c")):
        with pytest.raises(StoreError, match=r"conversation .*database is locked"):
            action()


def test_carry_on_logs_a_store_error_and_goes_on(
    store: ConversationStore, locked: None, caplog: pytest.LogCaptureFixture
) -> None:
    assert carry_on(store.add_turn, "c", "q", "a") is None
    assert "database is locked" in caplog.text
