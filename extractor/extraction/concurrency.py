"""Running a batch concurrently while keeping its order.

Two small tools the pipeline uses:

* :func:`map_ordered` maps a function over items on a pool of threads and yields the
  results in input order, each as soon as it and all before it are done;
* :func:`read_ahead` iterates items in a background thread, a few ahead of the consumer,
  so that reading the next articles overlaps with extracting the current one.

Both stop cleanly when their iterator is closed or an exception (Ctrl-C) reaches it: no
new work starts; calls already running are told to stop (``on_close``), and what they
still return is discarded.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar, cast

__all__ = ["map_ordered", "read_ahead"]

T = TypeVar("T")
R = TypeVar("R")


def map_ordered(
    fn: Callable[[T], R],
    items: Iterable[T],
    workers: int,
    *,
    window: int | None = None,
    on_close: Callable[[], None] | None = None,
) -> Iterator[R]:
    """``map(fn, items)`` on ``workers`` threads, yielding results in input order.

    At most ``window`` items (default: twice ``workers``) are taken from ``items`` ahead of
    the result being waited for, so a slow item holds neither memory nor reading unbounded.
    An exception raised by ``fn`` is raised here, in its place in the order.

    When the iterator is closed (or ``fn`` raised), the items not started are cancelled
    and ``on_close`` is called: it should make the calls still running stop soon (the
    pipeline's refuses their next model request), since nothing waits for them.
    """
    window = max(workers, window or 2 * workers)
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="extractor")
    pending: deque[Future[R]] = deque()
    try:
        for item in items:
            pending.append(pool.submit(fn, item))
            while pending and (len(pending) >= window or pending[0].done()):
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        if on_close is not None:
            on_close()
        pool.shutdown(wait=False, cancel_futures=True)


_END = object()


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def read_ahead(items: Iterable[T], depth: int = 4) -> Generator[T, None, None]:
    """Iterate ``items`` in a background thread, at most ``depth`` items ahead.

    Exceptions raised while iterating ``items`` are raised here, after the items before them.
    """
    ahead: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                ahead.put(item)
                if stop.is_set():
                    return
            ahead.put(_END)
        except BaseException as exc:  # handed to the consumer, raised there
            ahead.put(_Failure(exc))

    threading.Thread(target=produce, name="extractor-reader", daemon=True).start()
    try:
        while (got := ahead.get()) is not _END:
            if isinstance(got, _Failure):
                raise got.error
            yield cast(T, got)  # only items, _END and _Failure are ever put
    finally:
        stop.set()
        while True:  # unblock a producer waiting to put; it sees ``stop`` and returns
            try:
                ahead.get_nowait()
            except queue.Empty:
                break
