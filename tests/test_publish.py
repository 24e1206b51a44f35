"""Publishing the marts: a complete copy or nothing, never blocking or blocked by readers."""

import duckdb
import pytest

from xxgk import warehouse
from xxgk.publish import publish, published_path


def build_marts(data_dir, n_rows: int) -> None:
    con = warehouse.connect(data_dir)
    con.execute("create schema if not exists marts")
    con.execute("create or replace table marts.fct_reports as select range as report_id from range(?)", [n_rows])
    con.execute("create schema if not exists staging")
    con.execute("create or replace table staging.not_published as select 1 as x")
    con.close()


def test_publish_copies_only_the_marts(tmp_path):
    build_marts(tmp_path, 5)
    counts = publish(tmp_path)
    assert counts == {"marts.fct_reports": 5}
    con = duckdb.connect(str(published_path(tmp_path)), read_only=True)
    tables = con.execute("select schema_name, table_name from duckdb_tables()").fetchall()
    assert tables == [("marts", "fct_reports")]


def test_a_table_no_model_defines_is_not_published(tmp_path):
    build_marts(tmp_path, 2)
    con = warehouse.connect(tmp_path)
    con.execute("create table marts.reports as select 1 as report_id")  # the mart's name before a rename
    con.close()
    assert publish(tmp_path) == {"marts.fct_reports": 2}
    con.close()
    assert not list(tmp_path.glob(".xxgk.duckdb.*"))  # no temporary file left behind


def test_a_reader_keeps_its_snapshot_while_publish_replaces_the_file(tmp_path):
    build_marts(tmp_path, 5)
    publish(tmp_path)
    reader = duckdb.connect(str(published_path(tmp_path)), read_only=True)
    build_marts(tmp_path, 9)
    publish(tmp_path)  # must not fail although the file is held open
    assert reader.execute("select count(*) from marts.fct_reports").fetchone()[0] == 5
    reader.close()
    fresh = duckdb.connect(str(published_path(tmp_path)), read_only=True)
    assert fresh.execute("select count(*) from marts.fct_reports").fetchone()[0] == 9
    fresh.close()


def test_nothing_to_publish_is_an_error_and_keeps_the_old_file(tmp_path):
    build_marts(tmp_path, 3)
    publish(tmp_path)
    con = warehouse.connect(tmp_path)
    con.execute("drop schema marts cascade")
    con.close()
    with pytest.raises(RuntimeError, match="nothing to publish"):
        publish(tmp_path)
    con = duckdb.connect(str(published_path(tmp_path)), read_only=True)
    assert con.execute("select count(*) from marts.fct_reports").fetchone()[0] == 3
    con.close()


def test_published_file_uses_the_compatible_storage_version(tmp_path):
    build_marts(tmp_path, 1)
    publish(tmp_path)
    con = duckdb.connect(str(published_path(tmp_path)), read_only=True)
    (version,) = con.execute(
        "select tags['storage_version'] from duckdb_databases() where database_name = 'xxgk'").fetchone()
    con.close()
    assert version.startswith("v1.0")  # readable by the DuckDB 1.x drivers BI tools bundle
