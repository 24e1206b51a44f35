"""The crawl fans out over a real (local, multi-process) Dask cluster through prefect-dask."""

import pytest

from scrapers.portals import Portal
from tests.hostile_server import hostile_server
from xxgk import pipeline, warehouse

pytestmark = pytest.mark.slow


def test_crawl_subflow_runs_on_a_local_dask_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    from prefect.testing.utilities import prefect_test_harness
    from prefect_dask import DaskTaskRunner

    from flows.nightly import crawl

    with hostile_server() as (base_a, _), hostile_server() as (base_b, _):
        settings = pipeline.CrawlSettings(per_host_delay=0.0, backoff_base=0.01,
                                          allowed_networks=[b.removeprefix("http://") for b in (base_a, base_b)])
        portals = [
            Portal(id="a-list", name="a", province_code="440000", level="city", seed_urls=(base_a + "/list.html",)),
            Portal(id="a-second", name="a2", province_code="440000", level="city",
                   seed_urls=(base_a + "/list_1.html",)),
            Portal(id="b-list", name="b", province_code="450000", level="city", seed_urls=(base_b + "/list.html",)),
        ]
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      dashboard_address=None) as cluster, prefect_test_harness():
            runner = DaskTaskRunner(address=cluster.scheduler_address)
            run_id, results = crawl.with_options(task_runner=runner)(portals, str(tmp_path), settings)
    assert [r["health"] for r in results] == ["ok", "ok", "ok"]
    con = warehouse.connect(tmp_path)
    per_portal = dict(con.execute(
        "select portal_id, count(*) from raw.fetches where run_id = ? and outcome = 'landed' group by 1",
        [run_id]).fetchall())
    assert per_portal["a-list"] >= 8 and per_portal["b-list"] >= 8 and per_portal["a-second"] >= 2
    health = dict(con.execute("select portal_id, health from raw.portal_runs where run_id = ?", [run_id]).fetchall())
    assert health == {"a-list": "ok", "a-second": "ok", "b-list": "ok"}
