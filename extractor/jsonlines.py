"""JSON Lines records, read one object a line: the one reader of every ``.jsonl`` input.

:func:`json_records` yields ``(line number, object)`` for each non-blank line and raises
:class:`~extractor.errors.InputError` naming the file and line for a line that is not a
JSON object, or a file that cannot be read. The stages' own readers (claims, results,
articles' metadata) validate the objects.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

from .errors import InputError

__all__ = ["json_records"]


def json_records(path: str | os.PathLike[str]) -> Iterator[tuple[int, dict[str, object]]]:
    """Each non-blank line of ``path`` as a JSON object, with its line number."""
    try:
        stream = open(path, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    with stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}: not JSON: {exc.msg}") from exc
            if not isinstance(record, dict):
                raise InputError(f"{path}:{number}: expected a JSON object")
            yield number, record
