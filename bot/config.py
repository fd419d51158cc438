"""One frozen `Settings`, read from the environment (and CLI flags) once, validated at start.

Settings are grouped by concern: the pipeline's knobs are fields of `Settings` itself, the web server's
live in `settings.server`, the messaging channels' in `settings.channels` (`.telegram`, `.slack`).
Every knob has a flat name, its group's prefix and its field name (`channels.telegram.token` is
`telegram_token`), and one environment variable, `STORYBOT_` and the flat name in capitals
(STORYBOT_TELEGRAM_TOKEN). CLI overrides and `with_changes` take flat names.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, get_type_hints
from urllib.parse import urlparse

from bot.chunking import CHUNK_CHARS, CHUNK_OVERLAP
from bot.errors import ConfigError
from bot.redact import redact
from bot.retrieve import TOP_K

ENV_PREFIX = "STORYBOT_"
# Published sha256 of the official Qwen2.5-Coder-0.5B-Instruct Q4_K_M GGUF.
QWEN_GGUF_SHA256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
# Field metadata marking a group of settings; its value is the prefix of the group's flat names.
_GROUP = "storybot.group_prefix"


# Seconds a locked SQLite file (ratings, conversations, editors' questions) is waited for before one
# read or write fails with a message: someone is waiting meanwhile (SQLite's own 5 s froze the page).
STORE_WAIT = 1.0


class AnswererKind(StrEnum):
    """How answers are written (STORYBOT_ANSWERER)."""

    EXTRACTIVE = "extractive"  # the reader quotes the sentences that answer; no language model
    OPENAI = "openai"  # any OpenAI-compatible endpoint
    LLAMACPP = "llamacpp"  # a local GGUF file

    @property
    def uses_chat_model(self) -> bool:
        """True when a language model writes the answers."""
        return self is not AnswererKind.EXTRACTIVE


@dataclass(frozen=True)
class ServerSettings:
    """The web page and HTTP API: where they listen, who may call them, where readers' ratings go."""

    host: str = "127.0.0.1"
    port: int = 7860
    editor_token: str | None = field(default=None, repr=False)
    api_keys: tuple[str, ...] = field(default=(), repr=False)
    # Keys for publishing and taking down stories; never implied by being on localhost.
    publish_keys: tuple[str, ...] = field(default=(), repr=False)
    rate_limit: int = 60
    feedback_path: Path = Path(".storybot/feedback.sqlite3")

    @property
    def local_only(self) -> bool:
        """True when the web app listens on loopback only, so no one else can reach it."""
        return self.host in ("127.0.0.1", "localhost", "::1") or self.host.startswith("127.")

    def __post_init__(self) -> None:
        _paths_from_text(self)


@dataclass(frozen=True)
class TelegramSettings:
    """The Telegram webhook; on when both the token and the secret are set."""

    token: str | None = field(default=None, repr=False)
    secret: str | None = field(default=None, repr=False)
    api_url: str = "https://api.telegram.org"


@dataclass(frozen=True)
class SlackSettings:
    """The Slack events endpoint; on when both the bot token and the signing secret are set."""

    bot_token: str | None = field(default=None, repr=False)
    signing_secret: str | None = field(default=None, repr=False)
    api_url: str = "https://slack.com/api/"


@dataclass(frozen=True)
class ChannelSettings:
    """The messaging platforms and the store of their conversations."""

    conversations_url: str = "sqlite:///.storybot/conversations.sqlite3"
    telegram: TelegramSettings = field(default_factory=TelegramSettings, metadata={_GROUP: "telegram_"})
    slack: SlackSettings = field(default_factory=SlackSettings, metadata={_GROUP: "slack_"})


@dataclass(frozen=True)
class Settings:
    """Everything configurable. Build with `Settings.from_env()`; it validates on construction."""

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path(".storybot/index")
    embedding_model: str = "minilm"
    answerer: AnswererKind = AnswererKind.EXTRACTIVE
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = field(default=None, repr=False)
    gguf_path: Path | None = None
    gguf_sha256: str = QWEN_GGUF_SHA256
    top_k: int = TOP_K
    chunk_chars: int = CHUNK_CHARS
    chunk_overlap: int = CHUNK_OVERLAP
    # The reader refuses unless some sentence's probability of answering clears this; unset means the
    # threshold calibrated by `storybot train-reader` and stored with the model.
    reader_threshold: float | None = None
    # A reader model file written by `storybot train-reader`; unset means the one shipped in bot/models/.
    reader_model: Path | None = None
    # WordNet's database, to tell a lower-case name ("putin") from an ordinary word; unset means
    # Debian's `wordnet-base` location, and without it such names simply go unnoticed.
    wordnet_dir: Path | None = None
    max_question_chars: int = 1000
    server: ServerSettings = field(default_factory=ServerSettings, metadata={_GROUP: ""})
    channels: ChannelSettings = field(default_factory=ChannelSettings, metadata={_GROUP: ""})

    def __post_init__(self) -> None:
        _paths_from_text(self)  # accept str paths from Python callers
        if not isinstance(self.answerer, AnswererKind):
            object.__setattr__(self, "answerer", _answerer(self.answerer))
        _validate(self)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read `STORYBOT_*` variables (see README), then apply non-None `overrides` (CLI flags, by flat name)."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for name, knob in knobs().items():
            raw = env.get(env_var(name), "").strip()
            if raw:
                values[name] = _convert(knob.kind, raw, env_var(name))
        if "llm_api_key" not in values and env.get("OPENAI_API_KEY"):
            values["llm_api_key"] = env["OPENAI_API_KEY"]
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings: Settings = _built(_known(values))
        return settings

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every configured secret value (each knob kept out of `repr`), for redacting logs and errors."""
        found: list[str] = []
        for name, knob in knobs().items():
            value = self.value(name)
            if knob.secret and value:
                found += value if isinstance(value, tuple) else [value]
        return tuple(found)

    def value(self, name: str) -> Any:
        """The value of the knob with this flat name ("port" is `self.server.port`)."""
        node: Any = self
        for part in knobs()[name].path:
            node = getattr(node, part)
        return node

    def with_changes(self, **changes: Any) -> Settings:
        """A validated copy with some knobs changed, by flat name (`top_k`, `port`, `slack_bot_token`)."""
        changed: Settings = _built({**{name: self.value(name) for name in knobs()}, **_known(changes)})
        return changed


@dataclass(frozen=True)
class Knob:
    """One setting: where it lives in `Settings`, its type, and whether it is a secret (kept out of `repr`)."""

    path: tuple[str, ...]
    kind: Any
    secret: bool


def env_var(name: str) -> str:
    """The environment variable of the knob with this flat name."""
    return ENV_PREFIX + name.upper()


@cache
def knobs() -> dict[str, Knob]:
    """Every knob of `Settings`, by flat name, groups walked."""
    return _knobs_of(Settings, (), "")


@cache
def _hints(cls: Any) -> dict[str, Any]:
    return get_type_hints(cls)


def _knobs_of(cls: type, path: tuple[str, ...], prefix: str) -> dict[str, Knob]:
    hints = _hints(cls)
    found: dict[str, Knob] = {}
    for f in fields(cls):
        if _GROUP in f.metadata:
            found |= _knobs_of(hints[f.name], (*path, f.name), prefix + f.metadata[_GROUP])
        else:
            found[prefix + f.name] = Knob((*path, f.name), hints[f.name], not f.repr)
    return found


def _known(values: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(values) - knobs().keys())
    if unknown:
        raise TypeError(f"unknown settings: {', '.join(unknown)}")
    return values


def _built(values: Mapping[str, Any], cls: type = Settings, prefix: str = "") -> Any:
    """A `cls` from flat-named values (defaults for the rest); only `Settings` itself validates."""
    hints = _hints(cls)
    kwargs: dict[str, Any] = {}
    for f in fields(cls):
        if _GROUP in f.metadata:
            kwargs[f.name] = _built(values, hints[f.name], prefix + f.metadata[_GROUP])
        elif prefix + f.name in values:
            kwargs[f.name] = values[prefix + f.name]
    return cls(**kwargs)


def _paths_from_text(settings: Any) -> None:
    """Text given for a path field becomes a `Path` (Python callers pass either)."""
    cls: Any = type(settings)
    hints = _hints(cls)
    for f in fields(settings):
        value = getattr(settings, f.name)
        if isinstance(value, str) and hints[f.name] in (Path, Path | None):
            object.__setattr__(settings, f.name, Path(value))


def _answerer(value: Any) -> AnswererKind:
    try:
        return AnswererKind(value)
    except ValueError:
        allowed = ", ".join(kind.value for kind in AnswererKind)
        raise ConfigError(f"{env_var('answerer')} must be one of {allowed}; got {value!r}") from None


def _convert(kind: Any, raw: str, var: str) -> Any:
    if kind is int:
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{var} must be a whole number, got {raw!r}") from None
    if kind in (float, float | None):
        try:
            return float(raw)
        except ValueError:
            raise ConfigError(f"{var} must be a number, got {raw!r}") from None
    if kind in (Path, Path | None):
        return Path(raw)
    if kind == tuple[str, ...]:
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    return raw  # text, and the answerer (checked when `Settings` is built)


def _in_range(name: str, value: float, low: float, high: float, unit: str = "") -> None:
    """Fail unless `low <= value <= high` (NaN fails too), naming the knob's variable."""
    if not low <= value <= high:
        raise ConfigError(f"{env_var(name)} must be between {low} and {high}{unit}; got {value}")


def _validate(s: Settings) -> None:
    if s.reader_threshold is not None:
        _in_range("reader_threshold", s.reader_threshold, 0, 1)
    _in_range("top_k", s.top_k, 1, 50)
    _in_range("chunk_chars", s.chunk_chars, 200, 4000)
    _in_range("chunk_overlap", s.chunk_overlap, 0, 3, " sentences")
    _in_range("max_question_chars", s.max_question_chars, 20, 20_000)
    if s.index_dir.exists() and not s.index_dir.is_dir():
        raise ConfigError(f"the index path {s.index_dir} ({env_var('index_dir')}) is a file, not a folder")
    if not s.embedding_model.strip():
        raise ConfigError(f"{env_var('embedding_model')} must not be empty")
    if s.answerer is AnswererKind.OPENAI:
        _require(s.llm_base_url, "the openai answerer needs STORYBOT_LLM_BASE_URL (e.g. http://localhost:11434/v1)")
        _require(s.llm_model, "the openai answerer needs STORYBOT_LLM_MODEL (e.g. qwen2.5:7b)")
        url = urlparse(s.llm_base_url or "")
        if url.scheme not in ("http", "https") or not url.netloc:
            raise ConfigError(f"STORYBOT_LLM_BASE_URL must be an http(s) URL; got {redact(s.llm_base_url or '')!r}")
    if s.wordnet_dir is not None and not (s.wordnet_dir / "data.noun").is_file():
        raise ConfigError(f"STORYBOT_WORDNET_DIR {s.wordnet_dir} holds no WordNet database (data.noun)")
    if s.answerer is AnswererKind.LLAMACPP:
        _require(s.gguf_path, "the llamacpp answerer needs STORYBOT_GGUF_PATH (a .gguf file)")
    if len(s.gguf_sha256) != 64 or any(c not in "0123456789abcdef" for c in s.gguf_sha256.lower()):
        raise ConfigError("STORYBOT_GGUF_SHA256 must be 64 hexadecimal characters")
    _validate_server(s.server)
    _validate_channels(s.channels)


def _validate_server(server: ServerSettings) -> None:
    _in_range("port", server.port, 1, 65535)
    _in_range("rate_limit", server.rate_limit, 1, 100_000, " requests a minute")
    if not server.host.strip():
        raise ConfigError(f"{env_var('host')} must not be empty")
    if not server.local_only and not server.api_keys:
        raise ConfigError(
            f"the app listens on {server.host}, beyond this machine: set STORYBOT_API_KEYS (comma-separated)"
        )


def _validate_channels(channels: ChannelSettings) -> None:
    if channels.telegram.token and not channels.telegram.secret:
        raise ConfigError("STORYBOT_TELEGRAM_TOKEN needs STORYBOT_TELEGRAM_SECRET, the webhook's secret token")
    if channels.slack.bot_token and not channels.slack.signing_secret:
        raise ConfigError(
            "STORYBOT_SLACK_BOT_TOKEN needs STORYBOT_SLACK_SIGNING_SECRET, the Slack app's signing secret"
        )


def _require(value: object, message: str) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ConfigError(message)
