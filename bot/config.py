"""One frozen `Settings`, read from the environment (and CLI flags) once, validated at start."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from bot.errors import ConfigError
from bot.redact import redact

ANSWERERS = ("extractive", "openai", "llamacpp")
# Published sha256 of the official Qwen2.5-Coder-0.5B-Instruct Q4_K_M GGUF.
QWEN_GGUF_SHA256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"

# Settings field -> environment variable.
ENV_NAMES = {
    "corpus_dir": "STORYBOT_CORPUS_DIR",
    "index_dir": "STORYBOT_INDEX_DIR",
    "embedding_model": "STORYBOT_EMBEDDING_MODEL",
    "answerer": "STORYBOT_ANSWERER",
    "llm_base_url": "STORYBOT_LLM_BASE_URL",
    "llm_model": "STORYBOT_LLM_MODEL",
    "llm_api_key": "STORYBOT_LLM_API_KEY",
    "gguf_path": "STORYBOT_GGUF_PATH",
    "gguf_sha256": "STORYBOT_GGUF_SHA256",
    "top_k": "STORYBOT_TOP_K",
    "chunk_chars": "STORYBOT_CHUNK_CHARS",
    "chunk_overlap": "STORYBOT_CHUNK_OVERLAP",
    "reader_threshold": "STORYBOT_READER_THRESHOLD",
    "reader_model": "STORYBOT_READER_MODEL",
    "wordnet_dir": "STORYBOT_WORDNET_DIR",
    "max_question_chars": "STORYBOT_MAX_QUESTION_CHARS",
    "feedback_path": "STORYBOT_FEEDBACK_PATH",
    "host": "STORYBOT_HOST",
    "port": "STORYBOT_PORT",
    "editor_token": "STORYBOT_EDITOR_TOKEN",
    "api_keys": "STORYBOT_API_KEYS",
    "rate_limit": "STORYBOT_RATE_LIMIT",
    "conversations_url": "STORYBOT_CONVERSATIONS_URL",
    "telegram_token": "STORYBOT_TELEGRAM_TOKEN",
    "telegram_secret": "STORYBOT_TELEGRAM_SECRET",
    "telegram_api_url": "STORYBOT_TELEGRAM_API_URL",
    "slack_bot_token": "STORYBOT_SLACK_BOT_TOKEN",
    "slack_signing_secret": "STORYBOT_SLACK_SIGNING_SECRET",
    "slack_api_url": "STORYBOT_SLACK_API_URL",
}


@dataclass(frozen=True)
class Settings:
    """Everything configurable. Build with `Settings.from_env()`; it validates on construction."""

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path(".storybot/index")
    embedding_model: str = "minilm"
    answerer: str = "extractive"
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = field(default=None, repr=False)
    gguf_path: Path | None = None
    gguf_sha256: str = QWEN_GGUF_SHA256
    top_k: int = 5
    # Long sections are cut into windows of about this many characters, overlapping by this many
    # sentences (chosen by the chunk sweep in bench/README.md: 1,600 doubled answer recall@1 on
    # RealTimeQA dev over 800). A change re-embeds the corpus.
    chunk_chars: int = 1600
    chunk_overlap: int = 1
    # The reader refuses unless some sentence's probability of answering clears this; unset means the
    # threshold calibrated by `storybot train-reader` and stored with the model.
    reader_threshold: float | None = None
    # A reader model file written by `storybot train-reader`; unset means the one shipped in bot/models/.
    reader_model: Path | None = None
    # WordNet's database, to tell a lower-case name ("putin") from an ordinary word; unset means
    # Debian's `wordnet-base` location, and without it such names simply go unnoticed.
    wordnet_dir: Path | None = None
    max_question_chars: int = 1000
    feedback_path: Path = Path(".storybot/feedback.sqlite3")
    host: str = "127.0.0.1"
    port: int = 7860
    editor_token: str | None = field(default=None, repr=False)
    api_keys: tuple[str, ...] = field(default=(), repr=False)
    rate_limit: int = 60
    conversations_url: str = "sqlite:///.storybot/conversations.sqlite3"
    telegram_token: str | None = field(default=None, repr=False)
    telegram_secret: str | None = field(default=None, repr=False)
    telegram_api_url: str = "https://api.telegram.org"
    slack_bot_token: str | None = field(default=None, repr=False)
    slack_signing_secret: str | None = field(default=None, repr=False)
    slack_api_url: str = "https://slack.com/api/"

    @property
    def local_only(self) -> bool:
        """True when the web app listens on loopback only, so no one else can reach it."""
        return self.host in ("127.0.0.1", "localhost", "::1") or self.host.startswith("127.")

    def __post_init__(self) -> None:
        for name in ("corpus_dir", "index_dir", "gguf_path", "feedback_path", "wordnet_dir", "reader_model"):
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, Path(value))  # accept str paths from Python callers
        _validate(self)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read `STORYBOT_*` variables (see README), then apply non-None `overrides` (CLI flags)."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for name, var in ENV_NAMES.items():
            raw = env.get(var, "").strip()
            if raw:
                values[name] = _convert(name, raw, var)
        if "llm_api_key" not in values and env.get("OPENAI_API_KEY"):
            values["llm_api_key"] = env["OPENAI_API_KEY"]
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every configured secret value, for redacting logs and errors."""
        values = [self.llm_api_key, self.editor_token, self.telegram_token, self.telegram_secret]
        values += [self.slack_bot_token, self.slack_signing_secret, *self.api_keys]
        return tuple(v for v in values if v)

    def with_changes(self, **changes: Any) -> Settings:
        """A validated copy with some fields changed."""
        return replace(self, **changes)


_TYPES = {f.name: f.type for f in fields(Settings)}


def _convert(name: str, raw: str, var: str) -> Any:
    kind = str(_TYPES[name])
    if kind == "int":
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{var} must be a whole number, got {raw!r}") from None
    if kind in ("float", "float | None"):
        try:
            return float(raw)
        except ValueError:
            raise ConfigError(f"{var} must be a number, got {raw!r}") from None
    if "Path" in kind:
        return Path(raw)
    if "tuple" in kind:
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    return raw


def _validate(s: Settings) -> None:
    if s.answerer not in ANSWERERS:
        raise ConfigError(f"answerer must be one of {', '.join(ANSWERERS)}; got {s.answerer!r}")
    if s.reader_threshold is not None and not 0.0 <= s.reader_threshold <= 1.0:
        raise ConfigError(f"reader_threshold must be between 0 and 1; got {s.reader_threshold}")
    if not 1 <= s.top_k <= 50:
        raise ConfigError(f"top_k must be between 1 and 50; got {s.top_k}")
    if not 200 <= s.chunk_chars <= 4000:
        raise ConfigError(f"chunk_chars must be between 200 and 4000; got {s.chunk_chars}")
    if not 0 <= s.chunk_overlap <= 3:
        raise ConfigError(f"chunk_overlap must be between 0 and 3 sentences; got {s.chunk_overlap}")
    if not 20 <= s.max_question_chars <= 20_000:
        raise ConfigError(f"max_question_chars must be between 20 and 20000; got {s.max_question_chars}")
    if s.index_dir.exists() and not s.index_dir.is_dir():
        raise ConfigError(f"the index path {s.index_dir} is a file, not a folder")
    if not 1 <= s.port <= 65535:
        raise ConfigError(f"port must be between 1 and 65535; got {s.port}")
    if not s.host.strip():
        raise ConfigError("host must not be empty")
    if not s.local_only and not s.api_keys:
        raise ConfigError(f"the app listens on {s.host}, beyond this machine: set STORYBOT_API_KEYS (comma-separated)")
    if s.telegram_token and not s.telegram_secret:
        raise ConfigError("STORYBOT_TELEGRAM_TOKEN needs STORYBOT_TELEGRAM_SECRET, the webhook's secret token")
    if s.slack_bot_token and not s.slack_signing_secret:
        raise ConfigError(
            "STORYBOT_SLACK_BOT_TOKEN needs STORYBOT_SLACK_SIGNING_SECRET, the Slack app's signing secret"
        )
    if not 1 <= s.rate_limit <= 100_000:
        raise ConfigError(f"rate_limit must be between 1 and 100000 requests a minute; got {s.rate_limit}")
    if not s.embedding_model.strip():
        raise ConfigError("embedding_model must not be empty")
    if s.answerer == "openai":
        _require(s.llm_base_url, "the openai answerer needs STORYBOT_LLM_BASE_URL (e.g. http://localhost:11434/v1)")
        _require(s.llm_model, "the openai answerer needs STORYBOT_LLM_MODEL (e.g. qwen2.5:7b)")
        url = urlparse(s.llm_base_url or "")
        if url.scheme not in ("http", "https") or not url.netloc:
            raise ConfigError(f"STORYBOT_LLM_BASE_URL must be an http(s) URL; got {redact(s.llm_base_url or '')!r}")
    if s.wordnet_dir is not None and not (s.wordnet_dir / "data.noun").is_file():
        raise ConfigError(f"STORYBOT_WORDNET_DIR {s.wordnet_dir} holds no WordNet database (data.noun)")
    if s.answerer == "llamacpp":
        _require(s.gguf_path, "the llamacpp answerer needs STORYBOT_GGUF_PATH (a .gguf file)")
    if len(s.gguf_sha256) != 64 or any(c not in "0123456789abcdef" for c in s.gguf_sha256.lower()):
        raise ConfigError("STORYBOT_GGUF_SHA256 must be 64 hexadecimal characters")


def _require(value: object, message: str) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ConfigError(message)
