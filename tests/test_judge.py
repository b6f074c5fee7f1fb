"""The model judge: asked only where code cannot decide, its answer read strictly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from extractor import Relation, Usage, compare
from extractor.compare.judge import CompletionJudge
from extractor.llm.base import Completion, CompletionRequest
from extractor.llm.openai_backend import OpenAICompletionBackend

from .test_compare_relations import BABEL, INDEPENDENT, FixedSimilarity, claim
from .test_openai_backend import openai_settings, request_bodies

CASSETTES = Path(__file__).resolve().parent.parent / "cassettes"
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
        return Completion(text=self.answers.pop(0), prompt_tokens=10, completion_tokens=2)


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
    # the recorded model (gemma-3-270m) answered "disagree", which is not a relation the
    # prompt offers: the judge abstained both times and the code's decisions stood
    assert (judge.readable, judge.decisive, judge.unreadable) == (0, 0, 2)
    judged = [c for comparison in comparisons for c in comparison.clusters]
    assert [(c.relation, c.decided_by) for c in judged] == [(Relation.agree, "code")] * 2
    assert all("unchecked" in c.explanation for c in judged)
    assert "opposite wording" in judged[1].explanation
    # what the judge's two requests cost, as the server reported it
    assert judge.usage == Usage(prompt_tokens=269 + 277, completion_tokens=12 + 18, requests=2)


def recorded_answers(name: str) -> list[str]:
    """The completion texts a cassette's server answered, in order."""
    cassette = yaml.safe_load((CASSETTES / f"{name}.yaml").read_text(encoding="utf-8"))
    bodies = [json.loads(i["response"]["body"]["string"]) for i in cassette["interactions"]]
    return [body["choices"][0]["text"] for body in bodies]


def test_the_recorded_answers_are_read_as_abstentions() -> None:
    answers = recorded_answers("compare_judge")
    assert [a.split("\n")[0].strip() for a in answers] == ["disagree", "disagree"]
    judge = CompletionJudge(Scripted(*answers))
    assert [judge(grey_pair()) for _ in answers] == [None, None]
    assert (judge.calls, judge.readable, judge.unreadable) == (2, 0, 2)


def test_the_judge_counts_readable_and_decisive_answers_and_usage() -> None:
    backend = Scripted(
        " agree\nReason: both say so.",
        " unrelated\nReason: two events.",
        " disagree\nReason: no.",
    )
    judge = CompletionJudge(backend)
    verdicts = [judge(grey_pair()) for _ in range(3)]
    assert verdicts[0] == (Relation.agree, "both say so.")
    assert verdicts[1] == (Relation.single_source, "two events.")
    assert verdicts[2] is None
    assert (judge.calls, judge.readable, judge.decisive, judge.unreadable) == (3, 2, 1, 1)
    assert (judge.usage.prompt_tokens, judge.usage.completion_tokens) == (30, 6)
    assert judge.usage.requests == 3


class _Closable:
    name = "stub"
    model = "stub-model"

    def __init__(self) -> None:
        self.closed = 0

    def complete(self, request: object) -> object:  # pragma: no cover - never asked here
        raise AssertionError("not asked")

    def close(self) -> None:
        self.closed += 1


def test_a_judge_closes_the_back_end_it_made_and_leaves_a_passed_one() -> None:
    made, passed = _Closable(), _Closable()
    with CompletionJudge(made, owns_backend=True):  # type: ignore[arg-type]
        pass
    judge = CompletionJudge(passed)  # type: ignore[arg-type]
    judge.close()
    judge.close()
    assert (made.closed, passed.closed) == (1, 0)


def test_a_cluster_is_unchecked_only_while_nothing_decided_its_relation() -> None:
    """Code unsure and no judge (or one that abstains): unchecked; the judge's readable
    verdict or code's own numbers: checked."""
    (alone,) = compare(grey_pair(), articles=[BABEL, INDEPENDENT], embedder=GREY).clusters
    assert alone.relation is Relation.agree and not alone.checked
    abstained = CompletionJudge(Scripted(" perhaps"))
    (left,) = compare(
        grey_pair(), articles=[BABEL, INDEPENDENT], embedder=GREY, judge=abstained
    ).clusters
    assert not left.checked
    agreed = CompletionJudge(Scripted(" agree\nReason: both say the fighting stopped."))
    (judged,) = compare(
        grey_pair(), articles=[BABEL, INDEPENDENT], embedder=GREY, judge=agreed
    ).clusters
    assert judged.checked and judged.decided_by == "model"
    numbers = [
        claim(BABEL, "Pyongyang sent 12,000 troops to Russia.", "NIS"),
        claim(INDEPENDENT, "Pyongyang sent 10,000 troops to Russia."),
    ]
    (counted,) = compare(numbers, articles=[BABEL, INDEPENDENT], embedder=GREY).clusters
    assert counted.relation is Relation.numeric_discrepancy and counted.checked
    assert "(unchecked)" not in str(counted.explanation)
