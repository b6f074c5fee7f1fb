"""The ``article`` strategy: one structured call per article chunk, through instructor.

The chat model returns :class:`ClaimBatch` (a list of quote/speaker/claim). Its validator
checks every claim on its own against the article, which it gets through instructor's
validation ``context``: grounded claims are kept (in the context, across attempts), and
only the failed ones are sent back to the model with their errors. On the last attempt
the failed claims are dropped and recorded as rejections; nothing ungrounded is emitted.
"""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Callable, Sequence
from typing import Any

import instructor
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, model_validator

from ..language import ArticleAnalysis, Speaker, analyze
from ..language import load_pipeline as load_nlp
from ..language.segment import split_sentences
from ..llm.cache import ChatCache, ResponseCache
from ..llm.openai_backend import require_endpoint
from ..llm.prompts import render_prompt
from ..llm.ratelimit import Limiter
from ..llm.tokens import estimate_tokens
from ..llm.transport import Meter, call_with_retries, check_chat_completion, make_openai_client
from ..models import Article, Rejection, Usage
from ..settings import Settings
from .attributed import attributed_draft, faithful_or_none, speaker_named
from .chunking import chunk_text
from .grounding import ground
from .strategy import Draft, StrategyOutput
from .validation import ExtractedClaim

__all__ = ["ArticleStrategy", "ClaimBatch"]

#: claims asked for per chunk
MAX_CLAIMS_PER_CHUNK = 5


class RawClaim(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quote: str = Field(min_length=1)
    speaker: str = Field(min_length=1)
    claim: str = Field(min_length=1)


class ClaimBatch(BaseModel):
    """What the model answers; each claim is validated on its own (see module docstring)."""

    model_config = ConfigDict(extra="forbid")

    claims: list[RawClaim]

    @model_validator(mode="after")
    def _validate_each_claim(self, info: ValidationInfo) -> ClaimBatch:
        ctx: dict[str, Any] = info.context if isinstance(info.context, dict) else {}
        if "article_text" not in ctx:
            return self  # schema use only (no context): nothing to ground against
        ctx["attempt"] = ctx.get("attempt", 0) + 1
        failed: list[tuple[RawClaim, str]] = []
        for raw in self.claims:
            try:
                valid = ExtractedClaim.model_validate(raw.model_dump(), context=ctx)
            except ValidationError as exc:
                failed.append((raw, str(exc.errors()[0]["msg"]).removeprefix("Value error, ")))
                continue
            ctx["kept"].setdefault(valid.quote.strip(), valid)
        ctx["failed"] = failed
        if failed and ctx["attempt"] <= ctx["max_reasks"]:
            lines = [f'- quote "{raw.quote[:120]}": {reason}' for raw, reason in failed]
            raise ValueError(
                f"{len(failed)} claim(s) were rejected; the others are accepted. Fix or drop "
                "these, answering with the corrected claims only:\n" + "\n".join(lines)
            )
        return self


def _estimate_chat(request: dict[str, Any]) -> int:
    """The tokens a chat request may cost: its messages (estimated) and ``max_tokens``."""
    messages = request.get("messages") or []
    text = "".join(str(m.get("content", "")) for m in messages if isinstance(m, dict))
    return estimate_tokens(text) + int(request.get("max_tokens") or 0)


def response_schema(
    quotes_from: str | None = None,
    speakers: list[str] | None = None,
    per_sentence: Sequence[tuple[str, Sequence[str]]] | None = None,
) -> dict[str, Any]:
    """The JSON Schema sent in ``response_format`` for servers that decode to a schema.

    With ``quotes_from`` (a chunk's text), ``quote`` may only be one of its sentences and
    the list holds at most :data:`MAX_CLAIMS_PER_CHUNK` claims: a grammar-constrained
    server then cannot return a quote that is not in the article. With ``speakers`` (the
    language layer's candidates in the chunk), ``speaker`` is an enum of them and
    "author". With ``per_sentence`` as well (each sentence of the chunk with its own
    candidates), a claim is one of the sentences *with one of that sentence's* speakers:
    the server cannot pair a quote with another sentence's speaker. Validation still runs.
    """
    schema = ClaimBatch.model_json_schema()
    if speakers is not None:
        names = list(dict.fromkeys(["author", *speakers]))
        schema["$defs"]["RawClaim"]["properties"]["speaker"] = {"enum": names}
    if quotes_from is not None and per_sentence:
        raw = schema["$defs"]["RawClaim"]
        options = []
        for sentence, candidates in sorted(per_sentence):
            option = copy.deepcopy(raw)
            option["properties"]["quote"] = {"const": sentence}
            names = list(dict.fromkeys(["author", *candidates]))
            option["properties"]["speaker"] = {"enum": names}
            options.append(option)
        schema["$defs"]["RawClaim"] = {"title": raw.get("title", "RawClaim"), "anyOf": options}
        schema["properties"]["claims"]["maxItems"] = MAX_CLAIMS_PER_CHUNK
        return schema
    if quotes_from is not None:
        properties = schema["$defs"]["RawClaim"]["properties"]
        sentences = sorted({s.text for s in split_sentences(quotes_from)})
        if sentences:
            properties["quote"] = {"enum": sentences}
        if speakers is None:
            properties["speaker"] = {"enum": ["author", *names_in(quotes_from)]}
        schema["properties"]["claims"]["maxItems"] = MAX_CLAIMS_PER_CHUNK
    return schema


#: a run of capitalised words ("Maria Lopez", "the Bank of England"), allowing "of"/"the"
#: inside; the first word of a sentence alone is not a name
_NAME = re.compile(r"(?<![\w’'])[A-Z][\w’'-]*(?:[ \t]+(?:(?:of|the|for)[ \t]+)?[A-Z][\w’'-]*)*")
#: who a verb of saying follows: "city officials estimate", "the ministry said"
_SAYER = re.compile(
    r"(?<![\w’'])((?:[Tt]he[ \t]+)?[A-Z][\w’'-]*(?:[ \t]+[a-z]+)?)[ \t]+"
    r"(?:said|says|say|estimated?|estimates|claimed|claims|reported|reports|told|denied|"
    r"confirmed|warned|stated|announced)\b"
)
_SENTENCE_START = re.compile(r'(?:^|[.!?]["\u201d\u2019)]*\s+|\n)\Z')


def names_in(text: str, limit: int = 40) -> list[str]:
    """Candidate speakers in ``text``: names and sayers, in order of first mention."""
    found: dict[str, int] = {}
    for match in _SAYER.finditer(text):
        found.setdefault(match.group(1), match.start())
    for match in _NAME.finditer(text):
        name = match.group()
        if _SENTENCE_START.search(text[: match.start()]):
            first, _, rest = name.partition(" ")
            if not rest:
                continue  # a capitalised first word of a sentence
            if first in {"The", "A", "An", "But", "And", "In", "On", "It", "This", "That"}:
                name = rest
        if len(name) > 1:
            found.setdefault(name, match.start())
    return sorted(found, key=found.__getitem__)[:limit]


class ArticleStrategy:
    """One instructor call (with bounded re-asks) per chunk of the article."""

    def __init__(
        self,
        settings: Settings,
        cache: ResponseCache | None = None,
        limiter: Limiter | None = None,
        *,
        client: openai.OpenAI | None = None,
        model: str | None = None,
    ) -> None:
        """``client`` and ``model``: ask them (a back end's) instead of the settings' server."""
        self._model = model if model is not None else require_endpoint(settings)[1]
        self._settings = settings
        self._cache: ChatCache | None = None
        if cache is not None:
            self._cache = ChatCache(cache, prompt_version=self.prompt_version)
        self._limiter = limiter
        self._client = client if client is not None else make_openai_client(settings, limiter)
        self._owns_client = client is None  # a passed client is its owner's to close
        self._output = StrategyOutput()
        self._asked = False
        self._nlp: Any = None
        mode = instructor.Mode.JSON
        self._instructor = instructor.Instructor(
            client=self._client,
            create=instructor.patch(create=self._create, mode=mode),
            mode=mode,
        )

    @property
    def prompt_version(self) -> str:
        return self._settings.article_prompt

    @property
    def model(self) -> str:
        return self._model

    def close(self) -> None:
        """Close the client this strategy made, and its keep-alive connections."""
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> ArticleStrategy:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _create(self, **kwargs: Any) -> Any:
        """Every HTTP call, first asks and re-asks alike: transport retries and usage."""
        cached = None if self._cache is None else self._cache.lookup(kwargs)
        if cached is not None:  # answered before: no call, counted as a cache hit
            reask = int(self._asked)
            self._output.usage = self._output.usage + Usage(cached=1, reasks=reask)
            self._asked = True
            return cached
        meter = Meter()
        began = time.perf_counter()
        try:
            response = call_with_retries(
                lambda: self._client.chat.completions.create(**kwargs),
                self._settings,
                meter,
                check=check_chat_completion,  # no choices, or no message content: retried
                limiter=self._limiter,
                tokens=_estimate_chat(kwargs),
            )
            meter.add_usage(getattr(response, "usage", None))
            if self._cache is not None:
                self._cache.save(kwargs, response)
        finally:
            self._output.usage = self._output.usage + Usage(
                prompt_tokens=meter.prompt_tokens,
                completion_tokens=meter.completion_tokens,
                requests=meter.requests,
                retries=meter.retries,
                reasks=int(self._asked),
            )
            self._asked = True
            self._output.model_s += time.perf_counter() - began
        return response

    def run(self, article: Article, output: StrategyOutput) -> None:
        self._output = output
        analysis = None
        if self._settings.attribution == "frames":
            if self._nlp is None:
                self._nlp = load_nlp(self._settings.spacy_pipeline)
            analysis = analyze(article.text, self._nlp, split_sentences(article.text))
        chunks = chunk_text(
            article.text,
            max_tokens=self._settings.chunk_tokens,
            overlap_chars=self._settings.chunk_overlap_chars,
            count_tokens=estimate_tokens,
        )
        for chunk in chunks:
            self._asked = False  # the first call per chunk is an ask, later ones re-asks
            kept, failed = self._ask(article, chunk.text, chunk.context, chunk.start, analysis)
            for claim in kept:
                span = ground(
                    claim.quote,
                    article.text,
                    fuzzy_threshold=self._settings.fuzzy_threshold,
                    near=chunk.start,
                )
                if span is None:  # validated against the same text, so this cannot happen
                    continue
                # the validator checked the speaker at this same occurrence (``near``)
                if analysis is None:
                    output.drafts.append(
                        Draft(span.start, span.end, span.match, claim.speaker, claim.claim)
                    )
                    continue
                sentence = analysis.at(span.start, span.end)
                text, error = faithful_or_none(claim.claim, sentence, article.text, self._nlp)
                output.drafts.append(
                    attributed_draft(
                        sentence,
                        span,
                        speaker_named(sentence, claim.speaker),
                        text,
                        error,
                        claim.claim,
                        output,
                    )  # fmt: skip
                )
            output.rejected.extend(failed)

    def _cut_off(self) -> str:
        limit = self._settings.article_max_output_tokens
        return (
            f"the answer was cut off at article_max_output_tokens ({limit}); raise "
            "EXTRACTOR_ARTICLE_MAX_OUTPUT_TOKENS or lower EXTRACTOR_CHUNK_TOKENS"
        )

    def _ask(
        self,
        article: Article,
        text: str,
        context: str,
        near: int,
        analysis: ArticleAnalysis | None = None,
    ) -> tuple[list[ExtractedClaim], list[Rejection]]:
        prompt = render_prompt(
            self.prompt_version, text=text, context=context, max_claims=MAX_CLAIMS_PER_CHUNK
        )
        ctx: dict[str, Any] = {
            "article_text": article.text,
            "fuzzy_threshold": self._settings.fuzzy_threshold,
            "near": near,  # a repeated sentence: checked and emitted at the chunk's occurrence
            "max_reasks": self._settings.max_reasks,
            "kept": {},
            "failed": [],
        }
        speakers: list[str] | None = None
        per_sentence: list[tuple[str, list[str]]] | None = None
        if analysis is not None:
            ctx["speakers_of"] = _speakers_of(analysis)
            speakers = _chunk_speakers(analysis, near, near + len(text))
            per_sentence = _sentence_speakers(analysis, near, near + len(text))
        extra_body = None
        if self._settings.response_format_schema:
            quotes_from = text if self._settings.constrain_quotes else None
            schema = response_schema(quotes_from, speakers, per_sentence)
            extra_body = {"response_format": {"type": "json_object", "schema": schema}}
        rejected: list[Rejection] = []
        try:
            self._instructor.chat.completions.create(
                model=self._model,
                response_model=ClaimBatch,
                messages=[{"role": "user", "content": prompt}],
                max_retries=self._settings.max_reasks,
                context=ctx,
                temperature=self._settings.temperature,
                max_tokens=self._settings.article_max_output_tokens,
                seed=self._settings.seed,
                extra_body=extra_body,
            )
        except IncompleteOutputException:
            rejected.append(Rejection(reason=self._cut_off()))
        except InstructorRetryException as exc:
            cause = exc.__cause__ or exc
            if isinstance(cause, IncompleteOutputException):
                rejected.append(Rejection(reason=self._cut_off()))
            elif not isinstance(cause, ValueError):  # ValidationError, JSON errors
                raise cause from exc  # a transport error: the article fails
            else:
                rejected.append(Rejection(reason=f"no valid answer after re-asks: {cause}"[:500]))
        rejected.extend(
            Rejection(quote=raw.quote, text=raw.claim, reason=reason)
            for raw, reason in ctx["failed"]
        )
        return list(ctx["kept"].values()), rejected


def _named(speakers: Sequence[Speaker]) -> list[str]:
    """The names of ``speakers`` that are not the outlet itself."""
    return [s.name for s in speakers if not s.is_author]


def _speakers_of(analysis: ArticleAnalysis) -> Callable[[int, int], list[str]]:
    """The named speakers the language layer found for a span (validation's hint)."""

    def speakers_of(start: int, end: int) -> list[str]:
        return _named(analysis.at(start, end).speakers)

    return speakers_of


def _sentence_speakers(
    analysis: ArticleAnalysis, start: int, end: int
) -> list[tuple[str, list[str]]]:
    """Each sentence inside ``[start, end)`` with its own named candidate speakers."""
    return [
        (sentence.text, _named(sentence.speakers))
        for sentence in analysis.sentences
        if start <= sentence.start and sentence.end <= end
    ]


def _chunk_speakers(analysis: ArticleAnalysis, start: int, end: int) -> list[str]:
    """The named speakers of the sentences that begin in ``[start, end)``, in order (a
    sentence the chunk cuts still offers its speakers to the chunk's schema)."""
    return [
        name
        for sentence in analysis.sentences
        if start <= sentence.start < end
        for name in _named(sentence.speakers)
    ]
