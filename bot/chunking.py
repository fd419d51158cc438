"""Split stories and bios into `Chunk`s: section-aware, sentence-aware, content-hashed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from bot.text import sentence_spans
from bot.types import Bio, Chunk, Corpus, Kind, Story

# Long sections are cut into windows of about this many characters, overlapping by this many
# sentences (chosen by the chunk sweep in bench/README.md: 1,600 doubled answer recall@1 on
# RealTimeQA dev over 800). A change re-embeds the corpus.
CHUNK_CHARS = 1600
CHUNK_OVERLAP = 1


def whole_up_to(chars: int) -> int:
    """The longest section kept whole when windows are about `chars` long: 1.5 times that."""
    return chars * 3 // 2


@dataclass(frozen=True)
class Chunking:
    """How long text is cut. Sections up to `limit` stay whole (most newsroom sections are a
    paragraph); longer text is packed into ~`target`-character windows of whole sentences, each
    sharing `overlap` sentences with the next so that an answer straddling a boundary is still
    found in one chunk. Defaults chosen by the chunk sweep in bench/README.md.
    """

    target: int = CHUNK_CHARS
    limit: int = whole_up_to(CHUNK_CHARS)
    overlap: int = CHUNK_OVERLAP

    @classmethod
    def of(cls, chars: int, overlap: int) -> Chunking:
        """Windows of about `chars` characters; sections up to 1.5 times that stay whole."""
        return cls(chars, whole_up_to(chars), overlap)


DEFAULT = Chunking()


def chunk_corpus(
    corpus: Corpus, chunking: Chunking = DEFAULT, memo: dict[Story | Bio, tuple[Chunk, ...]] | None = None
) -> list[Chunk]:
    """Every chunk of the corpus, in corpus order, with duplicate ids (identical content) dropped.

    `memo` (kept by the caller between builds with the same chunking) holds each item's chunks: a
    story unchanged since the last build is not split again. It is left holding this corpus's items.
    """
    known = dict(memo or {})
    fresh: dict[Story | Bio, tuple[Chunk, ...]] = {}
    chunks: dict[str, Chunk] = {}
    items: list[Story | Bio] = [*corpus.stories, *corpus.bios]
    for item in items:
        if item not in fresh:
            split = chunk_story(item, chunking) if isinstance(item, Story) else chunk_bio(item, chunking)
            fresh[item] = known[item] if item in known else tuple(split)
        for chunk in fresh[item]:
            chunks.setdefault(chunk.id, chunk)
    if memo is not None:
        memo.clear()
        memo.update(fresh)
    return list(chunks.values())


def chunk_story(story: Story, chunking: Chunking = DEFAULT) -> Iterator[Chunk]:
    """The chunks of one story, each knowing its story, section, title, url and date."""
    for section in story.sections:
        for text in split_text(section.text, chunking.target, chunking.limit, chunking.overlap):
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


def chunk_bio(bio: Bio, chunking: Chunking = DEFAULT) -> Iterator[Chunk]:
    """The chunks of one bio, labelled with the person's name."""
    for text in split_text(bio.text, chunking.target, chunking.limit, chunking.overlap):
        yield make_chunk(doc_id=bio.id, kind="bio", text=text, title=bio.name, entity=bio.name, stories=bio.stories)


def split_text(
    text: str, target: int = DEFAULT.target, limit: int = DEFAULT.limit, overlap: int = DEFAULT.overlap
) -> Iterator[str]:
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
        start = max(end - overlap, start + 1)


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
