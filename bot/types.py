"""Plain frozen dataclasses passed between the pipeline stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from bot import present  # renders an Answer; it needs these types for annotations only

Kind = Literal["story", "bio"]


@dataclass(frozen=True)
class Section:
    """One `##` section of a story, with its text as written in the file."""

    heading: str
    text: str
    line: int


@dataclass(frozen=True)
class SuggestedQuestion:
    """A story's "Common questions" entry, kept as data for editors and UIs."""

    question: str
    teaser: str


@dataclass(frozen=True)
class Story:
    """A story (or an archived article, which has a single untitled section)."""

    id: str
    title: str
    sections: tuple[Section, ...]
    path: str
    published: str | None = None
    url: str | None = None
    source: str | None = None
    questions: tuple[SuggestedQuestion, ...] = ()
    # When the story was last changed (`updated:`), and the correction notice it carries (`correction:`).
    updated: str | None = None
    correction: str | None = None


@dataclass(frozen=True)
class StoryInfo:
    """What surfaces need to show a story without reading the corpus."""

    id: str
    title: str
    published: str | None = None
    url: str | None = None
    questions: tuple[SuggestedQuestion, ...] = ()
    updated: str | None = None
    correction: str | None = None


@dataclass(frozen=True)
class Bio:
    """A short bio of a person or entity; its names expand queries."""

    id: str
    name: str
    text: str
    path: str
    aliases: tuple[str, ...] = ()
    stories: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The name followed by every alias."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Corpus:
    """Everything loaded from the corpus files."""

    stories: tuple[Story, ...] = ()
    bios: tuple[Bio, ...] = ()
    # Problems that leave the rest usable, each naming its file and line ("people/x.md:2: …").
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chunk:
    """A passage to index. `id` is a hash of everything else, so equal content gives an equal id."""

    id: str
    doc_id: str
    kind: Kind
    text: str
    title: str
    section: str | None = None
    entity: str | None = None
    url: str | None = None
    published: str | None = None
    stories: tuple[str, ...] = ()

    @property
    def head(self) -> str:
        """The title, and the section or person when there is one: context every part of the chunk shares."""
        label = self.section or self.entity or ""
        return f"{self.title}. {label}." if label and label != self.title else f"{self.title}."

    def embedding_text(self) -> str:
        """What the encoder sees: the passage with its title and section for context."""
        return f"{self.head}\n{self.text}"


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with the evidence that ranked it."""

    chunk: Chunk
    score: float
    dense: float | None = None
    lexical: float | None = None


@dataclass(frozen=True)
class Citation:
    """A numbered source: the exact quoted passage, where it comes from, and its story's dates and correction
    notice (a bio has none)."""

    number: int
    chunk_id: str
    story_id: str
    section: str | None
    entity: str | None
    title: str
    url: str | None
    quote: str
    published: str | None = None
    updated: str | None = None
    correction: str | None = None


@dataclass(frozen=True)
class AnswerSentence:
    """One sentence of an answer and the numbers of the citations it rests on."""

    text: str
    citations: tuple[int, ...] = ()


@dataclass(frozen=True)
class Answer:
    """What the bot says: sentences with their citation numbers and the numbered citations, or a refusal
    with its reason and the covered questions it suggests. `note` tells the reader how a misspelt name was
    read. `bot.present` renders it for each surface; nothing parses it back from text."""

    sentences: tuple[AnswerSentence, ...] = ()
    citations: tuple[Citation, ...] = ()
    refused: bool = False
    reason: str = ""
    suggestions: tuple[str, ...] = ()
    note: str = ""

    @property
    def text(self) -> str:
        """The answer as one line of plain text with `[n]` markers (rendered, see `bot.present.plain`)."""
        return present.plain(self)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape every surface uses (see `bot.present.to_json`)."""
        return present.to_json(self)


@dataclass(frozen=True)
class DraftSentence:
    """One answer sentence and the hits (by position in the hit list) it rests on."""

    text: str
    sources: tuple[int, ...]
    quotes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Draft:
    """An answerer's output before verification."""

    sentences: tuple[DraftSentence, ...] = field(default_factory=tuple)
    declined: bool = False
