"""How close concurrent extraction gets to the ideal over a slow OpenAI-compatible server.

::

    .venv/bin/python benchmarks/throughput.py                    # 500 articles, 300 ms
    .venv/bin/python benchmarks/throughput.py --articles 100     # a quick run
    .venv/bin/python benchmarks/throughput.py --concurrency 1 8 32 --latency 0.1

A fake server (``python -m extractor.testing``, in its own process so it never competes
for this one's GIL) answers every ``/v1/completions`` request after ``--latency`` seconds
with a valid answer. Each article has one candidate sentence, so one request. With ``c``
requests in flight the ideal is ``c / (latency x requests per article)`` articles per
second; the ratio printed is measured / ideal (1.0 = no overhead at all).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from extractor import Article, Settings, extract


def articles(n: int) -> list[Article]:
    """``n`` distinct one-sentence articles, each one candidate sentence."""
    return [
        Article.from_text(
            f"The ministry said {i + 2:,} soldiers had arrived in Kursk for training on Monday.",
            source=f"Wire {i}",
        )
        for i in range(n)
    ]


def start_server(latency: float) -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen(
        [sys.executable, "-m", "extractor.testing", "--latency", str(latency)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    return server, server.stdout.readline().strip()


def run(base_url: str, batch: list[Article], concurrency: int) -> tuple[float, float]:
    """Seconds for the batch, and requests per article."""
    settings = Settings(
        base_url=base_url, model="fake", strategy="sentence", concurrency=concurrency
    )
    began = time.perf_counter()
    results = list(extract(batch, settings))
    seconds = time.perf_counter() - began
    failed = [r for r in results if not r.ok or not r.claims]
    if failed:
        raise SystemExit(f"{len(failed)} articles failed: {failed[0].errors or failed[0].rejected}")
    return seconds, sum(r.usage.requests for r in results) / len(results)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=500, help="articles per run")
    parser.add_argument("--latency", type=float, default=0.3, help="server seconds per request")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16, 64])
    args = parser.parse_args(argv)
    server, base_url = start_server(args.latency)
    try:
        run(base_url, articles(4), 4)  # warm up: imports, first connections
        batch = articles(args.articles)
        print(
            f"throughput: {args.articles} articles, server latency {args.latency * 1000:.0f} ms, "
            "one process"
        )
        print(f"{'concurrency':>11} {'seconds':>8} {'articles/s':>11} {'ideal':>8} {'ratio':>6}")
        for concurrency in args.concurrency:
            seconds, per_article = run(base_url, batch, concurrency)
            rate = args.articles / seconds
            ideal = concurrency / (args.latency * per_article)
            print(
                f"{concurrency:>11} {seconds:>8.1f} {rate:>11.2f} {ideal:>8.2f} "
                f"{rate / ideal:>6.2f}",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
