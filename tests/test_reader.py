"""The reader: sentence candidates, refusal by threshold, whole sentences only."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot import Answer, Bot
from bot.reader import Reader
from bot.retrieve import make_query


def test_reader_quotes_exact_sentences_of_the_hits(fake_bot: Bot) -> None:
    query = make_query("How many political prisoners did Belarus release?", fake_bot.catalog())
    hits = fake_bot.retriever.search(query)
    draft = fake_bot.reader.draft(query, hits, fake_bot.idf())
    assert 1 <= len(draft.sentences) <= 3
    for sentence in draft.sentences:
        (source,) = sentence.sources
        assert sentence.quotes[0] in hits[source].chunk.text
    assert any("123" in s.text for s in draft.sentences)


def test_the_reader_streams_no_text_before_its_draft(fake_bot: Bot) -> None:
    question = "How many political prisoners did Belarus release?"
    query = make_query(question, fake_bot.catalog())
    hits = fake_bot.retriever.search(query)
    stream = fake_bot.reader.stream(query, hits, fake_bot.idf())
    with pytest.raises(StopIteration) as done:
        next(stream)
    assert done.value.value == fake_bot.reader.draft(query, hits, fake_bot.idf())
    events = list(fake_bot.ask_stream(question))
    assert len(events) == 1 and isinstance(events[0], Answer) and "123" in events[0].text


def test_reader_declines_when_nothing_clears_the_threshold(fake_bot: Bot) -> None:
    query = make_query("How many political prisoners did Belarus release?", fake_bot.catalog())
    hits = fake_bot.retriever.search(query)
    strict = Reader(replace(fake_bot.reader.model, threshold=1.0), places=fake_bot.places)
    assert strict.draft(query, hits, fake_bot.idf()).declined


def test_still_and_next_must_be_matched_by_the_quote(fake_bot: Bot) -> None:
    """'Is X still …' is not answered by a sentence that says what X was."""
    catalog = fake_bot.catalog()
    query = make_query("Is Lukashenko still the president of Belarus?", catalog)
    hits = fake_bot.retriever.search(query)
    draft = Reader(replace(fake_bot.reader.model, threshold=0.0), places=fake_bot.places).draft(
        query, hits, fake_bot.idf()
    )
    for sentence in draft.sentences:
        assert any(cue in sentence.text.lower() for cue in ("still", "continu", "remain", "will", "current"))


def test_scores_are_probabilities_best_first(fake_bot: Bot) -> None:
    query = make_query("Who is Ales Bialiatski?", fake_bot.catalog())
    ranked = fake_bot.reader.score(query, fake_bot.retriever.search(query), fake_bot.idf())
    probabilities = [c.probability for c in ranked]
    assert probabilities == sorted(probabilities, reverse=True)
    assert all(0.0 <= p <= 1.0 for p in probabilities)
