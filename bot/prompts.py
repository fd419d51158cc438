"""Prompts live in `prompts/*.md` and are rendered strictly: a missing or unknown variable is an error.

The folder ships inside the package as `bot.prompt_files`, a symbolic link to the top-level `prompts/`
that a wheel build follows, so an installed wheel has its prompts; they are read through
importlib.resources.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import jinja2
from jinja2 import meta


def prompts_folder() -> Traversable:
    """The shipped prompts (package data)."""
    return resources.files("bot.prompt_files")


class PromptError(ValueError):
    """A prompt file is missing, or was rendered with missing or unknown variables (a programming error)."""


def prompt_names(folder: Traversable | None = None) -> list[str]:
    """The names of every prompt file."""
    return sorted(p.name.removesuffix(".md") for p in (folder or prompts_folder()).iterdir() if p.name.endswith(".md"))


def variables(name: str, folder: Traversable | None = None) -> set[str]:
    """The variables a prompt uses."""
    env = _env()
    source = _source(name, folder or prompts_folder())
    return set(meta.find_undeclared_variables(env.parse(source)))


def render(name: str, folder: Traversable | None = None, **values: Any) -> str:
    """Render prompt `name` with exactly the variables it uses."""
    expected = variables(name, folder)
    missing, unknown = expected - values.keys(), values.keys() - expected
    if missing or unknown:
        raise PromptError(f"prompt {name!r}: missing {sorted(missing)}, unknown {sorted(unknown)}")
    return _env().from_string(_source(name, folder or prompts_folder())).render(**values).strip()


def _source(name: str, folder: Traversable) -> str:
    path = folder.joinpath(f"{name}.md")
    if not path.is_file():
        raise PromptError(f"no prompt file {path}")
    return path.read_text(encoding="utf-8")


def _env() -> jinja2.Environment:
    # Prompts are plain text, so no HTML escaping; StrictUndefined catches typos inside loops too.
    return jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)
