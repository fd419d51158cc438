"""`storybot check` and `storybot suggest` through a real subprocess (fake embedding model)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.types import Answer


@pytest.fixture
def run(tmp_path: Path, budget_corpus: Path):  # type: ignore[no-untyped-def]
    env = {
        **os.environ,
        "STORYBOT_INDEX_DIR": str(tmp_path / "index"),
        "STORYBOT_CORPUS_DIR": str(budget_corpus),
        "STORYBOT_EMBEDDING_MODEL": "fake",
        "ANONYMIZED_TELEMETRY": "False",
        "COLUMNS": "160",
    }

    def call(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args], capture_output=True, text=True, env=env, timeout=120
        )

    assert call("index").returncode == 0
    return call


def test_check_story_prints_a_table_and_exits_1_when_a_question_fails(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("check", "city-budget", "--report", str(tmp_path / "out" / "report.html"))
    assert result.returncode == 1, result.stderr
    assert "mayor" in result.stdout and "tram" in result.stdout
    assert "PASS" in result.stdout and "FAIL" in result.stdout and "1 of 2 passed, 1 failed." in result.stdout
    assert "[1]" in result.stdout  # answer markers survive rich's markup
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "1 of 2 passed" in report and "Who will be the next mayor?" in report


def test_check_exits_0_when_all_pass_and_json_has_answers(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cases = tmp_path / "cases.json"
    cases.write_text(
        json.dumps([{"question": "How much will the city spend on tram lines?", "must_mention": [["40 million"]]}])
    )
    result = run("check", "city-budget", "--cases", str(cases), "--json")
    assert result.returncode == 0, result.stdout
    data = json.loads(result.stdout)
    assert data["summary"] == {"total": 1, "passed": 1, "failed": 0}
    (only,) = data["results"]
    assert only["verdict"] == "pass" and set(only["answer"]) == set(Answer().to_dict())  # one JSON shape
    assert only["case"]["story"] == "city-budget" and only["latency_ms"] >= 0


def test_check_errors_are_clear(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for args, message in (
        (("check",), "name a story id, or give --cases FILE"),
        (("check", "nope"), "unknown story id 'nope'"),
        (("check", "--cases", str(tmp_path / "missing.yaml")), "cannot read cases file"),
    ):
        result = run(*args)
        assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_suggest_keeps_questions_the_story_answers(run) -> None:  # type: ignore[no-untyped-def]
    result = run("suggest", "city-budget", "--json")
    assert result.returncode == 0, result.stderr
    suggestions = {s["question"]: s["works"] for s in json.loads(result.stdout)}
    assert suggestions["Who will be the next mayor?"] is False
    assert suggestions["What happened?"] is True
