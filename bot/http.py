"""HTTP plumbing shared by the API, the chat channels and the page: API keys, per-key rate limits,
request size and JSON limits, and the error they answer with. Its own module so that none of them
imports another to get it."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

MAX_BODY_BYTES = 64 * 1024
# JSON nested deeper than this is refused before parsing (990 levels made the parser recurse out).
MAX_JSON_DEPTH = 32
# Failed key checks allowed per address a minute: guessing keys is slowed to this, then refused (429).
FAILED_AUTH_PER_MINUTE = 10
# The page's own calls into Gradio: the API's limits apply to them too (per address, as the page has no
# key), and uploads are refused (the page never uploads; an open upload stores anyone's files).
PAGE_CALLS = ("/gradio_api/queue/join", "/gradio_api/run/", "/gradio_api/call/", "/gradio_api/api/")
PAGE_UPLOADS = ("/gradio_api/upload",)


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
    failures: RateLimiter = field(default_factory=lambda: RateLimiter(FAILED_AUTH_PER_MINUTE))

    def caller(self, request: Request) -> str:
        """The caller's identity (its key, or its address when keys are off), after checks and rate limiting."""
        check_declared_size(request)
        key = _presented_key(request)
        if self.keys:
            if key is None:
                self.failed(request)
                raise ApiError(
                    401, "missing API key: send 'Authorization: Bearer <key>'", {"WWW-Authenticate": "Bearer"}
                )
            if not any(hmac.compare_digest(key.encode(), k.encode()) for k in self.keys):
                self.failed(request)
                raise ApiError(401, "invalid API key", {"WWW-Authenticate": "Bearer"})
            # The whole key, hashed: keys sharing an ending ("alpha-123456", "bravo-123456") are
            # different callers, and the bucket's name never holds the secret.
            who = "key:" + hashlib.sha256(key.encode()).hexdigest()[:16]
        else:
            who = "ip:" + _address(request)
        self.limiter.check(who)
        return who

    def failed(self, request: Request) -> None:
        """Count a failed key or token check against the caller's address (429 once over the limit)."""
        self.failures.check("fail:" + _address(request))

    def page(self, request: Request) -> None:
        """Rate-limit a call the web page makes into Gradio, per address; refuse uploads."""
        path = request.url.path
        if path.startswith(PAGE_UPLOADS):
            raise ApiError(403, "uploads are switched off")
        if path.startswith(PAGE_CALLS):
            self.limiter.check("page:" + _address(request))


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


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


def parse_json(body: bytes, what: str = "request body") -> Any:
    """Parse a JSON body, refusing (400) invalid JSON and nesting deeper than `MAX_JSON_DEPTH`."""
    if json_depth(body) > MAX_JSON_DEPTH:
        raise ApiError(400, f"the {what} nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise ApiError(400, f"the {what} is not valid JSON") from None


def json_depth(body: bytes) -> int:
    """The deepest nesting of arrays and objects in `body`, ignoring brackets inside strings."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest
