"""Known secrets fed through every path that prints: logs, CLI errors, config errors."""

from __future__ import annotations

import logging
from typing import Any

import chromadb
import pytest
from langchain_core.language_models import GenericFakeChatModel

from bot import ConfigError, Settings, build_bot
from bot.redact import install, redact

KEY = "sk-proj-Zq81hFakeKey0000aaaa"
SECRETS = (KEY, "editor-token-9d8c7b", "123456789:AAHfakeTelegramTokenValue0123456789abc", "xoxb-1234-5678-fakeslack")


def test_secret_shapes_and_known_values_are_hidden() -> None:
    text = (
        f"Incorrect API key provided: Bearer {KEY}; url https://user:hunter22@llm.example/v1?api_key=abc123 "
        f"tokens {SECRETS[2]} {SECRETS[3]} and the editor's editor-token-9d8c7b"
    )
    cleaned = redact(text, SECRETS)
    for secret in (*SECRETS, "hunter22", "abc123", "Zq81h"):
        assert secret not in cleaned, cleaned
    assert "Incorrect API key provided" in cleaned and "llm.example/v1" in cleaned


class FailingChat(GenericFakeChatModel):
    """A chat model whose upstream refuses the key, quoting it, as OpenAI's does."""

    def _stream(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"Error code: 401 - Incorrect API key provided: Bearer {KEY}")

    def _generate(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"Error code: 401 - Incorrect API key provided: {KEY}")


def test_upstream_errors_are_logged_without_the_key(
    settings: Settings, chroma: chromadb.ClientAPI, caplog: pytest.LogCaptureFixture
) -> None:
    bot = build_bot(settings, chat_model=FailingChat(messages=iter([])), chroma_client=chroma)
    bot.index_corpus()
    with caplog.at_level(logging.WARNING):
        bot.ask("Who is Ales Bialiatski?")
        bot.ask("When was he born?", [{"role": "user", "content": "Who is Ales Bialiatski?"}])
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "chat model failed" in logged and KEY not in logged and "Zq81h" not in logged


def test_the_filter_redacts_tracebacks_too() -> None:
    handler = logging.Handler()
    handler.emit = lambda record: seen.append(handler.format(record))  # type: ignore[method-assign]
    seen: list[str] = []
    logger = logging.getLogger("storybot-test-redact")
    logger.addHandler(handler)
    install(SECRETS, loggers=["storybot-test-redact"])
    try:
        raise RuntimeError(f"boom {KEY}")
    except RuntimeError:
        logger.exception("failed with %s", SECRETS[1])
    logger.removeHandler(handler)
    assert seen and all(s not in seen[0] for s in SECRETS) and "boom" in seen[0]


def test_a_base_url_with_credentials_is_not_echoed() -> None:
    with pytest.raises(ConfigError) as error:
        Settings(answerer="openai", llm_base_url="ftp://admin:s3cretpass@llm.example", llm_model="m")
    assert "s3cretpass" not in str(error.value)
