"""Downloads: every published mart as Parquet and as CSV, described by a Frictionless datapackage.json.

Reads only the published file (``DIR/xxgk.duckdb``), so what a researcher downloads is what a BI
user queries. CSV is for Excel and Stata: RFC 4180 quoting with CRLF line ends, UTF-8 with a BOM
(Excel reads Chinese only with it), list and struct columns as JSON text, timestamps in ISO 8601,
null as an empty field (a blank cell is never 0). Parquet keeps the native types. Column names are
Stata-safe in both (at most 32 characters: long mart names are shortened word by word through
``export_abbreviations.csv``, the mapping is in ``column_names.csv`` and in each field's
``mart_column``). Descriptions come from the published file's comments, which publish copies from
the dbt YAML.

The export is written aside and swapped in whole (xxgk/folders.py): a reader sees the old export or
the new one, never a mix.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from xxgk import folders, warehouse
from xxgk.publish import PUBLISHED_SCHEMAS, published_path

FORMATS = ("parquet", "csv")
EXPORT_LINK = "export"
STATA_NAME_LIMIT = 32
ABBREVIATIONS_CSV = Path(__file__).with_name("export_abbreviations.csv")
UTF8_BOM = b"\xef\xbb\xbf"
PACKAGE_NAME = "xxgk-government-information-disclosure-annual-reports"
# the compilation (extraction, checks, marts) is ours to license; the reports themselves are
# official publications under the Regulations on Open Government Information
LICENSE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
           "path": "https://creativecommons.org/licenses/by/4.0/"}
MEDIATYPES = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet"}


class ExportError(RuntimeError):
    """The published marts cannot be exported as they are (no published file, an unmappable name)."""


@dataclass
class ExportSummary:
    """What an export wrote: the folder, rows per file, and how many columns were renamed for Stata."""

    path: Path
    files: dict[str, int] = field(default_factory=dict)  # file name → rows
    renamed_columns: int = 0


def _abbreviations() -> list[tuple[str, str]]:
    with ABBREVIATIONS_CSV.open(encoding="utf-8") as handle:
        return [(row["word"], row["abbreviation"]) for row in csv.DictReader(handle)]


STATA_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def export_name(column: str, abbreviations: list[tuple[str, str]] | None = None) -> str:
    """A Stata-safe name for ``column``: itself when short enough, else shortened word by word."""
    if not STATA_NAME.match(column):
        raise ExportError(f"column {column!r} is not a valid Stata name (letters, digits, underscore)")
    name = column
    for word, short in abbreviations if abbreviations is not None else _abbreviations():
        if len(name) <= STATA_NAME_LIMIT:
            break
        name = "_".join(short if part == word else part for part in name.split("_"))
    if len(name) > STATA_NAME_LIMIT:
        raise ExportError(f"column {column!r} is {len(column)} characters and no abbreviation in "
                          f"{ABBREVIATIONS_CSV.name} brings it to {STATA_NAME_LIMIT} (best: {name!r}); add one")
    return name


def frictionless_type(duckdb_type: str) -> str:
    """The Frictionless field type of a DuckDB column type ('any' when none fits)."""
    t = duckdb_type.upper()
    if t.endswith("[]") or t.startswith("LIST") or re.search(r"\[\d+\]$", t):
        return "array"
    if t.startswith(("STRUCT", "MAP", "JSON", "UNION")):
        return "object"
    if t in {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
             "UBIGINT", "UHUGEINT"}:
        return "integer"
    if t in {"DOUBLE", "FLOAT", "REAL"} or t.startswith("DECIMAL"):
        return "number"
    if t == "BOOLEAN":
        return "boolean"
    if t == "DATE":
        return "date"
    if t.startswith("TIMESTAMP"):
        return "datetime"
    if t.startswith("TIME"):
        return "time"
    if t in {"VARCHAR", "UUID"}:
        return "string"
    return "any"


def _csv_expression(column: str, duckdb_type: str) -> str:
    quoted = f'"{column}"'
    kind = frictionless_type(duckdb_type)
    if kind in {"array", "object"}:
        return f"to_json({quoted})::varchar"
    if kind == "datetime":
        if "TIME ZONE" in duckdb_type.upper():
            return f"strftime({quoted} at time zone 'UTC', '%Y-%m-%dT%H:%M:%S.%fZ')"
        return f"strftime({quoted}, '%Y-%m-%dT%H:%M:%S.%f')"
    return quoted


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _published_tables(con: duckdb.DuckDBPyConnection) -> list[dict]:
    placeholders = ", ".join("?" for _ in PUBLISHED_SCHEMAS)
    tables = con.execute(
        f"select schema_name, table_name, comment from duckdb_tables() where schema_name in ({placeholders}) "
        "order by table_name", list(PUBLISHED_SCHEMAS)).fetchall()
    out = []
    for schema, table, comment in tables:
        columns = con.execute(
            "select column_name, data_type, comment from duckdb_columns() where schema_name = ? and table_name = ? "
            "order by column_index", [schema, table]).fetchall()
        out.append({"schema": schema, "table": table, "description": comment, "columns": columns})
    if not out:
        raise ExportError("the published file holds no marts: run xxgk publish first")
    names = [t["table"] for t in out]
    if len(set(names)) != len(names):
        raise ExportError(f"two published schemas hold a table of the same name: {sorted(names)}")
    return out


def _write_csv(con: duckdb.DuckDBPyConnection, select: str, target: Path) -> None:
    # DuckDB writes the CSV; the BOM goes in front by a byte copy, which costs no parsing
    plain = target.with_suffix(".nobom")
    con.execute(f"copy ({select}) to '{plain}' (format csv, header, delimiter ',', quote '\"', escape '\"', "
                "new_line '\r\n')")
    with target.open("wb") as out, plain.open("rb") as src:
        out.write(UTF8_BOM)
        shutil.copyfileobj(src, out, 1 << 20)
    plain.unlink()


def export_marts(data_dir: Path, formats: tuple[str, ...] = FORMATS) -> ExportSummary:
    """Write every published mart in ``formats`` and datapackage.json, then swap DIR/export in whole."""
    data_dir = Path(data_dir)
    unknown = set(formats) - set(FORMATS)
    if unknown or not formats:
        raise ExportError(f"unknown export format(s) {sorted(unknown)}: choose from {FORMATS}")
    source = published_path(data_dir)
    if not source.exists():
        raise ExportError(f"no published warehouse at {source}: run xxgk publish (or xxgk run) first")
    built_at = datetime.fromtimestamp(source.stat().st_mtime, UTC)
    abbreviations = _abbreviations()
    summary = ExportSummary(path=data_dir / EXPORT_LINK)
    resources, renamed = [], []
    with folders.building(data_dir, EXPORT_LINK) as folder:
        con = duckdb.connect(str(source), read_only=True, config={"memory_limit": warehouse.MEMORY_LIMIT})
        try:
            con.execute("set TimeZone = 'UTC'")
            parser_versions = [v for (v,) in con.execute(
                "select distinct parser_version from marts.fct_reports where parser_version is not null order by 1"
            ).fetchall()] if _has_table(con, "fct_reports") else []
            for table in _published_tables(con):
                mart_resources, mart_renamed = _export_mart(con, table, formats, folder, abbreviations, summary)
                resources += mart_resources
                renamed += mart_renamed
        finally:
            con.close()
        summary.renamed_columns = len(renamed)
        with (folder / "column_names.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(["mart", "mart_column", "export_column"])
            writer.writerows(renamed)
        package = _datapackage(built_at, parser_versions, source.name, resources)
        (folder / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
    return summary


def _export_mart(con: duckdb.DuckDBPyConnection, table: dict, formats: tuple[str, ...], folder: Path,
                 abbreviations: list[tuple[str, str]], summary: ExportSummary) -> tuple[list[dict], list[tuple]]:
    """One mart in each format, its rows counted in ``summary``: its datapackage resources and its
    renamed columns as (mart, mart column, export column)."""
    mart, columns = table["table"], table["columns"]
    safe = [export_name(name, abbreviations) for name, _, _ in columns]
    if len(set(safe)) != len(safe):
        raise ExportError(f"{mart}: two columns shorten to the same export name: {safe}")
    renamed = [(mart, name, short) for (name, _, _), short in zip(columns, safe) if name != short]
    resources = []
    rows = con.execute(f'select count(*) from {table["schema"]}."{mart}"').fetchone()[0]
    for fmt in formats:
        if fmt == "csv":
            exprs = [_csv_expression(name, dtype) for name, dtype, _ in columns]
        else:
            exprs = [f'"{name}"' for name, _, _ in columns]
        select = ", ".join(f'{expr} as "{short}"' for expr, short in zip(exprs, safe))
        select = f'select {select} from {table["schema"]}."{mart}"'
        path = folder / f"{mart}.{fmt}"
        if fmt == "csv":
            _write_csv(con, select, path)
        else:
            con.execute(f"copy ({select}) to '{path}' (format parquet, compression zstd)")
        summary.files[path.name] = rows
        resources.append(_resource(mart, fmt, path, rows, table["description"], columns, safe))
    return resources, renamed


def _datapackage(built_at: datetime, parser_versions: list[str], published_file: str, resources: list[dict]) -> dict:
    """datapackage.json: the package's metadata, versioned by the published file's build time."""
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": PACKAGE_NAME,
        "title": "xxgk: China's government information-disclosure annual reports as data",
        "description": "Marts of the xxgk warehouse: every number traceable to the report, table cell or "
                       "text span it came from (see fct_report_kpis). A blank cell is null, never 0. "
                       "Column names are Stata-safe; column_names.csv maps them to the mart columns.",
        "version": f"{built_at:%Y.%m.%d.%H%M%S}",
        "created": built_at.isoformat().replace("+00:00", "Z"),
        "licenses": [LICENSE],
        "sources": [{"title": "政府信息公开工作年度报告 as published on government portals; each report's "
                              "source_url and sha256 are in fct_reports"}],
        "xxgk": {"parser_versions": parser_versions, "published_file": published_file},
        "resources": resources,
    }


def _has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(con.execute("select count(*) from duckdb_tables() where table_name = ?", [table]).fetchone()[0])


def _resource(mart: str, fmt: str, path: Path, rows: int, description: str | None,
              columns: list[tuple], safe: list[str]) -> dict:
    fields = []
    for (name, dtype, comment), short in zip(columns, safe):
        entry = {"name": short, "type": frictionless_type(dtype)}
        if comment:
            entry["description"] = comment
        if short != name:
            entry["mart_column"] = name
        fields.append(entry)
    resource = {
        "name": f"{mart}-{fmt}",
        "path": path.name,
        "title": mart,
        "format": fmt,
        "mediatype": MEDIATYPES[fmt],
        "bytes": path.stat().st_size,
        "hash": f"sha256:{_sha256(path)}",
        "rows": rows,
        "schema": {"fields": fields},
    }
    if description:
        resource["description"] = description
    if fmt == "csv":
        # IANA's name; the file starts with a byte-order mark, which Excel needs for Chinese and
        # pandas, R and frictionless readers skip
        resource["encoding"] = "utf-8"
        resource["dialect"] = {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "lineTerminator": "\r\n",
                               "header": True}
    return resource
