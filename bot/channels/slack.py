"""Slack: an Events API endpoint that checks Slack's request signature and answers in the thread.

Set up (see README): a Slack app with the bot scopes `app_mentions:read`, `chat:write`, `im:history`,
`im:read`, subscribed to `app_mention` and `message.im` at https://<your host>/slack/events. Requests are
verified with `STORYBOT_SLACK_SIGNING_SECRET`; answers go out through the Web API
(`STORYBOT_SLACK_API_URL`, default https://slack.com/api/) using `STORYBOT_SLACK_BOT_TOKEN`.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from typing import Any

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.signature import SignatureVerifier

from bot.bot import Bot
from bot.channels.schemas import SlackCallback, SlackChallenge, SlackEvent, problem
from bot.channels.store import ConversationStore, carry_on
from bot.errors import BotError
from bot.http import ApiError, parse_json, read_body
from bot.present import SLACK_SECTION_CHARS, SORRY, plain, remembered, shorten, slack_blocks, slack_escape, slack_text

log = logging.getLogger(__name__)
MAX_BLOCKS = 50  # Block Kit's limit per message
HELP = (
    "Ask me about the news stories I know; I answer in the thread. Every answer quotes its sources, numbered like [1]."
)
# A failed post (network, 5xx, 429) is tried again this many times, backing off from BACKOFF seconds
# (a 429 waits as long as Slack's Retry-After says).
RETRIES = 2
BACKOFF = 0.5
MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
# Event ids remembered against replays (a signed request may be sent again within Slack's 5 minutes).
SEEN_EVENTS = 10_000


def question_of(event: SlackEvent) -> str:
    """The question without the bot's mention; Slack sends `&`, `<`, `>` escaped, so they are restored."""
    text = MENTION.sub(" ", event.text)
    return " ".join(text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").split())


class SlackChannel:
    """Receives Events API callbacks, answers from the `Bot`, keeps a conversation per thread."""

    def __init__(self, bot: Bot, store: ConversationStore, signing_secret: str, client: WebClient) -> None:
        self.bot = bot
        self.store = store
        self.verifier = SignatureVerifier(signing_secret)
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._seen_lock = threading.Lock()
        self.client = client

    def verified(self, body: bytes, headers: dict[str, str]) -> bool:
        """Whether the request carries a valid signature made within the last five minutes."""
        try:
            return self.verifier.is_valid_request(body, headers)
        except (ValueError, UnicodeDecodeError):  # a timestamp that is not a number, or a body that is not text
            return False

    def wanted(self, callback: SlackCallback) -> SlackEvent | None:
        """The event to answer: a mention, or a direct message from a person; None for anything else."""
        event = callback.event
        if event.bot_id or event.subtype or not event.channel or not event.user:
            return None  # bots (this one included), edits, deletions and joins are not questions
        if event.user in {a.user_id for a in callback.authorizations if a.is_bot}:
            return None
        return (
            event if event.type == "app_mention" or (event.type == "message" and event.channel_type == "im") else None
        )

    def replayed(self, event_id: str) -> bool:
        """True when this event id was seen before (Slack's ids are unique per event); remembers it."""
        if not event_id:
            return False
        with self._seen_lock:
            if event_id in self._seen:
                return True
            self._seen[event_id] = None
            while len(self._seen) > SEEN_EVENTS:
                self._seen.popitem(last=False)
        return False

    def handle(self, team: str, event: SlackEvent) -> None:
        """Answer one event in its thread (runs after the endpoint has said 200)."""
        channel, thread = str(event.channel), str(event.thread_ts or event.ts)
        question = question_of(event)
        if not question:
            self.post(channel, thread, HELP, [{"type": "section", "text": slack_text(HELP)}])
            return
        conversation = f"slack:{team}:{channel}:{thread}"
        history = carry_on(self.store.history, conversation) or []  # unreadable: answer without the context
        try:
            answer = self.bot.ask(question, history=history)
        except Exception as exc:
            if not isinstance(exc, BotError):
                log.exception("answering a Slack event failed")  # loud in the log; the user still hears back
            note = slack_escape(f"Sorry: {exc}" if isinstance(exc, BotError) else SORRY)
            self.post(channel, thread, note, [{"type": "section", "text": slack_text(note)}])
            return
        carry_on(self.store.add_turn, conversation, question, remembered(answer))
        blocks = slack_blocks(answer)
        fallback = slack_escape(shorten(plain(answer), SLACK_SECTION_CHARS))
        for start in range(0, len(blocks), MAX_BLOCKS):
            self.post(channel, thread, fallback, blocks[start : start + MAX_BLOCKS])

    def post(self, channel: str, thread: str, text: str, blocks: list[dict[str, Any]]) -> None:
        """Post one message in the thread; a failure is logged, since Slack is not waiting for us any more."""
        try:
            self.client.chat_postMessage(
                channel=channel, thread_ts=thread, text=text, blocks=blocks, unfurl_links=False, unfurl_media=False
            )
        except (SlackClientError, OSError) as exc:
            log.error("slack chat.postMessage failed: %s", exc)

    def router(self) -> APIRouter:
        """The Events API route."""
        router = APIRouter()

        @router.post("/slack/events")
        async def events(request: Request, background: BackgroundTasks) -> Response:
            body = await read_body(request)  # capped before anything else looks at it
            if not self.verified(body, dict(request.headers)):
                return JSONResponse(
                    {"error": {"message": "bad, missing or stale Slack signature", "type": "authentication_error"}},
                    401,
                )
            if request.headers.get("x-slack-retry-num"):
                return Response(status_code=200)  # the first delivery is already being answered
            try:
                payload = parse_json(body, "event")
            except ApiError as exc:
                return JSONResponse({"error": {"message": exc.message, "type": "invalid_request_error"}}, 400)
            kind = payload.get("type") if isinstance(payload, dict) else None
            try:
                if kind == "url_verification":
                    return JSONResponse({"challenge": SlackChallenge.model_validate(payload).challenge})
                callback = SlackCallback.model_validate(payload) if kind == "event_callback" else None
            except ValidationError as exc:
                # Slack never sends these, so it will not retry them; say what was wrong to whoever did.
                return JSONResponse({"error": {"message": problem(exc), "type": "invalid_request_error"}}, 400)
            event = self.wanted(callback) if callback is not None else None
            if callback is None or event is None or self.replayed(callback.event_id):
                return Response(status_code=200)  # not a question, or a signed request sent again
            # Slack wants a reply within 3 seconds; the answer follows as its own message.
            background.add_task(self.handle, callback.team_id, event)
            return Response(status_code=200)

        return router


def slack_client(token: str, base_url: str, backoff: float = BACKOFF) -> WebClient:
    """A Web API client that retries a network failure, a 5xx or a 429 (`RETRIES` times, with backoff)."""
    interval = BackoffRetryIntervalCalculator(backoff_factor=backoff)
    handlers = [
        ConnectionErrorRetryHandler(max_retry_count=RETRIES, interval_calculator=interval),
        _ServerErrors(max_retry_count=RETRIES, interval_calculator=interval),
        RateLimitErrorRetryHandler(max_retry_count=RETRIES, interval_calculator=interval),
    ]
    # The client joins method names onto the base URL, so it must end with a slash.
    return WebClient(token=token, base_url=base_url.rstrip("/") + "/", retry_handlers=handlers)


class _ServerErrors(RetryHandler):
    """Retries every 5xx (the SDK's own handler retries only 500 and 503, not a proxy's 502 or 504)."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and response.status_code >= 500
