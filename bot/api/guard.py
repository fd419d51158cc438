"""API keys, per-key rate limits and request size limits for the HTTP API."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from dataclasses import dataclass, field

from fastapi import Request

MAX_BODY_BYTES = 64 * 1024


class ApiError(Exception):
    """An HTTP error with a message for the caller."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass
class RateLimiter:
    """A token bucket per caller: `per_minute` requests a minute, in bursts of up to that many."""

    per_minute: int
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, caller: str, now: float | None = None) -> None:
        """Take one token for `caller` or raise a 429 saying when to retry."""
        now = time.monotonic() if now is None else now
        rate = self.per_minute / 60.0
        with self._lock:
            tokens, last = self._buckets.get(caller, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * rate)
            if tokens < 1.0:
                wait = max(1, int((1.0 - tokens) / rate + 0.999))
                self._buckets[caller] = (tokens, now)
                raise ApiError(
                    429,
                    f"rate limit of {self.per_minute} requests a minute reached; retry in {wait} s",
                    {"Retry-After": str(wait)},
                )
            self._buckets[caller] = (tokens - 1.0, now)


@dataclass(frozen=True)
class Guard:
    """Who may call the API: any caller on localhost without keys; only key holders otherwise."""

    keys: tuple[str, ...]
    limiter: RateLimiter

    def caller(self, request: Request) -> str:
        """The caller's identity (its key, or its address when keys are off), after checks and rate limiting."""
        check_declared_size(request)
        key = _presented_key(request)
        if self.keys:
            if key is None:
                raise ApiError(
                    401, "missing API key: send 'Authorization: Bearer <key>'", {"WWW-Authenticate": "Bearer"}
                )
            if not any(hmac.compare_digest(key.encode(), k.encode()) for k in self.keys):
                raise ApiError(401, "invalid API key", {"WWW-Authenticate": "Bearer"})
            # The whole key, hashed: keys sharing an ending ("alpha-123456", "bravo-123456") are
            # different callers, and the bucket's name never holds the secret.
            who = "key:" + hashlib.sha256(key.encode()).hexdigest()[:16]
        else:
            who = "ip:" + (request.client.host if request.client else "unknown")
        self.limiter.check(who)
        return who


def _presented_key(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None
    return request.headers.get("x-api-key") or None


def check_declared_size(request: Request, limit: int = MAX_BODY_BYTES) -> None:
    """Refuse (413) a request whose Content-Length is over `limit`, before reading it."""
    size = request.headers.get("content-length")
    if size is not None and size.isdigit() and int(size) > limit:
        raise ApiError(413, f"request body is {size} bytes; the limit is {limit}")


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The request body, refusing (413) more than `limit` bytes whatever Content-Length claims."""
    check_declared_size(request, limit)
    body = bytearray()
    async for part in request.stream():
        body += part
        if len(body) > limit:
            raise ApiError(413, f"request body is over the limit of {limit} bytes")
    return bytes(body)
