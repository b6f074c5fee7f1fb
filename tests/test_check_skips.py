"""scripts/check_skips.py, which .ci/run uses to fail a build that skipped tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

SCRIPT = ROOT / "scripts" / "check_skips.py"


@pytest.fixture(scope="module")
def junit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The JUnit XML of a real pytest run: one pass, one skip, one skipif."""
    directory = tmp_path_factory.mktemp("suite")
    (directory / "test_sample.py").write_text(
        "import pytest\n\n"
        "def test_passes():\n    pass\n\n"
        "def test_skips():\n    pytest.skip('needs ray')\n\n"
        "@pytest.mark.skipif(True, reason='running as root')\n"
        "def test_skipif():\n    pass\n",
        encoding="utf-8",
    )
    report = directory / "junit.xml"
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(directory),
         f"--junitxml={report}"],
        cwd=directory, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return report


def check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False
    )


def test_unexpected_skips_fail_and_are_listed(junit: Path) -> None:
    done = check(str(junit))
    assert done.returncode == 1
    assert "2 skipped, 2 unexpected" in done.stdout
    assert "test_skips: needs ray" in done.stdout
    assert "test_skipif: running as root" in done.stdout


def test_allowed_skips_pass(junit: Path) -> None:
    done = check(str(junit), "--allow", "needs ray", "--allow", "as root")
    assert done.returncode == 0, done.stdout
    assert "2 skipped, 0 unexpected" in done.stdout


def test_a_run_without_skips_passes(tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    report.write_text(
        '<testsuites><testsuite name="pytest"><testcase classname="t" name="ok"/>'
        "</testsuite></testsuites>"
    )
    done = check(str(report))
    assert done.returncode == 0 and "0 skipped" in done.stdout


def test_a_missing_report_is_an_error(tmp_path: Path) -> None:
    assert check(str(tmp_path / "none.xml")).returncode == 2
