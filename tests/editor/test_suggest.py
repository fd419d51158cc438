"""Suggested questions: the story's own, and, when the answerer has a language model, the model's."""

from pathlib import Path

from chromadb.api import ClientAPI
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from bot import Bot, Settings, build_bot
from bot.editor.suggest import candidates


def test_the_reader_proposes_the_storys_own_questions_only(editor_bot: Bot) -> None:
    assert editor_bot.answerer.complete("Propose questions.") is None
    questions = candidates(editor_bot, "city-budget")
    assert "What happened?" in questions and "Who will be the next mayor?" in questions


def test_a_language_model_adds_its_questions(settings: Settings, chroma: ClientAPI, budget_corpus: Path) -> None:
    reply = "1. How many votes did the budget get?\n2. Not a question\n- What will the trams cost?"
    build_bot(
        settings, chroma_client=chroma
    ).index_corpus()  # indexing checks questions: not with this model's one reply
    model = GenericFakeChatModel(messages=iter([AIMessage(reply)]))
    bot = build_bot(settings, chat_model=model, chroma_client=chroma)
    questions = candidates(bot, "city-budget")
    assert questions[-2:] == ["How many votes did the budget get?", "What will the trams cost?"]
    assert "What happened?" in questions


def test_a_failing_model_adds_nothing(editor_bot: Bot, settings: Settings, chroma: ClientAPI) -> None:
    own = candidates(editor_bot, "city-budget")
    model = GenericFakeChatModel(messages=iter([]))  # fails on the first call
    bot = build_bot(settings, chat_model=model, chroma_client=chroma)
    assert candidates(bot, "city-budget") == own
