"""Manifest shards → raw.*: idempotent, and a crawl killed mid-line loses only that line."""

import json
from datetime import UTC, date, datetime

import duckdb
import pytest

from xxgk import warehouse
from xxgk.manifest import load_pending_manifests
from xxgk.rawstore import RawStore, manifest_dir


def land_two(data_dir):
    with RawStore(data_dir, "run1", "p1", archive=False) as store:
        for body in (b"<html>one</html>", b"<html>two</html>"):
            sha, _ = store.put(body)
            store.record_fetch(url=f"http://x.gov.cn/{sha[:4]}", final_url=None, status=200, headers={},
                               fetched_at=datetime.now(UTC), sha256=sha, size=len(body), content_type="text/html",
                               role="report", outcome="landed")
        return store.shard_path


def test_loading_is_idempotent(tmp_path):
    shard = land_two(tmp_path)
    con = warehouse.connect(tmp_path)
    assert load_pending_manifests(con, tmp_path)["fetches"] == 2
    # the same shard delivered again (e.g. copied back by hand) adds nothing
    (manifest_dir(tmp_path) / shard.name).write_bytes((manifest_dir(tmp_path, "loaded") / shard.name).read_bytes())
    load_pending_manifests(con, tmp_path)
    assert con.execute("select count(*) from raw.fetches").fetchone()[0] == 2
    assert con.execute("select count(*) from raw.blobs").fetchone()[0] == 2
    assert not list(manifest_dir(tmp_path).glob("*.ndjson"))


def test_torn_last_line_is_skipped_and_counted(tmp_path):
    shard = land_two(tmp_path)
    with open(shard, "a", encoding="utf-8") as f:
        f.write('{"table": "fetches", "fetch_id": "abc", "url": "http://x.gov.cn/ha')  # killed mid-write
    con = warehouse.connect(tmp_path)
    totals = load_pending_manifests(con, tmp_path)
    assert totals == {"shards": 1, "fetches": 2, "portal_runs": 0, "torn_lines": 1}


def test_the_later_summary_of_a_retried_portal_crawl_wins(tmp_path):
    def summary(store, health, finished):
        store.record_portal_run({"health": health, "health_reason": None, "pages_fetched": 1, "reports_found": 1,
                                 "reports_landed": 1 if health == "ok" else 0, "failures": 0},
                                datetime(2026, 1, 1, 2, 0, tzinfo=UTC), datetime(2026, 1, 1, 2, finished, tzinfo=UTC))

    with RawStore(tmp_path, "run1", "p1", archive=False) as retry:
        summary(retry, "ok", 30)  # the retry finished last, but its line comes first in the shard
    with RawStore(tmp_path, "run1", "p1", archive=False) as first_attempt:
        summary(first_attempt, "failing", 10)
    con = warehouse.connect(tmp_path)
    assert load_pending_manifests(con, tmp_path)["portal_runs"] == 2
    assert con.execute("select health from raw.portal_runs where portal_id = 'p1'").fetchall() == [("ok",)]


def test_a_damaged_line_inside_a_shard_stops_the_load_and_loses_nothing(tmp_path):
    shard = land_two(tmp_path)
    lines = shard.read_text(encoding="utf-8").splitlines(keepends=True)
    shard.write_text(lines[0] + "{not json\n" + lines[1], encoding="utf-8")
    con = warehouse.connect(tmp_path)
    with pytest.raises(duckdb.Error):
        load_pending_manifests(con, tmp_path)
    assert con.execute("select count(*) from raw.fetches").fetchone()[0] == 0
    assert shard.exists()  # still pending, for a person to repair


def test_a_shard_still_being_written_is_left_for_the_next_load(tmp_path):
    crawling = RawStore(tmp_path, "run1", "p1", archive=False)
    crawling.record_fetch(url="http://x.gov.cn/1", final_url=None, status=404, headers={}, fetched_at=datetime.now(UTC),
                          sha256=None, size=None, content_type=None, role="report", outcome="failed")
    con = warehouse.connect(tmp_path)
    assert load_pending_manifests(con, tmp_path)["fetches"] == 0  # e.g. an ad-hoc crawl's load during the night
    with RawStore(tmp_path, "run1", "p2", archive=False) as later:  # a portal that starts after that load
        later.record_fetch(url="http://y.gov.cn/1", final_url=None, status=404, headers={},
                           fetched_at=datetime.now(UTC), sha256=None, size=None, content_type=None, role="report",
                           outcome="failed")
    crawling.close()
    assert load_pending_manifests(con, tmp_path)["fetches"] == 2


def test_the_listed_date_of_a_link_arrives_in_raw_fetches_and_older_lines_load_without_it(tmp_path):
    with RawStore(tmp_path, "run1", "p1", archive=False) as store:
        body = b"<html>report</html>"
        sha, _ = store.put(body)
        store.land(result=type("Result", (), {
            "url": "http://x.gov.cn/nb/t20240120_1.html", "final_url": None, "status": 200, "headers": {},
            "fetched_at": datetime.now(UTC), "body": body, "content_type": "text/html"})(),
            role="report", referrer="http://x.gov.cn/nb/", link_text="某市2023年政府信息公开工作年度报告",
            listed_date="2024-01-20")
        store.record_fetch(url="http://x.gov.cn/nb/", final_url=None, status=200, headers={},
                           fetched_at=datetime.now(UTC), sha256=sha, size=len(body), content_type="text/html",
                           role="seed", outcome="landed")
        shard = store.shard_path
    # a line written before listed dates existed has no such key
    with open(shard, "a", encoding="utf-8") as f:
        f.write(json.dumps({"table": "fetches", "fetch_id": "old", "run_id": "run0", "portal_id": "p1",
                            "url": "http://x.gov.cn/old.html", "fetched_at": "2024-01-01T00:00:00+00:00",
                            "role": "report", "outcome": "failed", "headers": {}}) + "\n")
    con = warehouse.connect(tmp_path)
    assert load_pending_manifests(con, tmp_path)["fetches"] == 3
    assert warehouse.column_types(con, "raw.fetches")["listed_date"] == "DATE"
    rows = con.execute("select role, outcome, listed_date from raw.fetches order by role, outcome").fetchall()
    assert rows == [("report", "failed", None), ("report", "landed", date(2024, 1, 20)), ("seed", "landed", None)]
    assert con.execute("select listed_date from raw.first_landings where role = 'report'").fetchone() == (
        date(2024, 1, 20),)


def test_a_warehouse_made_before_listed_dates_gets_the_column(tmp_path):
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    con.execute(warehouse.RAW_DDL.replace(",\n    listed_date date\n", "\n").replace(
        "alter table raw.fetches add column if not exists listed_date date;", ""))
    assert "listed_date" not in warehouse.column_types(con, "raw.fetches")
    warehouse.create_schema(con)
    assert warehouse.column_types(con, "raw.fetches")["listed_date"] == "DATE"
    assert "listed_date" in [d[0] for d in con.execute("select * from raw.first_landings").description]
