"""The answerer protocol: anything that turns hits into a `Draft` (the reader, or an LLM)."""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import Protocol

from bot.retrieve import Query
from bot.scoring import Idf
from bot.types import Answer, AnswerSentence, Chunk, Citation, Draft, DraftSentence, Hit, StoryInfo


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


def compose(sentences: list[DraftSentence], hits: list[Hit], stories: Mapping[str, StoryInfo] | None = None) -> Answer:
    """Number the (chunk, quote) pairs in order of use; each sentence keeps the numbers it rests on. Each
    citation carries its story's dates and correction notice from `stories` (the catalog's)."""
    numbers: dict[tuple[str, str], int] = {}
    citations: list[Citation] = []
    said = []
    for sentence in sentences:
        cited = []
        for source, quote in zip(sentence.sources, sentence.quotes, strict=True):
            chunk = hits[source].chunk
            key = (chunk.id, quote)
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                citations.append(citation(numbers[key], chunk, quote, stories or {}))
            cited.append(numbers[key])
        said.append(AnswerSentence(sentence.text.strip(), tuple(cited)))
    return Answer(sentences=tuple(said), citations=tuple(citations))


def citation(number: int, chunk: Chunk, quote: str, stories: Mapping[str, StoryInfo]) -> Citation:
    """The numbered source for `quote` in `chunk`, with its story's dates and correction notice from the
    catalog (`stories`); a bio cites no dates. Without a catalog entry the chunk's own date stands."""
    info = stories.get(chunk.doc_id) if chunk.kind == "story" else None
    return Citation(
        number,
        chunk.id,
        chunk.doc_id,
        chunk.section,
        chunk.entity,
        chunk.title,
        chunk.url,
        quote,
        published=info.published if info is not None else chunk.published,
        updated=info.updated if info is not None else None,
        correction=info.correction if info is not None else None,
    )
