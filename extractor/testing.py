"""A fake OpenAI-compatible server for tests and benchmarks: deterministic, local, no model.

:class:`FakeCompletionServer` answers ``POST /v1/completions`` the way a good base model
answers the ``sentence`` strategy's prompt: it reads the last ``Sentence: ...`` line of
the prompt and continues after ``Speaker:`` with ``" author\\nClaim: <the sentence>"``,
which always validates. Usage counts are derived from the text lengths, so the same
inputs give the same answers and the same usage, whatever the order of the requests.

It can wait ``latency`` seconds before each answer (throughput benchmarks, Ctrl-C tests),
add response headers (rate-limit tests), and counts the requests it serves and the most it
had in flight at once::

    with FakeCompletionServer(latency=0.3).running() as base_url:
        settings = Settings(base_url=base_url, model="fake", strategy="sentence")

From a shell (prints the base URL, then serves until killed)::

    python -m extractor.testing --latency 0.3
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["FakeCompletionServer", "fake_answer", "sentence_of"]

#: the sentence a ``sentence``-strategy prompt asks about: its last line but "Speaker:"
_SENTENCE = re.compile(r"Sentence: (?P<sentence>[^\n]*)\nSpeaker:\s*\Z")
#: the same with the speaker given (``extract_sentence.v2``): only "Claim:" is asked
_GIVEN_SPEAKER = re.compile(r"Sentence: (?P<sentence>[^\n]*)\nSpeaker: [^\n]*\nClaim:\s*\Z")


def sentence_of(prompt: str) -> str:
    """The sentence a ``sentence``-strategy prompt asks about ('' when there is none)."""
    found = _SENTENCE.search(prompt) or _GIVEN_SPEAKER.search(prompt)
    return found["sentence"].strip() if found else ""


def fake_answer(prompt: str) -> str:
    """The completion of a sentence-strategy prompt: ``" author\\nClaim: <sentence>"``, or
    ``" <sentence>"`` when the prompt gives the speaker and asks for the claim alone."""
    if _GIVEN_SPEAKER.search(prompt):
        return f" {sentence_of(prompt)}"
    return f" author\nClaim: {sentence_of(prompt) or prompt.strip()[-200:]}"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


class FakeCompletionServer:
    """An OpenAI-compatible ``/v1/completions`` endpoint on 127.0.0.1 (see module docstring)."""

    def __init__(self, *, latency: float = 0.0, headers: Mapping[str, str] | None = None) -> None:
        self.latency = latency
        self.headers = dict(headers or {})
        self.requests = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()

    def _enter(self) -> None:
        with self._lock:
            self.requests += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        """The JSON answer to one completion request."""
        prompt = str(body.get("prompt", ""))
        text = fake_answer(prompt)
        prompt_tokens, completion_tokens = len(prompt) // 4 + 1, len(text) // 4 + 1
        return {
            "id": "cmpl-fake",
            "object": "text_completion",
            "created": 0,
            "model": str(body.get("model", "fake")),
            "choices": [{"index": 0, "text": text, "finish_reason": "stop", "logprobs": None}],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }

    def handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real servers do
            disable_nagle_algorithm = True  # headers and body go out at once: no 40 ms stall
            timeout = 60

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                if not self.path.rstrip("/").endswith("/completions"):
                    self._send(404, {"error": {"message": f"no route {self.path}"}})
                    return
                server._enter()
                try:
                    time.sleep(server.latency)
                    self._send(200, server.answer(json.loads(raw or b"{}")))
                finally:
                    server._leave()

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in server.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up; nothing to tell it

        return Handler

    @contextmanager
    def running(self, port: int = 0) -> Iterator[str]:
        """Serve in a background thread; yields the base URL (``http://127.0.0.1:N/v1``)."""
        httpd = _Server(("127.0.0.1", port), self.handler())
        thread = threading.Thread(target=httpd.serve_forever, name="fake-openai", daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
        finally:
            httpd.shutdown()
            httpd.server_close()


def _main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m extractor.testing", description=__doc__)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each answer")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    with FakeCompletionServer(latency=args.latency).running(args.port) as base_url:
        print(base_url, flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    sys.exit(0)


if __name__ == "__main__":
    _main()
