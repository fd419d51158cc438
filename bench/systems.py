"""The systems under test: Storybot and the tutorial baseline, built once on the same corpus."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import quality, speed
from bench.baseline import BaselineRag
from bench.cache import CachedEmbeddings
from bench.data import Question, load_articles, load_questions
from bench.options import BenchOptions
from bot.bot import Bot, build_bot
from bot.config import Settings
from bot.embeddings import build_embeddings
from bot.index import make_client
from bot.types import Corpus


@dataclass
class Bench:
    """The systems under test and everything the suites share."""

    options: BenchOptions
    log: Callable[[str], None]
    embeddings: CachedEmbeddings
    corpus: Corpus
    archive: Path
    storybot: Bot
    baseline: BaselineRag
    baseline_collection: str
    questions: list[Question] = field(default_factory=list)  # read once; every suite draws on them
    baseline_chunks: int = 0
    build_seconds: dict[str, float] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)
    # Every Storybot answer with the IDF table of the corpus it came from, for citation precision.
    answers: list[quality.Judged] = field(default_factory=list)

    def settings(self, index_dir: Path, **changes: Any) -> Settings:
        """Settings for one benchmark index, ignoring the caller's STORYBOT_* environment."""
        return Settings.from_env(
            env={},
            index_dir=index_dir,
            corpus_dir=self.options.seed_corpus,
            embedding_model=self.options.model,
            **{**self.options.chunking, **changes},
        )

    def bot_for(self, corpus: Corpus, index_dir: Path, **changes: Any) -> Bot:
        """A Storybot indexed on `corpus`, sharing the cached embeddings."""
        bot = build_bot(self.settings(index_dir, **changes), embeddings=self.embeddings)
        bot.index.build(corpus)
        return bot


def prepare(options: BenchOptions, log: Callable[[str], None]) -> Bench:
    """Load the material and build both systems on the same corpus (embeddings through the cache)."""
    full = load_articles(options.eval_dir)
    questions = load_questions(options.eval_dir)
    wanted = [a for q in questions if q.answer_in_articles for a in q.article_ids]
    corpus = speed.subset(full, wanted, options.articles) if options.articles else full
    shutil.rmtree(options.work_dir, ignore_errors=True)
    archive = speed.write_articles(corpus, options.work_dir / "corpus" / "articles.jsonl")
    embeddings = CachedEmbeddings(build_embeddings(options.model), options.model, options.cache_path)
    log(f"corpus: {len(corpus.stories)} articles; building Storybot")
    settings = Settings.from_env(
        env={}, index_dir=options.work_dir / "storybot", embedding_model=options.model, **options.chunking
    )
    storybot = build_bot(settings, embeddings=embeddings)
    started = time.perf_counter()
    report = storybot.index_corpus([archive])
    ours = time.perf_counter() - started
    log(f"Storybot: {report.chunks} chunks in {ours:.0f}s; building the baseline")
    started = time.perf_counter()
    baseline = BaselineRag.build(corpus, embeddings, make_client(options.work_dir / "baseline"))
    base = time.perf_counter() - started
    chunks = baseline.store._collection.count()
    log(f"baseline: {chunks} chunks in {base:.0f}s; embedding cache hits {embeddings.hits}, misses {embeddings.misses}")
    bench = Bench(options, log, embeddings, corpus, archive, storybot, baseline, baseline.store._collection.name)
    bench.questions = questions
    bench.baseline_chunks = chunks
    bench.build_seconds = {"storybot": round(ours, 1), "baseline": round(base, 1)}
    return bench
