"""What every part of the store shares: the connection, its lock, and readable errors.

:class:`Connected` holds the SQLite connection and the lock every call takes;
:func:`guarded` wraps a method so that it holds the lock and turns any ``sqlite3`` error
into a :class:`~extractor.errors.StoreError` that says what to do.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from ..errors import StoreError

__all__ = ["Connected", "guarded", "now", "store_error"]

P = ParamSpec("P")
R = TypeVar("R")
S = TypeVar("S", bound="Connected")


def now() -> str:
    """The current time, UTC, to the second (ISO 8601)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def store_error(exc: sqlite3.Error, path: Path) -> StoreError:
    """A :class:`StoreError` that says what is wrong with the store and what to do."""
    text = str(exc)
    if "readonly" in text or "read-only" in text:
        return StoreError(
            f"the store {path} is read-only ({text}); check the file's and its directory's "
            "permissions, or point --store at a writable place"
        )
    if "not a database" in text or "malformed" in text:
        return StoreError(
            f"{path} is not an extractor store or is corrupt ({text}); move it away "
            "(a new store is created) or restore it from a backup"
        )
    if "unable to open" in text:
        return StoreError(
            f"cannot open the store {path} ({text}); check the path, and that its directory "
            f"is writable: SQLite keeps {path.name}-wal and {path.name}-shm next to it"
        )
    if "locked" in text or "busy" in text:
        return StoreError(f"the store {path} is busy ({text}); try again when the run ends")
    return StoreError(f"the store {path} cannot be used: {text}")


class Connected:
    """An open SQLite connection with the lock that every call of the store holds."""

    path: Path
    readonly: bool
    _db: sqlite3.Connection
    _lock: threading.RLock

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: everything inside is committed together or not at all."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _has_table(self, name: str) -> bool:
        """Whether the store has table ``name`` (an older schema, opened read-only, may not)."""
        row = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
        return row is not None


def guarded(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """Run ``method`` holding the store's lock; any sqlite3 error becomes a StoreError."""

    def wrapper(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            with self._lock:
                return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise store_error(exc, self.path) from exc

    functools.update_wrapper(wrapper, method)
    return wrapper
