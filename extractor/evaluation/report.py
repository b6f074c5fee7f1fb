"""An evaluation's report: the metrics' models and their terminal table (see :mod:`.score`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from rich.table import Table

__all__ = ["Accuracy", "ClaimMatch", "EvalReport", "Score", "render_eval_table"]


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
