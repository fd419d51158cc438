"""The product stays free of the benchmark: nothing under bot/ imports the bench or its splitter."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Imports every module of the package (bot.__main__ would run the CLI), then lists what got loaded.
_IMPORT_ALL = """
import importlib, json, pkgutil, sys
import bot
names = [m.name for m in pkgutil.walk_packages(bot.__path__, "bot.") if m.name != "bot.__main__"]
for name in names:
    importlib.import_module(name)
print(json.dumps({"imported": names, "bot": bot.__file__, "modules": sorted(sys.modules)}))
"""


def test_no_module_of_the_product_imports_the_bench() -> None:
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "GRADIO_ANALYTICS_ENABLED": "False"}
    # From the checkout, where `bench` is importable: only an import from bot/ could bring it in.
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["bot"] == str(ROOT / "bot" / "__init__.py")
    assert {"bot.cli", "bot.ui.app", "bot.api.app", "bot.reader_train"} <= set(result["imported"])
    bench_only = {"bench", "langchain_text_splitters"}
    leaked = [m for m in result["modules"] if m.split(".")[0] in bench_only or m.startswith("bot.bench")]
    assert leaked == [], f"the product imports bench-only modules: {leaked}"
