"""The ``xxgk`` command: each stage by hand, the nightly flow, and the offline demo."""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import logging
import os
import sys
from pathlib import Path

DEMO_PORT = 48765  # the demo's sample portal address (XXGK_DEMO_PORT overrides)
DEMO_DELAY = 0.02  # the sample portal is ours; real portals get ClientConfig.per_host_delay


def _data_dir(args) -> Path:
    path = Path(args.data_dir or os.environ.get("XXGK_DATA_DIR", "data")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def quiet_logging_on_a_full_disk() -> None:
    """A log handler that cannot write because the disk is full prints a traceback per record
    (logging's handleError), hundreds in a night, burying the run's own one-line explanation of
    the full disk (pipeline.explain_failure). Those records are dropped; any other handler error
    is reported as before."""
    report = logging.Handler.handleError

    def handle_error(self, record):
        error = sys.exc_info()[1]
        if isinstance(error, OSError) and error.errno == errno.ENOSPC:
            return
        report(self, record)

    logging.Handler.handleError = handle_error


def configure_prefect(data_dir: Path) -> None:
    """Ephemeral Prefect (no server) with its state inside the data folder; set before importing prefect."""
    quiet_logging_on_a_full_disk()
    os.environ.setdefault("PREFECT_HOME", str(data_dir / "prefect"))
    # a fresh PREFECT_HOME takes 17-21 s to start the ephemeral API, close to the 20 s default
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")


def cmd_crawl(args) -> int:
    """`xxgk crawl`: the URLs as one ad-hoc portal; one entry per body (new or known). Exit 1 when it found none."""
    from scrapers.crawl import adhoc_portal
    from xxgk import pipeline

    data_dir = _data_dir(args)
    portal = adhoc_portal(args.urls)
    settings = pipeline.CrawlSettings(per_host_delay=args.delay, max_retries=args.retries,
                                      allowed_networks=args.allow_network, max_bytes=int(args.max_mb * 1024 * 1024))
    _, (result,) = pipeline.crawl_portals([portal], data_dir, settings, trusted_hosts=list(args.urls))
    crawl_documents, crawl_failures = result["documents"], result["failure_list"]
    documents: dict[str, dict] = {}
    for doc in crawl_documents:
        # one entry per body: the same bytes under two URLs are one document, landed once
        entry = documents.setdefault(doc["sha256"], {**doc, "urls": []})
        entry["urls"].append(doc["url"])
        entry["new"] = entry["new"] or doc["new"]
    output = {
        "documents": list(documents.values()),
        "failures": [{"url": f["url"], "reason": f["reason"], "detail": f["detail"]} for f in crawl_failures],
        "health": result["health"],
        "health_reason": result["health_reason"],
    }
    if args.json:
        print(json.dumps(output, ensure_ascii=False))
    else:
        print(f"{len(documents)} documents, {len(crawl_failures)} failures; portal health {result['health']}")
        for f in crawl_failures:
            print(f"  FAILED {f['url']}: {f['reason']} {f['detail'] or ''}")
    return 0 if documents else 1


def cmd_extract(args) -> int:
    """`xxgk extract`: report files to JSON lines (xxgk.extract_commands)."""
    from xxgk.extract_commands import extract_main

    return extract_main(args.files, args.sources)


def cmd_eval(args) -> int:
    """`xxgk eval`: score against the answers in a folder, or with ``--wild`` describe unlabelled reports."""
    if args.wild:
        from xxgk.wild_evaluation import wild_main

        return wild_main(args.directory, as_json=args.json)
    from xxgk.evaluation import eval_main

    return eval_main(args.directory, text_only=args.text_only)


def cmd_parse(args) -> int:
    """`xxgk parse`: parse what landed into parsed.*. Exit 1 when nothing was there or a document failed."""
    from xxgk.parse_stage import parse_landed

    summary = parse_landed(_data_dir(args), full=args.all, workers=args.workers)
    shown = dict(summary.__dict__)
    if len(summary.failures) > 20:
        # thousands of lines at national scale; parsed.documents holds every one with its reason
        shown["failures"] = summary.failures[:20] + [f"… {len(summary.failures) - 20} more in parsed.documents "
                                                     "(status <> 'parsed')"]
    print(json.dumps(shown, ensure_ascii=False, default=str, indent=1))
    if not summary.documents:
        print("xxgk parse: no landed report in raw.fetches: crawl first (xxgk crawl / xxgk run)", file=sys.stderr)
    return 0 if summary.documents and not summary.failed else 1


def cmd_build(args) -> int:
    """`xxgk build`: dbt build (or the dbt arguments given). Exit 1 when a node failed."""
    from xxgk.pipeline import dbt_build, dbt_build_plain

    if args.dbt_args:
        return 0 if dbt_build_plain(_data_dir(args), args.dbt_args) else 1
    return 0 if dbt_build(_data_dir(args), full_refresh=args.full_refresh) else 1


def cmd_publish(args) -> int:
    """`xxgk publish`: the marts to DIR/xxgk.duckdb, printing each table's rows."""
    from xxgk.publish import publish, published_path

    data_dir = _data_dir(args)
    counts = publish(data_dir, full=args.full)
    for table, n in counts.items():
        print(f"{table}: {n} rows")
    print(f"published {published_path(data_dir)}")
    return 0


def cmd_export(args) -> int:
    """`xxgk export`: the downloads into DIR/export. Exit 1 when the published marts cannot be exported."""
    from xxgk.export import FORMATS, ExportError, export_marts

    data_dir = _data_dir(args)
    try:
        summary = export_marts(data_dir, (args.format,) if args.format else FORMATS)
    except ExportError as error:
        print(f"xxgk export: {error}", file=sys.stderr)
        return 1
    for name, rows in summary.files.items():
        print(f"{name}: {rows} rows")
    print(f"exported to {summary.path} (datapackage.json; {summary.renamed_columns} column names shortened "
          "for Stata, see column_names.csv)")
    return 0


def cmd_site(args) -> int:
    """`xxgk site`: the dashboard into DIR/site. Exit 1 when it cannot be built from the published file."""
    from xxgk.site import SiteError, build_site

    try:
        summary = build_site(_data_dir(args))
    except SiteError as error:
        print(f"xxgk site: {error}", file=sys.stderr)
        return 1
    print(f"dashboard: {summary.path / 'index.html'} ({summary.provinces} provinces, {summary.reports} reports in "
          f"{summary.report_shards} shards); open it in a browser or serve it: python -m http.server -d {summary.path}")
    return 0


def cmd_docs(args) -> int:
    """`xxgk docs`: the data dictionary (dbt docs) into DIR/docs."""
    from xxgk.pipeline import build_docs

    print(f"data dictionary: {build_docs(_data_dir(args)) / 'index.html'}")
    return 0


def cmd_run(args) -> int:
    """`xxgk run`: the nightly flow on registry portals, its summary on stdout. Exit 1 when the run failed."""
    data_dir = _data_dir(args)
    configure_prefect(data_dir)
    if args.dask:
        os.environ["XXGK_DASK_ADDRESS"] = args.dask  # the flow reads it where it picks the crawl's task runner
    from flows.nightly import nightly

    return _run_and_report(nightly, portals=args.portal or None, registry=args.registry, data_dir=str(data_dir),
                           per_host_delay=args.delay, allowed_networks=args.allow_network,
                           max_reports=args.max_reports, portal_hours=args.portal_hours, crawl_hours=args.crawl_hours)


def _run_and_report(flow, **parameters) -> int:
    """Run the nightly flow and print its summary on stdout, whether it passed or not."""
    from flows.nightly import NightlyRunFailed
    from xxgk import pipeline
    from xxgk.pipeline import format_summary

    data_dir = Path(parameters["data_dir"])
    try:
        # before Prefect starts: its database lives in DIR/prefect, on the same disk
        pipeline.check_free_space(data_dir, "the run")
    except OSError as exc:
        reason = pipeline.explain_failure(exc, data_dir)
        print(format_summary(pipeline.summarise(None, data_dir, [], None, None, stopped=("start", reason))))
        print(f"\nnightly run FAILED: not started: {reason}", file=sys.stderr)
        return 1
    try:
        summary = flow(**parameters)
    except NightlyRunFailed as exc:
        print(format_summary(exc.summary))
        print(f"\nnightly run FAILED: {exc}", file=sys.stderr)
        return 1
    print(format_summary(summary))
    return 0


def _next_demo_night(data_dir: Path) -> int:
    """How many demo nights this data folder has seen, this one included (DIR/sample_portal_nights)."""
    marker = Path(data_dir) / "sample_portal_nights"
    marker.parent.mkdir(parents=True, exist_ok=True)
    night = (int(marker.read_text()) if marker.exists() and marker.read_text().strip().isdigit() else 0) + 1
    marker.write_text(str(night))
    return night


def cmd_demo(args) -> int:
    """`xxgk demo`: serve the sample portal and run the nightly flow on it, one more demo night each time.
    Exit 2 when the port is taken."""
    data_dir = _data_dir(args)
    configure_prefect(data_dir)
    from flows.nightly import nightly
    from scrapers.portals import write_registry
    from xxgk.sample_portal import sample_portals, serve

    # a fixed address: a second demo is the same portals on a later night, so nothing is re-landed
    # under new URLs and an edit between two nights shows as a new version of the same page
    port = int(os.environ.get("XXGK_DEMO_PORT", DEMO_PORT))
    night = _next_demo_night(data_dir)
    with contextlib.ExitStack() as stack:
        try:
            base_url = stack.enter_context(serve(port=port, night=night))
        except OSError as error:
            print(f"xxgk demo: cannot serve the sample portal on 127.0.0.1:{port} ({error}); "
                  "set XXGK_DEMO_PORT to a free port", file=sys.stderr)
            return 2
        registry = data_dir / "sample_portals.csv"
        write_registry(sample_portals(base_url), registry)
        print(f"sample portal serving at {base_url}; registry {registry}", flush=True)
        code = _run_and_report(nightly, registry=str(registry), data_dir=str(data_dir), per_host_delay=DEMO_DELAY,
                               allowed_networks=[f"127.0.0.1:{port}"])
    if code == 0:
        published = data_dir / "xxgk.duckdb"
        print(f"\nDone. Open the dashboard: {data_dir / 'site' / 'index.html'} in a browser (or serve it: "
              f"python -m http.server -d {data_dir / 'site'}); downloads in {data_dir / 'export'}; data dictionary "
              f"{data_dir / 'docs' / 'index.html'}.\nQuery the marts read-only, e.g.:\n  .venv/bin/python -c \"import duckdb; "
              f"print(duckdb.connect('{published}', read_only=True).sql('select * from marts.fct_province_year_kpis'))\"")
    return code


def cmd_portals(args) -> int:
    """`xxgk portals`: the registry with each portal's health and last run (xxgk.coverage)."""
    from xxgk.coverage import portals_main

    data_dir = Path(args.data_dir or os.environ.get("XXGK_DATA_DIR", "data")).resolve()
    return portals_main(data_dir, args.write_docs)


def cmd_serve_sample(args) -> int:
    """`xxgk serve-sample`: serve the sample portal until Ctrl-C, printing each portal's seed URLs."""
    from xxgk.sample_portal import sample_portals, serve

    with serve(port=args.port) as base_url:
        for portal in sample_portals(base_url):
            print(f"{portal.id}: {' '.join(portal.seed_urls)}")
        print("serving; Ctrl-C to stop")
        try:
            import time

            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand, each with its handler as ``func``."""
    # long by nature: one flat block of argparse declarations per subcommand reads best as a list
    parser = argparse.ArgumentParser(prog="xxgk", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)

    def with_data_dir(p):
        p.add_argument("--data-dir", help="data folder (default ./data or $XXGK_DATA_DIR)")
        return p

    p = with_data_dir(sub.add_parser("demo", help="serve the sample portal and run the nightly flow on it"))
    p.set_defaults(func=cmd_demo)

    p = with_data_dir(sub.add_parser("crawl", help="crawl URLs (list or report pages) and land what they link to"))
    p.add_argument("urls", nargs="+")
    p.add_argument("--json", action="store_true", help="print one JSON object {documents, failures}")
    p.add_argument("--delay", type=float, default=1.0, help="seconds between requests to one host")
    p.add_argument("--retries", type=int, default=3)
    p.add_argument("--max-mb", type=float, default=50.0, help="size cap per body, on the wire and decompressed")
    p.add_argument("--allow-network", action="append", default=[], metavar="CIDR:PORT",
                   help="a private network and port that links may resolve to, e.g. 10.0.0.0/8:80 (the host "
                        "and port of each URL given are always allowed)")
    p.set_defaults(func=cmd_crawl)

    p = sub.add_parser("extract", help="extract metadata and numbers from .txt/.html report files (JSON lines)")
    p.add_argument("files", nargs="+")
    p.add_argument("--sources", metavar="SOURCES.csv",
                   help="CSV with header path,url,link_text: where each file came from and the link that named it")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("eval", help="score extraction against *.expected.json files in a folder")
    p.add_argument("directory")
    p.add_argument("--wild", action="store_true",
                   help="unlabelled reports: resolved-field shares, tables found and balanced, unmapped labels")
    p.add_argument("--json", action="store_true", help="with --wild: one JSON object instead of the summary")
    p.add_argument("--text-only", action="store_true",
                   help="read each document from its text alone, without the URL of its `# source:` line")
    p.set_defaults(func=cmd_eval)

    p = with_data_dir(sub.add_parser("parse", help="parse landed reports not yet parsed by this parser version "
                                                   "into parsed.*"))
    p.add_argument("--all", action="store_true", help="re-parse every landed report, current or not")
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: one per core)")
    p.set_defaults(func=cmd_parse)

    p = with_data_dir(sub.add_parser(
        "build", help="dbt build on the warehouse, incremental by report (or other dbt arguments, run as given)"))
    p.add_argument("--full-refresh", action="store_true",
                   help="rebuild every model from scratch (automatic after a change of the dbt project "
                        "or a build that did not pass)")
    p.add_argument("dbt_args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_build)

    p = with_data_dir(sub.add_parser("publish", help="publish the marts to DIR/xxgk.duckdb"))
    p.add_argument("--full", action="store_true",
                   help="copy every mart whole (a night updates the report-keyed marts report by report)")
    p.set_defaults(func=cmd_publish)

    p = with_data_dir(sub.add_parser("export", help="write every published mart as Parquet and CSV with "
                                                    "datapackage.json into DIR/export"))
    p.add_argument("--format", choices=["parquet", "csv"], help="only this format (default both)")
    p.set_defaults(func=cmd_export)

    p = with_data_dir(sub.add_parser("site", help="build the static dashboard into DIR/site from the published marts"))
    p.set_defaults(func=cmd_site)

    p = with_data_dir(sub.add_parser("docs", help="build the dbt docs site (the data dictionary) into DIR/docs"))
    p.set_defaults(func=cmd_docs)

    p = with_data_dir(sub.add_parser("run", help="run the nightly flow on registry portals"))
    p.add_argument("--portal", action="append", help="portal id (repeatable; default all)")
    p.add_argument("--registry", help="registry CSV (default scrapers/portals.csv)")
    p.add_argument("--delay", type=float, default=1.0)
    p.add_argument("--allow-network", action="append", default=[], metavar="CIDR:PORT",
                   help="a private network and port the portals may resolve to, e.g. 10.0.0.0/8:80")
    p.add_argument("--dask", metavar="ADDRESS", help="crawl on this Dask scheduler (tcp://host:8786), "
                   "one crawl task per portal spread over its workers")
    p.add_argument("--max-reports", type=int, default=5000, help="report links followed per portal (default 5000)")
    p.add_argument("--portal-hours", type=float, default=2.0, help="time one portal's crawl may take (default 2)")
    p.add_argument("--crawl-hours", type=float, default=6.0,
                   help="time the crawl of all portals may take (default 6); a crawl cut short keeps what landed "
                        "and its portal's health says truncated")
    p.set_defaults(func=cmd_run)

    p = with_data_dir(sub.add_parser("portals", help="registered portals with health and last run"))
    p.add_argument("--write-docs", action="store_true", help="also regenerate docs/portals.md")
    p.set_defaults(func=cmd_portals)

    p = sub.add_parser("serve-sample", help="serve the sample portal for browsing")
    p.add_argument("--port", type=int, default=8765)
    p.set_defaults(func=cmd_serve_sample)
    return parser


def main(argv: list[str] | None = None) -> int:
    """The `xxgk` command. A locked warehouse or a full disk ends with one line and exit 1, not a traceback."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return args.func(args)
    except Exception as exc:
        from xxgk.pipeline import explain_failure

        # a locked warehouse or a full disk is the machine's state, not a bug: say what to do
        reason = explain_failure(exc, _data_dir(args)) if hasattr(args, "data_dir") else None
        if reason is None:
            raise
        print(f"xxgk {args.command}: {reason}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
