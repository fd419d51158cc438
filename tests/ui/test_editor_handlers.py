"""The Editor page's handlers with a bot over fake models, and who may reach /editor."""

from pathlib import Path

import gradio as gr
import pytest
from chromadb.api import ClientAPI
from fastapi.testclient import TestClient

from bot import Bot, Settings, build_bot
from bot.api import create_api
from bot.suggestions import SuggestionStore
from bot.ui.editor import NEW, load_story, mount_editor, run_question, run_story, unlock

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
STORY = "city-budget"


@pytest.fixture
def bot(settings: Settings, chroma: ClientAPI, corpus_dir: Path, tmp_path: Path) -> Bot:
    (corpus_dir / "stories" / "city-budget.md").write_text(BUDGET, encoding="utf-8")
    configured = settings.with_changes(conversations_url=f"sqlite:///{tmp_path / 'conversations.sqlite3'}")
    built = build_bot(configured, chroma_client=chroma)
    built.index_corpus()
    return built


def questions(table: str) -> list[str]:
    """The first cell of each row of the rendered table."""
    return [row.split("</td>")[0].split(">")[-1] for row in table.split('<td data-label="Question">')[1:]]


def test_the_stored_table_shows_the_verdicts_from_indexing(bot: Bot) -> None:
    view = load_story(bot, STORY)
    assert questions(view.table) == ["How much will the city spend on tram lines?", "Who will be the next mayor?"]
    assert view.table.count(">PASS<") == 1 and view.table.count(">FAIL<") == 1 and view.report is None


def test_run_story_then_add_and_edit_questions(bot: Bot) -> None:
    view = run_story(bot, STORY)
    assert view.status == "**1 of 2 passed**, 1 failed." and view.report is not None
    view = run_question(bot, STORY, "What did the council approve?", NEW, view.results)
    assert questions(view.table)[-1] == "What did the council approve?" and view.typed == "" and view.editing == NEW
    view = run_question(bot, STORY, "What was the vote?", "What did the council approve?", view.results)
    assert questions(view.table) == [
        "How much will the city spend on tram lines?",
        "Who will be the next mayor?",
        "What was the vote?",  # the edit took its row
    ]
    view = run_question(bot, STORY, "Who is the new mayor?", "Who will be the next mayor?", view.results)
    assert questions(view.table)[1] == "Who is the new mayor?"  # a rewording stands in the story's question's place
    assert len(questions(view.table)) == 3 and len(view.results) == 3
    html = Path(str(view.report)).read_text(encoding="utf-8")
    assert "What was the vote?</h2>" in html and "What did the council approve?</h2>" not in html  # as the table
    reloaded = load_story(bot, STORY)  # a reload: the editors' questions are kept with their verdicts
    assert questions(reloaded.table) == questions(view.table)


def test_a_failed_save_is_a_message_and_the_text_stays(bot: Bot, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    bot.suggestions = SuggestionStore(f"sqlite:///{tmp_path / 'a-file' / 'db.sqlite3'}")  # cannot be created
    view = run_question(bot, STORY, "What did the council approve?", NEW, [])
    assert "Checked, but not saved" in view.status and view.typed is None
    assert "What did the council approve?" in questions(view.table)  # its result is still shown


def test_table_text_is_escaped(bot: Bot) -> None:
    view = run_question(bot, STORY, "<img src=x onerror=alert(1)>?", NEW, [])
    assert "<img" not in view.table and "&lt;img src=x onerror=alert(1)&gt;?" in view.table


def test_unknown_story_is_a_message_not_a_crash(bot: Bot) -> None:
    assert run_story(bot, "nope").status.startswith("Sorry: unknown story id 'nope'")


def test_the_token_is_the_password() -> None:
    public = Settings().with_changes(host="0.0.0.0", editor_token="s3cret", api_keys=("k",))
    assert unlock(public, "anyone", "s3cret") and not unlock(public, "anyone", "wrong")
    assert not unlock(Settings().with_changes(host="0.0.0.0", api_keys=("k",)), "anyone", "")


def client(bot: Bot, **changes: object) -> TestClient:
    settings = bot.settings.with_changes(**changes)
    api = create_api(bot, settings)
    mount_editor(api, bot, settings, gr.themes.Default())
    return TestClient(api)


def test_beyond_localhost_nothing_of_the_editor_answers_without_the_token(bot: Bot) -> None:
    web = client(bot, host="0.0.0.0", api_keys=("k",), editor_token="s3cret")
    assert web.get("/editor/config").status_code == 401
    assert web.post("/editor/gradio_api/queue/join", json={}).status_code == 401
    assert web.post("/editor/login", data={"username": "x", "password": "wrong"}).status_code == 400
    assert web.post("/editor/login", data={"username": "x", "password": "s3cret"}).status_code == 200
    assert web.get("/editor/config").status_code == 200  # the login's cookie opens it


def test_login_attempts_are_limited(bot: Bot) -> None:
    web = client(bot, host="0.0.0.0", api_keys=("k",), editor_token="s3cret")
    codes = [web.post("/editor/login", data={"username": "x", "password": "guess"}).status_code for _ in range(12)]
    assert codes[:10] == [400] * 10 and codes[-1] == 429


def test_beyond_localhost_without_a_token_the_editor_is_off(bot: Bot) -> None:
    web = client(bot, host="0.0.0.0", api_keys=("k",))
    response = web.get("/editor/")
    assert response.status_code == 403 and "STORYBOT_EDITOR_TOKEN" in response.json()["error"]["message"]


def test_on_localhost_the_editor_is_open(bot: Bot) -> None:
    assert client(bot).get("/editor/config").status_code == 200


def test_the_editors_page_takes_no_uploads(bot: Bot) -> None:
    response = client(bot).post("/editor/gradio_api/upload", files={"files": ("a.txt", b"x" * 1000)})
    assert response.status_code == 403 and "uploads" in response.json()["error"]["message"]


def test_an_unreadable_store_is_a_message(bot: Bot, tmp_path: Path) -> None:
    (tmp_path / "garbage.sqlite3").write_bytes(b"not a database" * 100)
    bot.suggestions.url = f"sqlite:///{tmp_path / 'garbage.sqlite3'}"
    assert load_story(bot, STORY).status.startswith(
        "Sorry: could not open the editors' questions (file is not a database)"
    )
    assert run_story(bot, STORY).status.startswith(
        "Sorry: could not open the editors' questions (file is not a database)"
    )
