"""Suggested questions are checked as the story is indexed; readers are offered only those that pass,
editors' approved questions among them."""

import json
from pathlib import Path

import pytest
from chromadb.api import ClientAPI
from fastapi.testclient import TestClient

from bot import Bot, Settings, build_bot
from bot.api import create_api
from bot.offers import Offers
from bot.suggestions import Verdict

STORY = "city-budget"
ANSWERED = "How much will the city spend on tram lines?"
REFUSED = "Who will be the next mayor?"


@pytest.fixture
def configured(settings: Settings, tmp_path: Path, budget_corpus: Path) -> Settings:
    return settings.with_changes(conversations_url=f"sqlite:///{tmp_path / 'conversations.sqlite3'}")


@pytest.fixture
def bot(configured: Settings, chroma: ClientAPI) -> Bot:
    built = build_bot(configured, chroma_client=chroma)
    built.index_corpus()
    return built


def never(question: str, story: str) -> bool:
    raise AssertionError(f"a reader's request checked {question!r} of {story}")


def test_indexing_checks_every_suggested_question_and_keeps_the_verdicts(
    bot: Bot, configured: Settings, chroma: ClientAPI
) -> None:
    (kept,) = (configured.index_dir / "offers").glob("*.json")
    verdicts = {(v["story"], v["question"]): v["passes"] for v in json.loads(kept.read_text())["verdicts"]}
    assert verdicts[(STORY, ANSWERED)] is True and verdicts[(STORY, REFUSED)] is False
    # A server started on this index (a new Bot, nothing in memory) looks the verdicts up, asking nothing.
    server = build_bot(configured, chroma_client=chroma)
    server.offers = Offers(never, configured.index_dir / "offers")
    assert server.suggested_questions(STORY) == [ANSWERED]
    assert server.ask("Who won the football match?", story=STORY).suggestions == (ANSWERED,)


def test_a_question_left_unchecked_is_checked_once_and_keeps_the_readers_trace(bot: Bot) -> None:
    bot.offers = Offers(bot.offers.passes)  # nothing kept: as if the index's checks were never written
    bot.ask("When did the council vote?", story=STORY)
    trace = bot.last_trace
    assert bot.suggested_questions(STORY) == [ANSWERED]
    assert bot.last_trace is trace


def test_editors_approved_questions_are_offered_and_a_rewording_stands_in_place(bot: Bot) -> None:
    key = bot.offers_key(bot.index.snapshot().name)
    bot.suggestions.save(STORY, "Who becomes mayor?", Verdict(True, (), key), replaces=REFUSED)
    bot.suggestions.save(STORY, "What did the vote decide?", Verdict(True, (), key))
    bot.suggestions.save(STORY, "Who is the mayor's dog?", Verdict(False, ("refused",), key))
    assert bot.suggested_questions(STORY) == [ANSWERED, "Who becomes mayor?", "What did the vote decide?"]
    stories = TestClient(create_api(bot, bot.settings)).get("/api/stories").json()
    budget = next(s for s in stories if s["id"] == STORY)
    assert [q["question"] for q in budget["questions"]] == bot.suggested_questions(STORY)
    assert budget["questions"][0]["teaser"] and budget["questions"][-1]["teaser"] == ""


def test_reindexing_a_changed_story_can_fail_an_editors_question_but_never_pass_one(
    bot: Bot, budget_corpus: Path
) -> None:
    old = "an-old-snapshot.0"
    bot.suggestions.save(STORY, "How many votes did the budget pass by?", Verdict(False, ("stale",), old))
    bot.suggestions.save(STORY, "Who is the mayor's dog?", Verdict(True, (), old))
    story = budget_corpus / "stories" / "city-budget.md"
    story.write_text(story.read_text(encoding="utf-8").replace("on Tuesday", "on Tuesday evening"), encoding="utf-8")
    bot.index_corpus()
    key = bot.offers_key(bot.index.snapshot().name)
    checked = {q.question: q.verdict for q in bot.suggestions.questions(STORY)}
    # Passing needs the Editor's fuller check (citations, quotes): indexing only asks "still answered?"
    assert checked["How many votes did the budget pass by?"] == Verdict(False, ("stale",), old)
    assert checked["Who is the mayor's dog?"].passed is False and checked["Who is the mayor's dog?"].checked_on == key
    assert "Who is the mayor's dog?" not in bot.suggested_questions(STORY)


def test_publishing_another_story_leaves_editors_verdicts_alone(bot: Bot, budget_corpus: Path) -> None:
    key = bot.offers_key(bot.index.snapshot().name)
    bot.suggestions.save(STORY, "Who is the mayor's dog?", Verdict(True, (), key))  # as the Editor judged it
    (budget_corpus / "stories" / "zoo.md").write_text(
        "---\nid: zoo\ntitle: Zoo\n---\n\n## What's happened\n\nA zebra escaped.\n", encoding="utf-8"
    )
    bot.index_corpus()
    (dog,) = [q for q in bot.suggestions.questions(STORY) if q.question == "Who is the mayor's dog?"]
    assert dog.verdict == Verdict(True, (), key)  # not asked again: its story did not change


def test_an_unreadable_store_leaves_the_storys_own_suggestions(
    settings: Settings, chroma: ClientAPI, budget_corpus: Path, tmp_path: Path
) -> None:
    (tmp_path / "garbage.sqlite3").write_bytes(b"not a database" * 100)
    broken = settings.with_changes(conversations_url=f"sqlite:///{tmp_path / 'garbage.sqlite3'}")
    bot = build_bot(broken, chroma_client=chroma)
    bot.index_corpus()  # indexing still works
    assert bot.suggested_questions(STORY) == [ANSWERED]


def test_a_question_the_bot_cannot_take_fails_its_check_and_the_index_still_builds(
    bot: Bot, budget_corpus: Path
) -> None:
    key = bot.offers_key(bot.index.snapshot().name)
    bot.suggestions.save(STORY, "Who\u202evoted?", Verdict(True, (), key))  # a direction override: refused
    story = budget_corpus / "stories" / "city-budget.md"
    story.write_text(story.read_text(encoding="utf-8").replace("31 votes", "32 votes"), encoding="utf-8")
    report = bot.index_corpus()
    assert bot.index.snapshot().name == report.snapshot  # the new index is live
    (odd,) = [q for q in bot.suggestions.questions(STORY) if q.question.startswith("Who\u202e")]
    assert not odd.verdict.passed and "control characters" in odd.verdict.reasons[0]
