"""The parse stage: landed report and attachment bodies → ``parsed.*``.

Reads only ``raw.*`` and the bodies under ``DIR/raw``; never the network. A night parses only
the bodies that ``parsed.documents`` does not hold at the current ``PARSER_VERSION`` (new
sha256s, and every body after a parser change); ``full=True`` (``xxgk parse --all``) re-parses
everything. Either way the rows are the same, because a body's parse depends only on its bytes
and the context of its first fetch.

Bodies are parsed in worker processes and written by this process alone, one batch per
transaction: a batch's old rows are deleted and its new rows inserted together, so a crash
keeps every committed batch, rolls back the one in flight (no document is ever half-written),
and the next run picks up where this one stopped. Memory holds one batch being parsed and one
being written, whatever the size of the history.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import tempfile
import traceback
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from xxgk import reference, warehouse
from xxgk.parsing import PARSER_VERSION, extract_document, warm_up
from xxgk.parsing.similarity import sentence_hashes
from xxgk.manifest import LANDED_DOCUMENTS_SQL
from xxgk.rawstore import blob_path

log = logging.getLogger(__name__)

PARSED_TABLES = ("parsed.documents", "parsed.document_texts", "parsed.facts", "parsed.quality_issues")
TABLE_COLUMNS = {
    "parsed.documents": warehouse.DOCUMENT_COLUMNS,
    "parsed.document_texts": ["sha256", "text"],
    "parsed.facts": warehouse.FACT_COLUMNS,
    "parsed.quality_issues": warehouse.ISSUE_COLUMNS,
}
DEFAULT_BATCH_SIZE = 500
# below this many pending bodies, starting worker processes (each loads OpenCC and the
# gazetteer, ~1 s) costs more than it saves
POOL_THRESHOLD = 64


@dataclass
class ParseSummary:
    """What one parse run did: documents seen, skipped, parsed and failed, facts and issues written."""

    documents: int = 0        # bodies landed in all history
    up_to_date: int = 0       # already parsed with this PARSER_VERSION, not read again
    reparsed: int = 0         # parsed by this run (new bodies, or all of them after a parser change / --all)
    parsed: int = 0
    failed: int = 0
    unsupported: int = 0
    facts: int = 0
    issues: int = 0
    removed: int = 0          # parsed rows of bodies no longer landed (raw.* rebuilt without them)
    batches: int = 0
    workers: int = 1
    parser_version: str = PARSER_VERSION
    by_doc_type: dict[str, int] = field(default_factory=dict)
    failures: list[dict] = field(default_factory=list)


@dataclass
class ParsedBody:
    """One body's rows, already serialised as NDJSON lines per table (in the worker, so the
    single writer only concatenates), and what the summary needs to know about it."""

    sha256: str
    lines: dict[str, list[str]]
    status: str
    doc_type: str | None
    url: str | None
    reason: str | None
    facts: int
    issues: int


def _line(table: str, row: dict) -> str:
    return warehouse.ndjson_line(row, TABLE_COLUMNS[table])


def parse_body(data_dir: str, parsed_at: str, row: tuple) -> ParsedBody:
    """Parse one landed body into its rows. Never raises: a parser bug costs one document,
    recorded as failed with the exception, not the night."""
    sha, url, content_type, link_text, portal_id, portal_name, province_code = row
    hints = {"url": url, "link_text": link_text, "portal_id": portal_id, "portal_name": portal_name,
             "portal_province_code": province_code}
    document = {"sha256": sha, "parser_version": PARSER_VERSION, "parsed_at": parsed_at}
    lines: dict[str, list[str]] = {table: [] for table in PARSED_TABLES}
    try:
        extraction = extract_document(blob_path(Path(data_dir), sha).read_bytes(), content_type=content_type,
                                      url=url, hints=hints)
    except Exception as exc:  # noqa: BLE001 - recorded as the document's status, with the traceback in the log
        log.error("parsing %s (%s) failed:\n%s", sha, url, traceback.format_exc())
        document.update(status="failed", status_reason=f"{type(exc).__name__}: {exc}"[:1000])
        lines["parsed.documents"].append(_line("parsed.documents", document))
        return ParsedBody(sha, lines, "failed", None, url, document["status_reason"], 0, 0)
    document.update(extraction.document)
    document["sentence_hashes"] = sentence_hashes(extraction.text)  # for 雷同 in the marts
    lines["parsed.documents"].append(_line("parsed.documents", document))
    lines["parsed.document_texts"].append(_line("parsed.document_texts", {"sha256": sha, "text": extraction.text}))
    lines["parsed.facts"] = [_line("parsed.facts", {**fact, "sha256": sha, "fact_seq": seq})
                             for seq, fact in enumerate(extraction.facts)]
    lines["parsed.quality_issues"] = [_line("parsed.quality_issues", {**issue, "sha256": sha, "issue_seq": seq})
                                      for seq, issue in enumerate(extraction.issues)]
    return ParsedBody(sha, lines, document["status"], document.get("doc_type"), url, document.get("status_reason"),
                      len(extraction.facts), len(extraction.issues))


def _parse_batch(args: tuple[str, str, list[tuple]]) -> list[ParsedBody]:
    data_dir, parsed_at, rows = args
    return [parse_body(data_dir, parsed_at, row) for row in rows]


def _warm_worker() -> None:
    # load OpenCC, the gazetteer index and lxml once per worker, not in the first batch's time, and
    # keep them out of the garbage collector's scans
    warm_up()


def _pending_batches(con: duckdb.DuckDBPyConnection, batch_size: int) -> Iterator[list[tuple]]:
    """The pending bodies in sha256 order, one batch at a time (keyset paging over a temp table,
    so neither the list nor a cursor is held while batches are written)."""
    last = ""
    while True:
        rows = con.execute("select * from parse_pending where sha256 > ? order by sha256 limit ?",
                           [last, batch_size]).fetchall()
        if not rows:
            return
        last = rows[-1][0]
        yield rows


def scratch_dir(data_dir: Path) -> Path:
    """Where a batch's NDJSON files wait for their insert: in the data folder, not /tmp, and emptied
    by the next run once it holds the warehouse, so the files of a killed run do not pile up."""
    return data_dir / "scratch" / "parse"


def _empty_scratch(scratch: Path) -> None:
    scratch.mkdir(parents=True, exist_ok=True)
    left = sorted(scratch.glob("xxgk-parse-*.ndjson"))
    if left:
        log.warning("parse: removing %d batch file(s) a killed run left in %s", len(left), scratch)
    for path in left:
        path.unlink()


def write_batch(con: duckdb.DuckDBPyConnection, bodies: list[ParsedBody], scratch: Path) -> None:
    """Replace the rows of these bodies in ``parsed.*``, all tables in one transaction."""
    shas = [b.sha256 for b in bodies]
    paths: dict[str, str] = {}
    try:
        for table in PARSED_TABLES:
            fd, paths[table] = tempfile.mkstemp(suffix=".ndjson", prefix="xxgk-parse-", dir=scratch)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                for body in bodies:
                    for line in body.lines[table]:
                        f.write(line)
                        f.write("\n")
        replace_rows(con, shas, paths)
    finally:
        for path in paths.values():
            os.unlink(path)


def replace_rows(con: duckdb.DuckDBPyConnection, shas: list[str], paths: dict[str, str]) -> None:
    """In one transaction, delete every ``parsed.*`` row of ``shas`` and insert the NDJSON file
    given for each table (none: the bodies' rows are only removed)."""
    con.execute("begin transaction")
    try:
        for table in PARSED_TABLES:
            con.execute(f"delete from {table} where sha256 in (select unnest(?::varchar[]))", [shas])
        for table, path in paths.items():
            if os.path.getsize(path):
                warehouse.insert_ndjson(con, table, TABLE_COLUMNS[table], path)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _write_and_count(con: duckdb.DuckDBPyConnection, bodies: list[ParsedBody], summary: ParseSummary,
                     scratch: Path) -> None:
    write_batch(con, bodies, scratch)
    summary.batches += 1
    for body in bodies:
        summary.reparsed += 1
        summary.facts += body.facts
        summary.issues += body.issues
        if body.status == "parsed":
            summary.parsed += 1
            doc_type = body.doc_type or "unknown"
            summary.by_doc_type[doc_type] = summary.by_doc_type.get(doc_type, 0) + 1
        else:
            setattr(summary, body.status, getattr(summary, body.status) + 1)
            summary.failures.append({"url": body.url, "sha256": body.sha256, "reason": body.reason})


def parse_landed(data_dir: Path, *, full: bool = False, workers: int | None = None,
                 batch_size: int = DEFAULT_BATCH_SIZE) -> ParseSummary:
    """Parse what is pending (everything with ``full``) into ``parsed.*``; see the module doc."""
    summary = ParseSummary()
    parsed_at = datetime.now(UTC).isoformat()
    con = warehouse.connect(data_dir)
    scratch = scratch_dir(data_dir)
    try:
        _empty_scratch(scratch)  # only now: holding the warehouse, no other parse is writing there
        con.execute(f"create or replace temp table parse_landed as {LANDED_DOCUMENTS_SQL}")
        summary.documents = con.execute("select count(*) from parse_landed").fetchone()[0]
        summary.removed = _remove_unlanded(con)
        current = "" if full else "where sha256 not in (select sha256 from parsed.documents where parser_version = ?)"
        con.execute(f"create or replace temp table parse_pending as select * from parse_landed {current}",
                    [] if full else [PARSER_VERSION])
        pending = con.execute("select count(*) from parse_pending").fetchone()[0]
        summary.up_to_date = summary.documents - pending
        workers = max(1, workers or os.cpu_count() or 1)
        if pending < POOL_THRESHOLD:
            workers = 1
        summary.workers = workers
        log.info("parse: %d bodies landed, %d pending (parser %s), %d worker(s)",
                 summary.documents, pending, PARSER_VERSION, workers)
        batches = ((str(data_dir), parsed_at, rows) for rows in _pending_batches(con, batch_size))
        if workers == 1:
            for args in batches:
                _write_and_count(con, _parse_batch(args), summary, scratch)
        else:
            _parse_in_pool(con, batches, workers, summary, scratch)
        # the divisions places were resolved against, for the marts' lists of expected bodies
        reference.write_divisions(con)
    finally:
        con.close()
    return summary


def _parse_in_pool(con: duckdb.DuckDBPyConnection, batches: Iterator[tuple], workers: int,
                   summary: ParseSummary, scratch: Path) -> None:
    """Workers parse batch k+1 while this process writes batch k: two batches in memory at most."""
    # spawned, not forked: the nightly flow calls this from a process with Prefect's threads
    # running, and a fork copies their locks in whatever state they are
    with ProcessPoolExecutor(max_workers=workers, initializer=_warm_worker,
                             mp_context=multiprocessing.get_context("spawn")) as pool:
        in_flight = None
        for args in batches:
            # split a batch across the workers; each slice comes back as one message
            rows = args[2]
            step = max(1, -(-len(rows) // (workers * 4)))
            submitted = [pool.submit(_parse_batch, (args[0], args[1], rows[i:i + step]))
                         for i in range(0, len(rows), step)]
            if in_flight is not None:
                _write_and_count(con, _results(in_flight), summary, scratch)
            in_flight = submitted
        if in_flight is not None:
            _write_and_count(con, _results(in_flight), summary, scratch)


def _results(futures: list) -> list[ParsedBody]:
    return [body for future in futures for body in future.result()]


def _remove_unlanded(con: duckdb.DuckDBPyConnection) -> int:
    """Drop parsed rows whose body is no longer landed (a rebuilt raw.*), so parsed.* mirrors raw.*."""
    gone = [r[0] for r in con.execute(
        "select sha256 from parsed.documents where sha256 not in (select sha256 from parse_landed)").fetchall()]
    if gone:
        replace_rows(con, gone, {})
    return len(gone)
