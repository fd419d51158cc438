"""The evaluation material in `../shared/eval/`: RealTimeQA articles and questions, RGB items."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bot.corpus import load_corpus
from bot.errors import InputError
from bot.types import Corpus


@dataclass(frozen=True)
class Question:
    """A RealTimeQA quiz question: asked without its choices; `answer` is the correct choice's text."""

    id: str
    question: str
    answer: str
    answer_in_articles: bool
    article_ids: tuple[str, ...]
    # The quiz's date: the questions are asked as of it ("this week" is the week before it).
    date: str | None = None


@dataclass(frozen=True)
class RgbItem:
    """An RGB `en_fact` item: a query, its answer(s) and passages that do, do not, or falsely support it."""

    query: str
    answers: tuple[str, ...]
    positive: tuple[str, ...]
    negative: tuple[str, ...]
    positive_wrong: tuple[str, ...]
    fake_answers: tuple[str, ...]


def _lines(path: Path) -> list[dict[str, object]]:
    if not path.is_file():
        raise InputError(f"evaluation file not found: {path} (the benchmarks read ../shared/eval/)")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def articles_path(eval_dir: Path) -> Path:
    """Where the RealTimeQA articles are."""
    return eval_dir / "realtimeqa" / "articles.jsonl"


def load_articles(eval_dir: Path) -> Corpus:
    """All RealTimeQA articles as one Storybot corpus (through the product's own loader)."""
    path = articles_path(eval_dir)
    if not path.is_file():
        raise InputError(f"evaluation file not found: {path} (the benchmarks read ../shared/eval/)")
    return load_corpus([path])


def load_questions(eval_dir: Path) -> list[Question]:
    """The RealTimeQA dev questions."""
    return [
        Question(
            id=str(r["id"]),
            question=str(r["question"]),
            answer=str(r["answer"]),
            answer_in_articles=bool(r["answer_in_articles"]),
            article_ids=tuple(r["article_ids"]),  # type: ignore[arg-type]
            date=str(r["date"])[:10] if r.get("date") else None,
        )
        for r in _lines(eval_dir / "realtimeqa" / "questions-dev.jsonl")
    ]


def _strings(value: object) -> tuple[str, ...]:
    # RGB answers are a string, a list of alternatives, or a list of lists of alternatives.
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(s for v in value for s in _strings(v))
    return ()


def load_rgb(eval_dir: Path) -> list[RgbItem]:
    """The RGB `en_fact` dev items."""
    return [
        RgbItem(
            query=str(r["query"]),
            answers=_strings(r.get("answer")),
            positive=_strings(r.get("positive")),
            negative=_strings(r.get("negative")),
            positive_wrong=_strings(r.get("positive_wrong")),
            fake_answers=_strings(r.get("fakeanswer")),
        )
        for r in _lines(eval_dir / "rgb" / "en_fact-dev.jsonl")
    ]
