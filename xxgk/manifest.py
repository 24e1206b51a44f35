"""``raw.*``, the crawl's side of the warehouse: the one Python module (with the DDL in
:mod:`xxgk.warehouse`) that reads or writes it.

Crawl tasks land bodies and manifest shards without a database (:mod:`xxgk.rawstore`); this
module loads those shards into ``raw.fetches`` / ``raw.blobs`` / ``raw.portal_runs``, keeps the
run and portal bookkeeping (``raw.crawl_runs``, the registry snapshot in ``raw.portals``, a
``crashed`` row for a portal whose crawl task died), answers the crawl's one question of history
(``known_urls``: what each portal landed before, for conditional GET), names the bodies the parse
stage reads (``LANDED_DOCUMENTS_SQL``, with the context of each body's first landing) and gives
``xxgk portals`` the latest run of each portal.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from xxgk import warehouse
from xxgk.rawstore import FETCH_COLUMNS, PORTAL_RUN_COLUMNS, KnownUrl, manifest_dir

log = logging.getLogger(__name__)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# one row per landed report or attachment body, with the context of its first landing (the
# URL, the link that named it, the portal: raw.first_landings, which dbt reads too); later
# fetches never change it, so a body parses the same on any night
LANDED_DOCUMENTS_SQL = """
select
    l.sha256,
    l.url,
    l.headers->>'content-type' as content_type,
    l.link_text,
    l.portal_id,
    p.name as portal_name,
    p.province_code as portal_province_code
from raw.first_landings l
left join raw.portals p using (portal_id)
where l.sha256 in (
    select sha256 from raw.fetches
    where outcome in ('landed', 'not_modified') and role in ('report', 'attachment') and sha256 is not null
)
"""

LATEST_PORTAL_RUNS_SQL = """
select portal_id, run_id, started_at, finished_at, health, health_reason, pages_fetched,
       reports_found, reports_landed, failures,
       count(*) over (partition by portal_id) as runs,
       max(case when health = 'ok' then started_at end) over (partition by portal_id) as last_ok
from raw.portal_runs
qualify row_number() over (partition by portal_id order by started_at desc, run_id desc) = 1
"""

# per portal and URL: the body last seen (landed or confirmed unchanged), the validators of the
# last landing, and where that body was first captured (a WARC revisit points there)
KNOWN_URLS_SQL = """
with wanted as (
    select unnest(?::varchar[]) as portal_id
),
fetches as (
    select f.* from raw.fetches f join wanted using (portal_id)
),
seen as (
    select
        portal_id,
        url,
        arg_max(sha256, fetched_at) as sha256,
        max(fetched_at) as last_checked
    from fetches
    where outcome in ('landed', 'not_modified') and sha256 is not null
    group by portal_id, url
),
landed as (
    select
        portal_id,
        url,
        arg_max(content_type, fetched_at) as content_type,
        arg_max(headers->>'etag', fetched_at) as etag,
        arg_max(headers->>'last-modified', fetched_at) as last_modified
    from fetches
    where outcome = 'landed'
    group by portal_id, url
),
first_capture as (
    select sha256, arg_min(coalesce(final_url, url), fetched_at) as first_url, min(fetched_at) as first_at
    from raw.fetches
    where outcome = 'landed' and sha256 in (select sha256 from seen)
    group by sha256
)
select s.portal_id, s.url, s.sha256, epoch_us(s.last_checked), l.content_type, l.etag, l.last_modified,
       f.first_url, epoch_us(f.first_at)
from seen s
join landed l using (portal_id, url)
join first_capture f using (sha256)
"""


def record_portals(con: duckdb.DuckDBPyConnection, portals: list, selectors: dict[str, dict[str, str]]) -> None:
    """Snapshot the registry entries into raw.portals, with the selectors each crawl uses, so
    parsing never reads the registry (or the family modules) itself."""
    now = datetime.now(UTC)
    rows = [{"portal_id": p.id, "name": p.name, "province_code": p.province_code, "level": p.level,
             "family": p.family, "seed_urls": list(p.seed_urls), "updated_at": now,
             "selectors": json.dumps(selectors.get(p.id, {}), ensure_ascii=False)} for p in portals]
    warehouse.bulk_insert(con, "raw.portals", list(rows[0]) if rows else [], rows, or_replace=True)


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, portals_cnt: int) -> None:
    """The run's row in raw.crawl_runs, open until ``finish_run``."""
    con.execute("insert into raw.crawl_runs (run_id, started_at, portals) values (?, ?, ?)",
                [run_id, datetime.now(UTC), portals_cnt])


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, summary: dict) -> None:
    """Close the run's row with its summary."""
    con.execute("update raw.crawl_runs set finished_at = ?, summary = ?, outcome = 'finished' where run_id = ?",
                [datetime.now(UTC), json.dumps(summary, ensure_ascii=False, default=str), run_id])


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


def record_crashed_portals(con: duckdb.DuckDBPyConnection, run_id: str, crashed: list[dict]) -> None:
    """A raw.portal_runs row, health ``crashed``, for each portal whose crawl task died before it
    could write its own summary (a summary it did write wins)."""
    now = datetime.now(UTC)
    rows = [{"run_id": run_id, "portal_id": c["portal_id"], "started_at": now, "finished_at": now,
             **{k: c.get(k) for k in PORTAL_RUN_COLUMNS[4:]}} for c in crashed]
    if rows:
        warehouse.bulk_insert(con, "raw.portal_runs", PORTAL_RUN_COLUMNS, rows, or_ignore=True)


def latest_portal_runs(data_dir: Path | None) -> dict[str, dict] | None:
    """portal_id → its latest raw.portal_runs row (plus ``runs`` and ``last_ok``), read from the
    warehouse read-only (a status command must never create or migrate it); None when there is
    no warehouse or it has no runs table. Raises duckdb.IOException while a crawl holds its lock."""
    if data_dir is None:
        return None
    path = warehouse.warehouse_path(Path(data_dir))
    if not path.exists():
        return None
    con = duckdb.connect(str(path), read_only=True)
    try:
        has_runs = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'raw' and table_name = 'portal_runs'"
        ).fetchone()[0]
        if not has_runs:
            return None
        cur = con.execute(LATEST_PORTAL_RUNS_SQL)
        names = [d[0] for d in cur.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cur.fetchall()}
    finally:
        con.close()


def known_urls(con: duckdb.DuckDBPyConnection, portal_ids: list[str], data_dir: Path) -> dict[str, dict[str, KnownUrl]]:
    """portal id → URL → KnownUrl of everything each portal landed before whose body is still on disk.

    One pass over raw.fetches for all portals: a query per portal made a no-change night
    quadratic in the number of portals.
    """
    rows = con.execute(KNOWN_URLS_SQL, [list(portal_ids)]).fetchall()
    known: dict[str, dict[str, KnownUrl]] = {portal_id: {} for portal_id in portal_ids}
    # tens of thousands of rows on a national night: string paths, and epoch microseconds made
    # exact datetimes here, cost a third of pathlib's and DuckDB's tz-aware conversion
    raw_dir = os.path.join(data_dir, "raw")
    on_disk: dict[str, bool] = {}
    for portal_id, url, sha, checked_us, ctype, etag, modified, first_url, first_us in rows:
        if sha not in on_disk:
            on_disk[sha] = os.path.exists(os.path.join(raw_dir, sha[:2], sha))
        if on_disk[sha]:
            known[portal_id][url] = KnownUrl(sha, EPOCH + timedelta(microseconds=checked_us), ctype, etag, modified,
                                             first_url, EPOCH + timedelta(microseconds=first_us))
    return known


LOAD_BATCH_SHARDS = 500


def load_pending_manifests(con: duckdb.DuckDBPyConnection, data_dir: Path) -> dict[str, int]:
    """Move every pending manifest shard into raw.fetches / raw.blobs / raw.portal_runs.

    Idempotent (fetch ids are keys); a torn last line from a killed crawl is skipped with a
    warning, because the body it described, if any, is re-fetched by the next run. DuckDB reads
    the shards itself: parsing and re-serialising each line in Python was most of a night's load.
    """
    pending = manifest_dir(data_dir)
    loaded_dir = manifest_dir(data_dir, "loaded")
    totals = {"shards": 0, "fetches": 0, "portal_runs": 0, "torn_lines": 0}
    if not pending.exists():
        return totals
    shards = [shard for shard in sorted(pending.glob("*.ndjson")) if not _being_written(shard)]
    columns = _manifest_columns(con)
    # a batch of shards per transaction: a transaction per shard re-derived raw.blobs from all of
    # raw.fetches each time, which made loading a night of 1,000 portals quadratic
    for start in range(0, len(shards), LOAD_BATCH_SHARDS):
        batch = shards[start:start + LOAD_BATCH_SHARDS]
        with tempfile.TemporaryDirectory(prefix="xxgk-manifest-") as scratch:
            files = [str(_whole_lines(shard, Path(scratch), totals)) for shard in batch]
            counts = _load_batch(con, files, columns)
        loaded_dir.mkdir(parents=True, exist_ok=True)
        for shard in batch:
            shutil.move(str(shard), loaded_dir / shard.name)
        totals["shards"] += len(batch)
        totals["fetches"] += counts.get("fetches", 0)
        totals["portal_runs"] += counts.get("portal_runs", 0)
    return totals


def _being_written(shard: Path) -> bool:
    """Whether a crawl still holds ``shard`` open (see RunFiles); its lines are loaded once it closes."""
    with open(shard, "rb") as f:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            log.warning("%s is still being written by a running crawl: left for the next load", shard.name)
            return True
        fcntl.flock(f.fileno(), fcntl.LOCK_UN)
        return False


def _manifest_columns(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Column → type of every manifest line: raw.fetches' and raw.portal_runs' columns, and "table"."""
    types = {**warehouse.column_types(con, "raw.fetches"), **warehouse.column_types(con, "raw.portal_runs")}
    return {"table": "VARCHAR", **{c: types[c] for c in dict.fromkeys(FETCH_COLUMNS + PORTAL_RUN_COLUMNS)}}


def _whole_lines(shard: Path, scratch: Path, totals: dict[str, int]) -> Path:
    """``shard``, or a copy without its torn last line when a killed crawl left one."""
    with open(shard, "rb") as f:
        f.seek(0, os.SEEK_END)
        if f.tell() == 0:
            return shard
        f.seek(-1, os.SEEK_END)
        if f.read(1) == b"\n":  # every line is written with its newline: a whole last line ends with one
            return shard
        f.seek(0)
        data = f.read()
    totals["torn_lines"] += 1
    log.warning("%s: torn last line (killed crawl); its URL will be fetched again", shard.name)
    whole = scratch / shard.name
    whole.write_bytes(data[:data.rfind(b"\n") + 1])
    return whole


def _load_batch(con: duckdb.DuckDBPyConnection, files: list[str], columns: dict[str, str]) -> dict[str, int]:
    spec = ", ".join(f"'{c}': '{t}'" for c, t in columns.items())
    fetch_columns, run_columns = ", ".join(FETCH_COLUMNS), ", ".join(PORTAL_RUN_COLUMNS)
    con.execute("begin transaction")
    try:
        con.execute(f"""
            create or replace temp table manifest_batch as
            select * from read_json(?, format = 'newline_delimited', columns = {{{spec}}})
        """, [files])
        counts = dict(con.execute('select "table", count(*) from manifest_batch group by 1').fetchall())
        con.execute(f"""
            insert or ignore into raw.fetches ({fetch_columns})
            select {fetch_columns} from manifest_batch where "table" = 'fetches'
        """)
        con.execute("""
            insert or ignore into raw.blobs
            select sha256, any_value(bytes), min(fetched_at), 'raw/' || sha256[1:2] || '/' || sha256
            from raw.fetches
            where outcome = 'landed' and sha256 in (
                select sha256 from manifest_batch where "table" = 'fetches' and outcome = 'landed')
            group by sha256
        """)
        # a retried crawl task can leave two summaries of one portal and run: the later one wins
        con.execute(f"""
            insert or replace into raw.portal_runs ({run_columns})
            select {run_columns} from manifest_batch where "table" = 'portal_runs'
            qualify row_number() over (partition by run_id, portal_id order by finished_at desc nulls last) = 1
        """)
        con.execute("drop table manifest_batch")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return counts
