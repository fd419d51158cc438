"""Questions editors add to a story, with their last verdicts, kept in SQL beside the platforms'
conversations (the same `STORYBOT_CONVERSATIONS_URL`, a table of its own)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from dataclasses import dataclass

from sqlalchemy import Boolean, DateTime, Engine, Integer, String, Text, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from bot.config import Settings
from bot.errors import StoreError
from bot.sql import failing_as_store_error, open_engine, sqlite_path

log = logging.getLogger(__name__)


class _Base(DeclarativeBase):
    pass


class _EditorQuestion(_Base):
    __tablename__ = "editor_questions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    story: Mapped[str] = mapped_column(String(200), index=True)
    question: Mapped[str] = mapped_column(Text)
    # The story's own suggested question this one stands in for (an editor's rewording), if any.
    replaces: Mapped[str | None] = mapped_column(Text, nullable=True)
    passed: Mapped[bool] = mapped_column(Boolean)
    reasons: Mapped[str] = mapped_column(Text)  # a JSON list
    checked_on: Mapped[str] = mapped_column(String(200))  # the snapshot the verdict was given on
    checked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class Verdict:
    """A check's outcome: passed or not, why not, and on which snapshot."""

    passed: bool
    reasons: tuple[str, ...] = ()
    checked_on: str = ""


@dataclass(frozen=True)
class EditorQuestion:
    """A question an editor added to a story, and its last verdict."""

    story: str
    question: str
    verdict: Verdict
    replaces: str | None = None
    checked_at: dt.datetime | None = None


class SuggestionStore:
    """Editors' questions per story. Nothing is opened until first used; reading a SQLite file that
    does not exist yet finds no questions and creates nothing (only a save creates it)."""

    def __init__(self, url: str, max_chars: int = Settings.max_question_chars) -> None:
        """`max_chars`: the longest question kept (the bot's own limit: a longer one could never be asked)."""
        self.url = url
        self.max_chars = max_chars
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    def questions(self, story: str | None = None) -> list[EditorQuestion]:
        """The editors' questions of `story` (of every story when None), oldest first."""
        if self._absent():
            return []
        query = select(_EditorQuestion).order_by(_EditorQuestion.id)
        if story is not None:
            query = query.where(_EditorQuestion.story == story)
        with failing_as_store_error("read the editors' questions"), Session(self._open()) as session:
            return [_from_row(row) for row in session.scalars(query).all()]

    def approved(self, story: str | None = None) -> list[EditorQuestion]:
        """Like `questions`, but only those that passed their last check; a failed read is logged and
        finds none, so a reader's page still loads with the story's own suggestions."""
        try:
            return [q for q in self.questions(story) if q.verdict.passed]
        except StoreError as exc:
            log.error("%s", exc)
            return []

    def save(
        self, story: str, question: str, verdict: Verdict, *, was: str | None = None, replaces: str | None = None
    ) -> None:
        """Keep `question` with its verdict. `was` is the editor question it is an edit of (that row is
        changed in place, so an edit replaces it); `replaces` the story's own question it rewords."""
        question = question.strip()
        if not question or len(question) > self.max_chars:
            raise StoreError(f"a question must be 1 to {self.max_chars} characters long")
        now = dt.datetime.now(dt.UTC)
        with failing_as_store_error("save the question"), Session(self._open()) as session, session.begin():
            row = self._row(session, story, was) if was else None
            same = self._row(session, story, question)
            if row is not None and same is not None and same.id != row.id:
                session.delete(same)  # edited into a question already kept: one row stays
            row = row or same
            if row is None:
                row = _EditorQuestion(story=story, replaces=replaces)
                session.add(row)
            row.question = question
            row.passed = verdict.passed
            row.reasons = json.dumps(list(verdict.reasons), ensure_ascii=False)
            row.checked_on = verdict.checked_on
            row.checked_at = now

    def remove(self, story: str, question: str) -> None:
        """Forget an editor's question (a story's own questions are in the corpus, not here)."""
        with failing_as_store_error("remove the question"), Session(self._open()) as session, session.begin():
            row = self._row(session, story, question)
            if row is not None:
                session.delete(row)

    @staticmethod
    def _row(session: Session, story: str, question: str) -> _EditorQuestion | None:
        query = select(_EditorQuestion).where(_EditorQuestion.story == story, _EditorQuestion.question == question)
        return session.scalars(query.limit(1)).first()

    def _absent(self) -> bool:
        path = sqlite_path(self.url)
        return self._engine is None and path is not None and not path.exists()

    def _open(self) -> Engine:
        with self._lock:
            if self._engine is None:
                self._engine = open_engine(self.url, _Base.metadata, "the editors' questions")
            return self._engine


def _from_row(row: _EditorQuestion) -> EditorQuestion:
    reasons = tuple(str(r) for r in json.loads(row.reasons or "[]"))
    verdict = Verdict(bool(row.passed), reasons, row.checked_on)
    return EditorQuestion(row.story, row.question, verdict, row.replaces, row.checked_at)
