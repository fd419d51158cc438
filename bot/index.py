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
import logging
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import chromadb
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from bot.chunking import DEFAULT as DEFAULT_CHUNKING
from bot.chunking import Chunking, chunk_corpus
from bot.errors import IndexNotReadyError
from bot.snapshot import (
    SNAPSHOT_NAME,
    STORE_LAYOUT,
    Snapshot,
    TermCache,
    chunk_ids,
    load_snapshot,
    snapshot_name,
    snapshot_problems,
    write_files,
)
from bot.types import Bio, Chunk, Corpus, Story

BATCH = 256
log = logging.getLogger(__name__)
# Seconds a replaced Chroma client is kept open for the requests still using it (they take well under one).
RETIRE_AFTER = 60.0
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class IndexReport:
    """What one `build` did."""

    snapshot: str
    chunks: int
    embedded: int
    removed: int
    unchanged: bool
    # Damage found and repaired on the way (`problems`): never "up to date" over a broken index.
    repaired: tuple[str, ...] = ()
    # Passages that read as instructions to an assistant (bot/suspicious.py): indexed, never quoted.
    flagged: tuple[str, ...] = ()


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
        self._terms = TermCache()
        # The snapshot this process built last: serving it needs no new Chroma client (`_reload_snapshot`).
        self._built_here: str | None = None
        # Each story's chunks from the last build: an archive's unchanged stories are not split again.
        self._chunks_of: dict[Story | Bio, tuple[Chunk, ...]] = {}

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
        """Bring the index to exactly `corpus`: embed new chunks, swap the snapshot, drop stale vectors.

        Damage is repaired on the way: a damaged snapshot is rewritten, missing vectors are embedded
        again, and an unreadable vector store is set aside and rebuilt.
        """
        name = snapshot_name(corpus, self.model_name, self.chunking)
        with self._lock():
            repaired: list[str] = []
            if self._current_or_none() == name and (self.root / "snapshots" / name).is_dir():
                repaired = self.problems()
                if not repaired:
                    return self._sweep_orphans(name)
            final = self.root / "snapshots" / name
            if final.is_dir() and snapshot_problems(final):
                _set_aside(final)
            chunks = chunk_corpus(corpus, self.chunking, self._chunks_of)
            existing = self._stored_ids(repaired)
            fresh = [c for c in chunks if c.id not in existing]
            self._embed(fresh, progress)
            self._write_snapshot(name, chunks, corpus)
            self._built_here = name
            self._swap(name)
            stale = sorted(existing - {c.id for c in chunks})
            for start in range(0, len(stale), 5000):
                self.store.delete(ids=stale[start : start + 5000])
            self._prune_snapshots(keep={name})
            self._drop_other_collections()
        return IndexReport(name, len(chunks), len(fresh), len(stale), unchanged=False, repaired=tuple(repaired))

    def _sweep_orphans(self, name: str) -> IndexReport:
        """The report of an up-to-date index, after deleting vectors no chunk of it has: an interrupted
        build of another corpus (a story since withdrawn) leaves them behind."""
        store = self.store  # opens the client
        client = self._client or self._live_client
        assert client is not None
        ids = chunk_ids(self.root / "snapshots" / name)
        count = client.get_collection(self.collection_name).count()
        if count <= len(ids):
            return IndexReport(name, len(ids), 0, 0, unchanged=True)
        orphans = sorted(set(store.get(include=[])["ids"]) - set(ids))
        for start in range(0, len(orphans), 5000):
            store.delete(ids=orphans[start : start + 5000])
        swept = f"{len(orphans)} vectors of no chunk (left by an interrupted run) were deleted"
        return IndexReport(name, len(ids), 0, len(orphans), unchanged=False, repaired=(swept,))

    def problems(self) -> list[str]:
        """What is wrong with the live index (nothing when it is whole): a CURRENT naming no snapshot,
        damaged snapshot files, or chunks whose vectors are missing from the store."""
        try:
            name = self._read_current()
        except IndexNotReadyError as exc:
            return [str(exc)]
        if name is None:
            return [f"no live snapshot: {self.root / 'CURRENT'} is missing or empty"]
        folder = self.root / "snapshots" / name
        if not folder.is_dir():
            return [f"CURRENT names snapshot {name}, which is missing"]
        damage = snapshot_problems(folder)
        if damage:
            return damage
        ids = chunk_ids(folder)
        try:
            stored = self._stored(ids)
        except Exception as exc:  # Chroma raises many kinds over damaged files
            return [f"the vector store in {self.root / 'chroma'} does not open ({str(exc)[:120]})"]
        missing = [i for i in ids if i not in stored]
        return [f"{len(missing)} of {len(ids)} chunks have no vector in the store"] if missing else []

    def _stored(self, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(ids), 5000):
            found |= set(self.store.get(ids=ids[start : start + 5000], include=[])["ids"])
        return found

    def _stored_ids(self, repaired: list[str]) -> set[str]:
        """Every id in the vector store; a store that does not open is set aside, to be rebuilt."""
        try:
            return set(self.store.get(include=[])["ids"])
        except Exception as exc:  # Chroma raises many kinds over damaged files
            if self._client is not None:
                raise
            if not repaired:
                repaired.append(f"the vector store did not open ({str(exc)[:120]})")
            repaired.append("the vector store was set aside and its vectors embedded again")
            self._reopen_store()
            _set_aside(self.root / "chroma")
            return set(self.store.get(include=[])["ids"])

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
            write_files(tmp, chunks, corpus, self.model_name, self._terms)
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
        A CURRENT that goes missing, or names a snapshot that does not load, leaves the loaded one serving.
        """
        stamp = self._stamp()
        current = self._snapshot
        if current is not None and stamp == self._current_stamp and current.store is not None:
            return current
        with self._reload:
            stamp = self._stamp()
            if self._snapshot is None or stamp != self._current_stamp or self._snapshot.store is None:
                self._reload_snapshot()
                self._current_stamp = stamp
            assert self._snapshot is not None
            return self._snapshot

    def _reload_snapshot(self) -> None:
        try:
            name = self._read_current()
            if name is None:
                raise IndexNotReadyError(f"no index at {self.root}: run 'storybot index' first")
            if self._snapshot is None or self._snapshot.name != name:
                loaded = self._load(name)
                # Only another process's vectors need a fresh client; this one's builds went through
                # the live client, which may still be deleting the old snapshot's vectors right now.
                if self._snapshot is not None and name != self._built_here:
                    self._reopen_store()
                    self._built_here = None  # another process's build: ours is no longer what CURRENT names
                self._snapshot = loaded
        except IndexNotReadyError as exc:
            if self._snapshot is None:
                raise
            log.error("%s; still serving snapshot %s", exc, self._snapshot.name)
        try:
            self._snapshot.store = self.store
        except Exception as exc:  # Chroma raises many kinds over damaged files
            raise self._damaged_store(exc) from None

    def _damaged_store(self, exc: Exception) -> IndexNotReadyError:
        self._reopen_store()  # the next request tries a fresh client (the files may have been repaired)
        return IndexNotReadyError(
            f"the vector store in {self.root / 'chroma'} does not open ({str(exc)[:120]}): "
            "run 'storybot index' to repair it"
        )

    def health(self) -> list[str]:
        """A cheap check for every health probe: vectors missing from the live snapshot's store.
        (`problems` is the thorough one, reading every file.)"""
        snapshot = self.snapshot()
        try:
            client = self._client or self._live_client
            count = client.get_collection(self.collection_name).count() if client else 0
        except Exception as exc:  # Chroma raises many kinds over damaged files
            return [f"the vector store does not open ({str(exc)[:120]})"]
        if count < len(snapshot.chunks):
            return [f"the vector store holds {count} vectors for {len(snapshot.chunks)} chunks: run 'storybot index'"]
        return []

    def _load(self, name: str) -> Snapshot:
        folder = self.root / "snapshots" / name
        if not (folder / "chunks.jsonl").is_file():
            raise IndexNotReadyError(
                f"the index at {self.root} is incomplete (snapshot {name} missing): run 'storybot index'"
            )
        try:
            snapshot = load_snapshot(folder, name)
        except Exception as exc:  # any failure to read a snapshot's files is damage
            raise IndexNotReadyError(
                f"the index at {self.root} is damaged (snapshot {name}: {str(exc)[:120] or type(exc).__name__}): "
                "run 'storybot index' to repair it"
            ) from None
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
        try:
            pairs = store.similarity_search_by_vector_with_relevance_scores(vector, k=k, filter=where)  # type: ignore[arg-type]
        except Exception as exc:  # Chroma raises many kinds over damaged files
            raise self._damaged_store(exc) from None
        return [(doc.id, 1.0 - distance) for doc, distance in pairs if doc.id is not None]

    def _stamp(self) -> tuple[float, int] | None:
        try:
            st = (self.root / "CURRENT").stat()
        except FileNotFoundError:
            return None
        return (st.st_mtime, st.st_ino)

    def _read_current(self) -> str | None:
        """The live snapshot's name; a CURRENT holding anything but a name (a path) is refused."""
        try:
            name = (self.root / "CURRENT").read_text(encoding="utf-8", errors="replace").strip()
        except FileNotFoundError:
            return None
        if name and not SNAPSHOT_NAME.fullmatch(name):
            raise IndexNotReadyError(
                f"{self.root / 'CURRENT'} holds {name[:80]!r}, which is not a snapshot name: run 'storybot index'"
            )
        return name or None

    def _current_or_none(self) -> str | None:
        try:
            return self._read_current()
        except IndexNotReadyError:
            return None


def _set_aside(path: Path) -> None:
    """Move damaged files out of the way (kept beside, for a look, until the next repair)."""
    aside = path.with_name(f".damaged-{path.name}")
    shutil.rmtree(aside, ignore_errors=True)
    if path.exists():
        os.replace(path, aside)


def _metadata(chunk: Chunk) -> dict[str, str]:
    # No key per story: Chroma's query cost grows with the number of distinct metadata keys, even
    # unfiltered (a key per story made each dense query 140 ms at 19,890 articles, against 3 ms without).
    return {"doc_id": chunk.doc_id, "kind": chunk.kind}
