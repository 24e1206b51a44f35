"""Many portal crawls on a few threads: a crawl waiting for its host's turn waits in a heap.

A polite crawl spends nearly all its time waiting (one request per host every few seconds).
With a thread per portal, a thousand sleeping threads made every blocking call a GIL hand-off
among them; a no-change night cost twice the CPU it costs on one thread. Here each crawl is a
generator of waits (:meth:`scrapers.crawl.PortalCrawler.steps`): a worker runs it up to its next
wait, and the generator then sits in a heap keyed by the time its host is due. Threads exist
only for requests in flight and the work between them.

One scheduler per process (:func:`shared_scheduler`), so every crawl task in a process (Prefect
threads, a Dask worker) shares its workers and its per-host gates.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import os
import threading
import time
from collections.abc import Generator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from scrapers.http import HostGates

log = logging.getLogger(__name__)

T = TypeVar("T")

# Workers bound the requests in flight (plus the parsing and landing between them). A request
# holds a worker for its host's latency, so this bounds the rate at workers / latency:
# 256 / 1 s is above the politeness bound of most nightly runs. XXGK_CRAWL_WORKERS overrides it.
DEFAULT_WORKERS = 256


class CrawlScheduler:
    def __init__(self, max_workers: int = DEFAULT_WORKERS):
        self.max_workers = max_workers
        self.gates = HostGates()
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="xxgk-crawl")
        self._due: list[tuple[float, int, Generator, Future]] = []
        self._order = itertools.count()  # ties in due time keep submission order; generators never compare
        self._changed = threading.Condition()
        self._timer = threading.Thread(target=self._release_due, name="xxgk-crawl-timer", daemon=True)
        self._timer.start()

    def run(self, steps: Generator[float, None, T]) -> T:
        """Run ``steps`` to its end on the scheduler's workers; returns its value (or raises its exception)."""
        return self.submit(steps).result()

    def submit(self, steps: Generator[float, None, T]) -> Future:
        future: Future = Future()
        self._pool.submit(self._advance, steps, future)
        return future

    def _advance(self, steps: Generator, future: Future) -> None:
        """Run ``steps`` up to its next wait, then park it until then."""
        try:
            wait = next(steps)
        except StopIteration as stop:
            future.set_result(stop.value)
            return
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting caller, who re-raises it
            future.set_exception(exc)
            return
        with self._changed:
            heapq.heappush(self._due, (time.monotonic() + wait, next(self._order), steps, future))
            self._changed.notify()

    def _release_due(self) -> None:
        while True:
            with self._changed:
                while not self._due or self._due[0][0] > time.monotonic():
                    self._changed.wait(self._due[0][0] - time.monotonic() if self._due else None)
                ready = []
                now = time.monotonic()
                while self._due and self._due[0][0] <= now:
                    _due, _order, steps, future = heapq.heappop(self._due)
                    ready.append((steps, future))
            for steps, future in ready:
                self._pool.submit(self._advance, steps, future)


_shared: CrawlScheduler | None = None
_shared_lock = threading.Lock()


def shared_scheduler() -> CrawlScheduler:
    """The process's scheduler, started on first use."""
    global _shared
    with _shared_lock:
        if _shared is None:
            workers = int(os.environ.get("XXGK_CRAWL_WORKERS", DEFAULT_WORKERS))
            _shared = CrawlScheduler(max_workers=workers)
            log.debug("crawl scheduler started with %d workers", workers)
        return _shared
