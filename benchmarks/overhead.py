"""What the pipeline itself costs per article, next to what the embedded model costs.

::

    .venv/bin/python benchmarks/overhead.py                  # 1,000 articles
    .venv/bin/python benchmarks/overhead.py --articles 200 --lexical

Everything but the model runs for real on ``--articles`` synthetic news articles written
to files: ingest (read and parse the files), extraction (segment, select candidates,
render prompts, validate answers, ground quotes, parse quantities and stance), the
cross-source comparison (embed, deduplicate, cluster, decide relations) and the SQLite
store when there is one. The model is a zero-latency replay back end that answers each
prompt at once with a valid answer. The embedded model (Gemma 3 270M through llama.cpp)
answers a few of the same prompts too (first, before MiniLM's torch threads compete with
it), and the overhead per article is printed next to the model's time per article: the
ratio is how much the pipeline adds to it.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import tempfile
import time
from pathlib import Path

from compare_scale import synthetic

from extractor import Article, Settings, compare, extract, read_articles
from extractor.compare.embeddings import Embedder, HashingEmbedder, default_embedder
from extractor.llm.backends import make_backend
from extractor.llm.base import Completion, CompletionRequest
from extractor.llm.prompts import render_prompt
from extractor.models import ArticleResult
from extractor.testing import fake_answer

FILLER = (
    "The weather was cold.",
    "Residents watched from their windows.",
    "It was not the first time.",
    "The road was closed for hours.",
)


class ReplayBackend:
    """Answers every sentence prompt at once, validly: the model costs nothing."""

    name = "replay"
    model = "replay"

    def complete(self, request: CompletionRequest) -> Completion:
        text = fake_answer(request.prompt)
        return Completion(text=text, prompt_tokens=len(request.prompt) // 4, completion_tokens=20)


def write_corpus(directory: Path, n: int, seed: int = 0) -> list[str]:
    """``n`` article files, five claim sentences and two fillers each; returns sentences."""
    claims, articles = synthetic(n * 5, seed=seed)
    sources = {article.id: article for article in articles}
    rng = random.Random(seed)
    sentences = []
    for i in range(n):
        body = [claim.text for claim in claims[i * 5 : i * 5 + 5]]
        sentences.extend(body)
        body.insert(2, rng.choice(FILLER))
        body.append(rng.choice(FILLER))
        article = sources[claims[i * 5].article_id]
        front = f"---\nsource: {article.source}\npublished: {article.published}\n---\n"
        (directory / f"{i:05}.txt").write_text(front + " ".join(body) + "\n", encoding="utf-8")
    return sentences


def timed(label: str, seconds: float, n: int, rows: list[tuple[str, float]]) -> None:
    rows.append((label, seconds))
    print(f"  {label:<34} {seconds:>8.2f} s {seconds / n * 1000:>9.2f} ms/article", flush=True)


def model_seconds_per_request(sentences: list[str], count: int, threads: int | None) -> float:
    """The embedded model's mean time for one sentence prompt, over ``count`` of them."""
    settings = Settings(backend="local", n_threads=threads)
    backend = make_backend(settings)
    prompts = [render_prompt(settings.sentence_prompt, sentence=s) for s in sentences[:count]]
    request = CompletionRequest(prompt=prompts[0], max_tokens=settings.max_output_tokens)
    backend.complete(request)  # warm up
    began = time.perf_counter()
    for prompt in prompts:
        backend.complete(
            CompletionRequest(
                prompt=prompt,
                max_tokens=settings.max_output_tokens,
                stop=("\n\n", "\nSentence:", "\nSpeaker:"),
            )
        )
    return (time.perf_counter() - began) / len(prompts)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--model-prompts", type=int, default=6, help="prompts timed on the model")
    parser.add_argument("--lexical", action="store_true", help="hashing embedder, not MiniLM")
    parser.add_argument("--threads", type=int, help="model threads (default: the settings')")
    args = parser.parse_args(argv)
    n = args.articles
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        sentences = write_corpus(corpus, n)
        # the model first: torch's idle threads (MiniLM) would otherwise slow llama.cpp down
        model_request = model_seconds_per_request(sentences, args.model_prompts, args.threads)
        embedder: Embedder = HashingEmbedder() if args.lexical else default_embedder()
        embedder.encode(["warm up"])
        print(f"pipeline overhead: {n:,} articles, replay back end, {embedder.kind} embedder")
        rows: list[tuple[str, float]] = []
        began = time.perf_counter()
        articles = [a for a in read_articles([corpus], Settings()) if isinstance(a, Article)]
        timed("(ingest alone: read + parse files)", time.perf_counter() - began, n, [])

        began = time.perf_counter()
        results: list[ArticleResult] = list(extract([corpus], Settings(), backend=ReplayBackend()))
        timed("extract (ingest..ground, claims)", time.perf_counter() - began, n, rows)
        claims = [claim for result in results for claim in result.claims]
        requests = sum(result.usage.requests for result in results)

        began = time.perf_counter()
        comparison = compare(claims, articles=articles, embedder=embedder)
        timed("compare (dedup, cluster, relate)", time.perf_counter() - began, n, rows)

        if importlib.util.find_spec("extractor.runs.store") is not None:
            from extractor.runs.store import Store

            with Store(Path(tmp) / "store.db") as store:
                run = store.begin_run(Settings(), fingerprint="bench")
                began = time.perf_counter()
                for result in results:
                    store.save_result(result, "bench", run)
                timed("store (one transaction/article)", time.perf_counter() - began, n, rows)

        overhead = sum(seconds for _, seconds in rows) / n
        per_article = requests / n
        print(
            f"  {len(claims):,} claims, {per_article:.2f} requests/article, "
            f"{len(comparison.clusters):,} clusters"
        )
        model = model_request * per_article
        print(f"  pipeline overhead per article      {overhead * 1000:>8.2f} ms")
        print(
            f"  embedded model per article         {model * 1000:>8.0f} ms  "
            f"({args.model_prompts} prompts timed, x {per_article:.2f} requests/article, "
            f"threads: {args.threads or 'default'})"
        )
        print(f"  overhead / model time              {overhead / model:>8.5f}")


if __name__ == "__main__":
    main()
