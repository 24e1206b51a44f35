"""Failures of the machine, not of the code: a BI tool holding the working warehouse, a full disk.
Each ends in one line that says what happened and what to do, a non-zero exit and the summary,
never a wall of tracebacks."""

import errno
import os
import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ROOT
from xxgk import pipeline, warehouse

XXGK = [sys.executable, "-m", "xxgk.cli"]


@contextmanager
def reader_holding(path: Path):
    """Another process with ``path`` open read-only, as a BI tool or a notebook holds it."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time\n"
                               f"con = duckdb.connect({str(path)!r}, read_only=True)\n"
                               "print('open', flush=True)\ntime.sleep(300)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        yield holder.pid
    finally:
        holder.kill()
        holder.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_locked_warehouse_stops_the_night_with_one_line_and_the_summary(tmp_path):
    data_dir = tmp_path / "data"
    warehouse.connect(data_dir).close()
    env = {**os.environ, "XXGK_DEMO_PORT": str(free_port())}
    with reader_holding(warehouse.warehouse_path(data_dir)) as pid:
        run = subprocess.run([*XXGK, "demo", "--data-dir", str(data_dir)], capture_output=True, text=True,
                             cwd=ROOT, env=env, timeout=600)
        parse = subprocess.run([*XXGK, "parse", "--data-dir", str(data_dir)], capture_output=True, text=True,
                               cwd=ROOT, timeout=120)
    output = run.stdout + run.stderr
    assert run.returncode == 1, output[-3000:]
    assert "Traceback" not in output, output[-5000:]
    failed = [line for line in run.stderr.splitlines() if line.startswith("nightly run FAILED")]
    assert len(failed) == 1, run.stderr[-3000:]
    assert f"(PID {pid})" in failed[0] and "close that program" in failed[0] and "xxgk.duckdb" in failed[0]
    assert "STOPPED in crawl: the working warehouse" in run.stdout  # the summary, with where it stopped
    assert "# xxgk nightly run" in run.stdout and "dbt build: not run" in run.stdout

    assert parse.returncode == 1 and "Traceback" not in parse.stderr, parse.stderr[-3000:]
    assert parse.stderr.strip().splitlines()[-1].startswith("xxgk parse: the working warehouse")


def test_explain_failure_names_a_full_disk_and_leaves_bugs_alone(tmp_path):
    import duckdb

    full = OSError(errno.ENOSPC, "No space left on device")
    try:
        raise RuntimeError("writing the manifest shard") from full
    except RuntimeError as wrapped:
        reason = pipeline.explain_failure(wrapped, tmp_path)
    assert reason.startswith(f"no space left on the device of {tmp_path}") and "free space there" in reason
    duckdb_full = duckdb.IOException('Could not write file "x.wal": No space left on device')
    assert pipeline.machine_failure(duckdb_full)[0] == "disk_full"
    assert pipeline.explain_failure(KeyError("a bug"), tmp_path) is None
    assert pipeline.explain_failure(OSError(errno.EACCES, "Permission denied"), tmp_path) is None


@pytest.fixture
def small_disk(tmp_path):
    """A 64 MB tmpfs, as a disk that other files have all but filled."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_stops_the_night_before_it_starts_with_one_line_and_the_summary(small_disk):
    data_dir = small_disk / "data"
    (small_disk / "ballast").write_bytes(b"\0" * (60 * 1024 * 1024))  # 4 MB left
    env = {**os.environ, "XXGK_DEMO_PORT": str(free_port())}
    env.pop("XXGK_MIN_FREE_MB", None)
    run = subprocess.run([*XXGK, "demo", "--data-dir", str(data_dir)], capture_output=True, text=True,
                         cwd=ROOT, env=env, timeout=600)
    output = run.stdout + run.stderr
    assert run.returncode == 1, output[-3000:]
    assert "Traceback" not in output and "--- Logging error ---" not in output, output[-5000:]
    failed = [line for line in run.stderr.splitlines() if line.startswith("nightly run FAILED")]
    assert len(failed) == 1 and "no space left on the device" in failed[0] and "free space there" in failed[0]
    assert "STOPPED in start: no space left" in run.stdout and "(no run started)" in run.stdout
    assert not list((data_dir / "prefect").glob("*.db"))  # stopped before Prefect wrote its database there


def test_a_stage_does_not_start_on_a_nearly_full_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("XXGK_MIN_FREE_MB", str(10**9))  # more than any disk here
    with pytest.raises(OSError) as stopped:
        pipeline.check_free_space(tmp_path / "not-yet", "parse")
    assert stopped.value.errno == errno.ENOSPC and "before parse" in str(stopped.value)
    monkeypatch.setenv("XXGK_MIN_FREE_MB", "1")
    pipeline.check_free_space(tmp_path, "parse")


def test_log_records_a_full_disk_cannot_write_are_dropped_and_other_handler_errors_kept(capsys, monkeypatch):
    import logging

    from xxgk import cli

    monkeypatch.setattr(logging.Handler, "handleError", logging.Handler.handleError)  # undone after the test
    cli.quiet_logging_on_a_full_disk()

    class Failing(logging.Handler):
        def __init__(self, error):
            super().__init__()
            self.error = error

        def emit(self, record):
            try:
                raise self.error
            except OSError:
                self.handleError(record)

    logger = logging.getLogger("xxgk.test.full-disk")
    logger.propagate = False
    for error, shown in ((OSError(errno.ENOSPC, "No space left on device"), False),
                         (OSError(errno.EIO, "Input/output error"), True)):
        handler = Failing(error)
        logger.addHandler(handler)
        logger.error("a record")
        logger.removeHandler(handler)
        assert ("--- Logging error ---" in capsys.readouterr().err) == shown
