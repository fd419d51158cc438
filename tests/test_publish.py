"""Publishing without HTTP: an answer in flight when its story is taken down, bios that listed it, history."""

from __future__ import annotations

import threading
from collections.abc import Generator
from pathlib import Path

from bot import Bot, Settings, build_bot
from bot.answer import Answerer
from bot.publish import Publisher
from bot.retrieve import Query
from bot.scoring import Idf
from bot.types import Answer, Draft, Hit

SEED = "belarus-prisoners-released"


class HeldAnswerer:
    """Drafts with the reader, but holds its first draft until released: an answer still in flight."""

    def __init__(self, inner: Answerer) -> None:
        self.inner = inner
        self.entered = threading.Event()
        self.release = threading.Event()

    def draft(self, query: Query, hits: list[Hit], idf: Idf) -> Draft:
        if not self.entered.is_set():
            self.entered.set()
            assert self.release.wait(timeout=30)
        return self.inner.draft(query, hits, idf)

    def stream(self, query: Query, hits: list[Hit], idf: Idf) -> Generator[str, None, Draft]:
        yield from ()
        return self.draft(query, hits, idf)

    def complete(self, prompt: str) -> str | None:
        return None


def test_an_answer_in_flight_during_a_takedown_does_not_cite_it(fake_bot: Bot) -> None:
    question = "How many political prisoners did Belarus release?"
    assert SEED in {c.story_id for c in fake_bot.ask(question).citations}
    held = HeldAnswerer(fake_bot.reader)
    fake_bot.answerer = held
    answers: list[Answer] = []
    asker = threading.Thread(target=lambda: answers.append(fake_bot.ask(question)))
    asker.start()
    assert held.entered.wait(timeout=30)  # its passages were found on the snapshot that holds the story
    Publisher(fake_bot, fake_bot.settings.corpus_dir, fake_bot.settings.index_dir / "history").take_down("story", SEED)
    held.release.set()
    asker.join()
    assert SEED not in {c.story_id for c in answers[0].citations}


def test_profiles_that_listed_a_withdrawn_story_keep_indexing(fake_bot: Bot) -> None:
    people = fake_bot.settings.corpus_dir / "people"
    listing = [p for p in people.glob("*.md") if SEED in p.read_text(encoding="utf-8")]
    assert listing  # the seed's profiles name their story
    publisher = Publisher(fake_bot, fake_bot.settings.corpus_dir, fake_bot.settings.index_dir / "history")
    publisher.take_down("story", SEED)
    report = fake_bot.index_corpus()
    assert not fake_bot.catalog().stories
    assert any("unknown story ids: " + SEED in line for line in report.flagged)


def test_readers_keep_being_answered_while_this_process_publishes(tmp_path: Path, corpus_dir: Path) -> None:
    # On disk, as served: a reader reloading a snapshot this process built must not pull the vector
    # store's client from under the build that is still deleting the old snapshot's vectors.
    bot = build_bot(
        Settings(corpus_dir=corpus_dir, index_dir=tmp_path / "index", embedding_model="fake").with_changes(
            conversations_url=f"sqlite:///{tmp_path / 'conversations.sqlite3'}"
        )
    )
    bot.index_corpus()
    publisher = Publisher(bot, corpus_dir, tmp_path / "history")
    seed = (corpus_dir / "stories" / f"{SEED}.md").read_text(encoding="utf-8")
    failures: list[BaseException] = []
    stop = threading.Event()

    def keep_asking() -> None:
        while not stop.is_set():
            try:
                bot.ask("How many political prisoners did Belarus release?")
            except BaseException as exc:  # reported below
                failures.append(exc)
                return

    reader = threading.Thread(target=keep_asking)
    reader.start()
    try:
        for count in map(str, range(124, 136)):
            publisher.put("story", SEED, seed.replace("123", count))
    finally:
        stop.set()
        reader.join()
    assert not failures, failures[0]
    assert "135" in bot.ask("How many political prisoners did Belarus release?").text
