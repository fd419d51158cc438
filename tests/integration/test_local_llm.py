"""The llamacpp answerer with the real Qwen2.5-Coder-0.5B GGUF (`make local-llm` fetches it)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from bot import Settings, build_bot

GGUF = Path(__file__).resolve().parents[2] / ".storybot" / "models" / "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"

pytestmark = [
    pytest.mark.llm,
    pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None, reason="needs the 'local' extra"),
    pytest.mark.skipif(not GGUF.exists(), reason="run 'make local-llm' first"),
]


def test_local_llm_answers_with_verified_citations(tmp_path: Path, minilm: Embeddings) -> None:
    corpus = Path(__file__).resolve().parents[2] / "corpus"
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", answerer="llamacpp", gguf_path=GGUF)
    bot = build_bot(settings, embeddings=minilm)
    bot.index_corpus()
    answer = bot.ask("How many political prisoners did Belarus release?")
    chunks = {c.id: c for c in bot.index.snapshot().chunks}
    assert not answer.refused and "123" in answer.text
    assert all(c.quote in chunks[c.chunk_id].text for c in answer.citations)
    assert bot.ask("Who won the 2022 World Cup?").refused
