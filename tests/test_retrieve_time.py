"""Time in retrieval: as-of days hide later stories, named spans keep to themselves, newer stories win."""

from datetime import date
from pathlib import Path

import pytest
from chromadb.api import ClientAPI

from bot import Bot, Settings, build_bot
from bot.retrieve import make_query
from bot.when import window

STORY = """---
id: {id}
title: Harbour festival {year}
published: {published}
---

## What's happened

The harbour festival in Port Elling drew {count} visitors this summer, the organisers said.
"""


def _story(corpus: Path, ident: str, year: int, published: str, count: str) -> None:
    text = STORY.format(id=ident, year=year, published=published, count=count)
    (corpus / "stories" / f"{ident}.md").write_text(text, encoding="utf-8")


@pytest.fixture
def dated_bot(settings: Settings, chroma: ClientAPI) -> Bot:
    _story(settings.corpus_dir, "festival-2022", 2022, "2022-08-20", "40,000")
    _story(settings.corpus_dir, "festival-2023", 2023, "2023-08-19", "55,000")
    bot = build_bot(settings, chroma_client=chroma)
    bot.index_corpus()
    return bot


def _docs(bot: Bot, question: str, as_of: date) -> list[str]:
    hits = bot.retriever.search(make_query(question, bot.catalog()), when=window(question, as_of))
    return [h.chunk.doc_id for h in hits if h.chunk.doc_id.startswith("festival")]


def test_a_story_published_after_as_of_is_invisible(dated_bot: Bot) -> None:
    assert _docs(dated_bot, "How many visitors came to the harbour festival?", date(2023, 1, 1)) == ["festival-2022"]


def test_without_a_named_time_the_newer_story_comes_first(dated_bot: Bot) -> None:
    assert _docs(dated_bot, "How many visitors came to the harbour festival?", date(2024, 1, 1))[0] == "festival-2023"


def test_a_named_year_keeps_to_its_stories(dated_bot: Bot) -> None:
    assert _docs(dated_bot, "How many visitors came to the harbour festival in 2022?", date(2024, 1, 1)) == [
        "festival-2022"
    ]


def test_undated_texts_are_seen_unless_the_span_counts_from_the_day_asked(dated_bot: Bot) -> None:
    query = make_query("Who is Maria Kalesnikava?", dated_bot.catalog())
    hits = dated_bot.retriever.search(query, when=window("Who is Maria Kalesnikava?", date(2020, 1, 1)))
    assert hits and hits[0].chunk.entity == "Maria Kalesnikava"
    # A bio says nothing of when: it cannot answer for "this week".
    named = dated_bot.retriever.search(query, when=window("this week", date(2024, 1, 1)))
    assert all(h.chunk.published for h in named)
    # It may well tell of a year, though: the undated seed story is about 2020.
    in_year = dated_bot.retriever.search(query, when=window("in 2020", date(2024, 1, 1)))
    assert in_year and in_year[0].chunk.entity == "Maria Kalesnikava"


def test_before_an_event_is_before_the_story_about_it(dated_bot: Bot) -> None:
    answer = dated_bot.ask("Before the 2023 harbour festival, how many visitors came?", as_of=date(2024, 1, 1))
    assert "40,000" in answer.text and "55,000" not in answer.text


def test_ask_as_of_answers_from_what_was_published_then(dated_bot: Bot) -> None:
    question = "how many people visited the harbour festival"
    assert "40,000" in dated_bot.ask(question, as_of=date(2022, 12, 31)).text
    assert "55,000" in dated_bot.ask(question).text
    assert dated_bot.ask(question, as_of=date(2021, 1, 1)).refused
