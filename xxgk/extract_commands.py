"""``xxgk extract``: one JSON line per file, through the parse stage's own entry point."""

from __future__ import annotations

import json
import logging
import sys
import traceback
from pathlib import Path

from xxgk.parsing.extract import SOURCE_LINE, Extraction, extract_document, warm_up
from xxgk.parsing.summary import extraction_summary

log = logging.getLogger(__name__)


def _content_type(path: Path) -> str | None:
    suffix = path.suffix.lower()
    return "text/html" if suffix in (".html", ".htm") else "text/plain" if suffix == ".txt" else None


def extract_file(path: Path, *, url: str | None = None, link_text: str | None = None,
                 text_only: bool = False) -> Extraction:
    """One file through the parse stage's own entry point, with what the crawl would have known
    about it (the URL it came from, the anchor text that linked to it); ``text_only`` reads it
    without any of that, its own `# source:` line dropped too."""
    body = path.read_bytes()
    if text_only:
        url = link_text = None
        if SOURCE_LINE.match(body[:2048]):
            body = body.split(b"\n", 1)[1] if b"\n" in body else b""
    hints = {"link_text": link_text} if link_text else {}
    return extract_document(body, content_type=_content_type(path), url=url or None, hints=hints)


def extract_path(path: Path, *, url: str | None = None, link_text: str | None = None,
                 text_only: bool = False) -> dict:
    """One file's extraction as the JSON line `xxgk extract` prints."""
    return extraction_summary(extract_file(path, url=url, link_text=link_text, text_only=text_only), str(path))


SOURCES_HEADER = ("path", "url", "link_text")


def read_sources(csv_path: Path) -> dict[str, dict]:
    """``path,url,link_text`` rows keyed by the resolved path; a bad header is an error, not a guess."""
    import csv

    with open(csv_path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) [:3] != SOURCES_HEADER:
            raise ValueError(f"{csv_path}: header must start with {','.join(SOURCES_HEADER)}, "
                             f"got {','.join(reader.fieldnames or ())}")
        rows = {}
        for row in reader:
            if not row.get("path"):
                raise ValueError(f"{csv_path}: line {reader.line_num} has no path")
            rows[str((csv_path.parent / row["path"]).resolve())] = row
            rows.setdefault(str(Path(row["path"]).resolve()), row)
    return rows


def extract_main(paths: list[str], sources_csv: str | None = None) -> int:
    """`xxgk extract`: a JSON line per file, a failed file included with its reason.
    Exit 2 for a missing file or unreadable sources, 1 when a file failed."""
    if not paths:
        print("usage: xxgk extract [--sources SOURCES.csv] FILE...", file=sys.stderr)
        return 2
    sources: dict[str, dict] = {}
    if sources_csv:
        try:
            sources = read_sources(Path(sources_csv))
        except (OSError, ValueError) as error:
            print(f"xxgk extract: {error}", file=sys.stderr)
            return 2
    status = 0
    warm_up()
    for name in paths:
        path = Path(name)
        if not path.is_file():
            print(f"xxgk extract: no such file: {name}", file=sys.stderr)
            status = 2
            continue
        row = sources.get(str(path.resolve()), {})
        try:
            summary = extract_path(path, url=row.get("url"), link_text=row.get("link_text"))
        except Exception as exc:  # noqa: BLE001 - as the parse stage does: the file is failed, the run goes on
            log.error("extracting %s failed:\n%s", name, traceback.format_exc())
            summary = {"path": str(path), "status": "failed", "status_reason": f"{type(exc).__name__}: {exc}"[:1000]}
            status = status or 1
        print(json.dumps(summary, ensure_ascii=False, default=str), flush=True)
    return status

