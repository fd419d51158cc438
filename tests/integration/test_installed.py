"""The wheel, installed outside the checkout: prompts, scripts and models come with it; the bench does not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from this checkout, unpacked into a folder of its own (its dependencies are the
    test environment's, so only our files are under test)."""
    root = tmp_path_factory.mktemp("installed")
    wheels, target = root / "wheels", root / "site"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", str(ROOT), "-w", str(wheels)], check=True, capture_output=True)
    (wheel,) = wheels.glob("storybot-*.whl")
    subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(wheel)], check=True, capture_output=True)
    return target


def _python(installed: Path, tmp_path: Path, code: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYBOT_")}
    env |= {"PYTHONPATH": str(installed), "STORYBOT_EMBEDDING_MODEL": "fake", "ANONYMIZED_TELEMETRY": "False"}
    env |= {"STORYBOT_CORPUS_DIR": str(ROOT / "corpus"), "STORYBOT_INDEX_DIR": str(tmp_path / "index")}
    # run from elsewhere, so nothing resolves against the checkout
    return subprocess.run([sys.executable, "-c", code, *args], cwd=tmp_path, env=env, capture_output=True, text=True)


def test_the_installed_package_has_its_prompts_widget_and_models(installed: Path, tmp_path: Path) -> None:
    code = (
        "import bot, bot.prompts as p, importlib.resources as r; from bot.reader_model import ReaderModel;"
        "print(bot.__file__); print(p.prompt_names()); print(len(p.render('condense', question='q', history=[])));"
        "print(len(r.files('bot.ui').joinpath('widget.js').read_text())); print(ReaderModel.load().threshold)"
    )
    result = _python(installed, tmp_path, code)
    assert result.returncode == 0, result.stderr
    where, names, *sizes = result.stdout.splitlines()
    assert where.startswith(str(installed))
    assert names == "['answer_system', 'answer_user', 'condense', 'suggest']" and all(float(s) > 0 for s in sizes)


def test_the_installed_cli_indexes_and_answers(installed: Path, tmp_path: Path) -> None:
    run = "import sys; from bot.cli import main; sys.exit(main(sys.argv[1:]))"
    assert _python(installed, tmp_path, run, "index").returncode == 0
    asked = _python(installed, tmp_path, run, "ask", "How many political prisoners did Belarus release?")
    assert asked.returncode == 0 and "123" in asked.stdout, asked.stderr


def test_the_wheel_ships_the_bot_without_the_bench(installed: Path) -> None:
    # The bench runs from a checkout only; its splitter is the `bench` extra's, never a runtime dependency.
    assert (installed / "bot" / "prompt_files" / "condense.md").is_file()
    assert not (installed / "bench").exists() and not (installed / "bot" / "bench").exists()
    (metadata,) = installed.glob("storybot-*.dist-info/METADATA")
    splitter = [line for line in metadata.read_text().splitlines() if "langchain-text-splitters" in line]
    assert splitter and all('extra == "bench"' in line for line in splitter), splitter
