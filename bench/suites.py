"""The suites: each takes the built systems and returns plain figures, Storybot and the baseline side by side."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from bench import quality, speed, tuning
from bench.baseline import BaselineRag
from bench.data import Question, load_rgb
from bench.systems import Bench
from bot.bot import Bot, build_bot
from bot.embeddings import build_embeddings
from bot.errors import InputError
from bot.index import make_client
from bot.llm import build_chat_model
from bot.types import Corpus


def _questions(bench: Bench, answerable_only: bool) -> list[Question]:
    ids = {s.id for s in bench.corpus.stories}
    found = [q for q in bench.questions if not answerable_only or (q.answer_in_articles and set(q.article_ids) & ids)]
    return found[: bench.options.questions] if bench.options.questions else found


def _wanted(bench: Bench) -> list[str]:
    """The articles holding answers, which subsets keep first so their questions stay answerable."""
    return [a for q in bench.questions if q.answer_in_articles for a in q.article_ids]


def _with_ratio(ours: float | None, base: float | None) -> float | None:
    return round(ours / base, 2) if ours is not None and base else None


def run_retrieval(bench: Bench) -> dict[str, Any]:
    """Answer recall@1/5/10 of both retrievers on the answerable RealTimeQA questions."""
    questions = _questions(bench, answerable_only=True)
    ours = quality.recall_at_k(lambda q, k: quality.storybot_passages(bench.storybot, q.question, k), questions)
    dated = quality.recall_at_k(
        lambda q, k: quality.storybot_passages(bench.storybot, q.question, k, q.date), questions
    )
    base = quality.recall_at_k(lambda q, k: quality.baseline_passages(bench.baseline, q.question, k), questions)
    ratios = {f"recall@{k}": _with_ratio(ours[f"recall@{k}"], base[f"recall@{k}"]) for k in quality.KS}
    return {"storybot": ours, "storybot_as_of_quiz_date": dated, "baseline": base, "ratio": ratios}


def run_answers(bench: Bench) -> dict[str, Any]:
    """Storybot's extractive answers: accuracy and refusals, inside and outside the articles."""
    questions = _questions(bench, answerable_only=False)
    answerable = {q.id for q in _questions(bench, answerable_only=True)}
    asked = {q.id: quality.ask_storybot(bench.storybot, q.question, (q.answer,)) for q in questions}
    dated = {q.id: quality.ask_storybot(bench.storybot, q.question, (q.answer,), q.date) for q in questions}
    idf = quality.judging_idf(bench.storybot.catalog())
    bench.answers += [(a.question, a.answer, idf) for a in asked.values() if a.answer is not None]
    inside = [a for i, a in asked.items() if i in answerable]
    outside = [a for i, a in asked.items() if i not in answerable]
    return {
        "answer_in_articles": {
            "storybot": quality.answer_figures(inside),
            "storybot_as_of_quiz_date": quality.answer_figures([a for i, a in dated.items() if i in answerable]),
        },
        # Not necessarily unanswerable (the answer may be worded differently), but often absent.
        "answer_not_in_articles": {"storybot": quality.answer_figures(outside)},
        "all_questions": {"storybot": quality.answer_figures(list(asked.values()))},
        "baseline": "no answer step without a chat model: see the llm suite (--llm)",
        "examples": [
            {"question": a.question, "expected": a.expected[0], "answer": a.text[:300], "correct": a.correct}
            for a in inside[:8]
        ],
    }


def run_llm(bench: Bench) -> dict[str, Any]:
    """The local LLM answerer (sha-checked Qwen GGUF) against extractive, and the baseline answering with it."""
    from bot.corpus import load_corpus

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
    llm_answers: list[quality.Judged] = []
    idf = quality.judging_idf(bench.storybot.catalog())
    for name, ask in systems.items():
        asked, times = [], []
        if questions:
            ask(questions[0])  # warm-up: llama.cpp's first call pays for loading and caches
        for q in questions:
            started = time.perf_counter()
            asked.append(ask(q))
            times.append(time.perf_counter() - started)
        result[name] = {**quality.answer_figures(asked), **speed.percentiles(times)}
        if name == "storybot_llm":
            llm_answers += [(a.question, a.answer, idf) for a in asked if a.answer is not None]
    seed_settings = bench.settings(
        bench.options.work_dir / "seed", answerer="llamacpp", gguf_path=bench.options.gguf_path
    )
    seed_bot = build_bot(seed_settings, embeddings=bench.embeddings, chat_model=chat)
    seed_bot.index.build(load_corpus([bench.options.seed_corpus]))
    seed = quality.seed_suite(seed_bot, bench.options.seed_cases, bench.options.questions)
    seed_idf = quality.judging_idf(seed_bot.catalog())
    llm_answers += [(q, a, seed_idf) for q, a in seed.pop("answers")]
    result["seed_storybot_llm"] = seed
    result["citations_storybot_llm"] = quality.citation_precision(llm_answers, seed_bot.faithfulness)
    result["citations_storybot_llm_sample"] = quality.citation_sample(llm_answers, 10)
    return result


def run_rgb(bench: Bench) -> dict[str, Any]:
    """RGB robustness on its own small corpora: rejection, noise and counterfactuals (baseline: retrieval)."""
    items = load_rgb(bench.options.eval_dir)[: bench.options.rgb_items]
    client = make_client(bench.options.work_dir / "rgb-baseline")
    built = iter(range(1_000_000))
    result: dict[str, Any] = quality.rgb_suite(
        lambda corpus: bench.bot_for(corpus, bench.options.work_dir / "rgb" / str(next(built))),
        items,
        bench.embeddings,
        client,
    )
    result["ratio"] = {
        "top1_positive": _with_ratio(result["storybot"]["top1_positive"], result["baseline"]["top1_positive"])
    }
    result["baseline_note"] = "retrieval only: the tutorial pipeline has no way to decline without a chat model"
    return result


def run_seed(bench: Bench) -> dict[str, Any]:
    """The seed story's question set: answered with the expected citations, and refused where it should be."""
    from bot.corpus import load_corpus
    from bot.reader_train import seed_corpus

    # The seed questions were written about the seed story alone: ask them over it alone.
    only_seed = seed_corpus(bench.options.seed_corpus, bench.options.work_dir / "seed-corpus")
    bot = bench.bot_for(load_corpus([only_seed]), bench.options.work_dir / "seed")
    result = quality.seed_suite(bot, bench.options.seed_cases, bench.options.questions)
    idf = quality.judging_idf(bot.catalog())
    bench.answers += [(q, a, idf) for q, a in result.pop("answers")]
    return {"storybot": result}


def run_readers(bench: Bench) -> dict[str, Any]:
    """Readers' own questions over the repository's corpus, each half apart."""
    from bot.corpus import load_corpus

    bot = bench.bot_for(load_corpus([bench.options.seed_corpus]), bench.options.work_dir / "readers")
    out: dict[str, Any] = {}
    for path in bench.options.readers_cases:
        result = quality.seed_suite(bot, path, bench.options.questions)
        result.pop("answers")
        out[path.stem] = result
    return {"storybot": out}


def run_time(bench: Bench) -> dict[str, Any]:
    """Readers' time-dependent questions, each asked as of its day, over bench/time/corpus (its README)."""
    from bench.time import suite

    make_bot = suite.real_bot_maker(bench.embeddings, bench.options.model, **bench.options.chunking)
    return {"storybot": suite.run(make_bot, bench.options.work_dir / "time", limit=bench.options.questions)}


def run_faithful(bench: Bench) -> dict[str, Any]:
    """The faithfulness check on hand-written claim/passage pairs, each half apart (bench/faithful/)."""
    from bot.corpus import load_corpus
    from bot.faithful_train import load_pairs

    bot = bench.bot_for(load_corpus([bench.options.seed_corpus]), bench.options.work_dir / "faithful")
    check, idf = bot.faithfulness, bot.idf()
    out: dict[str, Any] = {"threshold": check.model.threshold}
    for path in bench.options.faithful_pairs:
        pairs = load_pairs(path)
        kept = [check.supports(p.claim, p.source, p.entity, idf) for p in pairs]
        good = [k for k, p in zip(kept, pairs, strict=True) if p.faithful]
        bad = [not k for k, p in zip(kept, pairs, strict=True) if not p.faithful]
        out[path.stem] = {
            "faithful": len(good),
            "kept": quality.share(good),
            "changed": len(bad),
            "dropped": quality.share(bad),
        }
    return {"storybot": out}


def run_citations(bench: Bench) -> dict[str, Any]:
    """How many cited sentences their quote supports, over the answers and seed suites' answers."""
    if not bench.answers:
        raise InputError("the citations suite judges the answers of the answers and seed suites: run them too")
    figures = quality.citation_precision(bench.answers, bench.storybot.faithfulness)
    return {"storybot": figures, "hand_check_sample": quality.citation_sample(bench.answers, 30)}


def run_tuning(bench: Bench) -> dict[str, Any]:
    """The sweeps defaults were chosen by: fusion weights, refusal threshold, chunking."""
    built = iter(range(1_000_000))

    def make_bot(corpus: Corpus) -> Bot:
        return bench.bot_for(corpus, bench.options.work_dir / "calibration" / str(next(built)))

    rgb = load_rgb(bench.options.eval_dir)[: bench.options.rgb_items]
    return {
        "fusion": tuning.fusion_sweep(bench.storybot, _questions(bench, answerable_only=True)),
        "refusal_threshold": tuning.threshold_sweep(
            bench.storybot, _questions(bench, True), _questions(bench, False), make_bot, rgb
        ),
        "chunking": _chunk_sweep(bench),
    }


def run_recency(bench: Bench) -> dict[str, Any]:
    """The half-life of the preference for newer stories, swept with and without each quiz's date."""
    return tuning.recency_sweep(bench.storybot, _questions(bench, answerable_only=True))


def _chunk_sweep(bench: Bench) -> dict[str, Any]:
    # On a subset: each chunking re-embeds its corpus, about 4 minutes per 200 articles here.
    small = speed.subset(bench.corpus, _wanted(bench), bench.options.sweep_articles)
    ids = {s.id for s in small.stories}
    questions = [q for q in _questions(bench, answerable_only=True) if set(q.article_ids) & ids]
    root = bench.options.work_dir / "chunk-sweep"
    base = BaselineRag.build(small, bench.embeddings, make_client(root / "baseline"))

    def make_bot(chars: int, overlap: int) -> Bot:
        return bench.bot_for(small, root / f"{chars}-{overlap}", chunk_chars=chars, chunk_overlap=overlap)

    rows = tuning.chunk_sweep(make_bot, questions, lambda q, k: quality.baseline_passages(base, q, k))
    return {"articles": len(small.stories), "questions": len(questions), **rows}


def run_indexing(bench: Bench) -> dict[str, Any]:
    """Indexing throughput against the raw encoder, re-indexing, and every registered encoder's speed."""
    small = speed.subset(bench.corpus, _wanted(bench), bench.options.index_articles)
    encoder = bench.embeddings.inner  # uncached: this suite measures the encoder itself
    result = speed.indexing_suite(small, encoder, bench.options.model, bench.options.work_dir)
    result["reindex_full_corpus"] = speed.reindex_suite(bench.storybot.index, bench.archive, bench.options.work_dir)
    # Every registered real encoder on the same chunks; their retrieval quality is `--model NAME`'s job.
    names = bench.options.encoders
    encoders = {bench.options.model: encoder, **{n: build_embeddings(n) for n in names if n != bench.options.model}}
    result["encoders"] = speed.encoder_suite(speed.subset(small, [], bench.options.encoder_articles), encoders)
    return result


def _latency_pair(bench: Bench, bot: Bot, baseline: BaselineRag | None) -> dict[str, Any]:
    questions = [q.question for q in bench.questions][: bench.options.questions]
    result = {
        "storybot_retrieve": speed.latency(lambda q: quality.storybot_passages(bot, q, 5), questions),
        "storybot_ask": speed.latency(bot.ask, questions),
    }
    if baseline is not None:
        result["baseline_retrieve"] = speed.latency(lambda q: baseline.retrieve(q, 4), questions)
        ours, base = result["storybot_retrieve"], result["baseline_retrieve"]
        result["ratio_retrieve_storybot_to_baseline"] = {p: _with_ratio(ours[p], base[p]) for p in ("p50_ms", "p95_ms")}
    return result


def run_latency(bench: Bench) -> dict[str, Any]:
    """Retrieval and answer latency of both systems on the whole corpus."""
    return {"articles": len(bench.corpus.stories), **_latency_pair(bench, bench.storybot, bench.baseline)}


def run_scale(bench: Bench) -> dict[str, Any]:
    """Latency at smaller subsets, the whole corpus, and the corpus several times over."""
    wanted = _wanted(bench)
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
            # Same texts as the 1,989: every vector comes from the cache, so this is everything but encoding.
            "index_build_s_cached_embeddings": round(built, 1),
            **_latency_pair(bench, bot, base),
        }
    return points


def run_memory(bench: Bench) -> dict[str, Any]:
    """Storybot: cold start to its first answer; the baseline (no answer step): to its first retrieval."""
    questions = [q.question for q in bench.questions][:20]
    env = {"HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    ours = speed.probe(bench.options.work_dir / "storybot", bench.options.model, questions, "storybot", env)
    base = speed.probe(
        bench.options.work_dir / "baseline",
        bench.options.model,
        questions,
        f"baseline:{bench.baseline_collection}",
        env,
    )
    ratio = {k: _with_ratio(ours.get(k), base.get(k)) for k in ("cold_start_s", "peak_rss_mb")}
    return {"articles": len(bench.corpus.stories), "storybot": ours, "baseline": base, "ratio": ratio}


def run_live(bench: Bench) -> dict[str, Any]:
    """Corrections, new stories and takedowns through the publishing path, timed until each is live,
    with a reader asking meanwhile. Fake embeddings: what a change costs beyond encoding its passages."""
    import shutil

    from bench import publish

    folder = bench.options.work_dir / "live"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    try:
        archive = bench.options.eval_dir / "realtimeqa" / "articles.jsonl"
        return publish.run(folder, bench.options.live_articles, "fake", bench.options.live_ops, archive)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


SUITE_RUNNERS: dict[str, Callable[[Bench], dict[str, Any]]] = {
    "retrieval": run_retrieval,
    "answers": run_answers,
    "rgb": run_rgb,
    "seed": run_seed,
    "readers": run_readers,
    "time": run_time,
    "faithful": run_faithful,
    "citations": run_citations,
    "tuning": run_tuning,
    "recency": run_recency,
    "llm": run_llm,
    "indexing": run_indexing,
    "latency": run_latency,
    "scale": run_scale,
    "memory": run_memory,
    "live": run_live,
}
