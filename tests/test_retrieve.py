import pytest

from bot import Bot, UnknownStoryError
from bot.retrieve import make_query


def test_alias_expansion_finds_the_other_spelling(fake_bot: Bot) -> None:
    query = make_query("Who is Kolesnikova?", fake_bot.catalog())
    assert [b.id for b in query.entities] == ["maria-kalesnikava"]
    assert "kalesnikava" in query.terms
    hits = fake_bot.retriever.search(query)
    assert hits[0].chunk.entity == "Maria Kalesnikava"


def test_cyrillic_alias_finds_the_bio(fake_bot: Bot) -> None:
    hits = fake_bot.retriever.search(make_query("Кто такой Алесь Віктаравіч Бяляцкі?", fake_bot.catalog()))
    assert hits[0].chunk.entity == "Ales Bialiatski"


def test_story_filter_and_unknown_story(fake_bot: Bot) -> None:
    query = make_query("political prisoners", fake_bot.catalog())
    hits = fake_bot.retriever.search(query, story="belarus-prisoners-released")
    assert hits and all("belarus-prisoners-released" in h.chunk.stories for h in hits)
    with pytest.raises(UnknownStoryError, match="unknown story id 'nope'"):
        fake_bot.retriever.search(query, story="nope")


def test_one_section_cannot_fill_every_slot(fake_bot: Bot) -> None:
    fake_bot.retriever.per_section = 1
    hits = fake_bot.retriever.search(make_query("Belarus sanctions prisoners", fake_bot.catalog()), k=5)
    groups = [(h.chunk.doc_id, h.chunk.section) for h in hits]
    assert len(groups) == len(set(groups)) == 5
