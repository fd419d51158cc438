from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench import ROOT
from bench.cli import main, parser
from bench.options import SUITES, BenchOptions
from bench.runner import run_bench


def test_every_suite_runs_and_is_written_with_both_systems(eval_dir: Path, tmp_path: Path) -> None:
    options = BenchOptions(
        eval_dir=eval_dir,
        out_dir=tmp_path / "results",
        work_dir=tmp_path / "work",
        cache_path=tmp_path / "cache.sqlite3",
        name="tiny",
        model="fake",
        index_articles=2,
        scale_sizes=(2,),
        scale_copies=2,
        encoders=("fake",),
        sweep_articles=3,
    )
    logged: list[str] = []
    results = run_bench(options, logged.append)
    suites = results["suites"]
    assert set(suites) == set(SUITES)
    assert suites["retrieval"]["storybot"]["questions"] == 2
    assert suites["retrieval"]["storybot"]["recall@5"] == 1.0
    assert suites["answers"]["all_questions"]["storybot"]["questions"] == 3
    assert suites["seed"]["storybot"]["answerable"] > 0
    halves = suites["readers"]["storybot"]
    assert set(halves) == {"train", "dev", "test"} and all(
        h["answerable"] > 0 and h["unanswerable"] > 0 for h in halves.values()
    )
    assert suites["citations"]["storybot"]["cited_sentences"] > 0
    assert suites["indexing"]["reindex_full_corpus"]["edited_chunks_embedded"] == 1
    assert set(suites["indexing"]["encoders"]["chunks_per_s"]) == {"fake"}
    assert suites["tuning"]["chunking"]["articles"] == 3 and "chars=800,overlap=1" in suites["tuning"]["chunking"]
    assert set(suites["scale"]) == {"2", "3", "6"}
    assert suites["memory"]["storybot"]["peak_rss_mb"] > 0 and suites["memory"]["baseline"]["peak_rss_mb"] > 0
    written = json.loads((tmp_path / "results" / "tiny.json").read_text())
    assert written["suites"]["retrieval"] == suites["retrieval"]
    assert written["meta"]["cores"] and written["meta"]["versions"]["chromadb"]
    table = (tmp_path / "results" / "tiny.md").read_text()
    assert "| retrieval.storybot.recall@5 |" not in table and "| storybot.recall@5 | 1 |" in table
    assert any("building the baseline" in line for line in logged)
    if suites["answers"]["answer_in_articles"]["storybot"]["accuracy"] != 1.0:
        # Known failure (issue 17): with fake embeddings only the lexical reader runs, and it refuses
        # "How often does comet Nishimura return?". Checked last, so every other figure is still checked.
        pytest.xfail("the lexical reader refuses one of the two answerable smoke questions")


def test_the_command_reports_a_missing_eval_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--eval-dir", str(tmp_path / "nowhere"), "--out-dir", str(tmp_path), "--suites", "retrieval"])
    assert code == 2
    assert "bench: evaluation file not found" in capsys.readouterr().err


def test_it_runs_as_python_m_bench_from_the_checkout(tmp_path: Path) -> None:
    # The Makefile and CI run it this way; the bench is not installed, so the checkout must provide it.
    args = ["--eval-dir", str(tmp_path / "nowhere"), "--out-dir", str(tmp_path), "--suites", "retrieval"]
    done = subprocess.run(
        [sys.executable, "-m", "bench", *args], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 2 and "bench: evaluation file not found" in done.stderr, done.stderr


def test_bad_options_are_refused_before_any_work(eval_dir: Path, tmp_path: Path) -> None:
    import pytest

    from bot.errors import InputError

    base = dict(eval_dir=eval_dir, out_dir=tmp_path, work_dir=tmp_path / "w", cache_path=tmp_path / "c", model="fake")
    with pytest.raises(InputError, match="unknown suites: speeed"):
        run_bench(BenchOptions(**base, suites=("speeed",)))  # type: ignore[arg-type]
    with pytest.raises(InputError, match="must be letters"):
        run_bench(BenchOptions(**base, name=".."))  # type: ignore[arg-type]
    assert not (tmp_path / "w").exists()


def _small(eval_dir: Path, tmp_path: Path, **changes: Any) -> BenchOptions:
    """A run on the tiny eval folder with the fake model, everything under tmp_path."""
    return BenchOptions(
        eval_dir=eval_dir, out_dir=tmp_path, work_dir=tmp_path / "w", cache_path=tmp_path / "c", model="fake", **changes
    )


def test_a_failing_suite_is_recorded_and_the_rest_still_run(eval_dir: Path, tmp_path: Path) -> None:
    # citations alone has no answers to judge
    options = _small(eval_dir, tmp_path, suites=("citations", "retrieval"), name="partial")
    results = run_bench(options, lambda _: None)
    assert "answers and seed suites" in results["suites"]["citations"]["error"]
    assert results["suites"]["retrieval"]["storybot"]["recall@1"] is not None
    assert main(["--eval-dir", str(eval_dir), "--out-dir", str(tmp_path), "--suites", "nope"]) == 2


def test_a_run_can_use_another_chunking_for_storybot(eval_dir: Path, tmp_path: Path) -> None:
    args = parser().parse_args(["--chunk-chars", "200", "--chunk-overlap", "0"])
    assert (args.chunk_chars, args.chunk_overlap) == (200, 0)
    chunking = {"chunk_chars": 200, "chunk_overlap": 0}
    results = run_bench(
        _small(eval_dir, tmp_path, suites=("retrieval",), name="narrow", chunking=chunking), lambda _: None
    )
    assert results["meta"]["options"]["chunking"] == {"chunk_chars": 200, "chunk_overlap": 0}
    assert results["meta"]["storybot_chunking"] == {"target": 200, "limit": 300, "overlap": 0}
