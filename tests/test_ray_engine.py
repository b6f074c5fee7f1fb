"""The Ray engine gives what one process gives, on a local Ray instance (2 CPUs)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# `make install` installs the ray extra: a missing Ray is a broken install, and fails here
# (an ImportError at collection) instead of skipping the engine's tests
import ray

from extractor import Settings, extract
from extractor.cli import main
from extractor.runs.ray_engine import extract_ray, write_claims_parquet
from extractor.testing import FakeCompletionServer

from .conftest import ROOT, SAMPLES
from .test_throughput import comparable, fake_settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[FakeCompletionServer, str]]:
    fake = FakeCompletionServer(latency=0.005)
    with fake.running() as url:
        yield fake, url


def test_ray_results_equal_the_single_process_results(
    local_ray: None, server: tuple[FakeCompletionServer, str], tmp_path: Path
) -> None:
    fake, url = server
    inputs: list[Any] = [SAMPLES, tmp_path / "missing.txt"]
    settings = fake_settings(url, concurrency=2)
    single = list(extract(inputs, settings))
    before = fake.requests
    distributed = list(extract_ray(inputs, settings, workers=2, batch_size=2))
    assert comparable(distributed) == comparable(single)
    assert [r.status for r in distributed] == ["ok"] * 5 + ["failed"]
    assert fake.requests - before == sum(r.usage.requests for r in single)


def test_the_cli_engine_flag_writes_the_same_files(
    local_ray: None, server: tuple[FakeCompletionServer, str], tmp_path: Path
) -> None:
    _, url = server
    outputs = {}
    for engine in ("threads", "ray"):
        out = tmp_path / f"{engine}.jsonl"
        code = main(
            ["extract", str(SAMPLES), "-o", str(out), "--engine", engine, "--base-url", url,
             "--model", "fake", "--strategy", "sentence", "--quiet"]
        )  # fmt: skip
        assert code == 0
        outputs[engine] = out.read_text()
    assert outputs["ray"] == outputs["threads"] != ""


def test_the_workers_write_the_claims_as_parquet(
    local_ray: None, server: tuple[FakeCompletionServer, str], tmp_path: Path
) -> None:
    from extractor.io.export import read_claims_export

    _, url = server
    settings = fake_settings(url)
    expected = [claim for result in extract([SAMPLES], settings) for claim in result.claims]
    failed = write_claims_parquet([SAMPLES, tmp_path / "gone.txt"], str(tmp_path / "pq"), settings)
    assert [r.origin for r in failed] == [str(tmp_path / "gone.txt")]
    written = read_claims_export(tmp_path / "pq", "parquet")
    assert sorted(written, key=lambda c: c.id) == sorted(expected, key=lambda c: c.id)


def test_a_pipeline_a_worker_cannot_load_ends_the_run_as_in_one_process(
    local_ray: None, server: tuple[FakeCompletionServer, str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """Ray hands back a worker's error wrapped and without its cause: the CLI must still
    say what failed, with exit 2, not a traceback."""
    _, url = server
    monkeypatch.setenv("EXTRACTOR_SPACY_PIPELINE", "xx_no_such_pipeline")
    code = main(
        ["extract", str(SAMPLES), "-o", str(tmp_path / "c.jsonl"), "--engine", "ray",
         "--base-url", url, "--model", "fake", "--strategy", "sentence", "--quiet"]
    )  # fmt: skip
    assert code == 2
    assert "spaCy pipeline 'xx_no_such_pipeline' is not installed" in capsys.readouterr().err


def test_the_ray_engine_refuses_a_token_budget() -> None:
    settings = Settings(base_url="http://127.0.0.1:1/v1", model="m", max_tokens_per_run=10)
    with pytest.raises(Exception, match="not supported with --engine ray"):
        next(extract_ray([SAMPLES], settings))


def test_workers_share_one_rate_limit_through_the_limiter_actor(local_ray: None) -> None:
    from extractor.runs.ray_engine import _LimiterActor, _RemoteLimiter

    settings = Settings(requests_per_minute=3, retry_max_wait=300.0)
    actor = ray.remote(num_cpus=0)(_LimiterActor).remote(settings)
    first, second = _RemoteLimiter(actor), _RemoteLimiter(actor)  # as two workers hold it
    first.acquire(10)
    second.acquire(10)
    first.acquire(10)
    ticket, wait = ray.get(actor.try_acquire.remote(10))
    assert ticket is None and 59.0 < wait <= 60.0, "the fourth request waits for the budget"
    second.observe(429, {"Retry-After": "120", "content-type": "application/json"})
    ticket, wait = ray.get(actor.try_acquire.remote(10))
    assert ticket is None and wait > 119.0, "a pause one worker was told about holds for all"


def test_a_missing_ray_fails_this_module_instead_of_skipping_it() -> None:
    # Ray hidden from a fresh interpreter: collecting this file must be an error, not a skip
    code = (
        "import sys; sys.modules['ray'] = None; import pytest; "
        f"sys.exit(pytest.main(['-q', '--collect-only', '-p', 'no:cacheprovider', {__file__!r}]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert done.returncode == pytest.ExitCode.INTERRUPTED, done.stdout[-2000:]
    assert "ImportError" in done.stdout or "ModuleNotFoundError" in done.stdout
    assert "skipped" not in done.stdout
