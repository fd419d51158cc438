"""The index: Chroma vectors plus an immutable snapshot (chunks, catalog, BM25) swapped atomically.

Layout under the index folder:
    chroma/                 Chroma PersistentClient; one collection per embedding model
    snapshots/<name>/       chunks.jsonl, catalog.json, bm25/   (never modified once written)
    CURRENT                 the name of the live snapshot, replaced atomically
Readers only ever see the chunks of one complete snapshot: new vectors are added before the swap
(and ignored until then), stale ones deleted after it. A failed build never touches CURRENT.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import bm25s
import chromadb
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from bot.chunking import DEFAULT as DEFAULT_CHUNKING
from bot.chunking import Chunking, chunk_corpus, chunk_from_dict, chunk_to_dict
from bot.errors import IndexNotReadyError
from bot.text import terms
from bot.types import Bio, Chunk, Corpus, Story, SuggestedQuestion

# What the vector store keeps beside each vector (see `_metadata`). A change must re-add every vector,
# so it names both the collection and the snapshot: an older index is rebuilt, never half-reused.
STORE_LAYOUT = "2"

BATCH = 256
# Seconds a replaced Chroma client is kept open for the requests still using it (they take well under one).
RETIRE_AFTER = 60.0
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class StoryInfo:
    """What surfaces need to show a story without reading the corpus."""

    id: str
    title: str
    published: str | None = None
    url: str | None = None
    questions: tuple[SuggestedQuestion, ...] = ()


@dataclass(frozen=True)
class Catalog:
    """Stories, bios and term statistics of one snapshot."""

    stories: dict[str, StoryInfo]
    bios: tuple[Bio, ...]
    doc_freq: dict[str, int] = field(default_factory=dict)
    n_chunks: int = 0
    model: str = ""


@dataclass(frozen=True)
class IndexReport:
    """What one `build` did."""

    snapshot: str
    chunks: int
    embedded: int
    removed: int
    unchanged: bool


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


def make_client(path: Path) -> ClientAPI:
    """A Chroma PersistentClient with telemetry off."""
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))


class Index:
    """Builds and serves the index at `root` with `embeddings`; `client` is injectable for tests."""

    def __init__(
        self,
        root: Path,
        embeddings: Embeddings,
        model_name: str,
        client: ClientAPI | None = None,
        chunking: Chunking = DEFAULT_CHUNKING,
    ):
        self.root = root
        self.chunking = chunking
        self.embeddings = embeddings
        self.model_name = model_name
        self._client = client
        self._store: Chroma | None = None
        self._live_client: ClientAPI | None = None
        self._snapshot: Snapshot | None = None
        self._current_stamp: tuple[float, int] | None = None
        # One thread reloads a swapped snapshot; the others keep serving the one they hold.
        self._reload = threading.Lock()
        # Chroma systems of earlier snapshots, with when they were retired (stopped once no request can
        # still be using them).
        self._retired: list[tuple[float, Any]] = []

    @property
    def collection_name(self) -> str:
        """This embedding model's Chroma collection."""
        slug = re.sub(r"[^a-zA-Z0-9]+", "-", self.model_name)[-40:].strip("-") or "model"
        key = f"{self.model_name}\0{STORE_LAYOUT}"
        return f"chunks-{slug}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"

    @property
    def store(self) -> Chroma:
        """The LangChain vector store over our collection (always with our own embeddings)."""
        if self._store is None:
            self._live_client = self._client or make_client(self.root / "chroma")
            self._store = Chroma(
                collection_name=self.collection_name,
                embedding_function=self.embeddings,
                client=self._live_client,
                collection_metadata={"hnsw:space": "cosine"},
            )
        return self._store

    # --- building -------------------------------------------------------------------------

    def build(self, corpus: Corpus, progress: Progress | None = None) -> IndexReport:
        """Bring the index to exactly `corpus`: embed new chunks, swap the snapshot, drop stale vectors."""
        name = _snapshot_name(corpus, self.model_name, self.chunking)
        with self._lock():
            if self._read_current() == name and (self.root / "snapshots" / name).is_dir():
                return IndexReport(name, _chunk_count(self.root / "snapshots" / name), 0, 0, unchanged=True)
            chunks = chunk_corpus(corpus, self.chunking)
            existing = set(self.store.get(include=[])["ids"])
            fresh = [c for c in chunks if c.id not in existing]
            self._embed(fresh, progress)
            self._write_snapshot(name, chunks, corpus)
            self._swap(name)
            stale = sorted(existing - {c.id for c in chunks})
            for start in range(0, len(stale), 5000):
                self.store.delete(ids=stale[start : start + 5000])
            self._prune_snapshots(keep={name})
            self._drop_other_collections()
        return IndexReport(name, len(chunks), len(fresh), len(stale), unchanged=False)

    def _embed(self, chunks: list[Chunk], progress: Progress | None) -> None:
        # Batches of similar length: the encoder pads every text of a batch to its longest one.
        chunks = sorted(chunks, key=lambda c: len(c.embedding_text()))
        for start in range(0, len(chunks), BATCH):
            batch = chunks[start : start + BATCH]
            self.store.add_texts(
                texts=[c.embedding_text() for c in batch],
                metadatas=[_metadata(c) for c in batch],
                ids=[c.id for c in batch],
            )
            if progress:
                progress(min(start + BATCH, len(chunks)), len(chunks))

    def _write_snapshot(self, name: str, chunks: list[Chunk], corpus: Corpus) -> None:
        final = self.root / "snapshots" / name
        if final.is_dir():
            return
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=final.parent))
        try:
            tokens = [terms(c.embedding_text()) for c in chunks]
            with (tmp / "chunks.jsonl").open("w", encoding="utf-8") as out:
                for chunk in chunks:
                    out.write(json.dumps(chunk_to_dict(chunk), ensure_ascii=False) + "\n")
            catalog = replace(_catalog(corpus, tokens), model=self.model_name)
            (tmp / "catalog.json").write_text(json.dumps(_catalog_to_json(catalog), ensure_ascii=False))
            bm25 = bm25s.BM25()
            bm25.index(tokens or [[""]], show_progress=False)
            bm25.save(str(tmp / "bm25"), show_progress=False)
            os.replace(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    def _swap(self, name: str) -> None:
        tmp = self.root / "CURRENT.tmp"
        tmp.write_text(name + "\n")
        os.replace(tmp, self.root / "CURRENT")

    def _prune_snapshots(self, keep: set[str]) -> None:
        # The previous snapshot stays too: a process serving it keeps working until it reloads.
        folders = sorted((self.root / "snapshots").iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in folders[2:]:
            if old.name not in keep:
                shutil.rmtree(old, ignore_errors=True)

    def _drop_other_collections(self) -> None:
        # A collection per embedding model: once this model's snapshot is live, the others are dead weight.
        assert self._live_client is not None
        for collection in self._live_client.list_collections():
            name = collection if isinstance(collection, str) else collection.name
            if name.startswith("chunks-") and name != self.collection_name:
                self._live_client.delete_collection(name)

    @contextmanager
    def _lock(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # --- serving --------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The live snapshot, reloaded when another process has swapped in a new one.

        Safe to call from many threads: one reloads, and a snapshot already handed out stays usable.
        """
        stamp = self._stamp()
        current = self._snapshot
        if current is not None and stamp == self._current_stamp and current.store is not None:
            return current
        with self._reload:
            stamp = self._stamp()
            if self._snapshot is None or stamp != self._current_stamp or self._snapshot.store is None:
                name = self._read_current()
                if name is None:
                    raise IndexNotReadyError(f"no index at {self.root}: run 'storybot index' first")
                if self._snapshot is None or self._snapshot.name != name:
                    loaded = self._load(name)
                    if self._snapshot is not None:
                        self._reopen_store()
                    self._snapshot = loaded
                self._snapshot.store = self.store
                self._current_stamp = stamp
            return self._snapshot

    def _load(self, name: str) -> Snapshot:
        folder = self.root / "snapshots" / name
        if not (folder / "chunks.jsonl").is_file():
            raise IndexNotReadyError(
                f"the index at {self.root} is incomplete (snapshot {name} missing): run 'storybot index'"
            )
        snapshot = _load_snapshot(folder, name)
        if snapshot.catalog.model != self.model_name:
            raise IndexNotReadyError(
                f"the index at {self.root} was built with embedding model {snapshot.catalog.model!r}, "
                f"not {self.model_name!r}: run 'storybot index' with this model"
            )
        return snapshot

    def _reopen_store(self) -> None:
        # Chroma caches a collection's vector index per process; after another process re-indexed,
        # only a fresh client sees the new vectors. Requests may still be querying the old client, so
        # it is not stopped now (stopping it under them failed 30 of 265 requests): it leaves Chroma's
        # shared cache, so the next client is a new one, and is stopped once `RETIRE_AFTER` has passed.
        # An injected client is the caller's to manage.
        if self._client is None:
            from chromadb.api.shared_system_client import SharedSystemClient

            system = SharedSystemClient._identifier_to_system.pop(str(self.root / "chroma"), None)
            SharedSystemClient._identifier_to_refcount.pop(str(self.root / "chroma"), None)
            now = time.monotonic()
            if system is not None:
                self._retired.append((now, system))
            for retired_at, old in [r for r in self._retired if now - r[0] > RETIRE_AFTER]:
                old.stop()
                self._retired.remove((retired_at, old))
            self._store = None

    def dense(
        self, vector: list[float], k: int, doc_ids: Sequence[str] | None = None, snapshot: Snapshot | None = None
    ) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the nearest chunks, optionally only those of `doc_ids`,
        from `snapshot`'s store (the live one's by default)."""
        where = {"doc_id": {"$in": list(doc_ids)}} if doc_ids else None
        store = (snapshot or self.snapshot()).store or self.store
        pairs = store.similarity_search_by_vector_with_relevance_scores(vector, k=k, filter=where)  # type: ignore[arg-type]
        return [(doc.id, 1.0 - distance) for doc, distance in pairs if doc.id is not None]

    def _stamp(self) -> tuple[float, int] | None:
        try:
            st = (self.root / "CURRENT").stat()
        except FileNotFoundError:
            return None
        return (st.st_mtime, st.st_ino)

    def _read_current(self) -> str | None:
        try:
            return (self.root / "CURRENT").read_text().strip() or None
        except FileNotFoundError:
            return None


def _metadata(chunk: Chunk) -> dict[str, str]:
    # No key per story: Chroma's query cost grows with the number of distinct metadata keys, even
    # unfiltered (a key per story made each dense query 140 ms at 19,890 articles, against 3 ms without).
    return {"doc_id": chunk.doc_id, "kind": chunk.kind}


def _snapshot_name(corpus: Corpus, model_name: str, chunking: Chunking) -> str:
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


def _chunk_count(folder: Path) -> int:
    with (folder / "chunks.jsonl").open("rb") as lines:
        return sum(1 for _ in lines)


def _catalog(corpus: Corpus, tokens: list[list[str]]) -> Catalog:
    stories = {s.id: StoryInfo(s.id, s.title, s.published, s.url, s.questions) for s in corpus.stories}
    doc_freq = Counter(t for chunk_terms in tokens for t in set(chunk_terms))
    return Catalog(stories=stories, bios=corpus.bios, doc_freq=dict(doc_freq), n_chunks=len(tokens))


def _catalog_to_json(catalog: Catalog) -> dict[str, object]:
    return {
        "stories": [asdict(s) for s in catalog.stories.values()],
        "bios": [asdict(b) for b in catalog.bios],
        "doc_freq": catalog.doc_freq,
        "n_chunks": catalog.n_chunks,
        "model": catalog.model,
    }


def _catalog_from_json(data: dict[str, object]) -> Catalog:
    stories = {}
    for s in data["stories"]:  # type: ignore[attr-defined]
        questions = tuple(SuggestedQuestion(**q) for q in s["questions"])
        stories[s["id"]] = StoryInfo(s["id"], s["title"], s["published"], s["url"], questions)
    bios = tuple(
        Bio(**{**b, "aliases": tuple(b["aliases"]), "stories": tuple(b["stories"])})
        for b in data["bios"]  # type: ignore[attr-defined]
    )
    return Catalog(stories, bios, data["doc_freq"], data["n_chunks"], str(data.get("model", "")))  # type: ignore[arg-type]


def _load_snapshot(folder: Path, name: str) -> Snapshot:
    with (folder / "chunks.jsonl").open(encoding="utf-8") as lines:
        chunks = [chunk_from_dict(json.loads(line)) for line in lines]
    catalog = _catalog_from_json(json.loads((folder / "catalog.json").read_text(encoding="utf-8")))
    bm25 = bm25s.BM25.load(str(folder / "bm25"), show_progress=False, verbosity=0)
    return Snapshot(name, chunks, catalog, bm25, {c.id: i for i, c in enumerate(chunks)})
