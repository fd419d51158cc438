"""The UI's handlers with a bot over fake models: no browser, no server."""

from __future__ import annotations

import itertools
import json
import logging
import sqlite3
import threading
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest
from chromadb.api import ClientAPI
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from bot import Bot, InputError, Settings, build_bot
from bot.feedback import FeedbackStore
from bot.ui.app import choose_story, create_app, opening, rate
from bot.ui.render import STOPPED, Turn, conversation
from bot.ui.session import GENERIC_ERROR, Chat, answering, enqueue, history_of, retry, work

STORY = "belarus-prisoners-released"


def asked(bot: Bot, question: str, chat: Chat | None = None, story: str = "") -> tuple[Chat, list[str]]:
    """The conversation after `question` is queued and answered, and the pages shown meanwhile."""
    chat = chat if chat is not None else Chat()
    assert enqueue(bot, chat, question, story)
    return chat, list(work(bot, chat))


def target(turn: int, rating: int, comment: str = "") -> str:
    return json.dumps({"turn": turn, "rating": rating, "comment": comment})


def test_an_answer_streams_pending_then_sentences_then_sources(fake_bot: Bot) -> None:
    chat, pages = asked(fake_bot, "Why did Belarus release opposition leaders now?", story=STORY)
    assert "Looking through the sources" in pages[0]
    (turn,) = chat.turns
    answer = turn.answer
    assert not turn.pending and answer is not None and answer.sentences and turn.story == STORY
    assert "<details" not in pages[-2] and "<details" in pages[-1]
    assert "<mark>" in pages[-1] and 'class="sb-cite"' in pages[-1]
    assert set(turn.passages) == {c.chunk_id for c in answer.citations}
    assert chat.owner is None  # the page is free for the next question


def test_answering_yields_each_sentence_before_the_sources(fake_bot: Bot) -> None:
    states = list(answering(fake_bot, "Why did Belarus release opposition leaders now?", [], STORY))
    final = states[-1].answer
    assert states[0].pending and final is not None
    shown = [len(t.answer.sentences) for t in states if t.answer is not None]
    assert shown == list(range(1, len(final.sentences) + 1))


def test_questions_sent_while_one_is_answered_wait_visibly_and_are_answered_in_order(fake_bot: Bot) -> None:
    chat = Chat()
    assert enqueue(fake_bot, chat, "Who is Ales Bialiatski?", "")
    pages = work(fake_bot, chat)
    next(pages)  # the first answer is under way
    assert enqueue(fake_bot, chat, "When was he born?", "")
    assert "Queued: answered after the question above" in conversation(chat.snapshot())
    assert list(work(fake_bot, chat)) == []  # a second call leaves it to the running one
    list(pages)
    first, second = chat.turns
    assert first.answer is not None and second.answer is not None and not second.pending
    assert "1962" in second.answer.text  # answered after the first, as its follow-up


def test_a_question_queued_as_the_loop_ends_is_never_stranded(fake_bot: Bot) -> None:
    chat, _ = asked(fake_bot, "Who is Ales Bialiatski?")
    token = chat.claim()
    assert token is not None and chat.next_waiting(token) is None  # nothing left: the page is released
    assert chat.owner is None
    chat2, _ = asked(fake_bot, "Who is Lukashenko?", chat)
    assert chat2.turns[-1].answer is not None


def test_follow_up_uses_earlier_turns(fake_bot: Bot) -> None:
    chat, _ = asked(fake_bot, "Who is Ales Bialiatski?")
    asked(fake_bot, "When was he born?", chat)
    assert chat.turns[-1].answer is not None and "1962" in chat.turns[-1].answer.text
    assert history_of(chat.turns)[0] == {"role": "user", "content": "Who is Ales Bialiatski?"}
    assert "[" not in history_of(chat.turns)[1]["content"]  # the history holds the claims, not our markers


def test_a_question_over_the_limit_is_refused_at_once_and_offers_no_retry(fake_bot: Bot) -> None:
    chat = Chat()
    assert enqueue(fake_bot, chat, "Why " * 300, "") is False
    (turn,) = chat.turns
    assert turn.error is not None and "the limit is 1000" in turn.error and not turn.retry and not turn.pending
    assert list(work(fake_bot, chat)) == [] and history_of(chat.turns) == []


@pytest.mark.parametrize("blank", ["", "   ", "\n\t "])
def test_an_empty_question_adds_no_turn_and_no_error(fake_bot: Bot, blank: str) -> None:
    chat, _ = asked(fake_bot, "Who is Ales Bialiatski?")
    assert enqueue(fake_bot, chat, blank, "") is None and len(chat.turns) == 1


class ExplodingBot:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.calls = 0

    def ask_stream(self, *args: object, **kwargs: object) -> None:
        self.calls += 1
        raise RuntimeError("database on fire")


def test_unexpected_errors_show_a_generic_message_are_logged_and_can_be_retried(
    settings: Settings, fake_bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    exploding = ExplodingBot(settings)
    with caplog.at_level(logging.ERROR):
        chat, pages = asked(exploding, "Who?")  # type: ignore[arg-type]
    assert GENERIC_ERROR in pages[-1] and "database on fire" not in pages[-1]
    assert "database on fire" in caplog.text
    assert chat.turns[0].retry and 'class="sb-retry" data-turn="0"' in pages[-1]
    assert retry(chat, "0") and chat.turns[0].waiting and chat.turns[0].error is None
    pages = list(work(fake_bot, chat))  # the cause is gone: the retry is answered in place
    assert chat.turns[0].answer is not None and chat.turns[0].error is None and "sb-retry" not in pages[-1]
    assert not retry(chat, "0") and not retry(chat, "7") and not retry(chat, "x")  # nothing to retry there


def test_stop_ends_the_answer_and_the_queue_and_the_old_call_writes_nothing(fake_bot: Bot) -> None:
    chat = Chat()
    enqueue(fake_bot, chat, "Who is Ales Bialiatski?", "")
    enqueue(fake_bot, chat, "Who is Lukashenko?", "")
    pages = work(fake_bot, chat)
    next(pages)
    chat.stop()
    assert list(pages) == []  # the call still running notices and stops
    assert [t.error for t in chat.turns] == [STOPPED, STOPPED] and all(t.retry for t in chat.turns)
    assert chat.owner is None
    retry(chat, "1")
    list(work(fake_bot, chat))
    assert chat.turns[1].answer is not None and chat.turns[0].error == STOPPED


def test_reset_during_an_answer_drops_it(fake_bot: Bot) -> None:
    chat = Chat()
    enqueue(fake_bot, chat, "Who is Ales Bialiatski?", "")
    pages = work(fake_bot, chat)
    next(pages)
    chat.reset()
    assert list(pages) == [] and chat.turns == []


def test_refusal_offers_covered_questions(fake_bot: Bot) -> None:
    _, pages = asked(fake_bot, "Who won the 2022 World Cup?")
    assert "sb-refusal" in pages[-1] and 'class="sb-suggest"' in pages[-1]
    assert "You could ask" not in pages[-1].split('class="sb-actions"')[0]  # the suggestions became buttons


def test_choose_story_updates_header_and_buttons(fake_bot: Bot) -> None:
    header, *buttons = choose_story(fake_bot, STORY)
    assert "Belarus releases 123 political prisoners" in header
    visible = [b for b in buttons if b["visible"]]
    assert next(b["value"] for b in visible) == "Why Did Belarus Release Opposition Leaders Now?"
    assert "All stories" in choose_story(fake_bot, "")[0]


def test_a_permalink_opens_its_story_and_asks_its_question(fake_bot: Bot) -> None:
    first = fake_bot.stories()[0].id
    assert opening(fake_bot, first, {"story": STORY, "q": " Who is Lukashenko? "}) == (STORY, "Who is Lukashenko?", "")
    assert opening(fake_bot, first, {"story": STORY}) == (STORY, "", "")
    # "" is all stories; this page offers only its one story, where the question is asked
    assert opening(fake_bot, first, {"story": "", "q": "Who?"}) == (first, "Who?", "")
    assert opening(fake_bot, first, {}) == (first, "", "")
    story, question, note = opening(fake_bot, first, {"story": "gone", "q": "Who?"})
    assert (story, question) == (first, "") and "not available" in note
    assert opening(fake_bot, first, {"story": "gone"}) == (first, "", "")  # the widget on an unknown story
    story, question, note = opening(fake_bot, first, {"story": STORY, "q": "x" * 5000})
    assert (story, question) == (STORY, "") and "too long" in note and "5000" in note
    assert opening(fake_bot, first, {"story": STORY, "q": "   "}) == (STORY, "", "")


def test_each_answer_is_rated_with_its_own_comment(fake_bot: Bot, tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    chat, _ = asked(fake_bot, "How many political prisoners did Belarus release?", story=STORY)
    _, pages = asked(fake_bot, "Who is Ales Bialiatski?", chat)
    assert pages[-1].count('class="sb-rate-btn"') == 4  # Yes and No under both answers
    assert pages[-1].count('class="sb-comment-box"') == 2  # each with its own comment box
    assert rate(store, chat, target(0, -1, "  missing context ")) == ""
    assert chat.turns[0].rating == -1 and "An editor will look at it" in chat.turns[0].rate_note
    assert rate(store, chat, target(1, 1)) == ""
    first, second = store.all()
    assert (first.rating, first.comment, first.story) == (-1, "missing context", STORY)
    assert first.question == "How many political prisoners did Belarus release?"
    assert first.answer["citations"] and "123" in first.answer["text"]
    assert (second.rating, second.comment, second.question) == (1, "", "Who is Ales Bialiatski?")
    assert rate(store, chat, target(9, 1)).startswith("Sorry: that answer is no longer")
    assert rate(store, chat, "not json").startswith("Sorry: that rating could not be read")
    chat.turns[1] = replace(chat.turns[1], rating=None)
    assert rate(store, chat, target(1, 1, "x" * 3000)) == ""
    assert chat.turns[1].rating is None and chat.turns[1].rate_note.startswith("Sorry: the comment is 3000")
    with pytest.raises(InputError):
        store.add(0, "q", {})


def test_a_locked_feedback_store_says_so_under_the_answer(fake_bot: Bot, tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    chat, _ = asked(fake_bot, "Who is Ales Bialiatski?")
    store.all()  # the file exists
    with closing(sqlite3.connect(tmp_path / "fb.sqlite3")) as other:
        other.execute("BEGIN EXCLUSIVE")  # another process holds the database
        rate(store, chat, target(0, 1, "useful"))
        other.rollback()
    note = chat.turns[0].rate_note
    assert note == "Sorry: the rating was not saved (database is locked): please try again in a moment"
    assert chat.turns[0].rating is None  # nothing lost: the reader can press again


def test_a_chat_survives_gradio_copying_it_and_is_safe_across_threads(fake_bot: Bot) -> None:
    import copy

    chat = copy.deepcopy(Chat([Turn("q")]))
    assert [t.question for t in chat.turns] == ["q"]
    threads = [threading.Thread(target=chat.add, args=(f"q{i}", "")) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(chat.turns) == 21
    # every change counts, so the page can tell an older rendering that arrives late
    assert chat.version == 20 and 'data-version="20"' in chat.page()
    chat.reset()
    assert 'data-version="21"' in chat.page()


def test_app_construction(fake_bot: Bot, tmp_path: Path) -> None:
    app = create_app(fake_bot, FeedbackStore(tmp_path / "fb.sqlite3"))
    labels = {getattr(block, "label", None) for block in app.blocks.values()}
    assert "Story" in labels
    ids = {getattr(block, "elem_id", None) for block in app.blocks.values()}
    assert {"sb-question", "sb-send", "sb-stop", "sb-count", "sb-retry-go", "sb-rate-go"} <= ids
    assert "sb-comment" not in ids  # the comment is typed under the answer it is about
    # every event handler is off Gradio's public API: the page is the only way in (issue 11, item 3)
    assert app.fns and {fn.api_visibility for fn in app.fns.values()} == {"private"}
    assert history_of([Turn("q", error="bad")]) == []


def test_llm_drafts_stream_as_unverified_text_then_the_checked_answer(settings: Settings, chroma: ClientAPI) -> None:
    reply = "Belarus has released 123 political prisoners [1]. The Pope blessed the deal [1]."
    # repeated: indexing asks the story's suggested questions too
    model = GenericFakeChatModel(messages=itertools.repeat(AIMessage(reply)))
    bot = build_bot(settings, chat_model=model, chroma_client=chroma)
    bot.index_corpus()
    chat, pages = asked(bot, "How many political prisoners did Belarus release?")
    drafts = [html for html in pages if "being checked against the sources" in html]
    assert len(drafts) > 3 and "Pope" in drafts[-1]
    assert chat.turns[-1].answer is not None
    assert "Pope" not in pages[-1] and "123" in chat.turns[-1].answer.text
