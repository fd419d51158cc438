"""`storybot ask` with the real encoder prints the answer and nothing else: no model-loading bars."""

import os
import subprocess
import sys
from pathlib import Path

from seed import seed_copy


def test_ask_prints_the_answer_without_progress_bars(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "STORYBOT_INDEX_DIR": str(tmp_path / "index"),
        "STORYBOT_CORPUS_DIR": str(seed_copy(tmp_path / "corpus")),
        "ANONYMIZED_TELEMETRY": "False",
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args], capture_output=True, text=True, env=env, timeout=300
        )

    index = run("index")
    assert index.returncode == 0, index.stderr
    asked = run("ask", "How many political prisoners did Belarus release?")
    assert asked.returncode == 0, asked.stderr
    assert "123" in asked.stdout
    assert "Loading weights" not in asked.stderr and "%|" not in asked.stderr, asked.stderr
