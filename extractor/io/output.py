"""The command line's output files: streamed line by line, or replaced whole and atomically.

A write that fails raises :class:`WriteFailed` (a :class:`~extractor.errors.ConfigError`,
exit 2) naming the path; what was written before it stays written.
"""

from __future__ import annotations

import os
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import IO

from ..errors import ConfigError

__all__ = ["Output", "WriteFailed", "cannot_write", "write_file"]


class WriteFailed(ConfigError):
    """An output could not be written (exit 2); what was written before it stays."""


def cannot_write(path: str, exc: OSError) -> WriteFailed:
    return WriteFailed(f"cannot write {path}: {exc.strerror or exc}")


class Output:
    """A streamed output file (or stdout): each ``write`` is flushed at once.

    The file is checked for writing at once but emptied only by the first ``write`` (or by
    :meth:`finish`, for a run that wrote nothing): a run that fails before its first result
    (a setting, a missing model) leaves the older file as it was.
    """

    def __init__(self, path: str, stack: ExitStack) -> None:
        self.path = path
        self._stream: IO[str] | None = sys.stdout if path == "-" else None
        if path != "-":
            try:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
                with open(path, "a", encoding="utf-8"):  # writable? (creates, keeps)
                    pass
            except OSError as exc:
                raise cannot_write(path, exc) from exc
            stack.callback(self._close)

    def _open(self) -> IO[str]:
        if self._stream is None:
            try:
                self._stream = open(self.path, "w", encoding="utf-8")  # noqa: SIM115
            except OSError as exc:
                raise cannot_write(self.path, exc) from exc
        return self._stream

    def finish(self) -> None:
        """The run is over: an output nothing was written to is emptied now."""
        self._open()

    def _close(self) -> None:
        if self._stream is None:
            return
        try:
            self._stream.close()  # flushes what is left
        except OSError as exc:
            raise cannot_write(self.path, exc) from exc

    def write(self, text: str) -> None:
        stream = self._open()
        try:
            stream.write(text)
            stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise cannot_write(self.path, exc) from exc


def write_file(path: str, text: str) -> None:
    """Write a whole output: to stdout for "-"; a file is replaced atomically, so a failed
    write (a full disk) leaves the older file as it was and no temporary behind."""
    if path == "-":
        sys.stdout.write(text)
        return
    target = Path(path)
    temporary = target.with_name(f".{target.name}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists() and not target.is_file():  # a device or pipe: write through
            with open(target, "w", encoding="utf-8") as stream:
                stream.write(text)
            return
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise cannot_write(path, exc) from exc
