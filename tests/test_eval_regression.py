"""Evaluation regression: claims extracted on a replayed cassette keep their scores.

``cassettes/eval_gold.yaml`` holds the model exchanges of extracting the two gold articles
(``tests/gold/gold.jsonl``) with the ``sentence`` strategy over the OpenAI-compatible back
end. The claims are compared (code only, no judge) and scored; every metric named in
``tests/gold/floors.json`` must stay at or above its floor.

After (re-)recording the cassette, set the floors a hair below what it measures::

    .venv/bin/python scripts/record_cassettes.py -k eval_gold
    .venv/bin/python -m tests.test_eval_regression --write-floors

Raise a floor by hand when a change is meant to improve a metric; never lower one to make
a change pass without saying why in the commit.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest

from extractor import EvalReport, Settings, compare, evaluate, extract, load_gold
from extractor.evaluation.score import load_aliases

from .conftest import RECORDING, ROOT, make_vcr
from .test_openai_backend import openai_settings

pytestmark = pytest.mark.cassette

CASSETTE = "eval_gold"
GOLD = ROOT / "tests" / "gold" / "gold.jsonl"
FLOORS = ROOT / "tests" / "gold" / "floors.json"
#: how far below the measured value --write-floors puts a floor
MARGIN = 0.01
WRITE_FLOORS = ".venv/bin/python -m tests.test_eval_regression --write-floors"


def eval_settings() -> Settings:
    """The settings of the recording, as in tests/test_openai_backend.py."""
    # a llama.cpp server answers one request at a time: one in flight, and patience
    return openai_settings(strategy="sentence", concurrency=1, request_timeout=900.0)


def measure(use_cassette: Callable[[str], AbstractContextManager[Any]]) -> EvalReport:
    """Extract the gold articles on the cassette, compare the claims, and score both."""
    settings = eval_settings()
    gold = load_gold(GOLD, settings)
    articles = list(gold.articles.values())
    with use_cassette(CASSETTE):
        results = list(extract(articles, settings))
    errors = [error.message for result in results for error in result.errors]
    assert not errors, errors
    claims = [claim for result in results for claim in result.claims]
    aliases = load_aliases(ROOT / "tests" / "gold" / "aliases.json")
    return evaluate(gold, claims, compare(claims, articles=articles), aliases=aliases)


def floors_from(report: EvalReport, margin: float = MARGIN) -> dict[str, float]:
    """Each measured metric less ``margin``, rounded down to two decimals (never below 0)."""
    return {
        name: max(0.0, math.floor((value - margin) * 100) / 100)
        for name, value in report.metrics().items()
        if value is not None
    }


def test_eval_gold_metrics_stay_above_their_floors(cassette: Any) -> None:
    report = measure(cassette)
    measured = report.metrics()
    if RECORDING:
        return  # floors are set from the new cassette afterwards: see the module docstring
    floors: dict[str, float] = json.loads(FLOORS.read_text(encoding="utf-8"))
    assert floors, f"no floors in {FLOORS}: run `{WRITE_FLOORS}`"
    unknown = sorted(set(floors) - set(measured))
    assert not unknown, f"unknown metric(s) in {FLOORS}: {unknown}"
    below = {
        name: {"measured": measured[name], "floor": floor}
        for name, floor in floors.items()
        if (value := measured[name]) is None or value < floor
    }
    assert not below, f"metrics below their floors: {below}; all measured: {measured}"


def _write_floors() -> int:
    for name in [n for n in os.environ if n.startswith("EXTRACTOR_")]:
        del os.environ[name]  # as the tests run: no setting from the shell
    if not (ROOT / "cassettes" / f"{CASSETTE}.yaml").is_file():
        print(f"cassettes/{CASSETTE}.yaml is missing: record it first", file=sys.stderr)
        return 1
    report = measure(lambda name: make_vcr().use_cassette(f"{name}.yaml"))
    floors = floors_from(report)
    FLOORS.write_text(json.dumps(floors, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    for name, value in report.metrics().items():
        shown = "–" if value is None else f"{value:.4f}"
        print(f"{name:24} measured {shown:>8}  floor {floors.get(name, '–')}")
    print(f"wrote {FLOORS}")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Set tests/gold/floors.json from the cassette.")
    parser.add_argument("--write-floors", action="store_true", required=True)
    parser.parse_args()
    raise SystemExit(_write_floors())
