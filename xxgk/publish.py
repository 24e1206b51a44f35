"""Publish the marts for BI tools: a separate read-only copy, replaced atomically.

DuckDB allows one writer or many readers, never both; a BI tool holding the published file
open must neither block the nightly run nor see a half-built warehouse. So the marts are
copied into a temporary file beside the target and renamed over it: readers holding the old
file keep reading the old, complete inode; new readers see the new one.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import uuid
from pathlib import Path

import duckdb

from xxgk import warehouse

PUBLISHED_NAME = "xxgk.duckdb"
log = logging.getLogger(__name__)
PUBLISHED_SCHEMAS = ("marts",)
# BI tools often bundle DuckDB 1.x drivers, which cannot open files in the 2.0 storage format
STORAGE_COMPATIBILITY = "v1.0.0"


MARTS_DIR = Path(__file__).resolve().parent.parent / "dbt_project" / "models" / "marts"


def current_marts() -> set[str]:
    """Names of the mart models of the dbt project (one .sql file each)."""
    return {path.stem for path in MARTS_DIR.glob("*.sql")}


def published_path(data_dir: Path) -> Path:
    """DIR/xxgk.duckdb, the read-only copy BI tools and the exports read."""
    return Path(data_dir) / PUBLISHED_NAME


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def copy_comments(con: duckdb.DuckDBPyConnection, source_db: str, schema: str, table: str) -> None:
    """Carry the table's and its columns' comments (dbt's descriptions, persist_docs) into the copy:
    ``create table as`` keeps the data only, and a BI tool shows the comments as column help."""
    (table_comment,) = con.execute(
        "select comment from duckdb_tables() where database_name = ? and schema_name = ? and table_name = ?",
        [source_db, schema, table]).fetchone()
    if table_comment:
        con.execute(f"comment on table {schema}.{table} is {_sql_string(table_comment)}")
    for column, comment in con.execute(
            "select column_name, comment from duckdb_columns() where database_name = ? and schema_name = ? "
            "and table_name = ? and comment is not null and comment <> ''", [source_db, schema, table]).fetchall():
        con.execute(f'comment on column {schema}.{table}."{column}" is {_sql_string(comment)}')


# a mart with both columns is updated report by report: rows of fingerprints that are gone are
# deleted, rows of new ones inserted (the per-report dbt models work the same way)
REPORT_KEY = ("report_id", "report_fingerprint")
# deleted rows leave room in the file that DuckDB does not always give back; past this growth over
# the last full copy, the next publish is a full copy again
MAX_GROWTH = 1.5


def publish_state_path(data_dir: Path) -> Path:
    """DIR/.publish.json: the size of the last full copy (for the growth rule)."""
    return Path(data_dir) / ".publish.json"


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Temporary copies (and their WALs) a publish killed mid-way left beside the target."""
    stale = sorted(target.parent.glob(f".{target.name}.*.tmp*"))
    for path in stale:
        path.unlink(missing_ok=True)
    if stale:
        log.warning("removed %d temporary file(s) of an earlier publish that did not finish: %s",
                    len(stale), ", ".join(p.name for p in stale))
    return stale


def _built_project(data_dir: Path) -> str | None:
    """The dbt project fingerprint of the last passing build (None: no passing build recorded)."""
    from xxgk.pipeline import built_project_stamp

    stamp = built_project_stamp(data_dir)
    return stamp.read_text().strip() if stamp.exists() else None


def _columns(con: duckdb.DuckDBPyConnection, database: str, schema: str, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from duckdb_columns() where database_name = ? and schema_name = ? "
        "and table_name = ? order by column_index", [database, schema, table]).fetchall()


def _update_by_report(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> None:
    """Bring the copy's table to the warehouse's: delete rows of (report_id, report_fingerprint)
    pairs the warehouse no longer has, insert the warehouse's rows of pairs the copy lacks."""
    key = " and ".join(f"kept.{c} = current.{c}" for c in REPORT_KEY)
    pairs = ", ".join(REPORT_KEY)
    con.execute(f"""
        delete from {schema}.{table} as kept
        where not exists (select 1 from (select distinct {pairs} from wh.{schema}.{table}) as current where {key})
    """)
    con.execute(f"""
        insert into {schema}.{table}
        select * from wh.{schema}.{table} as current
        where not exists (select 1 from (select distinct {pairs} from {schema}.{table}) as kept where {key})
    """)


def publish(data_dir: Path, *, full: bool = False) -> dict[str, int]:
    """Publish every table of the published schemas; return row counts per table.

    A night starts from a copy of the file already published and updates the marts that are
    keyed by report (see REPORT_KEY) report by report; the others are copied whole. ``full``, no
    published file, marts of another dbt project than the last full copy's, a changed table shape
    or a file grown past MAX_GROWTH make it a full copy.
    Either way each table ends with the warehouse's row count, or the publish fails."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / ".publish.lock", "w") as lock:
        try:
            # one publish at a time: the temporaries left beside the target are then a dead one's
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise RuntimeError(f"another publish of {data_dir} is running (it holds {lock.name})") from exc
        return _publish_locked(data_dir, full)


def _publish_locked(data_dir: Path, full: bool) -> dict[str, int]:
    source = warehouse.warehouse_path(data_dir)
    target = published_path(data_dir)
    remove_stale_temporaries(target)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    state_path = publish_state_path(data_dir)
    state = json.loads(state_path.read_text()) if state_path.exists() else {}
    # rows are kept by fingerprint, which says nothing of the logic that computed them: marts
    # built by another dbt project than the published ones were are copied whole
    project = _built_project(data_dir)
    incremental = (not full and target.exists() and project is not None and state.get("project") == project
                   and target.stat().st_size <= MAX_GROWTH * state.get("full_size", 0))
    counts: dict[str, int] = {}
    try:
        if incremental:
            shutil.copyfile(target, tmp)
        con = duckdb.connect(str(tmp), config={"storage_compatibility_version": STORAGE_COMPATIBILITY,
                                               "memory_limit": warehouse.MEMORY_LIMIT})
        try:
            counts = _copy_marts(con, source, incremental)
        finally:
            con.close()
        os.replace(tmp, target)
        if not incremental:
            state_path.write_text(json.dumps({"full_size": target.stat().st_size, "project": project}) + "\n")
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
    return counts


def _copy_marts(con: duckdb.DuckDBPyConnection, source: Path, incremental: bool) -> dict[str, int]:
    con.execute(f"attach '{source}' as wh (read_only)")
    tables = con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = 'wh' "
        f"and schema_name in ({', '.join('?' for _ in PUBLISHED_SCHEMAS)}) order by 1, 2",
        list(PUBLISHED_SCHEMAS),
    ).fetchall()
    # only the marts the dbt project defines: a model renamed or removed leaves its old table
    # in the working warehouse, and BI users must not build on it
    current = current_marts()
    stale = [f"{schema}.{table}" for schema, table in tables if table not in current]
    if stale:
        log.warning("not publishing tables the dbt project no longer defines: %s", ", ".join(stale))
    tables = [(schema, table) for schema, table in tables if table in current]
    if not tables:
        raise RuntimeError(f"nothing to publish: no tables in {PUBLISHED_SCHEMAS} of {source}")
    copied = con.execute("select database_name from duckdb_databases() where not internal and database_name <> 'wh'"
                         ).fetchone()[0]
    published_before = set(con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = ?", [copied]).fetchall())
    for schema, table in published_before - set(tables):
        con.execute(f"drop table {schema}.{table}")
    counts: dict[str, int] = {}
    for schema, table in tables:
        con.execute(f"create schema if not exists {schema}")
        columns = _columns(con, "wh", schema, table)
        by_report = (incremental and (schema, table) in published_before
                     and all(c in dict(columns) for c in REPORT_KEY)
                     and _columns(con, copied, schema, table) == columns)
        if by_report:
            _update_by_report(con, schema, table)
        else:
            con.execute(f"create or replace table {schema}.{table} as select * from wh.{schema}.{table}")
        copy_comments(con, "wh", schema, table)
        (rows,) = con.execute(f"select count(*) from {schema}.{table}").fetchone()
        (expected,) = con.execute(f"select count(*) from wh.{schema}.{table}").fetchone()
        if rows != expected:
            raise RuntimeError(f"publish: {schema}.{table} has {rows} rows, the warehouse {expected}")
        counts[f"{schema}.{table}"] = rows
    con.execute("detach wh")
    con.execute("checkpoint")
    return counts
