"""What the SQL stores share: opening an engine with its tables, and failing with a `StoreError` message."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, MetaData, create_engine
from sqlalchemy.exc import SQLAlchemyError

from bot.config import STORE_WAIT
from bot.errors import StoreError


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases and in-memory SQLite)."""
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        return None
    return Path(url.removeprefix("sqlite:///"))


def open_engine(url: str, tables: MetaData, what: str) -> Engine:
    """An engine on `url` with `tables` created; a SQLite file's folder is made first."""
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": STORE_WAIT} if url.startswith("sqlite") else {})
    with failing_as_store_error(f"open {what}"):
        tables.create_all(engine)
    return engine


@contextmanager
def failing_as_store_error(action: str) -> Iterator[None]:
    """Turn a database failure into a `StoreError` saying what could not be done, in the driver's words."""
    try:
        yield
    except (SQLAlchemyError, OSError) as exc:
        detail = str(getattr(exc, "orig", None) or exc).splitlines()[0][:160]
        raise StoreError(f"could not {action} ({detail})") from None
