"""Kill -9 at every stage of a night (crawl, manifest load, parse, dbt, publish): the next run
ends with the marts a clean run gives.

The kill comes from inside: a ``sitecustomize`` put on the demo's PYTHONPATH wraps one function
of the stage so that the process SIGKILLs itself in the middle of it (inside the parse
transaction, between loading manifest shards and moving them, half-way through copying the
marts), which a timer from outside could not aim at. Product code has no hook for this.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT

XXGK = str(Path(sys.executable).with_name("xxgk"))

# stage → (module, attribute, call on which to die, die before or after the real call)
KILL_POINTS = {
    "crawl": ("xxgk.rawstore", "RawStore.record_fetch", 8, "before"),
    "load": ("xxgk.manifest", "_load_batch", 1, "after"),  # rows in raw.*, shards not yet moved
    "parse": ("xxgk.warehouse", "insert_ndjson", 2, "before"),  # inside the parse transaction
    "dbt": ("xxgk.pipeline", "dbt_build_plain", 1, "timer"),  # 3 s into dbt build
    "publish": ("xxgk.publish", "copy_comments", 3, "before"),  # the temporary copy half-written
}

SITECUSTOMIZE = textwrap.dedent('''
    import os, sys
    point = os.environ.get("XXGK_TEST_KILL_AT")
    if point and len(sys.argv) > 1 and sys.argv[1] == "demo":
        import functools, importlib, signal, threading
        module_name, attribute, nth, when = point.split(":")
        module = importlib.import_module(module_name)
        owner, name = (getattr(module, attribute.split(".")[0]), attribute.split(".")[1]) if "." in attribute \\
            else (module, attribute)
        real = getattr(owner, name)
        calls = []

        def die():
            os.kill(os.getpid(), signal.SIGKILL)

        @functools.wraps(real)
        def wrapper(*args, **kwargs):
            calls.append(1)
            if len(calls) == int(nth):
                if when == "before":
                    die()
                if when == "timer":
                    threading.Timer(3.0, die).start()
                    return real(*args, **kwargs)
                result = real(*args, **kwargs)
                die()
                return result
            return real(*args, **kwargs)

        setattr(owner, name, wrapper)
        if owner is module:  # modules that imported the name before the wrap see it too
            for other in list(sys.modules.values()):
                if getattr(other, name, None) is real and other is not module:
                    setattr(other, name, wrapper)
''')

# columns that say when or how often, not what: they differ between any two runs
VOLATILE = ("_at", "_on", "run_id", "fetches_cnt", "portal_runs_cnt", "pages_fetched", "health_reason",
            "report_fingerprint",  # the fingerprint hashes parse times
            "first_seen_days_after_deadline")  # counted from first_seen_at: a run after midnight adds a day
# tallies over crawl runs: a killed run adds a run, or the pages it fetched, or lacks them
VOLATILE_BY_TABLE = {"dim_portal_health": ("_cnt",), "fct_url_history": ("failures_cnt",)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory):
    hooks = tmp_path_factory.mktemp("hooks")
    (hooks / "sitecustomize.py").write_text(SITECUSTOMIZE)
    env = {**os.environ, "XXGK_DEMO_PORT": str(free_port()), "PYTHONPATH": str(hooks)}
    env.pop("PREFECT_API_URL", None)
    env.pop("XXGK_TEST_KILL_AT", None)
    return env


def demo(data_dir: Path, env: dict, kill_at: str | None = None) -> subprocess.CompletedProcess:
    env = {**env, "PREFECT_HOME": str(data_dir / "prefect")}
    if kill_at:
        env["XXGK_TEST_KILL_AT"] = ":".join(str(part) for part in KILL_POINTS[kill_at])
    data_dir.mkdir(parents=True, exist_ok=True)
    # output to files, not pipes: a killed run's children (Prefect's server) hold its pipes open
    with open(data_dir / "demo.out", "w+") as out, open(data_dir / "demo.err", "w+") as err:
        process = subprocess.Popen([XXGK, "demo", "--data-dir", str(data_dir)], cwd=ROOT, env=env, text=True,
                                   stdout=out, stderr=err, start_new_session=True)
        try:
            process.wait(timeout=900)
        finally:
            # ... and they must not outlive it
            with contextlib.suppress(ProcessLookupError):  # the group is already gone: nothing outlived it
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    # the same night again: the sample portal serves what it served the first time
    (data_dir / "sample_portal_nights").write_text("0")
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def marts(data_dir: Path) -> dict[str, list[tuple]]:
    """Every published mart without its volatile columns, rows sorted."""
    con = duckdb.connect(str(data_dir / "xxgk.duckdb"), read_only=True)
    try:
        out = {}
        for (table,) in con.execute("select table_name from duckdb_tables() where schema_name = 'marts'").fetchall():
            columns = [name for name, kind in con.execute(
                "select column_name, data_type from duckdb_columns() where schema_name = 'marts' and table_name = ? "
                "order by column_index", [table]).fetchall()
                if "TIMESTAMP" not in kind and not name.endswith(VOLATILE + VOLATILE_BY_TABLE.get(table, ()))]
            casts = ", ".join(f'"{c}"::varchar' for c in columns)
            out[table] = con.execute(f"select {casts} from marts.{table} order by all").fetchall()
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def clean(tmp_path_factory, demo_env):
    data_dir = tmp_path_factory.mktemp("clean")
    for _ in range(2):
        run = demo(data_dir, demo_env)
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return marts(data_dir)


@pytest.mark.parametrize("stage", list(KILL_POINTS))
def test_a_night_killed_in_any_stage_is_repaired_by_the_next(stage, tmp_path, demo_env, clean):
    data_dir = tmp_path / "data"
    killed = demo(data_dir, demo_env, kill_at=stage)
    assert killed.returncode == -9, f"the {stage} kill point was not reached:\n{killed.stderr[-3000:]}"
    rerun = demo(data_dir, demo_env)
    assert rerun.returncode == 0, rerun.stdout[-3000:] + rerun.stderr[-3000:]
    assert not list((data_dir / "scratch").rglob("*.ndjson")), "a killed parse's batch files were left behind"
    repaired = marts(data_dir)
    assert repaired.keys() == clean.keys()
    for table in clean:
        assert repaired[table] == clean[table], f"{table} after a kill in {stage} differs from a clean run"
    assert sum(len(rows) for rows in clean.values()) > 100
    assert not list(data_dir.glob(".xxgk.duckdb.*")), "a temporary copy of publish survived the re-run"
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    outcomes = [row[0] for row in con.execute("select outcome from raw.crawl_runs order by started_at").fetchall()]
    con.close()
    # a run killed before it closed its record is marked so by the next; the others finished
    assert outcomes == (["abandoned", "finished"] if stage in ("crawl", "load") else ["finished", "finished"])
