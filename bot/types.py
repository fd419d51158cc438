"""Plain frozen dataclasses passed between the pipeline stages."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Kind = Literal["story", "bio"]

# How a refusal's text lists questions the sources do cover; the web UI turns them back into buttons.
SUGGESTIONS_PREFIX = " You could ask: "
SUGGESTIONS_SEPARATOR = " / "


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
    """A numbered source: the exact quoted passage and where it comes from."""

    number: int
    chunk_id: str
    story_id: str
    section: str | None
    entity: str | None
    title: str
    url: str | None
    quote: str


@dataclass(frozen=True)
class Answer:
    """What the bot says: text with [n] markers, the numbered citations, and whether it declined."""

    text: str
    citations: tuple[Citation, ...] = ()
    refused: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape every surface uses: exactly `text`, `citations`, `refused`."""
        return {
            "text": self.text,
            "citations": [asdict(c) for c in self.citations],
            "refused": self.refused,
        }


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
