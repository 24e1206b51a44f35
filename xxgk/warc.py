"""Evidence-grade archive: every response of a crawl run in a WARC file (ISO 28500), via warcio.

The content-addressed store is what the parser reads; the WARC is what a researcher shows to
prove what a portal served and when. A body already archived (same payload digest) is written
as a ``revisit`` record pointing at its first capture, so re-crawls cost a few hundred bytes.
Bodies are stored with content-encoding undone (that is what the sha256 covers); the original
encoding is kept in an ``X-Xxgk-Content-Encoding`` header.
"""

from __future__ import annotations

import base64
import hashlib
import io
import threading
import zlib
from datetime import datetime
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HOP_BY_HOP = {"content-encoding", "transfer-encoding", "content-length", "connection", "keep-alive"}
REASONS = {200: "OK", 203: "Non-Authoritative Information", 206: "Partial Content", 304: "Not Modified"}


def sha1_digest(body: bytes) -> str:
    """The WARC payload digest of a body: ``sha1:`` and base32, as WARC tools expect."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def warc_date(when: datetime) -> str:
    """A WARC-Date, ISO 8601 to the second; ``when`` must be UTC already (it is not converted)."""
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


class WarcArchive:
    """Gzip WARC files ``DIR/warc/xxgk-<name>-<n>.warc.gz`` of one crawl run; thread-safe.

    The file is created with its first record, and a new one is started past ``max_bytes``
    (1 GB, the size WARC tools and Heritrix expect).
    """

    def __init__(self, warc_dir: Path, name: str, max_bytes: int = 1_000_000_000):
        self.warc_dir = warc_dir
        self.name = name
        self.max_bytes = max_bytes
        self.paths: list[Path] = []
        self._file = None
        self._size = 0
        # records are built uncompressed and gzipped here, one member each (the standard .warc.gz
        # layout): warcio compresses at level 9, which cost a crawl of 1,000 hosts more CPU than
        # fetching did; level 1 is several times faster for a slightly larger file
        self._writer = WARCWriter(None, gzip=False)  # makes records; each is written by its own writer
        self._lock = threading.Lock()

    def _write(self, record) -> None:
        buffer = io.BytesIO()
        WARCWriter(buffer, gzip=False).write_record(record)
        compressor = zlib.compressobj(1, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        member = compressor.compress(buffer.getvalue()) + compressor.flush()
        with self._lock:
            if self._file is None or self._size >= self.max_bytes:
                self._next_file()
            self._file.write(member)
            self._file.flush()
            self._size += len(member)

    def _next_file(self) -> None:
        if self._file is not None:
            self._file.close()
        self.warc_dir.mkdir(parents=True, exist_ok=True)
        path = self.warc_dir / f"xxgk-{self.name}-{len(self.paths):05d}.warc.gz"
        self._file = open(path, "ab")
        self._size = self._file.tell()
        self.paths.append(path)

    def close(self) -> None:
        """Close the current file; a later record opens a new one."""
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    def _http_headers(self, status: int, headers: dict[str, str], body_length: int) -> StatusAndHeaders:
        pairs = [(k, v) for k, v in headers.items() if k.lower() not in HOP_BY_HOP]
        if headers.get("content-encoding"):
            pairs.append(("X-Xxgk-Content-Encoding", headers["content-encoding"]))
        pairs.append(("Content-Length", str(body_length)))
        return StatusAndHeaders(f"{status} {REASONS.get(status, 'Status')}", pairs, protocol="HTTP/1.1")

    def response(self, url: str, status: int, headers: dict[str, str], body: bytes, fetched_at: datetime,
                 sha256: str) -> None:
        """A ``response`` record: the body as landed (content-encoding undone) with its HTTP headers."""
        record = self._writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body),
            http_headers=self._http_headers(status, headers, len(body)),
            warc_headers_dict={"WARC-Date": warc_date(fetched_at), "WARC-Payload-Digest": sha1_digest(body),
                               "X-Xxgk-Sha256": sha256},
        )
        self._write(record)

    def revisit(self, url: str, status: int, headers: dict[str, str], body: bytes | None, fetched_at: datetime,
                sha256: str, first_url: str, first_date: datetime) -> None:
        """A ``revisit`` record of a body archived before, pointing at its first capture (``first_url``, ``first_date``)."""
        digest = sha1_digest(body) if body is not None else "sha256:" + sha256
        record = self._writer.create_revisit_record(
            url, digest, first_url, warc_date(first_date),
            http_headers=self._http_headers(status, headers, 0),
            warc_headers_dict={"WARC-Date": warc_date(fetched_at), "X-Xxgk-Sha256": sha256},
        )
        self._write(record)
