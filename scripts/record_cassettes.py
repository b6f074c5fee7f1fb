#!/usr/bin/env python3
"""Re-record every cassette in one command: ``python scripts/record_cassettes.py``.

By default it starts ``python -m llama_cpp.server`` on 127.0.0.1 with the packaged Gemma
3 270M GGUF (the embedded default model), puts a fault proxy in front of it for the
429-then-success cassette, deletes the old cassettes, runs the cassette tests in record
mode, and stops everything. With ``--base-url`` (and ``--api-key``, ``--model``) it records
against any other OpenAI-compatible endpoint instead; keys are filtered out of cassettes.

Never edit a cassette by hand: change the test or the prompt, then run this again.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.testing import FakeCompletionServer  # noqa: E402

MODEL_ALIAS = "gemma-3-270m"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(base_url: str, server: subprocess.Popen[bytes], timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"llama_cpp.server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base_url}/models", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"llama_cpp.server did not answer at {base_url} in {timeout:.0f} s")


def _start_server() -> tuple[subprocess.Popen[bytes], str]:
    from extractor.llm.local import packaged_model_path
    from extractor.settings import Settings

    gguf = packaged_model_path(Settings().cache_dir)
    port = _free_port()
    # one thread: llama.cpp's spinning worker threads slow to a crawl on a busy machine
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(gguf), "--model_alias", MODEL_ALIAS,
        "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", "8192", "--seed", "0", "--n_threads", "1", "--verbose", "False",
    ]  # fmt: skip
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}/v1"
    _wait_ready(base_url, server)
    return server, base_url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="record against this endpoint instead")
    parser.add_argument("--api-key", default=os.environ.get("OPENAI_API_KEY", ""))
    parser.add_argument("--model", default=MODEL_ALIAS, help="model name on that endpoint")
    parser.add_argument("-k", dest="select", help="only tests matching this pytest -k")
    args = parser.parse_args()

    server = None
    if args.base_url:
        base_url = args.base_url.rstrip("/")
    else:
        print("starting llama_cpp.server with the packaged GGUF ...", flush=True)
        server, base_url = _start_server()
    try:
        proxy = FakeCompletionServer(upstream=base_url, schedule=["429-retry-after"])
        with proxy.running() as fault429_url:
            if not args.select:
                for old in (ROOT / "cassettes").glob("*.yaml"):
                    old.unlink()
            (ROOT / "cassettes" / "recorded_model.txt").write_text(args.model + "\n")
            env = dict(
                os.environ,
                EXTRACTOR_RECORD="1",
                EXTRACTOR_RECORD_SERVER_URL=base_url,
                EXTRACTOR_RECORD_FAULT429_URL=fault429_url,
                EXTRACTOR_RECORD_API_KEY=args.api_key or "no-key",
            )
            # a CPU-bound server can take minutes per answer: no per-test timeout while recording
            command = [
                *(sys.executable, "-m", "pytest", "-m", "cassette", "-p", "no:cacheprovider"),
                "--timeout=0",
            ]
            if args.select:
                command += ["-k", args.select]
            return subprocess.call(command, cwd=ROOT, env=env)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    raise SystemExit(main())
