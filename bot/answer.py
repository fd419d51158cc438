"""The answerer protocol: anything that turns hits into a `Draft` (the reader, or an LLM)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Protocol

from bot.retrieve import Query
from bot.scoring import Idf
from bot.types import Draft, Hit


class Answerer(Protocol):
    """Anything that drafts an answer from hits. Verification happens after it.

    Callers use these methods only, never the answerer's class: the reader writes nothing of its
    own, so its `stream` yields no text and its `complete` has no reply.
    """

    def draft(self, query: Query, hits: list[Hit], idf: Idf) -> Draft:
        """A draft whose sentences cite hits by position in `hits`."""
        ...

    def stream(self, query: Query, hits: list[Hit], idf: Idf) -> Generator[str, None, Draft]:
        """Yield the answer's raw, unverified text as it is written; return the same draft as `draft`."""
        ...

    def complete(self, prompt: str) -> str | None:
        """The reply of the answerer's language model to a free prompt; None when it has no model."""
        ...
