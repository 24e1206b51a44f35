"""prefect.yaml deploys to a real local Prefect server, and the scheduler creates runs.

A broken scheduler fails silently (sqlalchemy 2.1 with Prefect 3.8.8 did exactly that), so the
only proof is a scheduled flow run appearing on the server.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PREFECT = str(Path(sys.executable).with_name("prefect"))

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(url: str, body: dict | None = None):
    data = json.dumps(body or {}).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_nightly_deployment_gets_scheduled_runs(tmp_path):
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_API_URL": api_url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
        "DO_NOT_TRACK": "1",
    }
    # deploy from a copy so the test never edits the repository's prefect.yaml or .prefect/
    project = tmp_path / "project"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(".venv", "data", ".git", "target", "logs"))
    server = subprocess.Popen(
        [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(api_url + "/health", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("prefect server did not start:\n" + (server.stdout.read() if server.poll() else ""))
                time.sleep(1)
        run = lambda *args: subprocess.run(  # noqa: E731
            [PREFECT, *args], env=env, cwd=project, capture_output=True, text=True, timeout=180
        )
        pool = run("work-pool", "create", "xxgk-process", "--type", "process")
        assert pool.returncode == 0, pool.stdout + pool.stderr
        deployed = run("--no-prompt", "deploy", "--name", "nightly")
        assert deployed.returncode == 0, deployed.stdout + deployed.stderr

        deployments = api(api_url + "/deployments/filter")
        nightly = next(d for d in deployments if d["name"] == "nightly")
        schedule = nightly["schedules"][0]["schedule"]
        assert schedule["cron"] == "0 2 * * *" and schedule["timezone"] == "Asia/Shanghai"
        assert nightly["work_pool_name"] == "xxgk-process"

        deadline = time.monotonic() + 90
        runs = []
        while not runs and time.monotonic() < deadline:
            runs = api(api_url + "/flow_runs/filter", {"deployments": {"id": {"any_": [nightly["id"]]}}})
            time.sleep(2)
        assert runs, "the scheduler created no run for the cron deployment"
        assert all(r["state_type"] == "SCHEDULED" for r in runs)
        # 02:00 in Asia/Shanghai is 18:00 UTC
        assert all("T18:00:00" in r["next_scheduled_start_time"] for r in runs), runs
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
