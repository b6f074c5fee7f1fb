"""The store under contention and on a read-only path, through real ``extractor run`` processes.

Two runs on one store: the second exits 3 at once and touches nothing; the store stays
consistent (``PRAGMA integrity_check``) and holds each claim once. A store that cannot be
written fails the run before any model call, with a clear error, and saves no part of an
article.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from extractor.cli import main
from extractor.models import Comparison
from extractor.runs.store import Store
from extractor.testing import FakeCompletionServer, serving

from .conftest import ROOT


def write_articles(directory: Path, numbers: range) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for n in numbers:
        (directory / f"{n:03d}.txt").write_text(
            f"Officials said {100 + n} families were moved to shelters in Northfield on Monday. "
            f"The council approved {n + 2} million dollars for repairs, according to the mayor.",
            encoding="utf-8",
        )


def run_command(inputs: Path, store: Path, url: str) -> list[str]:
    return [
        sys.executable, "-m", "extractor", "run", str(inputs), "--store", str(store),
        "--embedder", "lexical", "--backend", "openai", "--strategy", "sentence",
        "--base-url", url, "--model", "fake-model",
    ]  # fmt: skip


def environment() -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EXTRACTOR_")}
    return {**clean, "PYTHONPATH": str(ROOT), "EXTRACTOR_JUDGE": "false"}


def integrity(store: Path) -> str:
    with closing(sqlite3.connect(store)) as db:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])


def test_a_concurrent_run_exits_3_and_the_store_stays_whole(tmp_path: Path) -> None:
    inputs, store = tmp_path / "in", tmp_path / "state" / "store.sqlite"
    write_articles(inputs, range(4))
    answer = threading.Event()
    server = FakeCompletionServer(hold=answer)  # the first run waits for its first answer ...
    with serving(server) as url:
        first = subprocess.Popen(
            run_command(inputs, store, url), cwd=ROOT, env=environment(),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while not server.log:  # the first run holds the lock once it asks the model
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        second = subprocess.run(
            run_command(inputs, store, url), cwd=ROOT, env=environment(),
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        asked_while_second_ran = len(server.log)
        answer.set()  # ... until the second run is over
        out, err = first.communicate(timeout=120)
    assert second.returncode == 3, second.stderr
    assert "another extractor run is using the store" in second.stderr
    assert second.stdout == ""
    assert first.returncode == 0, err
    assert json.loads(out)["summary"]["ok"] == 4
    assert len(server.log) == 8  # every request was the first run's ...
    assert asked_while_second_ran <= 4  # ... and the second asked nothing (concurrency 4)
    assert integrity(store) == "ok"
    with Store(store, readonly=True) as opened:
        claims = opened.claims()
        assert [run.status for run in opened.runs()] == ["ok"]
    assert len(claims) == 8 and len({claim.id for claim in claims}) == 8


def unwritable_journal(path: Path) -> None:
    """Make the WAL and its index next to ``path`` impossible to create, for root too.

    A dangling symbolic link in their place cannot be opened or created through: what a
    read-only mount does to SQLite, where ``chmod`` would not stop root.
    """
    for suffix in ("-wal", "-shm"):
        link = Path(f"{path}{suffix}")
        link.unlink(missing_ok=True)
        link.symlink_to(path.parent / "no-such-dir" / link.name)


@contextmanager
def read_only(path: Path) -> Iterator[str]:
    """Make ``path`` unwritable, even for root; yields what the run's error should say.

    The immutable attribute (``chattr +i``) where the file system has one; else a journal
    that cannot be created (:func:`unwritable_journal`). Never skips.
    """
    path.chmod(0o444)
    immutable = False
    expected = f"the store {path} is read-only"
    try:
        if os.access(path, os.W_OK):  # root: permissions do not stop it
            done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
            immutable = done.returncode == 0
            if not immutable:
                unwritable_journal(path)
                expected = f"cannot open the store {path}"
        yield expected
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(0o644)


def test_a_read_only_store_fails_the_run_clearly_before_any_model_call(
    tmp_path: Path,
) -> None:
    inputs, store = tmp_path / "in", tmp_path / "state" / "store.sqlite"
    write_articles(inputs, range(2))
    server = FakeCompletionServer()
    with serving(server) as url:
        done = subprocess.run(
            run_command(inputs, store, url), cwd=ROOT, env=environment(),
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        with Store(store, readonly=True) as opened:
            before = {claim.id for claim in opened.claims()}
        asked = len(server.log)
        write_articles(inputs, range(2, 4))  # new articles the next run would extract
        with read_only(store) as expected:
            failed = subprocess.run(
                run_command(inputs, store, url), cwd=ROOT, env=environment(),
                capture_output=True, text=True, timeout=120,
            )  # fmt: skip
    assert failed.returncode == 2, failed.stderr
    assert expected in failed.stderr
    assert "Traceback" not in failed.stderr
    assert len(server.log) == asked, "no model call was spent on a store that cannot keep it"
    assert integrity(store) == "ok"
    with Store(store, readonly=True) as opened:
        assert {claim.id for claim in opened.claims()} == before
        assert len(opened.articles()) == 2  # no part of the new articles was saved


def test_the_reading_commands_read_a_store_whose_journal_cannot_be_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store on a read-only mount: report, export, compare --store and run --dry-run read
    it (``mode=ro``, then ``immutable=1``), and change nothing."""
    monkeypatch.setenv("EXTRACTOR_JUDGE", "false")
    inputs, store = tmp_path / "in", tmp_path / "state" / "store.sqlite"
    write_articles(inputs, range(2))
    with serving(FakeCompletionServer()) as url:
        assert main(run_command(inputs, store, url)[3:]) == 0
        capsys.readouterr()
        unwritable_journal(store)
        before = store.read_bytes()
        out = tmp_path / "out"
        assert main([*run_command(inputs, store, url)[3:], "--dry-run"]) == 0
        plan = json.loads(capsys.readouterr().out)
        assert plan["already_done"] == 2 and plan["pending"] == []
    assert main(["report", "--store", str(store), "-o", str(out / "report.html")]) == 0
    assert "2 articles, 4 claims" in capsys.readouterr().err
    assert main(["export", "--store", str(store), "-o", str(out / "claims.jsonl")]) == 0
    assert len((out / "claims.jsonl").read_text().splitlines()) == 4
    comparison = out / "comparison.json"
    assert main(["compare", "--store", str(store), "--no-judge", "-o", str(comparison)]) == 0
    assert Comparison.model_validate_json(comparison.read_text()).claims == 4
    assert store.read_bytes() == before
