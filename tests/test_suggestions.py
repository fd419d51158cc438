"""Editors' questions in SQL: kept with their last verdicts, edited in place, failing with a message."""

import logging
from pathlib import Path

import pytest

from bot.errors import StoreError
from bot.suggestions import SuggestionStore, Verdict

PASS = Verdict(True, (), "snap.1")
FAIL = Verdict(False, ("refused: The sources here don't say.",), "snap.1")


@pytest.fixture
def store(tmp_path: Path) -> SuggestionStore:
    return SuggestionStore(f"sqlite:///{tmp_path / 'data' / 'conversations.sqlite3'}")


def test_questions_are_kept_with_their_last_verdicts_across_stores(store: SuggestionStore) -> None:
    store.save("city-budget", "  When was the budget approved? ", PASS)
    store.save("city-budget", "Who voted against?", FAIL)
    store.save("other", "What happened?", PASS)
    again = SuggestionStore(store.url)  # a reload, or another process
    kept = again.questions("city-budget")
    assert [(q.question, q.verdict) for q in kept] == [
        ("When was the budget approved?", PASS),
        ("Who voted against?", FAIL),
    ]
    assert [q.question for q in again.approved("city-budget")] == ["When was the budget approved?"]
    assert len(again.questions()) == 3


def test_an_edit_replaces_its_row_and_a_rewording_remembers_what_it_rewords(store: SuggestionStore) -> None:
    store.save("s", "Who is the mayor?", FAIL, replaces="Who will be the next mayor?")
    store.save("s", "Who is the mayor now?", PASS, was="Who is the mayor?")
    store.save("s", "How much for trams?", PASS)
    rewording, added = store.questions("s")
    assert added.question == "How much for trams?" and added.replaces is None
    assert (rewording.question, rewording.replaces, rewording.verdict) == (
        "Who is the mayor now?",
        "Who will be the next mayor?",
        PASS,
    )
    store.save("s", "How much for trams?", FAIL, was="Who is the mayor now?")  # edited into another kept one
    assert [q.question for q in store.questions("s")] == ["How much for trams?"]
    store.remove("s", "How much for trams?")
    assert store.questions("s") == []


def test_reading_before_any_question_creates_nothing(tmp_path: Path) -> None:
    store = SuggestionStore(f"sqlite:///{tmp_path / 'never' / 'conversations.sqlite3'}")
    assert store.questions("s") == [] and store.approved() == []
    assert not (tmp_path / "never").exists()


def test_a_failed_write_is_a_message_and_a_failed_read_offers_none(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    unwritable = SuggestionStore(f"sqlite:///{tmp_path / 'a-file' / 'conversations.sqlite3'}")
    with pytest.raises(StoreError, match="could not save the question"):
        unwritable.save("s", "What happened?", PASS)
    (tmp_path / "garbage.sqlite3").write_bytes(b"this is not a database" * 100)
    broken = SuggestionStore(f"sqlite:///{tmp_path / 'garbage.sqlite3'}")
    with caplog.at_level(logging.ERROR):
        assert broken.approved("s") == []
    assert "could not" in caplog.text
    with pytest.raises(StoreError, match="a question must be 1 to 1000 characters long"):
        SuggestionStore(f"sqlite:///{tmp_path / 'x.sqlite3'}").save("s", "  ", PASS)
