"""dbt at scale: the per-report models are incremental, and a night ends exactly where a full
refresh of the same warehouse does."""

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from xxgk import pipeline, synth, warehouse
from xxgk.parse_stage import parse_landed
from xxgk.manifest import load_pending_manifests
from xxgk.rawstore import RawStore

PER_REPORT_MODELS = ("intermediate.int_report_kpis", "intermediate.int_report_kpis_pivoted",
                     "intermediate.int_report_compliance", "marts.fct_report_kpis")


def land(data_dir: Path, run_id: str, bodies: list[tuple[str, bytes, str]]) -> list[str]:
    """Land (url, body, content type) through the raw store; return the sha256s."""
    shas = []
    with RawStore(data_dir, run_id, "test-portal", archive=False) as store:
        for url, body, ctype in bodies:
            sha, _ = store.put(body)
            store.record_fetch(url=url, final_url=url, status=200, headers={"content-type": ctype},
                               fetched_at=datetime.now(UTC), sha256=sha, size=len(body), content_type=ctype,
                               role="report", outcome="landed")
            shas.append(sha)
    con = warehouse.connect(data_dir)
    load_pending_manifests(con, data_dir)
    con.close()
    return shas


def report_body(seed: int, *, truncated: bool = False) -> tuple[str, bytes, str]:
    report = synth.make_report(seed, era="2021_format" if seed % 3 else "2019_trial_format")
    url = f"http://www.minhou.gov.cn/zwgk/ndbg/{seed}{'-part' if truncated else ''}.html"
    if truncated:
        # the text of the report cut before its tables end: fewer facts, so a full copy landed
        # later becomes the chosen document and the report's id changes
        text = synth.render_text(report)
        return url, text[: len(text) * 2 // 3].encode(), "text/plain; charset=utf-8"
    return url, synth.render_html(report).encode(), "text/html; charset=utf-8"


def snapshot(data_dir: Path) -> dict[str, list[tuple]]:
    """Every row of the per-report models and every mart, in a stable order."""
    con = warehouse.connect(data_dir)
    try:
        tables = [f"{schema}.{name}" for schema, name in con.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name in ('intermediate', 'marts')"
        ).fetchall()]
        out = {}
        for table in sorted(tables):
            columns = list(warehouse.column_types(con, table))
            casts = ", ".join(f'"{column}"::varchar' for column in columns)
            out[table] = con.execute(f"select {casts} from {table} order by all").fetchall()
        return out
    finally:
        con.close()


def report_ids(data_dir: Path) -> set[str]:
    con = warehouse.connect(data_dir)
    try:
        return {r for (r,) in con.execute("select distinct report_id from marts.fct_report_kpis").fetchall()}
    finally:
        con.close()


def test_a_night_builds_only_changed_reports_and_ends_as_a_full_refresh_would(tmp_path, caplog):
    data_dir = tmp_path / "data"
    # seed 7 is the only report of its body and year; seed 8 is another copy of seed 4's report
    first_night = [report_body(seed) for seed in range(0, 7)] + [report_body(7, truncated=True)]
    (*_, truncated_sha) = land(data_dir, "run1", first_night)
    parse_landed(data_dir)
    assert pipeline.dbt_build(data_dir, quiet=True)
    assert truncated_sha in report_ids(data_dir)

    # the second night: new reports, the full copy of the truncated one (it becomes the chosen
    # document, so the report's id changes) and a duplicate of a report built the first night
    land(data_dir, "run2", [report_body(seed) for seed in range(7, 12)])
    parse_landed(data_dir)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="xxgk.pipeline"):
        assert pipeline.dbt_build(data_dir, quiet=True)
    assert not [r for r in caplog.records if "full refresh" in r.getMessage()], "the night was not incremental"
    night = snapshot(data_dir)
    assert truncated_sha not in report_ids(data_dir), "the superseded report id kept its rows"

    with caplog.at_level(logging.INFO, logger="xxgk.pipeline"):
        assert pipeline.dbt_build(data_dir, full_refresh=True, quiet=True)
    assert [r for r in caplog.records if "full refresh (asked)" in r.getMessage()]
    full = snapshot(data_dir)
    assert night.keys() == full.keys()
    for table in night:
        assert night[table] == full[table], f"{table} differs between the night and a full refresh"
    assert all(len(full[table]) > 0 for table in PER_REPORT_MODELS)
    assert len(full["marts.fct_report_kpis"]) > 10 * 40  # report KPIs of every report were compared


@pytest.mark.parametrize(("stamp", "asked", "expect_full"), [
    (None, False, "no passing build recorded"),
    ("other", False, "the dbt project changed"),
    ("current", False, None),
    ("current", True, "asked"),
])
def test_build_refreshes_fully_after_a_project_change_or_a_failed_build(tmp_path, monkeypatch, caplog,
                                                                       stamp, asked, expect_full):
    calls = []
    monkeypatch.setattr(pipeline, "dbt_build_plain", lambda data_dir, args, quiet: calls.append(args) or True)
    path = pipeline.built_project_stamp(tmp_path)
    if stamp:
        path.parent.mkdir(parents=True)
        path.write_text(pipeline.dbt_project_fingerprint() if stamp == "current" else "0" * 64)
    with caplog.at_level(logging.INFO, logger="xxgk.pipeline"):
        assert pipeline.dbt_build(tmp_path, full_refresh=asked)
    assert calls == [["build", "--full-refresh"] if expect_full else ["build", "--exclude-resource-type", "unit_test"]]
    messages = [r.getMessage() for r in caplog.records]
    assert any(expect_full in m for m in messages) if expect_full else not any("full refresh" in m for m in messages)
    assert path.read_text().strip() == pipeline.dbt_project_fingerprint()


def test_a_failed_build_leaves_no_stamp_so_the_next_build_is_full(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "dbt_build_plain", lambda data_dir, args, quiet: False)
    path = pipeline.built_project_stamp(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(pipeline.dbt_project_fingerprint())
    assert not pipeline.dbt_build(tmp_path)
    assert not path.exists()
