"""The sentence strategy with attribution from code: our code proposes, the model chooses.

Per article, the language layer (:mod:`extractor.language`) finds the attribution frames,
the candidate speakers of every sentence (grounded spans of the article) and each
sentence's proposition. Per candidate sentence:

1. **Speaker.** One candidate: it is the speaker. Several (two frames, or a pronoun with
   more than one compatible antecedent): a back end that can score continuations (the
   embedded llama.cpp model) scores each candidate's log-likelihood under
   ``choose_speaker.v1``; the model's choice wins when it beats code's order by
   ``speaker_prior`` nats per token per rank. A back end that cannot score keeps code's
   order. The model never writes a speaker.
2. **Restatement.** The model writes one ``Claim:`` line with the speaker given
   (``extract_sentence.v2``). It is kept only when :func:`~extractor.language.check_faithful`
   accepts it; otherwise the proposition from code is the claim's text, and the dropped
   restatement is recorded in ``rejected`` with the reason.

A sentence that is an order (an imperative, such as an injected "Output the claim ...")
is not a claim: it is recorded in ``rejected`` and never asked about.
"""

from __future__ import annotations

import time
from typing import Any

from ..backends.base import CompletionBackend, CompletionRequest
from ..errors import TransportError
from ..grounding import ground
from ..language import AUTHOR, ArticleAnalysis, SentenceAnalysis, Speaker, analyze, check_faithful
from ..language import load_pipeline as load_nlp
from ..models import Article, Rejection, Usage
from ..prompts import render_prompt
from ..segment import Candidate, Sentence, checkworthiness, split_sentences
from ..settings import Settings
from ..validation import check_restatement
from .base import Draft, StrategyOutput, usage_of

__all__ = ["AttributedSentences", "select_attributed"]

_STOP = ("\n",)
#: weight an attribution frame adds to a sentence's check-worthiness
_FRAME_WEIGHT = 0.30


def select_attributed(
    analysis: ArticleAnalysis, *, min_score: float, limit: int | None
) -> list[tuple[Candidate, SentenceAnalysis]]:
    """Check-worthy sentences, an attribution frame counting as a reason, in text order."""
    chosen: list[tuple[Candidate, SentenceAnalysis]] = []
    for sentence in analysis.sentences:
        score, reasons = checkworthiness(sentence.text)
        if sentence.frame is not None and "attribution" not in reasons:
            score, reasons = min(1.0, score + _FRAME_WEIGHT), (*reasons, "attribution")
        if score >= min_score:
            candidate = Candidate(
                Sentence(sentence.start, sentence.end, sentence.text), score, reasons
            )
            chosen.append((candidate, sentence))
    if limit is not None:
        best = sorted(chosen, key=lambda c: (-c[0].score, c[0].sentence.start))[: max(0, limit)]
        chosen = sorted(best, key=lambda c: c[0].sentence.start)
    return chosen


class AttributedSentences:
    """Runs the steps of the module docstring for one article over ``backend``."""

    def __init__(self, backend: CompletionBackend, settings: Settings) -> None:
        self._backend = backend
        self._settings = settings
        self._nlp: Any = None

    @property
    def nlp(self) -> Any:
        if self._nlp is None:
            self._nlp = load_nlp(self._settings.spacy_pipeline)
        return self._nlp

    def run(self, article: Article, output: StrategyOutput) -> None:
        analysis = analyze(article.text, self.nlp, split_sentences(article.text))
        chosen = select_attributed(
            analysis, min_score=self._settings.min_checkworthy, limit=self._settings.max_candidates
        )
        previous: dict[int, str] = {}
        for before, sentence in zip([None, *analysis.sentences], analysis.sentences, strict=False):
            previous[sentence.start] = before.text if before is not None else ""
        for candidate, sentence in chosen:
            if sentence.imperative:
                output.rejected.append(
                    Rejection(
                        quote=sentence.text,
                        reason="an order addressed to the reader (or a model), not a claim",
                    )
                )
                continue
            self._ask(article, candidate, sentence, previous.get(sentence.start, ""), output)

    def _call(self, output: StrategyOutput, fn: Any, *args: Any) -> Any:
        began = time.perf_counter()
        try:
            return fn(*args)
        except TransportError as exc:  # the calls it took still count
            output.usage = output.usage + Usage(requests=exc.requests, retries=exc.retries)
            raise
        finally:
            output.model_s += time.perf_counter() - began

    def _speaker(self, sentence: SentenceAnalysis, before: str, output: StrategyOutput) -> Speaker:
        speakers = sentence.speakers
        score = getattr(self._backend, "score", None)
        can_score = getattr(self._backend, "can_score", callable(score))
        if len(speakers) == 1 or score is None or not can_score:
            return speakers[0]
        prompt = render_prompt(
            self._settings.speaker_prompt, sentence=sentence.text, before=before or "(start)"
        )
        names = tuple(f" {s.name}\n" for s in speakers)
        scores = self._call(output, score, prompt, names)
        if not scores.cached:
            output.usage = output.usage + Usage(prompt_tokens=scores.prompt_tokens, requests=1)
        else:
            output.usage = output.usage + Usage(cached=1)
        prior = self._settings.speaker_prior
        ranked = [value - prior * rank for rank, value in enumerate(scores.values)]
        return speakers[max(range(len(speakers)), key=lambda i: ranked[i])]

    def _ask(
        self,
        article: Article,
        candidate: Candidate,
        sentence: SentenceAnalysis,
        before: str,
        output: StrategyOutput,
    ) -> None:
        speaker = self._speaker(sentence, before, output)
        references = [s.name for s in sentence.speakers if s.name != AUTHOR]
        prompt = render_prompt(
            self._settings.sentence_prompt, sentence=sentence.text, speaker=speaker.name
        )
        text: str | None = None
        error = "no answer"
        last: str | None = None
        for attempt in range(min(self._settings.max_reasks, 1) + 1):
            if attempt:
                output.usage = output.usage.model_copy(update={"reasks": output.usage.reasks + 1})
            request = CompletionRequest(
                prompt=prompt,
                max_tokens=self._settings.max_output_tokens,
                stop=_STOP,
                temperature=self._settings.reask_temperature
                if attempt
                else self._settings.temperature,
                seed=self._settings.seed + attempt,
                prompt_version=self._settings.sentence_prompt,
            )
            completion = self._call(output, self._backend.complete, request)
            output.usage = output.usage + usage_of(completion)
            answer = completion.text.strip()
            last = answer or last
            try:
                if not answer:
                    raise ValueError("the answer is empty")
                check_restatement(answer, sentence.text, article.text)
                check_faithful(answer, sentence.text, references, self.nlp)
            except ValueError as exc:
                error = str(exc)
                continue
            text = answer
            break
        if text is None:
            output.rejected.append(
                Rejection(
                    quote=sentence.text,
                    text=last,
                    reason=f"restatement not used ({error}); the claim states code's proposition",
                )
            )
            text = sentence.proposition or sentence.text
        span = ground(sentence.text, article.text, near=sentence.start)
        if span is None:  # segmentation keeps offsets, so this means a bug upstream
            output.rejected.append(
                Rejection(quote=sentence.text, reason="the sentence could not be located")
            )
            return
        frame = sentence.frame
        output.drafts.append(
            Draft(
                start=span.start,
                end=span.end,
                match=span.match,
                speaker=speaker.name,
                text=text,
                checkworthy=round(candidate.score, 3),
                speaker_start=speaker.start,
                speaker_end=speaker.end,
                proposition=sentence.proposition or None,
                cue=frame.cue.text if frame is not None and not speaker.is_author else None,
                denial=frame.denial if frame is not None else False,
                referents=sentence.referents,
            )
        )
