"""A model that decides the clusters code cannot: the :data:`Judge` seam and one judge.

Code decides numbers and stance (see :mod:`extractor.compare.rules`). What is left -- claims
that look alike but carry nothing checkable -- goes to a model through the versioned
``prompts/compare_claims.vN.jinja`` over the plain completion seam, so the embedded model
and any OpenAI-compatible server both work. The answer is read strictly by
:func:`parse_judgement`; anything else means the judge abstains and
the code's own decision stands.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..llm.backends import CompletionBackend, CompletionRequest, make_backend
from ..llm.base import close_backend
from ..llm.prompts import render_prompt
from ..models import Claim, Relation, Usage
from ..settings import Settings

__all__ = ["CompletionJudge", "Judge", "parse_judgement"]

#: Decides a cluster code could not: returns (relation, one-line reason) or None to abstain.
Judge = Callable[[list[Claim]], tuple[Relation, str] | None]

#: the claims shown to the judge at most (a cluster can be large; the first ones suffice)
MAX_CLAIMS = 6
#: the judge's answer is two short lines
MAX_ANSWER_TOKENS = 48


# -- the judge's answer -------------------------------------------------------------------

_JUDGEMENT = re.compile(
    r"\A\s*Relation:[ \t]*(agree|contradiction|unrelated)[ \t]*\r?\n"
    r"[ \t]*Reason:[ \t]*(\S[^\r\n]*?)[ \t]*\s*\Z",
    re.IGNORECASE,
)
_JUDGED = {
    "agree": Relation.agree,
    "contradiction": Relation.contradiction,
    "unrelated": Relation.single_source,
}


def parse_judgement(text: str) -> tuple[Relation, str] | None:
    """Read a judge's answer: exactly ``Relation: agree|contradiction|unrelated`` then
    ``Reason: ...`` on the next line, nothing else. Anything else is ``None``.

    "unrelated" becomes ``Relation.single_source`` (the cluster is split by the caller).
    """
    match = _JUDGEMENT.match(text)
    if match is None:
        return None
    return _JUDGED[match.group(1).casefold()], match.group(2).strip()


class CompletionJudge:
    """Asks a completion model whether claims agree, contradict or are unrelated.

    It counts what it did, for a run's summary: ``calls`` (clusters asked about),
    ``readable`` (answers in the strict two-line form), ``decisive`` (readable answers
    that name a relation between the claims, agree or contradiction, rather than calling
    them unrelated), ``unreadable`` (``calls - readable``: the judge abstained), and
    ``usage`` (a :class:`~extractor.models.Usage`: prompt and completion tokens, requests
    with transport retries, answers served from a cache).
    """

    def __init__(
        self,
        backend: CompletionBackend,
        *,
        prompt: str = "compare_claims.v1",
        sources: dict[str, str] | None = None,
        seed: int = 0,
        owns_backend: bool = False,
    ) -> None:
        """``owns_backend``: :meth:`close` closes ``backend`` (else it is its owner's)."""
        self._backend = backend
        self._owns_backend = owns_backend
        self.prompt_version = prompt
        self._sources = sources or {}
        self._seed = seed
        #: clusters asked about; answers read; answers that named agree or contradiction
        self.calls = 0
        self.readable = 0
        self.decisive = 0
        #: what the judge's requests cost
        self.usage = Usage()

    @property
    def unreadable(self) -> int:
        """Answers that could not be read: the judge abstained and code's decision stood."""
        return self.calls - self.readable

    @classmethod
    def from_settings(
        cls, settings: Settings, *, sources: dict[str, str] | None = None
    ) -> CompletionJudge:
        """A judge on the back end ``settings`` selects (the embedded model by default)."""
        return cls(
            make_backend(settings),
            prompt=settings.compare_prompt,
            sources=sources,
            seed=settings.seed,
            owns_backend=True,
        )

    def close(self) -> None:
        """Close the back end this judge made (a passed one is left to its owner)."""
        if self._owns_backend:
            self._owns_backend = False
            close_backend(self._backend)

    def __enter__(self) -> CompletionJudge:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def model(self) -> str:
        return self._backend.model

    def __call__(self, claims: list[Claim]) -> tuple[Relation, str] | None:
        shown: Sequence[Claim] = claims[:MAX_CLAIMS]
        prompt = render_prompt(
            self.prompt_version,
            claims=[
                {
                    "source": self._sources.get(c.article_id, c.article_id[:12]),
                    "speaker": c.speaker,
                    "text": c.text,
                }
                for c in shown
            ],
        )
        request = CompletionRequest(
            prompt=prompt,
            max_tokens=MAX_ANSWER_TOKENS,
            stop=("\n\n", "\nClaims:"),
            temperature=0.0,
            seed=self._seed,
            prompt_version=self.prompt_version,
        )
        self.calls += 1
        completion = self._backend.complete(request)
        self.usage = self.usage + Usage(
            prompt_tokens=completion.prompt_tokens,
            completion_tokens=completion.completion_tokens,
            requests=completion.requests,
            retries=completion.retries,
            cached=int(completion.cached),
        )
        # the prompt ends with "Relation:"; a base model may run on after the two lines
        lines = completion.text.strip().splitlines()[:2]
        verdict = parse_judgement("Relation:" + "\n".join(lines))
        if verdict is not None:
            self.readable += 1
            self.decisive += verdict[0] is not Relation.single_source
        return verdict
