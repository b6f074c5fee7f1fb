"""A fault-injecting OpenAI-compatible server for reliability tests (127.0.0.1 only).

:class:`FaultServer` answers ``POST /v1/completions`` and ``POST /v1/chat/completions``
itself, with no model behind it. Each request either gets a valid answer or, on a seeded
schedule, one of the faults in :data:`FAULTS`:

=====================  ==================================================================
fault                  what the client sees
=====================  ==================================================================
``429``                HTTP 429 without ``Retry-After``
``429-retry-after``    HTTP 429 with ``Retry-After: 1`` (``retry_after=`` changes it)
``500`` ``502``        HTTP 5xx with a JSON error body
``503``
``slow``               a valid answer, but only after ``slow_seconds`` (past the client's
                       timeout)
``drop``               the connection closed without a response
``truncated``          HTTP 200, ``application/json``, the first half of a valid body
``bad-schema``         HTTP 200, valid JSON, but the choice has no ``text``/``content``
``empty-choices``      HTTP 200, a valid envelope with ``"choices": []``
=====================  ==================================================================

Faults are drawn from ``(seed, path, what was asked, how many times it was asked before)``,
not from arrival order, so the same requests meet the same faults whatever the client's
concurrency.

A valid answer restates what was asked, so that the package's validation accepts it:
for ``/v1/completions`` (the ``sentence`` strategy's few-shot prompt, which ends in
``Sentence: ...\\nSpeaker:``) it is ``" author\\nClaim: <the sentence>"``; for chat (the
``article`` strategy) it is a JSON ``ClaimBatch`` quoting the first sentences of the
article. ``answer=`` replaces that with any function of the prompt, e.g. a model that
obeys a prompt injection.

Every request is logged (:attr:`FaultServer.log`) with the fault it got, in arrival order.
"""

from __future__ import annotations

import json
import random
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from extractor.testing import fake_answer as completion_answer
from extractor.testing import sentence_of

__all__ = [
    "FAULTS",
    "Exchange",
    "FaultServer",
    "article_of",
    "chat_answer",
    "completion_answer",
    "fault_serving",
    "sentence_of",
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

_ARTICLE = re.compile(r"ARTICLE:\n(?P<text>.*?)\n\nList up to", re.DOTALL)


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


def article_of(prompt: str) -> str:
    """The article text an ``article``-strategy prompt carries ('' when there is none)."""
    found = _ARTICLE.search(prompt)
    return found["text"] if found else ""


def chat_answer(prompt: str) -> str:
    """A valid article-strategy answer: the first two sentences, quoted and restated."""
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", article_of(prompt)) if s.strip()]
    claims = [{"quote": s, "speaker": "author", "claim": s} for s in sentences[:2]]
    return json.dumps({"claims": claims})


class _Server(ThreadingHTTPServer):
    daemon_threads = True


class FaultServer:
    """Answers like an OpenAI-compatible server; a seeded share of requests get a fault.

    ``schedule`` is consumed first, one entry per request in arrival order (``None``: answer
    normally); after it, each request is faulty with probability ``fault_rate``, the fault
    drawn uniformly from ``faults`` (see the module docstring for the seed). ``status``
    answers every request with that HTTP status and an error body echoing the
    ``Authorization`` header, the way careless servers do (for secret-leak tests).
    ``delay`` slows every valid answer; with ``hold`` set, valid answers wait until it is.
    ``finish_reason`` is sent with every answer (``"length"``: cut off at ``max_tokens``).
    """

    def __init__(
        self,
        *,
        fault_rate: float = 0.0,
        seed: int = 0,
        faults: Sequence[str] = FAULTS,
        schedule: Sequence[str | None] = (),
        slow_seconds: float = 1.0,
        answer: Callable[[str], str] | None = None,
        chat: Callable[[str], str] | None = None,
        status: int | None = None,
        delay: float = 0.0,
        hold: threading.Event | None = None,
        retry_after: str = "1",
        finish_reason: str = "stop",
    ) -> None:
        unknown = set(faults) - set(FAULTS) | {f for f in schedule if f} - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown faults: {sorted(unknown)}")
        self.fault_rate = fault_rate
        self.faults = tuple(faults)
        self.schedule = list(schedule)
        self.slow_seconds = slow_seconds
        self.answer = answer or completion_answer
        self.chat = chat or chat_answer
        self.status = status
        self.delay = delay
        self.hold = hold
        self.retry_after = retry_after
        self.finish_reason = finish_reason
        self.seed = seed
        self.log: list[Exchange] = []
        self._lock = threading.Lock()

    # -- what the log says ------------------------------------------------------------------

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

    def _next(self, path: str, asked: str, authorization: str | None) -> tuple[int, str | None]:
        """Draw this request's fault and log it (in arrival order, under the lock)."""
        with self._lock:
            n = len(self.log)
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
            self.log.append(Exchange(n, path, fault, status, asked, authorization))
            return n, fault

    def _body(self, path: str, prompt: str, model: str) -> dict[str, Any]:
        tokens = {"prompt_tokens": len(prompt.split()), "completion_tokens": 0}
        if path.endswith("/chat/completions"):
            content = self.chat(prompt)
            tokens["completion_tokens"] = len(content.split())
            choice: dict[str, Any] = {
                "index": 0,
                "finish_reason": self.finish_reason,
                "message": {"role": "assistant", "content": content},
            }
            kind = "chat.completion"
        else:
            text = self.answer(prompt)
            tokens["completion_tokens"] = len(text.split())
            choice = {
                "index": 0,
                "finish_reason": self.finish_reason,
                "text": text,
                "logprobs": None,
            }
            kind = "text_completion"
        tokens["total_tokens"] = tokens["prompt_tokens"] + tokens["completion_tokens"]
        return {
            "id": "fault-server",
            "object": kind,
            "created": 0,
            "model": model,
            "choices": [choice],
            "usage": tokens,
        }

    def handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _send(self, status: int, payload: bytes, headers: dict[str, str]) -> None:
                try:
                    self.send_response(status)
                    for name, value in {"Content-Type": "application/json", **headers}.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (its timeout): that is the point

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                request = json.loads(raw or b"{}")
                if "messages" in request:
                    prompt = "\n".join(str(m.get("content", "")) for m in request["messages"])
                    asked = article_of(prompt)
                else:
                    prompt = str(request.get("prompt", ""))
                    asked = sentence_of(prompt)
                auth = self.headers.get("authorization")
                _, fault = server._next(self.path, asked, auth)
                if server.status is not None:
                    message = f"Incorrect API key provided: {auth}"
                    error = {"error": {"message": message, "type": "invalid_request_error"}}
                    self._send(server.status, json.dumps(error).encode(), {})
                    return
                if fault == "drop":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if fault is not None and fault[:3].isdigit():
                    retry_after = {"Retry-After": server.retry_after}
                    headers = retry_after if fault == "429-retry-after" else {}
                    error = {"error": {"message": f"injected {fault}", "type": "server_error"}}
                    self._send(int(fault[:3]), json.dumps(error).encode(), headers)
                    return
                body = server._body(self.path, prompt, str(request.get("model", "fake")))
                if fault == "bad-schema":
                    for choice in body["choices"]:
                        choice.pop("text", None)
                        choice.pop("message", None)
                        choice["output"] = "not where a client looks"
                elif fault == "empty-choices":
                    body["choices"] = []
                payload = json.dumps(body).encode()
                if fault == "truncated":
                    payload = payload[: len(payload) // 2]
                elif fault == "slow":
                    time.sleep(server.slow_seconds)
                time.sleep(server.delay)
                if server.hold is not None:
                    server.hold.wait()
                self._send(200, payload, {})

        return Handler


@contextmanager
def fault_serving(server: FaultServer) -> Iterator[str]:
    """Run ``server`` on 127.0.0.1 (a free port) in a thread; yields its base URL (``/v1``)."""
    http = _Server(("127.0.0.1", 0), server.handler())
    thread = threading.Thread(target=http.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.server_address[1]}/v1"
    finally:
        http.shutdown()
        http.server_close()
