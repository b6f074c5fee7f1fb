"""The model judge: asked only where code cannot decide, its answer read strictly."""

from __future__ import annotations

from typing import Any

import pytest

from extractor import Relation, compare
from extractor.backends.base import Completion, CompletionRequest
from extractor.backends.openai_backend import OpenAICompletionBackend
from extractor.compare.judge import CompletionJudge

from .test_compare_relations import BABEL, INDEPENDENT, FixedSimilarity, claim
from .test_openai_backend import openai_settings, request_bodies

GREY = FixedSimilarity(0.6)  # linked, but not similar enough for code to be sure


class Scripted:
    """A completion back end that answers from a list and records the prompts."""

    name = "scripted"
    model = "scripted"

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.prompts: list[str] = []

    def complete(self, request: CompletionRequest) -> Completion:
        self.prompts.append(request.prompt)
        return Completion(text=self.answers.pop(0))


def grey_pair() -> list[Any]:
    return [
        claim(BABEL, "The ceasefire in Kursk held overnight.", "Russian officials"),
        claim(INDEPENDENT, "Fighting in Kursk stopped overnight."),
    ]


def test_judge_reads_two_lines_and_ignores_what_a_base_model_runs_on_with() -> None:
    backend = Scripted(" contradiction\nReason: one says fighting went on.\n3. [X] more")
    judge = CompletionJudge(backend, sources={BABEL.id: "Babel"})
    assert judge(grey_pair()) == (Relation.contradiction, "one says fighting went on.")
    (prompt,) = backend.prompts
    assert prompt.endswith("Relation:")
    assert "1. [Babel] Russian officials: The ceasefire in Kursk held overnight." in prompt
    assert f"2. [{INDEPENDENT.id[:12]}] author: Fighting in Kursk stopped overnight." in prompt


@pytest.mark.parametrize(
    "answer", ["", " maybe\nReason: unsure", " agree", " agree\nBecause: same", " yes\n\n"]
)
def test_an_unreadable_answer_abstains_and_is_counted(answer: str) -> None:
    judge = CompletionJudge(Scripted(answer))
    assert judge(grey_pair()) is None
    assert (judge.calls, judge.unreadable) == (1, 1)


def test_abstaining_judge_leaves_the_codes_tentative_decision() -> None:
    judge = CompletionJudge(Scripted(" perhaps"))
    (cluster,) = compare(
        grey_pair(), articles=[BABEL, INDEPENDENT], embedder=GREY, judge=judge
    ).clusters
    assert judge.calls == 1
    assert cluster.decided_by == "code" and "unchecked" in cluster.explanation


def test_unrelated_splits_the_cluster_by_source() -> None:
    judge = CompletionJudge(Scripted(" unrelated\nReason: different events."))
    clusters = compare(grey_pair(), articles=[BABEL, INDEPENDENT], embedder=GREY, judge=judge)
    assert [c.relation for c in clusters.clusters] == [Relation.single_source] * 2
    assert all(c.decided_by == "model" for c in clusters.clusters)


@pytest.mark.cassette
def test_judge_over_a_recorded_server(cassette: Any) -> None:
    judge = CompletionJudge(
        OpenAICompletionBackend(openai_settings()),
        sources={BABEL.id: "Babel", INDEPENDENT.id: "The Independent"},
    )
    pairs = [
        grey_pair(),
        [
            claim(BABEL, "Wheat prices rose by 12 percent last month."),
            claim(INDEPENDENT, "Wheat prices fell by 12 percent last month."),
        ],
    ]
    with cassette("compare_judge"):
        comparisons = [
            compare(p, articles=[BABEL, INDEPENDENT], embedder=GREY, judge=judge) for p in pairs
        ]
    assert judge.calls == 2  # both pairs are beyond what code can decide
    bodies = request_bodies("compare_judge")
    assert len(bodies) == 2 and all("compare" in b or "Relation:" in b for b in bodies)
    assert "Fighting in Kursk stopped overnight." in bodies[0]
    judged = [c for comparison in comparisons for c in comparison.clusters]
    decided = [c for c in judged if c.decided_by == "model"]
    # every readable answer decided its cluster; an unreadable one left the code's decision
    assert bool(decided) == (judge.unreadable < judge.calls)
    for cluster in decided:
        assert cluster.explanation.startswith("judge: ")
