"""`make bench`: extraction throughput and crawl efficiency, printed as figures beside their targets.

    python -m benchmarks.run [--quick] [--only extract|crawl]

Figures are ratios measured within one run (CPU time per report; achieved request rate over
the politeness bound; re-run time over first-run time), because these machines are noisy.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from scrapers.portals import Portal


def extract_bench(n: int) -> list[tuple[str, str, str]]:
    from xxgk import synth
    from xxgk.parsing import extract_document

    reports = [synth.make_report(i, era="2021_format" if i % 3 else "2019_trial_format") for i in range(n)]
    shapes = {
        "HTML page (tables)": [(synth.render_html(r).encode(), "text/html") for r in reports],
        "text (PDF-like, wrapped labels)": [
            (synth.render_text(r, noise=frozenset({"wrapped_labels", "pdf_spacing"})).encode(), "text/plain")
            for r in reports],
        "DOCX attachment": [(synth.render_docx(r), None) for r in reports[: max(5, n // 5)]],
    }
    rows = []
    for name, bodies in shapes.items():
        extract_document(*bodies[0][:1], content_type=bodies[0][1])  # warm caches (OpenCC, lxml)
        started = time.process_time()
        for body, ctype in bodies:
            extract_document(body, content_type=ctype)
        cpu = time.process_time() - started
        rate = len(bodies) / cpu
        target = "≥ 200/s" if name.startswith(("HTML", "text")) else "-"
        ok = "✓" if target == "-" or rate >= 200 else "✗"
        rows.append((f"extract {name}", f"{rate:,.0f} reports/s per core ({len(bodies)} reports)", f"{target} {ok}"))
    rows.append(("extract PDF", "not measured: no PDF writer for CJK text is installable offline", "-"))
    return rows


def crawl_once(portals: list[Portal], data_dir: Path, delay: float) -> tuple[float, list[dict]]:
    from xxgk import pipeline

    settings = pipeline.CrawlSettings(per_host_delay=delay, allowed_networks=["127.0.0.0/8"])
    run_id = pipeline.new_run_id()
    known = pipeline.prepare_run(data_dir, run_id, portals)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(portals)) as pool:
        results = list(pool.map(lambda p: pipeline.crawl_one(p, settings, data_dir, run_id, known[p.id]), portals))
    elapsed = time.monotonic() - started
    pipeline.finish_run(data_dir, run_id, {})
    return elapsed, results


def crawl_bench(hosts: int, delay: float, reports_per_page: int) -> list[tuple[str, str, str]]:
    from benchmarks.sim_mirror import MirrorServer

    server = MirrorServer(reports_per_page=reports_per_page)
    data_dir = Path(tempfile.mkdtemp(prefix="xxgk-bench-"))
    try:
        portals = [Portal(id=f"sim-{i:04d}", name=f"sim {i}", province_code="440000", level="county",
                          seed_urls=(server.seed(i),)) for i in range(hosts)]
        first, results = crawl_once(portals, data_dir, delay)
        requests_per_host = 1 + 2 + 2 * reports_per_page  # robots.txt, two list pages, the reports
        total_requests = hosts * requests_per_host
        landed = sum(r["reports_landed"] for r in results)
        bound_rate = hosts / delay
        # the fastest a polite crawl can go: each host's requests start `delay` apart
        critical_path = (requests_per_host - 1) * delay
        second, second_results = crawl_once(portals, data_dir, delay)
        new_docs = sum(1 for r in second_results for d in r["documents"] if d["new"])
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    finally:
        server.close()
        shutil.rmtree(data_dir, ignore_errors=True)
    achieved = total_requests / first
    return [
        ("crawl hosts × delay", f"{hosts} hosts, {delay:g} s between requests to a host, {total_requests} requests", ""),
        ("crawl reports landed", f"{landed} of {hosts * 2 * reports_per_page}", ""),
        ("crawl throughput", f"{achieved:,.1f} req/s; politeness bound {bound_rate:,.1f} req/s", ""),
        ("crawl fraction of bound", f"{critical_path / first:.1%} (first run {first:.1f} s; critical path "
                                    f"{critical_path:.1f} s)", f"≥ 95% {'✓' if critical_path / first >= 0.95 else '✗'}"),
        ("crawl no-change re-run", f"{second / first:.1%} of the first run ({second:.1f} s, {new_docs} new bodies)",
         f"≤ 5% {'✓' if second / first <= 0.05 else '✗'}"),
        ("crawl peak memory", f"{peak_mb:,.0f} MB RSS (crawler process)", ""),
        ("crawl with Scrapy", "not measured in this build (see the closing note of issue 4)", "-"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a small run for smoke checks")
    parser.add_argument("--only", choices=["extract", "crawl"])
    args = parser.parse_args(argv)
    rows = []
    if args.only in (None, "extract"):
        rows += extract_bench(20 if args.quick else 200)
    if args.only in (None, "crawl"):
        # 1,000 hosts at 5 s: a bound of 200 req/s, which two cores can drive; see the closing note
        rows += crawl_bench(hosts=20 if args.quick else 1000, delay=0.5 if args.quick else 5.0,
                            reports_per_page=5 if args.quick else 10)
    width = max(len(r[0]) for r in rows)
    for name, figure, target in rows:
        print(f"{name:<{width}}  {figure}  {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
