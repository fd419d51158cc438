from __future__ import annotations

from pathlib import Path

from chromadb.api import ClientAPI

from bot import Settings, build_bot
from bot.bench.data import load_articles, load_questions, load_rgb
from bot.bench.tuning import THRESHOLDS, WEIGHTS, fusion_sweep, threshold_sweep, variant
from bot.bot import Bot
from bot.types import Corpus


def _bot(tmp_path: Path, chroma: ClientAPI, corpus: Corpus, name: str) -> Bot:
    settings = Settings(corpus_dir=tmp_path, index_dir=tmp_path / name, embedding_model="fake")
    bot = build_bot(settings)  # its own Chroma: bots sharing a collection would delete each other's vectors
    bot.index.build(corpus)
    return bot


def test_a_variant_shares_the_index_and_changes_only_what_is_asked(fake_bot: Bot) -> None:
    strict = variant(fake_bot, min_coverage=1.0)
    assert strict.index is fake_bot.index and strict.settings.min_coverage == 1.0
    assert fake_bot.settings.min_coverage == 0.5
    question = "Why did Belarus release opposition leaders now?"
    assert not fake_bot.ask(question).refused
    assert strict.ask(question).refused  # no passage holds every key term


def test_sweeps_report_every_setting(eval_dir: Path, tmp_path: Path, chroma: ClientAPI) -> None:
    bot = _bot(tmp_path, chroma, load_articles(eval_dir), "main")
    questions = load_questions(eval_dir)
    answerable = [q for q in questions if q.answer_in_articles]
    fusion = fusion_sweep(bot, answerable)
    assert len(fusion) == 2 * len(WEIGHTS)
    assert fusion["lexical=1,dense=1,per_section=2"]["recall@5"] == 1.0
    counter = iter(range(100))
    rows = threshold_sweep(
        bot, answerable, questions, lambda c: _bot(tmp_path, chroma, c, f"r{next(counter)}"), load_rgb(eval_dir)
    )
    assert list(rows) == [f"min_coverage={t:g}" for t in THRESHOLDS]
    assert rows["min_coverage=0.5"]["rtqa_answer_in_articles"]["accuracy"] == 1.0
    assert rows["min_coverage=0.5"]["rgb_negative_rejection"] == 1.0
    refused = [rows[f"min_coverage={t:g}"]["rtqa_all"]["refused"] for t in THRESHOLDS]
    assert refused == sorted(refused)  # a higher bar never answers more
