"""Office attachments the parser cannot read natively: .doc / .wps (Word 97 binary), .xls, .xlsx.

Every conversion is bounded: zip containers are checked for bombs before anything is
inflated, and external converters (antiword, catdoc, xls2csv from Debian's packages; `make
system-deps` installs them) run with a timeout and an output cap. A missing converter or a
failed conversion raises :class:`ConversionUnavailable` / :class:`ConversionFailed` with a
reason the parse stage records; nothing is dropped silently.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path

from lxml import etree

MAX_UNCOMPRESSED = 60 * 1024 * 1024
MAX_RATIO = 200  # real office files compress 3-20x; bombs compress 1000x and more
MAX_OUTPUT_CHARS = 2_000_000
INFLATE_CHUNK = 64 * 1024
# a report's document.xml or sheet is well under a few MB; lxml trees take ~10x the XML
MAX_XML_PART = 16 * 1024 * 1024
# a report's table is a few dozen columns wide; a cell at column XFD would make a 16,384-wide row
MAX_COLUMNS = 1024
CONVERTER_TIMEOUT = 30
XLSX_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


class ConversionUnavailable(Exception):
    """No converter for this format is installed here."""


class ConversionFailed(Exception):
    """The converter ran and failed, or the file breaks a safety limit."""


def open_zip(body: bytes, max_uncompressed: int = MAX_UNCOMPRESSED, max_ratio: int = MAX_RATIO,
             max_xml_part: int = MAX_XML_PART) -> zipfile.ZipFile:
    """Open a DOCX/XLSX container whose members really inflate within the limits.

    Declared sizes can lie (a 3 MB file that declares 5 KB and inflates to 1 GB), so every member
    is inflated here by streaming, in bounded chunks, against a running byte count, and its CRC
    checked; nothing is kept. Only then may a reader (python-docx, the XLSX reader) inflate it
    again: its members are then exactly as large as they declare. An XML part is also held to
    ``max_xml_part``: readers build trees of it, which take ten times its size in memory."""
    limit = min(max_uncompressed, max(len(body), 1) * max_ratio)
    try:
        archive = zipfile.ZipFile(io.BytesIO(body))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ConversionFailed(f"not a valid zip container: {exc}") from exc
    declared = sum(info.file_size for info in archive.infolist())
    if declared > limit:
        raise ConversionFailed(f"zip bomb guard: declares {declared} bytes uncompressed (limit {limit}: "
                               f"{max_uncompressed} and {max_ratio}x the file)")
    inflated = 0
    for info in archive.infolist():
        is_xml = info.filename.lower().endswith((".xml", ".rels"))
        part = 0
        try:
            with archive.open(info) as member:
                while chunk := member.read(INFLATE_CHUNK):
                    inflated += len(chunk)
                    part += len(chunk)
                    if inflated > limit:
                        raise ConversionFailed(f"zip bomb guard: {info.filename} inflates past {limit} bytes")
                    if is_xml and part > max_xml_part:
                        raise ConversionFailed(f"{info.filename} inflates past {max_xml_part} bytes of XML (limit)")
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError,
                OSError) as exc:  # bad CRC, truncated stream, unknown compression, encrypted member
            raise ConversionFailed(f"corrupt zip member {info.filename}: {type(exc).__name__}: {exc}"[:300]) from exc
    return archive


def _xml_events(archive: zipfile.ZipFile, name: str, tag: str):
    """Stream the elements ``tag`` of one XML member (a sheet can hold a million cells: no tree)."""
    with archive.open(name) as member:
        for _event, element in etree.iterparse(member, events=("end",), tag=tag, resolve_entities=False,
                                               no_network=True, huge_tree=False):
            yield element
            element.clear(keep_tail=False)
            while element.getprevious() is not None:
                del element.getparent()[0]


def xlsx_to_grids(body: bytes, max_chars: int = MAX_OUTPUT_CHARS) -> list[list[list[str]]]:
    """Every worksheet as rows of cell strings (shared strings resolved, empty cells kept as '').
    Malformed XML, a shared-string index out of range or a broken container raise
    :class:`ConversionFailed`; more than ``max_chars`` characters of cells too (memory bound)."""
    archive = open_zip(body)
    try:
        return _xlsx_grids(archive, max_chars)
    except etree.XMLSyntaxError as exc:
        raise ConversionFailed(f"xlsx: malformed XML: {exc}"[:300]) from exc
    except KeyError as exc:
        raise ConversionFailed(f"xlsx: missing part {exc}") from exc


def _xlsx_grids(archive: zipfile.ZipFile, max_chars: int) -> list[list[list[str]]]:
    names = set(archive.namelist())
    # characters held: the shared-string table and the cells read out are each bounded (a
    # string the sheet cites a thousand times counts a thousand times)
    chars = {"shared strings": 0, "cells": 0}

    def count(text: str, what: str = "cells") -> str:
        chars[what] += len(text)
        if chars[what] > max_chars:
            raise ConversionFailed(f"xlsx: more than {max_chars} characters of {what} (limit)")
        return text

    shared: list[str] = []
    if "xl/sharedStrings.xml" in names:
        for item in _xml_events(archive, "xl/sharedStrings.xml", f"{{{XLSX_NS['m']}}}si"):
            shared.append(count("".join(t.text or "" for t in item.iter(f"{{{XLSX_NS['m']}}}t")), "shared strings"))
    sheets = sorted(n for n in names if n.startswith("xl/worksheets/sheet") and n.endswith(".xml"))
    if not sheets:
        raise ConversionFailed("xlsx without worksheets")
    grids = []
    for sheet in sheets:
        rows = []
        for row in _xml_events(archive, sheet, f"{{{XLSX_NS['m']}}}row"):
            cells: dict[int, str] = {}
            for cell in row.iterfind("m:c", XLSX_NS):
                column = _column_index(cell.get("r", ""))
                text = count(_xlsx_cell_text(cell, shared, sheet))
                if column > MAX_COLUMNS:
                    raise ConversionFailed(f"xlsx: cell {cell.get('r')} of {sheet} beyond column {MAX_COLUMNS}")
                cells[column if column >= 0 else len(cells)] = text
            width = max(cells) + 1 if cells else 0
            rows.append([cells.get(i, "") for i in range(width)])
        grids.append(rows)
    return grids


def _xlsx_cell_text(cell, shared: list[str], sheet: str) -> str:
    """A cell's text: its shared string, inline string or value ('' when it has none)."""
    kind = cell.get("t")
    value = cell.find("m:v", XLSX_NS)
    if kind == "s" and value is not None:
        index = int(value.text) if (value.text or "").strip().isdigit() else -1
        if not 0 <= index < len(shared):
            raise ConversionFailed(f"xlsx: cell {cell.get('r')} of {sheet} points at shared string "
                                   f"{value.text!r}, of {len(shared)}")
        return shared[index]
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(f"{{{XLSX_NS['m']}}}t"))
    return value.text if value is not None and value.text is not None else ""


def _column_index(ref: str) -> int:
    letters = "".join(ch for ch in ref if ch.isalpha())
    if not letters:
        return -1
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index - 1


def _run_converter(commands: list[list[str]], body: bytes, suffix: str) -> str:
    available = [c for c in commands if shutil.which(c[0])]
    if not available:
        raise ConversionUnavailable(
            f"no converter for {suffix} installed (tried {', '.join(c[0] for c in commands)}; run `make system-deps`)"
        )
    errors = []
    with tempfile.TemporaryDirectory(prefix="xxgk-office-") as tmp:
        path = Path(tmp) / f"attachment{suffix}"
        path.write_bytes(body)
        for command in available:
            try:
                done = subprocess.run([*command, str(path)], capture_output=True, timeout=CONVERTER_TIMEOUT)
            except subprocess.TimeoutExpired:
                errors.append(f"{command[0]}: timed out after {CONVERTER_TIMEOUT}s")
                continue
            text = done.stdout.decode("utf-8", errors="replace")[:MAX_OUTPUT_CHARS]
            if done.returncode == 0 and _readable(text):
                return text
            reason = done.stderr.decode("utf-8", "replace")[:200] or "no readable text"
            errors.append(f"{command[0]}: exit {done.returncode}: {reason}")
    raise ConversionFailed("; ".join(errors))


def _readable(text: str) -> bool:
    """catdoc prints whatever bytes it is given; a conversion must yield words, not binary noise."""
    words = sum(ch.isalnum() for ch in text)
    return words >= 10 and words >= 0.3 * len(text.strip())


def doc_to_text(body: bytes) -> str:
    """Word 97-2003 (.doc) and WPS files (which are mostly the same OLE format) to UTF-8 text."""
    return _run_converter([["antiword", "-m", "UTF-8.txt", "-w", "0"], ["catdoc", "-d", "utf-8", "-w"]], body, ".doc")


def xls_to_grids(body: bytes) -> list[list[list[str]]]:
    """Excel 97-2003 (.xls) sheets as rows of strings, through catdoc's xls2csv."""
    text = _run_converter([["xls2csv", "-d", "utf-8", "-c", ",", "-b", "\f"]], body, ".xls")
    return [list(csv.reader(io.StringIO(sheet))) for sheet in text.split("\f") if sheet.strip()]
