"""Content-addressed raw landing: every body stored unchanged, once, with a manifest row per fetch.

Bodies live under ``DIR/raw/<sha[:2]>/<sha256>``. A crawl task never opens the warehouse: it
appends one JSON line per fetch to its own manifest shard under ``DIR/manifest/pending/`` (and
each response to a WARC file), so crawl tasks can run in threads, processes or on Dask workers
sharing the data folder. Landing needs no database: :mod:`xxgk.manifest` loads the shards
into ``raw.*`` afterwards (a shard left by a killed run is loaded by the next one, so nothing is
lost, and fetch ids make loading idempotent).

Bodies are written to a temporary file and renamed into place, so a crash never leaves a
partial blob under a valid name, and the same bytes are never stored twice.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from xxgk.warc import WarcArchive

FETCH_COLUMNS = [
    "fetch_id", "run_id", "portal_id", "url", "final_url", "status", "headers", "fetched_at", "sha256",
    "bytes", "content_type", "role", "referrer", "link_text", "outcome", "failure_reason", "failure_detail",
    "listed_date",
]
PORTAL_RUN_COLUMNS = [
    "run_id", "portal_id", "started_at", "finished_at", "health", "health_reason", "pages_fetched",
    "reports_found", "reports_landed", "failures", "truncated",
]


def sha256_hex(body: bytes) -> str:
    """The hex sha256 of a body: its name in the raw store."""
    return hashlib.sha256(body).hexdigest()


def blob_path(data_dir: Path, sha: str) -> Path:
    """Where a body lives: DIR/raw/<first two hex digits>/<sha256>."""
    return Path(data_dir) / "raw" / sha[:2] / sha


def manifest_dir(data_dir: Path, state: str = "pending") -> Path:
    """DIR/manifest/<state>: shards still to load into raw.* (``pending``) or already loaded (``loaded``)."""
    return Path(data_dir) / "manifest" / state


@dataclass(frozen=True)
class KnownUrl:
    """What the warehouse knows of a URL from earlier runs (for conditional GET and skipping)."""

    sha256: str
    last_checked: datetime
    content_type: str | None
    etag: str | None
    last_modified: str | None
    first_url: str
    first_fetched_at: datetime


class RunFiles:
    """The manifest shard and WARC archive that one process writes for one run.

    Shared by every RawStore of the run in the process (a night's crawl tasks), and closed when
    the last of them closes: a shard and a WARC per portal cost two file creations per portal a
    night (a fifth of a no-change night's CPU) and left a thousand files a night in each folder.
    Every manifest line names its portal, so nothing needs the file to.
    """

    _registry_lock = threading.Lock()
    _open: dict[tuple[str, str], RunFiles] = {}

    def __init__(self, data_dir: Path, run_id: str):
        self.key = (str(data_dir), run_id)
        shard_dir = manifest_dir(data_dir)
        shard_dir.mkdir(parents=True, exist_ok=True)
        writer = f"{safe_name(socket.gethostname())}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.shard_path = shard_dir / f"{run_id}__{writer}.ndjson"
        self._shard = open(self.shard_path, "a", encoding="utf-8")
        # held until the last store closes (or the process dies): the loader leaves a locked shard
        # alone, so a load that runs during a crawl (an ad-hoc `xxgk crawl`) cannot take lines from it
        fcntl.flock(self._shard.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._lock = threading.Lock()
        self.warc = WarcArchive(Path(data_dir) / "warc", f"{run_id}-{writer}")
        self.users = 0

    @classmethod
    def acquire(cls, data_dir: Path, run_id: str) -> RunFiles:
        """The run's files in this process, opened by the first store that asks; each caller must :meth:`release`."""
        with cls._registry_lock:
            files = cls._open.get((str(data_dir), run_id))
            if files is None:
                files = RunFiles(data_dir, run_id)
                cls._open[files.key] = files
            files.users += 1
            return files

    def release(self) -> None:
        """One store fewer; the last one closes the shard (releasing its lock) and the WARC."""
        with self._registry_lock:
            self.users -= 1
            if self.users == 0:
                del self._open[self.key]
                self.warc.close()
                self._shard.close()

    def append(self, line: str) -> None:
        """Write one manifest line, flushed at once."""
        with self._lock:
            # one flushed line per fetch: a killed crawl loses at most the line being written
            self._shard.write(line + "\n")
            self._shard.flush()


class RawStore:
    """Blob files, manifest lines and WARC records for one crawl task; safe to share between threads."""

    def __init__(self, data_dir: Path, run_id: str, portal_id: str, known: dict[str, KnownUrl] | None = None,
                 archive: bool = True):
        self.data_dir = Path(data_dir)
        self.run_id = run_id
        self.portal_id = portal_id
        self.known = dict(known or {})
        self._first_by_sha = {k.sha256: (k.first_url, k.first_fetched_at) for k in self.known.values()}
        (self.data_dir / "raw").mkdir(parents=True, exist_ok=True)
        self._raw_dir = str(self.data_dir / "raw")
        self._lock = threading.Lock()
        self._files: RunFiles | None = RunFiles.acquire(self.data_dir, run_id)
        self.shard_path = self._files.shard_path
        self.warc = self._files.warc if archive else None

    def close(self) -> None:
        """Let go of the run's shared files (closed once every store of the run has); idempotent."""
        if self._files is not None:
            self._files.release()
            self._files = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def blob_path(self, sha: str) -> Path:
        """Where the body ``sha`` lives under this store's data folder."""
        return blob_path(self.data_dir, sha)

    def read(self, sha: str) -> bytes:
        """The body stored as ``sha`` (FileNotFoundError when it is not on disk)."""
        # string paths: a no-change night reads ~20 blobs per portal, and pathlib was a tenth of its CPU
        with open(os.path.join(self._raw_dir, sha[:2], sha), "rb") as f:
            return f.read()

    def put(self, body: bytes) -> tuple[str, bool]:
        """Store ``body`` by its sha256; return (sha256, whether it was new)."""
        sha = sha256_hex(body)
        path = self.blob_path(sha)
        if path.exists():
            return sha, False
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{sha}.{uuid.uuid4().hex}.tmp")
        with open(tmp, "wb") as f:
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        return sha, True

    def _append(self, table: str, row: dict) -> None:
        self._files.append(json.dumps({"table": table, **row}, ensure_ascii=False, default=str))

    def record_fetch(self, *, url: str, final_url: str | None, status: int | None, headers: dict | None,
                     fetched_at: datetime, sha256: str | None, size: int | None, content_type: str | None,
                     role: str, referrer: str | None = None, link_text: str | None = None, outcome: str,
                     failure_reason: str | None = None, failure_detail: str | None = None,
                     listed_date: str | None = None) -> str:
        """One raw.fetches row in the manifest (outcome landed, not_modified or failed); returns its fetch id.
        ``listed_date``: the ISO date the referring list page printed beside the link, if any."""
        fetch_id = uuid.uuid4().hex
        self._append("fetches", {
            "fetch_id": fetch_id, "run_id": self.run_id, "portal_id": self.portal_id, "url": url,
            "final_url": final_url, "status": status, "headers": headers or {}, "fetched_at": fetched_at,
            "sha256": sha256, "bytes": size, "content_type": content_type, "role": role, "referrer": referrer,
            "link_text": link_text, "outcome": outcome, "failure_reason": failure_reason,
            "failure_detail": failure_detail, "listed_date": listed_date,
        })
        return fetch_id

    def record_failure(self, result, *, role: str, referrer: str | None, link_text: str | None,
                       listed_date: str | None = None) -> str:
        """The manifest row of a response that did not land, with its reason from the taxonomy."""
        return self.record_fetch(
            url=result.url, final_url=result.final_url, status=result.status, headers=result.headers,
            fetched_at=result.fetched_at, sha256=None, size=None, content_type=result.content_type, role=role,
            referrer=referrer, link_text=link_text, outcome="failed", failure_reason=result.failure,
            failure_detail=result.failure_detail, listed_date=listed_date,
        )

    def land(self, *, result, role: str, referrer: str | None, link_text: str | None,
             listed_date: str | None = None) -> tuple[str, bool]:
        """Store a good response's body, its manifest row and its WARC record; return (sha256, is new)."""
        sha, is_new = self.put(result.body)
        self.record_fetch(
            url=result.url, final_url=result.final_url, status=result.status, headers=result.headers,
            fetched_at=result.fetched_at, sha256=sha, size=len(result.body), content_type=result.content_type,
            role=role, referrer=referrer, link_text=link_text, outcome="landed", listed_date=listed_date,
        )
        target = result.final_url or result.url
        with self._lock:
            first = self._first_by_sha.get(sha)
            if first is None:
                self._first_by_sha[sha] = (target, result.fetched_at)
        if self.warc:
            if first:
                self.warc.revisit(target, result.status, result.headers, result.body, result.fetched_at, sha, *first)
            else:
                self.warc.response(target, result.status, result.headers, result.body, result.fetched_at, sha)
        return sha, is_new

    def first_capture(self, sha: str) -> tuple[str, datetime] | None:
        """(URL, time) of the body's first landing known to this store, for a WARC revisit; None if not known."""
        with self._lock:
            return self._first_by_sha.get(sha)

    def validators(self, url: str) -> tuple[str | None, str | None, str | None]:
        """ETag, Last-Modified and sha256 of the last landed fetch of ``url`` (for conditional GET)."""
        known = self.known.get(url)
        return (known.etag, known.last_modified, known.sha256) if known else (None, None, None)

    def record_portal_run(self, summary: dict, started_at: datetime, finished_at: datetime | None) -> None:
        """The portal's raw.portal_runs row for this run, from :meth:`PortalCrawl.summary`."""
        self._append("portal_runs", {
            "run_id": self.run_id, "portal_id": self.portal_id, "started_at": started_at,
            "finished_at": finished_at,
            # truncated came later: a summary from before it (a retried task of an older worker) has none
            **{k: summary.get(k) if k == "truncated" else summary[k] for k in PORTAL_RUN_COLUMNS[4:]},
        })


def safe_name(name: str) -> str:
    """``name`` as a file name: anything but letters, digits, - and _ becomes _."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
