"""Whole-corpus conversations: a follow-up stays in the story the conversation is about."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from chromadb.api import ClientAPI
from seed import SEED_CORPUS

from bot import Bot, Settings, build_bot
from bot.retrieve import make_query

ABOUT_BIALIATSKI = [
    {"role": "user", "content": "Who is Ales Bialiatski?"},
    {"role": "assistant", "content": "A Belarusian human rights defender."},
]


@pytest.fixture
def whole_bot(settings: Settings, chroma: ClientAPI, tmp_path: Path) -> Bot:
    """A bot over every story of corpus/ (the seed story is one of four)."""
    corpus = shutil.copytree(SEED_CORPUS, tmp_path / "whole")
    bot = build_bot(settings.with_changes(corpus_dir=corpus), chroma_client=chroma)
    bot.index_corpus()
    return bot


def test_a_follow_up_is_about_the_story_of_the_last_question(whole_bot: Bot) -> None:
    query = make_query("Who was the US envoy?", whole_bot.catalog(), whole_bot.places)
    assert whole_bot.topics.conversation_story(query, []) is None
    assert whole_bot.topics.conversation_story(query, ABOUT_BIALIATSKI) == "belarus-prisoners-released"
    hits = whole_bot.trace("Who was the US envoy?", ABOUT_BIALIATSKI).hits
    assert hits[0].chunk.doc_id == "belarus-prisoners-released" or "belarus-prisoners-released" in hits[0].chunk.stories


def test_a_question_naming_people_of_another_story_leaves_it(whole_bot: Bot) -> None:
    query = make_query("How long was Evan Gershkovich held?", whole_bot.catalog(), whole_bot.places)
    assert whole_bot.topics.conversation_story(query, ABOUT_BIALIATSKI) is None
    hits = whole_bot.trace("How long was Evan Gershkovich held?", ABOUT_BIALIATSKI).hits
    assert any("Gershkovich" in h.chunk.text for h in hits)


def test_the_best_hits_of_the_whole_index_stay_beside_the_story(whole_bot: Bot) -> None:
    # No person named, so the question cannot leave the story by name; the bridge passages still come.
    hits = whole_bot.trace("How many people died when the Key Bridge fell?", ABOUT_BIALIATSKI).hits
    assert any(h.chunk.doc_id == "baltimore-key-bridge-collapse" for h in hits)
    assert len(hits) == whole_bot.retriever.top_k


def test_an_acronym_spelled_out_in_the_stories_is_answered_not_vetoed(whole_bot: Bot) -> None:
    answer = whole_bot.ask("Who is the chairman of ISRO?")
    assert "ISRO" not in answer.text, answer.text
    assert whole_bot.last_trace is not None and whole_bot.last_trace.evidence.answerable
