"""Browser tests: the real app in a subprocess on a free port, driven by Playwright in Debian's Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from seed import date_seed_story, seed_copy

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
HOSTILE_STORY = """---
id: hostile-zeppelins
title: <img src=x onerror="window.__pwned=1">Zeppelin <b>news</b>
---

## What's happened

<script>window.__pwned=1</script> Zeppelins returned to the skies over Friedrichshafen \
<img src=x onerror="window.__pwned=1">. The airship makers said <script>window.__pwned=2</script> \
demand for zeppelin tours doubled.
"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "e2e" in str(item.path):
            item.add_marker(pytest.mark.e2e)


@dataclass
class Server:
    url: str
    feedback: Path
    corpus: Path
    requests: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("e2e")
    # The browser tests were written about the seed story; dated, so its cards and header show its dates.
    corpus = date_seed_story(seed_copy(root / "corpus"))
    (corpus / "stories" / "hostile.md").write_text(HOSTILE_STORY, encoding="utf-8")
    port = _free_port()
    env = {
        # session-scoped, so set up before the autouse fixture that clears the caller's STORYBOT_*
        **{name: value for name, value in os.environ.items() if not name.startswith("STORYBOT_")},
        "STORYBOT_CORPUS_DIR": str(corpus),
        "STORYBOT_INDEX_DIR": str(root / "index"),
        "STORYBOT_EMBEDDING_MODEL": "fake",
        "STORYBOT_FEEDBACK_PATH": str(root / "feedback.sqlite3"),
        # editors' questions (tests/e2e/test_editor.py) live here, never in the working tree's .storybot/
        "STORYBOT_CONVERSATIONS_URL": f"sqlite:///{root / 'conversations.sqlite3'}",
        "STORYBOT_PORT": str(port),
        # Every test shares one address; the page's calls are rate-limited per address like the API.
        "STORYBOT_RATE_LIMIT": "10000",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "ANONYMIZED_TELEMETRY": "False",
    }
    subprocess.run([sys.executable, "-m", "bot", "index"], env=env, check=True, capture_output=True)
    log = (root / "app.log").open("w")
    process = subprocess.Popen([sys.executable, str(ROOT / "app.py")], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(url, process)
        yield Server(url=url, feedback=root / "feedback.sqlite3", corpus=corpus)
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"app exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("app did not start within 120 s")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser tests: 'make browser' did not install chromium")
        pytest.skip("needs Debian's chromium (make browser, or apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: object, server: Server) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.on("request", lambda request: server.requests.append(request.url))
    page.goto(server.url)
    page.wait_for_selector("#sb-header h1")
    yield page
    context.close()


@pytest.fixture
def shot() -> object:
    """Save a screenshot under tests/artifacts/ (git-ignored); returns its path."""

    def take(page: object, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
        return path

    return take
