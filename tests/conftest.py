"""Fixtures shared by test modules: one demo run of the whole nightly pipeline per session."""

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
XXGK = str(Path(sys.executable).with_name("xxgk"))


def run_demo(data_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PREFECT_HOME": str(data_dir / "prefect")}
    env.pop("PREFECT_API_URL", None)
    return subprocess.run([XXGK, "demo", "--data-dir", str(data_dir)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("demo")
    result = run_demo(data_dir)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    (data_dir / "demo.stderr").write_text(result.stderr)  # for the clean-terminal test
    return data_dir, result.stdout


def query(data_dir: Path, sql: str, params=None):
    con = duckdb.connect(str(data_dir / "xxgk.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
