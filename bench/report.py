"""Benchmark results: the JSON record and the Markdown table the README links to."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGES = (
    "storybot",
    "torch",
    "sentence-transformers",
    "chromadb",
    "langchain-core",
    "langchain-chroma",
    "bm25s",
    "llama_cpp_python",
)


def machine() -> dict[str, Any]:
    """Where and with what the figures were measured."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "versions": versions,
    }


def write_results(out_dir: Path, name: str, meta: dict[str, Any], suites: dict[str, Any]) -> tuple[Path, Path]:
    """Write `<name>.json` (everything) and `<name>.md` (the table), returning both paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    record = {"meta": meta, "suites": suites}
    json_path = out_dir / f"{name}.json"
    json_path.write_text(json.dumps(record, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    md_path = out_dir / f"{name}.md"
    md_path.write_text(markdown(meta, suites), encoding="utf-8")
    return json_path, md_path


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _rows(prefix: str, data: Any) -> list[tuple[str, Any]]:
    """Flatten nested figures into (dotted name, value) rows, skipping lists (samples, failures)."""
    if isinstance(data, dict):
        return [row for key, value in data.items() for row in _rows(f"{prefix}.{key}" if prefix else key, value)]
    if isinstance(data, list):
        return []
    return [(prefix, data)]


def markdown(meta: dict[str, Any], suites: dict[str, Any]) -> str:
    """The human-readable record: machine and versions, then every figure of every suite."""
    versions = ", ".join(f"{k} {v}" for k, v in meta.get("versions", {}).items() if v)
    lines = [
        f"# Benchmark `{meta.get('options', {}).get('name', '')}`",
        "",
        f"- Date: {meta.get('date')}",
        f"- Machine: {meta.get('cpu')}, {meta.get('cores')} cores, {meta.get('memory_gb')} GB; {meta.get('platform')}",
        f"- Python {meta.get('python')}; {versions}",
        f"- Options: `{json.dumps(meta.get('options', {}))}`",
        f"- Storybot chunks in the main index: {meta.get('chunks')}",
        "",
    ]
    for suite, data in suites.items():
        lines += [f"## {suite}", "", "| figure | value |", "|---|---|"]
        lines += [f"| {name} | {_cell(value)} |" for name, value in _rows("", data)]
        lines.append("")
        for name, rows in _tables("", data):
            lines += [f"### {suite}: {name}", "", *_table(rows), ""]
    return "\n".join(lines)


def _cell(value: Any) -> str:
    return _fmt(value).replace("|", "\\|").replace("\n", " ")


def _tables(prefix: str, data: Any) -> list[tuple[str, list[Any]]]:
    """Lists found in the results (failures, samples), each to be shown as its own table."""
    if isinstance(data, dict):
        return [t for key, value in data.items() for t in _tables(f"{prefix}.{key}" if prefix else key, value)]
    if isinstance(data, list) and data:
        return [(prefix, data)]
    return []


def _table(rows: list[Any]) -> list[str]:
    if not all(isinstance(r, dict) for r in rows):
        return [f"{n}. {_cell(r)}" for n, r in enumerate(rows, start=1)]
    keys = list(dict.fromkeys(k for r in rows for k in r))
    return [
        "| # | " + " | ".join(keys) + " |",
        "|---|" + "---|" * len(keys),
        *(f"| {n} | " + " | ".join(_cell(r.get(k)) for k in keys) + " |" for n, r in enumerate(rows, start=1)),
    ]
