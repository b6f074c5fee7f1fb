"""The ``sentence`` strategy: ask a small base model about one candidate sentence at a time.

With ``attribution="frames"`` (the default) the speaker and the proposition come from the
language layer and the model only chooses and restates (:mod:`.attributed`). What follows
describes ``attribution="model"``, the older path kept for comparison, where the model
writes both.

Our code picks the candidate sentences, so the quote is the sentence itself and its offsets
come from segmentation. The model only answers two lines after a few-shot prompt:
``Speaker: ...`` and ``Claim: ...``. The answer is parsed strictly into
:class:`~.validation.SentenceAnswer`; when a rule fails, the model is asked again
(bounded by ``max_reasks``), and a sentence that never validates is recorded as a
rejection with the last error, never emitted.

A re-ask here is a fresh sample (``reask_temperature``, next seed) of the same prompt, not
the prompt plus the error text: a base model copies whatever the prompt shows, and on the
sample corpus putting the error in the prompt recovered 0 of 42 rejected sentences where
resampling recovered 10.
"""

from __future__ import annotations

import re
import time

from pydantic import ValidationError

from ..errors import TransportError
from ..language.segment import Candidate, select_candidates
from ..llm.base import CompletionBackend, CompletionRequest, close_backend
from ..llm.prompts import render_prompt
from ..models import Article, Rejection, Usage
from ..settings import Settings
from .attributed import AttributedSentences
from .grounding import ground
from .strategy import Draft, StrategyOutput, usage_of
from .validation import SentenceAnswer, speaker_window

__all__ = ["SentenceStrategy", "parse_sentence_answer"]

#: line 1 the speaker, line 2 "Claim: ..."; whatever the model goes on to write is not read
_ANSWER = re.compile(
    r"\A[ \t]*(?P<speaker>[^\n]+?)[ \t]*\n[ \t]*Claim:[ \t]*(?P<claim>[^\n]+?)[ \t]*(?:\n|\Z)"
)
#: the model stops at the end of its two lines
_STOP = ("\n\n", "\nSentence:", "\nSpeaker:")


def parse_sentence_answer(
    text: str, *, sentence: str, article_text: str, speaker_window: str | None = None
) -> SentenceAnswer:
    """Parse the model's two lines strictly and validate them against the sentence."""
    found = _ANSWER.match(text)
    if found is None:
        raise ValueError("answer with exactly two lines: the speaker, then 'Claim: ...'")
    return SentenceAnswer.model_validate(
        {"speaker": found["speaker"], "claim": found["claim"]},
        context={
            "sentence": sentence,
            "article_text": article_text,
            "speaker_window": speaker_window or article_text,
        },
    )


def _first_error(exc: ValueError) -> str:
    if isinstance(exc, ValidationError):
        error = exc.errors()[0]
        return str(error["msg"]).removeprefix("Value error, ")
    return str(exc)


class SentenceStrategy:
    """Few-shot completion per candidate sentence, over any :class:`CompletionBackend`."""

    def __init__(
        self, backend: CompletionBackend, settings: Settings, *, owns_backend: bool = False
    ) -> None:
        """With ``owns_backend``, :meth:`close` closes ``backend`` too (one made for it)."""
        self._backend = backend
        self._settings = settings
        self._owns_backend = owns_backend
        self._attributed = (
            AttributedSentences(backend, settings) if settings.attribution == "frames" else None
        )

    @property
    def prompt_version(self) -> str:
        if self._attributed is not None:
            return self._settings.sentence_prompt
        return self._settings.model_sentence_prompt

    @property
    def model(self) -> str:
        return self._backend.model

    def close(self) -> None:
        """Close the back end when this strategy owns it; a passed one stays open."""
        if self._owns_backend:
            self._owns_backend = False
            close_backend(self._backend)

    def __enter__(self) -> SentenceStrategy:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def run(self, article: Article, output: StrategyOutput) -> None:
        if self._attributed is not None:
            self._attributed.run(article, output)
            return
        candidates = select_candidates(
            article.text,
            min_score=self._settings.min_checkworthy,
            limit=self._settings.max_candidates,
        )
        for candidate in candidates:
            self._ask(article, candidate, output)

    def _ask(self, article: Article, candidate: Candidate, output: StrategyOutput) -> None:
        sentence = candidate.sentence
        window = speaker_window(article.text, sentence.start, sentence.end)
        prompt = render_prompt(self.prompt_version, sentence=sentence.text)
        error: str | None = None
        last_text: str | None = None
        for attempt in range(self._settings.max_reasks + 1):
            if attempt:
                output.usage = output.usage.model_copy(update={"reasks": output.usage.reasks + 1})
            temperature = self._settings.temperature
            if attempt:
                temperature = max(temperature, self._settings.reask_temperature)
            request = CompletionRequest(
                prompt=prompt,
                max_tokens=self._settings.max_output_tokens,
                stop=_STOP,
                temperature=temperature,
                seed=self._settings.seed + attempt,
                prompt_version=self.prompt_version,
            )
            began = time.perf_counter()
            try:
                completion = self._backend.complete(request)
            except TransportError as exc:  # the calls it took still count
                output.usage = output.usage + Usage(requests=exc.requests, retries=exc.retries)
                raise
            finally:
                output.model_s += time.perf_counter() - began
            output.usage = output.usage + usage_of(completion)
            last_text = completion.text.strip() or last_text
            try:
                answer = parse_sentence_answer(
                    completion.text,
                    sentence=sentence.text,
                    article_text=article.text,
                    speaker_window=window,
                )
            except ValueError as exc:
                error = _first_error(exc)
                continue
            span = ground(sentence.text, article.text, near=sentence.start)
            if span is None:  # segmentation keeps offsets, so this means a bug upstream
                error = "the sentence could not be located in the article"
                break
            output.drafts.append(
                Draft(
                    start=span.start,
                    end=span.end,
                    match=span.match,
                    speaker=answer.speaker,
                    text=answer.claim,
                    checkworthy=round(candidate.score, 3),
                )
            )
            return
        output.rejected.append(
            Rejection(quote=sentence.text, text=last_text, reason=error or "no valid answer")
        )
