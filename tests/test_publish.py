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


def build_report_kpis(data_dir, reports: dict[str, int]) -> None:
    """marts.fct_report_kpis with three KPI rows per report, keyed by (report_id, report_fingerprint)."""
    con = warehouse.connect(data_dir)
    con.execute("create schema if not exists marts")
    con.execute("create or replace table marts.fct_report_kpis (report_id varchar, kpi varchar, value double, "
                "report_fingerprint ubigint)")
    for report_id, fingerprint in reports.items():
        for i, kpi in enumerate(("applications_received", "results_total", "result_granted")):
            con.execute("insert into marts.fct_report_kpis values (?, ?, ?, ?)", [report_id, kpi, fingerprint * 10 + i,
                                                                                 fingerprint])
    con.close()


def published_rows(data_dir) -> list[tuple]:
    con = duckdb.connect(str(published_path(data_dir)), read_only=True)
    try:
        return con.execute("select * from marts.fct_report_kpis order by all").fetchall()
    finally:
        con.close()


def test_a_night_publish_updates_by_report_and_ends_as_a_full_copy(tmp_path, monkeypatch):
    from xxgk import pipeline, publish as publishing

    pipeline.built_project_stamp(tmp_path).parent.mkdir(parents=True)
    pipeline.built_project_stamp(tmp_path).write_text("project-1\n")
    build_report_kpis(tmp_path, {"a": 1, "b": 2, "c": 3})
    publish(tmp_path)
    updated = []
    real = publishing._update_by_report
    monkeypatch.setattr(publishing, "_update_by_report",
                        lambda con, schema, table: updated.append(table) or real(con, schema, table))
    # the night: c is gone (its chosen document changed), b was rebuilt, d is new
    build_report_kpis(tmp_path, {"a": 1, "b": 5, "d": 4})
    assert publish(tmp_path) == {"marts.fct_report_kpis": 9}
    assert updated == ["fct_report_kpis"]
    night = published_rows(tmp_path)
    publish(tmp_path, full=True)
    assert published_rows(tmp_path) == night
    assert {row[0] for row in night} == {"a", "b", "d"} and (("b", "result_granted", 52.0, 5) in night)


def test_marts_of_another_dbt_project_are_published_whole(tmp_path, monkeypatch):
    from xxgk import pipeline, publish as publishing

    stamp = pipeline.built_project_stamp(tmp_path)
    stamp.parent.mkdir(parents=True)
    stamp.write_text("project-1\n")
    build_report_kpis(tmp_path, {"a": 1})
    publish(tmp_path)
    monkeypatch.setattr(publishing, "_update_by_report", lambda *args: pytest.fail("updated by report"))
    stamp.write_text("project-2\n")  # the logic changed: same fingerprints, other rows
    con = warehouse.connect(tmp_path)
    con.execute("update marts.fct_report_kpis set value = value + 100")
    con.close()
    publish(tmp_path)
    assert sorted(row[2] for row in published_rows(tmp_path)) == [110.0, 111.0, 112.0]


def test_the_next_publish_removes_temporaries_a_killed_publish_left(tmp_path):
    build_marts(tmp_path, 2)
    left = [tmp_path / ".xxgk.duckdb.0123abcd.tmp", tmp_path / ".xxgk.duckdb.0123abcd.tmp.wal"]
    for path in left:
        path.write_bytes(b"half a database")
    publish(tmp_path)
    assert not any(path.exists() for path in left)
    assert not list(tmp_path.glob(".xxgk.duckdb.*"))


def test_a_second_publish_while_one_runs_fails_clearly_and_removes_nothing(tmp_path):
    import fcntl

    build_marts(tmp_path, 2)
    in_flight = tmp_path / ".xxgk.duckdb.feedbeef.tmp"
    in_flight.write_bytes(b"the running publish's copy")
    with open(tmp_path / ".publish.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(RuntimeError, match="another publish"):
            publish(tmp_path)
    assert in_flight.exists()
    publish(tmp_path)
    assert not in_flight.exists()
