"""`python -m bench`: build Storybot and the tutorial baseline on the same corpus, run the suites side by side."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from bench.options import ORDER, BenchOptions, check_options, options_json
from bench.report import machine, write_results
from bench.suites import SUITE_RUNNERS
from bench.systems import prepare


def run_bench(options: BenchOptions, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Run the chosen suites and write `<out_dir>/<name>.json` and `.md` after each; returns the results.

    A suite that fails is recorded with its error and the others still run: one bad model file must
    not throw away an hour of measurements.
    """
    check_options(options)
    started = time.perf_counter()
    bench = prepare(options, log)
    meta = {
        **machine(),
        "options": options_json(options),
        "chunks": {"storybot": bench.storybot.catalog().n_chunks, "baseline": bench.baseline_chunks},
        "storybot_chunking": asdict(bench.storybot.index.chunking),
        "build_s_with_cached_embeddings": bench.build_seconds,
    }
    for suite in ORDER:
        if suite in options.suites or (suite == "llm" and options.llm):
            log(f"suite: {suite}")
            try:
                bench.results[suite] = SUITE_RUNNERS[suite](bench)
            except Exception as exc:  # recorded and logged; the command then exits 1
                log(f"suite {suite} failed: {type(exc).__name__}: {exc}")
                bench.results[suite] = {"error": f"{type(exc).__name__}: {exc}"}
            meta["total_s"] = round(time.perf_counter() - started, 1)
            write_results(options.out_dir, options.name, meta, bench.results)
    return {"meta": meta, "suites": bench.results}
