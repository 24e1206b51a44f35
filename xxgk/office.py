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
from pathlib import Path

from lxml import etree

MAX_UNCOMPRESSED = 60 * 1024 * 1024
MAX_RATIO = 200  # real office files compress 3-20x; bombs compress 1000x and more
MAX_OUTPUT_CHARS = 2_000_000
CONVERTER_TIMEOUT = 30
XLSX_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


class ConversionUnavailable(Exception):
    """No converter for this format is installed here."""


class ConversionFailed(Exception):
    """The converter ran and failed, or the file breaks a safety limit."""


def check_zip(body: bytes, max_uncompressed: int = MAX_UNCOMPRESSED, max_ratio: int = MAX_RATIO) -> zipfile.ZipFile:
    """Open a zip container only if its declared sizes are sane (DOCX/XLSX zip bombs)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(body))
    except zipfile.BadZipFile as exc:
        raise ConversionFailed(f"not a valid zip container: {exc}") from exc
    total = sum(info.file_size for info in archive.infolist())
    packed = sum(info.compress_size for info in archive.infolist()) or 1
    if total > max_uncompressed:
        raise ConversionFailed(f"zip bomb guard: {total} bytes uncompressed (limit {max_uncompressed})")
    if total / packed > max_ratio:
        raise ConversionFailed(f"zip bomb guard: compression ratio {total / packed:.0f} (limit {max_ratio})")
    return archive


def _read_member(archive: zipfile.ZipFile, name: str, limit: int = MAX_UNCOMPRESSED) -> bytes:
    # declared sizes can lie; read at most ``limit`` bytes whatever the header says
    with archive.open(name) as member:
        data = member.read(limit + 1)
    if len(data) > limit:
        raise ConversionFailed(f"zip bomb guard: {name} inflates past {limit} bytes")
    return data


def xlsx_to_grids(body: bytes) -> list[list[list[str]]]:
    """Every worksheet as rows of cell strings (shared strings resolved, empty cells kept as '')."""
    archive = check_zip(body)
    names = set(archive.namelist())
    shared: list[str] = []
    if "xl/sharedStrings.xml" in names:
        root = etree.fromstring(_read_member(archive, "xl/sharedStrings.xml"))
        for item in root.iterfind("m:si", XLSX_NS):
            shared.append("".join(t.text or "" for t in item.iter(f"{{{XLSX_NS['m']}}}t")))
    sheets = sorted(n for n in names if n.startswith("xl/worksheets/sheet") and n.endswith(".xml"))
    if not sheets:
        raise ConversionFailed("xlsx without worksheets")
    grids = []
    for sheet in sheets:
        root = etree.fromstring(_read_member(archive, sheet))
        rows = []
        for row in root.iterfind(".//m:sheetData/m:row", XLSX_NS):
            cells: dict[int, str] = {}
            for cell in row.iterfind("m:c", XLSX_NS):
                column = _column_index(cell.get("r", ""))
                kind = cell.get("t")
                value = cell.find("m:v", XLSX_NS)
                if kind == "s" and value is not None:
                    text = shared[int(value.text)]
                elif kind == "inlineStr":
                    text = "".join(t.text or "" for t in cell.iter(f"{{{XLSX_NS['m']}}}t"))
                else:
                    text = value.text if value is not None and value.text is not None else ""
                cells[column if column >= 0 else len(cells)] = text
            width = max(cells) + 1 if cells else 0
            rows.append([cells.get(i, "") for i in range(width)])
        grids.append(rows)
    return grids


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
