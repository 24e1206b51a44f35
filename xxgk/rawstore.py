"""Content-addressed raw landing: every body stored unchanged, once, with a manifest row per fetch.

Bodies live under ``DIR/raw/<sha[:2]>/<sha256>``; the manifest is ``raw.fetches`` and
``raw.blobs`` in the working warehouse. A body is written to a temporary file and renamed into
place, so a crawl killed half-way never leaves a partial blob under a valid name, and the same
bytes are never stored twice.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from xxgk import warehouse
from xxgk.warc import WarcArchive


def sha256_hex(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


@dataclass(frozen=True)
class LandedDocument:
    url: str
    sha256: str
    content_type: str | None
    is_new_blob: bool


@dataclass(frozen=True)
class KnownUrl:
    sha256: str
    last_checked: datetime
    content_type: str | None


class RawStore:
    """Bodies on disk plus the manifest in DuckDB; safe to share between crawl threads."""

    def __init__(self, data_dir: Path, con: duckdb.DuckDBPyConnection | None = None):
        self.data_dir = Path(data_dir)
        self.raw_dir = self.data_dir / "raw"
        self.raw_dir.mkdir(parents=True, exist_ok=True)
        self._owns_connection = con is None
        self.con = con or warehouse.connect(self.data_dir)
        self._lock = threading.Lock()
        self.warc: WarcArchive | None = None

    def open_warc(self, run_id: str) -> WarcArchive:
        """Archive every response of this run in DIR/warc/ as well (see xxgk/warc.py)."""
        if self.warc is None:
            self.warc = WarcArchive(self.data_dir / "warc", run_id)
        return self.warc

    def close(self) -> None:
        if self.warc is not None:
            self.warc.close()
        if self._owns_connection:
            self.con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def blob_path(self, sha: str) -> Path:
        return self.raw_dir / sha[:2] / sha

    def read(self, sha: str) -> bytes:
        return self.blob_path(sha).read_bytes()

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
        with self._lock:
            self.con.execute(
                "insert into raw.blobs values (?, ?, ?, ?) on conflict do nothing",
                [sha, len(body), datetime.now(UTC), str(path.relative_to(self.data_dir))],
            )
        return sha, True

    def record_fetch(
        self,
        *,
        run_id: str,
        portal_id: str,
        url: str,
        final_url: str | None,
        status: int | None,
        headers: dict | None,
        fetched_at: datetime,
        sha256: str | None,
        size: int | None,
        content_type: str | None,
        role: str,
        referrer: str | None = None,
        link_text: str | None = None,
        outcome: str,
        failure_reason: str | None = None,
        failure_detail: str | None = None,
    ) -> str:
        fetch_id = uuid.uuid4().hex
        with self._lock:
            self.con.execute(
                "insert into raw.fetches values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    fetch_id, run_id, portal_id, url, final_url, status,
                    json.dumps(headers or {}, ensure_ascii=False), fetched_at, sha256, size,
                    content_type, role, referrer, link_text, outcome, failure_reason, failure_detail,
                ],
            )
        return fetch_id

    def land(self, *, run_id: str, portal_id: str, result, role: str, referrer: str | None,
             link_text: str | None) -> str:
        """Store a good response's body, its manifest row and its WARC record; return (sha256, is new)."""
        first = self.first_capture(sha256_hex(result.body)) if self.warc else None
        sha, is_new = self.put(result.body)
        self.record_fetch(
            run_id=run_id, portal_id=portal_id, url=result.url, final_url=result.final_url, status=result.status,
            headers=result.headers, fetched_at=result.fetched_at, sha256=sha, size=len(result.body),
            content_type=result.content_type, role=role, referrer=referrer, link_text=link_text, outcome="landed",
        )
        if self.warc:
            target = result.final_url or result.url
            if first:
                self.warc.revisit(target, result.status, result.headers, result.body, result.fetched_at, sha, *first)
            else:
                self.warc.response(target, result.status, result.headers, result.body, result.fetched_at, sha)
        return sha, is_new

    def first_capture(self, sha: str) -> tuple[str, datetime] | None:
        with self._lock:
            row = self.con.execute(
                "select coalesce(final_url, url), fetched_at from raw.fetches "
                "where sha256 = ? and outcome = 'landed' order by fetched_at limit 1",
                [sha],
            ).fetchone()
        return (row[0], row[1]) if row else None

    def record_portal_run(self, run_id: str, portal_id: str, summary: dict, started_at, finished_at) -> None:
        with self._lock:
            self.con.execute(
                "insert or replace into raw.portal_runs values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    run_id, portal_id, started_at, finished_at, summary["health"], summary["health_reason"],
                    summary["pages_fetched"], summary["reports_found"], summary["reports_landed"],
                    summary["failures"],
                ],
            )

    def known_urls(self, portal_id: str) -> dict:
        """URL → KnownUrl (last sha256, last check, content type) of everything this portal landed before."""
        with self._lock:
            rows = self.con.execute(
                """
                select url, arg_max(sha256, fetched_at), max(fetched_at), arg_max(content_type, fetched_at)
                from raw.fetches
                where portal_id = ? and outcome in ('landed', 'not_modified') and sha256 is not null
                group by url
                """,
                [portal_id],
            ).fetchall()
        return {url: KnownUrl(sha, checked, ctype) for url, sha, checked, ctype in rows
                if self.blob_path(sha).exists()}

    def last_validators(self, url: str) -> tuple[str | None, str | None, str | None]:
        """ETag, Last-Modified and sha256 of the last landed fetch of ``url`` (for conditional GET)."""
        with self._lock:
            row = self.con.execute(
                """
                select headers->>'etag', headers->>'last-modified', sha256
                from raw.fetches
                where url = ? and outcome = 'landed' and sha256 is not null
                order by fetched_at desc limit 1
                """,
                [url],
            ).fetchone()
        return row if row else (None, None, None)
