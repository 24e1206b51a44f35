"""Downloads: Parquet and CSV of every published mart, a datapackage.json, swapped in whole."""

import csv
import io
import json

import duckdb
import pytest

from xxgk import folders, warehouse
from xxgk.export import STATA_NAME_LIMIT, ExportError, export_marts, export_name
from xxgk.publish import publish

LONG = "admin_reconsideration_total_reports_cnt"  # 39 characters, as in fct_province_year_kpis


def build_marts(data_dir, n_rows=3):
    con = warehouse.connect(data_dir)
    con.execute("create schema if not exists marts")
    con.execute(f"""create or replace table marts.fct_reports as
        select 'r' || range as report_id, range + 2014 as report_year,
               case when range = 0 then '第一行
第二行，含"引号",逗号' else '广东省人民政府' end as issuer,
               case when range = 1 then null else range * 10 end as applications,
               ['a' || range, 'b'] as basis_report_ids,
               {{'rows': range}}::json as detail,
               timestamptz '2026-01-02 03:04:05.5+00' as first_seen_at,
               'v1' as parser_version,
               range as {LONG}
        from range(?)""", [n_rows])
    con.execute("comment on table marts.fct_reports is 'one row per report'")
    con.execute("comment on column marts.fct_reports.issuer is 'the body that published the report'")
    con.execute(f"comment on column marts.fct_reports.{LONG} is 'reports behind the total'")
    con.execute("create or replace table marts.dim_provinces as select '440000' as province_code, '广东省' as province_name")
    con.close()
    return publish(data_dir)


def read_package(data_dir):
    return json.loads((data_dir / "export" / "datapackage.json").read_text(encoding="utf-8"))


def test_every_mart_in_both_formats_with_a_datapackage_whose_rows_match(tmp_path):
    counts = build_marts(tmp_path, 4)
    summary = export_marts(tmp_path)
    export = tmp_path / "export"
    assert sorted(p.name for p in export.iterdir()) == [
        "column_names.csv", "datapackage.json", "dim_provinces.csv", "dim_provinces.parquet",
        "fct_reports.csv", "fct_reports.parquet"]
    package = read_package(tmp_path)
    assert package["licenses"] and package["version"] and package["created"]
    by_name = {r["name"]: r for r in package["resources"]}
    assert set(by_name) == {"fct_reports-csv", "fct_reports-parquet", "dim_provinces-csv", "dim_provinces-parquet"}
    for resource in package["resources"]:
        mart = resource["title"]
        assert resource["rows"] == counts[f"marts.{mart}"] == summary.files[resource["path"]]
        assert (export / resource["path"]).stat().st_size == resource["bytes"]
        assert resource["hash"].startswith("sha256:")
    parquet_rows = duckdb.sql(f"select count(*) from '{export / 'fct_reports.parquet'}'").fetchall()[0][0]
    assert parquet_rows == 4


def test_csv_is_rfc4180_utf8_with_bom_json_lists_and_empty_nulls(tmp_path):
    build_marts(tmp_path, 3)
    export_marts(tmp_path)
    raw = (tmp_path / "export" / "fct_reports.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(rows) == 3
    first, second = rows[0], rows[1]
    assert first["issuer"] == '第一行\n第二行，含"引号",逗号'  # the newline and quotes survive a round trip
    assert json.loads(first["basis_report_ids"]) == ["a0", "b"]
    assert json.loads(first["detail"]) == {"rows": 0}
    assert second["applications"] == ""  # null is empty, never 0
    assert first["applications"] == "0"
    assert first["first_seen_at"] == "2026-01-02T03:04:05.500000Z"


def test_names_are_stata_safe_with_a_documented_mapping(tmp_path):
    build_marts(tmp_path)
    summary = export_marts(tmp_path)
    assert summary.renamed_columns == 1
    short = export_name(LONG)
    assert len(short) <= STATA_NAME_LIMIT and short != LONG
    package = read_package(tmp_path)
    for resource in package["resources"]:
        for field in resource["schema"]["fields"]:
            assert len(field["name"]) <= STATA_NAME_LIMIT
    fields = {f["name"]: f for r in package["resources"] if r["name"] == "fct_reports-csv" for f in r["schema"]["fields"]}
    assert fields[short]["mart_column"] == LONG
    assert fields[short]["description"] == "reports behind the total"
    assert fields["issuer"]["description"] == "the body that published the report"
    assert fields["basis_report_ids"]["type"] == "array" and fields["applications"]["type"] == "integer"
    assert fields["first_seen_at"]["type"] == "datetime"
    header = (tmp_path / "export" / "fct_reports.csv").read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert short in header and LONG not in header
    parquet_columns = [r[0] for r in duckdb.sql(
        f"describe select * from '{tmp_path / 'export' / 'fct_reports.parquet'}'").fetchall()]
    assert short in parquet_columns and LONG not in parquet_columns
    mapping = list(csv.DictReader((tmp_path / "export" / "column_names.csv").open(encoding="utf-8")))
    assert mapping == [{"mart": "fct_reports", "mart_column": LONG, "export_column": short}]


def test_a_name_no_abbreviation_can_shorten_is_refused_with_the_way_out():
    with pytest.raises(ExportError, match="add one"):
        export_name("x" * 40)
    assert export_name("report_id") == "report_id"


def test_only_one_format_on_request(tmp_path):
    build_marts(tmp_path)
    export_marts(tmp_path, ("parquet",))
    names = {p.name for p in (tmp_path / "export").iterdir()}
    assert "fct_reports.parquet" in names and "fct_reports.csv" not in names
    assert {r["format"] for r in read_package(tmp_path)["resources"]} == {"parquet"}


def test_the_export_is_swapped_in_whole_and_a_failed_one_keeps_the_old(tmp_path, monkeypatch):
    build_marts(tmp_path, 2)
    export_marts(tmp_path)
    held = (tmp_path / "export" / "fct_reports.csv").open("rb")  # a reader with the old file open
    build_marts(tmp_path, 5)
    import xxgk.export as export_module

    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(export_module, "_write_csv", broken)
    with pytest.raises(OSError, match="disk full"):
        export_marts(tmp_path)
    old = {r["rows"] for r in read_package(tmp_path)["resources"] if r["title"] == "fct_reports"}
    assert old == {2}  # the old export, whole
    assert len(list((tmp_path / folders.VERSIONS / "export").iterdir())) == 1  # the half-written one is gone
    monkeypatch.undo()
    export_marts(tmp_path)
    assert {r["rows"] for r in read_package(tmp_path)["resources"] if r["title"] == "fct_reports"} == {5}
    assert held.read().count(b"\r\n") == 3  # the reader still reads the old file to its end
    held.close()
    assert len(list((tmp_path / folders.VERSIONS / "export").iterdir())) == 1


def test_no_published_file_is_a_clear_error(tmp_path):
    with pytest.raises(ExportError, match="run xxgk publish"):
        export_marts(tmp_path)


def test_publish_carries_the_comments_into_the_published_file(tmp_path):
    build_marts(tmp_path)
    con = duckdb.connect(str(tmp_path / "xxgk.duckdb"), read_only=True)
    try:
        (table_comment,) = con.execute("select comment from duckdb_tables() where table_name = 'fct_reports'").fetchone()
        columns = dict(con.execute("select column_name, comment from duckdb_columns() "
                                   "where table_name = 'fct_reports' and comment is not null").fetchall())
    finally:
        con.close()
    assert table_comment == "one row per report"
    assert columns == {"issuer": "the body that published the report", LONG: "reports behind the total"}
