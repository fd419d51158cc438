"""Choosing defaults by measurement: fusion weights and the refusal threshold, swept on dev data only."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from bench import quality
from bench.data import Question, RgbItem
from bot.bot import Bot
from bot.reader import Reader
from bot.retrieve import Retriever
from bot.types import Corpus

WEIGHTS = ((1.0, 1.0), (1.0, 0.0), (0.0, 1.0), (1.0, 2.0), (2.0, 1.0))
THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
# (window characters, overlapping sentences); (800, 1) is the default under test.
CHUNKINGS = ((400, 1), (800, 0), (800, 1), (1200, 1), (1600, 1))


def variant(bot: Bot, retriever: Retriever | None = None, **settings: Any) -> Bot:
    """The same index and models with another retriever or other settings: no re-indexing."""
    reader = bot.reader
    if settings.get("reader_threshold") is not None:
        model = replace(reader.model, threshold=settings["reader_threshold"])
        reader = Reader(model, embeddings=reader.embeddings, places=bot.places, lexicon=bot.lexicon)
    answerer = reader if bot.answerer is bot.reader else bot.answerer
    return Bot(
        bot.settings.with_changes(**settings),
        bot.index,
        retriever or bot.retriever,
        answerer,
        bot.condenser,
        reader,
        bot.places,
        bot.lexicon,
        bot.faithfulness,
    )


def fusion_sweep(bot: Bot, questions: Sequence[Question]) -> dict[str, Any]:
    """Answer recall@k for (lexical, dense) RRF weights and for one or two hits per section."""
    rows: dict[str, Any] = {}
    for lexical, dense in WEIGHTS:
        for per_section in (1, 2):
            retriever = Retriever(bot.index, lexical_weight=lexical, dense_weight=dense, per_section=per_section)
            tuned = variant(bot, retriever)
            name = f"lexical={lexical:g},dense={dense:g},per_section={per_section}"
            rows[name] = quality.recall_at_k(_passages_of(tuned), questions)
    return rows


def chunk_sweep(
    make_bot: Callable[[int, int], Bot], questions: Sequence[Question], baseline: Callable[[str, int], list[str]]
) -> dict[str, Any]:
    """Answer recall@k and extractive accuracy for each chunk size and overlap, beside the baseline's."""
    rows: dict[str, Any] = {"baseline": quality.recall_at_k(lambda q, k: baseline(q.question, k), questions)}
    for chars, overlap in CHUNKINGS:
        bot = make_bot(chars, overlap)
        row = quality.recall_at_k(_passages_of(bot), questions)
        row["chunks"] = len(bot.index.snapshot().chunks)
        row["answers"] = quality.answer_figures([quality.ask_storybot(bot, q.question, (q.answer,)) for q in questions])
        rows[f"chars={chars},overlap={overlap}"] = row
    return rows


def _passages_of(bot: Bot, dated: bool = False) -> Callable[[Question, int], list[str]]:
    return lambda q, k: quality.storybot_passages(bot, q.question, k, q.date if dated else None)


# Half-lives (days) of the preference for newer stories that the recency sweep compares; None is none.
HALF_LIVES = (None, 30.0, 90.0, 365.0, 1095.0)


def recency_sweep(bot: Bot, answerable: Sequence[Question]) -> dict[str, Any]:
    """Answer recall@k and extractive accuracy, asked as of each quiz's date and without, for each
    half-life of the preference for newer stories (`Retriever.half_life`)."""
    rows: dict[str, Any] = {}
    for half_life in HALF_LIVES:
        tuned = variant(bot, Retriever(bot.index, half_life=half_life))
        for dated in (False, True):
            row = quality.recall_at_k(_passages_of(tuned, dated), answerable)
            asked = [
                quality.ask_storybot(tuned, q.question, (q.answer,), q.date if dated else None) for q in answerable
            ]
            row["answers"] = quality.answer_figures(asked)
            rows[f"half_life={half_life},as_of={'quiz date' if dated else 'none'}"] = row
    return rows


def threshold_sweep(
    bot: Bot,
    answerable: Sequence[Question],
    everything: Sequence[Question],
    make_bot: Callable[[Corpus], Bot],
    rgb: Sequence[RgbItem],
) -> dict[str, Any]:
    """Accuracy and refusals on RealTimeQA, and RGB rejection and accuracy, for each refusal threshold."""
    rgb_bots = [
        (
            item,
            make_bot(quality.passages_corpus(item.negative, f"cal{n}-neg")),
            make_bot(quality.passages_corpus([*item.positive, *item.negative], f"cal{n}-mix")),
        )
        for n, item in enumerate(rgb)
    ]
    rows: dict[str, Any] = {}
    for t in THRESHOLDS:
        tuned = variant(bot, reader_threshold=t)
        row: dict[str, Any] = {
            "rtqa_answer_in_articles": quality.answer_figures(
                [quality.ask_storybot(tuned, q.question, (q.answer,)) for q in answerable]
            ),
            "rtqa_all": quality.answer_figures(
                [quality.ask_storybot(tuned, q.question, (q.answer,)) for q in everything]
            ),
        }
        if rgb_bots:
            rejected = [
                quality.ask_storybot(variant(neg, reader_threshold=t), i.query, i.answers).refused
                for i, neg, _ in rgb_bots
            ]
            accurate = [
                quality.ask_storybot(variant(mix, reader_threshold=t), i.query, i.answers).correct
                for i, _, mix in rgb_bots
            ]
            row["rgb_negative_rejection"] = quality.share(rejected)
            row["rgb_noise_accuracy"] = quality.share(accurate)
        rows[f"reader_threshold={t:g}"] = row
    return rows
