"""The reader's first question after the server starts, against the next ten, timed in a real browser.

`python -m bench.first_question` starts `app.py` on the checkout's corpus with the real embedding model,
opens the page in Debian's Chromium, and times each question from the click on "Ask" until its sources
(or its refusal) are shown. Issue 12 asks that the first take at most twice the median of the next ten.
Prints one JSON line; writes nothing else.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# Written for this timing, in readers' words; none is a training or test question.
QUESTIONS = (
    "why were the belarus prisoners let go",
    "who got out of jail in belarus",
    "what did the american envoy do",
    "how long was bialiatski locked up",
    "what do the newspapers think",
    "what sanctions were lifted",
    "who runs belarus",
    "what happened to the ship's crew",
    "when did the rover land on the moon",
    "who was swapped for gershkovich",
    "what did lukashenko get in return",
)
DONE = ".sb-sources .sb-source, .sb-refusal, .sb-error"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(index_dir: Path, port: int, model: str) -> subprocess.Popen[bytes]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("STORYBOT_")},
        "STORYBOT_INDEX_DIR": str(index_dir),
        "STORYBOT_EMBEDDING_MODEL": model,
        "STORYBOT_PORT": str(port),
        "GRADIO_ANALYTICS_ENABLED": "False",
        "ANONYMIZED_TELEMETRY": "False",
        "HF_HUB_OFFLINE": "1",
    }
    subprocess.run([sys.executable, "-m", "bot", "index"], env=env, check=True, capture_output=True, cwd=ROOT)
    process = subprocess.Popen([sys.executable, str(ROOT / "app.py")], env=env, cwd=ROOT)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("app.py did not start within 180 s")


def _timings(url: str) -> list[float]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector("#sb-header h1")
        seconds = []
        for i, question in enumerate(QUESTIONS):
            page.fill("#sb-question textarea", question)
            start = time.perf_counter()
            page.click("#sb-send")
            page.locator("section.sb-turn").nth(i).locator(DONE).first.wait_for(timeout=120_000)
            seconds.append(time.perf_counter() - start)
        browser.close()
    return seconds


def main() -> int:
    """Start the server, time the questions, print the first, the next ten's median and their ratio."""
    parser = argparse.ArgumentParser(prog="python -m bench.first_question", description=__doc__)
    parser.add_argument("--model", default="minilm", help="embedding model (default: minilm)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        port = _free_port()
        process = _start(Path(tmp) / "index", port, args.model)
        try:
            seconds = _timings(f"http://127.0.0.1:{port}/")
        finally:
            process.terminate()
            process.wait(timeout=30)
    rest = statistics.median(seconds[1:])
    figures = {"first_ms": round(seconds[0] * 1000), "next_ten_median_ms": round(rest * 1000)}
    print(json.dumps({**figures, "ratio": round(seconds[0] / rest, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
