"""The UI's handlers with a bot over fake models: no browser, no server."""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from chromadb.api import ClientAPI
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from bot import Bot, InputError, Settings, build_bot
from bot.feedback import FeedbackStore
from bot.ui.app import GENERIC_ERROR, ask, choose_story, create_app, history_of, new_conversation, rate
from bot.ui.render import Turn


def test_ask_streams_pending_then_sentences_then_sources(fake_bot: Bot) -> None:
    updates = list(ask(fake_bot, "Why did Belarus release opposition leaders now?", [], "belarus-prisoners-released"))
    first_html, first_turns, box = updates[0]
    assert "Looking through the sources" in first_html and first_turns[-1].pending and box == ""
    final_html, turns, _ = updates[-1]
    answer = turns[-1].answer
    assert not turns[-1].pending and answer is not None and answer.sentences
    shown = [len(t[-1].answer.sentences) for _, t, _ in updates if t[-1].answer is not None]
    assert shown == list(range(1, len(answer.sentences) + 1))  # sentences arrive one by one before the sources
    assert "<details" not in updates[-2][0] and "<details" in final_html
    assert "<mark>" in final_html and 'class="sb-cite"' in final_html
    assert set(turns[-1].passages) == {c.chunk_id for c in answer.citations}


def test_follow_up_uses_earlier_turns(fake_bot: Bot) -> None:
    *_, (_, turns, _) = ask(fake_bot, "Who is Ales Bialiatski?", [], None)
    *_, (_html, turns, _) = ask(fake_bot, "When was he born?", turns, None)
    assert turns[-1].answer is not None and "1962" in turns[-1].answer.text
    assert history_of(turns)[0] == {"role": "user", "content": "Who is Ales Bialiatski?"}
    assert "[" not in history_of(turns)[1]["content"]  # the history holds the claims, not our markers


def test_bot_errors_are_shown_in_the_chat_and_the_question_kept(fake_bot: Bot) -> None:
    long = "Why " * 300
    *_, (html, turns, box) = ask(fake_bot, long, [], None)
    assert "the limit is 1000" in html and turns[-1].error and box == long
    assert history_of(turns) == []


@pytest.mark.parametrize("blank", ["", "   ", "\n\t "])
def test_an_empty_question_adds_no_turn_and_no_error(fake_bot: Bot, blank: str) -> None:
    *_, (_, earlier, _) = ask(fake_bot, "Who is Ales Bialiatski?", [], None)
    assert list(ask(fake_bot, blank, earlier, None)) == []  # nothing to update, so nothing typed since is cleared


class ExplodingBot:
    def ask_stream(self, *args: object, **kwargs: object) -> None:
        raise RuntimeError("database on fire")


def test_unexpected_errors_show_a_generic_message_and_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR):
        *_, (html, _turns, _) = ask(ExplodingBot(), "Who?", [], None)  # type: ignore[arg-type]
    assert GENERIC_ERROR in html and "database on fire" not in html
    assert "database on fire" in caplog.text


def test_refusal_offers_covered_questions(fake_bot: Bot) -> None:
    *_, (html, _turns, _) = ask(fake_bot, "Who won the 2022 World Cup?", [], None)
    assert "sb-refusal" in html and 'class="sb-suggest"' in html
    assert "You could ask" not in html  # the suggestions became buttons


def test_choose_story_updates_header_and_buttons(fake_bot: Bot) -> None:
    header, *buttons = choose_story(fake_bot, "belarus-prisoners-released")
    assert "Belarus releases 123 political prisoners" in header
    visible = [b for b in buttons if b["visible"]]
    assert next(b["value"] for b in visible) == "Why Did Belarus Release Opposition Leaders Now?"
    assert "All stories" in choose_story(fake_bot, "")[0]


def test_each_answer_can_be_rated_with_a_comment(fake_bot: Bot, tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    *_, (_, turns, _) = ask(fake_bot, "How many political prisoners did Belarus release?", [], None)
    *_, (html, turns, _) = ask(fake_bot, "Who is Ales Bialiatski?", turns, None)
    assert html.count('class="sb-rate-btn"') == 4  # Yes and No under both answers
    html, turns, status, comment = rate(store, turns, "0 -1", "  missing context ", "belarus-prisoners-released")
    assert "Thanks" in status and comment == "" and turns[0].rating == -1
    assert html.count('class="sb-rate-btn"') == 2 and "Thanks for rating this answer." in html
    (saved,) = store.all()
    assert (saved.rating, saved.comment, saved.story) == (-1, "missing context", "belarus-prisoners-released")
    assert saved.question == "How many political prisoners did Belarus release?"
    assert saved.answer["citations"] and "123" in saved.answer["text"]
    assert rate(store, turns, "9 1", "", "")[2].startswith("Sorry: that answer is no longer")
    assert rate(store, turns, "1 1", "x" * 3000, "")[2].startswith("Sorry: the comment is 3000")
    with pytest.raises(InputError):
        store.add(0, "q", {})


def test_a_locked_feedback_store_says_so_and_keeps_the_comment(fake_bot: Bot, tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    *_, (_, turns, _) = ask(fake_bot, "Who is Ales Bialiatski?", [], None)
    store.all()  # the file exists
    with closing(sqlite3.connect(tmp_path / "fb.sqlite3")) as other:
        other.execute("BEGIN EXCLUSIVE")  # another process holds the database
        _, turns, status, comment = rate(store, turns, "0 1", "useful", "")
        other.rollback()
    assert status == "Sorry: the rating was not saved (database is locked): please try again in a moment"
    assert comment == "useful" and turns[0].rating is None  # nothing lost: the reader can press again


def test_new_conversation_and_app_construction(fake_bot: Bot, tmp_path: Path) -> None:
    html, turns, box = new_conversation()
    assert turns == [] and box == "" and "Ask a question" in html
    app = create_app(fake_bot, FeedbackStore(tmp_path / "fb.sqlite3"))
    labels = {getattr(block, "label", None) for block in app.blocks.values()}
    assert {"Ask", "Story", "Editor", "Editor token"} <= labels  # the reader's box, the story picker, the editor tab
    # every event handler is off Gradio's public API: the page is the only way in (issue 11, item 3)
    assert app.fns and {fn.api_visibility for fn in app.fns.values()} == {"private"}
    assert history_of([Turn("q", error="bad")]) == []


def test_llm_drafts_stream_as_unverified_text_then_the_checked_answer(settings: Settings, chroma: ClientAPI) -> None:
    reply = "Belarus has released 123 political prisoners [1]. The Pope blessed the deal [1]."
    model = GenericFakeChatModel(messages=iter([AIMessage(reply)]))
    bot = build_bot(settings, chat_model=model, chroma_client=chroma)
    bot.index_corpus()
    updates = list(ask(bot, "How many political prisoners did Belarus release?", [], None))
    drafts = [html for html, turns, _ in updates if turns[-1].draft]
    assert len(drafts) > 3 and "being checked against the sources" in drafts[-1] and "Pope" in drafts[-1]
    final_html, turns, _ = updates[-1]
    assert turns[-1].answer is not None
    assert "Pope" not in final_html and "123" in turns[-1].answer.text
