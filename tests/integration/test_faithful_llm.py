"""The faithfulness check with the real encoder: an LLM's paraphrases survive, changed facts do not.

A fake chat model answers questions put in readers' words, citing the passage that holds the fact."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from seed import seed_copy

from bot import Bot, Settings, build_bot
from bot.faithful_train import load_pairs

ROOT = Path(__file__).resolve().parents[2]
# (question, the passage's words to cite, what the model writes)
FAITHFUL = [
    ("How many people did Minsk let go?", "Belarus has released 123", "Belarus freed 123 political prisoners"),
    (
        "Which industry did the talks want sanctions lifted on?",
        "vital potash sector",
        "The talks aimed to lift sanctions on the vital potash sector",
    ),
    ("Why now?", "The timing aligns", "The timing fits Belarus' push for economic relief"),
    pytest.param(
        "Is it a real change?",
        "strategic move",
        "Analysts see it as a strategic move rather than a genuine shift in policy",
        marks=pytest.mark.xfail(
            strict=True, reason="scored just under the threshold, which is set to drop changed facts first"
        ),
    ),
]
CHANGED = [
    ("How many people did Minsk let go?", "Belarus has released 123", "Belarus freed 132 political prisoners"),
    ("Who was freed?", "Belarus has released 123", "Belarus freed Sviatlana Tsikhanouskaya and Ales Bialiatski"),
    ("Who negotiated?", "US envoy John Coale", "Russian envoy John Coale led the negotiations"),
    (
        "Has Lukashenko been sanctioned?",
        "international sanctions",
        "Lukashenko has not faced any international sanctions",
    ),
]


@pytest.fixture
def chat_bot(tmp_path: Path, minilm: Embeddings) -> tuple[Bot, list[AIMessage]]:
    replies: list[AIMessage] = []

    def feed() -> Iterator[AIMessage]:
        while True:  # each answer is the one the test has just queued
            # Indexing asks the story's suggested questions before any is queued: those get a decline.
            yield replies.pop(0) if replies else AIMessage("NOT_IN_SOURCES")

    model = GenericFakeChatModel(messages=feed())
    bot = build_bot(
        Settings(corpus_dir=seed_copy(tmp_path / "corpus"), index_dir=tmp_path / "index"),
        embeddings=minilm,
        chat_model=model,
    )
    bot.index_corpus()
    return bot, replies


def _answer(chat_bot: tuple[Bot, list[AIMessage]], question: str, cite: str, claim: str) -> str:
    bot, replies = chat_bot
    hits = bot.trace(question, [], None).hits
    number = next(i for i, h in enumerate(hits) if cite in h.chunk.text) + 1
    replies.append(AIMessage(f"{claim} [{number}]."))
    return bot.ask(question).text


@pytest.mark.parametrize(("question", "cite", "claim"), FAITHFUL)
def test_a_faithful_paraphrase_is_kept(
    chat_bot: tuple[Bot, list[AIMessage]], question: str, cite: str, claim: str
) -> None:
    assert claim in _answer(chat_bot, question, cite, claim)


@pytest.mark.parametrize(("question", "cite", "claim"), CHANGED)
def test_a_changed_fact_is_never_shown(
    chat_bot: tuple[Bot, list[AIMessage]], question: str, cite: str, claim: str
) -> None:
    assert claim not in _answer(chat_bot, question, cite, claim)


def test_the_test_half_of_the_written_pairs_holds_its_measured_figures(tmp_path: Path, minilm: Embeddings) -> None:
    """bench/faithful/test.yaml is never trained on; the figures it gave when the model shipped
    (bench/README.md, over every story in corpus/) must not slip."""
    bot = build_bot(Settings(corpus_dir=ROOT / "corpus", index_dir=tmp_path / "index"), embeddings=minilm)
    bot.index_corpus()
    pairs = load_pairs(ROOT / "bench" / "faithful" / "test.yaml")
    check, idf = bot.faithfulness, bot.idf()
    kept = [check.best_window(p.claim, p.source, p.entity, idf)[1] >= check.model.threshold for p in pairs]
    faithful = [k for k, p in zip(kept, pairs, strict=True) if p.faithful]
    changed = [not k for k, p in zip(kept, pairs, strict=True) if not p.faithful]
    assert sum(faithful) / len(faithful) >= 0.75
    assert sum(changed) / len(changed) >= 0.75
