"""The DuckDB tables between stages: ``raw.*`` (crawl) and ``parsed.*`` (parse).

The column contract is documented in docs/architecture.md; dbt reads these tables as sources.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import duckdb

RAW_DDL = """
create schema if not exists raw;
create table if not exists raw.fetches (
    fetch_id varchar primary key,
    run_id varchar not null,
    portal_id varchar not null,
    url varchar not null,
    final_url varchar,
    status integer,
    headers json,
    fetched_at timestamptz not null,
    sha256 varchar,
    bytes bigint,
    content_type varchar,
    role varchar not null,
    referrer varchar,
    link_text varchar,
    outcome varchar not null,
    failure_reason varchar,
    failure_detail varchar,
    listed_date date
);
create table if not exists raw.blobs (
    sha256 varchar primary key,
    bytes bigint not null,
    stored_at timestamptz not null,
    path varchar not null
);
create table if not exists raw.portals (
    portal_id varchar primary key,
    name varchar,
    province_code varchar,
    level varchar,
    family varchar,
    seed_urls varchar[],
    updated_at timestamptz
);
create table if not exists raw.crawl_runs (
    run_id varchar primary key,
    started_at timestamptz not null,
    finished_at timestamptz,
    portals integer,
    summary json
);
-- null while a run is under way, then 'finished'; 'abandoned' when a later run found it unfinished
-- (killed or crashed: its shards are loaded by that later run)
alter table raw.crawl_runs add column if not exists outcome varchar;
alter table raw.crawl_runs add column if not exists outcome_reason varchar;
create table if not exists raw.portal_runs (
    run_id varchar not null,
    portal_id varchar not null,
    started_at timestamptz not null,
    finished_at timestamptz,
    health varchar,
    health_reason varchar,
    pages_fetched integer,
    reports_found integer,
    reports_landed integer,
    failures integer,
    primary key (run_id, portal_id)
);
-- the limit a portal's crawl stopped at (page cap, report cap, deadline), null when it ran out of links
alter table raw.portal_runs add column if not exists truncated varchar;
-- the selectors the crawl used (family defaults under the portal's own; ``body`` is the ordered
-- list of body containers), so the parser reads the same containers the crawler was given
alter table raw.portals add column if not exists selectors json;
-- the date the referring list page printed beside the link (scrapers.discovery.listed_date), for
-- report and attachment fetches; null when it printed none or several. Warehouses made before it
-- get the column here, before the first_landings view (which selects every column) is redefined
alter table raw.fetches add column if not exists listed_date date;
-- the first landing of each body (by fetch time, then fetch id): the context a body is parsed
-- with (xxgk.manifest.LANDED_DOCUMENTS_SQL) and the source dbt gives each document, defined once
create or replace view raw.first_landings as
select *
from raw.fetches
where outcome in ('landed', 'not_modified') and sha256 is not null
qualify row_number() over (partition by sha256 order by fetched_at, fetch_id) = 1;
"""

PARSED_DDL = """
create schema if not exists parsed;
create table if not exists parsed.documents (
    sha256 varchar primary key,
    parser_version varchar not null,
    parsed_at timestamptz not null,
    status varchar not null,
    status_reason varchar,
    source_format varchar,
    doc_type varchar,
    title varchar,
    issuer varchar,
    place varchar,
    place_code varchar,
    province varchar,
    province_code varchar,
    level varchar,
    admin_tier varchar,
    scope varchar,
    report_year integer,
    era varchar,
    publication_date date,
    is_suspect_mirror boolean,
    is_synthetic boolean,
    text_chars integer,
    scope_evidence varchar,
    field_sources json,
    sentence_hashes bigint[]
);
-- warehouses created before metadata provenance existed
alter table parsed.documents add column if not exists place_code varchar;
alter table parsed.documents add column if not exists is_synthetic boolean;
alter table parsed.documents add column if not exists scope_evidence varchar;
alter table parsed.documents add column if not exists field_sources json;
alter table parsed.documents add column if not exists sentence_hashes bigint[];
create table if not exists parsed.document_texts (
    sha256 varchar primary key,
    text varchar not null
);
create table if not exists parsed.facts (
    sha256 varchar not null,
    fact_seq integer not null,
    kpi varchar not null,
    value double,
    cell_state varchar not null,
    qualifier varchar,
    unit varchar,
    raw_text varchar,
    source varchar not null,
    table_index integer,
    row_index integer,
    col_index integer,
    row_key varchar,
    col_key varchar,
    row_label varchar,
    col_label varchar,
    char_start integer,
    char_end integer,
    context_before varchar,
    context_after varchar,
    primary key (sha256, fact_seq)
);
-- warehouses created before facts carried their sentence
alter table parsed.facts add column if not exists context_before varchar;
alter table parsed.facts add column if not exists context_after varchar;
create table if not exists parsed.quality_issues (
    sha256 varchar not null,
    issue_seq integer not null,
    check_id varchar not null,
    severity varchar not null,
    message varchar not null,
    detail json,
    primary key (sha256, issue_seq)
);
"""

DOCUMENT_COLUMNS = [
    "sha256", "parser_version", "parsed_at", "status", "status_reason", "source_format", "doc_type",
    "title", "issuer", "place", "place_code", "province", "province_code", "level", "admin_tier", "scope",
    "report_year", "era", "publication_date", "is_suspect_mirror", "is_synthetic", "text_chars", "scope_evidence",
    "field_sources", "sentence_hashes",
]
FACT_COLUMNS = [
    "sha256", "fact_seq", "kpi", "value", "cell_state", "qualifier", "unit", "raw_text", "source",
    "table_index", "row_index", "col_index", "row_key", "col_key", "row_label", "col_label",
    "char_start", "char_end", "context_before", "context_after",
]
ISSUE_COLUMNS = ["sha256", "issue_seq", "check_id", "severity", "message", "detail"]


# DuckDB's buffer pool defaults to 80 % of the machine; each stage holds it to this instead and
# spills past it, so peak memory does not grow with history (the national benchmark measures it)
MEMORY_LIMIT = "512MB"


def warehouse_path(data_dir: Path) -> Path:
    """DIR/warehouse.duckdb, the working warehouse every stage writes (never read by BI tools)."""
    return Path(data_dir) / "warehouse.duckdb"


def connect(data_dir: Path) -> duckdb.DuckDBPyConnection:
    """Open the working warehouse and make sure the stage tables exist."""
    path = warehouse_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), config={"memory_limit": MEMORY_LIMIT})
    create_schema(con)
    return con


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw.*, parsed.* and gazetteer tables that do not exist yet."""
    from xxgk.reference import DDL as GAZETTEER_DDL

    con.execute(RAW_DDL)
    con.execute(PARSED_DDL)
    con.execute(GAZETTEER_DDL)  # filled by the parse stage (xxgk/reference.py)


def column_types(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """Column name → DuckDB type of ``schema.table``."""
    schema, name = table.split(".")
    return dict(con.execute(
        "select column_name, data_type from information_schema.columns where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchall())


def bulk_insert(con: duckdb.DuckDBPyConnection, table: str, columns: list[str], rows: Iterable[dict],
                or_ignore: bool = False, or_replace: bool = False) -> int:
    """Insert many rows at read_json speed (executemany manages ~2k rows/s; this ~1M).

    ``or_ignore`` skips rows whose primary key is already present (idempotent reloads);
    ``or_replace`` overwrites them.
    """
    types = column_types(con, table)
    fd, path = tempfile.mkstemp(suffix=".ndjson", prefix="xxgk-load-")
    count = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            for row in rows:
                f.write(ndjson_line(row, columns))
                f.write("\n")
                count += 1
        if count:
            insert_ndjson(con, table, columns, path, or_ignore=or_ignore, or_replace=or_replace, types=types)
    finally:
        os.unlink(path)
    return count


def ndjson_line(row: dict, columns: list[str]) -> str:
    """One row as the NDJSON line ``insert_ndjson`` reads (columns absent from ``row`` are null)."""
    return json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False, default=str)


def insert_ndjson(con: duckdb.DuckDBPyConnection, table: str, columns: list[str], path: str, *,
                  or_ignore: bool = False, or_replace: bool = False, types: dict[str, str] | None = None) -> None:
    """Insert a file of NDJSON rows (one object per line with ``columns``) through read_json."""
    types = types or column_types(con, table)
    spec = ", ".join(f"'{c}': '{types[c]}'" for c in columns)
    column_list = ", ".join(columns)
    con.execute(
        f"insert {'or ignore ' if or_ignore else 'or replace ' if or_replace else ''}into {table} ({column_list}) "
        f"select {column_list} from read_json(?, format = 'newline_delimited', columns = {{{spec}}})",
        [path],
    )
