"""Which suggested questions a reader is offered: only those that pass their check on the live index.

The checks run when a story is indexed (`Offers.check`, from `Bot.index_corpus` and before a server
opens its port) and are kept in a file per snapshot beside the index, so a reader's request only looks
them up. A question found unchecked (a snapshot swapped in by another process a moment before its
checks were written) is checked then, once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import threading
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from pathlib import Path

from bot.errors import StoreError
from bot.suggestions import EditorQuestion, SuggestionStore, Verdict
from bot.types import Chunk, StoryInfo

log = logging.getLogger(__name__)

# Snapshots whose verdicts are kept in memory at once (the live one and those still finishing requests).
TABLES = 4
# What a verdicts file may be named after: a snapshot key, never a path.
_KEY = re.compile(r"[A-Za-z0-9_.-]{1,100}")


class Offers:
    """Whether each story's suggested question passes, checked once per snapshot and then remembered.

    A newsroom's "Common questions" are written before the story is indexed, and some are ones the
    bot refuses ("What Do Recent Political Changes in Ireland and Belarus Mean…"): offered as a button
    or in a refusal, they would lead a reader straight to another refusal.
    """

    def __init__(self, passes: Callable[[str, str], bool], folder: Path | None = None) -> None:
        """`passes(question, story)` checks the question within the story; verdicts are kept in `folder`
        (one JSON file per snapshot key) when given."""
        self.passes = passes  # public: a fresh `Offers` may be built around the same check
        self._folder = folder
        # The verdicts of the last few snapshots: requests on the outgoing one finish while the next is
        # checked, and each keeps its own table instead of swapping one shared table back and forth.
        self._tables: dict[str, dict[tuple[str, str], bool]] = {}
        self._checking: set[tuple[str, str]] = set()
        # Requests on several threads share the tables: finding or making one is done under the lock.
        self._lock = threading.Lock()

    def offered(self, snapshot: str, story: str, questions: Sequence[str]) -> list[str]:
        """The questions of `story` that pass on `snapshot`, in their order."""
        known = self._table(snapshot)  # this snapshot's table, even if another request swaps in the next one
        chosen = []
        for question in questions:
            key = (story, question)
            if key not in known and key not in self._checking:
                # Not offered while it is checked: its own refusal, which lists suggestions, must not
                # offer it, nor check it again. Only a finished check is kept (and saved).
                self._checking.add(key)
                try:
                    passes = self.passes(question, story)
                finally:
                    self._checking.discard(key)
                known[key] = passes
            if known.get(key, False):
                chosen.append(question)
        return chosen

    def verdict(self, snapshot: str, story: str, question: str) -> bool | None:
        """The question's verdict on `snapshot` if it has been checked there (None if not); checks nothing."""
        return self._table(snapshot).get((story, question))

    def with_editors(self, snapshot: str, story: str, own: Sequence[str], edits: Sequence[EditorQuestion]) -> list[str]:
        """The story's questions a reader is offered: its own that pass on `snapshot`, except those an editor
        reworded (the rewording stands in their place if its last check passed), then the editors' added
        questions whose last check passed."""
        stand_in = {e.replaces: e for e in edits if e.replaces}
        passing = set(self.offered(snapshot, story, [q for q in own if q not in stand_in]))
        chosen = []
        for question in own:
            edit = stand_in.get(question)
            if edit is None and question in passing:
                chosen.append(question)
            elif edit is not None and edit.verdict.passed:
                chosen.append(edit.question)
        chosen += [e.question for e in edits if not e.replaces and e.verdict.passed]
        return list(dict.fromkeys(chosen))

    def carry(self, previous: str, snapshot: str, stories: Container[str]) -> None:
        """Give `snapshot` the verdicts `previous` had for `stories` (those it has not checked itself)."""
        if previous == snapshot:
            return
        with self._lock:
            kept = self._tables.get(previous)
        earlier = dict(kept) if kept is not None else self._load(previous)
        table = self._table(snapshot)
        for (story, question), passes in earlier.items():
            if story in stories:
                table.setdefault((story, question), passes)

    def check(self, snapshot: str, questions: Mapping[str, Sequence[str]]) -> dict[tuple[str, str], bool]:
        """Check every (story, question) of `questions` not yet checked on `snapshot` and keep the verdicts
        in the folder; returns those reached. A failed write is logged: the verdicts still hold in memory.

        A question a concurrent request is checking is left to it."""
        known = self._table(snapshot)
        missing = [(s, q) for s, qs in questions.items() for q in qs if (s, q) not in known]
        for story, question in missing:
            self.offered(snapshot, story, [question])
        if missing or not self._saved(snapshot):
            self._save(snapshot, known)
        return {(s, q): known[(s, q)] for s, qs in questions.items() for q in qs if (s, q) in known}

    def _table(self, snapshot: str) -> dict[tuple[str, str], bool]:
        with self._lock:
            table = self._tables.pop(snapshot, None)
            if table is None:
                # a new snapshot may answer differently: its own verdicts, from its file when checked at indexing
                table = self._load(snapshot)
            self._tables[snapshot] = table  # the most recently used last; the least is dropped first
            while len(self._tables) > TABLES:
                del self._tables[next(iter(self._tables))]
            return table

    def _path(self, snapshot: str) -> Path | None:
        if self._folder is None or not _KEY.fullmatch(snapshot):
            return None
        return self._folder / f"{snapshot}.json"

    def _saved(self, snapshot: str) -> bool:
        path = self._path(snapshot)
        return path is None or path.exists()

    def _load(self, snapshot: str) -> dict[tuple[str, str], bool]:
        path = self._path(snapshot)
        if path is None or not path.exists():
            return {}
        try:
            items = json.loads(path.read_text(encoding="utf-8"))["verdicts"]
            return {(str(i["story"]), str(i["question"])): bool(i["passes"]) for i in items}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("suggested questions' verdicts in %s are unreadable (%s); checking them again", path, exc)
            return {}

    def _save(self, snapshot: str, known: Mapping[tuple[str, str], bool]) -> None:
        path = self._path(snapshot)
        if path is None:
            return
        items = [{"story": s, "question": q, "passes": p} for (s, q), p in known.items()]
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Written whole and renamed: a server reading it meanwhile sees the old file or the new one.
            handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({"verdicts": items}, out, ensure_ascii=False)
            os.replace(temporary, path)
        except OSError as exc:
            log.warning("could not keep the suggested questions' verdicts in %s: %s", path, exc)

    def prune(self, kept: Callable[[str], bool]) -> None:
        """Remove the verdict files of the snapshot keys `kept` says no (snapshots gone from the index)."""
        if self._folder is None or not self._folder.is_dir():
            return
        for path in self._folder.glob("*.json"):
            if not kept(path.stem):
                path.unlink(missing_ok=True)


def story_prints(chunks: Sequence[Chunk]) -> dict[str, str]:
    """A hash per story of its passages and its profiles' (what answering within it reads)."""
    ids: dict[str, list[str]] = {}
    for chunk in chunks:
        for story in chunk.stories or (chunk.doc_id,):
            ids.setdefault(story, []).append(chunk.id)
    return {story: hashlib.sha256("".join(sorted(found)).encode()).hexdigest() for story, found in ids.items()}


def own_questions(stories: Iterable[StoryInfo], edits: Sequence[EditorQuestion]) -> dict[str, list[str]]:
    """Each story's own suggested questions, but those an editor reworded (the rewording is checked instead)."""
    reworded = {(e.story, e.replaces) for e in edits if e.replaces}
    return {s.id: [q.question for q in s.questions if (s.id, q.question) not in reworded] for s in stories}


def recheck(
    store: SuggestionStore,
    edits: Sequence[EditorQuestion],
    snapshot: str,
    stories: Container[str],
    verdict: Callable[[str, str, str], Verdict],
) -> None:
    """Check again the passing editors' questions of `stories` (those whose passages changed) last checked on
    another snapshot, and keep a new failure; `verdict(question, story, snapshot)` checks one. A failed
    question stays failed: this check only asks whether it is still answered, and passing needs the
    Editor's fuller one (citations, quotes), so only an editor's check there brings it back. A failed
    write is logged and the previous verdict stays."""
    for edit in edits:
        if edit.story not in stories or edit.verdict.checked_on == snapshot or not edit.verdict.passed:
            continue
        checked = verdict(edit.question, edit.story, snapshot)
        try:
            store.save(edit.story, edit.question, checked, was=edit.question)
        except StoreError as exc:
            log.error("editor question %r of %s not re-checked: %s", edit.question, edit.story, exc)
