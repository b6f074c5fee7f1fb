"""Stopping a batch cleanly on Ctrl-C (SIGINT) and SIGTERM.

Inside :func:`stop_on_signals`, either signal raises :class:`Interrupted` in the main
thread, wherever it is -- waiting for a model, reading the next file -- except inside a
:meth:`SignalGuard.atomic` block: a signal that arrives while an article's lines are being
written is held until they are all written and flushed, so an output file never ends in
half a line. A second signal while the first is being handled ends the process at once.

Outside the main thread (where Python cannot install signal handlers) nothing is
installed, and Ctrl-C is the usual :class:`KeyboardInterrupt`.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

__all__ = [
    "EXIT_LOCKED",
    "EXIT_OK",
    "EXIT_PARTIAL",
    "EXIT_USAGE",
    "Interrupted",
    "SignalGuard",
    "exit_code",
    "stop_on_signals",
]

#: the exit codes of ``extractor`` commands; a signal's is the shell's (:func:`exit_code`)
EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived. ``exit_code`` is the shell's: 130 and 143."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def exit_code(exc: KeyboardInterrupt) -> int:
    """130 for Ctrl-C, 143 for SIGTERM."""
    return exc.exit_code if isinstance(exc, Interrupted) else 128 + signal.SIGINT


class SignalGuard:
    """Turns SIGINT and SIGTERM into :class:`Interrupted`, held back during :meth:`atomic`."""

    def __init__(self) -> None:
        self._atomic = 0
        self._held: int | None = None
        self._raised = False

    def handle(self, signum: int, frame: FrameType | None) -> None:
        if self._raised:  # a second signal: the user means it
            os._exit(128 + signum)
        if self._atomic:
            self._held = signum
            return
        self._raised = True
        raise Interrupted(signum)

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """A block no signal interrupts; one that arrived meanwhile is raised at its end."""
        self._atomic += 1
        try:
            yield
        finally:
            self._atomic -= 1
        if not self._atomic and self._held is not None:
            signum, self._held = self._held, None
            self._raised = True
            raise Interrupted(signum)


@contextmanager
def stop_on_signals() -> Iterator[SignalGuard]:
    """Handle SIGINT and SIGTERM as described in the module docstring; restore on exit."""
    guard = SignalGuard()
    if threading.current_thread() is not threading.main_thread():
        yield guard
        return
    previous: dict[signal.Signals, Any] = {}
    for signum in _SIGNALS:
        previous[signum] = signal.signal(signum, guard.handle)
    try:
        yield guard
    finally:
        for restored, handler in previous.items():
            signal.signal(restored, handler)
