"""A small story made for the editor tests: one suggested question it answers, one it cannot."""

from pathlib import Path

import pytest
from chromadb.api import ClientAPI

from bot import Bot, Settings, build_bot

BUDGET_STORY = """---
id: city-budget
title: Council approves the city budget
published: 2026-11-20
url: https://news.example/city-budget
---

## What's happened

The city council approved a budget of 40 million euros for new tram lines on Tuesday. The vote passed by 31 votes to 12.

## Common questions

### How much will the city spend on tram lines?

The budget sets aside money for new tram lines.

### Who will be the next mayor?

The election campaign starts in spring.
"""


@pytest.fixture
def budget_corpus(corpus_dir: Path) -> Path:
    """The seed corpus plus the budget story."""
    (corpus_dir / "stories" / "city-budget.md").write_text(BUDGET_STORY, encoding="utf-8")
    return corpus_dir


@pytest.fixture
def editor_bot(settings: Settings, chroma: ClientAPI, budget_corpus: Path) -> Bot:
    bot = build_bot(settings, chroma_client=chroma)
    bot.index_corpus()
    return bot
