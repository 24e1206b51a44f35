"""`make bench` stays runnable: the quick crawl benchmark on a simulated mirror gives sane figures."""

import pytest

from benchmarks.run import crawl_bench

pytestmark = pytest.mark.slow


def test_quick_crawl_benchmark_lands_everything_and_re_runs_cheaply():
    rows = {name: figure for name, figure, _target in crawl_bench(hosts=8, delay=0.2, reports_per_page=3)}
    assert rows["crawl reports landed"] == "48 of 48"
    assert "0 new bodies" in rows["crawl no-change re-run"]
    fraction = float(rows["crawl fraction of bound"].split("%")[0])
    assert 50 < fraction <= 100
