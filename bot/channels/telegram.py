"""Telegram: a webhook that checks Telegram's secret-token header and answers in the chat.

Set up: create a bot with @BotFather, then point its webhook at https://<your host>/telegram/webhook with
`setWebhook(url=..., secret_token=<STORYBOT_TELEGRAM_SECRET>)`. Answers go out through the Bot API
(`STORYBOT_TELEGRAM_API_URL`, default https://api.telegram.org) using `STORYBOT_TELEGRAM_TOKEN`.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Callable
from html import escape

import httpx
from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from bot.bot import Bot
from bot.channels.schemas import TelegramUpdate, problem
from bot.channels.store import ConversationStore, carry_on
from bot.errors import BotError
from bot.http import ApiError, parse_json, read_body
from bot.present import SORRY, remembered, telegram_html, telegram_messages

log = logging.getLogger(__name__)
# A failed send (network, 5xx, 429) is tried this many times in all, waiting BACKOFF seconds, then
# twice that, between tries (or as long as a 429 asks, up to MAX_WAIT).
SEND_ATTEMPTS = 3
# Seconds per try: a background worker waits this long at most per try while Telegram is down.
SEND_TIMEOUT = 10.0
BACKOFF = 0.5
MAX_WAIT = 10.0
HELP = (
    "Ask me about the news stories I know. Every answer quotes its sources, numbered like [1].\n"
    "/help shows this, /start begins a new conversation."
)


def wanted(update: TelegramUpdate) -> tuple[int, str] | None:
    """(chat id, text) of a person's text message; None for anything else (edits, photos, bots)."""
    message = update.message
    if message is None or message.text is None or (message.sender is not None and message.sender.is_bot):
        return None
    return message.chat.id, message.text


class TelegramChannel:
    """Receives updates, answers from the `Bot`, keeps a conversation per chat."""

    def __init__(
        self,
        bot: Bot,
        store: ConversationStore,
        token: str,
        secret: str,
        api_url: str,
        client: httpx.Client,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.bot = bot
        self.store = store
        self.secret = secret
        self.send_url = f"{api_url.rstrip('/')}/bot{token}/sendMessage"
        self.client = client
        self.sleep = sleep

    def handle(self, update: TelegramUpdate) -> None:
        """Answer one update (runs after the webhook has said 200)."""
        found = wanted(update)
        if found is None:
            return
        chat, text = found
        conversation = f"telegram:{chat}"
        command = text.strip().split()[0].split("@")[0].lower() if text.strip() else ""
        if command in ("/start", "/help"):
            if command == "/start":
                carry_on(self.store.clear, conversation)
            self.send(chat, escape(HELP))
            return
        history = carry_on(self.store.history, conversation) or []  # unreadable: answer without the context
        try:
            answer = self.bot.ask(text, history=history)
        except BotError as exc:
            self.send(chat, escape(f"Sorry: {exc}"))
            return
        except Exception:
            log.exception("answering a Telegram message failed")  # loud in the log; the user still hears back
            self.send(chat, escape(SORRY))
            return
        carry_on(self.store.add_turn, conversation, text, remembered(answer))
        for piece in telegram_messages(telegram_html(answer)):
            self.send(chat, piece)

    def send(self, chat: int, html: str) -> bool:
        """Send one message with Telegram's HTML formatting, retrying a failure to connect, a 5xx or a 429
        with backoff; True once Telegram has it. A 4xx other than 429 is not retried (it will not change),
        nor a timeout after sending (the message may have arrived)."""
        payload = {"chat_id": chat, "text": html, "parse_mode": "HTML", "disable_web_page_preview": True}
        wait = BACKOFF
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                response = self.client.post(self.send_url, json=payload, timeout=SEND_TIMEOUT)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:  # never reached Telegram: safe to send again
                failure = f"{type(exc).__name__}: {exc}"
            except httpx.HTTPError as exc:  # sent, and perhaps delivered: a second try could say it twice
                log.error("telegram sendMessage failed, not retried: %s: %s", type(exc).__name__, exc)
                return False
            else:
                if response.status_code == 200:
                    return True
                failure = f"{response.status_code} {response.text[:200]}"
                if response.status_code != 429 and response.status_code < 500:
                    break
                wait = max(wait, _retry_after(response))
            if attempt < SEND_ATTEMPTS:
                self.sleep(min(wait, MAX_WAIT))
                wait *= 2
        log.error("telegram sendMessage failed after %d attempt(s): %s", attempt, failure)
        return False

    def router(self) -> APIRouter:
        """The webhook route."""
        router = APIRouter()

        @router.post("/telegram/webhook")
        async def webhook(request: Request, background: BackgroundTasks) -> JSONResponse:
            presented = request.headers.get("x-telegram-bot-api-secret-token", "")
            if not hmac.compare_digest(presented.encode(), self.secret.encode()):
                return JSONResponse(
                    {"error": {"message": "bad or missing secret token", "type": "authentication_error"}}, 401
                )
            body = await read_body(request)  # over the limit: the API's 413
            try:
                update = TelegramUpdate.model_validate(parse_json(body, "update"))
            except ApiError as exc:
                return JSONResponse({"error": {"message": exc.message, "type": "invalid_request_error"}}, 400)
            except ValidationError as exc:
                # Telegram sends every update again until it gets a 2xx: say what was wrong in the log only.
                log.warning("telegram update dropped: %s", problem(exc))
                return JSONResponse({"ok": True})
            if wanted(update) is not None:
                background.add_task(self.handle, update)
            return JSONResponse({"ok": True})  # anything else is acknowledged and dropped, never retried

        return router


def _retry_after(response: httpx.Response) -> float:
    """Seconds Telegram asks us to wait ("parameters": {"retry_after": n} on a 429), else 0."""
    try:
        value = response.json().get("parameters", {}).get("retry_after", 0)
    except (ValueError, AttributeError):
        return 0.0
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0
