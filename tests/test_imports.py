"""The package's shape: subpackages depend on each other in one direction only."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "bot"


def _unit(module: str) -> str:
    """`bot.api.app` -> `api`; a top-level module is its own unit (`bot.present` -> `present`)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def import_graph() -> dict[str, set[str]]:
    """Which unit of `bot` imports which, counting imports inside functions too."""
    graph: dict[str, set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        me = _unit(".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
            names += [a.name for a in node.names] if isinstance(node, ast.Import) else []
            graph[me] |= {_unit(n) for n in names if n.startswith("bot.") and _unit(n) != me}
    return graph


def cycles_through(graph: dict[str, set[str]], starts: set[str]) -> list[list[str]]:
    """Every import cycle that passes through one of `starts` (as a path back to its start)."""
    found = []
    for start in sorted(starts):
        stack = [(start, [start])]
        seen: set[str] = set()
        while stack:
            unit, path = stack.pop()
            for nxt in sorted(graph.get(unit, ())):
                if nxt == start:
                    found.append([*path, start])
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*path, nxt]))
    return found


def test_no_import_cycle_runs_through_a_subpackage() -> None:
    subpackages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert {"api", "channels", "ui", "editor"} <= subpackages
    assert cycles_through(import_graph(), subpackages) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"api": {"http", "channels"}, "channels": {"api"}, "http": set()}
    assert cycles_through(graph, {"channels"}) == [["channels", "api", "channels"]]
