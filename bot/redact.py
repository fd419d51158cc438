"""Secrets never reach a log line or an error message: API keys, tokens, and credentials in URLs.

Upstream errors quote what they were sent ("Incorrect API key provided: Bearer sk-…"), and a base URL
may carry a password; every message that leaves the process passes through `redact`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

HIDDEN = "…"
# Shapes of secrets whatever their value: OpenAI-style keys, bearer tokens, Slack and Telegram tokens,
# and the user:password part of a URL.
_SHAPES = (
    (re.compile(r"\bsk-[A-Za-z0-9_-]{6,}"), "sk-" + HIDDEN),
    (re.compile(r"(?i)\b(bearer)\s+[^\s\"',;]+"), r"\1 " + HIDDEN),
    (re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{6,}"), "xox-" + HIDDEN),
    (re.compile(r"\b\d{6,12}:[A-Za-z0-9_-]{30,}"), HIDDEN),
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s:@]+:[^/\s@]+@"), r"\1" + HIDDEN + "@"),
    (re.compile(r"(?i)\b(api[_-]?key|token|secret|password)=[^&\s]+"), r"\1=" + HIDDEN),
)
# Configured values shorter than this are too likely to be ordinary words to search for.
MIN_SECRET = 6


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every known secret value and every secret-shaped string replaced by "…"."""
    for secret in sorted((s for s in secrets if s and len(s) >= MIN_SECRET), key=len, reverse=True):
        text = text.replace(secret, HIDDEN)
    for pattern, replacement in _SHAPES:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """A handler filter that redacts each record's formatted message (arguments included)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = tuple(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never drops it."""
        message = record.getMessage()
        cleaned = redact(message, self.secrets)
        if record.exc_info and record.exc_info[1] is not None:
            # The traceback's last line quotes the exception: format it now, redacted.
            cleaned += "\n" + redact(logging.Formatter().formatException(record.exc_info), self.secrets)
            record.exc_info = None
            record.exc_text = None
        record.msg, record.args = cleaned, None
        return True


def install(
    secrets: Iterable[str] = (), loggers: Iterable[str] = ("", "uvicorn", "uvicorn.error", "uvicorn.access")
) -> None:
    """Add the filter to every handler of the process's loggers (the entry points call it once)."""
    redacting = RedactingFilter(secrets)
    for name in loggers:
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, RedactingFilter) for f in handler.filters):
                handler.addFilter(redacting)
