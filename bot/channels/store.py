"""Conversations of the messaging platforms, kept in SQL (SQLite by default; any SQLAlchemy URL works)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy import DateTime, Integer, String, Text, delete, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from bot.conversation import HISTORY_KEPT
from bot.errors import StoreError
from bot.sql import failing_as_store_error, open_engine

log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")


class _Base(DeclarativeBase):
    pass


class _Message(_Base):
    __tablename__ = "messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation: Mapped[str] = mapped_column(String(200), index=True)
    role: Mapped[str] = mapped_column(String(20))
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ConversationStore:
    """Bounded history per conversation id (e.g. "telegram:<chat id>")."""

    def __init__(self, url: str, max_messages: int = HISTORY_KEPT) -> None:
        self.engine = open_engine(url, _Base.metadata, "the conversation")
        self.max_messages = max_messages

    def history(self, conversation: str) -> list[dict[str, str]]:
        """The conversation's last messages, oldest first, as OpenAI-style messages."""
        with failing_as_store_error("read the conversation"), Session(self.engine) as session:
            rows = session.scalars(
                select(_Message)
                .where(_Message.conversation == conversation)
                .order_by(_Message.id.desc())
                .limit(self.max_messages)
            ).all()
        return [{"role": r.role, "content": r.content} for r in reversed(rows)]

    def add_turn(self, conversation: str, question: str, answer: str) -> None:
        """Append a question and its answer, and forget what falls beyond the bound."""
        now = dt.datetime.now(dt.UTC)
        with failing_as_store_error("save the conversation"), Session(self.engine) as session, session.begin():
            session.add_all(
                [
                    _Message(conversation=conversation, role="user", content=question, created_at=now),
                    _Message(conversation=conversation, role="assistant", content=answer, created_at=now),
                ]
            )
            session.flush()
            keep = (
                select(_Message.id)
                .where(_Message.conversation == conversation)
                .order_by(_Message.id.desc())
                .limit(self.max_messages)
            )
            session.execute(
                delete(_Message).where(
                    _Message.conversation == conversation, _Message.id.not_in(keep.scalar_subquery())
                )
            )

    def clear(self, conversation: str) -> None:
        """Forget a conversation."""
        with failing_as_store_error("clear the conversation"), Session(self.engine) as session, session.begin():
            session.execute(delete(_Message).where(_Message.conversation == conversation))


def carry_on(action: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T | None:
    """Run a store action for a platform reply; a `StoreError` is logged and the reply goes on without
    it (None), so the user still hears back: answered without context, or not remembered."""
    try:
        return action(*args, **kwargs)
    except StoreError as exc:
        log.error("conversation store: %s", exc)
        return None
