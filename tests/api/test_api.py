"""The HTTP API with a bot over fake models, through FastAPI's test client and the real openai client."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from chromadb.api import ClientAPI
from fastapi.testclient import TestClient
from seed import SEED_PUBLISHED, SEED_STORY, date_seed_story

from bot import Bot, ConfigError, Settings, build_bot
from bot.api import create_api
from bot.api.app import warm
from bot.http import RateLimiter
from bot.types import Answer


@pytest.fixture
def client(fake_bot: Bot) -> TestClient:
    return TestClient(create_api(fake_bot, fake_bot.settings))


def test_health_stories_models(client: TestClient) -> None:
    assert client.get("/api/health").json()["status"] == "ok"
    (story,) = client.get("/api/stories").json()
    assert story["id"] == "belarus-prisoners-released"
    assert story["questions"][0]["question"] == "Why Did Belarus Release Opposition Leaders Now?"
    assert client.get("/v1/models").json()["data"][0]["id"] == "storybot"


def test_ask_returns_the_answer_json(client: TestClient) -> None:
    history = [
        {"role": "user", "content": "Who is Ales Bialiatski?"},
        {"role": "assistant", "content": "A defender [1]."},
    ]
    response = client.post("/api/ask", json={"question": "When was he born?", "history": history})
    data = response.json()
    assert response.status_code == 200 and set(data) == set(Answer().to_dict())  # the one JSON shape of an answer
    assert "1962" in data["text"] and data["citations"][0]["entity"] == "Ales Bialiatski"


def test_ask_streams_deltas_then_citations_then_done(client: TestClient) -> None:
    with client.stream(
        "POST", "/api/ask?stream=true", json={"question": "Why did Belarus release opposition leaders now?"}
    ) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        events = [block for block in r.read().decode().split("\n\n") if block]
    kinds = [block.split("\n")[0].removeprefix("event: ") for block in events]
    assert kinds[-2:] == ["citations", "done"] and set(kinds[:-2]) == {"delta"} and len(kinds) >= 3
    done = json.loads(events[-1].split("data: ", 1)[1])
    text = "".join(json.loads(e.split("data: ", 1)[1])["text"] for e in events[:-2])
    assert text == done["text"] and done["citations"]


@pytest.mark.parametrize(
    ("path", "body", "status", "message"),
    [
        ("/api/ask", {}, 400, "question: Field required"),
        ("/api/ask", {"question": 5}, 400, "question: Input should be a valid string"),
        ("/api/ask", {"question": "Who?", "extra": 1}, 400, "extra: Extra inputs are not permitted"),
        ("/api/ask", {"question": "  "}, 400, "the question is empty"),
        ("/api/ask", {"question": "Who is Lukashenko?", "story": "nope"}, 404, "unknown story id 'nope'"),
        ("/api/ask", {"question": "Who?", "history": "x"}, 400, "history: Input should be a valid list"),
        ("/api/ask", [1, 2], 400, "must be a JSON object"),
        ("/v1/chat/completions", {"messages": []}, 400, "must end with a user message"),
        (
            "/v1/chat/completions",
            {"messages": [{"role": "assistant", "content": "hi"}]},
            400,
            "must end with a user message",
        ),
        ("/v1/chat/completions", {}, 400, "messages: Field required"),
        ("/api/ask", {"question": "Who?", "as_of": "soon"}, 400, "as_of must be a date like 2025-12-13; got 'soon'"),
        ("/api/ask", {"question": "Who?", "as_of": 2025}, 400, "as_of: Input should be a valid string"),
        (
            "/v1/chat/completions",
            {"messages": [{"role": "user", "content": "Who?"}], "as_of": "12/01/2025"},
            400,
            "as_of must be a date like 2025-12-13",
        ),
    ],
)
def test_bad_input_gets_a_status_and_a_message(
    client: TestClient, path: str, body: object, status: int, message: str
) -> None:
    response = client.post(path, json=body)
    assert response.status_code == status
    assert message in response.json()["error"]["message"]


def test_invalid_json_and_huge_bodies(client: TestClient) -> None:
    bad = client.post("/api/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert bad.status_code == 400 and "not valid JSON" in bad.json()["error"]["message"]
    huge = client.post("/api/ask", json={"question": "x" * 100_000})
    assert huge.status_code == 413 and "the limit is 65536" in huge.json()["error"]["message"]


def test_a_chunked_body_is_stopped_at_the_limit(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"question": "'
        for _ in range(2_000):  # 4 MB, with no Content-Length
            yield b"x" * 2048

    response = client.post("/api/ask", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413 and "over the limit of 65536" in response.json()["error"]["message"]


def test_api_keys_when_configured(fake_bot: Bot) -> None:
    settings = fake_bot.settings.with_changes(api_keys=("k-one", "k-two"))
    client = TestClient(create_api(fake_bot, settings))
    assert client.get("/api/stories").status_code == 401
    assert (
        client.get("/api/stories", headers={"Authorization": "Bearer wrong"}).json()["error"]["message"]
        == "invalid API key"
    )
    assert client.get("/api/stories", headers={"Authorization": "Bearer k-two"}).status_code == 200
    assert client.get("/api/stories", headers={"X-API-Key": "k-one"}).status_code == 200


def test_keys_are_required_beyond_localhost() -> None:
    with pytest.raises(ConfigError, match="set STORYBOT_API_KEYS"):
        Settings().with_changes(host="0.0.0.0")
    assert Settings().with_changes(host="0.0.0.0", api_keys=("k",)).server.api_keys == ("k",)
    assert Settings.from_env({"STORYBOT_API_KEYS": "a, b,"}).server.api_keys == ("a", "b")


def test_rate_limit_answers_429_with_retry_after(fake_bot: Bot) -> None:
    client = TestClient(create_api(fake_bot, fake_bot.settings.with_changes(rate_limit=3)))
    codes = [client.get("/v1/models").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get("/v1/models")
    assert "rate limit of 3 requests a minute" in limited.json()["error"]["message"]
    assert int(limited.headers["Retry-After"]) >= 1


def test_keys_sharing_an_ending_have_their_own_limits(fake_bot: Bot) -> None:
    settings = fake_bot.settings.with_changes(rate_limit=2, api_keys=("alpha-123456", "bravo-123456"))
    client = TestClient(create_api(fake_bot, settings))
    alpha, bravo = ({"Authorization": f"Bearer {k}-123456"} for k in ("alpha", "bravo"))
    assert [client.get("/v1/models", headers=alpha).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/v1/models", headers=bravo).status_code == 200


def test_framework_errors_use_the_documented_shape(fake_bot: Bot) -> None:
    client = TestClient(create_api(fake_bot, fake_bot.settings))
    for response, status in (
        (client.post("/api/ask?stream=maybe", json={"question": "Who is Ales Bialiatski?"}), 400),
        (client.get("/api/ask"), 405),
        (client.delete("/api/stories"), 405),
        (client.get("/api/nothing-here"), 404),
    ):
        assert response.status_code == status
        body = response.json()
        assert set(body) == {"error"} and body["error"]["message"], body
    assert "stream" in client.post("/api/ask?stream=maybe", json={"question": "x"}).json()["error"]["message"]


def test_rate_limiter_refills() -> None:
    limiter = RateLimiter(per_minute=60)
    for _ in range(60):
        limiter.check("a", now=0.0)
    with pytest.raises(Exception, match="retry in 1 s"):
        limiter.check("a", now=0.0)
    limiter.check("a", now=1.0)  # one token a second comes back
    limiter.check("b", now=0.0)  # callers are limited separately


@pytest.fixture
def live_url(fake_bot: Bot) -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_api(fake_bot, fake_bot.settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/v1"
    server.should_exit = True
    thread.join(timeout=10)


def test_the_openai_client_gets_cited_answers(live_url: str) -> None:
    from openai import OpenAI

    client = OpenAI(base_url=live_url, api_key="unused-on-localhost")
    assert [m.id for m in client.models.list()] == ["storybot"]
    completion = client.chat.completions.create(
        model="storybot",
        messages=[
            {"role": "user", "content": "Who is Ales Bialiatski?"},
            {"role": "assistant", "content": "A human rights defender [1]."},
            {"role": "user", "content": "When was he born?"},
        ],
    )
    content = completion.choices[0].message.content or ""
    assert "1962" in content and "\n\nSources:\n[1] Ales Bialiatski" in content
    extra = completion.model_dump()
    assert extra["citations"][0]["entity"] == "Ales Bialiatski" and extra["refused"] is False

    stream = client.chat.completions.create(
        model="storybot", messages=[{"role": "user", "content": "Who won the 2022 World Cup?"}], stream=True
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text.startswith("The sources here don't say.") and chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].model_dump()["refused"] is True


def test_warming_asks_the_newest_story_s_question_and_survives_an_empty_index(
    fake_bot: Bot, settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert fake_bot.warm() == "Why Did Belarus Release Opposition Leaders Now?"
    assert fake_bot.last_trace is not None and fake_bot.last_trace.hits  # the index and models were used
    empty = build_bot(settings.with_changes(index_dir=tmp_path / "never-indexed"))
    with caplog.at_level(logging.WARNING):
        warm(empty)  # the server starts anyway and answers 503 until an index exists
    assert "not warmed" in caplog.text


@pytest.fixture
def dated_client(settings: Settings, chroma: ClientAPI, corpus_dir: Path) -> TestClient:
    bot = build_bot(settings, chroma_client=chroma)
    bot.index_corpus([date_seed_story(corpus_dir)])
    return TestClient(create_api(bot, settings))


def test_answers_as_of_a_day_carry_their_sources_dates(dated_client: TestClient) -> None:
    question = "How many political prisoners did Belarus release?"
    data = dated_client.post("/api/ask", json={"question": question, "as_of": "2025-12-01"}).json()
    cited = next(c for c in data["citations"] if c["story_id"] == SEED_STORY)
    assert cited["published"] == SEED_PUBLISHED and {"updated", "correction"} <= cited.keys()
    before = dated_client.post("/api/ask", json={"question": question, "as_of": "2025-09-10"}).json()
    assert all(c["story_id"] != SEED_STORY for c in before["citations"])  # not yet published that day
    chat = {"messages": [{"role": "user", "content": question}], "as_of": "2025-12-01"}
    completion = dated_client.post("/v1/chat/completions", json=chat).json()
    assert (
        "— What's happened, published 11 Sep 2025, updated 12 Sep 2025: “"
        in completion["choices"][0]["message"]["content"]
    )
    assert completion["citations"][0]["published"] == SEED_PUBLISHED
    earlier = dated_client.post("/v1/chat/completions", json={**chat, "as_of": "2025-09-10"}).json()
    assert all(c["story_id"] != SEED_STORY for c in earlier["citations"])
