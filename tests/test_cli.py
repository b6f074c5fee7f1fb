"""The command line: outputs and exit codes (0 ok, 1 some articles failed, 2 usage error)."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.cli import main
from extractor.models import Claim
from extractor.testing import FakeCompletionServer, serving

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


# -- outputs that cannot be written: exit 2, a clear message, nothing already written lost ----


def _extract_argv(url: str, *paths: Path) -> list[str]:
    return ["extract", *map(str, paths), "--base-url", url, "--model", "fake",
            "--strategy", "sentence", "--concurrency", "1", "--quiet"]  # fmt: skip


def test_a_full_disk_while_extracting_is_exit_2_and_keeps_what_was_written(
    article_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "results.jsonl"
    with FakeCompletionServer().running() as url:
        argv = [*_extract_argv(url, article_file), "--results", str(results)]
        assert main([*argv, "-o", str(tmp_path / "claims.jsonl")]) == 0
        capsys.readouterr()
        written = results.read_text()
        assert written
        # claims to a full device: the first article's write fails
        code = main([*argv, "-o", "/dev/full"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "cannot write /dev/full: No space left on device" in err
    assert "Traceback" not in err
    assert "1 articles (1 ok" in err, "the summary says how far it got"


@pytest.mark.parametrize("command", ["report", "compare"])
def test_a_failed_write_of_a_whole_output_leaves_the_old_file(
    command: str,
    article_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    results = tmp_path / "results.jsonl"
    with FakeCompletionServer().running() as url:
        assert main([*_extract_argv(url, article_file), "--results", str(results)]) == 0
    output = tmp_path / "out" / "existing"
    output.parent.mkdir()
    output.write_text("the older output\n")
    argv = {
        "report": ["report", "--results", str(results), "-o", str(output)],
        "compare": ["compare", str(results), "--no-judge", "--no-table", "-o", str(output)],
    }[command]
    capsys.readouterr()

    def full_disk(source: object, target: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", full_disk)
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"cannot write {output}: No space left on device" in err
    assert "Traceback" not in err
    assert output.read_text() == "the older output\n"
    assert [p.name for p in output.parent.iterdir()] == ["existing"], "a temporary was left"


def test_an_output_that_is_a_directory_is_exit_2(
    article_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "claims.jsonl").mkdir()
    with FakeCompletionServer().running() as url:
        code = main([*_extract_argv(url, article_file), "-o", str(tmp_path / "claims.jsonl")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"cannot write {tmp_path / 'claims.jsonl'}: Is a directory" in err


def test_the_judge_is_asked_by_default_only_of_a_served_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On the gold set the embedded model's verdicts undid right decisions of code's (README):
    unset, the judge is on for a served model and off for the embedded one."""
    from extractor import Settings

    for name in ("EXTRACTOR_JUDGE", "EXTRACTOR_BASE_URL", "EXTRACTOR_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    assert not Settings().use_judge
    assert Settings(base_url="http://127.0.0.1:1/v1").use_judge
    assert Settings(judge=True).use_judge
    assert not Settings(base_url="http://127.0.0.1:1/v1", judge=False).use_judge
    monkeypatch.setenv("EXTRACTOR_JUDGE", "true")
    assert Settings().use_judge


def test_compare_on_the_embedded_model_makes_no_judge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from extractor.compare.judge import CompletionJudge
    from extractor.models import Article, ArticleResult

    for name in ("EXTRACTOR_JUDGE", "EXTRACTOR_BASE_URL", "EXTRACTOR_BACKEND"):
        monkeypatch.delenv(name, raising=False)

    def refuse(*args: object, **kwargs: object) -> CompletionJudge:
        raise AssertionError("a judge was made")

    monkeypatch.setattr(CompletionJudge, "from_settings", refuse)
    article = Article.from_text("Officials said 20 ships left the port.", source="Wire")
    claim = Claim(article_id=article.id, text=article.text, quote=article.text)
    results = tmp_path / "results.jsonl"
    results.write_text(ArticleResult(article=article, claims=[claim]).model_dump_json() + "\n")
    out = tmp_path / "comparison.json"
    assert main(["compare", str(results), "-o", str(out), "--no-table"]) == 0
    with pytest.raises(AssertionError, match="a judge was made"):
        main(["compare", str(results), "-o", str(out), "--no-table", "--judge"])


# -- cases a review found (each failed before its fix) ----------------------------------


def test_a_run_that_fails_before_its_first_result_leaves_the_older_output(
    article_file: Path, tmp_path: Path
) -> None:
    """A missing model is a configuration error (exit 2), found before anything is written:
    the claims of the previous run are still there."""
    out = tmp_path / "claims.jsonl"
    out.write_text('{"older": "claims"}\n')
    missing = tmp_path / "missing.gguf"
    assert main(["extract", str(article_file), "-o", str(out), "--model-path", str(missing)]) == 2
    assert out.read_text() == '{"older": "claims"}\n'


@pytest.mark.parametrize("inside", [False, True])
def test_an_output_that_is_or_would_be_read_as_an_input_is_refused(
    tmp_path: Path, inside: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = tmp_path / "feed" / "wire.jsonl"
    feed.parent.mkdir()
    text = '{"text": "The mayor of Tessel said the bridge will reopen in May.", "source": "A"}\n'
    feed.write_text(text)
    given, out = (feed.parent, feed.parent / "claims.jsonl") if inside else (feed, feed)
    assert main(["extract", str(given), "-o", str(out)]) == 2
    assert "would overwrite the input" in capsys.readouterr().err
    assert feed.read_text() == text, "the input is untouched"
    assert not (feed.parent / "claims.jsonl").exists() or not inside


def test_an_unreadable_environment_setting_is_exit_2_without_a_traceback(
    article_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("EXTRACTOR_EXTRA_HEADERS", "not json")
    assert main(["extract", str(article_file), "-o", str(tmp_path / "c.jsonl")]) == 2
    err = capsys.readouterr().err
    assert "invalid settings in the environment" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'\n{"quote": "caf\xe9"}\n', ":2: not UTF-8 (byte 14 of the line is 0xe9)"),
        (b"[" * 100_000 + b"]" * 100_000 + b"\n", ":1: JSON nested too deeply"),
    ],
)
def test_a_claims_file_that_cannot_be_read_is_exit_2_naming_its_line(
    tmp_path: Path, content: bytes, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    claims = tmp_path / "claims.jsonl"
    claims.write_bytes(content)
    assert main(["compare", str(claims), "-o", str(tmp_path / "c.json")]) == 2
    err = capsys.readouterr().err
    assert f"{claims}{message}" in err and "Traceback" not in err


def test_a_mistyped_environment_variable_is_warned_about(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """EXTRACTOR_BASEURL is read by nobody: the run would quietly use the local model."""
    monkeypatch.setenv("EXTRACTOR_BASEURL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("EXTRACTOR_EXTRA_HEADERS__X_TEAM", "news")  # a nested field: fine
    assert main(["changes", "--store", str(tmp_path / "none.sqlite")]) == 2
    err = capsys.readouterr().err
    assert (
        "warning: the environment variable EXTRACTOR_BASEURL names no setting; did you mean "
        "EXTRACTOR_BASE_URL?"
    ) in err
    assert "EXTRA_HEADERS" not in err


def _another_article(article_file: Path, tmp_path: Path) -> Path:
    """A second article (another outlet: a copy of the same one is read once)."""
    second = tmp_path / "second.txt"
    second.write_text(article_file.read_text().replace("Test Wire", "Other Wire"))
    return second


def test_an_unknown_prompt_template_is_exit_2_before_any_article(
    article_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """Not one failed article per input: no article could succeed."""
    monkeypatch.setenv("EXTRACTOR_SENTENCE_PROMPT", "nope.v1")
    second = _another_article(article_file, tmp_path)
    assert main(["extract", str(article_file), str(second), "-o", str(tmp_path / "c.jsonl")]) == 2
    err = capsys.readouterr().err
    assert err.count("the prompt 'nope.v1' names no template") == 1
    # a prompt the run does not ask with is no error (the article strategy's, here)
    monkeypatch.delenv("EXTRACTOR_SENTENCE_PROMPT")
    monkeypatch.setenv("EXTRACTOR_ARTICLE_PROMPT", "nope.v1")
    with serving(FakeCompletionServer()) as url:
        argv = ["extract", str(article_file), "-o", str(tmp_path / "c.jsonl"), "--base-url", url,
                "--model", "fake", "--strategy", "sentence"]  # fmt: skip
        assert main(argv) == 0


def test_a_claims_file_with_bare_carriage_returns_is_read_a_line_at_a_time(
    tmp_path: Path,
) -> None:
    """Lines ended by "\\r" (old Mac files) were read as text mode reads them; reading the
    bytes a line at a time must not make them one line."""
    from extractor import read_claims

    claims = [
        Claim(article_id="a", text="The Tessel bridge reopened.", quote="It reopened."),
        Claim(article_id="a", text="Norland's talks failed.", quote="They failed."),
    ]
    path = tmp_path / "claims.jsonl"
    path.write_bytes(b"\r".join(c.model_dump_json().encode() for c in claims) + b"\r")
    assert [c.quote for c in read_claims(path).claims] == ["It reopened.", "They failed."]


def test_inputs_that_hold_no_article_are_warned_about(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder of files no reader takes gives "0 articles" and exit 0; say why."""
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "story.md").write_text("The mayor of Tessel said the bridge will reopen.\n")
    assert main(["extract", str(folder), "-o", str(tmp_path / "c.jsonl")]) == 0
    err = capsys.readouterr().err
    assert "warning: the inputs hold no article (read: .htm, .html, .jsonl, .text, .txt)" in err


def test_a_spacy_pipeline_that_is_not_installed_ends_the_run_with_exit_2(
    article_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """It fails every article alike: said once, not once per article."""
    monkeypatch.setenv("EXTRACTOR_SPACY_PIPELINE", "xx_no_such_pipeline")
    second = _another_article(article_file, tmp_path)
    with serving(FakeCompletionServer()) as url:
        argv = ["extract", str(article_file), str(second), "-o", str(tmp_path / "c.jsonl"),
                "--base-url", url, "--model", "fake", "--strategy", "sentence"]  # fmt: skip
        assert main(argv) == 2
    assert capsys.readouterr().err.count("'xx_no_such_pipeline' is not installed") == 1


def test_an_articles_side_file_takes_a_timestamp_for_its_day(tmp_path: Path) -> None:
    """As article ingest does: "2024-10-23T10:00:00Z" is published on 2024-10-23."""
    from datetime import date

    from extractor import load_articles_metadata

    side = tmp_path / "articles.jsonl"
    lines = [
        '{"id": "a1", "source": "Wire A", "published": "2024-10-23T10:00:00Z"}',
        '{"id": "a2", "source": "Wire A", "published": "20241023"}',
        '{"id": "a3", "source": "Wire A", "published": "2024-10-23"}',
    ]
    side.write_text("\n".join(lines) + "\n")
    found = load_articles_metadata(side)
    assert {found[k].published for k in ("a1", "a2", "a3")} == {date(2024, 10, 23)}
