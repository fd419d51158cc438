"""A local stand-in for a platform's HTTP API (Slack, Telegram, an OpenAI-compatible server): tests
point the real client code at it and inspect what it was sent."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar


class JsonApi(BaseHTTPRequestHandler):
    """A quiet handler with helpers to read a JSON request and send a JSON reply."""

    def read_json(self) -> Any:
        """The request body, parsed."""
        return json.loads(self.rfile.read(int(self.headers["Content-Length"])))

    def send_json(
        self,
        payload: Any,
        content_type: str = "application/json",
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Reply `status` (200 unless told) with `payload` as JSON."""
        data = json.dumps(payload).encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


class FlakyApi(JsonApi):
    """Answers the first `failures` requests with those statuses (`refusal` says how), then `accept`s."""

    failures: ClassVar[list[int]] = []
    sent: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = self.read_json()
        if type(self).failures:
            status = type(self).failures.pop(0)
            payload, headers = self.refusal(status)
            self.send_json(payload, status=status, headers=headers)
            return
        type(self).sent.append(body)
        self.accept(body)

    def refusal(self, status: int) -> tuple[Any, dict[str, str]]:
        """The body and headers of a failed request."""
        return {"ok": False}, {}

    def accept(self, body: dict[str, Any]) -> None:
        """Reply to a request that goes through."""
        self.send_json({"ok": True})


@contextmanager
def serve(handler: type[BaseHTTPRequestHandler], path: str = "") -> Iterator[str]:
    """Run `handler` on a free local port for the block; yields its base URL (plus `path`)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{path}"
    finally:
        server.shutdown()
