"""The command line: outputs and exit codes (0 ok, 1 some articles failed, 2 usage error)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.cli import main
from extractor.models import Claim

SENTENCE = (
    "The National Intelligence Service of South Korea reported that the DPRK has already "
    "sent 1,500 special forces to Russia."
)


@pytest.fixture
def article_file(tmp_path: Path) -> Path:
    path = tmp_path / "nis.txt"
    path.write_text("---\nsource: Test Wire\npublished: 2024-10-18\n---\n" + SENTENCE + "\n")
    return path


@pytest.mark.model
def test_extract_writes_claims_and_exits_0(
    article_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "claims.jsonl"
    code = main(["extract", str(article_file), "-o", str(out), "--max-candidates", "1"])
    assert code == 0
    claims = [Claim.model_validate_json(line) for line in out.read_text().splitlines()]
    assert claims and claims[0].quote == SENTENCE
    assert "1 articles (1 ok, 0 failed, 0 skipped)" in capsys.readouterr().err


@pytest.mark.model
def test_a_bad_article_gives_exit_1_and_the_rest_is_still_extracted(
    article_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    out = tmp_path / "claims.jsonl"
    results = tmp_path / "results.jsonl"
    code = main(
        ["extract", str(empty), str(article_file), "-o", str(out), "--results", str(results),
         "--max-candidates", "1"]
    )  # fmt: skip
    assert code == 1
    assert out.read_text().strip(), "the good article's claims are written"
    lines = [json.loads(line) for line in results.read_text().splitlines()]
    assert [line["status"] for line in lines] == ["failed", "ok"]
    assert "empty" in capsys.readouterr().err


def test_token_budget_skips_later_articles_with_exit_1(tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("The Pentagon said 10,000 soldiers had arrived in Russia for training.")
    second.write_text("Seoul said 12,000 soldiers would be sent to Russia by December.")
    results = tmp_path / "results.jsonl"
    code = main(
        ["extract", str(first), str(second), "-o", str(tmp_path / "c.jsonl"),
         "--results", str(results), "--max-tokens-per-run", "1", "--max-candidates", "1",
         "--quiet"]
    )  # fmt: skip
    statuses = [json.loads(line)["status"] for line in results.read_text().splitlines()]
    assert statuses == ["ok", "skipped"]
    assert code == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["extract"],  # no paths
        ["extract", "x.txt", "--max-candidates", "0"],  # invalid setting
        ["extract", "x.txt", "--backend", "cloud"],  # not a choice
        ["extract", "x.txt", "--backend", "openai"],  # openai without a base URL
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("The Pentagon said 10,000 soldiers had arrived.")
    import os

    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        with pytest.raises(SystemExit) as exited:
            raise SystemExit(main(argv))
    finally:
        os.chdir(cwd)
    assert exited.value.code == 2


def test_console_script_runs_as_a_module() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "extractor", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert "extract" in done.stdout
