"""The one fake OpenAI-compatible server, for tests and benchmarks: local, deterministic.

:class:`FakeCompletionServer` answers ``POST /v1/completions`` and
``POST /v1/chat/completions`` with no model behind it. A valid answer restates what was
asked, so that the package's validation accepts it: for completions (the ``sentence``
strategy's prompt, ending in ``Sentence: ...\\nSpeaker:``) it is
``" author\\nClaim: <the sentence>"`` (:func:`fake_answer`); for chat (the ``article``
strategy) a JSON ``ClaimBatch`` quoting the article's first two sentences
(:func:`chat_answer`). ``answer=`` and ``chat=`` replace these with any function of the
prompt; ``replay=`` answers with recorded response bodies instead; ``upstream=`` forwards
every valid request to a real server (a fault-injecting proxy, for recording cassettes).
Usage counts are derived from the text lengths, so the same inputs give the same usage.

Faults are off by default. ``schedule`` gives one entry per request in arrival order
(``None``: answer normally); after it, each request is faulty with probability
``fault_rate``, drawn from ``(seed, path, what was asked, how many times before)`` -- not
from arrival order, so the same requests meet the same faults whatever the concurrency:

=====================  ==================================================================
fault                  what the client sees
=====================  ==================================================================
``429``                HTTP 429 without ``Retry-After``
``429-retry-after``    HTTP 429 with ``Retry-After: 1`` (``retry_after=`` changes it)
``500`` ``502``        HTTP 5xx with a JSON error body
``503``
``slow``               a valid answer, but only after ``slow_seconds``
``drop``               the connection closed without a response
``truncated``          HTTP 200, ``application/json``, the first half of a valid body
``bad-schema``         HTTP 200, valid JSON, but the choice has no ``text``/``content``
``empty-choices``      HTTP 200, a valid envelope with ``"choices": []``
=====================  ==================================================================

``status=`` answers every request with that status and an error body echoing the
``Authorization`` header (as careless servers do); ``latency`` delays every valid answer,
``hold`` (an event) holds them until set; ``headers`` are added to every response;
``finish_reason`` is sent with every answer. Every request is logged (:attr:`log`, one
:class:`Exchange` each, in arrival order); the server also counts the most requests it had
in flight at once::

    with FakeCompletionServer(latency=0.3).running() as base_url:
        settings = Settings(base_url=base_url, model="fake", strategy="sentence")

From a shell (prints the base URL, then serves until killed)::

    python -m extractor.testing --latency 0.3
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "FAULTS",
    "Exchange",
    "FakeCompletionServer",
    "article_of",
    "chat_answer",
    "fake_answer",
    "sentence_of",
    "serving",
]

FAULTS: tuple[str, ...] = (
    "429",
    "429-retry-after",
    "500",
    "502",
    "503",
    "slow",
    "drop",
    "truncated",
    "bad-schema",
    "empty-choices",
)

#: the sentence a ``sentence``-strategy prompt asks about: its last line but "Speaker:"
_SENTENCE = re.compile(r"Sentence: (?P<sentence>[^\n]*)\nSpeaker:\s*\Z")
#: the same with the speaker given (``extract_sentence.v2``): only "Claim:" is asked
_GIVEN_SPEAKER = re.compile(r"Sentence: (?P<sentence>[^\n]*)\nSpeaker: [^\n]*\nClaim:\s*\Z")
#: the article an ``article``-strategy prompt carries
_ARTICLE = re.compile(r"ARTICLE:\n(?P<text>.*?)\n\nList up to", re.DOTALL)
_CHAT = "/chat/completions"


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


def article_of(prompt: str) -> str:
    """The article text an ``article``-strategy prompt carries ('' when there is none)."""
    found = _ARTICLE.search(prompt)
    return found["text"] if found else ""


def chat_answer(prompt: str) -> str:
    """A valid article-strategy answer: the first two sentences, quoted and restated."""
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", article_of(prompt)) if s.strip()]
    claims = [{"quote": s, "speaker": "author", "claim": s} for s in sentences[:2]]
    return json.dumps({"claims": claims})


@dataclass(frozen=True)
class Exchange:
    """One request the server received, and what it did with it."""

    n: int
    path: str
    fault: str | None
    #: the HTTP status sent (None when the connection was dropped)
    status: int | None
    #: the prompt's last ``Sentence:`` (completions) or the article text (chat)
    asked: str
    authorization: str | None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


class FakeCompletionServer:
    """An OpenAI-compatible endpoint on 127.0.0.1 (see the module docstring)."""

    def __init__(
        self,
        *,
        latency: float = 0.0,
        headers: Mapping[str, str] | None = None,
        answer: Callable[[str], str] = fake_answer,
        chat: Callable[[str], str] = chat_answer,
        finish_reason: str = "stop",
        replay: Sequence[bytes] = (),
        upstream: str | None = None,
        schedule: Sequence[str | None] = (),
        fault_rate: float = 0.0,
        faults: Sequence[str] = FAULTS,
        seed: int = 0,
        slow_seconds: float = 1.0,
        retry_after: str = "1",
        status: int | None = None,
        hold: threading.Event | None = None,
    ) -> None:
        unknown = (set(faults) | {f for f in schedule if f}) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown faults: {sorted(unknown)}")
        self.latency, self.headers, self.hold = latency, dict(headers or {}), hold
        self.answer, self.chat, self.finish_reason = answer, chat, finish_reason
        self.replay = list(replay)
        self.upstream = urlsplit(upstream) if upstream else None
        self.schedule, self.fault_rate, self.faults = list(schedule), fault_rate, tuple(faults)
        self.seed, self.slow_seconds, self.retry_after = seed, slow_seconds, retry_after
        self.status = status
        self.log: list[Exchange] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()

    # -- what the log says ------------------------------------------------------------------

    @property
    def requests(self) -> int:
        """How many requests it received."""
        return len(self.log)

    @property
    def sentences(self) -> list[str]:
        """The sentences completion requests asked about, in arrival order."""
        return [e.asked for e in self.log if not e.path.endswith(_CHAT)]

    @property
    def chats(self) -> int:
        """How many chat requests it received."""
        return sum(e.path.endswith(_CHAT) for e in self.log)

    def faulty(self) -> list[Exchange]:
        return [e for e in self.log if e.fault is not None]

    def counts(self) -> dict[str, int]:
        """How many times each fault was injected."""
        counts: dict[str, int] = {}
        for exchange in self.faulty():
            assert exchange.fault is not None
            counts[exchange.fault] = counts.get(exchange.fault, 0) + 1
        return counts

    # -- serving ----------------------------------------------------------------------------

    def _next(self, path: str, asked: str, authorization: str | None) -> Exchange:
        """Draw this request's fault and log it (in arrival order, under the lock)."""
        with self._lock:
            if self.schedule:
                fault = self.schedule.pop(0)
            else:
                before = sum(e.path == path and e.asked == asked for e in self.log)
                rng = random.Random(f"{self.seed}\x1f{path}\x1f{asked}\x1f{before}")
                fault = rng.choice(self.faults) if rng.random() < self.fault_rate else None
            status: int | None = 200
            if self.status is not None:
                status = self.status
            elif fault is not None and fault[:3].isdigit():
                status = int(fault[:3])
            elif fault == "drop":
                status = None
            exchange = Exchange(len(self.log), path, fault, status, asked, authorization)
            self.log.append(exchange)
            return exchange

    @contextmanager
    def _serving_one(self) -> Iterator[None]:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            yield
        finally:
            with self._lock:
                self.in_flight -= 1

    def body(self, n: int, path: str, prompt: str, model: str) -> dict[str, Any]:
        """The JSON answer to request ``n``: a completion or chat completion of ``prompt``."""
        if self.replay:
            return dict(json.loads(self.replay[min(n, len(self.replay) - 1)]))
        choice: dict[str, Any] = {"index": 0, "finish_reason": self.finish_reason}
        if path.endswith(_CHAT):
            text, kind = self.chat(prompt), "chat.completion"
            choice["message"] = {"role": "assistant", "content": text}
        else:
            text, kind = self.answer(prompt), "text_completion"
            choice |= {"text": text, "logprobs": None}
        prompt_tokens, completion_tokens = len(prompt) // 4 + 1, len(text) // 4 + 1
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }
        return {"id": "cmpl-fake", "object": kind, "created": 0, "model": model,
                "choices": [choice], "usage": usage}  # fmt: skip

    def handler(self) -> type[BaseHTTPRequestHandler]:
        """A request handler class that answers for this server."""
        return type("Handler", (_Handler,), {"fake": self})

    @contextmanager
    def running(self, port: int = 0) -> Iterator[str]:
        """Serve in a background thread; yields the base URL (``http://127.0.0.1:N/v1``)."""
        httpd = _Server(("127.0.0.1", port), self.handler())
        thread = threading.Thread(
            target=httpd.serve_forever, args=(0.02,), name="fake-openai", daemon=True
        )
        thread.start()
        try:
            yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
        finally:
            httpd.shutdown()
            httpd.server_close()


@contextmanager
def serving(server: FakeCompletionServer) -> Iterator[str]:
    """Serve ``server`` on a free port of 127.0.0.1; yields its base URL (``.../v1``)."""
    with server.running() as base_url:
        yield base_url


def _error(message: str, kind: str = "server_error") -> bytes:
    return json.dumps({"error": {"message": message, "type": kind}}).encode()


class _Handler(BaseHTTPRequestHandler):
    """Answers for :attr:`fake` (a subclass per server sets it, see ``handler()``)."""

    fake: FakeCompletionServer
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do
    disable_nagle_algorithm = True  # headers and body go out at once: no 40 ms stall
    timeout = 60

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, payload: bytes, headers: Mapping[str, str] = {}) -> None:
        try:
            self.send_response(status)
            extra = {"Content-Type": "application/json", **self.fake.headers, **headers}
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (its timeout, or killed)

    def do_GET(self) -> None:
        if self.fake.upstream is None:
            self._send(404, _error(f"no route {self.path}"))
        else:
            self._forward(b"")

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        if self.fake.upstream is None and not self.path.rstrip("/").endswith("/completions"):
            self._send(404, _error(f"no route {self.path}"))
            return
        request = json.loads(raw or b"{}")
        if self.path.endswith(_CHAT):
            prompt = "\n".join(str(m.get("content", "")) for m in request.get("messages", []))
            asked = article_of(prompt)
        else:
            prompt = str(request.get("prompt", ""))
            asked = sentence_of(prompt)
        auth = self.headers.get("authorization")
        exchange = self.fake._next(self.path, asked, auth)
        with self.fake._serving_one():
            self._answer(exchange, raw, prompt, str(request.get("model", "fake")))

    def _answer(self, exchange: Exchange, raw: bytes, prompt: str, model: str) -> None:
        fault = exchange.fault
        if self.fake.status is not None:
            message = f"Incorrect API key provided: {exchange.authorization}"
            self._send(self.fake.status, _error(message, "invalid_request_error"))
        elif fault == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif fault is not None and fault[:3].isdigit():
            headers = {"Retry-After": self.fake.retry_after} if fault == "429-retry-after" else {}
            self._send(int(fault[:3]), _error(f"injected {fault}"), headers)
        else:
            time.sleep(self.fake.slow_seconds if fault == "slow" else 0.0)
            time.sleep(self.fake.latency)
            if self.fake.hold is not None:
                self.fake.hold.wait()
            if self.fake.upstream is not None:
                self._forward(raw)
            else:
                self._send(200, _valid(self.fake, exchange, prompt, model))

    def _forward(self, raw: bytes) -> None:
        up = self.fake.upstream
        assert up is not None
        conn = http.client.HTTPConnection(up.hostname or "127.0.0.1", up.port, timeout=600)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
        conn.request(self.command, self.path, body=raw or None, headers=headers)
        answer = conn.getresponse()
        skip = {"transfer-encoding", "connection", "content-length", "content-type"}
        kept = {k: v for k, v in answer.getheaders() if k.lower() not in skip}
        kept["Content-Type"] = answer.getheader("content-type", "application/json")
        self._send(answer.status, answer.read(), kept)


def _valid(server: FakeCompletionServer, exchange: Exchange, prompt: str, model: str) -> bytes:
    """A valid answer's bytes, spoilt as a ``truncated``/``bad-schema``/... fault says."""
    body = server.body(exchange.n, exchange.path, prompt, model)
    if exchange.fault == "bad-schema":
        for choice in body["choices"]:
            choice.pop("text", None)
            choice.pop("message", None)
            choice["output"] = "not where a client looks"
    elif exchange.fault == "empty-choices":
        body["choices"] = []
    payload = json.dumps(body).encode()
    return payload[: len(payload) // 2] if exchange.fault == "truncated" else payload


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
