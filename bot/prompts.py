"""Prompts live in `prompts/*.md` and are rendered strictly: a missing or unknown variable is an error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"


class PromptError(ValueError):
    """A prompt file is missing, or was rendered with missing or unknown variables (a programming error)."""


def prompt_names(folder: Path = PROMPTS_DIR) -> list[str]:
    """The names of every prompt file."""
    return sorted(p.stem for p in folder.glob("*.md"))


def variables(name: str, folder: Path = PROMPTS_DIR) -> set[str]:
    """The variables a prompt uses."""
    env = _env(folder)
    source = _source(name, folder)
    return set(meta.find_undeclared_variables(env.parse(source)))


def render(name: str, folder: Path = PROMPTS_DIR, **values: Any) -> str:
    """Render prompt `name` with exactly the variables it uses."""
    expected = variables(name, folder)
    missing, unknown = expected - values.keys(), values.keys() - expected
    if missing or unknown:
        raise PromptError(f"prompt {name!r}: missing {sorted(missing)}, unknown {sorted(unknown)}")
    return _env(folder).from_string(_source(name, folder)).render(**values).strip()


def _source(name: str, folder: Path) -> str:
    path = folder / f"{name}.md"
    if not path.is_file():
        raise PromptError(f"no prompt file {path}")
    return path.read_text(encoding="utf-8")


def _env(folder: Path) -> jinja2.Environment:
    # Prompts are plain text, so no HTML escaping; StrictUndefined catches typos inside loops too.
    return jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)
