"""Ctrl-C and SIGTERM mid-run: completed articles stay written, in full; the exit is prompt."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from extractor.runs.store import Store
from extractor.testing import FakeCompletionServer

from .conftest import ROOT
from .corpus import articles_done
from .test_throughput import write_corpus

ARTICLES = 12


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_mid_run_keeps_the_completed_articles(
    tmp_path: Path, signum: signal.Signals, code: int
) -> None:
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    claims, results = tmp_path / "claims.jsonl", tmp_path / "results.jsonl"
    # two requests per article at 0.4 s each, two articles at once: ~0.8 s per two articles
    with FakeCompletionServer(latency=0.4).running() as url:
        process = subprocess.Popen(
            [sys.executable, "-m", "extractor", "extract", str(corpus), "-o", str(claims),
             "--results", str(results), "--base-url", url, "--model", "fake",
             "--strategy", "sentence", "--concurrency", "2", "--quiet"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while len(lines(results)) < 2 and time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()
            time.sleep(0.05)
        process.send_signal(signum)
        sent = time.monotonic()
        _, err = process.communicate(timeout=20)
        waited = time.monotonic() - sent
    assert process.returncode == code, err
    assert waited < 2.0, "in-flight requests are abandoned, not waited for"
    assert f"stopped by {signum.name}" in err
    done = [json.loads(line) for line in lines(results)]  # every line is whole JSON
    assert 2 <= len(done) < ARTICLES
    assert [r["origin"] for r in done] == sorted(r["origin"] for r in done), "input order"
    written = Counter(json.loads(line)["article_id"] for line in lines(claims))
    assert written == {r["article"]["id"]: len(r["claims"]) for r in done}, (
        "each completed article's claims are all written, and no others"
    )
    assert f"{len(done)} articles" in err


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_mid_run_records_the_run_interrupted_and_prints_its_line(
    tmp_path: Path, signum: signal.Signals, code: int
) -> None:
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    store = tmp_path / "state" / "store.sqlite"
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXTRACTOR_")}
    with FakeCompletionServer(latency=0.4).running() as url:
        process = subprocess.Popen(
            [sys.executable, "-m", "extractor", "run", str(corpus), "--store", str(store),
             "--output-dir", str(tmp_path / "out"), "--base-url", url, "--model", "fake",
             "--strategy", "sentence", "--concurrency", "2", "--embedder", "lexical"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**env, "EXTRACTOR_JUDGE": "false"},
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while articles_done(store) < 2 and time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()
            time.sleep(0.05)
        process.send_signal(signum)
        out, err = process.communicate(timeout=20)
    assert process.returncode == code, err
    assert f"stopped by {signum.name}" in err
    (line,) = out.splitlines()  # ONE JSON line, like a run that ended
    result = json.loads(line)
    assert result["status"] == "interrupted"
    assert 2 <= result["summary"]["ok"] < ARTICLES
    with Store(store, readonly=True) as opened:
        (run,) = opened.runs()
        assert run.status == "interrupted"
        assert run.summary is not None and run.summary.ok == result["summary"]["ok"]
        assert len(opened.done()) == result["summary"]["ok"], "every counted article is saved"
