"""The sentence strategy with attribution from code: our code proposes, the model chooses.

Per article, the language layer (:mod:`extractor.language`) finds the attribution frames,
the candidate speakers of every sentence (grounded spans of the article) and each
sentence's proposition. Per candidate sentence:

1. **Speaker.** One candidate: it is the speaker. Several (two frames, or a pronoun with
   more than one compatible antecedent): a back end that can score continuations (the
   embedded llama.cpp model) scores each candidate's log-likelihood after the few-shot
   prompt ``extract_sentence.v2``, which ends in "Speaker:"; the model's choice wins when
   it beats code's order by ``speaker_prior`` nats per token per rank. A back end that
   cannot score keeps code's order. The model never writes a speaker.
2. **Restatement.** The model writes one ``Claim:`` line after the same prompt and the
   chosen speaker (so llama.cpp reuses the prompt from its KV cache). It is kept only when
   :func:`~extractor.language.check_faithful` accepts it; otherwise the proposition from
   code is the claim's text, and the dropped restatement is recorded in ``rejected`` with
   the reason. There is no re-ask: code's proposition is a better fallback than a
   resampled guess, and it keeps the cost at one completion per sentence.

A sentence that is an order (an imperative, such as an injected "Output the claim ...")
is not a claim: it is recorded in ``rejected`` and never asked about.

``max_candidates`` bounds the model calls per article, not what code finds: attributed
sentences beyond it are still claims, with code's first speaker and its proposition.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from ..errors import TransportError
from ..language import AUTHOR, ArticleAnalysis, SentenceAnalysis, Speaker, analyze, check_faithful
from ..language import load_pipeline as load_nlp
from ..language.mentions import AUTHOR_SPEAKER
from ..language.segment import (
    Candidate,
    Sentence,
    best_candidates,
    checkworthiness,
    split_sentences,
)
from ..llm.base import CompletionBackend, CompletionRequest, scorer
from ..llm.prompts import render_prompt
from ..models import Article, MatchKind, Rejection, Usage
from ..settings import Settings
from .grounding import Span, ground
from .strategy import Draft, StrategyOutput, usage_of
from .validation import check_restatement

__all__ = [
    "AttributedSentences",
    "attributed_draft",
    "code_drafts",
    "faithful_or_none",
    "plan_questions",
    "select_attributed",
    "speaker_named",
]

_STOP = ("\n",)
#: weight an attribution frame adds to a sentence's check-worthiness
_FRAME_WEIGHT = 0.30


def select_attributed(
    analysis: ArticleAnalysis, *, min_score: float
) -> list[tuple[Candidate, SentenceAnalysis]]:
    """Check-worthy sentences, an attribution frame counting as a reason, in text order.

    A sentence whose attribution names its source is always one (who said what is worth
    recording, however short: "“We will win,” he said."), unless it is a question or
    boilerplate.
    """
    chosen: list[tuple[Candidate, SentenceAnalysis]] = []
    for sentence in analysis.sentences:
        score, reasons = checkworthiness(sentence.text, event=sentence.event)
        if sentence.frame is not None and "attribution" not in reasons:
            score, reasons = min(1.0, score + _FRAME_WEIGHT), (*reasons, "attribution")
        if _has_source(sentence) and not _NEVER.intersection(reasons):
            score = max(score, min_score)
        if score >= min_score:
            candidate = Candidate(
                Sentence(sentence.start, sentence.end, sentence.text), score, reasons
            )
            chosen.append((candidate, sentence))
    return chosen


#: reasons that keep a sentence out however it is attributed
_NEVER = frozenset({"question", "boilerplate"})


def _has_source(sentence: SentenceAnalysis) -> bool:
    return sentence.frame is not None and sentence.frame.source is not None


def plan_questions(
    analysis: ArticleAnalysis, settings: Settings
) -> tuple[list[tuple[Candidate, SentenceAnalysis]], list[Candidate]]:
    """Every check-worthy sentence (:func:`select_attributed`), and the ones the model is
    asked about: the best ``max_candidates`` of them."""
    every = select_attributed(analysis, min_score=settings.min_checkworthy)
    return every, best_candidates([c for c, _ in every], settings.max_candidates)


def code_drafts(
    article_text: str, sentences: Sequence[tuple[Candidate, SentenceAnalysis]]
) -> list[Draft]:
    """Claims from code alone: each sentence with code's first speaker and its
    proposition (and its further attributions), no model asked. Orders are left out."""
    drafts: list[Draft] = []
    for candidate, sentence in sentences:
        if sentence.imperative:
            continue
        span = ground(sentence.text, article_text, near=sentence.start)
        if span is None:  # pragma: no cover - segmentation keeps offsets
            continue
        drafts.append(
            attributed_draft(
                sentence,
                span,
                sentence.speakers[0],
                restatement=None,
                error="",
                answer=None,
                output=None,
                checkworthy=candidate.score,
            )  # fmt: skip
        )
        drafts.extend(secondary_drafts(sentence, candidate.score))
    return drafts


def faithful_or_none(
    answer: str, sentence: SentenceAnalysis, article_text: str, nlp: Any
) -> tuple[str | None, str]:
    """``(answer, "")`` when the restatement is faithful, else ``(None, why not)``."""
    references = [s.name for s in sentence.speakers if s.name != AUTHOR]
    try:
        if not answer:
            raise ValueError("the answer is empty")
        check_restatement(answer, sentence.text, article_text)
        check_faithful(answer, sentence.text, references, nlp, quote_words=sentence.words or None)
    except ValueError as exc:
        return None, str(exc)
    return answer, ""


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
        every, chosen = plan_questions(analysis, self._settings)
        of = {candidate.sentence.start: sentence for candidate, sentence in every}
        asked = {candidate.sentence.start for candidate in chosen}
        sentences = analysis.sentences
        previous = {s.start: b.text for b, s in zip(sentences, sentences[1:], strict=False)}
        for candidate in chosen:
            sentence = of[candidate.sentence.start]
            if sentence.imperative:
                output.rejected.append(
                    Rejection(
                        quote=sentence.text,
                        reason="an order addressed to the reader (or a model), not a claim",
                    )
                )
                continue
            self._ask(article, candidate, sentence, previous.get(sentence.start, ""), output)
        # beyond max_candidates the model is not asked, but an attribution code found is
        # still a claim: code's speaker and proposition, at no model cost
        unasked = [(c, s) for c, s in every if c.sentence.start not in asked and s.frame]
        output.drafts.extend(code_drafts(article.text, unasked))

    def _call(self, output: StrategyOutput, fn: Any, *args: Any) -> Any:
        began = time.perf_counter()
        try:
            return fn(*args)
        except TransportError as exc:  # the calls it took still count
            output.usage = output.usage + Usage(requests=exc.requests, retries=exc.retries)
            raise
        finally:
            output.model_s += time.perf_counter() - began

    def _prompt(self, sentence: SentenceAnalysis, before: str) -> str:
        """The few-shot prompt, up to and with "Speaker:" (shared by scoring and restating)."""
        return render_prompt(
            self._settings.sentence_prompt, sentence=sentence.text, before=before or "(start)"
        )

    def _speaker(self, sentence: SentenceAnalysis, before: str, output: StrategyOutput) -> Speaker:
        speakers = sentence.speakers
        score = scorer(self._backend)
        if len(speakers) == 1 or score is None:
            return speakers[0]
        prompt = self._prompt(sentence, before)
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
        # the speaker's line is given, so the prompt up to it is the one scoring just
        # evaluated: llama.cpp reuses it from its KV cache
        prompt = f"{self._prompt(sentence, before)} {speaker.name}\nClaim:"
        # no re-ask: a restatement that fails validation gives way to code's proposition
        request = CompletionRequest(
            prompt=prompt,
            max_tokens=self._settings.max_output_tokens,
            stop=_STOP,
            temperature=self._settings.temperature,
            seed=self._settings.seed,
            prompt_version=self._settings.sentence_prompt,
        )
        completion = self._call(output, self._backend.complete, request)
        output.usage = output.usage + usage_of(completion)
        last = completion.text.strip()
        text, error = faithful_or_none(last, sentence, article.text, self.nlp)
        span = ground(sentence.text, article.text, near=sentence.start)
        if span is None:  # segmentation keeps offsets, so this means a bug upstream
            output.rejected.append(
                Rejection(quote=sentence.text, reason="the sentence could not be located")
            )
            return
        output.drafts.append(
            attributed_draft(
                sentence,
                span,
                speaker,
                text,
                error,
                last or None,
                output,
                checkworthy=candidate.score,
            )
        )
        output.drafts.extend(secondary_drafts(sentence, candidate.score))


def secondary_drafts(sentence: SentenceAnalysis, checkworthy: float) -> list[Draft]:
    """One claim per further attribution of the sentence, from code alone.

    Its quote is that attribution's content (a verbatim span, offsets by code), its speaker
    that frame's, its text code's proposition: no model call, so no restatement to check.
    """
    drafts = []
    for other in sentence.secondary:
        content = other.frame.content
        drafts.append(
            Draft(
                start=content.start,
                end=content.end,
                match=MatchKind.exact,
                speaker=other.speaker.name,
                text=other.proposition,
                checkworthy=round(checkworthy, 3),
                speaker_start=other.speaker.start,
                speaker_end=other.speaker.end,
                proposition=other.proposition,
                cue=other.frame.cue.text if not other.speaker.is_author else None,
                denial=other.frame.denial,
                referents=tuple(
                    r for r in sentence.referents if content.start <= r[0] < content.end
                ),
            )
        )
    return drafts


def speaker_named(sentence: SentenceAnalysis, name: str) -> Speaker:
    """The candidate of ``sentence`` called ``name`` (any case), else the author."""
    wanted = name.casefold()
    return next(
        (s for s in sentence.speakers if s.name.casefold() == wanted),
        AUTHOR_SPEAKER,
    )


def attributed_draft(
    sentence: SentenceAnalysis,
    span: Span,
    speaker: Speaker,
    restatement: str | None,
    error: str,
    answer: str | None,
    output: StrategyOutput | None,
    *,
    checkworthy: float | None = None,
) -> Draft:
    """The draft of a grounded quote: the restatement if it passed, else code's proposition
    (the sentence, when that is only the cue's object: :attr:`SentenceAnalysis.statement`).

    A refused restatement (``restatement`` None) is recorded in ``output.rejected`` with
    ``error``, the reason it was refused; with no ``output`` the model was not asked.
    """
    text = restatement
    if text is None and output is not None:
        output.rejected.append(
            Rejection(
                quote=sentence.text,
                text=answer,
                reason=f"restatement not used ({error}); the claim states code's proposition",
            )
        )
    if text is None:
        text = sentence.statement
    frame = sentence.frame
    return Draft(
        start=span.start,
        end=span.end,
        match=span.match,
        speaker=speaker.name,
        text=text,
        checkworthy=None if checkworthy is None else round(checkworthy, 3),
        speaker_start=speaker.start,
        speaker_end=speaker.end,
        proposition=sentence.proposition or None,
        cue=frame.cue.text if frame is not None and not speaker.is_author else None,
        denial=frame.denial if frame is not None else False,
        referents=sentence.referents,
        apart=sentence.apart(speaker.name, span.start, span.end),
    )
