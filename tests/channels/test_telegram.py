"""Telegram: signed webhook requests in, and the real httpx client out to a local stand-in for the Bot API."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from chromadb.api import ClientAPI
from fastapi.testclient import TestClient
from seed import date_seed_story
from stub_api import FlakyApi, JsonApi, serve

from bot import Settings, build_bot
from bot.api import create_api
from bot.channels.store import ConversationStore
from bot.channels.telegram import TelegramChannel

SECRET = "s3cret-token"
HOSTILE = """---
id: hostile
title: <b>Zeppelin</b> news
---

## What's happened

<script>alert(1)</script> Demand for zeppelin tours doubled in Friedrichshafen <i>this summer</i>.
"""


class _TelegramApi(JsonApi):
    sent: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        type(self).sent.append({"path": self.path, **self.read_json()})
        self.send_json({"ok": True, "result": {}})


@pytest.fixture
def telegram_api() -> Iterator[str]:
    _TelegramApi.sent.clear()
    with serve(_TelegramApi) as url:
        yield url


@pytest.fixture
def client(settings: Settings, chroma: ClientAPI, corpus_dir: Path, tmp_path: Path, telegram_api: str) -> TestClient:
    (corpus_dir / "stories" / "hostile.md").write_text(HOSTILE, encoding="utf-8")
    configured = settings.with_changes(
        telegram_token="123:abc",
        telegram_secret=SECRET,
        telegram_api_url=telegram_api,
        conversations_url=f"sqlite:///{tmp_path / 'conversations.sqlite3'}",
    )
    bot = build_bot(configured, chroma_client=chroma)
    bot.index_corpus()
    return TestClient(create_api(bot, configured))


def _update(text: str, chat: int = 42, is_bot: bool = False) -> dict[str, Any]:
    return {
        "update_id": 1,
        "message": {"message_id": 1, "chat": {"id": chat}, "from": {"id": 7, "is_bot": is_bot}, "text": text},
    }


def _post(client: TestClient, update: Any, secret: str | None = SECRET) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return client.post("/telegram/webhook", json=update, headers=headers).status_code


def test_requests_without_the_secret_token_are_rejected(client: TestClient) -> None:
    assert _post(client, _update("Who is Lukashenko?"), secret=None) == 401
    assert _post(client, _update("Who is Lukashenko?"), secret="wrong") == 401
    assert _TelegramApi.sent == []


def test_oversized_updates_are_refused(client: TestClient) -> None:
    assert _post(client, _update("x" * 70_000)) == 413
    assert _TelegramApi.sent == []


def test_answers_in_the_chat_with_numbered_sources(client: TestClient) -> None:
    assert _post(client, _update("Who is Kolesnikova?")) == 200
    (sent,) = _TelegramApi.sent
    assert sent["path"] == "/bot123:abc/sendMessage" and sent["chat_id"] == 42 and sent["parse_mode"] == "HTML"
    assert "[1]" in sent["text"] and "<b>Sources</b>" in sent["text"] and "<i>“Maria Kalesnikava" in sent["text"]


@pytest.fixture
def dated(corpus_dir: Path) -> Path:
    return date_seed_story(corpus_dir)


def test_sources_show_the_story_s_publication_day(dated: Path, client: TestClient) -> None:
    # `dated` comes first: the seed story has its dates before `client` indexes the corpus.
    assert _post(client, _update("How many political prisoners did Belarus release?")) == 200
    text = _TelegramApi.sent[-1]["text"]
    assert "— What&#x27;s happened, published 11 Sep 2025" in text


def test_conversation_is_kept_per_chat_and_start_resets_it(client: TestClient) -> None:
    _post(client, _update("Who is Ales Bialiatski?", chat=1))
    _post(client, _update("When was he born?", chat=1))
    _post(client, _update("When was he born?", chat=2))
    assert "1962" in _TelegramApi.sent[1]["text"]
    assert "Who do you mean" in _TelegramApi.sent[2]["text"]
    _post(client, _update("/start", chat=1))
    _post(client, _update("When was he born?", chat=1))
    assert "/help" in _TelegramApi.sent[3]["text"] and "Who do you mean" in _TelegramApi.sent[4]["text"]


def test_hostile_corpus_text_cannot_inject_markup(client: TestClient) -> None:
    _post(client, _update("Did demand for zeppelin tours double?"))
    text = _TelegramApi.sent[-1]["text"]
    assert "&lt;script&gt;" in text and "<script>" not in text and "&lt;i&gt;this summer&lt;/i&gt;" in text
    assert "&lt;b&gt;Zeppelin&lt;/b&gt;" in text
    tags = re.findall(r"</?([a-z]+)", text)
    assert set(tags) <= {"b", "i", "a"}


def test_help_and_own_messages(client: TestClient) -> None:
    _post(client, _update("/help@storybot"))
    _post(client, _update("Who is Lukashenko?", is_bot=True))
    assert len(_TelegramApi.sent) == 1 and "numbered like [1]" in _TelegramApi.sent[0]["text"]


def test_store_keeps_a_bounded_history(tmp_path: Path) -> None:
    store = ConversationStore(f"sqlite:///{tmp_path / 'c.sqlite3'}", max_messages=6)
    for i in range(5):
        store.add_turn("t:1", f"q{i}", f"a{i}")
    history = store.history("t:1")
    assert [m["content"] for m in history] == ["q2", "a2", "q3", "a3", "q4", "a4"]
    assert store.history("t:2") == []


def test_token_needs_a_secret() -> None:
    with pytest.raises(Exception, match="needs STORYBOT_TELEGRAM_SECRET"):
        Settings().with_changes(telegram_token="123:abc")


@pytest.mark.parametrize(
    "update",
    [
        {"update_id": 1, "message": "text"},
        {"update_id": 1, "message": {"text": "Who?", "chat": 5}},
        {"update_id": 1, "message": {"text": "Who?", "chat": {"id": [1]}}},
        {"update_id": 1, "message": {"text": "Who?", "chat": {"id": 1}, "from": "someone"}},
        {"update_id": 1, "message": {"text": ["Who?"], "chat": {"id": 1}}},
        [1, 2, 3],
    ],
)
def test_malformed_updates_are_acknowledged_and_dropped(client: TestClient, update: Any) -> None:
    assert _post(client, update) == 200
    assert _TelegramApi.sent == []


def test_deeply_nested_updates_are_refused(client: TestClient) -> None:
    body = b"[" * 990 + b"]" * 990
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    assert client.post("/telegram/webhook", content=body, headers=headers).status_code == 400


def test_users_hear_back_while_the_conversation_store_is_locked(client: TestClient, tmp_path: Path) -> None:
    with closing(sqlite3.connect(tmp_path / "conversations.sqlite3")) as other:
        other.execute("BEGIN EXCLUSIVE")  # another process holds the store
        assert _post(client, _update("/start")) == 200
        assert _post(client, _update("Who is Kolesnikova?")) == 200
        other.rollback()
    help_text, answer = (sent["text"] for sent in _TelegramApi.sent)
    assert "/help" in help_text and "Maria Kalesnikava" in answer  # answered, without the lost context


class _FlakyTelegram(FlakyApi):
    """Telegram's failures carry its retry_after on a 429."""

    failures: ClassVar[list[int]] = []
    sent: ClassVar[list[dict[str, Any]]] = []

    def refusal(self, status: int) -> tuple[Any, dict[str, str]]:
        parameters = {"retry_after": 3} if status == 429 else {}
        return {"ok": False, "error_code": status, "parameters": parameters}, {}

    def accept(self, body: dict[str, Any]) -> None:
        self.send_json({"ok": True, "result": {}})


@pytest.fixture
def flaky() -> Iterator[tuple[TelegramChannel, list[float]]]:
    _FlakyTelegram.sent.clear()
    waits: list[float] = []
    with serve(_FlakyTelegram) as url, httpx.Client() as http:
        channel = TelegramChannel(None, None, "123:abc", SECRET, url, http, sleep=waits.append)  # type: ignore[arg-type]
        yield channel, waits


@pytest.mark.parametrize(
    ("failures", "delivered", "waits"),
    [
        ([502, 503], True, [0.5, 1.0]),  # backing off
        ([429], True, [3.0]),  # as long as Telegram asks
        ([500, 500, 500], False, [0.5, 1.0]),  # three tries in all, then logged
        ([400], False, []),  # a client error will not change: not retried
    ],
)
def test_sends_are_retried_with_backoff(
    flaky: tuple[TelegramChannel, list[float]], failures: list[int], delivered: bool, waits: list[float]
) -> None:
    channel, slept = flaky
    _FlakyTelegram.failures = list(failures)
    assert channel.send(42, "hello") is delivered
    assert slept == waits and len(_FlakyTelegram.sent) == int(delivered)


def test_an_unreachable_telegram_is_retried_then_logged(caplog: pytest.LogCaptureFixture) -> None:
    waits: list[float] = []
    with httpx.Client() as http:
        channel = TelegramChannel(None, None, "t", SECRET, "http://127.0.0.1:9", http, sleep=waits.append)  # type: ignore[arg-type]
        assert channel.send(42, "hello") is False
    assert waits == [0.5, 1.0] and "failed after 3 attempt(s): ConnectError" in caplog.text


def test_a_timeout_after_sending_is_not_retried(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[httpx.Request] = []

    def slow(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ReadTimeout("no reply", request=request)

    waits: list[float] = []
    with httpx.Client(transport=httpx.MockTransport(slow)) as http:
        channel = TelegramChannel(None, None, "t", SECRET, "http://telegram.test", http, sleep=waits.append)  # type: ignore[arg-type]
        assert channel.send(42, "hello") is False
    assert len(calls) == 1 and waits == [] and "not retried: ReadTimeout" in caplog.text  # it may have arrived
