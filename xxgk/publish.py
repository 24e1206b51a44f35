"""Publish the marts for BI tools: a separate read-only copy, replaced atomically.

DuckDB allows one writer or many readers, never both; a BI tool holding the published file
open must neither block the nightly run nor see a half-built warehouse. So the marts are
copied into a temporary file beside the target and renamed over it: readers holding the old
file keep reading the old, complete inode; new readers see the new one.
"""

from __future__ import annotations

import logging
import os
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


def publish(data_dir: Path) -> dict[str, int]:
    """Copy every table of the published schemas; return row counts per table."""
    data_dir = Path(data_dir)
    source = warehouse.warehouse_path(data_dir)
    target = published_path(data_dir)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    counts: dict[str, int] = {}
    try:
        con = duckdb.connect(str(tmp), config={"storage_compatibility_version": STORAGE_COMPATIBILITY,
                                               "memory_limit": warehouse.MEMORY_LIMIT})
        try:
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
            for schema, table in tables:
                con.execute(f"create schema if not exists {schema}")
                con.execute(f"create table {schema}.{table} as select * from wh.{schema}.{table}")
                copy_comments(con, "wh", schema, table)
                counts[f"{schema}.{table}"] = con.execute(f"select count(*) from {schema}.{table}").fetchone()[0]
            con.execute("detach wh")
            con.execute("checkpoint")
        finally:
            con.close()
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
    return counts
