"""The nightly pipeline as plain functions; flows/nightly.py wraps them as Prefect tasks.

crawl → land raw → parse → load parsed tables → dbt build → publish. Each function reads only
what the one before it wrote, so each can be re-run alone over all history.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
import uuid
from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from scrapers.crawl import crawl_portal_steps
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
        record_portals(con, portals)
        con.execute("insert into raw.crawl_runs (run_id, started_at, portals) values (?, ?, ?)",
                    [run_id, datetime.now(UTC), len(portals)])
        return known_urls(con, [p.id for p in portals], data_dir)
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
    # the client and store are made in the first step, on a scheduler worker: a thousand task
    # threads starting at once then only wait, instead of all contending for the GIL
    client = settings.client(gates)
    client.trust_hosts(trusted_hosts or [])
    try:
        with RawStore(data_dir, run_id, portal.id, known) as store:
            crawl = yield from crawl_portal_steps(portal, client, store)
    finally:
        client.close()
    return {**crawl.summary(), "failure_list": crawl.failures, "documents": crawl.documents}


def finish_run(data_dir: Path, run_id: str, summary: dict) -> dict[str, int]:
    """Load this run's manifest shards into raw.* and close the run record."""
    con = warehouse.connect(data_dir)
    try:
        loaded = load_pending_manifests(con, data_dir)
        con.execute("update raw.crawl_runs set finished_at = ?, summary = ? where run_id = ?",
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
    from xxgk.publish import published_path
    path = published_path(data_dir)
    if not path.exists():
        return {}
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = con.execute("select schema_name, table_name from duckdb_tables() order by 1, 2").fetchall()
        return {f"{s}.{t}": con.execute(f'select count(*) from {s}."{t}"').fetchone()[0] for s, t in tables}
    finally:
        con.close()


def format_summary(summary: dict) -> str:
    """The run summary as Markdown: printed at the end of a run and stored as a Prefect artifact."""
    lines = [
        f"# xxgk nightly run {summary['run_id']}",
        "",
        f"- portals: {summary['portals']} ({summary['portals_ok']} ok, {summary['portals_failed']} failing)",
        f"- reports found: {summary['reports_found']}, landed: {summary['reports_landed']}, "
        f"attachments landed: {summary['attachments_landed']}",
        f"- documents: {summary['parse']['documents']} landed, {summary['parse']['reparsed']} parsed this run "
        f"({summary['parse']['up_to_date']} already current): {summary['parse']['parsed']} parsed, "
        f"{summary['parse']['failed']} failed, {summary['parse']['unsupported']} unsupported; "
        f"by type: {summary['parse']['by_doc_type']}",
        f"- facts: {summary['parse']['facts']}, quality issues: {summary['parse']['issues']}",
        f"- failures (URLs not landed): {summary['url_failures']}",
        f"- dbt build: {'passed' if summary['dbt_ok'] else 'FAILED'}",
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


def summarise(run_id: str, data_dir: Path, portal_results: list[dict], parse_summary, dbt_ok: bool,
              outputs: dict[str, str | None] | None = None) -> dict:
    """The run in figures; ``outputs`` maps each output built after publish (export, docs, site) to
    None when it was built, else the reason it was not."""
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
        "failure_reasons": reasons,
        "parse": {
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
        "mart_rows": mart_row_counts(data_dir),
        "portal_results": [
            {k: v for k, v in p.items() if k not in ("failure_list", "documents")} for p in portal_results
        ],
        "published": str(published_path(data_dir)),
        "warehouse": str(warehouse.warehouse_path(data_dir)),
        "raw_dir": str(Path(data_dir) / "raw"),
        "data_dir": str(Path(data_dir)),
    }
