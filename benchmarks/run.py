"""`make bench`: extraction throughput, crawl efficiency and the national pipeline benchmark,
printed as figures beside their targets.

    python -m benchmarks.run [--quick] [--only extract|crawl|national]

Figures are ratios measured within one run (CPU time per report; achieved request rate over
the politeness bound; re-run time over first-run time), because these machines are noisy.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path
from urllib.parse import urlsplit

from scrapers.portals import Portal

REPO_ROOT = Path(__file__).resolve().parent.parent


def extract_bench(n: int) -> list[tuple[str, str, str]]:
    """Extraction rate, reports per CPU second, for each shape a report arrives in (HTML, noisy text, DOCX,
    PDF) over ``n`` synthetic reports."""
    from xxgk import synth
    from xxgk.parsing import extract_document, warm_up

    warm_up()  # as a parse worker starts: reference data loaded, and out of the collector's scans
    reports = [synth.make_report(i, era="2021_format" if i % 3 else "2019_trial_format") for i in range(n)]
    shapes = {
        "HTML page (tables)": [(synth.render_html(r).encode(), "text/html") for r in reports],
        "text (PDF-like, wrapped labels)": [
            (synth.render_text(r, noise=frozenset({"wrapped_labels", "pdf_spacing"})).encode(), "text/plain")
            for r in reports],
        "DOCX attachment": [(synth.render_docx(r), None) for r in reports[: max(5, n // 5)]],
        "PDF attachment (ruled tables)": [(synth.render_pdf(r), "application/pdf") for r in reports[: max(5, n // 10)]],
    }
    rows = []
    # a county host, as the crawl passes it: places resolve through the host's pinyin too
    url = "http://www.minhou.gov.cn/zwgk/ndbg/t20250120_1.html"
    for name, bodies in shapes.items():
        extract_document(bodies[0][0], content_type=bodies[0][1], url=url)  # warm caches (OpenCC, lxml, places)
        started = time.process_time()
        for body, ctype in bodies:
            extract_document(body, content_type=ctype, url=url)
        cpu = time.process_time() - started
        rate = len(bodies) / cpu
        target = "≥ 200/s" if name.startswith(("HTML", "text")) else "-"
        ok = "✓" if target == "-" or rate >= 200 else "✗"
        rows.append((f"extract {name}", f"{rate:,.0f} reports/s per core ({len(bodies)} reports)", f"{target} {ok}"))
    return rows


def crawl_once(portals: list[Portal], data_dir: Path, delay: float) -> tuple[float, list[dict]]:
    """One whole crawl run through the product's one composition (:func:`xxgk.pipeline.crawl_portals`),
    each portal's crawl submitted to a thread pool as the flow submits it to its task runner."""
    from xxgk import pipeline

    # the local portals' own endpoints only (the SSRF guard allows a network per port)
    endpoints = sorted({urlsplit(url).netloc for portal in portals for url in portal.seed_urls})
    settings = pipeline.CrawlSettings(per_host_delay=delay, allowed_networks=endpoints)
    with ThreadPoolExecutor(max_workers=len(portals)) as pool:
        def submit(portal: Portal, args: tuple, after: list) -> Future:
            def crawl_after_predecessors() -> dict:
                wait(after)  # ended, however: a crashed predecessor does not stop this crawl (as in the flow)
                return pipeline.crawl_one(*args)
            return pool.submit(crawl_after_predecessors)

        started = time.monotonic()
        _run_id, results = pipeline.crawl_portals(portals, data_dir, settings, submit=submit)
        elapsed = time.monotonic() - started
    return elapsed, results


def scrapy_crawl(seeds: list[str], delay: float, work_dir: Path) -> dict | str:
    """The same crawl by Scrapy in its own virtualenv (`make bench` builds .venv-bench)."""
    python = REPO_ROOT / ".venv-bench" / "bin" / "python"
    if not python.exists():
        return "not measured: .venv-bench missing (run `make bench`, which installs Scrapy there)"
    seeds_file = work_dir / "seeds.txt"
    seeds_file.write_text("\n".join(seeds), encoding="utf-8")
    blob_dir = work_dir / "scrapy-blobs"
    blob_dir.mkdir()
    out = subprocess.run([str(python), str(REPO_ROOT / "benchmarks" / "scrapy_crawl.py"), str(seeds_file), str(delay),
                          str(blob_dir)], capture_output=True, text=True, timeout=3600)
    if out.returncode != 0:
        return f"Scrapy failed: {out.stderr.strip()[-300:]}"
    return json.loads(out.stdout.strip().splitlines()[-1])


def crawl_bench(hosts: int, delay: float, reports_per_page: int) -> list[tuple[str, str, str]]:
    """Our crawl of ``hosts`` simulated portals against the politeness bound, its no-change re-run, and
    Scrapy on the same mirror."""
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
        # the fastest a polite crawl can go: each host's requests start `delay` apart, so its
        # requests_per_host requests span requests_per_host - 1 delays (hosts / delay in the long run)
        critical_path = (requests_per_host - 1) * delay
        bound_rate = total_requests / critical_path
        second, second_results = crawl_once(portals, data_dir, delay)
        new_docs = sum(1 for r in second_results for d in r["documents"] if d["new"])
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        scrapy = scrapy_crawl([server.seed(i) for i in range(hosts)], delay, data_dir)
    finally:
        server.close()
        shutil.rmtree(data_dir, ignore_errors=True)
    achieved = total_requests / first
    return [
        ("crawl hosts × delay", f"{hosts} hosts, {delay:g} s between requests to a host, {total_requests} requests", ""),
        ("crawl reports landed", f"{landed} of {hosts * 2 * reports_per_page}", ""),
        ("crawl throughput", f"{achieved:,.1f} req/s; politeness bound of this crawl {bound_rate:,.1f} req/s "
                             f"({requests_per_host} requests per host, {delay:g} s apart)", ""),
        ("crawl fraction of bound", f"{critical_path / first:.1%} (first run {first:.1f} s; critical path "
                                    f"{critical_path:.1f} s)", f"≥ 95% {'✓' if critical_path / first >= 0.95 else '✗'}"),
        ("crawl no-change re-run", f"{second / first:.1%} of the first run ({second:.1f} s, {new_docs} new bodies)",
         f"≤ 5% {'✓' if second / first <= 0.05 else '✗'}"),
        ("crawl peak memory", f"{peak_mb:,.0f} MB RSS (crawler process)", ""),
        scrapy_row(scrapy, achieved, critical_path),
    ]


def scrapy_row(scrapy: dict | str, achieved: float, critical_path: float) -> tuple[str, str, str]:
    """The Scrapy figure row, beside ours; ``scrapy`` is the reason when Scrapy could not run."""
    if isinstance(scrapy, str):
        return ("crawl with Scrapy", scrapy, "-")
    rate = scrapy["requests"] / scrapy["elapsed"]
    return ("crawl with Scrapy",
            f"{rate:,.1f} req/s, {critical_path / scrapy['elapsed']:.1%} of bound ({scrapy['requests']} requests, "
            f"{scrapy['bodies']} bodies, {scrapy['elapsed']:.1f} s); ours / Scrapy = {achieved / rate:.2f}",
            f"ours ≥ Scrapy {'✓' if achieved >= rate else '✗'}")


def main(argv: list[str] | None = None) -> int:
    """`make bench`: every benchmark (or ``--only`` one, ``--quick`` small) printed as a table of figures and targets."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a small run for smoke checks")
    parser.add_argument("--only", choices=["extract", "crawl", "national"])
    args = parser.parse_args(argv)
    rows = []
    if args.only in (None, "extract"):
        rows += extract_bench(20 if args.quick else 200)
    if args.only in (None, "crawl"):
        # 1,000 hosts at 5 s: a bound of 200 req/s, which two cores can drive; see the closing note
        rows += crawl_bench(hosts=20 if args.quick else 1000, delay=0.5 if args.quick else 5.0,
                            reports_per_page=5 if args.quick else 10)
    if args.only in (None, "national"):
        from benchmarks.national import national_bench

        rows += national_bench([2000] if args.quick else [10_000, 100_000], night=300 if args.quick else 3000)
    print_rows(rows)
    return 0


def print_rows(rows: list[tuple[str, str, str]]) -> None:
    """The figures as one aligned table: name, figure, target with ✓ or ✗."""
    width = max(len(r[0]) for r in rows)
    for name, figure, target in rows:
        print(f"{name:<{width}}  {figure}  {target}")


if __name__ == "__main__":
    raise SystemExit(main())
