"""A fake OpenAI-compatible server and a small corpus, for tests of the store and runs.

These tests are about state, not about the model, so the server answers instantly and
deterministically: ``/v1/completions`` in the sentence strategy's two-line format (the
speaker is "author", the claim restates the asked sentence), and ``/v1/chat/completions``
with a fixed claim batch. It counts the requests and keeps the sentences it was asked
about, so a test can prove that a rerun made no model call.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from extractor.testing import fake_answer, sentence_of

#: three checkable sentences per article (numbers, attributions, named actors)
_TEMPLATES = (
    "The defence ministry of {place} said {n} soldiers arrived in Kursk on Monday.",
    "Officials in {place} confirmed that {m} civilians were evacuated from the border.",
    "According to the governor, {k} homes in {place} were damaged by shelling last week.",
)
PLACES = ("Norland", "Estavia", "Valmora", "Tessel", "Marlow", "Kinross", "Dunmere", "Orsk")


def article_text(number: int) -> str:
    """The body of corpus article ``number``: three candidate sentences."""
    place = PLACES[number % len(PLACES)]
    values = {"place": place, "n": 1000 + number, "m": 200 + number, "k": 30 + number}
    return " ".join(template.format(**values) for template in _TEMPLATES)


def write_corpus(directory: Path, count: int) -> list[Path]:
    """Write ``count`` articles from two outlets as text files with front matter."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        source = "Wire A" if number % 2 == 0 else "Wire B"
        path = directory / f"article_{number:02d}.txt"
        path.write_text(
            f"---\nsource: {source}\npublished: 2024-11-{number + 1:02d}\n---\n"
            + article_text(number)
            + "\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


class FakeLLM:
    """Answers completions and chat completions; ``delay`` seconds before each answer."""

    def __init__(self, *, delay: float = 0.0, chat_quote: str = "") -> None:
        self.delay = delay
        self.chat_quote = chat_quote
        self.sentences: list[str] = []
        self.chats = 0
        self._lock = threading.Lock()

    @property
    def requests(self) -> int:
        with self._lock:
            return len(self.sentences) + self.chats

    def _completion(self, body: dict[str, Any]) -> dict[str, Any]:
        prompt = str(body["prompt"])
        with self._lock:
            self.sentences.append(sentence_of(prompt))
        return {
            "id": "cmpl-fake",
            "object": "text_completion",
            "created": 0,
            "model": body.get("model", "fake"),
            "choices": [
                {
                    "index": 0,
                    "text": fake_answer(prompt),
                    "finish_reason": "stop",
                    "logprobs": None,
                }
            ],
            "usage": {"prompt_tokens": 50, "completion_tokens": 12, "total_tokens": 62},
        }

    def _chat(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.chats += 1
        claims = [{"quote": self.chat_quote, "speaker": "author", "claim": self.chat_quote}]
        return {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": 0,
            "model": body.get("model", "fake"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": json.dumps({"claims": claims})},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 300, "completion_tokens": 40, "total_tokens": 340},
        }

    def handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)))
                time.sleep(fake.delay)
                if self.path.endswith("/chat/completions"):
                    answer = fake._chat(body)
                else:
                    answer = fake._completion(body)
                data = json.dumps(answer).encode("utf-8")
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client was killed mid-request: that is what some tests do

        return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True


@contextmanager
def fake_llm(fake: FakeLLM) -> Iterator[str]:
    """Serve ``fake`` on 127.0.0.1 (a free port); yields its base URL (``.../v1``)."""
    server = _Server(("127.0.0.1", 0), fake.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def sentence_settings(base_url: str, **overrides: Any) -> dict[str, Any]:
    """Settings for the sentence strategy on the fake server (no judge: the fake cannot)."""
    return {
        "backend": "openai",
        "strategy": "sentence",
        "base_url": base_url,
        "model": "fake-gemma",
        "judge": False,
        "max_retries": 0,
        **overrides,
    }


def write_job(path: Path, *, inputs: list[Path], store: Path, settings: dict[str, Any]) -> Path:
    """A job file for the fake server, comparing with the fast lexical embedder."""
    lines = [
        f"inputs = {json.dumps([str(p) for p in inputs])}",
        f"store = {json.dumps(str(store))}",
        'embedder = "lexical"',
        "",
        "[settings]",
        *(f"{key} = {json.dumps(value)}" for key, value in settings.items()),
        "",
        "[outputs]",
        f"dir = {json.dumps(str(path.parent / 'out'))}",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
