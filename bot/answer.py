"""The answerer protocol: anything that turns hits into a `Draft` (the reader, or an LLM)."""

from __future__ import annotations

from typing import Protocol

from bot.retrieve import Query
from bot.types import Draft, Hit


class Answerer(Protocol):
    """Anything that drafts an answer from hits. Verification happens after it."""

    def draft(self, query: Query, hits: list[Hit], idf: dict[str, float]) -> Draft:
        """A draft whose sentences cite hits by position in `hits`."""
        ...
