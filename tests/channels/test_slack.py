"""Slack: events signed as Slack signs them in, and the real slack_sdk client out to a local stand-in Web API."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import logging
import re
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
import uvicorn
from chromadb.api import ClientAPI
from fastapi.testclient import TestClient
from seed import date_seed_story
from stub_api import FlakyApi, JsonApi, serve

from bot import Bot, Settings, build_bot
from bot.api import create_api
from bot.channels.slack import SlackChannel, slack_client
from bot.channels.store import ConversationStore
from bot.types import Answer

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-test-token"
BOT_USER = "U0BOT"
URL = "https://news.example/belarus"
HOSTILE = """---
id: hostile
title: <!channel> *Zeppelin* news
url: https://news.example/zeppelin?a=1&b=2
---

## What's happened

<!channel> Demand for zeppelin tours doubled in Friedrichshafen *this summer*, <http://evil.example|click here> <@U999>.
"""


class _SlackApi(JsonApi):
    sent: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = self.read_json()
        type(self).sent.append({"path": self.path, "authorization": self.headers["Authorization"], **body})
        reply = {"ok": True, "channel": body.get("channel"), "ts": "1700000000.000200"}
        if body.get("channel") == "C_GONE":
            reply = {"ok": False, "error": "channel_not_found"}
        self.send_json(reply, "application/json; charset=utf-8")


@pytest.fixture
def slack_api() -> Iterator[str]:
    _SlackApi.sent.clear()
    with serve(_SlackApi, "/api") as url:
        yield url


@pytest.fixture
def configured(settings: Settings, corpus_dir: Path, tmp_path: Path, slack_api: str) -> Settings:
    story = corpus_dir / "stories" / "belarus-prisoners-released.md"
    story.write_text(story.read_text(encoding="utf-8").replace("---\n", f"---\nurl: {URL}\n", 1), encoding="utf-8")
    (corpus_dir / "stories" / "hostile.md").write_text(HOSTILE, encoding="utf-8")
    return settings.with_changes(
        slack_bot_token=TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=slack_api,
        conversations_url=f"sqlite:///{tmp_path / 'conversations.sqlite3'}",
    )


@pytest.fixture
def bot(configured: Settings, chroma: ClientAPI) -> Bot:
    bot = build_bot(configured, chroma_client=chroma)
    bot.index_corpus()
    return bot


@pytest.fixture
def client(bot: Bot, configured: Settings) -> TestClient:
    return TestClient(create_api(bot, configured))


_EVENT_IDS = itertools.count(1)


def _event(text: str, kind: str = "app_mention", ts: str = "1700000000.000100", **extra: Any) -> dict[str, Any]:
    event = {"type": kind, "user": "U123", "text": text, "ts": ts, "channel": "C42", "event_ts": ts, **extra}
    if kind == "message":
        event.setdefault("channel_type", "im")
        event["channel"] = "D42"
    return {
        "token": "deprecated",
        "team_id": "T1",
        "api_app_id": "A1",
        "event": event,
        "type": "event_callback",
        "event_id": f"Ev{next(_EVENT_IDS)}",  # Slack's ids are unique per event
        "event_time": 1700000000,
        "authorizations": [{"team_id": "T1", "user_id": BOT_USER, "is_bot": True}],
    }


def _sign(body: bytes, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    """The headers Slack sends: v0 HMAC-SHA256 of `v0:{timestamp}:{body}` with the signing secret."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}", "Content-Type": "application/json"}


def _post(client: TestClient, payload: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    body = json.dumps(payload).encode()
    return client.post("/slack/events", content=body, headers=_sign(body) if headers is None else headers)


def _texts(sent: dict[str, Any]) -> list[str]:
    """Every piece of text a message would show: the fallback and each block's text."""
    texts = [sent["text"]]
    for block in sent["blocks"]:
        texts += [block["text"]["text"]] if "text" in block else [e["text"] for e in block["elements"]]
    return texts


def test_url_verification_answers_the_challenge_once_signed(client: TestClient) -> None:
    challenge = {
        "token": "deprecated",
        "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
        "type": "url_verification",
    }
    response = _post(client, challenge)
    assert response.status_code == 200 and response.json() == {"challenge": challenge["challenge"]}
    assert _post(client, challenge, headers={}).status_code == 401


def test_unsigned_mis_signed_and_stale_requests_are_rejected(client: TestClient) -> None:
    payload = _event(f"<@{BOT_USER}> Who is Ales Bialiatski?")
    body = json.dumps(payload).encode()
    other = json.dumps(_event(f"<@{BOT_USER}> Who is Lukashenko?")).encode()
    rejected = [
        {},  # unsigned
        _sign(body, secret="not-the-secret"),  # signed with another app's secret
        _sign(other),  # a signature taken from another request
        _sign(body, timestamp=int(time.time()) - 6 * 60),  # replayed after Slack's five minutes
        {**_sign(body), "X-Slack-Request-Timestamp": "soon"},
    ]
    for headers in rejected:
        response = client.post("/slack/events", content=body, headers=headers)
        assert response.status_code == 401 and response.json()["error"]["type"] == "authentication_error"
    assert _SlackApi.sent == []


def test_oversized_events_are_refused_before_anything_reads_them(client: TestClient) -> None:
    body = json.dumps(_event("x" * 70_000)).encode()
    response = client.post("/slack/events", content=body, headers=_sign(body))
    assert response.status_code == 413 and "limit" in response.json()["error"]["message"]
    assert _SlackApi.sent == []


def test_a_mention_is_answered_in_its_thread_with_numbered_sources(client: TestClient, bot: Bot) -> None:
    response = _post(client, _event(f"<@{BOT_USER}> Who is Ales Bialiatski?"))
    assert response.status_code == 200
    (sent,) = _SlackApi.sent
    answer = bot.ask("Who is Ales Bialiatski?").text
    # The bio stops mid-sentence in the source: the answer says so with "…" instead of passing it off as whole.
    assert answer.startswith("Ales Viktaravich Bialiatski (Belarusian: Алесь Віктаравіч Бяляцкі, romanized: Aleś")
    assert "chair of the Viasna Human Rights… [1]" in answer
    sent["blocks"][1]["elements"] = sent["blocks"][1]["elements"][:1]  # the first source is checked whole
    assert sent == {
        "path": "/api/chat.postMessage",
        "authorization": f"Bearer {TOKEN}",
        "channel": "C42",
        "thread_ts": "1700000000.000100",
        "text": answer,
        "unfurl_links": False,
        "unfurl_media": False,
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": answer, "verbatim": True}},
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "*[1]* Ales Bialiatski — Profile: “Ales Viktaravich Bialiatski "
                        "(Belarusian: Алесь Віктаравіч Бяляцкі, romanized: Aleś Viktaravič Bialacki; "
                        "born 25 September 1962) is a human rights…”",
                        "verbatim": True,
                    },
                ],
            },
        ],
    }


@pytest.fixture
def dated(corpus_dir: Path) -> Path:
    return date_seed_story(corpus_dir)


def test_sources_show_the_story_s_publication_day(dated: Path, client: TestClient) -> None:
    # `dated` comes first: the seed story has its dates before `bot` indexes the corpus.
    assert _post(client, _event(f"<@{BOT_USER}> How many political prisoners did Belarus release?")).status_code == 200
    (sent,) = _SlackApi.sent
    sources = [e["text"] for b in sent["blocks"] if b["type"] == "context" for e in b["elements"]]
    line = "|Belarus releases 123 political prisoners> — What's happened, published 11 Sep 2025, updated 12 Sep 2025: “"
    assert any(line in s for s in sources)


def test_a_direct_message_is_answered(client: TestClient) -> None:
    assert _post(client, _event("Who is Kolesnikova?", kind="message", ts="1700000001.000100")).status_code == 200
    (sent,) = _SlackApi.sent
    assert sent["channel"] == "D42" and sent["thread_ts"] == "1700000001.000100"
    assert "Maria Kalesnikava" in sent["blocks"][0]["text"]["text"] and sent["blocks"][1]["type"] == "context"


def test_the_conversation_is_kept_per_thread(client: TestClient) -> None:
    _post(client, _event(f"<@{BOT_USER}> Who is Ales Bialiatski?", ts="100.1"))
    _post(client, _event(f"<@{BOT_USER}> When was he born?", ts="100.2", thread_ts="100.1"))
    _post(client, _event(f"<@{BOT_USER}> When was he born?", ts="200.1"))  # a new thread knows no "he"
    followup, stranger = _SlackApi.sent[1], _SlackApi.sent[2]
    assert followup["thread_ts"] == "100.1" and "born 25 September 1962" in followup["blocks"][0]["text"]["text"]
    assert stranger["thread_ts"] == "200.1"
    assert stranger["blocks"] == [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "_Not in the sources._ Who do you mean by “he”? Name the person and ask again.",
                "verbatim": True,
            },
        }
    ]


def test_own_messages_bots_edits_retries_and_channel_chatter_are_ignored(client: TestClient) -> None:
    question = f"<@{BOT_USER}> Who is Lukashenko?"
    ignored = [
        _event(question, user=BOT_USER),
        _event(question, bot_id="B1"),
        _event("Who is Lukashenko?", kind="message", subtype="message_changed"),
        _event("Who is Lukashenko?", kind="message", channel_type="channel"),
        {"type": "event_callback", "team_id": "T1", "event": {"type": "reaction_added", "user": "U123"}},
    ]
    for payload in ignored:
        assert _post(client, payload).status_code == 200
    body = json.dumps(_event(question)).encode()
    retry = {**_sign(body), "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert client.post("/slack/events", content=body, headers=retry).status_code == 200
    assert _SlackApi.sent == []


def test_hostile_corpus_text_cannot_ping_link_or_format(client: TestClient) -> None:
    _post(client, _event(f"<@{BOT_USER}> Did demand for zeppelin tours double?"))
    (sent,) = _SlackApi.sent
    texts = _texts(sent)
    assert "&lt;!channel&gt; Demand for zeppelin tours doubled" in texts[1]
    for text in texts:
        assert "<!channel>" not in text and "<@U999>" not in text and "<http://evil" not in text
        assert "*this summer*" not in text and "*Zeppelin*" not in text
        # The only Slack markup left is ours: a link to the story's url.
        assert re.findall(r"<([^>]*)>", text) in (
            [],
            ["https://news.example/zeppelin?a=1&amp;b=2|&lt;!channel&gt; ∗Zeppelin∗ news"],
        )
    assert texts[2].startswith("*[1]* <https://news.example/zeppelin?a=1&amp;b=2|")


def test_questions_lose_the_mention_and_regain_slack_escapes(client: TestClient, bot: Bot) -> None:
    _post(client, _event(f"<@{BOT_USER}>   Who is Lukashenko &amp; what did he do?"))
    assert bot.last_trace is not None and "<@" not in bot.last_trace.standalone
    assert "&amp;" not in bot.last_trace.standalone and "&" in bot.last_trace.standalone


def test_help_errors_and_failed_posts(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    _post(client, _event(f"<@{BOT_USER}>"))
    _post(client, _event(f"<@{BOT_USER}> " + "why " * 400))
    help_, error = _SlackApi.sent
    assert "numbered like [1]" in help_["text"] and help_["thread_ts"] == "1700000000.000100"
    assert error["text"].startswith("Sorry: ") and error["blocks"][0]["text"]["text"] == error["text"]
    with caplog.at_level(logging.ERROR):
        assert _post(client, _event(f"<@{BOT_USER}> Who is Lukashenko?", channel="C_GONE")).status_code == 200
    assert "channel_not_found" in caplog.text


def test_the_request_is_acknowledged_before_the_answer_is_ready(
    bot: Bot, configured: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    ask = bot.ask

    def slow_ask(*args: Any, **kwargs: Any) -> Answer:
        assert release.wait(10)
        return ask(*args, **kwargs)

    monkeypatch.setattr(bot, "ask", slow_ask)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_api(bot, configured), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        body = json.dumps(_event(f"<@{BOT_USER}> Who is Ales Bialiatski?")).encode()
        started = time.monotonic()
        response = httpx.post(f"http://127.0.0.1:{port}/slack/events", content=body, headers=_sign(body), timeout=3)
        assert response.status_code == 200 and time.monotonic() - started < 3 and _SlackApi.sent == []
        release.set()
        while not _SlackApi.sent and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _SlackApi.sent and "1962" in _SlackApi.sent[0]["text"]
    finally:
        release.set()
        server.should_exit = True
        thread.join(timeout=10)


def _post_raw(client: TestClient, body: bytes) -> int:
    return client.post("/slack/events", content=body, headers=_sign(body)).status_code


def test_a_replayed_event_is_answered_once(client: TestClient) -> None:
    body = json.dumps(_event(f"<@{BOT_USER}> Who is Lukashenko?")).encode()
    assert _post_raw(client, body) == 200 and _post_raw(client, body) == 200
    assert len(_SlackApi.sent) == 1


@pytest.mark.parametrize(
    "change",
    [
        lambda e: e["event"].update(user=["U1"]),
        lambda e: e["event"].update(user={"id": "U1"}),
        lambda e: e["event"].update(channel=7),
        lambda e: e["event"].update(text=["Who?"]),
        lambda e: e["event"].update(ts={"a": 1}),
        lambda e: e.update(event="not an object"),
        lambda e: e.update(challenge={"x": 1}, type="url_verification"),
    ],
)
def test_malformed_signed_events_never_get_a_5xx(client: TestClient, change: Any) -> None:
    event = _event(f"<@{BOT_USER}> Who is Lukashenko?")
    change(event)
    assert _post_raw(client, json.dumps(event).encode()) < 500
    assert _SlackApi.sent == []


def test_odd_authorizations_do_not_stop_a_real_question(client: TestClient) -> None:
    event = _event(f"<@{BOT_USER}> Who is Lukashenko?")
    event["authorizations"] = 5
    assert _post_raw(client, json.dumps(event).encode()) == 200
    assert len(_SlackApi.sent) == 1


def test_deeply_nested_json_is_refused_before_parsing(client: TestClient) -> None:
    body = b'{"a": ' + b"[" * 990 + b"]" * 990 + b"}"
    response = client.post("/slack/events", content=body, headers=_sign(body))
    assert response.status_code == 400 and "deeper than" in response.json()["error"]["message"]


def test_users_hear_back_while_the_conversation_store_is_locked(client: TestClient, tmp_path: Path) -> None:
    with closing(sqlite3.connect(tmp_path / "conversations.sqlite3")) as other:
        other.execute("BEGIN EXCLUSIVE")  # another process holds the store
        assert _post(client, _event(f"<@{BOT_USER}> Who is Ales Bialiatski?")).status_code == 200
        other.rollback()
    (sent,) = _SlackApi.sent
    assert any("Viasna" in text for text in _texts(sent))  # answered, without the lost context


class _FlakySlack(FlakyApi):
    failures: ClassVar[list[int]] = []
    sent: ClassVar[list[dict[str, Any]]] = []

    def refusal(self, status: int) -> tuple[Any, dict[str, str]]:
        return {"ok": False}, {"Retry-After": "0"} if status == 429 else {}

    def accept(self, body: dict[str, Any]) -> None:
        self.send_json({"ok": True, "channel": body.get("channel"), "ts": "1.2"}, "application/json; charset=utf-8")


@pytest.mark.parametrize(("failures", "delivered"), [([503], 1), ([429], 1), ([500, 502], 1), ([500, 500, 500], 0)])
def test_posts_are_retried_on_server_errors_and_rate_limits(
    bot: Bot, tmp_path: Path, failures: list[int], delivered: int
) -> None:
    _FlakySlack.sent.clear()
    _FlakySlack.failures = list(failures)
    with serve(_FlakySlack, "/api") as url:
        store = ConversationStore(f"sqlite:///{tmp_path / 'c.sqlite3'}")
        channel = SlackChannel(bot, store, SECRET, slack_client(TOKEN, url, backoff=0.01))
        channel.post("C42", "1.1", "hello", [{"type": "section", "text": {"type": "mrkdwn", "text": "hello"}}])
    assert len(_FlakySlack.sent) == delivered  # two retries after the first try, then logged
