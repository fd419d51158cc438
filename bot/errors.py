"""The exception tree. Messages of `BotError` and its children are shown to users as they are."""

from __future__ import annotations


class BotError(Exception):
    """Base of every error a user can act on; its message says what was wrong."""


class ConfigError(BotError):
    """A setting is missing or invalid."""


class InputError(BotError):
    """A question or request is unusable (empty, too long, control characters...)."""


class UnknownStoryError(InputError):
    """A story id that the index does not hold."""


class CorpusError(BotError):
    """A corpus file is broken; the message names the file and line."""

    def __init__(self, path: str, line: int | None, problem: str) -> None:
        self.path = path
        self.line = line
        self.problem = problem
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {problem}")


class IndexNotReadyError(BotError):
    """No index has been built yet at the configured path."""


class StoreError(BotError):
    """A store (ratings, platform conversations) is locked, read-only or unreachable; one write or read
    failed and nothing else was lost. Callers fail fast with this message rather than wait."""


class ModelError(BotError):
    """A model could not be loaded or answered (missing package, bad checksum, endpoint down)."""
