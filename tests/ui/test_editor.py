"""The Editor tab's handlers with a bot over fake models."""

from pathlib import Path

import pytest
from chromadb.api import ClientAPI

from bot import Bot, Settings, build_bot
from bot.ui.editor import LOCKED, run_question, run_story, unlock

BUDGET = """---
id: city-budget
title: Council approves the city budget
---

## What's happened

The city council approved a budget of 40 million euros for new tram lines on Tuesday.

## Common questions

### How much will the city spend on tram lines?

Teaser.

### Who will be the next mayor?

Teaser.
"""


@pytest.fixture
def bot(settings: Settings, chroma: ClientAPI, corpus_dir: Path) -> Bot:
    (corpus_dir / "stories" / "city-budget.md").write_text(BUDGET, encoding="utf-8")
    built = build_bot(settings, chroma_client=chroma)
    built.index_corpus()
    return built


def test_token_is_needed_only_beyond_localhost() -> None:
    assert unlock(Settings(), "")[0] is True
    public = Settings().with_changes(host="0.0.0.0", editor_token="s3cret", api_keys=("k",))
    assert unlock(public, "")[0] is False and unlock(public, "wrong") == (False, "Wrong token.")
    assert unlock(public, "s3cret")[0] is True
    assert (
        "Set STORYBOT_EDITOR_TOKEN" in unlock(Settings().with_changes(host="0.0.0.0", api_keys=("k",)), "anything")[1]
    )


def test_locked_tab_runs_nothing(bot: Bot) -> None:
    assert run_story(bot, "city-budget", False)[2] == LOCKED
    assert run_question(bot, "city-budget", "What happened?", [], False)[2] == LOCKED


def test_run_story_then_add_and_edit_questions(bot: Bot) -> None:
    results, table, status, report = run_story(bot, "city-budget", True)
    assert [row[1] for row in table] == ["PASS", "FAIL"]
    assert status == "**1 of 2 passed**, 1 failed." and report is not None
    results, table, status, report = run_question(bot, "city-budget", "When was the budget approved?", results, True)
    assert len(table) == 3 and table[-1][0] == "When was the budget approved?"
    results, table, _, _ = run_question(bot, "city-budget", "Who will be the next mayor?", results, True)
    assert len(table) == 3  # re-running an existing question replaces its row
    html = Path(str(report)).read_text(encoding="utf-8")
    assert "When was the budget approved?" in html and " of 3 passed" in html  # the report follows the table


def test_unknown_story_is_a_message_not_a_crash(bot: Bot) -> None:
    assert run_story(bot, "nope", True)[2].startswith("Sorry: unknown story id 'nope'")
