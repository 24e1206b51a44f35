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
from concurrent.futures import Future, InvalidStateError, ThreadPoolExecutor
from typing import TypeVar

from scrapers.http import HostGates

log = logging.getLogger(__name__)

T = TypeVar("T")

# Workers bound the requests in flight (plus the parsing and landing between them). A request
# holds a worker for its host's latency, so this bounds the rate at workers / latency:
# 256 / 1 s is above the politeness bound of most nightly runs. XXGK_CRAWL_WORKERS overrides it.
DEFAULT_WORKERS = 256


class CrawlScheduler:
    """Runs crawl generators on a pool of workers, parking each between steps until its wait is over."""

    def __init__(self, max_workers: int = DEFAULT_WORKERS):
        self.gates = HostGates()
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="xxgk-crawl")
        self._due: list[tuple[float, int, _Crawl]] = []
        self._order = itertools.count()  # ties in due time keep submission order; crawls never compare
        self._changed = threading.Condition()
        self._timer = threading.Thread(target=self._release_due, name="xxgk-crawl-timer", daemon=True)
        self._timer.start()

    def run(self, steps: Generator[float, None, T]) -> T:
        """Run ``steps`` to its end on the scheduler's workers; returns its value (or raises its exception).

        A caller that stops waiting (Ctrl-C, a cancelled task) stops the crawl too: its next step
        closes the generator, whose ``finally`` blocks close its client and store.
        """
        future = self.submit(steps)
        try:
            return future.result()
        except BaseException:
            future.cancel()
            raise

    def submit(self, steps: Generator[float, None, T]) -> Future:
        """Start ``steps``; cancelling the returned future stops it at its next step."""
        crawl = _Crawl(steps)
        self._pool.submit(self._advance, crawl)
        return crawl.future

    def _advance(self, crawl: _Crawl) -> None:
        """Run the crawl up to its next wait, then park it until then."""
        if crawl.future.cancelled():
            crawl.steps.close()
            return
        try:
            wait = next(crawl.steps)
        except StopIteration as stop:
            crawl.settle(result=stop.value)
            return
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting caller, who re-raises it
            crawl.settle(exception=exc)
            return
        if not isinstance(wait, (int, float)):
            crawl.steps.close()
            crawl.settle(exception=TypeError(f"a crawl step yielded {wait!r}, not the seconds to wait"))
            return
        with self._changed:
            heapq.heappush(self._due, (time.monotonic() + wait, next(self._order), crawl))
            self._changed.notify()

    def _release_due(self) -> None:
        while True:
            with self._changed:
                while not self._due or self._due[0][0] > time.monotonic():
                    self._changed.wait(self._due[0][0] - time.monotonic() if self._due else None)
                ready = []
                now = time.monotonic()
                while self._due and self._due[0][0] <= now:
                    ready.append(heapq.heappop(self._due)[2])
            for position, crawl in enumerate(ready):
                try:
                    self._pool.submit(self._advance, crawl)
                except RuntimeError as exc:  # the pool is shut down (interpreter exit): nothing can run again
                    log.error("crawl scheduler stopped: %s", exc)
                    self._fail_all(ready[position:], exc)
                    return

    def _fail_all(self, ready: list[_Crawl], exc: BaseException) -> None:
        with self._changed:
            ready += [entry[2] for entry in self._due]
            self._due.clear()
        for crawl in ready:
            crawl.steps.close()
            crawl.settle(exception=exc)


class _Crawl:
    """A crawl's generator and the future its caller waits on."""

    __slots__ = ("steps", "future")

    def __init__(self, steps: Generator):
        self.steps = steps
        self.future: Future = Future()

    def settle(self, result=None, exception: BaseException | None = None) -> None:
        try:
            if exception is not None:
                self.future.set_exception(exception)
            else:
                self.future.set_result(result)
        except InvalidStateError:  # cancelled while its last step ran: nobody waits for the outcome
            log.info("a cancelled crawl finished its last step (%s)", exception or "done")


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
