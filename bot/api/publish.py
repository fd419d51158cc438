"""The publishing API: `PUT`/`DELETE`/`GET` `/api/stories/{id}` and `/api/people/{id}`, for a newsroom's CMS.

Publishing keys (`STORYBOT_PUBLISH_KEYS`) are separate from reading keys and required even on localhost:
anyone who can reach a reader's page must not be able to change what it answers from.
"""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from bot.bot import Bot
from bot.corpus import ID_PATTERN, MAX_ITEM_BYTES, SKIPPED_NAMES
from bot.errors import CorpusError, IndexNotReadyError, InputError, UnknownStoryError
from bot.http import ApiError, Guard, check_declared_size, read_body
from bot.publish import Kind, PublishConflictError, Published, Publisher

MARKDOWN_TYPES = ("text/markdown", "text/x-markdown", "text/plain")


def publish_router(bot: Bot, publisher: Publisher, keys: tuple[str, ...], guard: Guard) -> APIRouter:
    """The publishing routes; every call needs one of `keys` as `Authorization: Bearer <key>`."""
    router = APIRouter()

    def allowed(request: Request) -> None:
        presented = request.headers.get("authorization", "")
        key = presented[7:].strip() if presented.lower().startswith("bearer ") else ""
        if not keys:
            raise ApiError(401, "publishing is off: set STORYBOT_PUBLISH_KEYS", {"WWW-Authenticate": "Bearer"})
        if not key or not any(hmac.compare_digest(key.encode(), k.encode()) for k in keys):
            guard.failed(request)
            message = "invalid publishing key" if key else "missing publishing key: send 'Authorization: Bearer <key>'"
            raise ApiError(401, message, {"WWW-Authenticate": "Bearer"})

    async def put(kind: Kind, item_id: str, request: Request) -> dict[str, Any]:
        allowed(request)
        _check_id(item_id)
        check_declared_size(request, MAX_ITEM_BYTES)
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media not in MARKDOWN_TYPES:
            raise ApiError(415, f"send the file as Content-Type: text/markdown (got {media or 'none'})")
        try:
            text = (await read_body(request, MAX_ITEM_BYTES)).decode("utf-8")
        except UnicodeDecodeError:
            raise ApiError(400, "the body is not UTF-8 text") from None
        return _json(await _call(publisher.put, kind, item_id, text))

    async def delete(kind: Kind, item_id: str, request: Request) -> dict[str, Any]:
        allowed(request)
        _check_id(item_id)
        return _json(await _call(publisher.take_down, kind, item_id))

    @router.put("/api/stories/{item_id}")
    async def put_story(item_id: str, request: Request) -> dict[str, Any]:
        """Create or replace a story from its Markdown file; live when this returns."""
        return await put("story", item_id, request)

    @router.put("/api/people/{item_id}")
    async def put_bio(item_id: str, request: Request) -> dict[str, Any]:
        """Create or replace a person's profile from its Markdown file."""
        return await put("bio", item_id, request)

    @router.delete("/api/stories/{item_id}")
    async def delete_story(item_id: str, request: Request) -> dict[str, Any]:
        """Take a story down: no answer given after this returns cites it."""
        return await delete("story", item_id, request)

    @router.delete("/api/people/{item_id}")
    async def delete_bio(item_id: str, request: Request) -> dict[str, Any]:
        """Take a profile down."""
        return await delete("bio", item_id, request)

    @router.get("/api/stories/{item_id}")
    async def get_story(item_id: str, request: Request) -> dict[str, Any]:
        """What is indexed for a story: its title, dates, passages and the snapshot serving it."""
        allowed(request)
        try:
            return await run_in_threadpool(_indexed, bot, item_id)
        except IndexNotReadyError as exc:
            raise ApiError(503, str(exc)) from None

    return router


def _check_id(item_id: str) -> None:
    # The id names the file: the corpus's id rule, and never a name the loader skips ("README").
    if not ID_PATTERN.fullmatch(item_id) or f"{item_id.lower()}.md" in SKIPPED_NAMES:
        raise ApiError(400, f"'{item_id[:80]}' is not a usable id: letters, digits, '.', '_', ':' or '-', not README")


async def _call(method: Any, *args: Any) -> Published:
    try:
        return await run_in_threadpool(method, *args)
    except UnknownStoryError as exc:
        raise ApiError(404, str(exc)) from None
    except PublishConflictError as exc:
        raise ApiError(409, str(exc)) from None
    except (CorpusError, InputError) as exc:
        raise ApiError(400, str(exc)) from None
    except IndexNotReadyError as exc:
        raise ApiError(503, str(exc)) from None


def _json(done: Published) -> dict[str, Any]:
    return {
        "id": done.id,
        "kind": done.kind,
        "action": done.action,
        "version": done.snapshot,
        "embedded": done.embedded,
    }


def _indexed(bot: Bot, item_id: str) -> dict[str, Any]:
    snapshot = bot.index.snapshot()
    story = snapshot.catalog.stories.get(item_id)
    if story is None:
        raise ApiError(404, f"no story with id '{item_id}' is indexed")
    passages = sum(1 for c in snapshot.chunks if c.doc_id == item_id)
    return {
        "id": story.id,
        "title": story.title,
        "published": story.published,
        "updated": story.updated,
        "correction": story.correction,
        "url": story.url,
        "passages": passages,
        "version": snapshot.name,
    }
