"""Manifest shards → raw.*: idempotent, and a crawl killed mid-line loses only that line."""

from datetime import UTC, datetime

from xxgk import warehouse
from xxgk.rawstore import RawStore, load_pending_manifests, manifest_dir


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
