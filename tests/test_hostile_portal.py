"""`xxgk crawl` against a portal linking to every fault at once (the crawler issue's acceptance test)."""

import hashlib
import json
import subprocess
import sys

import pytest

from tests.hostile_server import ROBOTS_TXT, hostile_server

pytestmark = pytest.mark.slow

GOOD = {"/gzip", "/deflate-raw", "/gbk.html", "/flaky", "/r/2023.html", "/hostile/index.html", "/files/2023.docx"}
BAD = {
    "/slow-drip": "deadline_exceeded", "/500": "server_error", "/reset": "connection_reset",
    "/truncated": "truncated", "/loop-a": "redirect_loop", "/big": "too_large", "/bomb": "decompression_bomb",
    "/nowhere": "not_found", "/challenge": "js_challenge", "/private/2016.html": "robots_disallowed",
    "/redirect-offsite": "offsite",
}


def crawl(base: str, data_dir) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "xxgk.cli", "crawl", base + "/hostile/index.html", "--data-dir", str(data_dir),
         "--json", "--delay", "0", "--max-mb", "1"],
        capture_output=True, text=True, timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout)


def test_hostile_portal(tmp_path):
    with hostile_server() as (base, state):
        first = crawl(base, tmp_path)
        hits_after_first = dict(state.hits)
        state.hits.clear()
        second = crawl(base, tmp_path)

    landed = {u.replace(base, ""): d for d in first["documents"] for u in d["urls"]}
    assert landed.keys() >= GOOD
    # the same page under two URLs is one document, stored once
    assert landed["/r/2023.html"] is landed["/r/2023-copy.html"]
    for path in GOOD:
        blob = tmp_path / "raw" / landed[path]["sha256"][:2] / landed[path]["sha256"]
        assert hashlib.sha256(blob.read_bytes()).hexdigest() == landed[path]["sha256"]
    failures = {f["url"].replace(base, ""): f["reason"] for f in first["failures"]}
    for path, reason in BAD.items():
        assert failures.get(path) == reason, (path, failures.get(path))
    assert failures["http://evil.example.invalid/r.html"] == "offsite"
    assert not any(h.startswith("/private/") for h in hits_after_first)  # never requested
    robots_sha = hashlib.sha256(ROBOTS_TXT).hexdigest()
    blobs = {p.name for p in (tmp_path / "raw").glob("*/*")}
    assert blobs == {d["sha256"] for d in first["documents"]} | {robots_sha}  # each body once, robots.txt too

    # the second run lands nothing new and does not re-request what it already has
    assert not any(d["new"] for d in second["documents"])
    assert {d["sha256"] for d in second["documents"]} >= {d["sha256"] for d in first["documents"]}
    assert "/r/2023.html" not in state.hits and "/gzip" not in state.hits
