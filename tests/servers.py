"""Local HTTP servers for tests and for recording cassettes (127.0.0.1 only).

* :class:`FaultProxy` sits in front of a real OpenAI-compatible server and injects faults
  on a fixed schedule (a 429 with Retry-After, a 5xx, a slow answer), forwarding every other
  request unchanged. ``scripts/record_cassettes.py`` records the 429-then-success cassette
  through it, so the 429 in that cassette was really sent over HTTP.
* :class:`ReplayServer` answers with responses taken from a recorded cassette, after a
  delay, for tests of timeouts and slow servers that a cassette cannot express.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

__all__ = ["FaultProxy", "ReplayServer", "recorded_bodies", "serving"]


class _Server(ThreadingHTTPServer):
    daemon_threads = True


class FaultProxy:
    """Forward to ``upstream``, replacing the n-th request with ``faults[n]`` when given.

    Faults: ``"429"`` (rate limited, ``Retry-After: 1``), ``"503"``, ``"slow:SECONDS"``
    (wait, then forward). ``None`` forwards. Requests past the schedule are forwarded.
    """

    def __init__(self, upstream: str, faults: list[str | None]) -> None:
        self.upstream = urlsplit(upstream)
        self.faults = list(faults)
        self.log: list[tuple[str, int]] = []
        self._lock = threading.Lock()

    def next_fault(self) -> str | None:
        with self._lock:
            return self.faults.pop(0) if self.faults else None

    def handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _relay(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                fault = proxy.next_fault()
                if fault in {"429", "503"}:
                    status = int(fault or 0)
                    payload = json.dumps({"error": {"message": f"injected {status}"}}).encode()
                    self.send_response(status)
                    if status == 429:
                        self.send_header("Retry-After", "1")
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    proxy.log.append((self.path, status))
                    return
                if fault and fault.startswith("slow:"):
                    time.sleep(float(fault.split(":", 1)[1]))
                up = proxy.upstream
                conn = http.client.HTTPConnection(up.hostname or "127.0.0.1", up.port, timeout=600)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                conn.request(self.command, self.path, body=body or None, headers=headers)
                answer = conn.getresponse()
                data = answer.read()
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in {"transfer-encoding", "connection", "content-length"}:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                proxy.log.append((self.path, answer.status))

            do_GET = do_POST = _relay

        return Handler


class ReplayServer:
    """Answer each POST with the next recorded body, after the next delay (seconds)."""

    def __init__(self, bodies: list[bytes], delays: list[float]) -> None:
        self.bodies = list(bodies)
        self.delays = list(delays)
        self.requests = 0
        self._lock = threading.Lock()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length") or 0))
                with server._lock:
                    n = server.requests
                    server.requests += 1
                delay = server.delays[n] if n < len(server.delays) else 0.0
                time.sleep(delay)
                body = server.bodies[min(n, len(server.bodies) - 1)]
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (its timeout): that is the point

        return Handler


@contextmanager
def serving(app: FaultProxy | ReplayServer) -> Iterator[str]:
    """Run ``app`` on 127.0.0.1 (a free port) in a thread; yields its base URL (``.../v1``)."""
    server = _Server(("127.0.0.1", 0), app.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def recorded_bodies(cassette: Path) -> list[bytes]:
    """The response bodies of a recorded cassette, in order."""
    data = yaml.safe_load(cassette.read_text(encoding="utf-8"))
    return [
        str(item["response"]["body"]["string"]).encode("utf-8")
        for item in data["interactions"]
        if item["response"]["status"]["code"] == 200
    ]
