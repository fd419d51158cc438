"""FastAPI routes over a `Bot`: the plain JSON API and an OpenAI-compatible chat endpoint."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import date
from importlib import resources
from typing import Any, TypeVar

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.api.publish import publish_router
from bot.bot import Bot
from bot.config import Settings
from bot.errors import BotError, IndexNotReadyError, InputError, UnknownStoryError
from bot.http import MAX_BODY_BYTES, ApiError, Guard, RateLimiter, parse_json, read_body
from bot.present import pieces, plain, sources_text, to_json
from bot.publish import Publisher
from bot.redact import install as install_redaction
from bot.types import Answer
from bot.when import parse_as_of

log = logging.getLogger(__name__)

MODEL_ID = "storybot"
# Seconds a stopping server lets answers in progress finish before it closes what is still open.
SHUTDOWN_GRACE_S = 5
ModelT = TypeVar("ModelT", bound=BaseModel)


class AskRequest(BaseModel):
    """`POST /api/ask`."""

    model_config = ConfigDict(extra="forbid")
    question: str
    history: list[dict[str, Any]] | None = None
    story: str | None = None
    # YYYY-MM-DD: answer as of that day (stories published later are invisible); today when absent.
    as_of: str | None = None


class ChatMessage(BaseModel):
    """One OpenAI-style message; content may be text or a list of text parts."""

    role: str
    content: str | list[dict[str, Any]] | None = None


class ChatRequest(BaseModel):
    """`POST /v1/chat/completions` (unknown OpenAI parameters such as temperature are accepted and ignored)."""

    model: str = MODEL_ID
    messages: list[ChatMessage]
    stream: bool = False
    story: str | None = None
    as_of: str | None = None  # an extra field, as in `AskRequest`


def _mount_channels(api: FastAPI, bot: Bot, settings: Settings) -> None:
    """The Telegram and Slack webhooks, when configured, sharing one conversation store."""
    telegram, slack = settings.channels.telegram, settings.channels.slack
    if not (telegram.token and telegram.secret) and not (slack.bot_token and slack.signing_secret):
        return
    from bot.channels.store import ConversationStore

    store = ConversationStore(settings.channels.conversations_url)
    if telegram.token and telegram.secret:
        from bot.channels.telegram import TelegramChannel

        channel = TelegramChannel(bot, store, telegram.token, telegram.secret, telegram.api_url, httpx.Client())
        api.include_router(channel.router())
    if slack.bot_token and slack.signing_secret:
        from bot.channels.slack import SlackChannel, slack_client

        client = slack_client(slack.bot_token, slack.api_url)
        api.include_router(SlackChannel(bot, store, slack.signing_secret, client).router())


def create_api(bot: Bot, settings: Settings) -> FastAPI:
    """The API app; `serve` mounts the web page on it too."""
    api = FastAPI(title="Storybot API", version="0.1.0", description="Cited answers about the newsroom's stories.")
    guard = Guard(settings.server.api_keys, RateLimiter(settings.server.rate_limit))

    _mount_channels(api, bot, settings)
    publisher = Publisher(bot, settings.corpus_dir, settings.index_dir / "history")
    api.include_router(publish_router(bot, publisher, settings.server.publish_keys, guard))

    @api.middleware("http")
    async def page_calls(request: Request, call_next: Any) -> Response:
        # The web page mounted on this app calls Gradio's endpoints, which a script can call too.
        try:
            guard.page(request)
        except ApiError as exc:
            return _error(exc.status, exc.message, exc.headers)
        response: Response = await call_next(request)
        return response

    @api.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.message, exc.headers)

    # FastAPI's own errors (a wrong method, an unknown path, `?stream=maybe`) in the documented shape
    # too, never its `{"detail": …}`.
    @api.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = str(exc.detail)
        if exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        elif exc.status_code == 404:
            message = f"nothing at {request.url.path}"
        return _error(exc.status_code, message, dict(exc.headers or {}))

    @api.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{'.'.join(map(str, e.get('loc', ())))}: {e.get('msg', '')}" for e in exc.errors())
        return _error(400, f"invalid request: {problems}")

    @api.get("/widget.js", include_in_schema=False)
    async def widget() -> Response:
        script = resources.files("bot.ui").joinpath("widget.js").read_text(encoding="utf-8")  # package data
        return Response(script, media_type="application/javascript", headers={"Cache-Control": "max-age=300"})

    @api.get("/api/health")
    async def health() -> dict[str, Any]:
        try:
            snapshot = await run_in_threadpool(bot.index.snapshot)
            problems = await run_in_threadpool(bot.index.health)
        except IndexNotReadyError as exc:
            raise ApiError(503, str(exc)) from None
        # Degraded still answers (from BM25 when vectors are missing), so it is not a 503.
        status = {"status": "degraded", "problems": problems} if problems else {"status": "ok"}
        return {**status, "stories": len(snapshot.catalog.stories), "chunks": len(snapshot.chunks)}

    @api.get("/api/stories")
    async def stories(request: Request) -> list[dict[str, Any]]:
        guard.caller(request)
        return await run_in_threadpool(_stories, bot)

    @api.post("/api/ask", response_model=None)
    async def ask(request: Request, stream: bool = False) -> JSONResponse | StreamingResponse:
        guard.caller(request)
        body = _parse(AskRequest, await _body(request))
        answer = await _answer(bot, body.question, body.history, body.story, _as_of(body.as_of))
        if stream:
            return StreamingResponse(_ask_events(answer), media_type="text/event-stream")
        return JSONResponse(to_json(answer))

    @api.get("/v1/models")
    async def models(request: Request) -> dict[str, Any]:
        guard.caller(request)
        return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "storybot"}]}

    @api.post("/v1/chat/completions", response_model=None)
    async def chat(request: Request) -> JSONResponse | StreamingResponse:
        guard.caller(request)
        body = _parse(ChatRequest, await _body(request))
        question, history = _conversation(body.messages)
        answer = await _answer(bot, question, history, body.story, _as_of(body.as_of))
        if body.stream:
            return StreamingResponse(_chat_chunks(answer, body.model), media_type="text/event-stream")
        return JSONResponse(_completion(answer, body.model))

    return api


async def _body(request: Request) -> bytes:
    # Read as it streams and stop at the limit: a chunked body declares no length, and reading it
    # whole first let 300 MB into memory before the 413.
    return await read_body(request, MAX_BODY_BYTES)


def _parse(model: type[ModelT], body: bytes) -> ModelT:
    data = parse_json(body or b"null")
    if not isinstance(data, dict):
        raise ApiError(400, "the request body must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors())
        raise ApiError(400, f"invalid request: {problems}") from None


def _as_of(value: str | None) -> date | None:
    """The request's `as_of` day (None: today); a bad one is a 400 naming the field."""
    if value is None:
        return None
    try:
        return parse_as_of(value.strip() or "-")
    except InputError as exc:
        raise ApiError(400, f"invalid request: {exc}") from None


async def _answer(
    bot: Bot, question: str, history: list[dict[str, Any]] | None, story: str | None, as_of: date | None = None
) -> Answer:
    try:
        return await run_in_threadpool(bot.ask, question, history, story, as_of=as_of)
    except UnknownStoryError as exc:
        raise ApiError(404, str(exc)) from None
    except IndexNotReadyError as exc:
        raise ApiError(503, str(exc)) from None
    except BotError as exc:
        raise ApiError(400, str(exc)) from None


def _conversation(messages: list[ChatMessage]) -> tuple[str, list[dict[str, str]]]:
    turns = [{"role": m.role, "content": _text(m.content)} for m in messages if m.role in ("user", "assistant")]
    if not turns or turns[-1]["role"] != "user":
        raise ApiError(400, "messages must end with a user message holding the question")
    return turns[-1]["content"], turns[:-1]


def _text(content: str | list[dict[str, Any]] | None) -> str:
    if isinstance(content, list):
        return " ".join(str(part.get("text", "")) for part in content if part.get("type", "text") == "text")
    return content or ""


def _sse(data: Any, event: str | None = None) -> str:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {json.dumps(data, ensure_ascii=False)}\n\n"


def _ask_events(answer: Answer) -> Iterator[str]:
    data = to_json(answer)
    for i, piece in enumerate(pieces(answer)):
        yield _sse({"text": piece if i == 0 else " " + piece}, "delta")
    yield _sse(data["citations"], "citations")
    yield _sse(data, "done")


def _completion(answer: Answer, model: str) -> dict[str, Any]:
    message = {"role": "assistant", "content": plain(answer) + sources_text(answer)}
    return {
        "id": "chatcmpl-storybot",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        "citations": to_json(answer)["citations"],
        "refused": answer.refused,
    }


def _chat_chunks(answer: Answer, model: str) -> Iterator[str]:
    base = {"id": "chatcmpl-storybot", "object": "chat.completion.chunk", "created": 0, "model": model}
    parts = [s if i == 0 else " " + s for i, s in enumerate(pieces(answer))] + [sources_text(answer)]
    yield _sse(
        {**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]}
    )
    for piece in filter(None, parts):
        yield _sse({**base, "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]})
    final = {"index": 0, "delta": {}, "finish_reason": "stop"}
    yield _sse({**base, "choices": [final], "citations": to_json(answer)["citations"], "refused": answer.refused})
    yield "data: [DONE]\n\n"


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    kinds = {
        400: "invalid_request_error",
        401: "authentication_error",
        403: "permission_error",
        404: "not_found_error",
        405: "method_not_allowed",
        409: "conflict_error",
        413: "request_too_large",
        415: "unsupported_media_type",
        429: "rate_limit_error",
        503: "service_unavailable",
    }
    return JSONResponse({"error": {"message": message, "type": kinds.get(status, "error")}}, status, headers=headers)


def serve(bot: Bot, settings: Settings) -> None:
    """Serve the web page at / and the API at /api and /v1, in one process."""
    import gradio as gr
    import uvicorn

    from bot.feedback import FeedbackStore
    from bot.ui.app import create_app, theme_and_css
    from bot.ui.editor import mount_editor

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    install_redaction(settings.secrets)
    api = create_api(bot, settings)
    theme, css = theme_and_css()
    page = create_app(bot, FeedbackStore(settings.server.feedback_path), settings)
    mount_editor(api, bot, settings, theme)  # before the reader's page, which takes every other path
    app = gr.mount_gradio_app(api, page, path="/", theme=theme, css=css, footer_links=[])
    config = uvicorn.Config(
        app,
        host=settings.server.host,
        port=settings.server.port,
        log_level="warning",
        # A reader's open page holds a stream open: without a bound, stopping the server waits for
        # every tab to close (a restart hung past 20 s with one left open).
        timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
    )
    server = uvicorn.Server(config)  # its loggers get their handlers here: redact them too
    install_redaction(settings.secrets)
    warm(bot)
    server.run()


def _stories(bot: Bot) -> list[dict[str, Any]]:
    """The stories, each with the suggested questions that pass their checks (the others are never offered),
    editors' approved questions among them."""
    listed = []
    for s in bot.stories():
        teasers = {q.question: q.teaser for q in s.questions}
        questions = [{"question": q, "teaser": teasers.get(q, "")} for q in bot.suggested_questions(s.id)]
        listed.append({"id": s.id, "title": s.title, "published": s.published, "url": s.url, "questions": questions})
    return listed


def warm(bot: Bot) -> None:
    """Load models and the index before the port opens: a cold first question took 640-730 ms, not ~100."""
    try:
        bot.warm()
    except IndexNotReadyError as exc:
        log.warning("not warmed: %s", exc)  # the page still serves, and questions get a 503 until indexed
