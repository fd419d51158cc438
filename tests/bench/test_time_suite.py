"""The time suite (bench/time/): its question halves, its corpus, and the index it builds (fake embeddings)."""

from __future__ import annotations

from pathlib import Path

from chromadb.api import ClientAPI

from bench.time import suite
from bot import Bot, Settings, build_bot
from bot.corpus import load_corpus
from bot.editor.checks import Result, load_cases
from bot.types import Answer, Citation


def test_the_halves_hold_at_least_30_dated_questions_and_some_refusals() -> None:
    halves = {path.stem: load_cases(path) for path in suite.HALVES}
    assert set(halves) == {"dev", "test"}
    assert sum(len(cases) for cases in halves.values()) >= 30
    for cases in halves.values():
        assert all(case.as_of is not None for case in cases)
        assert 3 <= sum(case.refused is True for case in cases) <= 5
    dev, test = ({c.question.casefold() for c in cases} for cases in halves.values())
    assert not dev & test  # the test half is its own questions


def test_every_versioned_story_is_in_the_corpus_with_an_updated_date() -> None:
    corpus = {s.id: s for s in load_corpus([suite.CORPUS]).stories}
    versions = suite.earlier_versions()
    assert versions
    for item in versions:
        assert corpus[item].updated and corpus[item].published and corpus[item].updated > corpus[item].published


def _fake_maker(chroma: ClientAPI, settings: Settings) -> suite.MakeBot:
    def make(corpus: Path, index: Path) -> Bot:
        return build_bot(settings.with_changes(corpus_dir=corpus, index_dir=index), chroma_client=chroma)

    return make


def test_build_publishes_each_version_and_serves_only_the_current(
    tmp_path: Path, chroma: ClientAPI, settings: Settings
) -> None:
    bot, published = suite.build(_fake_maker(chroma, settings), tmp_path / "work")
    assert published == ["turkey-syria-earthquake: created", "turkey-syria-earthquake: updated"]
    assert len(bot.catalog().stories) == len(load_corpus([suite.CORPUS]).stories)
    kept = list((tmp_path / "work" / "history" / "turkey-syria-earthquake").glob("*-replaced.md"))
    assert len(kept) == 1 and "more than 4,000 people" in kept[0].read_text(encoding="utf-8")
    texts = [c.text for c in bot.index.snapshot().chunks]
    assert any("47,000" in t for t in texts)
    assert not any("more than 4,000 people" in t for t in texts)


def test_a_quote_only_the_earlier_version_holds_is_stale() -> None:
    def result(quote: str) -> Result:
        citation = Citation(1, "c", "turkey-syria-earthquake", "What's happened", None, "Earthquakes", None, quote)
        return Result(load_cases(suite.HALVES[0])[0], Answer(citations=[citation]))

    old = "By Monday evening more than 4,000 people had been killed in the two countries"
    assert suite.stale_quotes(result(old)) == [old]
    assert suite.stale_quotes(result("By 21 February the death toll had passed 47,000 in the two countries")) == []
    assert suite.stale_quotes(result("A magnitude 7.8 earthquake struck southern Turkey")) == []  # in both
