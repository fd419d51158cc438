"""Each file of an index, truncated, filled with garbage or deleted: `problems` reports it, a question
gets a one-line error or an answer (never a traceback), and `storybot index` repairs it."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from chromadb.api.shared_system_client import SharedSystemClient

from bot import BotError, Settings, build_bot
from bot.cli import main

Damage = Callable[[Path], None]


def truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def garbage(path: Path) -> None:
    path.write_bytes(os.urandom(max(64, path.stat().st_size)))


def deleted(path: Path) -> None:
    path.unlink()


# (what, where under the index folder, given the live snapshot's folder)
FILES: dict[str, Callable[[Path, Path], Path]] = {
    "chunks.jsonl": lambda root, snap: snap / "chunks.jsonl",
    "catalog.json": lambda root, snap: snap / "catalog.json",
    "bm25 params": lambda root, snap: snap / "bm25" / "params.index.json",
    "bm25 scores": lambda root, snap: snap / "bm25" / "data.csc.index.npy",
    "chroma.sqlite3": lambda root, snap: root / "chroma" / "chroma.sqlite3",
}


@pytest.fixture
def index_settings(tmp_path: Path, corpus_dir: Path) -> Settings:
    """Settings whose bots each open the index folder afresh, as separate processes would."""
    return Settings(corpus_dir=corpus_dir, index_dir=tmp_path / "index", embedding_model="fake")


def fresh(settings: Settings):  # type: ignore[no-untyped-def]
    SharedSystemClient.clear_system_cache()  # a new process: no Chroma client cached for the folder
    return build_bot(settings)


def live_snapshot(root: Path) -> Path:
    return root / "snapshots" / (root / "CURRENT").read_text().strip()


@pytest.mark.parametrize("damage", [truncated, garbage, deleted], ids=lambda d: d.__name__)
@pytest.mark.parametrize("what", list(FILES))
def test_damage_is_reported_then_repaired(index_settings: Settings, what: str, damage: Damage) -> None:
    fresh(index_settings).index_corpus()
    root = index_settings.index_dir
    damage(FILES[what](root, live_snapshot(root)))

    bot = fresh(index_settings)
    assert bot.index.problems(), f"{what} {damage.__name__} went unnoticed"
    try:
        bot.ask("Who is Ales Bialiatski?")
    except BotError as exc:  # one line a user can act on
        assert "storybot index" in str(exc) and "\n" not in str(exc)

    report = fresh(index_settings).index_corpus()
    assert not report.unchanged and report.repaired
    repaired = fresh(index_settings)
    assert repaired.index.problems() == []
    assert repaired.ask("Who is Ales Bialiatski?").citations


@pytest.mark.parametrize("current", ["../../elsewhere/snapshots/x", "", None], ids=["traversal", "empty", "deleted"])
def test_a_current_naming_no_snapshot_is_refused_and_repaired(index_settings: Settings, current: str | None) -> None:
    fresh(index_settings).index_corpus()
    path = index_settings.index_dir / "CURRENT"
    if current is None:
        path.unlink()
    else:
        path.write_text(current)
    bot = fresh(index_settings)
    assert bot.index.problems()
    with pytest.raises(BotError, match="storybot index"):
        bot.ask("Who is Ales Bialiatski?")
    fresh(index_settings).index_corpus()
    assert fresh(index_settings).index.problems() == []


def test_a_serving_bot_keeps_its_snapshot_when_current_breaks(index_settings: Settings) -> None:
    bot = fresh(index_settings)
    bot.index_corpus()
    assert bot.ask("Who is Ales Bialiatski?").citations
    (index_settings.index_dir / "CURRENT").write_text("../../elsewhere")
    assert bot.ask("Who is Ales Bialiatski?").citations  # still the loaded snapshot, not a 503
    (index_settings.index_dir / "CURRENT").unlink()
    assert bot.ask("Who is Ales Bialiatski?").citations


def test_health_is_degraded_while_vectors_are_missing(index_settings: Settings) -> None:
    bot = fresh(index_settings)
    bot.index_corpus()
    assert bot.index.health() == []
    store = bot.index.store
    store.delete(ids=store.get(include=[])["ids"][:2])
    assert "vectors for" in bot.index.health()[0]


def test_index_check_exits_2_naming_the_damage(
    index_settings: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in (("INDEX_DIR", index_settings.index_dir), ("CORPUS_DIR", index_settings.corpus_dir)):
        monkeypatch.setenv(f"STORYBOT_{name}", str(value))
    monkeypatch.setenv("STORYBOT_EMBEDDING_MODEL", "fake")
    assert main(["index"]) == 0
    assert main(["index", "--check"]) == 0
    assert "index is whole" in capsys.readouterr().out
    truncated(live_snapshot(index_settings.index_dir) / "catalog.json")
    assert main(["index", "--check"]) == 2
    assert "catalog.json is damaged" in capsys.readouterr().err
    assert main(["index"]) == 0
    assert "repaired: snapshot" in capsys.readouterr().out
