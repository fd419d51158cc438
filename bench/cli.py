"""`python -m bench`: its options, and the run that prints where the results went."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench.options import SUITES, default_options
from bench.runner import run_bench
from bot.errors import BotError
from bot.redact import redact

EXIT_ERROR = 2


def parser() -> argparse.ArgumentParser:
    """The bench's options (it builds its own systems: no `STORYBOT_*` setting applies)."""
    bench = argparse.ArgumentParser(
        prog="python -m bench",
        description="Quality and speed benchmarks, side by side with the LangChain tutorial RAG.",
        allow_abbrev=False,  # "--llm" must never be read as the start of "--llm-questions"
    )
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
    return bench


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks; returns the exit code (1 when a suite failed, 2 on bad options or material)."""
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    try:
        return cmd_bench(args)
    except BotError as exc:
        print(f"bench: {redact(str(exc))}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130


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
