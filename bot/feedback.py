"""Readers' thumbs up/down on answers, stored in SQLite for editors to review."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.config import STORE_WAIT
from bot.errors import InputError, StoreError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    comment TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    refused INTEGER NOT NULL,
    citations TEXT NOT NULL,
    story TEXT
)
"""
MAX_COMMENT = 2000


@dataclass(frozen=True)
class Feedback:
    """One stored rating."""

    id: int
    created_at: str
    rating: int
    comment: str
    question: str
    answer: dict[str, Any]
    story: str | None


class FeedbackStore:
    """Appends ratings to a SQLite file (created on first use); one short connection per call."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=STORE_WAIT)
        connection.execute(_SCHEMA)
        return connection

    def add(
        self, rating: int, question: str, answer: dict[str, Any], comment: str = "", story: str | None = None
    ) -> int:
        """Store a rating (+1 or -1) of `answer` (the `Answer` JSON); returns its id."""
        if rating not in (-1, 1):
            raise InputError("a rating is thumbs up (1) or thumbs down (-1)")
        comment = comment.strip()
        if len(comment) > MAX_COMMENT:
            raise InputError(f"the comment is {len(comment)} characters long; the limit is {MAX_COMMENT}")
        row = (
            dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            rating,
            comment,
            question,
            answer.get("text", ""),
            int(bool(answer.get("refused"))),
            json.dumps(answer.get("citations", []), ensure_ascii=False),
            story,
        )
        try:
            with closing(self._connect()) as db, db:
                cursor = db.execute(
                    "INSERT INTO feedback (created_at, rating, comment, question, answer, refused, citations, story)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    row,
                )
                return int(cursor.lastrowid or 0)
        except sqlite3.Error as exc:
            raise StoreError(f"the rating was not saved ({exc}): please try again in a moment") from None

    def all(self) -> list[Feedback]:
        """Every rating, oldest first."""
        if not self.path.exists():
            return []
        with closing(self._connect()) as db:
            columns = "id, created_at, rating, comment, question, answer, refused, citations, story"
            rows = db.execute(f"SELECT {columns} FROM feedback ORDER BY id").fetchall()
        return [
            Feedback(
                r[0], r[1], r[2], r[3], r[4], {"text": r[5], "refused": bool(r[6]), "citations": json.loads(r[7])}, r[8]
            )
            for r in rows
        ]
