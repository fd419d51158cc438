"""Split stories and bios into `Chunk`s: section-aware, sentence-aware, content-hashed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict

from bot.text import sentence_spans
from bot.types import Bio, Chunk, Corpus, Kind, Story

# Sections up to MAX_CHARS stay whole (most newsroom sections are a paragraph); longer text is
# packed into ~TARGET_CHARS windows of whole sentences, overlapping by one sentence so that an
# answer straddling a boundary is still found in one chunk.
TARGET_CHARS = 800
MAX_CHARS = 1200


def chunk_corpus(corpus: Corpus, target: int = TARGET_CHARS, limit: int = MAX_CHARS) -> list[Chunk]:
    """Every chunk of the corpus, in corpus order, with duplicate ids (identical content) dropped."""
    chunks: dict[str, Chunk] = {}
    for story in corpus.stories:
        for chunk in chunk_story(story, target, limit):
            chunks.setdefault(chunk.id, chunk)
    for bio in corpus.bios:
        for chunk in chunk_bio(bio, target, limit):
            chunks.setdefault(chunk.id, chunk)
    return list(chunks.values())


def chunk_story(story: Story, target: int = TARGET_CHARS, limit: int = MAX_CHARS) -> Iterator[Chunk]:
    """The chunks of one story, each knowing its story, section, title, url and date."""
    for section in story.sections:
        for text in split_text(section.text, target, limit):
            yield make_chunk(
                doc_id=story.id,
                kind="story",
                text=text,
                title=story.title,
                section=section.heading or None,
                url=story.url,
                published=story.published,
                stories=(story.id,),
            )


def chunk_bio(bio: Bio, target: int = TARGET_CHARS, limit: int = MAX_CHARS) -> Iterator[Chunk]:
    """The chunks of one bio, labelled with the person's name."""
    for text in split_text(bio.text, target, limit):
        yield make_chunk(doc_id=bio.id, kind="bio", text=text, title=bio.name, entity=bio.name, stories=bio.stories)


def split_text(text: str, target: int = TARGET_CHARS, limit: int = MAX_CHARS) -> Iterator[str]:
    """Whole text if short; else windows of whole sentences. Every piece is an exact substring."""
    if len(text) <= limit:
        yield text
        return
    spans = list(_pieces(text, limit))
    start = 0
    while start < len(spans):
        end = start + 1
        while end < len(spans) and spans[end][1] - spans[start][0] <= target:
            end += 1
        yield text[spans[start][0] : spans[end - 1][1]]
        if end >= len(spans):
            return
        start = max(end - 1, start + 1)


def _pieces(text: str, limit: int) -> Iterator[tuple[int, int]]:
    """Sentence spans; a run-on "sentence" longer than `limit` is cut at spaces."""
    for start, end in sentence_spans(text):
        while end - start > limit:
            cut = text.rfind(" ", start, start + limit)
            cut = cut if cut > start else start + limit
            yield start, cut
            start = cut + 1 if text[cut : cut + 1] == " " else cut
        if end > start:
            yield start, end


def make_chunk(
    *,
    doc_id: str,
    kind: Kind,
    text: str,
    title: str,
    section: str | None = None,
    entity: str | None = None,
    url: str | None = None,
    published: str | None = None,
    stories: tuple[str, ...] = (),
) -> Chunk:
    """A chunk whose id hashes all of its content, so unchanged content keeps its id."""
    fields = dict(
        doc_id=doc_id,
        kind=kind,
        text=text,
        title=title,
        section=section,
        entity=entity,
        url=url,
        published=published,
        stories=list(stories),
    )
    digest = hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return Chunk(id=digest[:32], **{**fields, "stories": tuple(stories)})  # type: ignore[arg-type]


def chunk_to_dict(chunk: Chunk) -> dict[str, object]:
    """A JSON-ready dict of a chunk."""
    data = asdict(chunk)
    data["stories"] = list(chunk.stories)
    return data


def chunk_from_dict(data: dict[str, object]) -> Chunk:
    """The inverse of `chunk_to_dict`."""
    return Chunk(**{**data, "stories": tuple(data.get("stories") or ())})  # type: ignore[arg-type]
