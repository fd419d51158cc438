"""Measure the core on the Belarus story: index time, per-question latency, share correct.

Run: .venv/bin/python bench/seed_eval.py   (real embedding model; STORYBOT_ANSWERER etc. apply)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import Settings, build_bot  # noqa: E402
from bot.editor.checks import load_cases, run_case  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        bot = build_bot(Settings.from_env(corpus_dir=ROOT / "corpus", index_dir=Path(tmp) / "index"))
        loaded = time.perf_counter()
        report = bot.index_corpus()
        indexed = time.perf_counter()
        again = bot.index_corpus()
        reindexed = time.perf_counter()
        cases = load_cases(ROOT / "tests" / "integration" / "questions.yaml")
        run_case(bot, cases[0])  # warm-up
        outcomes = [run_case(bot, case) for case in cases]
    print(
        f"model load: {loaded - started:.2f}s; index {report.chunks} chunks: {indexed - loaded:.2f}s; "
        f"unchanged re-index: {reindexed - indexed:.3f}s (unchanged={again.unchanged})"
    )
    times = sorted(o.seconds * 1000 for o in outcomes)
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    print(f"ask latency over {len(times)} questions: p50 {statistics.median(times):.0f} ms, p95 {p95:.0f} ms")
    for label, refused in (("answer", False), ("refuse", True)):
        group = [o for o in outcomes if o.case.refused is refused]
        ok = sum(o.passed for o in group)
        print(f"{label}: {ok}/{len(group)} correct ({ok / len(group):.0%})")
    for o in outcomes:
        if not o.passed:
            print(f"FAIL {o.case.question!r}: {'; '.join(o.reasons)}\n     -> {o.answer.text[:200]}")


if __name__ == "__main__":
    main()
