"""The `storybot bench` command."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from bot.bench.runner import SUITES, default_options, run_bench


def add_parser(sub: Any) -> None:
    """Register `bench` on the CLI's subparsers."""
    bench = sub.add_parser("bench", help="quality and speed benchmarks, side by side with the LangChain tutorial RAG")
    bench.add_argument(
        "--name", default=None, help="results name: bench/results/<name>.json and .md (default full, or smoke)"
    )
    bench.add_argument("--smoke", action="store_true", help="a few articles and questions: checks the harness works")
    bench.add_argument("--suites", help=f"comma-separated, from: {', '.join(SUITES)} (default all)")
    bench.add_argument("--eval-dir", type=Path, default=Path("../shared/eval"), help="the evaluation material")
    bench.add_argument("--out-dir", type=Path, default=Path("bench/results"), help="where results are written")
    bench.add_argument("--articles", type=int, help="use only this many articles (default all)")
    bench.add_argument("--questions", type=int, help="use only this many questions per set (default all)")
    bench.add_argument(
        "--scale-copies", type=int, help="the scale suite's synthetic corpus: the corpus this many times"
    )
    bench.add_argument(
        "--llm", action="store_true", help="also measure the local LLM answerer and the baseline with it"
    )
    bench.add_argument("--model", help="embedding model for both systems (default minilm; e.g. use)")
    bench.add_argument("--chunk-chars", type=int, help="Storybot's chunk size for this run (default the product's)")
    bench.add_argument("--chunk-overlap", type=int, help="Storybot's chunk overlap in sentences for this run")
    bench.add_argument("--llm-questions", type=int, help="questions for the LLM comparison (default 20)")


def cmd_bench(args: argparse.Namespace) -> int:
    """Run the benchmarks and print where the results went."""
    name = args.name or ("smoke" if args.smoke else "full")
    options = default_options(
        name,
        args.smoke,
        args.eval_dir,
        args.out_dir,
        suites=tuple(s.strip() for s in args.suites.split(",")) if args.suites else None,
        articles=args.articles,
        questions=args.questions,
        scale_copies=args.scale_copies,
        llm=args.llm or None,
        llm_questions=args.llm_questions,
        model=args.model,
        chunking={
            k: v for k, v in (("chunk_chars", args.chunk_chars), ("chunk_overlap", args.chunk_overlap)) if v is not None
        }
        or None,
    )
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:7.1f}s] {message}", flush=True)

    results = run_bench(options, log)
    print(f"results: {args.out_dir / name}.json and {args.out_dir / name}.md")
    failed = [suite for suite, figures in results["suites"].items() if "error" in figures]
    if failed:
        print(f"failed suites: {', '.join(failed)} (their errors are in the results)")
    return 1 if failed else 0
