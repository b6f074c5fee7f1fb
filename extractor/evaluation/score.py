"""How good are extracted claims and their comparison? Measured against a gold set.

::

    gold = load_gold("tests/gold/gold.jsonl")
    report = evaluate(gold, claims, comparison)
    Console().print(render_eval_table(report))

Only claims of the gold's articles are scored (the others are counted as ``ignored``).
The metrics, each a pure function of its inputs:

``grounding``
    Share of claims whose quote is in their article at their offsets, verbatim or after
    folding whitespace, quote marks, dashes and case
    (:mod:`~extractor.extraction.grounding`). A claim without offsets is looked up in the
    whole article, fuzzy matches not counted.
``claim`` precision / recall / F1
    A gold claim is found when an extracted claim's span overlaps the gold quote's span by
    at least half of the shorter of the two. Matching is one-to-one, greedy by overlap
    (then by overlapping characters), so one extracted sentence never finds two gold
    claims. A claim without offsets is placed where its quote grounds.
``speaker`` / ``quantity`` / ``stance`` accuracy
    On matched pairs whose gold claim says (always for the speaker). Speakers are equal
    after :func:`normalize_speaker` (case, punctuation, a leading "the", titles such as
    President/Mr/Gen., the aliases of a corpus passed as a data file, :func:`load_aliases`),
    or when the shorter name is the last words
    of the longer ("Lopez" = "Maria Lopez" = "union secretary general Maria Lopez"). A
    quantity is right when one of the claim's quantities has the gold value and bounds,
    each within :data:`QUANTITY_TOLERANCE` (relative); an unbounded side must be unbounded.
``cluster_pairs`` precision / recall / F1
    Over pairs of gold claims in one cluster (gold claims in no cluster are alone), with
    extracted claims (and the duplicates merged into them) mapped to gold by the matching.
``relation`` accuracy
    Per gold cluster: the extracted cluster holding most of its matched claims must have
    the gold relation; a gold cluster none of whose claims was found counts as wrong.

A rate whose denominator is zero is ``None`` (undefined), never a made-up 0 or 1; F1 is
``2·tp / (predicted + gold)``, so no claims against some gold is an F1 of 0.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from rich.table import Table

from ..errors import InputError
from ..extraction.grounding import ground, strip_quote
from ..models import Article, Claim, Comparison, MatchKind, Quantity
from .gold import GoldClaim, GoldQuantity, GoldSet

__all__ = [
    "QUANTITY_TOLERANCE",
    "Aliases",
    "load_aliases",
    "make_aliases",
    "Accuracy",
    "ClaimMatch",
    "EvalReport",
    "Matched",
    "Score",
    "cluster_pair_score",
    "evaluate",
    "grounding_rate",
    "match_claims",
    "normalize_speaker",
    "relation_accuracy",
    "render_eval_table",
    "same_quantity",
    "same_speaker",
]

#: least overlap of two spans, as a share of the shorter one, for a claim to find a gold claim
MIN_OVERLAP = 0.5
#: relative tolerance on a quantity's value and bounds
QUANTITY_TOLERANCE = 0.01

#: leading titles dropped from a speaker's name (after lower-casing and removing dots)
_TITLES = frozenset(
    "president mr mrs ms miss dr gen general sir prof professor lt col colonel adm admiral "
    "minister chancellor senator sen rep".split()
)
_POSSESSIVE = re.compile(r"['’]s\b")
_NOT_WORD = re.compile(r"[^\w\s]+")
_DASHES = re.compile(r"[-‐‑‒–—―_]+")


def _tokens(name: str) -> tuple[str, ...]:
    text = unicodedata.normalize("NFKC", name).casefold()
    text = _DASHES.sub(" ", _POSSESSIVE.sub("", text))
    words = _NOT_WORD.sub("", text).split()
    if not words:
        return ()
    if words[:1] == ["the"]:
        words = words[1:]
    while len(words) > 1 and words[0] in _TITLES:
        words = words[1:]
    return tuple(words)


Aliases = Mapping[tuple[str, ...], tuple[str, ...]]


def load_aliases(path: str | Path) -> Aliases:
    """Speaker aliases from a JSON file: ``{"aliases": {canonical: [other names]}}``.

    Aliases belong to a corpus (an agency's acronym, a leader's title), so they live in a
    data file next to its gold set, never in the code.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        table = data["aliases"] if isinstance(data, dict) and "aliases" in data else data
        return make_aliases({str(k): tuple(str(v) for v in vs) for k, vs in table.items()})
    except (OSError, ValueError, AttributeError, TypeError) as exc:
        raise InputError(f"{path}: not a speaker alias file ({exc})") from exc


def make_aliases(table: Mapping[str, Sequence[str]]) -> Aliases:
    """The lookup table of ``{canonical: [other names]}`` (names compared normalised)."""
    return {
        _tokens(variant): _tokens(canonical)
        for canonical, variants in table.items()
        for variant in (canonical, *variants)
        if _tokens(variant)
    }


def normalize_speaker(name: str, aliases: Aliases | None = None) -> str:
    """``name`` folded for comparison, the canonical name for a known alias.

    Lower case; possessive "'s", punctuation, a leading "the" and leading titles
    (President, Mr, Gen., ...) removed; dashes read as spaces. Among the name's trailing
    word runs, the longest one ``aliases`` knows is replaced by its canonical name.
    """
    return " ".join(_canonical(_tokens(name), aliases or {}))


def _canonical(words: tuple[str, ...], aliases: Aliases) -> tuple[str, ...]:
    for i in range(len(words)):
        known = aliases.get(words[i:])
        if known is not None:
            return known
    return words


def same_speaker(a: str, b: str, aliases: Aliases | None = None) -> bool:
    """Whether two speaker names name the same speaker (see :func:`normalize_speaker`)."""
    table = aliases or {}
    x, y = _canonical(_tokens(a), table), _canonical(_tokens(b), table)
    if not x or not y:
        return x == y
    shorter, longer = sorted((x, y), key=len)
    return longer[len(longer) - len(shorter) :] == shorter


def same_quantity(
    gold: GoldQuantity, quantity: Quantity, *, tolerance: float = QUANTITY_TOLERANCE
) -> bool:
    """Whether ``quantity`` states the gold number with the gold bounds (within tolerance).

    An extracted quantity with neither bound is an exact number. ``None`` bounds match
    only ``None`` (unbounded).
    """
    lower, upper = quantity.lower, quantity.upper
    if lower is None and upper is None:
        lower = upper = quantity.value
    return (
        _close(gold.value, quantity.value, tolerance)
        and _close(gold.lower, lower, tolerance)
        and _close(gold.upper, upper, tolerance)
    )


def _close(a: float | None, b: float | None, tolerance: float) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=tolerance, abs_tol=1e-9)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Accuracy(_Model):
    """``correct`` of ``total``; ``value`` is None when ``total`` is 0."""

    correct: int = 0
    total: int = 0
    value: float | None = None

    @classmethod
    def of(cls, correct: int, total: int) -> Accuracy:
        return cls(correct=correct, total=total, value=correct / total if total else None)


class Score(_Model):
    """Precision, recall and F1 of ``matched`` items among ``predicted`` and ``gold`` ones."""

    matched: int = 0
    predicted: int = 0
    gold: int = 0
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None

    @classmethod
    def of(cls, matched: int, predicted: int, gold: int) -> Score:
        return cls(
            matched=matched,
            predicted=predicted,
            gold=gold,
            precision=matched / predicted if predicted else None,
            recall=matched / gold if gold else None,
            f1=2 * matched / (predicted + gold) if predicted + gold else None,
        )


class ClaimMatch(_Model):
    """A gold claim found by an extracted claim, and whether its details are right."""

    gold_id: str
    claim_id: str
    overlap: float = Field(description="Shared characters / length of the shorter span.")
    speaker: bool
    quantity: bool | None = Field(description="None when the gold claim has no quantity.")
    stance: bool | None = Field(description="None when the gold claim has no stance.")


class EvalReport(_Model):
    """Every metric of one evaluation, with the matches behind them."""

    articles: int = Field(description="Articles in the gold set.")
    claims: int = Field(description="Extracted claims scored (those of the gold's articles).")
    ignored: int = Field(default=0, description="Extracted claims of other articles.")
    grounding: Accuracy
    claim: Score
    speaker: Accuracy
    quantity: Accuracy
    stance: Accuracy
    cluster_pairs: Score | None = Field(default=None, description="None without a comparison.")
    relation: Accuracy | None = Field(default=None, description="None without a comparison.")
    matches: list[ClaimMatch] = Field(default_factory=list)
    missed: list[str] = Field(default_factory=list, description="Gold claims not found.")
    unmatched: list[str] = Field(
        default_factory=list, description="Extracted claims that found no gold claim."
    )

    def metrics(self) -> dict[str, float | None]:
        """The headline numbers by name (the keys of ``tests/gold/floors.json``)."""
        pairs, relation = self.cluster_pairs, self.relation
        return {
            "grounding": self.grounding.value,
            "claim_precision": self.claim.precision,
            "claim_recall": self.claim.recall,
            "claim_f1": self.claim.f1,
            "speaker_accuracy": self.speaker.value,
            "quantity_accuracy": self.quantity.value,
            "stance_accuracy": self.stance.value,
            "cluster_pair_precision": pairs.precision if pairs else None,
            "cluster_pair_recall": pairs.recall if pairs else None,
            "cluster_pair_f1": pairs.f1 if pairs else None,
            "relation_accuracy": relation.value if relation else None,
        }


@dataclass(frozen=True)
class Matched:
    """One gold claim and the extracted claim that found it."""

    gold: GoldClaim
    claim: Claim
    overlap: float


def _is_grounded(claim: Claim, text: str) -> bool:
    if claim.start is None or claim.end is None:
        span = ground(claim.quote, text, fuzzy_threshold=100.0)
        return span is not None and span.match is not MatchKind.fuzzy
    if claim.end > len(text):
        return False
    window = strip_quote(text[claim.start : claim.end])
    span = ground(claim.quote, window, fuzzy_threshold=100.0)
    return (
        span is not None
        and span.match is not MatchKind.fuzzy
        and (span.start, span.end) == (0, len(window))
    )


def grounding_rate(claims: Iterable[Claim], articles: Mapping[str, Article]) -> Accuracy:
    """Share of ``claims`` grounded in their article (``articles`` by id; unknown: not)."""
    results = [
        claim.article_id in articles and _is_grounded(claim, articles[claim.article_id].text)
        for claim in claims
    ]
    return Accuracy.of(sum(results), len(results))


def _claim_span(claim: Claim, text: str) -> tuple[int, int] | None:
    if claim.start is not None and claim.end is not None and claim.end <= len(text):
        return claim.start, claim.end
    span = ground(claim.quote, text)
    return (span.start, span.end) if span else None


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> tuple[float, int]:
    shared = min(a[1], b[1]) - max(a[0], b[0])
    if shared <= 0:
        return 0.0, 0
    return shared / min(a[1] - a[0], b[1] - b[0]), shared


def match_claims(gold: GoldSet, claims: Sequence[Claim]) -> list[Matched]:
    """Pair gold claims with extracted ones: one-to-one, greedy by overlap (see the module)."""
    by_id = {article.id: article for article in gold.articles.values()}
    spans: dict[str, list[tuple[int, tuple[int, int]]]] = {}
    for index, claim in enumerate(claims):
        article = by_id.get(claim.article_id)
        span = _claim_span(claim, article.text) if article else None
        if span is not None:
            spans.setdefault(claim.article_id, []).append((index, span))
    candidates: list[tuple[float, int, int, int]] = []
    for g, gold_claim in enumerate(gold.claims):
        gold_span = gold.span(gold_claim)
        for c, span in spans.get(gold.article_of(gold_claim).id, []):
            ratio, shared = _overlap(gold_span, span)
            if ratio >= MIN_OVERLAP:
                candidates.append((-ratio, -shared, g, c))
    candidates.sort()
    used_claims: set[int] = set()
    found: dict[int, Matched] = {}
    for negative_ratio, _, g, c in candidates:
        if g in found or c in used_claims:
            continue
        used_claims.add(c)
        found[g] = Matched(gold.claims[g], claims[c], -negative_ratio)
    return [found[g] for g in sorted(found)]


def _judge(match: Matched, aliases: Aliases) -> ClaimMatch:
    gold, claim = match.gold, match.claim
    quantity = None
    if gold.quantity is not None:
        quantity = any(same_quantity(gold.quantity, q) for q in claim.quantities)
    return ClaimMatch(
        gold_id=gold.id,
        claim_id=claim.id,
        overlap=round(match.overlap, 4),
        speaker=same_speaker(gold.speaker, claim.speaker, aliases),
        quantity=quantity,
        stance=None if gold.stance is None else claim.stance is gold.stance,
    )


def _gold_of(comparison: Comparison, matches: Sequence[Matched]) -> list[list[str]]:
    """Each extracted cluster as the gold ids its claims (and their duplicates) found."""
    gold_id = {m.claim.id: m.gold.id for m in matches}
    clusters = []
    for cluster in comparison.clusters:
        ids = [i for member in cluster.members for i in (member.claim_id, *member.duplicates)]
        clusters.append(list(dict.fromkeys(gold_id[i] for i in ids if i in gold_id)))
    return clusters


def _pairs(groups: Iterable[Iterable[str]]) -> set[frozenset[str]]:
    return {frozenset(pair) for group in groups for pair in combinations(sorted(set(group)), 2)}


def cluster_pair_score(gold: GoldSet, comparison: Comparison, matches: Sequence[Matched]) -> Score:
    """Pairwise precision/recall/F1 of the comparison's clusters against the gold clusters."""
    expected = _pairs(cluster.claims for cluster in gold.clusters)
    predicted = _pairs(_gold_of(comparison, matches))
    return Score.of(len(expected & predicted), len(predicted), len(expected))


def relation_accuracy(
    gold: GoldSet, comparison: Comparison, matches: Sequence[Matched]
) -> Accuracy:
    """Share of gold clusters whose claims landed in an extracted cluster of their relation."""
    found = _gold_of(comparison, matches)
    correct = 0
    for cluster in gold.clusters:
        members = set(cluster.claims)
        votes = [len(members.intersection(ids)) for ids in found]
        if votes and max(votes) > 0:
            best = votes.index(max(votes))  # the first of equally good clusters
            correct += comparison.clusters[best].relation is cluster.relation
    return Accuracy.of(correct, len(gold.clusters))


def evaluate(
    gold: GoldSet,
    claims: Iterable[Claim],
    comparison: Comparison | None = None,
    *,
    aliases: Aliases | None = None,
) -> EvalReport:
    """Score ``claims`` (and ``comparison``, when given) against ``gold``.

    ``aliases`` (:func:`load_aliases`) are the corpus's other names of its speakers.
    """
    ids = {article.id for article in gold.articles.values()}
    every = list(claims)
    scored = [claim for claim in every if claim.article_id in ids]
    by_id = {article.id: article for article in gold.articles.values()}
    matches = match_claims(gold, scored)
    judged = [_judge(m, aliases or {}) for m in matches]
    found = {m.gold_id for m in judged}
    matched_claims = {m.claim_id for m in judged}
    with_quantity = [m.quantity for m in judged if m.quantity is not None]
    with_stance = [m.stance for m in judged if m.stance is not None]
    return EvalReport(
        articles=len(gold.articles),
        claims=len(scored),
        ignored=len(every) - len(scored),
        grounding=grounding_rate(scored, by_id),
        claim=Score.of(len(matches), len(scored), len(gold.claims)),
        speaker=Accuracy.of(sum(m.speaker for m in judged), len(judged)),
        quantity=Accuracy.of(sum(with_quantity), len(with_quantity)),
        stance=Accuracy.of(sum(with_stance), len(with_stance)),
        cluster_pairs=cluster_pair_score(gold, comparison, matches) if comparison else None,
        relation=relation_accuracy(gold, comparison, matches) if comparison else None,
        matches=judged,
        missed=[c.id for c in gold.claims if c.id not in found],
        unmatched=[c.id for c in scored if c.id not in matched_claims],
    )


_ROWS: tuple[tuple[str, str], ...] = (
    ("grounding", "quotes grounded at their offsets"),
    ("claim", "claims found (span overlap >= 50%)"),
    ("speaker", "speaker right, on found claims"),
    ("quantity", "quantity agrees with the parser's rules, on found claims with one"),
    ("stance", "stance right, on found claims with one"),
    ("cluster_pairs", "gold claim pairs clustered together"),
    ("relation", "relation right, per gold cluster"),
)


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def render_eval_table(report: EvalReport) -> Table:
    """A terminal table of the report: one row per metric, with its counts."""
    table = Table(
        title=f"Evaluation: {report.claims} claims on {report.articles} gold articles"
        + (f" ({report.ignored} claims of other articles ignored)" if report.ignored else "")
    )
    table.add_column("Metric")
    table.add_column("Value", justify="right")
    table.add_column("Counts", justify="right")
    for name, label in _ROWS:
        metric = getattr(report, name)
        if metric is None:
            table.add_row(label, "–", "no comparison")
        elif isinstance(metric, Score):
            table.add_row(
                label,
                f"P {_percent(metric.precision)}  R {_percent(metric.recall)}  "
                f"F1 {_percent(metric.f1)}",
                f"{metric.matched} of {metric.predicted} predicted, {metric.gold} gold",
            )
        else:
            table.add_row(label, _percent(metric.value), f"{metric.correct} / {metric.total}")
    return table
