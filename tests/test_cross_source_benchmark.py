"""Tests of benchmarks/cross_source.py's own parts on made-up tokens (the ECB+ data is read
only by the benchmark itself, never by the tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .benchmark_scripts import load_benchmark

cs = load_benchmark("cross_source")


@pytest.fixture(scope="module")
def nlp() -> Any:
    from extractor.language import load_pipeline

    return load_pipeline()


def test_each_sentence_gets_the_proposition_its_document_gives_it(nlp: Any) -> None:
    tokens = {
        ("d1", 0): "The Pentland officials said on Friday they had seized 23 boats .".split(),
        ("d1", 1): "The boats were taken to port .".split(),
        ("d2", 0): "A storm hit the coast .".split(),
    }
    stated = cs._propositions(tokens, "d1", nlp)
    assert stated == {
        0: "On Friday the Pentland officials had seized 23 boats.",
        1: "The boats were taken to port.",
    }
    sentence = cs.Sentence("d1", "1ecb", "x", frozenset({"c1"}), "c1", stated[0])
    [claim], _ = cs._claims([sentence], propositions=True)
    assert claim.proposition == stated[0]
    [claim], _ = cs._claims([sentence])
    assert claim.proposition is None


def test_the_benchmark_stops_with_a_clear_message_without_its_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cs.main(["--data", str(tmp_path)]) == 2
    assert "no ECB+ data" in capsys.readouterr().err
