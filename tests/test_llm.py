import json
import re
from collections.abc import Iterator
from typing import Any, ClassVar

import chromadb
import pytest
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from stub_api import JsonApi, serve

from bot import Answer, Bot, Settings, build_bot
from bot.llm import REFUSAL_TOKEN, parse_answer
from bot.retrieve import make_query


def _llm_bot(settings: Settings, chroma: chromadb.ClientAPI, *replies: str) -> Bot:
    model = GenericFakeChatModel(messages=iter([AIMessage(r) for r in replies]))
    bot = build_bot(settings, chat_model=model, chroma_client=chroma)
    bot.index_corpus()
    return bot


def test_parse_answer_reads_markers() -> None:
    draft = parse_answer("Belarus freed 123 prisoners [1]. It followed talks [2][7]. No source here.", 3)
    assert [(s.text, s.sources) for s in draft.sentences] == [
        ("Belarus freed 123 prisoners.", (0,)),
        ("It followed talks.", (1,)),
        ("No source here.", ()),
    ]
    assert parse_answer(REFUSAL_TOKEN, 3).declined


def test_llm_answer_is_verified_and_quoted(settings: Settings, chroma: chromadb.ClientAPI) -> None:
    reply = (
        "Belarus has released 123 political prisoners following negotiations with the US over sanctions [{n}]. "
        "Lukashenko also promised free elections next year [{n}]. "
        "Many observers were surprised."
    )
    bot = _llm_bot(settings, chroma, "placeholder")
    hits = bot.retriever.search(make_query("Why did Belarus release prisoners?", bot.catalog()))
    n = 1 + next(i for i, h in enumerate(hits) if h.chunk.section == "What's happened")
    bot = _llm_bot(settings, chroma, reply.format(n=n))
    answer = bot.ask("Why did Belarus release prisoners?")
    assert not answer.refused
    assert (
        answer.text
        == "Belarus has released 123 political prisoners following negotiations with the US over sanctions [1]."
    )
    (citation,) = answer.citations
    assert citation.section == "What's happened"
    assert citation.quote.startswith("Belarus has released 123 political prisoners")


def test_llm_with_nothing_supported_falls_back_to_extractive(settings: Settings, chroma: chromadb.ClientAPI) -> None:
    bot = _llm_bot(settings, chroma, "The EU imposed new tariffs on potash in March [1].")
    answer = bot.ask("Why did Belarus release prisoners?")
    assert not answer.refused
    assert "tariffs" not in answer.text
    assert answer.citations
    assert all(c.quote.rstrip(".") in answer.text for c in answer.citations)  # extractive quotes verbatim


def test_llm_condenses_follow_ups(settings: Settings, chroma: chromadb.ClientAPI) -> None:
    bot = _llm_bot(settings, chroma, "When was Ales Bialiatski born [1]?", "He was born in 1962 [1].")
    history = [
        {"role": "user", "content": "Who is Ales Bialiatski?"},
        {"role": "assistant", "content": "A rights defender."},
    ]
    answer = bot.ask("When was he born?", history=history)
    assert bot.last_trace is not None and bot.last_trace.standalone == "When was Ales Bialiatski born?"
    assert "1962" in answer.text and answer.citations[0].entity == "Ales Bialiatski"


class _OpenAIStub(JsonApi):
    """An OpenAI-compatible server that cites whichever passage number holds Bialiatski's bio."""

    requests: ClassVar[list[dict[str, Any]]] = []
    reply = ""

    def do_POST(self) -> None:
        body = self.read_json()
        type(self).requests.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
        number = re.search(r"\[(\d+)\] Ales Bialiatski\n", body["messages"][-1]["content"])
        text = type(self).reply.format(n=number[1] if number else 9)
        base = {"id": "x", "created": 0, "model": body["model"]}
        if body.get("stream"):  # server-sent events, a few words per chunk, as real servers do
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for word in re.findall(r"\S+\s*", text):
                delta = {"role": "assistant", "content": word}
                chunk = {**base, "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": delta}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            done = {
                **base,
                "object": "chat.completion.chunk",
                "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
            }
            self.wfile.write(f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n".encode())
            return
        message = {"role": "assistant", "content": text}
        payload = {
            **base,
            "object": "chat.completion",
            "choices": [{"index": 0, "finish_reason": "stop", "message": message}],
        }
        self.send_json(payload)


@pytest.fixture
def openai_stub() -> Iterator[str]:
    with serve(_OpenAIStub, "/v1") as url:
        yield url


def test_openai_compatible_endpoint_end_to_end(
    settings: Settings, chroma: chromadb.ClientAPI, openai_stub: str
) -> None:
    _OpenAIStub.requests.clear()
    _OpenAIStub.reply = "Ales Bialiatski was born on 25 September 1962 [{n}]."
    configured = settings.with_changes(
        answerer="openai", llm_base_url=openai_stub, llm_model="qwen-test", llm_api_key="k1"
    )
    bot = build_bot(configured, chroma_client=chroma)
    bot.index_corpus()  # asks the story's suggested questions too: they are checked as it is indexed
    _OpenAIStub.requests.clear()
    answer = bot.ask("When was Ales Bialiatski born?")
    (request,) = _OpenAIStub.requests
    assert request["path"] == "/v1/chat/completions" and request["model"] == "qwen-test"
    assert request["auth"] == "Bearer k1"
    assert "Question: When was Ales Bialiatski born?" in request["messages"][1]["content"]
    assert answer.text == "Ales Bialiatski was born on 25 September 1962 [1]."
    assert "born 25 September 1962" in answer.citations[0].quote


def test_ask_stream_yields_the_draft_then_the_verified_answer(
    settings: Settings, chroma: chromadb.ClientAPI, openai_stub: str
) -> None:
    _OpenAIStub.reply = "Ales Bialiatski was born on 25 September 1962 [{n}]. He also won an Oscar [{n}]."
    configured = settings.with_changes(answerer="openai", llm_base_url=openai_stub, llm_model="m")
    bot = build_bot(configured, chroma_client=chroma)
    bot.index_corpus()
    events = list(bot.ask_stream("When was Ales Bialiatski born?"))
    deltas, answer = events[:-1], events[-1]
    assert len(deltas) > 5 and all(isinstance(d, str) for d in deltas)
    assert "Oscar" in "".join(deltas)  # the raw draft, shown as unverified while it streams
    assert isinstance(answer, Answer) and "Oscar" not in answer.text and "1962 [1]" in answer.text
