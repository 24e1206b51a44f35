"""The crawl scheduler: waits cost no thread, and a host sees one polite request at a time."""

import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from scrapers.portals import Portal
from scrapers.schedule import CrawlScheduler
from xxgk import pipeline


def sleeper(name: str, waits: list[float], log: list):
    for wait in waits:
        yield wait
        log.append((name, threading.get_ident()))
    return name.upper()


def test_waiting_crawls_hold_no_worker():
    scheduler = CrawlScheduler(max_workers=1)
    log: list = []
    started = time.monotonic()
    futures = [scheduler.submit(sleeper(f"c{i}", [0.1, 0.1, 0.1], log)) for i in range(40)]
    assert [f.result(timeout=30) for f in futures] == [f"C{i}" for i in range(40)]
    elapsed = time.monotonic() - started
    # 40 crawls each waiting 0.3 s on one worker: they wait side by side, not one after another (12 s)
    assert elapsed < 4.0, elapsed
    assert len({thread for _name, thread in log}) == 1
    assert len(log) == 120


def test_the_crawl_due_first_runs_first_and_errors_reach_the_caller():
    scheduler = CrawlScheduler(max_workers=2)
    log: list = []
    late = scheduler.submit(sleeper("late", [0.4], log))
    early = scheduler.submit(sleeper("early", [0.1], log))
    assert (early.result(timeout=10), late.result(timeout=10)) == ("EARLY", "LATE")
    assert [name for name, _thread in log] == ["early", "late"]

    def broken():
        yield 0.01
        raise ValueError("a bug in a crawl")

    with pytest.raises(ValueError, match="a bug in a crawl"):
        scheduler.run(broken())


REPORTS = {"a": ["/r/a1.html", "/r/a2.html", "/r/a3.html"], "b": ["/r/b1.html", "/r/b2.html"]}


class TimedHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    spans: list
    lock: threading.Lock

    def log_message(self, *args):
        return

    def do_GET(self):
        started = time.monotonic()
        time.sleep(0.03)  # a little latency, so overlapping requests would show
        if self.path == "/robots.txt":
            body, ctype = b"User-agent: *\nDisallow: /admin/\n", "text/plain"
        elif self.path in ("/a/index.html", "/b/index.html"):
            links = "".join(f'<a href="{r}">某县{2000 + i}年政府信息公开工作年度报告</a>'
                            for i, r in enumerate(REPORTS[self.path[1]]))
            body, ctype = f"<html><body>{links}</body></html>".encode(), "text/html; charset=utf-8"
        else:
            body, ctype = f"<html><body><p>{self.path}</p></body></html>".encode(), "text/html; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        with self.lock:
            self.spans.append((started, time.monotonic(), self.path))


@contextmanager
def timed_server():
    handler = type("Handler", (TimedHandler,), {"spans": [], "lock": threading.Lock()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler.spans
    finally:
        server.shutdown()
        server.server_close()


def test_two_portals_on_one_host_get_one_request_at_a_time_delay_apart(tmp_path):
    delay = 0.15
    with timed_server() as (base, spans):
        settings = pipeline.CrawlSettings(per_host_delay=delay, allowed_networks=[base.removeprefix("http://")])
        portals = [Portal(id=f"p-{name}", name=name, province_code="440000", level="county",
                          seed_urls=(f"{base}/{name}/index.html",)) for name in ("a", "b")]
        known = pipeline.prepare_run(tmp_path, "run1", portals)
        results: dict = {}
        threads = [threading.Thread(target=lambda p=p: results.update(
            {p.id: pipeline.crawl_one(p, settings, tmp_path, "run1", known[p.id])})) for p in portals]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert results["p-a"]["reports_landed"] == 3 and results["p-b"]["reports_landed"] == 2
    spans.sort()
    assert {path for _s, _e, path in spans} >= {"/a/index.html", "/b/index.html", *REPORTS["a"], *REPORTS["b"]}
    for (start, end, path), (next_start, _next_end, next_path) in zip(spans, spans[1:]):
        assert next_start >= end - 0.005, f"{next_path} overlapped {path}"
        # the server sees a request when its thread gets the CPU: on a loaded 2-core machine that
        # lags the client's send by tens of ms, so one gap can look that much shorter; without the
        # gate the gaps are ~0, so a third of the delay still tells the two apart
        assert next_start - start >= delay * 2 / 3, f"{next_path} came {next_start - start:.3f} s after {path}"
    gaps = [b[0] - a[0] for a, b in zip(spans, spans[1:])]
    assert sum(gaps) / len(gaps) >= delay - 0.01, f"requests came {sum(gaps) / len(gaps):.3f} s apart on average"


def test_a_shared_gate_spaces_requests_by_the_delay_of_the_client_that_sent_the_last_one():
    from scrapers.http import ClientConfig, HostGates, PoliteClient

    gates = HostGates()
    slow, fast = (PoliteClient(ClientConfig(per_host_delay=d), gates=gates) for d in (30.0, 0.0))
    gate = fast._gate("portal.gov.cn")
    assert gate is slow._gate("portal.gov.cn")
    assert gate.reserve(fast.config.per_host_delay) == 0.0
    assert gate.reserve(0.0) > 0  # one request at a time, whatever the delay
    gate.release()
    assert gate.reserve(slow.config.per_host_delay) == 0.0
    gate.release()
    assert gate.reserve(fast.config.per_host_delay) > 29  # the slow client's 30 s holds for everyone


def test_a_cancelled_crawl_is_closed_at_its_next_step_and_a_bad_step_reaches_the_caller():
    scheduler = CrawlScheduler(max_workers=2)
    closed = threading.Event()

    def endless():
        try:
            while True:
                yield 0.02
        finally:
            closed.set()  # where a crawl closes its client and store

    future = scheduler.submit(endless())
    time.sleep(0.1)
    assert future.cancel()
    assert closed.wait(5)

    def confused():
        try:
            yield None
        finally:
            closed.set()

    closed.clear()
    with pytest.raises(TypeError, match="not the seconds to wait"):
        scheduler.run(confused())
    assert closed.is_set()
