"""An overhead check: what the embedded back end's wrapper adds to the llama.cpp call it makes.

::

    .venv/bin/python benchmarks/local_model.py                # 8 prompts, 3 rounds
    .venv/bin/python benchmarks/local_model.py --prompts 4 --rounds 1

:class:`~extractor.llm.local.LlamaCppBackend` is a lock and a conversion of the result
around ``llama_cpp.Llama.create_completion``. This runs the same sentence prompts
(``extract_sentence.v1`` over sentences of the sample corpus) through it and through a raw
``llama_cpp.Llama`` loaded with the same file, context, threads and seed, with the same
decoding (greedy, same stop sequences, same ``max_tokens``), alternating per prompt so that
machine noise hits both alike. Printed: seconds per call for each, and the time ratio
extractor / raw over all prompts and as the median of the per-prompt ratios (robust to a
burst of load; 1.0 = no overhead).

It is not a throughput figure: both sides run the same model call, so the ratio can only
show the wrapper's cost. The tokens per second printed for raw llama.cpp are the model's
speed on this machine, for scale, not something extractor adds or wins.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from llama_cpp import Llama

from extractor import Settings
from extractor.language.segment import select_candidates
from extractor.llm.base import CompletionRequest
from extractor.llm.local import LlamaCppBackend, packaged_model_path
from extractor.llm.prompts import render_prompt

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
STOP = ("\n\n", "\nSentence:", "\nSpeaker:")


def prompts(count: int, settings: Settings) -> list[str]:
    texts = [path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("*.txt"))]
    sentences = [c.sentence.text for text in texts for c in select_candidates(text, limit=4)]
    return [render_prompt(settings.sentence_prompt, sentence=s) for s in sentences[:count]]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prompts", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, help="model threads (default: the settings')")
    args = parser.parse_args(argv)
    settings = Settings(backend="local")
    path = settings.model_path or packaged_model_path(settings.cache_dir)
    threads = args.threads or settings.n_threads or max(1, min(4, os.cpu_count() or 1))
    ours = LlamaCppBackend(path, n_ctx=settings.n_ctx, n_threads=threads, seed=settings.seed)
    raw = Llama(
        model_path=str(path), n_ctx=settings.n_ctx, n_threads=threads, seed=settings.seed,
        verbose=False,
    )  # fmt: skip
    batch = prompts(args.prompts, settings)
    max_tokens = settings.max_output_tokens

    def run_ours(prompt: str) -> tuple[int, int]:
        done = ours.complete(CompletionRequest(prompt=prompt, max_tokens=max_tokens, stop=STOP))
        return done.prompt_tokens, done.completion_tokens

    def run_raw(prompt: str) -> tuple[int, int]:
        out = raw.create_completion(
            prompt=prompt, max_tokens=max_tokens, stop=list(STOP), temperature=0.0,
            seed=settings.seed,
        )  # fmt: skip
        return out["usage"]["prompt_tokens"], out["usage"]["completion_tokens"]

    runs = {"extractor": run_ours, "raw llama_cpp": run_raw}
    totals = {name: [0.0, 0, 0] for name in runs}
    pairs: list[float] = []  # per prompt: extractor seconds / raw seconds (the same call)
    run_ours(batch[0]), run_raw(batch[0])  # warm up both
    for round_ in range(args.rounds):
        for i, prompt in enumerate(batch):  # alternate per prompt: noise hits both alike
            names = list(runs) if (i + round_) % 2 == 0 else list(reversed(runs))
            seconds = {}
            for name in names:
                began = time.perf_counter()
                prompt_tokens, generated = runs[name](prompt)
                seconds[name] = time.perf_counter() - began
                totals[name][0] += seconds[name]
                totals[name][1] += prompt_tokens
                totals[name][2] += generated
            pairs.append(seconds["extractor"] / seconds["raw llama_cpp"])
    print(
        f"overhead check, embedded model {path.name}: {threads} threads, {len(batch)} prompts "
        f"x {args.rounds} rounds (the same llama_cpp call with and without the wrapper)"
    )
    calls = len(batch) * args.rounds
    print(f"{'':>14} {'seconds':>8} {'s / call':>9}")
    for name, (seconds_, _, _) in totals.items():
        print(f"{name:>14} {seconds_:>8.2f} {seconds_ / calls:>9.3f}")
    ratio = totals["extractor"][0] / totals["raw llama_cpp"][0]
    print(f"time ratio extractor / raw, over all prompts: {ratio:.3f} (1.0 = no overhead)")
    print(f"time ratio extractor / raw, median of per-prompt pairs: {statistics.median(pairs):.3f}")
    seconds_, prompt_tokens, generated = totals["raw llama_cpp"]
    print(
        f"for scale, llama.cpp itself on this machine: {generated / seconds_:.1f} generated "
        f"tokens/s, {(prompt_tokens + generated) / seconds_:.1f} with the prompt "
        "(the model's speed, not extractor's)"
    )


if __name__ == "__main__":
    main()
