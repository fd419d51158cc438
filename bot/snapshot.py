"""One snapshot of the index: its files (chunks, catalog, BM25), written once, read, and checked.

A snapshot is written once and never changed, so any difference from what it says of itself (a
truncated `chunks.jsonl`, a catalog that does not parse, a BM25 index of another size) is damage:
`storybot index --check` reports it, `storybot index` repairs it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import bm25s
from langchain_chroma import Chroma

from bot.chunking import Chunking, chunk_from_dict, chunk_to_dict
from bot.spelling import vocabulary
from bot.text import terms
from bot.types import Bio, Chunk, Corpus, Story, StoryInfo, SuggestedQuestion

# What the vector store keeps beside each vector (see `_metadata`). A change must re-add every vector,
# so it names both the collection and the snapshot: an older index is rebuilt, never half-reused.
STORE_LAYOUT = "2"


@dataclass(frozen=True)
class Catalog:
    """Stories, bios and term statistics of one snapshot."""

    stories: dict[str, StoryInfo]
    bios: tuple[Bio, ...]
    doc_freq: dict[str, int] = field(default_factory=dict)
    n_chunks: int = 0
    model: str = ""
    # The words a misspelt one may be read as (`spelling.vocabulary`); empty in older snapshots.
    vocabulary: tuple[str, ...] = ()


@dataclass
class Snapshot:
    """A loaded snapshot: the chunks in BM25 order, the catalog and the BM25 retriever."""

    name: str
    chunks: list[Chunk]
    catalog: Catalog
    bm25: bm25s.BM25
    by_id: dict[str, int]
    # The vector store its requests query: a request started on this snapshot finishes on its store,
    # even when a newer snapshot (with a fresh store) goes live meanwhile.
    store: Chroma | None = None


class TermCache:
    """Each chunk's BM25 terms by chunk id, kept from one build to the next in a process.

    A chunk's id hashes its whole content, so its terms never change; tokenising every passage again
    was most of the cost of publishing one story into an archive.
    """

    def __init__(self) -> None:
        self._terms: dict[str, list[str]] = {}

    def terms_of(self, chunks: list[Chunk]) -> list[list[str]]:
        """The terms of each chunk, in order; only the chunks of the last call are kept."""
        known = self._terms
        self._terms = {c.id: known[c.id] if c.id in known else terms(c.embedding_text()) for c in chunks}
        return [self._terms[c.id] for c in chunks]


def write_files(folder: Path, chunks: list[Chunk], corpus: Corpus, model: str, cache: TermCache | None = None) -> None:
    """Write a snapshot's files into `folder` (a temporary one, renamed into place by the caller)."""
    tokens = (cache or TermCache()).terms_of(chunks)
    with (folder / "chunks.jsonl").open("w", encoding="utf-8") as out:
        for chunk in chunks:
            out.write(json.dumps(chunk_to_dict(chunk), ensure_ascii=False) + "\n")
    catalog = replace(_catalog(corpus, tokens), model=model, vocabulary=vocabulary(c.text for c in chunks))
    (folder / "catalog.json").write_text(json.dumps(_catalog_to_json(catalog), ensure_ascii=False))
    bm25 = bm25s.BM25()
    bm25.index(tokens or [[""]], show_progress=False)
    bm25.save(str(folder / "bm25"), show_progress=False)


def snapshot_name(corpus: Corpus, model_name: str, chunking: Chunking) -> str:
    """A hash of everything a snapshot is made from: the corpus, the model and the chunker's code.

    Hashing the corpus rather than its chunks lets an unchanged corpus be recognised without chunking
    it (seconds for thousands of articles); hashing the chunking code keeps a chunker change from
    being mistaken for "unchanged".
    """
    digest = hashlib.sha256(model_name.encode())
    digest.update(f"{STORE_LAYOUT}\0{chunking}".encode())
    digest.update(_chunker_fingerprint())
    items: list[Story | Bio] = [*corpus.stories, *corpus.bios]
    for item in items:
        digest.update(json.dumps(asdict(item), sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()[:20]


def _chunker_fingerprint() -> bytes:
    import bot.chunking
    import bot.text
    import bot.types  # Chunk.embedding_text: what the encoder sees

    return b"".join(Path(m.__file__).read_bytes() for m in (bot.chunking, bot.text, bot.types) if m.__file__)


def _catalog(corpus: Corpus, tokens: list[list[str]]) -> Catalog:
    stories = {
        s.id: StoryInfo(s.id, s.title, s.published, s.url, s.questions, s.updated, s.correction) for s in corpus.stories
    }
    doc_freq = Counter(t for chunk_terms in tokens for t in set(chunk_terms))
    return Catalog(stories=stories, bios=corpus.bios, doc_freq=dict(doc_freq), n_chunks=len(tokens))


def _catalog_to_json(catalog: Catalog) -> dict[str, object]:
    return {
        "stories": [asdict(s) for s in catalog.stories.values()],
        "bios": [asdict(b) for b in catalog.bios],
        "doc_freq": catalog.doc_freq,
        "n_chunks": catalog.n_chunks,
        "model": catalog.model,
        "vocabulary": list(catalog.vocabulary),
    }


def _catalog_from_json(data: dict[str, object]) -> Catalog:
    stories = {}
    for s in data["stories"]:  # type: ignore[attr-defined]
        questions = tuple(SuggestedQuestion(**q) for q in s["questions"])
        # `updated` and `correction` are absent from snapshots written before stories had them.
        extra = (s.get("updated"), s.get("correction"))
        stories[s["id"]] = StoryInfo(s["id"], s["title"], s["published"], s["url"], questions, *extra)
    bios = tuple(
        Bio(**{**b, "aliases": tuple(b["aliases"]), "stories": tuple(b["stories"])})
        for b in data["bios"]  # type: ignore[attr-defined]
    )
    vocabulary: tuple[str, ...] = tuple(data.get("vocabulary", ()))  # type: ignore[arg-type]
    return Catalog(stories, bios, data["doc_freq"], data["n_chunks"], str(data.get("model", "")), vocabulary)  # type: ignore[arg-type]


def load_snapshot(folder: Path, name: str) -> Snapshot:
    with (folder / "chunks.jsonl").open(encoding="utf-8") as lines:
        chunks = [chunk_from_dict(json.loads(line)) for line in lines]
    catalog = _catalog_from_json(json.loads((folder / "catalog.json").read_text(encoding="utf-8")))
    bm25 = bm25s.BM25.load(str(folder / "bm25"), show_progress=False, verbosity=0)
    return Snapshot(name, chunks, catalog, bm25, {c.id: i for i, c in enumerate(chunks)})


# What CURRENT may hold: a snapshot's folder name, never a path (no "/", no "..").
SNAPSHOT_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
SNAPSHOT_FILES = ("chunks.jsonl", "catalog.json", "bm25")


def snapshot_problems(folder: Path) -> list[str]:
    """What is wrong with the files of the snapshot in `folder` (nothing when it is whole)."""
    missing = [name for name in SNAPSHOT_FILES if not (folder / name).exists()]
    if missing:
        return [f"snapshot {folder.name}: {', '.join(missing)} missing"]
    problems: list[str] = []
    ids = _chunk_ids(folder, problems)
    catalog = _catalog_data(folder, problems)
    if ids is None:
        return problems
    if catalog is not None and catalog.get("n_chunks") != len(ids):
        problems.append(
            f"snapshot {folder.name}: catalog.json counts {catalog.get('n_chunks')} chunks, chunks.jsonl has {len(ids)}"
        )
    try:
        bm25 = bm25s.BM25.load(str(folder / "bm25"), show_progress=False, verbosity=0)
        documents = int(bm25.scores["num_docs"])
    except Exception as exc:  # bm25s raises whatever its files cause; each is damage
        problems.append(f"snapshot {folder.name}: bm25/ does not load ({_short(exc)})")
    else:
        if documents != max(1, len(ids)):
            problems.append(f"snapshot {folder.name}: bm25/ indexes {documents} chunks, chunks.jsonl has {len(ids)}")
    return problems


def chunk_ids(folder: Path) -> list[str]:
    """The chunk ids of a snapshot that `snapshot_problems` found whole."""
    return _chunk_ids(folder, []) or []


def _chunk_ids(folder: Path, problems: list[str]) -> list[str] | None:
    ids: list[str] = []
    with (folder / "chunks.jsonl").open(encoding="utf-8", errors="replace") as lines:
        for number, line in enumerate(lines, start=1):
            try:
                ids.append(chunk_from_dict(json.loads(line)).id)
            except (ValueError, TypeError, AttributeError) as exc:
                problems.append(f"snapshot {folder.name}: chunks.jsonl line {number} is damaged ({_short(exc)})")
                return None
    return ids


def _catalog_data(folder: Path, problems: list[str]) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / "catalog.json").read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not {"stories", "bios", "doc_freq", "n_chunks"} <= data.keys():
            raise ValueError("a field is missing")
        return data
    except (OSError, ValueError) as exc:
        problems.append(f"snapshot {folder.name}: catalog.json is damaged ({_short(exc)})")
        return None


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]
