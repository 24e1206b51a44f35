"""The nightly pipeline as plain functions; flows/nightly.py wraps them as Prefect tasks.

crawl → land raw → parse → load parsed tables → dbt build → publish. Each function reads only
what the one before it wrote, so each can be re-run alone over all history.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import re
import shutil
import sys
import uuid
from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from scrapers.crawl import CrawlLimits, crawl_portal_steps
from scrapers.http import ClientConfig, HostGates, PoliteClient
from scrapers.schedule import shared_scheduler
from scrapers.portals import Portal
from xxgk import folders, warehouse
from xxgk.rawstore import RawStore, known_urls, load_pending_manifests

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"


def default_data_dir() -> Path:
    return Path(os.environ.get("XXGK_DATA_DIR", "data")).resolve()


@dataclass
class CrawlSettings:
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
        return CrawlLimits(max_reports=self.max_reports, portal_seconds=self.portal_seconds, stop_at=self.stop_at)

    def client(self, gates: HostGates | None = None) -> PoliteClient:
        config = ClientConfig(
            max_bytes=self.max_bytes,
            per_host_delay=self.per_host_delay,
            allow_private=self.allow_private,
            max_retries=self.max_retries,
            backoff_base=self.backoff_base,
        )
        return PoliteClient(config, allowed_networks=self.allowed_networks, gates=gates)


def record_portals(con: duckdb.DuckDBPyConnection, portals: list[Portal]) -> None:
    """Snapshot the registry entries into raw.portals, so parsing never reads the registry itself."""
    now = datetime.now(UTC)
    rows = [{"portal_id": p.id, "name": p.name, "province_code": p.province_code, "level": p.level,
             "family": p.family, "seed_urls": list(p.seed_urls), "updated_at": now} for p in portals]
    warehouse.bulk_insert(con, "raw.portals", list(rows[0]) if rows else [], rows, or_replace=True)


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:8]


def prepare_run(data_dir: Path, run_id: str, portals: list[Portal]) -> dict[str, dict]:
    """Before crawling: load shards a killed run left behind, record the run, and read each portal's
    known URLs, then close the warehouse so crawl tasks (threads, processes, Dask workers) never
    contend for it."""
    con = warehouse.connect(data_dir)
    try:
        leftover = load_pending_manifests(con, data_dir)
        if leftover["shards"]:
            log.warning("loaded %d manifest shards left by an earlier run", leftover["shards"])
        abandon_unfinished_runs(con, run_id)
        record_portals(con, portals)
        con.execute("insert into raw.crawl_runs (run_id, started_at, portals) values (?, ?, ?)",
                    [run_id, datetime.now(UTC), len(portals)])
        return known_urls(con, [p.id for p in portals], data_dir)
    finally:
        con.close()


def abandon_unfinished_runs(con: duckdb.DuckDBPyConnection, run_id: str) -> int:
    """Mark runs that never finished as abandoned (killed or crashed; runs on one data folder do
    not overlap, so a run still open when the next one starts will not finish). Their shards were
    just loaded by ``run_id``. Returns how many were marked."""
    (count,) = con.execute(
        "update raw.crawl_runs set outcome = 'abandoned', outcome_reason = ? "
        "where finished_at is null and outcome is null and run_id <> ?",
        [f"never finished (killed or crashed); what it landed was loaded by run {run_id}", run_id]).fetchone()
    if count:
        log.warning("marked %d unfinished crawl run(s) as abandoned", count)
    return count


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


def finish_run(data_dir: Path, run_id: str, summary: dict) -> dict[str, int]:
    """Load this run's manifest shards into raw.* and close the run record."""
    con = warehouse.connect(data_dir)
    try:
        loaded = load_pending_manifests(con, data_dir)
        con.execute("update raw.crawl_runs set finished_at = ?, summary = ?, outcome = 'finished' where run_id = ?",
                    [datetime.now(UTC), json.dumps(summary, ensure_ascii=False, default=str), run_id])
        return loaded
    finally:
        con.close()


def dbt_env(data_dir: Path) -> dict[str, str]:
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
DBT_LOGIC_PATHS = ("models", "macros", "seeds", "dbt_project.yml")


def dbt_project_fingerprint() -> str:
    """sha256 over the dbt project's models, macros, seeds and dbt_project.yml (paths and bytes)."""
    digest = hashlib.sha256()
    for name in DBT_LOGIC_PATHS:
        root = DBT_PROJECT_DIR / name
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            digest.update(str(path.relative_to(DBT_PROJECT_DIR)).encode() + b"\0")
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
