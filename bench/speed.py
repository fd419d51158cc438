"""Speed and cost suites: indexing throughput against the raw encoder, query latency, scale, memory.

Times are measured side by side in one process run and reported with ratios; nothing here asserts on time.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from bench import ROOT
from bench.baseline import BaselineRag, tutorial_documents
from bot.chunking import chunk_corpus
from bot.index import Index, make_client
from bot.types import Corpus, Section, Story


def timed(action: Callable[[], object]) -> float:
    """Seconds one call takes."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def percentiles(seconds: Sequence[float]) -> dict[str, float | None]:
    """p50 and p95 in milliseconds (nearest rank)."""
    if not seconds:
        return {"p50_ms": None, "p95_ms": None}
    ordered = sorted(seconds)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 1), "p95_ms": round(p95 * 1000, 1)}


def latency(action: Callable[[str], object], questions: Sequence[str], warmup: int = 3) -> dict[str, Any]:
    """p50/p95 of `action` over the questions, after a few warm-up calls."""
    for question in questions[:warmup]:
        action(question)
    times = [timed(lambda q=q: action(q)) for q in questions]  # type: ignore[misc]
    return {"questions": len(times), **percentiles(times)}


def write_articles(corpus: Corpus, path: Path) -> Path:
    """The corpus as a JSONL archive, the way a newsroom would hand it over."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for s in corpus.stories:
            record = {"id": s.id, "title": s.title, "url": s.url, "published": s.published, "source": s.source}
            out.write(json.dumps({**record, "text": s.sections[0].text}, ensure_ascii=False) + "\n")
    return path


def indexing_suite(corpus: Corpus, encoder: Embeddings, model_name: str, root: Path) -> dict[str, Any]:
    """Chunks/s end to end (load, chunk, embed, store, snapshot) against the raw encoder on the same chunks.

    `encoder` must be uncached: this measures the encoder, not the cache. Each side encodes the same
    texts once; the order (raw first) gives the end-to-end run no warm-cache advantage.
    """
    archive = write_articles(corpus, root / "indexing" / "articles.jsonl")
    texts = [c.embedding_text() for c in chunk_corpus(corpus)]
    raw = timed(lambda: encoder.embed_documents(texts))
    index = Index(root / "indexing" / "storybot", encoder, model_name)
    from bot.corpus import load_corpus

    ours = timed(lambda: index.build(load_corpus([archive])))
    base_docs = tutorial_documents(corpus)
    client = make_client(root / "indexing" / "baseline")
    base = timed(lambda: BaselineRag.build(corpus, encoder, client))
    return {
        "articles": len(corpus.stories),
        "chunks": len(texts),
        "raw_encoder_chunks_per_s": round(len(texts) / raw, 2),
        "storybot_chunks_per_s": round(len(texts) / ours, 2),
        "storybot_vs_raw_encoder": round(raw / ours, 3),
        "baseline_chunks": len(base_docs),
        "baseline_chunks_per_s": round(len(base_docs) / base, 2),
        "baseline_vs_raw_encoder": round(raw / base * len(base_docs) / len(texts), 3),
        "articles_per_s": {
            "storybot": round(len(corpus.stories) / ours, 3),
            "baseline": round(len(corpus.stories) / base, 3),
        },
    }


def encoder_suite(corpus: Corpus, encoders: dict[str, Embeddings], rounds: int = 2) -> dict[str, Any]:
    """Raw throughput of each encoder on the same chunks, interleaved round by round so that a noisy
    neighbour slows them all alike; chunks/s per encoder (best round) and as a ratio to the first."""
    texts = [c.embedding_text() for c in chunk_corpus(corpus)]
    for encoder in encoders.values():
        encoder.embed_documents(texts[:4])  # warm-up: lazy loading and first-call allocation
    best: dict[str, float] = {}
    for _ in range(rounds):
        for name, encoder in encoders.items():
            seconds = timed(lambda e=encoder: e.embed_documents(texts))  # type: ignore[misc]
            best[name] = min(best.get(name, seconds), seconds)
    first = next(iter(best.values()), 1.0)
    return {
        "chunks": len(texts),
        "chunks_per_s": {name: round(len(texts) / s, 2) for name, s in best.items()},
        "speed_vs_first": {name: round(first / s, 2) for name, s in best.items()},
    }


def reindex_suite(index: Index, archive: Path, root: Path) -> dict[str, Any]:
    """Seconds to re-index the unchanged corpus, and after editing one article (then restore it)."""
    from bot.corpus import load_corpus

    unchanged = timed(lambda: index.build(load_corpus([archive])))
    lines = archive.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0])
    # A new sentence each run, so the edited chunk is never in the embedding cache.
    record["text"] += f"\n\nCorrection ({time.time_ns()}): an earlier version of this article misstated a date."
    edited = root / "edited" / archive.name
    edited.parent.mkdir(parents=True, exist_ok=True)
    edited.write_text("\n".join([json.dumps(record, ensure_ascii=False), *lines[1:]]) + "\n", encoding="utf-8")
    report = None

    def build_edited() -> None:
        nonlocal report
        report = index.build(load_corpus([edited]))

    one_edit = timed(build_edited)
    restored = timed(lambda: index.build(load_corpus([archive])))
    return {
        "unchanged_reindex_s": round(unchanged, 3),
        "one_article_edited_s": round(one_edit, 3),
        "edited_chunks_embedded": report.embedded if report else None,
        "restore_s": round(restored, 3),
    }


def duplicated(corpus: Corpus, copies: int) -> Corpus:
    """The corpus `copies` times over, each copy's articles under perturbed ids (same text)."""
    stories = [
        replace(s, id=f"{s.id}-c{n}", sections=tuple(Section(x.heading, x.text, x.line) for x in s.sections))
        for n in range(copies)
        for s in corpus.stories
    ]
    return Corpus(stories=tuple(stories), bios=corpus.bios)


def subset(corpus: Corpus, ids: Sequence[str], size: int) -> Corpus:
    """`size` articles: those in `ids` first (so the questions stay answerable), then in corpus order."""
    order = {i: n for n, i in enumerate(dict.fromkeys(ids))}
    ranked: list[Story] = sorted(corpus.stories, key=lambda s: order.get(s.id, len(order)))
    return Corpus(stories=tuple(ranked[:size]), bios=corpus.bios)


def probe(
    index_dir: Path,
    model: str,
    questions: Sequence[str],
    system: str,
    env: dict[str, str] | None = None,
    timeout: float = 900,
) -> dict[str, Any]:
    """Cold start and peak RSS of a fresh process serving an existing index (see `bench.probe`)."""
    payload = json.dumps({"index_dir": str(index_dir), "model": model, "questions": list(questions), "system": system})
    # The bench is never installed: the probe finds it (and the `bot` beside it) through the checkout.
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.probe"],
            input=payload,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": path, **(env or {})},
            check=False,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"no answer within {timeout} s"}
    wall = time.perf_counter() - started
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        errors = done.stderr.strip().splitlines()
        return {"error": errors[-1] if errors else f"exit {done.returncode} without output"}
    result: dict[str, Any] = json.loads(lines[-1])
    return {**result, "process_wall_s": round(wall, 2)}
