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
from typing import BinaryIO

from .errors import InputError

__all__ = ["json_records"]


def json_records(path: str | os.PathLike[str]) -> Iterator[tuple[int, dict[str, object]]]:
    """Each non-blank line of ``path`` as a JSON object, with its line number."""
    try:
        stream = open(path, "rb")  # noqa: SIM115 -- closed below; decoded a line at a time
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    with stream:
        for number, raw in enumerate(_lines(stream), start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{path}:{number}: not UTF-8 (byte {exc.start} of the line is "
                    f"0x{raw[exc.start]:02x})"
                ) from None
            if number == 1:
                line = line.removeprefix("\ufeff")  # a byte-order mark
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}: not JSON: {exc.msg}") from exc
            except RecursionError:
                raise InputError(f"{path}:{number}: JSON nested too deeply") from None
            if not isinstance(record, dict):
                raise InputError(f"{path}:{number}: expected a JSON object")
            yield number, record


def _lines(stream: BinaryIO) -> Iterator[bytes]:
    """The lines of a binary stream, ended by "\n", "\r\n" or a bare "\r" (as text mode
    reads them; a JSON line holds no raw "\r")."""
    for raw in stream:
        body = raw[:-2] if raw.endswith(b"\r\n") else raw.removesuffix(b"\n")
        if body.endswith(b"\r"):
            body = body[:-1]  # the last line of a file of bare "\r" endings
        yield from body.split(b"\r")
