"""Extraction, article by article: read, ask the model, validate, ground, build claims.

Every article yields exactly one :class:`ArticleResult`. Whatever goes wrong with one
article (unreadable input, a model that never validates, a dead server) is recorded in
its result, and the batch goes on.

On the ``openai`` back end, ``Settings.concurrency`` articles are extracted at once by a
pool of threads, under one shared :class:`~extractor.llm.ratelimit.RateLimiter`; results still
come out in input order. The local model runs one request at a time, while the next
articles are read in the background.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Generator, Iterable, Mapping

from ..errors import Cancelled, ConfigError, ExtractorError, ModelLoadError
from ..ingest.articles import read_articles
from ..language.quantities import parse_quantities
from ..language.stance import denied_by_another, detect_stance, without_denial_of_claim
from ..llm.backends import Completion, CompletionBackend, CompletionRequest, make_backend
from ..llm.base import Scores, Wrapper, scorer
from ..llm.cache import CachedBackend, ResponseCache
from ..llm.prompts import available_prompts
from ..llm.ratelimit import Limiter, RateLimiter
from ..models import Article, ArticleError, ArticleResult, Claim, Quantity, Stance, Timings
from ..settings import Settings
from .concurrency import map_ordered, read_ahead
from .sentence import SentenceStrategy
from .strategy import Draft, Strategy, StrategyOutput

__all__ = ["extract", "extract_article", "failed_result", "make_strategy"]

log = logging.getLogger(__name__)


def make_strategy(
    settings: Settings,
    backend: CompletionBackend | None = None,
    cache: ResponseCache | None = None,
    limiter: Limiter | None = None,
) -> Strategy:
    """The extraction strategy ``settings`` asks for, over ``backend`` (or the configured one).

    With a ``cache``, model answers are read from it when it has them (see
    :mod:`extractor.llm.cache`). Requests to an OpenAI-compatible server go through ``limiter``.
    The ``article`` strategy asks a chat endpoint: a passed ``backend`` must be an
    OpenAI-compatible one, whose client it then uses; any other is a :class:`ConfigError`
    (never a silent fall-back to the settings' server). A prompt the extraction asks with
    that names no template is a :class:`ConfigError` here, before any article.
    """
    name, known = settings.extraction_prompt, available_prompts()
    if name not in known:
        raise ConfigError(f"the prompt {name!r} names no template; available: {', '.join(known)}")
    if settings.resolved_strategy == "article":
        from ..llm.openai_backend import OpenAICompletionBackend
        from .article import ArticleStrategy

        if backend is None:
            return ArticleStrategy(settings, cache=cache, limiter=limiter)
        if not isinstance(backend, OpenAICompletionBackend):
            raise ConfigError(
                f"the article strategy asks a chat endpoint; the {backend.name!r} back end "
                "passed only completes text: use strategy 'sentence' with it"
            )
        return ArticleStrategy(
            settings, cache=cache, limiter=limiter, client=backend.client, model=backend.model
        )
    owned = backend is None  # one made here is closed with the strategy; a passed one is not
    backend = backend or make_backend(settings, limiter)
    if cache is not None:
        backend = CachedBackend(backend, cache, strategy="sentence")
    return SentenceStrategy(backend, settings, owns_backend=owned)


def _quantities(quote: str, start: int, draft: Draft) -> list[Quantity]:
    """The quote's quantities, each with the referent code found for its number."""
    quantities = parse_quantities(quote)
    if not draft.referents:
        return quantities
    out = []
    for quantity in quantities:
        at = quote.find(quantity.raw)
        referent = None
        if at != -1:
            lo, hi = start + at, start + at + len(quantity.raw)
            referent = next((r for a, b, r in draft.referents if a < hi and lo < b), None)
        out.append(quantity.model_copy(update={"referent": referent}) if referent else quantity)
    return out


def _own_words(quote: str, draft: Draft) -> str:
    """``quote`` without the sentence's other attributions (:attr:`Draft.apart`): in
    "X said the unit had 3,000 men, while Y said the number was nowhere near that", Y's
    words deny, not X's."""
    kept = list(quote)
    for start, end in draft.apart:
        lo, hi = max(0, start - draft.start), min(len(quote), end - draft.start)
        kept[lo:hi] = " " * max(0, hi - lo)
    return "".join(kept)


def _stance(quote: str, draft: Draft) -> Stance:
    """The quote's stance, read on its speaker's own words (:func:`_own_words`); a
    denying cue found by code makes it a denial, and a denial by another party of what the
    speaker said ("X claimed Y, which Z denies") does not."""
    quote = _own_words(quote, draft)
    stance = detect_stance(quote)
    if draft.denial:
        return Stance.denied
    if draft.cue and stance is Stance.denied and denied_by_another(quote):
        stance = detect_stance(without_denial_of_claim(quote))  # the speaker's own words
    if draft.cue and stance is Stance.asserted:
        return Stance.reported
    return stance


def _claims(article: Article, output: StrategyOutput, strategy: Strategy) -> list[Claim]:
    claims: dict[tuple[int, int], Claim] = {}
    for draft in sorted(output.drafts, key=lambda d: (d.start, d.end)):
        if (draft.start, draft.end) in claims:
            continue  # one claim per quoted span; chunks and re-asks can repeat a sentence
        quote = article.text[draft.start : draft.end]
        claims[(draft.start, draft.end)] = Claim(
            article_id=article.id,
            text=draft.text,
            quote=quote,
            start=draft.start,
            end=draft.end,
            match=draft.match,
            speaker=draft.speaker,
            speaker_start=draft.speaker_start,
            speaker_end=draft.speaker_end,
            cue=draft.cue,
            proposition=draft.proposition,
            stance=_stance(quote, draft),
            quantities=_quantities(quote, draft.start, draft),
            checkworthy=draft.checkworthy,
            prompt_version=strategy.prompt_version,
            model=strategy.model,
        )
    return list(claims.values())


def _extract_article(article: Article, strategy: Strategy) -> ArticleResult:
    began = time.perf_counter()
    output = StrategyOutput()
    try:
        strategy.run(article, output)
    except ModelLoadError:
        # a model or pipeline that cannot load (spaCy's, loaded with the first article)
        # fails every article alike: it ends the run, as a GGUF that cannot load does
        raise
    except Exception as exc:  # one article's failure, expected or not, never ends the batch
        if isinstance(exc, ExtractorError):
            error = ArticleError(kind=exc.kind, message=str(exc), origin=article.origin)
        else:
            log.exception("unexpected error on article %s", article.origin or article.id)
            message = f"internal error ({type(exc).__name__}: {exc}); please report it"
            error = ArticleError(kind="internal", message=message, origin=article.origin)
        return ArticleResult(
            article=article,
            origin=article.origin,
            status="failed",
            rejected=output.rejected,
            errors=[error],
            usage=output.usage,
            timings=Timings(model_s=output.model_s, total_s=time.perf_counter() - began),
        )
    return ArticleResult(
        article=article,
        origin=article.origin,
        claims=_claims(article, output, strategy),
        rejected=output.rejected,
        usage=output.usage,
        timings=Timings(model_s=output.model_s, total_s=time.perf_counter() - began),
    )


def extract_article(
    article: Article,
    settings: Settings | None = None,
    *,
    backend: CompletionBackend | None = None,
    cache: ResponseCache | None = None,
) -> ArticleResult:
    """Extract the grounded claims of one article."""
    settings = settings or Settings()
    strategy = make_strategy(settings, backend, cache)
    try:
        return _extract_article(article, strategy)
    finally:
        strategy.close()


def failed_result(error: ArticleError) -> ArticleResult:
    """The failed result of an input that could not be read: no article, only the error."""
    return ArticleResult(article=None, origin=error.origin, status="failed", errors=[error])


def _skipped(article: Article, spent: int, budget: int) -> ArticleResult:
    message = (
        f"skipped: the run's token budget is spent ({spent} of {budget}); "
        "raise EXTRACTOR_MAX_TOKENS_PER_RUN or rerun to continue"
    )
    error = ArticleError(kind="budget", message=message, origin=article.origin)
    return ArticleResult(article=article, origin=article.origin, status="skipped", errors=[error])


def _cut_off(article: Article, failures: int, last: str) -> ArticleResult:
    message = (
        f"skipped: {failures} articles in a row could not reach the model (the last: "
        f"{last}); nothing more is asked in this batch: check the server, then rerun"
    )
    error = ArticleError(kind="transport", message=message, origin=article.origin)
    return ArticleResult(article=article, origin=article.origin, status="skipped", errors=[error])


def _unreachable(result: ArticleResult) -> str | None:
    """The message of ``result``'s transport error, when the model could not be reached."""
    if result.status != "failed":
        return None
    return next((e.message for e in result.errors if e.kind == "transport"), None)


class _Gate:
    """A :class:`Limiter` (and back end) that refuses every request once the batch closes."""

    def __init__(self, closed: threading.Event, limiter: Limiter) -> None:
        self._closed = closed
        self._limiter = limiter

    def check(self) -> None:
        if self._closed.is_set():
            raise Cancelled("the batch was closed; the article is abandoned")

    def acquire(self, tokens: int) -> int:
        self.check()
        return self._limiter.acquire(tokens)

    def settle(self, ticket: int, tokens: int) -> None:
        self._limiter.settle(ticket, tokens)

    def observe(self, status: int, headers: Mapping[str, str]) -> None:
        self._limiter.observe(status, headers)


class _GatedBackend(Wrapper):
    """A passed back end behind the batch's :class:`_Gate`."""

    def __init__(self, backend: CompletionBackend, gate: _Gate) -> None:
        super().__init__(backend)
        self._gate = gate

    def complete(self, request: CompletionRequest) -> Completion:
        self._gate.check()
        return self._backend.complete(request)

    @property
    def can_score(self) -> bool:
        """Whether the back end behind the gate scores continuations (llama.cpp does)."""
        return scorer(self._backend) is not None

    def score(self, prompt: str, continuations: tuple[str, ...]) -> Scores:
        self._gate.check()
        score = scorer(self._backend)
        if score is None:
            raise TypeError(f"back end {self._backend.name!r} cannot score continuations")
        return score(prompt, continuations)


class _Batch:
    """What the threads of one ``extract`` call share: the strategy, the budget spent, the
    transport failures in a row (the circuit breaker), and whether the batch is closed."""

    def __init__(
        self,
        settings: Settings,
        backend: CompletionBackend | None,
        cache: ResponseCache | None,
        limiter: Limiter | None,
    ) -> None:
        self._settings = settings
        self._backend = backend
        self._cache = cache
        self._closed = threading.Event()
        self._limiter = _Gate(self._closed, limiter or RateLimiter.from_settings(settings))
        self._lock = threading.Lock()
        self._shared: Strategy | None = None
        self._local = threading.local()
        self._spent = 0
        self._unreachable = 0  # articles in a row that could not reach the model
        self._last_unreachable = ""
        self._tripped = False
        self._made: list[Strategy] = []  # closed by close()

    def close(self) -> None:
        """No request starts any more: articles in flight fail at their next request. The
        strategies this batch made are closed, and with them their clients and models."""
        self._closed.set()
        with self._lock:
            made, self._made = self._made, []
        for strategy in made:
            strategy.close()

    def _strategy(self) -> Strategy:
        strategy: Strategy | None = getattr(self._local, "strategy", None)
        if strategy is None:
            with self._lock:  # the first one loads the model; a config or load error ends the run
                # the article strategy keeps per-call state: one per thread
                if self._shared is None or self._settings.resolved_strategy == "article":
                    self._limiter.check()  # closed: nothing new is opened
                    self._shared = make_strategy(
                        self._settings, self._passed_backend(), self._cache, self._limiter
                    )
                    self._made.append(self._shared)
                strategy = self._local.strategy = self._shared
        return strategy

    def _passed_backend(self) -> CompletionBackend | None:
        if self._backend is None or self._settings.resolved_strategy == "article":
            return self._backend  # the article strategy asks through the gated limiter
        return _GatedBackend(self._backend, self._limiter)

    def run(self, item: Article | ArticleError) -> ArticleResult:
        if isinstance(item, ArticleError):
            return failed_result(item)
        budget = self._settings.max_tokens_per_run
        with self._lock:
            spent, tripped = self._spent, self._tripped
            failures, last = self._unreachable, self._last_unreachable
        if tripped:
            return _cut_off(item, failures, last)
        if budget is not None and spent >= budget:
            return _skipped(item, spent, budget)
        result = _extract_article(item, self._strategy())
        limit = self._settings.max_consecutive_transport_failures
        with self._lock:
            self._spent += result.usage.total_tokens
            message = _unreachable(result)
            if self._tripped:
                pass  # the count that tripped it stands (articles in flight still finish)
            elif message is None:
                self._unreachable = 0
            else:
                self._unreachable += 1
                self._last_unreachable = message
                self._tripped = limit is not None and self._unreachable >= limit
        return result


def extract(
    inputs: Iterable[str | os.PathLike[str] | Article] | str | os.PathLike[str],
    settings: Settings | None = None,
    *,
    backend: CompletionBackend | None = None,
    cache: ResponseCache | None = None,
    limiter: Limiter | None = None,
) -> Generator[ArticleResult, None, None]:
    """Extract claims from files, directories, JSONL feeds or :class:`Article` objects (a
    path by itself is one input).

    Yields one result per article, in input order, as soon as it is done. The model is
    loaded once, on the first readable article; a :class:`ConfigError` or
    :class:`ModelLoadError` then is raised, since no article could succeed. With a
    ``cache`` (:class:`~extractor.llm.cache.ResponseCache`), answers it holds are not asked again.

    ``settings.workers`` articles are extracted at once (``concurrency`` on the ``openai``
    back end, 1 for the local model), all under one rate ``limiter`` (by default, one built
    from the settings). With a token budget, the articles already running when it is spent
    still finish. After ``max_consecutive_transport_failures`` articles in a row could not
    reach the model, the rest are ``skipped`` (kind ``transport``) without asking. Closing
    the iterator abandons the articles not yet done: the ones in flight make no further
    request.
    """
    settings = settings or Settings()
    batch = _Batch(settings, backend, cache, limiter)
    items = read_articles(inputs, settings)
    if settings.workers > 1:
        yield from map_ordered(batch.run, items, settings.workers, on_close=batch.close)
        return
    ahead = read_ahead(items)  # the next articles are read while this one is extracted
    try:
        for item in ahead:
            yield batch.run(item)
    finally:
        batch.close()
        ahead.close()
