"""Content-addressed raw landing: every body stored unchanged, once, with a manifest row per fetch.

Bodies live under ``DIR/raw/<sha[:2]>/<sha256>``. A crawl task never opens the warehouse: it
appends one JSON line per fetch to its own manifest shard under ``DIR/manifest/pending/`` (and
each response to a WARC file), so crawl tasks can run in threads, processes or on Dask workers
sharing the data folder. :func:`load_pending_manifests` then moves the shards into ``raw.*``
in the warehouse; a shard left by a killed run is loaded by the next one, so nothing is lost,
and fetch ids make loading idempotent.

Bodies are written to a temporary file and renamed into place, so a crash never leaves a
partial blob under a valid name, and the same bytes are never stored twice.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import socket
import tempfile
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from xxgk import warehouse
from xxgk.warc import WarcArchive

log = logging.getLogger(__name__)

FETCH_COLUMNS = [
    "fetch_id", "run_id", "portal_id", "url", "final_url", "status", "headers", "fetched_at", "sha256",
    "bytes", "content_type", "role", "referrer", "link_text", "outcome", "failure_reason", "failure_detail",
]
PORTAL_RUN_COLUMNS = [
    "run_id", "portal_id", "started_at", "finished_at", "health", "health_reason", "pages_fetched",
    "reports_found", "reports_landed", "failures", "truncated",
]


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def sha256_hex(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def blob_path(data_dir: Path, sha: str) -> Path:
    return Path(data_dir) / "raw" / sha[:2] / sha


def manifest_dir(data_dir: Path, state: str = "pending") -> Path:
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
        with cls._registry_lock:
            files = cls._open.get((str(data_dir), run_id))
            if files is None:
                files = RunFiles(data_dir, run_id)
                cls._open[files.key] = files
            files.users += 1
            return files

    def release(self) -> None:
        with self._registry_lock:
            self.users -= 1
            if self.users == 0:
                del self._open[self.key]
                self.warc.close()
                self._shard.close()

    def append(self, line: str) -> None:
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
        if self._files is not None:
            self._files.release()
            self._files = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def blob_path(self, sha: str) -> Path:
        return blob_path(self.data_dir, sha)

    def read(self, sha: str) -> bytes:
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
                     failure_reason: str | None = None, failure_detail: str | None = None) -> str:
        fetch_id = uuid.uuid4().hex
        self._append("fetches", {
            "fetch_id": fetch_id, "run_id": self.run_id, "portal_id": self.portal_id, "url": url,
            "final_url": final_url, "status": status, "headers": headers or {}, "fetched_at": fetched_at,
            "sha256": sha256, "bytes": size, "content_type": content_type, "role": role, "referrer": referrer,
            "link_text": link_text, "outcome": outcome, "failure_reason": failure_reason,
            "failure_detail": failure_detail,
        })
        return fetch_id

    def record_failure(self, result, *, role: str, referrer: str | None, link_text: str | None) -> str:
        """The manifest row of a response that did not land, with its reason from the taxonomy."""
        return self.record_fetch(
            url=result.url, final_url=result.final_url, status=result.status, headers=result.headers,
            fetched_at=result.fetched_at, sha256=None, size=None, content_type=result.content_type, role=role,
            referrer=referrer, link_text=link_text, outcome="failed", failure_reason=result.failure,
            failure_detail=result.failure_detail,
        )

    def land(self, *, result, role: str, referrer: str | None, link_text: str | None) -> tuple[str, bool]:
        """Store a good response's body, its manifest row and its WARC record; return (sha256, is new)."""
        sha, is_new = self.put(result.body)
        self.record_fetch(
            url=result.url, final_url=result.final_url, status=result.status, headers=result.headers,
            fetched_at=result.fetched_at, sha256=sha, size=len(result.body), content_type=result.content_type,
            role=role, referrer=referrer, link_text=link_text, outcome="landed",
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
        with self._lock:
            return self._first_by_sha.get(sha)

    def validators(self, url: str) -> tuple[str | None, str | None, str | None]:
        """ETag, Last-Modified and sha256 of the last landed fetch of ``url`` (for conditional GET)."""
        known = self.known.get(url)
        return (known.etag, known.last_modified, known.sha256) if known else (None, None, None)

    def record_portal_run(self, summary: dict, started_at: datetime, finished_at: datetime | None) -> None:
        self._append("portal_runs", {
            "run_id": self.run_id, "portal_id": self.portal_id, "started_at": started_at,
            "finished_at": finished_at,
            # truncated came later: a summary from before it (a retried task of an older worker) has none
            **{k: summary.get(k) if k == "truncated" else summary[k] for k in PORTAL_RUN_COLUMNS[4:]},
        })


def safe_name(name: str) -> str:
    """``name`` as a file name: anything but letters, digits, - and _ becomes _."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)


def known_urls(con: duckdb.DuckDBPyConnection, portal_ids: list[str], data_dir: Path) -> dict[str, dict[str, KnownUrl]]:
    """portal id → URL → KnownUrl of everything each portal landed before whose body is still on disk.

    One pass over raw.fetches for all portals: a query per portal made a no-change night
    quadratic in the number of portals.
    """
    rows = con.execute(
        """
        with wanted as (
            select unnest(?::varchar[]) as portal_id
        ),
        fetches as (
            select f.* from raw.fetches f join wanted using (portal_id)
        ),
        seen as (
            select
                portal_id,
                url,
                arg_max(sha256, fetched_at) as sha256,
                max(fetched_at) as last_checked
            from fetches
            where outcome in ('landed', 'not_modified') and sha256 is not null
            group by portal_id, url
        ),
        landed as (
            select
                portal_id,
                url,
                arg_max(content_type, fetched_at) as content_type,
                arg_max(headers->>'etag', fetched_at) as etag,
                arg_max(headers->>'last-modified', fetched_at) as last_modified
            from fetches
            where outcome = 'landed'
            group by portal_id, url
        ),
        first_capture as (
            select sha256, arg_min(coalesce(final_url, url), fetched_at) as first_url, min(fetched_at) as first_at
            from raw.fetches
            where outcome = 'landed' and sha256 in (select sha256 from seen)
            group by sha256
        )
        select s.portal_id, s.url, s.sha256, epoch_us(s.last_checked), l.content_type, l.etag, l.last_modified,
               f.first_url, epoch_us(f.first_at)
        from seen s
        join landed l using (portal_id, url)
        join first_capture f using (sha256)
        """,
        [list(portal_ids)],
    ).fetchall()
    known: dict[str, dict[str, KnownUrl]] = {portal_id: {} for portal_id in portal_ids}
    # tens of thousands of rows on a national night: string paths, and epoch microseconds made
    # exact datetimes here, cost a third of pathlib's and DuckDB's tz-aware conversion
    raw_dir = os.path.join(data_dir, "raw")
    on_disk: dict[str, bool] = {}
    for portal_id, url, sha, checked_us, ctype, etag, modified, first_url, first_us in rows:
        if sha not in on_disk:
            on_disk[sha] = os.path.exists(os.path.join(raw_dir, sha[:2], sha))
        if on_disk[sha]:
            known[portal_id][url] = KnownUrl(sha, EPOCH + timedelta(microseconds=checked_us), ctype, etag, modified,
                                             first_url, EPOCH + timedelta(microseconds=first_us))
    return known


LOAD_BATCH_SHARDS = 500


def load_pending_manifests(con: duckdb.DuckDBPyConnection, data_dir: Path) -> dict[str, int]:
    """Move every pending manifest shard into raw.fetches / raw.blobs / raw.portal_runs.

    Idempotent (fetch ids are keys); a torn last line from a killed crawl is skipped with a
    warning, because the body it described, if any, is re-fetched by the next run. DuckDB reads
    the shards itself: parsing and re-serialising each line in Python was most of a night's load.
    """
    pending = manifest_dir(data_dir)
    loaded_dir = manifest_dir(data_dir, "loaded")
    totals = {"shards": 0, "fetches": 0, "portal_runs": 0, "torn_lines": 0}
    if not pending.exists():
        return totals
    shards = [shard for shard in sorted(pending.glob("*.ndjson")) if not _being_written(shard)]
    columns = _manifest_columns(con)
    # a batch of shards per transaction: a transaction per shard re-derived raw.blobs from all of
    # raw.fetches each time, which made loading a night of 1,000 portals quadratic
    for start in range(0, len(shards), LOAD_BATCH_SHARDS):
        batch = shards[start:start + LOAD_BATCH_SHARDS]
        with tempfile.TemporaryDirectory(prefix="xxgk-manifest-") as scratch:
            files = [str(_whole_lines(shard, Path(scratch), totals)) for shard in batch]
            counts = _load_batch(con, files, columns)
        loaded_dir.mkdir(parents=True, exist_ok=True)
        for shard in batch:
            shutil.move(str(shard), loaded_dir / shard.name)
        totals["shards"] += len(batch)
        totals["fetches"] += counts.get("fetches", 0)
        totals["portal_runs"] += counts.get("portal_runs", 0)
    return totals


def _being_written(shard: Path) -> bool:
    """Whether a crawl still holds ``shard`` open (see RunFiles); its lines are loaded once it closes."""
    with open(shard, "rb") as f:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            log.warning("%s is still being written by a running crawl: left for the next load", shard.name)
            return True
        fcntl.flock(f.fileno(), fcntl.LOCK_UN)
        return False


def _manifest_columns(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Column → type of every manifest line: raw.fetches' and raw.portal_runs' columns, and "table"."""
    types = {**warehouse.column_types(con, "raw.fetches"), **warehouse.column_types(con, "raw.portal_runs")}
    return {"table": "VARCHAR", **{c: types[c] for c in dict.fromkeys(FETCH_COLUMNS + PORTAL_RUN_COLUMNS)}}


def _whole_lines(shard: Path, scratch: Path, totals: dict[str, int]) -> Path:
    """``shard``, or a copy without its torn last line when a killed crawl left one."""
    with open(shard, "rb") as f:
        f.seek(0, os.SEEK_END)
        if f.tell() == 0:
            return shard
        f.seek(-1, os.SEEK_END)
        if f.read(1) == b"\n":  # every line is written with its newline: a whole last line ends with one
            return shard
        f.seek(0)
        data = f.read()
    totals["torn_lines"] += 1
    log.warning("%s: torn last line (killed crawl); its URL will be fetched again", shard.name)
    whole = scratch / shard.name
    whole.write_bytes(data[:data.rfind(b"\n") + 1])
    return whole


def _load_batch(con: duckdb.DuckDBPyConnection, files: list[str], columns: dict[str, str]) -> dict[str, int]:
    spec = ", ".join(f"'{c}': '{t}'" for c, t in columns.items())
    fetch_columns, run_columns = ", ".join(FETCH_COLUMNS), ", ".join(PORTAL_RUN_COLUMNS)
    con.execute("begin transaction")
    try:
        con.execute(f"""
            create or replace temp table manifest_batch as
            select * from read_json(?, format = 'newline_delimited', columns = {{{spec}}})
        """, [files])
        counts = dict(con.execute('select "table", count(*) from manifest_batch group by 1').fetchall())
        con.execute(f"""
            insert or ignore into raw.fetches ({fetch_columns})
            select {fetch_columns} from manifest_batch where "table" = 'fetches'
        """)
        con.execute("""
            insert or ignore into raw.blobs
            select sha256, any_value(bytes), min(fetched_at), 'raw/' || sha256[1:2] || '/' || sha256
            from raw.fetches
            where outcome = 'landed' and sha256 in (
                select sha256 from manifest_batch where "table" = 'fetches' and outcome = 'landed')
            group by sha256
        """)
        # a retried crawl task can leave two summaries of one portal and run: the later one wins
        con.execute(f"""
            insert or replace into raw.portal_runs ({run_columns})
            select {run_columns} from manifest_batch where "table" = 'portal_runs'
            qualify row_number() over (partition by run_id, portal_id order by finished_at desc nulls last) = 1
        """)
        con.execute("drop table manifest_batch")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return counts
