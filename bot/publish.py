"""Publishing: a newsroom's system puts, replaces and takes down stories and profiles while Storybot serves.

Each change is a corpus file written (or moved out), then one index build: only the changed story's
passages are embedded (chunk ids are content hashes) and the new snapshot is live when the call
returns. A change that does not index leaves the corpus as it was and the previous snapshot serving.
Earlier versions and taken-down files are kept under the index folder's `history/`, never deleted.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bot.bot import Bot
from bot.corpus import load_corpus, load_file, parse_markdown, unknown_links
from bot.errors import CorpusError, IndexNotReadyError, InputError, UnknownStoryError
from bot.types import Bio, Story

Kind = Literal["story", "bio"]
FOLDERS: dict[Kind, str] = {"story": "stories", "bio": "people"}
NOUNS: dict[Kind, str] = {"story": "story", "bio": "profile"}


class PublishConflictError(InputError):
    """The id belongs to something this call may not replace (an archive's article, the other kind)."""


@dataclass(frozen=True)
class Published:
    """What a publishing call changed, and the snapshot that now serves it."""

    id: str
    kind: Kind
    action: Literal["created", "updated", "unchanged", "withdrawn"]
    snapshot: str
    embedded: int
    path: str


@dataclass(frozen=True)
class Found:
    """The corpus file that holds an id, and what it is (None: a file this API wrote that no longer parses)."""

    path: Path
    noun: str | None


class Publisher:
    """Puts and takes down corpus items one at a time, reindexing after each."""

    def __init__(self, bot: Bot, corpus_dir: Path, history_dir: Path) -> None:
        self.bot = bot
        self.corpus_dir = corpus_dir
        self.history_dir = history_dir
        # One change at a time in this process; the index's file lock orders other processes.
        self._lock = threading.Lock()

    def put(self, kind: Kind, item_id: str, text: str) -> Published:
        """Create or replace the story or profile `item_id` with `text` (a corpus Markdown file)."""
        target_name = f"{FOLDERS[kind]}/{item_id}.md"
        item = parse_markdown(text, target_name)
        if NOUNS[kind] != _noun(item):
            raise InputError(f"{target_name}: this is a {_noun(item)}, not a {NOUNS[kind]}")
        if item.id != item_id:
            raise InputError(f"{target_name}: its front matter says id '{item.id}', but the address says '{item_id}'")
        with self._lock:
            existing = self._find(item_id)
            if isinstance(item, Bio):
                self._check_links(item, target_name)
            if existing is not None and existing.noun not in (None, NOUNS[kind]):
                raise PublishConflictError(f"'{item_id}' is already a {existing.noun} ({existing.path})")
            # A broken file of this id is replaced: publishing the fixed version is how it gets fixed.
            target = existing.path if existing is not None else self.corpus_dir / target_name
            previous = _read(target) if target.is_file() else None
            if previous == text:
                return Published(item_id, kind, "unchanged", self.bot.index.snapshot().name, 0, str(target))
            write_file(target, text)
            try:
                report = self.bot.index_corpus()
            except BaseException:
                self._restore(target, previous)
                raise
            if previous is not None:
                self._keep(item_id, previous, "replaced")
        action: Literal["created", "updated"] = "updated" if previous is not None else "created"
        return Published(item_id, kind, action, report.snapshot, report.embedded, str(target))

    def take_down(self, kind: Kind, item_id: str) -> Published:
        """Remove the story or profile `item_id` from the corpus and the index; its file goes to history."""
        with self._lock:
            existing = self._find(item_id)
            if existing is None or existing.noun not in (None, NOUNS[kind]):
                raise UnknownStoryError(f"no {NOUNS[kind]} with id '{item_id}' in the corpus")
            target = existing.path
            text = _read(target)
            kept = self._keep(item_id, text, "withdrawn")
            target.unlink()
            try:
                report = self.bot.index_corpus()
            except BaseException:
                self._restore(target, text)
                kept.unlink(missing_ok=True)
                raise
        return Published(item_id, kind, "withdrawn", report.snapshot, report.embedded, str(target))

    def _find(self, item_id: str) -> Found | None:
        for folder in FOLDERS.values():  # where this API writes: no need to read the whole archive
            path = self.corpus_dir / folder / f"{item_id}.md"
            if path.is_file():
                try:
                    item = load_file(path)[0]
                except CorpusError:
                    return Found(path, None)
                if item.id == item_id:
                    return Found(path, _noun(item))
        if not self._indexed(item_id):
            return None  # a new id: the build's own check still refuses one that some file already uses
        corpus = load_corpus([self.corpus_dir]) if self.corpus_dir.exists() else None
        items: list[Story | Bio] = [*corpus.stories, *corpus.bios] if corpus else []
        found = next((i for i in items if i.id == item_id), None)
        if found is not None and not found.path.endswith(".md"):
            # An archive line is one article among many: replacing it means editing the archive.
            raise PublishConflictError(f"'{item_id}' is an article in the archive {found.path}; edit the archive")
        return None if found is None else Found(Path(found.path), _noun(found))

    def _indexed(self, item_id: str) -> bool:
        try:
            catalog = self.bot.catalog()
        except IndexNotReadyError:
            return True  # nothing to go by: read the files
        return item_id in catalog.stories or any(b.id == item_id for b in catalog.bios)

    def _check_links(self, bio: Bio, where: str) -> None:
        unknown = unknown_links(bio, set(self.bot.catalog().stories))
        if unknown:
            raise InputError(f"{where}:2: 'stories' names unknown story ids: {', '.join(unknown)}")

    def _keep(self, item_id: str, text: str, why: str) -> Path:
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"-{time.time_ns() % 1_000_000:06d}"
        path = self.history_dir / item_id / f"{stamp}-{why}.md"
        write_file(path, text)
        return path

    def _restore(self, target: Path, previous: str | None) -> None:
        if previous is None:
            target.unlink(missing_ok=True)
        else:
            write_file(target, previous)


def write_file(path: Path, text: str) -> None:
    """Write `text` to `path` whole or not at all: an indexer reading the corpus never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8", newline="")
    os.replace(partial, path)


def _read(path: Path) -> str:
    # Bytes as written ("\r\n" stays), so an unchanged PUT is recognised and history is exact.
    return path.read_bytes().decode("utf-8")


def _noun(item: Story | Bio) -> str:
    return NOUNS["story"] if isinstance(item, Story) else NOUNS["bio"]
