"""A tiny evaluation folder in the real formats, so the harness runs end to end with the fake model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ARTICLES = [
    {
        "id": "a1",
        "title": "Speaker ousted",
        "url": "https://news.example/a1",
        "source": "news.example",
        "published": "2023-10-04",
        "text": "The House voted to remove Kevin McCarthy as speaker. No speaker had been removed that way "
        "before. Patrick McHenry became the acting speaker of the House.",
    },
    {
        "id": "a2",
        "title": "Comet seen over Chile",
        "url": "https://news.example/a2",
        "source": "news.example",
        "published": "2023-10-05",
        "text": "Astronomers in Chile photographed comet Nishimura. The comet returns every 437 years.",
    },
    {
        "id": "a3",
        "title": "Bakery wins prize",
        "url": "https://news.example/a3",
        "source": "news.example",
        "published": "2023-10-06",
        "text": "A bakery in Lyon won the national bread prize for its baguette.",
    },
]
QUESTIONS = [
    {
        "id": "q1",
        "date": "2023-10-06",
        "source": "TEST",
        "question": "Who became the acting speaker of the House after McCarthy was removed?",
        "choices": ["Patrick McHenry", "Mike Johnson", "Jim Jordan", "Steve Scalise"],
        "answer": "Patrick McHenry",
        "answer_in_articles": True,
        "article_ids": ["a1"],
    },
    {
        "id": "q2",
        "date": "2023-10-06",
        "source": "TEST",
        "question": "How often does comet Nishimura return?",
        "choices": ["every 437 years", "every 76 years", "every 10 years", "never"],
        "answer": "every 437 years",
        "answer_in_articles": True,
        "article_ids": ["a2"],
    },
    {
        "id": "q3",
        "date": "2023-10-06",
        "source": "TEST",
        "question": "Which city hosted the 2023 chess olympiad?",
        "choices": ["Budapest", "Chennai", "Baku", "Oslo"],
        "answer": "Budapest",
        "answer_in_articles": False,
        "article_ids": [],
    },
]
RGB = [
    {
        "id": 0,
        "query": "Who won the 2021 Tour de France?",
        "answer": ["Tadej Pogacar"],
        "fakeanswer": "Egan Bernal",
        "positive": ["Tadej Pogacar won the 2021 Tour de France, his second overall victory."],
        "positive_wrong": ["Egan Bernal won the 2021 Tour de France, his second overall victory."],
        "negative": [
            "The 2021 Giro d'Italia started in Turin in May.",
            "Tickets for the cycling museum in Lyon are on sale.",
        ],
    }
]


@pytest.fixture
def eval_dir(tmp_path: Path) -> Path:
    """`realtimeqa/` and `rgb/` with a few items each, laid out like ../shared/eval."""
    root = tmp_path / "eval"
    (root / "realtimeqa").mkdir(parents=True)
    (root / "rgb").mkdir()
    for name, rows in (
        ("realtimeqa/articles.jsonl", ARTICLES),
        ("realtimeqa/questions-dev.jsonl", QUESTIONS),
        ("rgb/en_fact-dev.jsonl", RGB),
    ):
        (root / name).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return root
