"""A 300 MB chunked request body (no Content-Length) against the real server process: it must be
stopped at the API's 64 KB limit, not read whole, so the process's peak memory barely moves."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from seed import seed_copy

ROOT = Path(__file__).resolve().parents[2]
BODY_BYTES = 300 * 1024 * 1024
PIECE = b"x" * (64 * 1024)
# The bound: the peak resident memory grows by at most this much while the body is sent.
ALLOWED_GROWTH_KB = 20 * 1024


def _kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} for process {pid}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _send_chunked(port: int) -> bytes:
    """Send up to BODY_BYTES as a chunked POST; the server may answer and close early. Returns its reply."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(
            b"POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        sent = 0
        try:
            while sent < BODY_BYTES:
                sock.sendall(b"%x\r\n%s\r\n" % (len(PIECE), PIECE))
                sent += len(PIECE)
            sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered and closed the connection: what it should do
        try:
            return sock.recv(4096)
        except OSError:
            return b""


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="needs Linux /proc to read peak memory")
def test_a_300_mb_chunked_body_leaves_peak_memory_within_20_mb(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("STORYBOT_")},
        "STORYBOT_CORPUS_DIR": str(seed_copy(tmp_path / "corpus")),
        "STORYBOT_INDEX_DIR": str(tmp_path / "index"),
        "STORYBOT_EMBEDDING_MODEL": "fake",
        "STORYBOT_PORT": str(port),
        "GRADIO_ANALYTICS_ENABLED": "False",
        "ANONYMIZED_TELEMETRY": "False",
    }
    subprocess.run([sys.executable, "-m", "bot", "index"], env=env, check=True, capture_output=True)
    with (tmp_path / "app.log").open("w") as log:
        server = subprocess.Popen([sys.executable, str(ROOT / "app.py")], env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2).close()
                break
            except OSError:
                time.sleep(0.5)
        Path(f"/proc/{server.pid}/clear_refs").write_text("5")  # peak := now, so startup's peak is not counted
        before = _kb(server.pid, "VmRSS")
        reply = _send_chunked(port)
        growth = _kb(server.pid, "VmHWM") - before
        assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
        assert growth <= ALLOWED_GROWTH_KB, f"peak memory grew {growth / 1024:.1f} MB under the body"
        print(f"peak memory growth under a 300 MB chunked body: {growth / 1024:.1f} MB")
    finally:
        server.terminate()
        server.wait(timeout=20)
