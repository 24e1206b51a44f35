"""The nightly pipeline as plain functions; flows/nightly.py wraps them as Prefect tasks.

crawl → land raw → load manifest → parse → dbt build → publish → export, docs, site (the
stages of docs/architecture.md). Each reads only what the one before it wrote, so each can be
re-run alone over all history. The crawl of a run is composed here once (``crawl_portals``).
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
import shutil
import sys
import uuid
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import duckdb

from scrapers.crawl import CrawlLimits, crawl_portal_steps
from scrapers.families import default_selectors
from scrapers.http import ClientConfig, HostGates, PoliteClient
from scrapers.schedule import shared_scheduler
from scrapers.portals import Portal
from xxgk import folders, manifest, warehouse
from xxgk.rawstore import RawStore

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"


def default_data_dir() -> Path:
    """$XXGK_DATA_DIR, else ./data, as an absolute path."""
    return Path(os.environ.get("XXGK_DATA_DIR", "data")).resolve()


@dataclass
class CrawlSettings:
    """A run's crawl settings, picklable so a Dask worker can build its own client and limits from them."""

    per_host_delay: float = 1.0
    allow_private: bool = False
    allowed_networks: list[str] = field(default_factory=list)
    max_retries: int = 3
    backoff_base: float = 1.0
    max_bytes: int = ClientConfig.max_bytes
    # bounds of each portal's crawl and of the run (scrapers.crawl.CrawlLimits); stop_at is absolute
    max_reports: int = CrawlLimits.max_reports
    portal_seconds: float = CrawlLimits.portal_seconds
    stop_at: datetime | None = None

    def limits(self) -> CrawlLimits:
        """Each portal's crawl limits."""
        return CrawlLimits(max_reports=self.max_reports, portal_seconds=self.portal_seconds, stop_at=self.stop_at)

    def client(self, gates: HostGates | None = None) -> PoliteClient:
        """A client with these settings; ``gates`` shares the per-host politeness with other crawls."""
        config = ClientConfig(
            max_bytes=self.max_bytes,
            per_host_delay=self.per_host_delay,
            allow_private=self.allow_private,
            max_retries=self.max_retries,
            backoff_base=self.backoff_base,
        )
        return PoliteClient(config, allowed_networks=self.allowed_networks, gates=gates)


def new_run_id() -> str:
    """A run id that sorts by start time: UTC timestamp, then a random suffix."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:8]


def prepare_run(data_dir: Path, run_id: str, portals: list[Portal]) -> dict[str, dict]:
    """Before crawling: load shards a killed run left behind, record the run, and read each portal's
    known URLs, then close the warehouse so crawl tasks (threads, processes, Dask workers) never
    contend for it."""
    con = warehouse.connect(data_dir)
    try:
        leftover = manifest.load_pending_manifests(con, data_dir)
        if leftover["shards"]:
            log.warning("loaded %d manifest shards left by an earlier run", leftover["shards"])
        manifest.abandon_unfinished_runs(con, run_id)
        manifest.record_portals(con, portals, {p.id: default_selectors(p) for p in portals})
        manifest.start_run(con, run_id, len(portals))
        return manifest.known_urls(con, [p.id for p in portals], data_dir)
    finally:
        con.close()


# Crawl workers are many threads, mostly waiting on sockets. With CPython's 5 ms switch interval
# each thread waiting for the GIL wakes 200 times a second to force a switch; with a thread per
# portal the process spent most of its CPU in futex calls. Threads doing I/O release the GIL
# anyway, so a longer interval costs them nothing and gave 3x the throughput (benchmarks/run.py).
CRAWL_SWITCH_INTERVAL = 0.05


def crawl_one(portal: Portal, settings: CrawlSettings, data_dir: Path, run_id: str, known: dict,
              trusted_hosts: list[str] | None = None) -> dict:
    """Crawl one portal with its own client and store; picklable arguments, so it runs on any worker.

    The crawl runs on the process's shared scheduler: the calling thread (a Prefect task's) only
    waits for it, and the per-host gates are shared with every other crawl in the process.
    """
    if sys.getswitchinterval() < CRAWL_SWITCH_INTERVAL:
        sys.setswitchinterval(CRAWL_SWITCH_INTERVAL)
    scheduler = shared_scheduler()
    return scheduler.run(crawl_one_steps(portal, settings, data_dir, run_id, known, trusted_hosts, scheduler.gates))


def crawl_one_steps(portal: Portal, settings: CrawlSettings, data_dir: Path, run_id: str, known: dict,
                    trusted_hosts: list[str] | None, gates: HostGates) -> Generator[float, None, dict]:
    """:func:`crawl_one` as a generator of waits; returns the crawl's summary with its failures and documents."""
    # the client and store are made in the first step, on a scheduler worker: a thousand task
    # threads starting at once then only wait, instead of all contending for the GIL
    client = settings.client(gates)
    client.trust_hosts(trusted_hosts or [])
    try:
        with RawStore(data_dir, run_id, portal.id, known) as store:
            crawl = yield from crawl_portal_steps(portal, client, store, settings.limits())
    finally:
        client.close()
    return {**crawl.summary(), "failure_list": crawl.failures, "documents": crawl.documents}


def finish_run(data_dir: Path, run_id: str, summary: dict, crashed: list[dict] | None = None) -> dict[str, int]:
    """Load this run's manifest shards into raw.*, record the portals whose crawl crashed, and
    close the run record."""
    con = warehouse.connect(data_dir)
    try:
        loaded = manifest.load_pending_manifests(con, data_dir)
        manifest.record_crashed_portals(con, run_id, crashed or [])
        manifest.finish_run(con, run_id, summary)
        return loaded
    finally:
        con.close()


def select_portals(registry: list[Portal], ids: list[str] | None) -> list[Portal]:
    """The registry portals named by ``ids`` (all when empty), in registry order; an unknown id or
    an empty selection is an error, never a night that quietly crawls nothing."""
    unknown = set(ids or []) - {p.id for p in registry}
    if unknown:
        raise ValueError(f"unknown portal ids: {sorted(unknown)}")
    selected = [p for p in registry if not ids or p.id in ids]
    if not selected:
        raise ValueError("no portals to crawl")
    return selected


class CrawlHandle(Protocol):
    """A submitted crawl of one portal: ``result()`` returns its summary or raises why it died."""

    def result(self) -> dict:
        """The crawl's summary (crawl_one's return), or the exception it died of, raised."""


# submit(portal, crawl_one arguments, handles of the crawls it must wait for) -> its handle
SubmitCrawl = Callable[[Portal, tuple, list[CrawlHandle]], CrawlHandle]


class _CrawledNow:
    """The handle of a crawl run directly in this thread (the CLI)."""

    def __init__(self, args: tuple):
        self._summary: dict | None = None
        self._error: Exception | None = None
        try:
            self._summary = crawl_one(*args)
        except Exception as exc:  # noqa: BLE001 -- kept and raised by result(), as a task runner would
            self._error = exc

    def result(self) -> dict:
        if self._error is not None:
            raise self._error
        return self._summary


def crawl_directly(portal: Portal, args: tuple, after: list[CrawlHandle]) -> CrawlHandle:
    """Run one portal's crawl now; the crawls before it have ended already, so ``after`` holds."""
    return _CrawledNow(args)


def crashed_result(portal: Portal, message: str) -> dict:
    """The summary of a portal whose crawl task died before it could write its own."""
    return {
        "portal_id": portal.id, "health": "crashed", "health_reason": message[:300], "pages_fetched": 0,
        "reports_found": 0, "reports_landed": 0, "attachments_landed": 0, "known_skipped": 0, "failures": 0,
        "truncated": None, "failure_list": [], "documents": [],
    }


def crawl_portals(portals: list[Portal], data_dir: Path, settings: CrawlSettings,
                  trusted_hosts: list[str] | None = None, submit: SubmitCrawl = crawl_directly,
                  ) -> tuple[str, list[dict]]:
    """The crawl of one run, composed in this one place: prepare the run, submit one crawl per
    portal, each after the last submitted crawl on any of its hosts (so a host never sees two of
    our crawls at once, while different hosts run in parallel), record a ``crashed`` portal run
    for each crawl that died, and finish (load the shards into raw.*). Returns the run id and one
    summary per portal, in order.

    ``submit`` decides where crawls run: directly in this thread by default, or as the Prefect
    flow's tasks (flows/nightly.py passes its task's submit, which holds retries and the runner).
    """
    run_id = new_run_id()
    known = prepare_run(data_dir, run_id, portals)
    last_on_host: dict[str, CrawlHandle] = {}
    handles = []
    for portal in portals:
        after = [last_on_host[h] for h in sorted(portal.hosts) if h in last_on_host]
        handle = submit(portal, (portal, settings, data_dir, run_id, known[portal.id], trusted_hosts or []), after)
        for host in portal.hosts:
            last_on_host[host] = handle
        handles.append(handle)
    results, crashed = [], []
    for portal, handle in zip(portals, handles, strict=True):
        try:
            results.append(handle.result())
        except Exception as exc:  # noqa: BLE001 -- one portal's crash is recorded; the others' results stand
            log.error("crawl of %s crashed: %s", portal.id, exc)
            crashed.append(crashed_result(portal, str(exc)))
            results.append(crashed[-1])
    loaded = finish_run(data_dir, run_id, {"portals": [r["portal_id"] for r in results]}, crashed)
    log.info("loaded %d manifest rows from %d shards", loaded["fetches"], loaded["shards"])
    return run_id, results


def dbt_env(data_dir: Path) -> dict[str, str]:
    """The environment dbt runs in: the warehouse to build, logs and target inside DIR/dbt, no telemetry."""
    return {
        "XXGK_WAREHOUSE": str(warehouse.warehouse_path(data_dir)),
        "DBT_LOG_PATH": str(Path(data_dir) / "dbt" / "logs"),
        "DBT_TARGET_PATH": str(Path(data_dir) / "dbt" / "target"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
    }


def dbt_build_plain(data_dir: Path, args: list[str] | None = None, *, quiet: bool = False) -> bool:
    """Run ``dbt build`` (or ``args``); True when every node passed. ``quiet``: only warnings and
    errors on the terminal (the nightly run ends with its summary); DIR/dbt/logs/dbt.log has it all."""
    from dbt.cli.main import dbtRunner

    os.environ.update(dbt_env(data_dir))
    terminal = ["--log-level", "warn"] if quiet else []
    result = dbtRunner().invoke([*(args or ["build"]), *terminal, "--project-dir", str(DBT_PROJECT_DIR)])
    if result.exception:
        raise result.exception
    for node in getattr(result.result, "results", None) or []:
        if str(node.status) in {"error", "fail", "runtime error"}:
            log.error("dbt %s %s: %s", node.node.resource_type, node.node.name, node.message)
    return bool(result.success)


# what the marts are computed by: a change here makes the next build a full refresh, so the
# incremental models never hold rows of two versions of their logic side by side
# (../xxgk/parsing/labels: the vocabularies dbt seeds from the parser's own files, seed-paths)
DBT_LOGIC_PATHS = ("models", "macros", "seeds", "../xxgk/parsing/labels", "dbt_project.yml")


def dbt_project_fingerprint() -> str:
    """sha256 over the dbt project's models, macros, seeds (both seed paths) and dbt_project.yml
    (paths and bytes)."""
    digest = hashlib.sha256()
    for name in DBT_LOGIC_PATHS:
        root = DBT_PROJECT_DIR / name
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            digest.update(os.path.relpath(path, DBT_PROJECT_DIR).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def built_project_stamp(data_dir: Path) -> Path:
    """DIR/dbt/built_project.sha256: the dbt project fingerprint of the last build that passed."""
    return Path(data_dir) / "dbt" / "built_project.sha256"


def dbt_build(data_dir: Path, *, full_refresh: bool = False, quiet: bool = False) -> bool:
    """``dbt build``, incremental where the models are, a full refresh when asked, when the dbt
    project changed since the last build that passed, or when that build failed or was cut off
    (the stamp is removed before and written only after a passing build)."""
    stamp = built_project_stamp(data_dir)
    fingerprint = dbt_project_fingerprint()
    previous = stamp.read_text().strip() if stamp.exists() else None
    reason = ("asked" if full_refresh else "no passing build recorded" if previous is None
              else "the dbt project changed" if previous != fingerprint else None)
    if reason:
        log.info("dbt build: full refresh (%s)", reason)
    stamp.unlink(missing_ok=True)
    # unit tests check the models' logic on fixed rows, not the data: with the project as it was at
    # the last passing build they cannot give another answer, so a night leaves them out
    mode = ["--full-refresh"] if reason else ["--exclude-resource-type", "unit_test"]
    ok = dbt_build_plain(data_dir, ["build", *mode], quiet=quiet)
    if ok:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(fingerprint + "\n")
    return ok


DOCS = "docs"


def build_docs(data_dir: Path) -> Path:
    """The dbt docs site of the warehouse (models, columns, lineage, tests) into DIR/docs, swapped in
    whole; ``--static`` makes index.html one self-contained file that opens from the file system."""
    target = Path(data_dir) / "dbt" / "target"
    if not dbt_build_plain(data_dir, ["docs", "generate", "--static"], quiet=True):
        raise RuntimeError(f"dbt docs generate failed: see {Path(data_dir) / 'dbt' / 'logs' / 'dbt.log'}")
    with folders.building(data_dir, DOCS) as folder:
        shutil.copy2(target / "static_index.html", folder / "index.html")
        for name in ("manifest.json", "catalog.json"):
            shutil.copy2(target / name, folder / name)
    return Path(data_dir) / DOCS


def mart_row_counts(data_dir: Path) -> dict[str, int]:
    """Row counts of the published marts: what BI users see (after a stopped run, what they saw)."""
    from xxgk.publish import published_path

    path = published_path(data_dir)
    if not path.exists():
        return {}
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        log.warning("cannot read %s for the summary: %s", path, exc)
        return {}
    try:
        tables = con.execute("select schema_name, table_name from duckdb_tables() order by 1, 2").fetchall()
        return {f"{s}.{t}": con.execute(f'select count(*) from {s}."{t}"').fetchone()[0] for s, t in tables}
    finally:
        con.close()


# a stage is not started with less than this free under DIR (XXGK_MIN_FREE_MB): a disk that fills
# mid-stage takes dbt's and Prefect's own log files with it, and their errors bury the real one
MIN_FREE_MB = 200


def check_free_space(data_dir: Path, before: str) -> None:
    """Raise OSError(ENOSPC) when the device of DIR has less than XXGK_MIN_FREE_MB free."""
    minimum = int(os.environ.get("XXGK_MIN_FREE_MB", MIN_FREE_MB))
    existing = Path(data_dir)
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    free = shutil.disk_usage(existing).free / 2**20
    if free < minimum:
        raise OSError(errno.ENOSPC, f"No space left on device: {free:,.0f} MB free under {data_dir}, less than "
                                    f"the {minimum:,} MB a night needs (XXGK_MIN_FREE_MB) before {before}")


def _exception_chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (\S+) \(PID (\d+)\)")


def machine_failure(exc: BaseException) -> tuple[str, BaseException] | None:
    """('locked' | 'disk_full', the error) when ``exc`` (or what caused it) is a failure of the
    machine rather than of the code: the working warehouse locked by another process, a full disk."""
    for error in _exception_chain(exc):
        text = str(error)
        if "Could not set lock" in text or "Conflicting lock" in text:
            return "locked", error
        if (isinstance(error, OSError) and error.errno == errno.ENOSPC) or "No space left on device" in text:
            return "disk_full", error
    return None


def explain_failure(exc: BaseException, data_dir: Path) -> str | None:
    """One line for the operator, saying what happened and what to do, for a machine failure
    (:func:`machine_failure`). None for anything else (that is a bug, and keeps its traceback)."""
    found = machine_failure(exc)
    if found is not None:
        kind, error = found
        text = str(error)
        if kind == "locked":
            holder = _LOCK_HOLDER.search(text)
            by = f" by {holder.group(1)} (PID {holder.group(2)})" if holder else ""
            return (f"the working warehouse {warehouse.warehouse_path(data_dir)} is held open{by}: close that "
                    f"program (BI tools and notebooks should open the published copy "
                    f"{Path(data_dir) / 'xxgk.duckdb'} read-only) and run again")
        if kind == "disk_full":
            try:
                free = f"{shutil.disk_usage(data_dir).free / 2**20:,.0f} MB free"
            except OSError:
                free = "free space unknown"
            return (f"no space left on the device of {data_dir} ({free}): free space there (old WARC files "
                    f"under {Path(data_dir) / 'warc'}, superseded outputs under {Path(data_dir) / '.versions'}) "
                    f"and run again; what was committed before is intact")
    return None


def format_summary(summary: dict) -> str:
    """The run summary as Markdown: printed at the end of a run and stored as a Prefect artifact."""
    parse = summary["parse"]
    stopped = summary.get("stopped")
    lines = [
        f"# xxgk nightly run {summary['run_id'] or '(no run started)'}",
        "",
        *([f"- STOPPED in {stopped['stage']}: {stopped['reason']}"] if stopped else []),
        f"- portals: {summary['portals']} ({summary['portals_ok']} ok, {summary['portals_failed']} failing)",
        f"- reports found: {summary['reports_found']}, landed: {summary['reports_landed']}, "
        f"attachments landed: {summary['attachments_landed']}",
        (f"- documents: {parse['documents']} landed, {parse['reparsed']} parsed this run "
         f"({parse['up_to_date']} already current): {parse['parsed']} parsed, "
         f"{parse['failed']} failed, {parse['unsupported']} unsupported; by type: {parse['by_doc_type']}"
         if parse else "- documents: not parsed (the run stopped before the parse stage)"),
        *([f"- facts: {parse['facts']}, quality issues: {parse['issues']}"] if parse else []),
        f"- failures (URLs not landed): {summary['url_failures']}",
        *([f"- crawls truncated at a cap or deadline: {summary['portals_truncated']} (see health below)"]
          if summary.get("portals_truncated") else []),
        f"- dbt build: {'not run' if summary['dbt_ok'] is None else 'passed' if summary['dbt_ok'] else 'FAILED'}",
        *(f"- {name}: {'ok' if error is None else 'FAILED: ' + error}" for name, error in summary.get("outputs", {}).items()),
        "",
        "| portal | health | pages | reports found | landed | failures |",
        "|---|---|---|---|---|---|",
    ]
    for p in summary["portal_results"]:
        health = p["health"] + (f" ({p['health_reason']})" if p.get("health_reason") else "")
        lines.append(
            f"| {p['portal_id']} | {health} | {p['pages_fetched']} | {p['reports_found']} | "
            f"{p['reports_landed']} | {p['failures']} |"
        )
    if summary.get("failure_reasons"):
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(summary["failure_reasons"].items()))
        lines += ["", f"Failures by reason: {reasons}"]
    lines += ["", "| mart | rows |", "|---|---|"]
    lines += [f"| {table} | {n} |" for table, n in summary.get("mart_rows", {}).items()]
    lines += [
        "",
        f"Published warehouse (open read-only in your BI tool): {summary['published']}",
        f"Downloads (Parquet, CSV, datapackage.json): {Path(summary['data_dir']) / 'export'}",
        f"Data dictionary (dbt docs): {Path(summary['data_dir']) / DOCS / 'index.html'}",
        f"Dashboard: {Path(summary['data_dir']) / 'site' / 'index.html'} (open it in a browser, or serve the "
        f"folder: python -m http.server -d {Path(summary['data_dir']) / 'site'})",
        f"Working warehouse: {summary['warehouse']}; raw bodies: {summary['raw_dir']}",
    ]
    return "\n".join(lines)


def summarise(run_id: str | None, data_dir: Path, portal_results: list[dict], parse_summary, dbt_ok: bool | None,
              outputs: dict[str, str | None] | None = None, stopped: tuple[str, str] | None = None) -> dict:
    """The run in figures; ``outputs`` maps each output built after publish (export, docs, site) to
    None when it was built, else the reason it was not. A run that stopped early (``stopped``:
    stage and reason) has None for what it did not reach: ``parse_summary``, ``dbt_ok``."""
    from xxgk.publish import published_path

    reasons: dict[str, int] = {}
    for p in portal_results:
        for failure in p.get("failure_list", []):
            reasons[failure["reason"]] = reasons.get(failure["reason"], 0) + 1
    return {
        "run_id": run_id,
        "portals": len(portal_results),
        "portals_ok": sum(p["health"] == "ok" for p in portal_results),
        "portals_failed": sum(p["health"] != "ok" for p in portal_results),
        "reports_found": sum(p["reports_found"] for p in portal_results),
        "reports_landed": sum(p["reports_landed"] for p in portal_results),
        "attachments_landed": sum(p["attachments_landed"] for p in portal_results),
        "url_failures": sum(p["failures"] for p in portal_results),
        "portals_truncated": sum(bool(p.get("truncated")) for p in portal_results),
        "failure_reasons": reasons,
        "parse": None if parse_summary is None else {
            "documents": parse_summary.documents,
            "reparsed": parse_summary.reparsed,
            "up_to_date": parse_summary.up_to_date,
            "parsed": parse_summary.parsed,
            "failed": parse_summary.failed,
            "unsupported": parse_summary.unsupported,
            "facts": parse_summary.facts,
            "issues": parse_summary.issues,
            "by_doc_type": parse_summary.by_doc_type,
        },
        "dbt_ok": dbt_ok,
        "outputs": outputs or {},
        "stopped": None if stopped is None else {"stage": stopped[0], "reason": stopped[1]},
        "mart_rows": mart_row_counts(data_dir),
        "portal_results": [
            {k: v for k, v in p.items() if k not in ("failure_list", "documents")} for p in portal_results
        ],
        "published": str(published_path(data_dir)),
        "warehouse": str(warehouse.warehouse_path(data_dir)),
        "raw_dir": str(Path(data_dir) / "raw"),
        "data_dir": str(Path(data_dir)),
    }
