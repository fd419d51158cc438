from bot import Bot
from bot.answer import ExtractiveAnswerer, question_type
from bot.retrieve import make_query


def test_question_types() -> None:
    assert question_type("When was he born?") == "when"
    assert question_type("Why did Belarus release them now?") == "why"
    assert question_type("How many prisoners were freed?") == "how_many"
    assert question_type("Who is Lukashenko?") == "who"


def test_extractive_quotes_exact_sentences_of_the_hits(fake_bot: Bot) -> None:
    query = make_query("How many political prisoners did Belarus release?", fake_bot.catalog())
    hits = fake_bot.retriever.search(query)
    draft = ExtractiveAnswerer().draft(query, hits, fake_bot._idf(fake_bot.catalog()))
    assert 1 <= len(draft.sentences) <= 3
    for sentence in draft.sentences:
        (source,) = sentence.sources
        assert sentence.quotes == (sentence.text,)
        assert sentence.text in hits[source].chunk.text
    assert "123" in draft.sentences[0].text
