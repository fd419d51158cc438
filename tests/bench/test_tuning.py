from __future__ import annotations

from pathlib import Path

import pytest
from chromadb.api import ClientAPI

from bench.data import load_articles, load_questions, load_rgb
from bench.tuning import CHUNKINGS, THRESHOLDS, WEIGHTS, chunk_sweep, fusion_sweep, threshold_sweep, variant
from bot import Settings, build_bot
from bot.bot import Bot
from bot.types import Corpus


def _bot(tmp_path: Path, chroma: ClientAPI, corpus: Corpus, name: str) -> Bot:
    settings = Settings(corpus_dir=tmp_path, index_dir=tmp_path / name, embedding_model="fake")
    bot = build_bot(settings)  # its own Chroma: bots sharing a collection would delete each other's vectors
    bot.index.build(corpus)
    return bot


def test_a_variant_shares_the_index_and_changes_only_what_is_asked(fake_bot: Bot) -> None:
    strict = variant(fake_bot, reader_threshold=1.0)
    assert strict.index is fake_bot.index and strict.settings.reader_threshold == 1.0
    assert fake_bot.settings.reader_threshold is None and strict.reader.model.threshold == 1.0
    question = "How many political prisoners did Belarus release?"
    assert not fake_bot.ask(question).refused
    assert strict.ask(question).refused  # no sentence is certain


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
    assert list(rows) == [f"reader_threshold={t:g}" for t in THRESHOLDS]
    assert set(rows["reader_threshold=0.5"]) >= {"rtqa_answer_in_articles", "rgb_negative_rejection"}
    refused = [rows[f"reader_threshold={t:g}"]["rtqa_all"]["refused"] for t in THRESHOLDS]
    assert refused == sorted(refused)  # a higher bar never answers more


def test_the_chunk_sweep_rebuilds_per_chunking_beside_the_baseline(eval_dir: Path, tmp_path: Path) -> None:
    corpus = load_articles(eval_dir)
    answerable = [q for q in load_questions(eval_dir) if q.answer_in_articles]
    built: list[tuple[int, int]] = []

    def make_bot(chars: int, overlap: int) -> Bot:
        built.append((chars, overlap))
        settings = Settings(
            corpus_dir=tmp_path,
            index_dir=tmp_path / f"c{chars}-{overlap}",
            embedding_model="fake",
            chunk_chars=chars,
            chunk_overlap=overlap,
        )
        bot = build_bot(settings)
        bot.index.build(corpus)
        return bot

    rows = chunk_sweep(make_bot, answerable, lambda q, k: ["acting speaker Patrick McHenry", "every 437 years"][:k])
    assert built == list(CHUNKINGS)
    assert rows["baseline"]["recall@1"] == 0.5 and rows["baseline"]["recall@5"] == 1.0
    for chars, overlap in CHUNKINGS:
        row = rows[f"chars={chars},overlap={overlap}"]
        assert row["recall@5"] == 1.0 and row["chunks"] == 3
    if any(rows[f"chars={c},overlap={o}"]["answers"]["accuracy"] != 1.0 for c, o in CHUNKINGS):
        # Known failure (issue 17): the lexical reader (fake embeddings) refuses the comet question.
        pytest.xfail("the lexical reader refuses one of the two answerable smoke questions")
