"""`storybot bench`: build Storybot and the tutorial baseline on the same corpus, run the suites side by side."""

from __future__ import annotations

import random
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.bench import quality, speed, tuning
from bot.bench.baseline import BaselineRag
from bot.bench.data import Question, articles_path, load_articles, load_questions, load_rgb
from bot.bench.report import machine, write_results
from bot.bot import Bot, build_bot
from bot.config import Settings
from bot.embeddings import CachedEmbeddings, build_embeddings
from bot.index import make_client
from bot.llm import build_chat_model
from bot.types import Answer, Corpus

SUITES = ("retrieval", "answers", "rgb", "seed", "citations", "tuning", "indexing", "latency", "scale", "memory")
ROOT = Path(__file__).resolve().parent.parent.parent


@dataclass(frozen=True)
class BenchOptions:
    """What to run and where. `articles`/`questions`/`rgb_items` None means all of them."""

    eval_dir: Path
    out_dir: Path
    work_dir: Path
    cache_path: Path
    name: str = "full"
    suites: tuple[str, ...] = SUITES
    articles: int | None = None
    questions: int | None = None
    rgb_items: int | None = None
    index_articles: int = 40
    scale_sizes: tuple[int, ...] = (200,)
    scale_copies: int = 10
    llm: bool = False
    llm_questions: int = 20
    gguf_path: Path = ROOT / ".storybot" / "models" / "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
    seed_corpus: Path = ROOT / "corpus"
    seed_cases: Path = ROOT / "tests" / "integration" / "questions.yaml"
    model: str = "minilm"
    extra: dict[str, Any] = field(default_factory=dict)


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
    results: dict[str, Any] = field(default_factory=dict)
    answers: list[Answer] = field(default_factory=list)

    def settings(self, index_dir: Path, **changes: Any) -> Settings:
        """Settings for one benchmark index, ignoring the caller's STORYBOT_* environment."""
        return Settings.from_env(
            env={},
            index_dir=index_dir,
            corpus_dir=self.options.seed_corpus,
            embedding_model=self.options.model,
            **changes,
        )

    def bot_for(self, corpus: Corpus, index_dir: Path) -> Bot:
        """A Storybot indexed on `corpus`, sharing the cached embeddings."""
        bot = build_bot(self.settings(index_dir), embeddings=self.embeddings)
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
    settings = Settings.from_env(env={}, index_dir=options.work_dir / "storybot", embedding_model=options.model)
    storybot = build_bot(settings, embeddings=embeddings)
    report = storybot.index_corpus([archive])
    log(f"Storybot: {report.chunks} chunks; building the baseline")
    baseline = BaselineRag.build(corpus, embeddings, make_client(options.work_dir / "baseline"))
    chunks = baseline.store._collection.count()
    log(f"baseline: {chunks} chunks; embedding cache hits {embeddings.hits}, misses {embeddings.misses}")
    return Bench(options, log, embeddings, corpus, archive, storybot, baseline, baseline.store._collection.name)


def run_bench(options: BenchOptions, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Run the chosen suites and write `<out_dir>/<name>.json` and `.md`; returns the results."""
    bench = prepare(options, log)
    unknown = set(options.suites) - set(SUITES) - {"llm"}
    if unknown:
        raise ValueError(f"unknown suites: {', '.join(sorted(unknown))}; choose from {', '.join(SUITES)}")
    for suite in (*SUITES, "llm"):
        if suite in options.suites or (suite == "llm" and options.llm):
            log(f"suite: {suite}")
            bench.results[suite] = SUITE_RUNNERS[suite](bench)
    meta = {**machine(), "options": _options_json(options), "chunks": bench.storybot.catalog().n_chunks}
    write_results(options.out_dir, options.name, meta, bench.results)
    return {"meta": meta, "suites": bench.results}


def _options_json(options: BenchOptions) -> dict[str, Any]:
    keep = (
        "name",
        "suites",
        "articles",
        "questions",
        "rgb_items",
        "index_articles",
        "scale_sizes",
        "scale_copies",
        "llm",
        "llm_questions",
        "model",
    )
    return {k: getattr(options, k) for k in keep}


def _questions(bench: Bench, answerable_only: bool) -> list[Question]:
    ids = {s.id for s in bench.corpus.stories}
    found = [
        q
        for q in load_questions(bench.options.eval_dir)
        if not answerable_only or (q.answer_in_articles and set(q.article_ids) & ids)
    ]
    return found[: bench.options.questions] if bench.options.questions else found


def _with_ratio(ours: float | None, base: float | None) -> float | None:
    return round(ours / base, 2) if ours is not None and base else None


def run_retrieval(bench: Bench) -> dict[str, Any]:
    questions = _questions(bench, answerable_only=True)
    ours = quality.recall_at_k(lambda q, k: quality.storybot_passages(bench.storybot, q, k), questions)
    base = quality.recall_at_k(lambda q, k: quality.baseline_passages(bench.baseline, q, k), questions)
    ratios = {f"recall@{k}": _with_ratio(ours[f"recall@{k}"], base[f"recall@{k}"]) for k in quality.KS}
    return {"storybot": ours, "baseline": base, "ratio": ratios}


def run_answers(bench: Bench) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for label, answerable in (("answer_in_articles", True), ("all_questions", False)):
        asked = [quality.ask_storybot(bench.storybot, q.question, (q.answer,)) for q in _questions(bench, answerable)]
        bench.answers += [a.answer for a in asked if a.answer is not None]
        result[label] = {"storybot": quality.answer_figures(asked)}
        if label == "answer_in_articles":
            result["examples"] = [
                {"question": a.question, "expected": a.expected[0], "answer": a.text[:300], "correct": a.correct}
                for a in asked[:8]
            ]
    return result


def run_llm(bench: Bench) -> dict[str, Any]:
    """The local LLM answerer (sha-checked Qwen GGUF) against extractive, and the baseline answering with it."""
    from bot.corpus import load_corpus
    from bot.verify import idf_table

    questions = _questions(bench, answerable_only=True)[: bench.options.llm_questions]
    settings = bench.settings(
        bench.options.work_dir / "storybot", answerer="llamacpp", gguf_path=bench.options.gguf_path
    )
    chat = build_chat_model(settings)
    llm_bot = build_bot(settings, embeddings=bench.embeddings, chat_model=chat)
    bench.baseline.chat_model = chat
    systems: dict[str, Callable[[Question], quality.Asked]] = {
        "storybot_extractive": lambda q: quality.ask_storybot(bench.storybot, q.question, (q.answer,)),
        "storybot_llm": lambda q: quality.ask_storybot(llm_bot, q.question, (q.answer,)),
        "baseline_llm": lambda q: quality.ask_baseline(bench.baseline, q.question, (q.answer,)),
    }
    result: dict[str, Any] = {"questions": len(questions)}
    llm_answers: list[Answer] = []
    for name, ask in systems.items():
        asked, times = [], []
        for q in questions:
            started = time.perf_counter()
            asked.append(ask(q))
            times.append(time.perf_counter() - started)
        result[name] = {**quality.answer_figures(asked), **speed.percentiles(times)}
        if name == "storybot_llm":
            llm_answers += [a.answer for a in asked if a.answer is not None]
    seed_settings = bench.settings(
        bench.options.work_dir / "seed", answerer="llamacpp", gguf_path=bench.options.gguf_path
    )
    seed_bot = build_bot(seed_settings, embeddings=bench.embeddings, chat_model=chat)
    seed_bot.index.build(load_corpus([bench.options.seed_corpus]))
    seed = quality.seed_suite(seed_bot, bench.options.seed_cases, bench.options.questions)
    llm_answers += seed.pop("answers")
    result["seed_storybot_llm"] = seed
    result["citations_storybot_llm"] = quality.citation_precision(llm_answers, idf_table(bench.storybot.catalog()))
    return result


def run_rgb(bench: Bench) -> dict[str, Any]:
    items = load_rgb(bench.options.eval_dir)[: bench.options.rgb_items]
    client = make_client(bench.options.work_dir / "rgb-baseline")
    counter = iter(range(1_000_000))

    def make_bot(corpus: Corpus) -> Bot:
        bot = bench.bot_for(corpus, bench.options.work_dir / "rgb" / str(next(counter)))
        return bot

    return quality.rgb_suite(make_bot, items, bench.embeddings, client, baseline_llm=False)


def run_seed(bench: Bench) -> dict[str, Any]:
    from bot.corpus import load_corpus

    bot = bench.bot_for(load_corpus([bench.options.seed_corpus]), bench.options.work_dir / "seed")
    result = quality.seed_suite(bot, bench.options.seed_cases)
    bench.answers += result.pop("answers")
    return {"storybot": result}


def run_citations(bench: Bench) -> dict[str, Any]:
    from bot.verify import idf_table

    idf = idf_table(bench.storybot.catalog())
    figures = quality.citation_precision(bench.answers, idf)
    pairs = [(a, p) for a in bench.answers if not a.refused for p in quality.cited_pairs(a)]
    sample = random.Random(7).sample(pairs, min(30, len(pairs)))
    figures["hand_check_sample"] = [{"sentence": s, "quote": q} for _, (s, q) in sample]
    return {"storybot": figures}


def run_tuning(bench: Bench) -> dict[str, Any]:
    counter = iter(range(1_000_000))

    def make_bot(corpus: Corpus) -> Bot:
        return bench.bot_for(corpus, bench.options.work_dir / "calibration" / str(next(counter)))

    rgb = load_rgb(bench.options.eval_dir)[: bench.options.rgb_items]
    return {
        "fusion": tuning.fusion_sweep(bench.storybot, _questions(bench, answerable_only=True)),
        "refusal_threshold": tuning.threshold_sweep(
            bench.storybot, _questions(bench, True), _questions(bench, False), make_bot, rgb
        ),
    }


def run_indexing(bench: Bench) -> dict[str, Any]:
    questions = load_questions(bench.options.eval_dir)
    wanted = [a for q in questions if q.answer_in_articles for a in q.article_ids]
    small = speed.subset(bench.corpus, wanted, bench.options.index_articles)
    encoder = bench.embeddings.inner  # uncached: this suite measures the encoder itself
    result = speed.indexing_suite(small, encoder, bench.options.model, bench.options.work_dir / "indexing")
    result["reindex_full_corpus"] = speed.reindex_suite(bench.storybot.index, bench.archive, bench.options.work_dir)
    return result


def _latency_pair(bench: Bench, bot: Bot, baseline: BaselineRag | None) -> dict[str, Any]:
    questions = [q.question for q in load_questions(bench.options.eval_dir)][: bench.options.questions]
    result = {
        "storybot_retrieve": speed.latency(lambda q: quality.storybot_passages(bot, q, 5), questions),
        "storybot_ask": speed.latency(bot.ask, questions),
    }
    if baseline is not None:
        result["baseline_retrieve"] = speed.latency(lambda q: baseline.retrieve(q, 4), questions)
    return result


def run_latency(bench: Bench) -> dict[str, Any]:
    return {"articles": len(bench.corpus.stories), **_latency_pair(bench, bench.storybot, bench.baseline)}


def run_scale(bench: Bench) -> dict[str, Any]:
    questions = load_questions(bench.options.eval_dir)
    wanted = [a for q in questions if q.answer_in_articles for a in q.article_ids]
    points: dict[str, Any] = {}
    for size in bench.options.scale_sizes:
        if size < len(bench.corpus.stories):
            small = speed.subset(bench.corpus, wanted, size)
            bot = bench.bot_for(small, bench.options.work_dir / f"scale-{size}")
            base = BaselineRag.build(
                small, bench.embeddings, make_client(bench.options.work_dir / f"scale-{size}-baseline")
            )
            points[str(size)] = {"articles": size, **_latency_pair(bench, bot, base)}
    points[str(len(bench.corpus.stories))] = bench.results.get("latency") or run_latency(bench)
    if bench.options.scale_copies > 1:
        big = speed.duplicated(bench.corpus, bench.options.scale_copies)
        bench.log(f"scale: indexing {len(big.stories)} articles")
        started = time.perf_counter()
        bot = bench.bot_for(big, bench.options.work_dir / "scale-big")
        built = time.perf_counter() - started
        base = BaselineRag.build(big, bench.embeddings, make_client(bench.options.work_dir / "scale-big-baseline"))
        points[str(len(big.stories))] = {
            "articles": len(big.stories),
            "index_build_s": round(built, 1),
            **_latency_pair(bench, bot, base),
        }
    return points


def run_memory(bench: Bench) -> dict[str, Any]:
    questions = [q.question for q in load_questions(bench.options.eval_dir)][:20]
    env = {"HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    return {
        "articles": len(bench.corpus.stories),
        "storybot": speed.probe(bench.options.work_dir / "storybot", bench.options.model, questions, "storybot", env),
        "baseline": speed.probe(
            bench.options.work_dir / "baseline",
            bench.options.model,
            questions,
            f"baseline:{bench.baseline_collection}",
            env,
        ),
    }


SUITE_RUNNERS: dict[str, Callable[[Bench], dict[str, Any]]] = {
    "retrieval": run_retrieval,
    "answers": run_answers,
    "rgb": run_rgb,
    "seed": run_seed,
    "citations": run_citations,
    "tuning": run_tuning,
    "llm": run_llm,
    "indexing": run_indexing,
    "latency": run_latency,
    "scale": run_scale,
    "memory": run_memory,
}


def default_options(name: str, smoke: bool, eval_dir: Path, out_dir: Path, **changes: Any) -> BenchOptions:
    """The full run, or the smoke run CI uses (a few articles, questions and RGB items)."""
    base = BenchOptions(
        eval_dir=eval_dir,
        out_dir=out_dir,
        work_dir=ROOT / ".storybot" / "bench" / name,
        cache_path=ROOT / ".storybot" / "bench-cache" / "embeddings.sqlite3",
        name=name,
    )
    if smoke:
        base = BenchOptions(
            **{
                **base.__dict__,
                "articles": 12,
                "questions": 6,
                "rgb_items": 3,
                "index_articles": 4,
                "scale_sizes": (6,),
                "scale_copies": 2,
            }
        )
    return BenchOptions(**{**base.__dict__, **{k: v for k, v in changes.items() if v is not None}})


__all__ = ["SUITES", "BenchOptions", "articles_path", "default_options", "run_bench"]
