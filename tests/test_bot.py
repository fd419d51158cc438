import json

import pytest
from chromadb.api import ClientAPI

import bot as package
from bot import Bot, InputError, Settings, UnknownStoryError, build_bot
from bot.bot import nearest_story
from bot.conversation import clean_question


def test_public_api_is_small_and_explicit() -> None:
    assert set(package.__all__) == {
        "Answer",
        "Bot",
        "BotError",
        "Chunk",
        "Citation",
        "ConfigError",
        "CorpusError",
        "Hit",
        "IndexNotReadyError",
        "InputError",
        "ModelError",
        "Settings",
        "UnknownStoryError",
        "build_bot",
    }
    assert all(hasattr(package, name) for name in package.__all__)


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "the question is empty"),
        ("   \n\t ", "the question is empty"),
        ("x" * 1001, "the question is 1001 characters long; the limit is 1000"),
        ("Who is\x00 Lukashenko?", "control characters"),
        ("Who is\u202e Lukashenko?", "control characters"),
        ("Who is\x1b[31m Lukashenko?", "control characters"),
        (None, "the question must be text"),
    ],
)
def test_bad_questions_get_a_clear_message(fake_bot: Bot, question: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        fake_bot.ask(question)  # type: ignore[arg-type]


def test_unknown_story_is_named(fake_bot: Bot) -> None:
    with pytest.raises(
        UnknownStoryError, match="unknown story id 'sport'; known stories include: belarus-prisoners-released"
    ):
        fake_bot.ask("Who is Lukashenko?", story="sport")


def test_answer_json_has_exactly_the_documented_fields(fake_bot: Bot) -> None:
    answer = fake_bot.ask("How many political prisoners did Belarus release?")
    data = json.loads(json.dumps(answer.to_dict()))
    assert set(data) == {"text", "sentences", "citations", "refused", "reason", "suggestions", "note"}
    documented = {"number", "chunk_id", "story_id", "section", "entity", "title", "url", "quote"}
    assert set(data["citations"][0]) == documented | {"published", "updated", "correction"}
    assert data["citations"][0]["number"] == 1 and "[1]" in data["text"]
    assert data["sentences"][0]["citations"] == [1] and data["sentences"][0]["text"] in data["text"].replace(" [1]", "")


def test_every_sentence_carries_a_marker_and_quotes_are_exact(fake_bot: Bot) -> None:
    answer = fake_bot.ask("Why did Belarus release opposition leaders now?")
    assert not answer.refused
    chunks = {c.id: c for c in fake_bot.index.snapshot().chunks}
    for citation in answer.citations:
        assert citation.quote in chunks[citation.chunk_id].text
    for sentence in answer.text.split(". "):
        assert "[" in sentence


def test_refusal_names_what_is_missing_and_suggests_questions(fake_bot: Bot) -> None:
    answer = fake_bot.ask("What did the EU say about the release?")
    assert answer.refused and not answer.citations
    assert answer.text.startswith("The sources here don't say.")
    assert "“EU”" in answer.text and "Why Did Belarus Release Opposition Leaders Now?" in answer.text


ZOO_STORY = """---
id: zoo-escape
title: A zebra escapes from the city zoo
---

## What's happened

A zebra escaped from the city zoo on Friday and was caught two hours later near the river.

## Common questions

### When Did The Zebra Escape From The Zoo?

The zebra escaped from the city zoo on Friday.
"""


def test_a_refusal_across_all_stories_suggests_the_nearest_story_s_questions(
    settings: Settings, chroma: ClientAPI
) -> None:
    (settings.corpus_dir / "stories" / "zoo.md").write_text(ZOO_STORY, encoding="utf-8")
    bot = build_bot(settings, chroma_client=chroma)
    bot.index_corpus()
    stories = bot.catalog().stories
    # Belarus comes first among all stories' questions; the zoo story is the one this question is near.
    trace = bot.trace("What did Gerald Finch, the head keeper, say about the zebra at the zoo?", [])
    assert nearest_story(trace.hits, stories) == "zoo-escape"
    trace = bot.trace("What did Gerald Finch say about Lukashenko and the prisoners?", [])
    assert nearest_story(trace.hits, stories) == "belarus-prisoners-released"
    answer = bot.ask("What did Gerald Finch say about Lukashenko and the prisoners?")
    assert answer.refused and answer.suggestions and all("Belarus" in q for q in answer.suggestions)


def test_emoji_and_soft_hyphens_are_not_control_characters(fake_bot: Bot) -> None:
    answer = fake_bot.ask("Who is Luka\u00adshenko? 👨\u200d👩\u200d👧")
    assert not answer.refused and "Lukashenko" in answer.text  # the soft hyphen is not a word break


def test_format_characters_alone_are_an_empty_question_and_zero_width_spaces_part_words() -> None:
    for invisible in ("\u200b", "\u00ad\u00ad", " \u2060 "):
        with pytest.raises(InputError, match="empty"):
            clean_question(invisible, 500)
    assert clean_question("Who\u200bis Lukashenko?", 500) == "Who is Lukashenko?"
