"""What a strategy returns: grounded drafts, rejections and the usage it cost."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ..llm.base import Completion
from ..models import Article, MatchKind, Rejection, Usage

__all__ = ["Draft", "Strategy", "StrategyOutput", "usage_of"]


@dataclass(frozen=True)
class Draft:
    """A validated, grounded answer; the pipeline turns it into a :class:`Claim`."""

    start: int
    end: int
    match: MatchKind
    speaker: str
    text: str
    checkworthy: float | None = None
    #: where the speaker is named in the article (None for the author or a free answer)
    speaker_start: int | None = None
    speaker_end: int | None = None
    #: the content clause with references resolved, from the language layer
    proposition: str | None = None
    #: the attribution cue ("said", "according to") and whether it denies its content
    cue: str | None = None
    denial: bool = False
    #: (start, end, referent) of the numbers in the quote, from the language layer
    referents: tuple[tuple[int, int, str], ...] = ()
    #: stretches of the quote that are the sentence's other attributions, claims of their
    #: own ("..., while [Russia said they had succeeded]"): the stance is read without them
    apart: tuple[tuple[int, int], ...] = ()


@dataclass
class StrategyOutput:
    drafts: list[Draft] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    model_s: float = 0.0


class Strategy(Protocol):
    """Turns one article into drafts. ``prompt_version`` is recorded with each claim.

    ``run`` fills the ``output`` it is given as it goes, so that the usage of the calls made
    before an error is still counted when the article fails. ``close`` frees what the
    strategy opened (clients, a model lease); it is not used afterwards.
    """

    @property
    def prompt_version(self) -> str: ...

    @property
    def model(self) -> str: ...

    def run(self, article: Article, output: StrategyOutput) -> None: ...

    def close(self) -> None: ...


def usage_of(completion: Completion) -> Usage:
    """The usage one completion cost (nothing when it came from the cache)."""
    return Usage(
        prompt_tokens=0 if completion.cached else completion.prompt_tokens,
        completion_tokens=0 if completion.cached else completion.completion_tokens,
        requests=0 if completion.cached else completion.requests,
        retries=completion.retries,
        cached=int(completion.cached),
    )
