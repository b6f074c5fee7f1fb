"""Fail when a test run skipped tests it was not expected to skip (CI: none).

``pytest --junitxml=FILE`` records every skipped test with its reason; this prints them
all, then exits 1 if any is not matched by an ``--allow`` pattern (a regular expression
searched in ``"<test id>: <reason>"``). A missing optional dependency, a tool not
installed or a ``skipif`` that should not hold on CI then fails the build instead of
passing it silently::

    python -m pytest --junitxml=junit.xml
    python scripts/check_skips.py junit.xml
"""

from __future__ import annotations

import argparse
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def skipped_tests(junit: Path) -> list[str]:
    """``"<test id>: <reason>"`` of each skipped (or xfailed) test in the JUnit XML file."""
    found = []
    for case in ET.parse(junit).getroot().iter("testcase"):
        skipped = case.find("skipped")
        if skipped is None:
            continue
        test = f"{case.get('classname', '')}::{case.get('name', '')}"
        found.append(f"{test}: {skipped.get('message') or skipped.get('type') or 'skipped'}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("junit", type=Path, help="JUnit XML written by pytest --junitxml")
    parser.add_argument(
        "--allow", action="append", default=[], help="regex of an expected skip (repeatable)"
    )
    args = parser.parse_args(argv)
    if not args.junit.is_file():
        print(f"check_skips: no test report at {args.junit}", file=sys.stderr)
        return 2
    skipped = skipped_tests(args.junit)
    unexpected = [s for s in skipped if not any(re.search(p, s) for p in args.allow)]
    print(f"check_skips: {len(skipped)} skipped, {len(unexpected)} unexpected")
    for line in skipped:
        print(f"  {'UNEXPECTED ' if line in unexpected else 'allowed    '}{line}")
    return 1 if unexpected else 0


if __name__ == "__main__":
    raise SystemExit(main())
