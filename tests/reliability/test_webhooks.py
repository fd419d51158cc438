"""A corpus of malformed webhook bodies, each authenticated (Slack-signed, or with Telegram's secret), so
each reaches the parsing behind the check: none may answer 5xx or raise in the background task that
answers it, and every refusal has the documented `{"error": …}` shape."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from chromadb.api import ClientAPI
from fastapi.testclient import TestClient
from stub_api import JsonApi, serve

from bot import Settings, build_bot
from bot.api import create_api

SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TELEGRAM_SECRET = "s3cret-token"
# Values put in place of each field: wrong types, empties, extremes and text JSON allows but UTF-8 does not.
ODD_VALUES: tuple[Any, ...] = (
    None,
    0,
    -1,
    1.5,
    True,
    "",
    "x" * 20_000,
    [],
    {},
    [1, "two", None],
    {"nested": {"deeper": [1]}},
    "\ud800 lone surrogate",
    "\u0000\u202e control",
)


class _Api(JsonApi):
    sent: ClassVar[int] = 0

    def do_POST(self) -> None:
        type(self).sent += 1
        self.read_json()
        self.send_json({"ok": True, "result": {}, "ts": "1700000000.000200"})


@pytest.fixture
def client(settings: Settings, chroma: ClientAPI, tmp_path: Path) -> Iterator[TestClient]:
    with serve(_Api) as api:
        configured = settings.with_changes(
            slack_bot_token="xoxb-test",
            slack_signing_secret=SLACK_SECRET,
            slack_api_url=api + "/",
            telegram_token="123:abc",
            telegram_secret=TELEGRAM_SECRET,
            telegram_api_url=api,
            conversations_url=f"sqlite:///{tmp_path / 'conversations.sqlite3'}",
        )
        bot = build_bot(configured, chroma_client=chroma)
        bot.index_corpus()
        yield TestClient(create_api(bot, configured))


def slack_event() -> dict[str, Any]:
    event = {"type": "app_mention", "user": "U1", "text": "<@U0BOT> who is Lukashenko?", "ts": "1.2", "channel": "C1"}
    return {
        "type": "event_callback",
        "team_id": "T1",
        "event_id": "Ev1",
        "event_time": 1700000000,
        "event": event,
        "authorizations": [{"team_id": "T1", "user_id": "U0BOT", "is_bot": True}],
    }


def telegram_update() -> dict[str, Any]:
    sender = {"id": 7, "is_bot": False, "first_name": "Ana", "language_code": "en"}
    message = {
        "message_id": 1,
        "date": 1700000000,
        "chat": {"id": 42, "type": "private", "first_name": "Ana"},
        "from": sender,
        "text": "/start who is he?",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
    }
    return {"update_id": 1, "message": message}


def mutations(valid: dict[str, Any]) -> Iterator[Any]:
    """The valid body with each field (to two levels, lists' first items included) replaced by each odd
    value, then with each field deleted."""
    for path in _paths(valid):
        for value in ODD_VALUES:
            body = copy.deepcopy(valid)
            _set(body, path, value)
            yield body
        body = copy.deepcopy(valid)
        _delete(body, path)
        yield body


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    children = node.items() if isinstance(node, dict) else enumerate(node[:1]) if isinstance(node, list) else ()
    for key, child in children:
        yield (*prefix, key)
        if len(prefix) < 2:
            yield from _paths(child, (*prefix, key))


def _set(body: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        body = body[key]
    body[path[-1]] = value


def _delete(body: Any, path: tuple[Any, ...]) -> None:
    for key in path[:-1]:
        body = body[key]
    del body[path[-1]]


RAW_BODIES: tuple[bytes, ...] = (
    b"",
    b"{",
    b"null",
    b"[]",
    b'"text"',
    b"42",
    b"\xff\xfe\x00not utf-8",
    b'{"a": 1e999}',
    b'{"event": {"type": "app_mention"}, "event": 5}',
    b"[" * 5000 + b"]" * 5000,
    b'{"a":' * 990 + b"1" + b"}" * 990,
)


def _slack(client: TestClient, body: bytes) -> Any:
    stamp = str(int(time.time()))
    digest = hmac.new(SLACK_SECRET.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    headers = {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}
    return client.post("/slack/events", content=body, headers={**headers, "Content-Type": "application/json"})


def _telegram(client: TestClient, body: bytes) -> Any:
    headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET, "Content-Type": "application/json"}
    return client.post("/telegram/webhook", content=body, headers=headers)


def _encoded(bodies: Iterator[Any]) -> list[bytes]:
    # Unique event ids, so no case is skipped as a replay of another.
    out = []
    for n, body in enumerate(bodies):
        if isinstance(body, dict) and body.get("event_id") == "Ev1":
            body["event_id"] = f"Ev-m{n}"
        out.append(json.dumps(body).encode())
    return out


def test_the_corpus_has_over_two_hundred_cases_a_platform() -> None:
    assert len(_encoded(mutations(slack_event()))) + len(RAW_BODIES) > 200
    assert len(_encoded(mutations(telegram_update()))) + len(RAW_BODIES) > 200


@pytest.mark.parametrize("platform", ["slack", "telegram"])
def test_no_malformed_body_gets_a_5xx_or_breaks_the_answer(client: TestClient, platform: str) -> None:
    post, valid = (_slack, slack_event()) if platform == "slack" else (_telegram, telegram_update())
    bodies = [*_encoded(mutations(valid)), *RAW_BODIES]
    problems = []
    for body in bodies:
        try:
            response = post(client, body)
        except Exception as exc:  # raised by the endpoint or the background task that answers
            problems.append(f"{body[:80]!r}: raised {type(exc).__name__}: {exc}"[:300])
            continue
        if response.status_code >= 500:
            problems.append(f"{body[:80]!r}: {response.status_code} {response.text[:100]}")
        elif response.status_code >= 400 and set(response.json()) != {"error"}:
            problems.append(f"{body[:80]!r}: {response.status_code} not in the error shape: {response.text[:100]}")
    assert problems == [], f"{len(problems)} of {len(bodies)} cases failed:\n" + "\n".join(problems[:20])


def test_a_valid_body_is_still_answered(client: TestClient) -> None:
    before = _Api.sent
    assert _telegram(client, json.dumps(telegram_update()).encode()).status_code == 200
    body = slack_event()
    body["event_id"] = "Ev-valid"
    assert _slack(client, json.dumps(body).encode()).status_code == 200
    assert _Api.sent >= before + 2  # one reply on each platform
