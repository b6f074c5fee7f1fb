"""Scheduled runs: incremental extraction, the cache, exit codes, locks and kill -9.

The model is :class:`extractor.testing.FakeCompletionServer`, a local OpenAI-compatible
server that answers at once and counts its requests: these tests are about what the run
remembers.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from filelock import FileLock

from extractor.cli import main
from extractor.errors import ConfigError
from extractor.io.output import write_file
from extractor.llm import prompts
from extractor.models import Claim, Comparison
from extractor.runs import scheduled as run_module
from extractor.runs.jobs import load_job
from extractor.runs.scheduled import CLAIM_SETTINGS, extraction_fingerprint, plan_job, run_job
from extractor.runs.store import Store
from extractor.settings import Settings
from extractor.testing import FakeCompletionServer, serving

from .conftest import ROOT
from .corpus import article_text, articles_done, sentence_settings, write_corpus, write_job

ARTICLES = 4
SENTENCES = 3  # candidate sentences per corpus article


@pytest.fixture
def server() -> Iterator[tuple[FakeCompletionServer, str]]:
    fake = FakeCompletionServer()
    with serving(fake) as url:
        yield fake, url


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    write_corpus(tmp_path / "corpus", ARTICLES)
    return tmp_path / "corpus"


def _job(tmp_path: Path, corpus: Path, url: str, **overrides: object) -> Path:
    return write_job(
        tmp_path / "job.toml",
        inputs=[corpus],
        store=tmp_path / "state" / "store.sqlite",
        settings=sentence_settings(url, **overrides),
    )


def _claims(tmp_path: Path) -> list[Claim]:
    with Store(tmp_path / "state" / "store.sqlite", readonly=True) as store:
        return store.claims()


def test_a_second_run_over_the_same_corpus_makes_no_model_call(
    tmp_path: Path,
    corpus: Path,
    server: tuple[FakeCompletionServer, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake, url = server
    job = _job(tmp_path, corpus, url)
    assert main(["run", str(job)]) == 0
    first = json.loads(capsys.readouterr().out)
    assert fake.requests == ARTICLES * SENTENCES
    assert first["summary"]["ok"] == ARTICLES
    assert first["summary"]["usage"]["requests"] == ARTICLES * SENTENCES
    assert first["claims_in_store"] == ARTICLES * SENTENCES
    assert first["compared"] is True

    assert main(["run", str(job)]) == 0
    second = json.loads(capsys.readouterr().out.strip())  # ONE JSON line
    assert fake.requests == ARTICLES * SENTENCES, "the rerun called the model"
    assert second["already_done"] == ARTICLES
    assert second["summary"]["articles"] == 0
    assert second["summary"]["usage"]["requests"] == 0
    assert second["claims_in_store"] == ARTICLES * SENTENCES
    assert second["compared"] is False  # nothing changed: the latest comparison stands

    out = tmp_path / "out"
    lines = (out / "claims.jsonl").read_text().splitlines()
    assert len(lines) == ARTICLES * SENTENCES
    assert [Claim.model_validate_json(line) for line in lines] == _claims(tmp_path)
    Comparison.model_validate_json((out / "comparison.json").read_text())
    with Store(tmp_path / "state" / "store.sqlite", readonly=True) as store:
        runs = store.runs()
    assert [r.status for r in runs] == ["ok", "ok"]
    assert runs[1].summary is not None and runs[1].summary.usage.requests == 0


def test_settings_that_change_no_request_are_answered_from_the_cache(
    tmp_path: Path, corpus: Path, server: tuple[FakeCompletionServer, str]
) -> None:
    fake, url = server
    first = run_job(load_job(_job(tmp_path, corpus, url)))
    claims = _claims(tmp_path)
    # more re-asks allowed: a new fingerprint, so every article is extracted again, but
    # every request is one the cache has seen
    again = run_job(load_job(_job(tmp_path, corpus, url, max_reasks=3)))
    assert again.fingerprint != first.fingerprint
    assert again.summary.ok == ARTICLES
    assert again.summary.usage.requests == 0
    assert again.summary.usage.cached == ARTICLES * SENTENCES
    assert fake.requests == ARTICLES * SENTENCES
    assert _claims(tmp_path) == claims, "re-extraction replaced the claims, no duplicates"


#: the sentence prompt a run uses by default, and a new version of it the tests write
DEFAULT_PROMPT = Settings().sentence_prompt
NEW_PROMPT = DEFAULT_PROMPT.rsplit(".v", 1)[0] + ".v99"


@pytest.fixture
def prompt_v2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A prompts directory with the shipped templates and a changed copy of the default
    sentence prompt under a new version."""
    directory = tmp_path / "prompts"
    directory.mkdir()
    for template in (ROOT / "prompts").glob("*.jinja"):
        (directory / template.name).write_text(template.read_text("utf-8"), "utf-8")
    shipped = (ROOT / "prompts" / f"{DEFAULT_PROMPT}.jinja").read_text("utf-8")
    changed = "Read the sentence below carefully.\n" + shipped
    (directory / f"{NEW_PROMPT}.jinja").write_text(changed, "utf-8")
    monkeypatch.setattr(prompts, "prompt_dir", lambda: directory)
    prompts._environment.cache_clear()  # the Jinja environment is built once per directory
    yield NEW_PROMPT
    prompts._environment.cache_clear()


def test_a_new_prompt_version_re_extracts_every_article_once(
    tmp_path: Path, corpus: Path, server: tuple[FakeCompletionServer, str], prompt_v2: str
) -> None:
    fake, url = server
    run_job(load_job(_job(tmp_path, corpus, url)))
    assert fake.requests == ARTICLES * SENTENCES
    result = run_job(load_job(_job(tmp_path, corpus, url, sentence_prompt=prompt_v2)))
    assert fake.requests == 2 * ARTICLES * SENTENCES, "every prompt changed: no cache hit"
    assert result.summary.ok == ARTICLES and result.summary.usage.cached == 0
    claims = _claims(tmp_path)
    assert len(claims) == ARTICLES * SENTENCES, "no claim duplicated"
    assert {c.prompt_version for c in claims} == {prompt_v2}
    # back to v1: extracted again (its claims were replaced), all from the cache
    back = run_job(load_job(_job(tmp_path, corpus, url)))
    assert back.summary.ok == ARTICLES and back.summary.usage.requests == 0
    assert fake.requests == 2 * ARTICLES * SENTENCES
    assert {c.prompt_version for c in _claims(tmp_path)} == {DEFAULT_PROMPT}


def test_a_new_article_or_model_re_extracts_only_what_it_affects(
    tmp_path: Path, corpus: Path, server: tuple[FakeCompletionServer, str]
) -> None:
    fake, url = server
    run_job(load_job(_job(tmp_path, corpus, url)))
    (corpus / "new.txt").write_text("---\nsource: Wire C\n---\n" + article_text(9) + "\n")
    added = run_job(load_job(_job(tmp_path, corpus, url)))
    assert (added.already_done, added.summary.ok) == (ARTICLES, 1)
    assert fake.requests == (ARTICLES + 1) * SENTENCES

    other = run_job(load_job(_job(tmp_path, corpus, url, model="fake-gemma-2")))
    assert other.summary.ok == ARTICLES + 1
    assert fake.requests == 2 * (ARTICLES + 1) * SENTENCES
    claims = _claims(tmp_path)
    assert len(claims) == (ARTICLES + 1) * SENTENCES
    assert {c.model for c in claims} == {"fake-gemma-2"}


def test_the_fingerprint_ignores_settings_that_do_not_change_claims() -> None:
    base = Settings(backend="openai", base_url="http://a/v1", model="m", strategy="sentence")
    same = base.model_copy(update={"base_url": "http://b/v1", "request_timeout": 5.0})
    assert extraction_fingerprint(same) == extraction_fingerprint(base)
    for change in ({"model": "n"}, {"sentence_prompt": "x.v2"}, {"seed": 1}):
        assert extraction_fingerprint(base.model_copy(update=change)) != extraction_fingerprint(
            base
        ), change


def test_dry_run_lists_what_would_be_extracted(
    tmp_path: Path,
    corpus: Path,
    server: tuple[FakeCompletionServer, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake, url = server
    job = _job(tmp_path, corpus, url)
    assert main(["run", str(job), "--dry-run"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["status"] == "dry_run"
    assert len(plan["pending"]) == ARTICLES
    assert not (tmp_path / "state" / "store.sqlite").exists(), "a dry run creates nothing"
    assert fake.requests == 0
    run_job(load_job(job))
    assert plan_job(load_job(job)).pending == []


def test_flags_replace_the_job_file(
    tmp_path: Path,
    corpus: Path,
    server: tuple[FakeCompletionServer, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, url = server
    monkeypatch.setenv("EXTRACTOR_JUDGE", "false")
    store, out = tmp_path / "s.sqlite", tmp_path / "flags-out"
    argv = ["run", "--store", str(store), "--output-dir", str(out), str(corpus),
            "--backend", "openai", "--strategy", "sentence", "--base-url", url,
            "--model", "fake-gemma", "--embedder", "lexical"]  # fmt: skip
    assert main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["summary"]["ok"] == ARTICLES
    assert set(result["outputs"]) == {"claims", "comparison", "report"}
    assert (out / "claims.jsonl").is_file() and (out / "comparison.json").is_file()


def test_an_unreadable_input_is_a_partial_failure_recorded_in_the_store(
    tmp_path: Path,
    corpus: Path,
    server: tuple[FakeCompletionServer, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, url = server
    (corpus / "empty.txt").write_text("")
    assert main(["run", str(_job(tmp_path, corpus, url))]) == 1
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert result["status"] == "partial" and result["summary"]["failed"] == 1
    assert "empty.txt" in captured.err
    with Store(tmp_path / "state" / "store.sqlite", readonly=True) as store:
        errors = store.errors(result["run_id"])
        assert [e.error.kind for e in errors] == ["input"]
        assert store.runs()[-1].status == "partial"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('inputs = ["x"]\n', "no store"),
        ('store = "s.sqlite"\n', "no inputs"),
        ('inputs = ["x"]\nstore = "s.sqlite"\ncolour = "red"\n', "colour"),
        ('inputs = ["x"]\nstore = "s.sqlite"\n[settings]\nmax_candidates = 0\n', "max_candidates"),
        ("inputs = [\n", "not valid TOML"),
    ],
)
def test_a_bad_job_file_is_a_config_error_with_exit_2(
    tmp_path: Path, text: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    job = tmp_path / "job.toml"
    job.write_text(text)
    assert main(["run", str(job)]) == 2
    assert message in capsys.readouterr().err


def test_a_held_lock_gives_exit_3(
    tmp_path: Path,
    corpus: Path,
    server: tuple[FakeCompletionServer, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake, url = server
    job = _job(tmp_path, corpus, url)
    lock_path = tmp_path / "state" / "store.sqlite.lock"
    lock_path.parent.mkdir(parents=True)
    with FileLock(lock_path):
        assert main(["run", str(job)]) == 3
    assert "another extractor run" in capsys.readouterr().err
    assert fake.requests == 0
    assert main(["run", str(job)]) == 0, "the lock is free again"


@pytest.mark.slow
def test_a_run_killed_mid_way_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    articles = 8
    write_corpus(tmp_path / "corpus", articles)
    fake = FakeCompletionServer(latency=0.1)  # about a third of a second per article
    store = tmp_path / "state" / "store.sqlite"
    with serving(fake) as url:
        job = write_job(
            tmp_path / "job.toml",
            inputs=[tmp_path / "corpus"],
            store=store,
            settings=sentence_settings(url),
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "extractor", "run", str(job)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 120
        while articles_done(store) == 0:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "no article was committed in time"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait()
        if process.stderr:
            process.stderr.close()

        with Store(store) as opened:  # what survived the kill
            committed = set(opened.done())
            before = {c.id: c for c in opened.claims()}
        assert 0 < len(committed) < articles, "the kill came too late to test anything"
        committed_sentences = {c.quote for c in before.values()}
        asked_before = len(fake.sentences)

        result = run_job(load_job(job))

    assert result.already_done == len(committed)
    assert result.summary.ok == articles - len(committed)
    rerun_asked = fake.sentences[asked_before:]
    assert not committed_sentences & set(rerun_asked), "a committed article was asked again"
    with Store(store, readonly=True) as opened:
        assert len(opened.done()) == articles
        claims = opened.claims()
        assert [r.status for r in opened.runs()] == ["interrupted", "ok"]
    assert len(claims) == articles * SENTENCES
    assert len({c.id for c in claims}) == len(claims), "a claim was duplicated"
    assert {c.id: c for c in claims if c.article_id in committed} == before, "a claim was lost"


def test_the_example_job_file_loads() -> None:
    job = load_job(ROOT / "deploy" / "job.example.toml")
    assert job.store == Path("/var/lib/extractor/extractor.sqlite")
    assert job.settings.resolved_strategy == "sentence"
    assert set(job.outputs.paths()) == {"claims", "comparison", "report"}


def test_every_setting_is_classified_for_the_fingerprint() -> None:
    unclassified = set(Settings.model_fields) - set(CLAIM_SETTINGS)
    assert not unclassified, f"classify these Settings fields in run.CLAIM_SETTINGS: {unclassified}"
    stale = set(CLAIM_SETTINGS) - set(Settings.model_fields)
    assert not stale, f"run.CLAIM_SETTINGS classifies settings that do not exist: {stale}"


@pytest.mark.parametrize(
    ("strategy", "change"),
    [
        ("article", {"constrain_quotes": True}),
        ("article", {"response_format_schema": False}),
        ("article", {"chunk_tokens": 900}),
        ("sentence", {"min_checkworthy": 0.5}),
        ("sentence", {"max_output_tokens": 64}),
        ("sentence", {"fuzzy_threshold": 95.0}),
    ],
)
def test_settings_that_decide_claims_change_the_fingerprint(
    strategy: str, change: dict[str, object]
) -> None:
    base = Settings(backend="openai", base_url="http://a/v1", model="m", strategy=strategy)
    assert extraction_fingerprint(base.model_copy(update=change)) != extraction_fingerprint(base)


def test_settings_of_the_other_strategy_leave_the_fingerprint_alone() -> None:
    base = Settings(backend="openai", base_url="http://a/v1", model="m", strategy="sentence")
    for change in ({"constrain_quotes": True}, {"chunk_tokens": 900}, {"judge": False}):
        assert extraction_fingerprint(base.model_copy(update=change)) == extraction_fingerprint(
            base
        ), change


def test_an_edited_prompt_template_changes_the_fingerprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(backend="openai", base_url="http://a/v1", model="m", strategy="sentence")
    before = extraction_fingerprint(settings)
    directory = tmp_path / "prompts"
    directory.mkdir()
    for template in (ROOT / "prompts").glob("*.jinja"):
        (directory / template.name).write_text(template.read_text("utf-8"), "utf-8")
    monkeypatch.setattr(prompts, "prompt_dir", lambda: directory)
    assert extraction_fingerprint(settings) == before, "same content, same fingerprint"
    template = directory / f"{DEFAULT_PROMPT}.jinja"
    template.write_text(template.read_text("utf-8") + "\nBe brief.", "utf-8")
    assert extraction_fingerprint(settings) != before, "same name, other content"


# -- pruning -----------------------------------------------------------------------------------


def test_prune_removes_the_articles_whose_input_is_gone(
    tmp_path: Path,
    corpus: Path,
    server: tuple[FakeCompletionServer, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake, url = server
    job = _job(tmp_path, corpus, url)
    assert main(["run", str(job)]) == 0
    gone = corpus / "article_01.txt"
    gone_id = next(c.article_id for c in _claims(tmp_path) if "Estavia" in c.quote)
    gone.unlink()
    capsys.readouterr()

    assert main(["run", str(job)]) == 0  # without --prune the store keeps it
    assert json.loads(capsys.readouterr().out)["pruned"] == []
    assert len(_claims(tmp_path)) == ARTICLES * SENTENCES

    assert main(["run", str(job), "--dry-run", "--prune"]) == 0
    planned = json.loads(capsys.readouterr().out)["pruned"]
    assert [(p["id"], p["claims"]) for p in planned] == [(gone_id, SENTENCES)]
    assert len(_claims(tmp_path)) == ARTICLES * SENTENCES, "a dry run removes nothing"

    assert main(["run", str(job), "--prune"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["pruned"] == [
        {"id": gone_id, "source": "Wire B", "origin": str(gone), "claims": SENTENCES}
    ]
    assert result["compared"] is True
    claims = _claims(tmp_path)
    assert len(claims) == (ARTICLES - 1) * SENTENCES
    assert gone_id not in {c.article_id for c in claims}
    written = (tmp_path / "out" / "claims.jsonl").read_text().splitlines()
    assert len(written) == (ARTICLES - 1) * SENTENCES
    assert gone_id not in (tmp_path / "out" / "comparison.json").read_text()
    assert fake.requests == ARTICLES * SENTENCES, "pruning asks the model nothing"


def test_prune_keeps_the_articles_of_an_input_that_cannot_be_read(
    tmp_path: Path, server: tuple[FakeCompletionServer, str]
) -> None:
    _, url = server
    first, second = tmp_path / "first", tmp_path / "second"
    write_corpus(first, 2)
    second.mkdir()
    (second / "other.txt").write_text("---\nsource: Wire C\n---\n" + article_text(7) + "\n")
    job = write_job(
        tmp_path / "job.toml",
        inputs=[first, second],
        store=tmp_path / "state" / "store.sqlite",
        settings=sentence_settings(url),
    )
    run_job(load_job(job))
    (second / "other.txt").rename(tmp_path / "moved.txt")
    second.rmdir()  # the whole input is missing (a mount that is gone, say)
    result = run_job(load_job(job, prune=True))
    assert result.pruned == []
    assert result.status == "partial"  # the missing input is an error
    assert len(_claims(tmp_path)) == 3 * SENTENCES

    job_text = job.read_text().replace("prune = false", "prune = true")
    job.write_text(job_text.replace(json.dumps(str(second)), json.dumps(str(first))))
    assert load_job(job).prune is True
    result = run_job(load_job(job))  # the job file asks for it; the input is read again
    assert [p.source for p in result.pruned] == ["Wire C"]
    assert len(_claims(tmp_path)) == 2 * SENTENCES


# -- what a run refuses before it asks the model ------------------------------------------------


def _reorder_rows(path: Path, table: str) -> None:
    """Reverse the cell order of ``table``'s root page: the header stays intact, reads of
    other tables work, and ``PRAGMA quick_check`` reports "Rowid out of order"."""
    with closing(sqlite3.connect(path)) as db:
        root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
        size = int(db.execute("PRAGMA page_size").fetchone()[0])
    data = bytearray(path.read_bytes())
    start = (int(root[0]) - 1) * size
    cells = int.from_bytes(data[start + 3 : start + 5], "big")
    assert cells >= 2, "needs two rows to reorder"
    pointers = data[start + 8 : start + 8 + 2 * cells]
    reversed_pointers = b"".join(bytes(pointers[i : i + 2]) for i in range(2 * (cells - 1), -1, -2))
    data[start + 8 : start + 8 + 2 * cells] = reversed_pointers
    path.write_bytes(bytes(data))


def test_a_store_with_damaged_pages_is_refused_and_nothing_is_overwritten(
    tmp_path: Path,
    corpus: Path,
    server: tuple[FakeCompletionServer, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake, url = server
    (corpus / "empty.txt").write_text("")
    (corpus / "blank.txt").write_text("")
    job = _job(tmp_path, corpus, url)
    assert main(["run", str(job)]) == 1  # two unreadable inputs: two rows in `errors`
    (corpus / "empty.txt").unlink()
    (corpus / "blank.txt").unlink()
    store = tmp_path / "state" / "store.sqlite"
    _reorder_rows(store, "errors")
    outputs = sorted((tmp_path / "out").iterdir())
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino) for p in outputs}
    capsys.readouterr()

    assert main(["run", str(job)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "", "no JSON line: the run did not happen"
    assert "is corrupt" in captured.err and "out of order" in captured.err
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino) for p in outputs}
    assert after == before, "an output was rewritten from a damaged store"
    assert sorted((tmp_path / "out").iterdir()) == outputs
    assert fake.requests == ARTICLES * SENTENCES


def test_a_lock_file_that_cannot_be_created_is_reported_as_such(
    tmp_path: Path,
    corpus: Path,
    server: tuple[FakeCompletionServer, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake, url = server
    for store in ("/proc/state.sqlite", str(tmp_path / "state.sqlite")):
        if not store.startswith("/proc"):
            (tmp_path / "state.sqlite.lock").mkdir()  # a lock path nobody can open
        code = main(["run", "--store", store, str(corpus), "--backend", "openai",
                     "--strategy", "sentence", "--base-url", url, "--model", "m"])  # fmt: skip
        err = capsys.readouterr().err
        assert code == 2, err
        assert "another extractor run" not in err
        assert f"cannot create the store's lock file {store}.lock" in err
        assert "No such file or directory" in err or "Is a directory" in err
    assert fake.requests == 0


@pytest.mark.parametrize("blocked", ["claims", "report"])
def test_an_output_that_cannot_be_written_fails_before_any_model_call(
    tmp_path: Path,
    corpus: Path,
    server: tuple[FakeCompletionServer, str],
    capsys: pytest.CaptureFixture[str],
    blocked: str,
) -> None:
    fake, url = server
    job = _job(tmp_path, corpus, url)
    name = {"claims": "claims.jsonl", "report": "report.html"}[blocked]
    (tmp_path / "out" / name).mkdir(parents=True)
    assert main(["run", str(job)]) == 2
    captured = capsys.readouterr()
    assert f"the {blocked} output {tmp_path / 'out' / name} is a directory" in captured.err
    assert captured.out == ""
    assert fake.requests == 0, "the model was asked for a run that could not be written"
    assert not (tmp_path / "state" / "store.sqlite").exists()
    assert [p.name for p in (tmp_path / "out").iterdir()] == [name], "temporary files left"


def test_a_failed_output_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "claims.jsonl"
    target.mkdir()  # os.replace onto a directory fails after the temporary is written
    with pytest.raises(ConfigError, match="cannot write"):
        write_file(str(target), "line\n")
    assert [p.name for p in tmp_path.iterdir()] == ["claims.jsonl"]


# -- usage ---------------------------------------------------------------------------------------


def test_the_judges_requests_are_counted_in_the_run_usage(
    tmp_path: Path, server: tuple[FakeCompletionServer, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from .test_compare_relations import FixedSimilarity

    fake, url = server
    corpus = tmp_path / "plain"
    corpus.mkdir()
    wordings = (  # nothing code can check (no numbers, no stance cue): the judge decides
        "Officials in Norland confirmed that the delegation left the capital.",
        "Officials in Norland confirmed that the envoys departed from the capital.",
        "Officials in Norland confirmed that the mission had left the capital city.",
    )
    for number, source in enumerate(("Wire A", "Wire B", "Wire C")):
        (corpus / f"{number}.txt").write_text(f"---\nsource: {source}\n---\n{wordings[number]}\n")
    # every two claims look alike, but not surely
    monkeypatch.setattr(run_module, "_embedder", lambda kind: FixedSimilarity(0.6))
    job = write_job(
        tmp_path / "job.toml",
        inputs=[corpus],
        store=tmp_path / "state" / "store.sqlite",
        settings=sentence_settings(url, judge=True),
    )
    result = run_job(load_job(job))
    extracted = 3
    assert result.summary.ok == 3 and result.claims_in_store == extracted
    assert fake.requests > extracted, "the judge was not asked: the test proves nothing"
    assert result.summary.usage.requests == fake.requests
    with Store(tmp_path / "state" / "store.sqlite", readonly=True) as store:
        recorded = store.runs()[-1].summary
    assert recorded is not None and recorded.usage.requests == fake.requests


def test_a_run_without_outputs_reads_nothing_of_the_whole_store_back(
    tmp_path: Path,
    corpus: Path,
    server: tuple[FakeCompletionServer, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The outputs are the whole store; a job that asks for none costs only what is new."""
    _, url = server
    job = _job(tmp_path, corpus, url)
    text = job.read_text(encoding="utf-8")
    job.write_text(text[: text.index("[outputs]")], encoding="utf-8")
    assert main(["run", str(job)]) == 0
    capsys.readouterr()
    write_corpus(corpus, ARTICLES + 1)  # one new article

    def whole_store(*args: object, **kwargs: object) -> None:
        raise AssertionError("the run read the whole store back")

    real_claims = Store.claims

    def claims(self: Store, article_id: str | None = None) -> list[Claim]:
        if article_id is None:
            whole_store()
        return real_claims(self, article_id)

    monkeypatch.setattr(Store, "claims", claims)
    monkeypatch.setattr(Store, "latest_comparison", whole_store)
    assert main(["run", str(job)]) == 0
    second = json.loads(capsys.readouterr().out)
    monkeypatch.undo()
    assert second["outputs"] == {}
    with Store(tmp_path / "state" / "store.sqlite", readonly=True) as store:
        assert second["claims_in_store"] == len(store.claims()) == (ARTICLES + 1) * SENTENCES
        comparison = store.latest_comparison()
        assert comparison is not None and second["clusters"] == len(comparison.clusters) > 0


def test_paths_in_a_job_files_settings_are_relative_to_the_file(tmp_path: Path) -> None:
    """As ``inputs``, ``store`` and the outputs are: the job works from any directory."""
    job_file = tmp_path / "jobs" / "nightly.toml"
    job_file.parent.mkdir()
    job_file.write_text(
        'inputs = ["in"]\nstore = "s.sqlite"\n\n[settings]\nmodel_path = "models/m.gguf"\n'
        'cache_dir = "/var/cache/x"\n'
    )
    job = load_job(job_file)
    assert job.settings.model_path == job_file.parent.resolve() / "models" / "m.gguf"
    assert job.settings.cache_dir == Path("/var/cache/x")
