"""Shape invariance: one report, rendered through the tools that mirror sites and users actually use,
gives the same metadata and the same table cells.

The reference is the extraction of the synthetic portal page (``xxgk.synth.render_html``) read as
HTML, and, for the text-only transforms, the extraction of each gold ``.txt`` as it is. Each
transform's output goes back through ``extract_document`` with the same URL (as text/plain, or as
application/pdf for the printed PDFs) and must agree with the reference on the metadata fields,
table 三's cells, table 四's cells and the table-2 KPIs.

The command-line renderers (w3m, lynx, pandoc, wkhtmltopdf, chromium) and a CJK font come from
``make system-deps``; a case whose tool is absent skips with the reason. Renders are made once per
session.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import subprocess
from pathlib import Path

import opencc
import pytest

from xxgk import synth
from xxgk.parsing.extract import extract_document
from xxgk.parsing.summary import METADATA_FIELDS

from .conftest import GOLD

URL = "http://www.example.gov.cn/art/2025/1/15/art_1_1.html"
SUBPROCESS_TIMEOUT = 120

# a province department (admin_tier), a county with blank cells (empty <td>s), two 2019-template reports
REPORTS = {
    "2021-province-dept": {"seed": 0, "era": "2021_format"},
    "2021-county-blanks": {"seed": 9, "era": "2021_format", "blank_rate": 0.3},
    "2019-city": {"seed": 1, "era": "2019_trial_format"},
    "2019-city-dept": {"seed": 3, "era": "2019_trial_format"},
}

# every table-2 KPI of both templates
TABLE2_KPIS = frozenset(key for blocks in (synth.T2_2021, synth.T2_2019) for _block, _headers, rows in blocks
                        for _label, keys in rows for key in keys)


# --- what is compared ---------------------------------------------------------------------------

def _view(extraction) -> dict:
    out = extraction.to_extract_json("shape-invariance")
    return {
        "metadata": {name: out.get(name) for name in METADATA_FIELDS},
        "table2_kpis": {k: v for k, v in out.get("kpis", {}).items() if k in TABLE2_KPIS},
        "table3": out.get("table3", {}),
        "table4": out.get("table4", {}),
    }


_MISSING = "<missing>"


def _row(section: str, cells: dict | None) -> object:
    """A table row compactly: its cells in template column order (table 三: 自然人 … 总计; 四: 维持 … 总计)."""
    if cells is None:
        return _MISSING
    order = synth.COLUMNS if section == "table3" else synth.T4_PARTS
    extra = sorted(set(cells) - set(order))
    return tuple(cells.get(col, _MISSING) for col in order) + tuple(f"{k}={cells[k]}" for k in extra)


def _differences(expected: dict, got: dict) -> list[tuple[str, object, object]]:
    diffs = []
    for section in expected:
        want, have = expected[section], got[section]
        if section in ("table3", "table4") and want and not have:
            diffs.append((section, f"{len(want)} rows", "no rows at all"))
            continue
        if section in ("table3", "table4"):
            for row in sorted(set(want) | set(have)):
                w_row, h_row = want.get(row), have.get(row)
                if w_row is None or h_row is None:
                    diffs.append((f"{section}.{row}", _row(section, w_row), _row(section, h_row)))
                    continue
                for col in sorted(set(w_row) | set(h_row)):
                    if w_row.get(col, _MISSING) != h_row.get(col, _MISSING):
                        diffs.append((f"{section}.{row}.{col}", w_row.get(col, _MISSING), h_row.get(col, _MISSING)))
        else:
            for key in sorted(set(want) | set(have)):
                if want.get(key, _MISSING) != have.get(key, _MISSING):
                    diffs.append((f"{section}.{key}", want.get(key, _MISSING), have.get(key, _MISSING)))
    return diffs


def _assert_same(expected: dict, got: dict, label: str) -> None:
    diffs = _differences(expected, got)
    if diffs:
        shown = "\n".join(f"  {path}: expected {want!r}, got {have!r}" for path, want, have in diffs[:40])
        more = f"\n  ... and {len(diffs) - 40} more" if len(diffs) > 40 else ""
        pytest.fail(f"{label}: {len(diffs)} differences from the reference\n{shown}{more}", pytrace=False)


# --- renderers ------------------------------------------------------------------------------------

def _need(binary: str) -> str:
    path = shutil.which(binary)
    if path is None:
        pytest.skip(f"{binary} is not installed (`make system-deps` installs it)")
    return path


def _need_cjk_font() -> None:
    fc_list = shutil.which("fc-list")
    listed = subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True).stdout if fc_list else ""
    if not listed.strip():
        pytest.skip("no CJK font installed (`make system-deps` installs fonts-wqy-microhei): the PDF would carry no Chinese text")


def _run(cmd: list[str], data: bytes | None = None, **kwargs) -> bytes:
    done = subprocess.run(cmd, input=data, capture_output=True, timeout=SUBPROCESS_TIMEOUT, **kwargs)
    if done.returncode != 0:
        raise AssertionError(f"{cmd[0]} exited {done.returncode}: {done.stderr.decode('utf-8', 'replace')[-2000:]}")
    return done.stdout


def _w3m(cols: int | None):
    def render(page: str, _workdir: Path) -> str:
        cmd = [_need("w3m"), "-dump", "-T", "text/html", "-I", "UTF-8", "-O", "UTF-8"]
        if cols:
            cmd += ["-cols", str(cols)]
        return _run(cmd, page.encode("utf-8")).decode("utf-8")
    return render


def _lynx_width(width: int):
    def render(page: str, workdir: Path) -> str:
        cmd = [_need("lynx"), "-dump", "-stdin", f"-width={width}", "-nolist", "-assume_charset=utf-8",
               "-display_charset=utf-8"]
        return _run(cmd, page.encode("utf-8"), env={**os.environ, "HOME": str(workdir)}).decode("utf-8")
    return render


_lynx = _lynx_width(200)


def _pandoc_to(writer: str):
    def render(page: str, _workdir: Path) -> str:
        return _run([_need("pandoc"), "-f", "html", "-t", writer], page.encode("utf-8")).decode("utf-8")
    return render


_pandoc = _pandoc_to("plain")


def _inner_text(cell_separator: str):
    """What a browser's copy of the page gives (innerText): a table row per line, its cells joined by
    a tab, a merged cell once, in the row where it starts; ``cell_separator`` replaces the tab as
    editors that turn tabs into spaces do."""
    def render(page: str, _workdir: Path) -> str:
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(page, "lxml")
        for tr in soup.find_all("tr"):
            cells = [cell.get_text(" ", strip=True) for cell in tr.find_all(["td", "th"])]
            tr.replace_with(soup.new_string("\n" + cell_separator.join(cells) + "\n"))
        return soup.get_text("\n")
    return render


def _pdftotext(*options: str):
    """wkhtmltopdf's PDF of the page read back by poppler's pdftotext, as mirror sites extract it."""
    def render(page: str, workdir: Path) -> str:
        pdf = workdir / "printed.pdf"
        pdf.write_bytes(_wkhtmltopdf(page, workdir))
        return _run([_need("pdftotext"), *options, str(pdf), "-"]).decode("utf-8")
    return render


def _html2text(page: str, _workdir: Path) -> str:
    html2text = pytest.importorskip("html2text", reason="html2text is not installed (the dev extra has it)")
    converter = html2text.HTML2Text()
    converter.body_width = 0
    return converter.handle(page)


def _get_text(separator: str):
    def render(page: str, _workdir: Path) -> str:
        from bs4 import BeautifulSoup

        return BeautifulSoup(page, "lxml").get_text(separator)
    return render


def _opencc_html(config: str):
    def render(page: str, _workdir: Path) -> str:
        return opencc.OpenCC(config).convert(page)
    return render


def _wkhtmltopdf(page: str, workdir: Path) -> bytes:
    binary = _need("wkhtmltopdf")
    _need_cjk_font()
    source, target = workdir / "page.html", workdir / "page.pdf"
    source.write_text(page, encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(workdir)}
    _run([binary, "--quiet", "--encoding", "utf-8", str(source), str(target)], env=env)
    return target.read_bytes()


def _chromium(page: str, workdir: Path) -> bytes:
    """Headless Chromium's print to PDF with its default header and footer (date, title, URL, page x/y),
    as a user's "save as PDF" gives it."""
    binary = _need("chromium")
    _need_cjk_font()
    source, target = workdir / "page.html", workdir / "page.pdf"
    source.write_text(page, encoding="utf-8")
    _run([binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          f"--user-data-dir={workdir / 'profile'}", f"--print-to-pdf={target}", source.as_uri()],
         env={**os.environ, "HOME": str(workdir)})
    return target.read_bytes()


# name → (renderer, content type of its output)
HTML_TRANSFORMS = {
    "w3m-cols200": (_w3m(200), "text/plain"),
    "w3m-default-width": (_w3m(None), "text/plain"),
    "lynx": (_lynx, "text/plain"),
    "pandoc-plain": (_pandoc, "text/plain"),
    "html2text": (_html2text, "text/plain"),
    "bs4-get_text-newline": (_get_text("\n"), "text/plain"),
    "bs4-get_text-pipe": (_get_text("|"), "text/plain"),
    "opencc-s2t-html": (_opencc_html("s2t"), "text/html"),
    "opencc-s2twp-html": (_opencc_html("s2twp"), "text/html"),
    "wkhtmltopdf": (_wkhtmltopdf, "application/pdf"),
    "chromium-print-to-pdf": (_chromium, "application/pdf"),
    "w3m-cols60": (_w3m(60), "text/plain"),
    "lynx-width400": (_lynx_width(400), "text/plain"),
    "pandoc-markdown": (_pandoc_to("markdown"), "text/plain"),
    "pandoc-gfm": (_pandoc_to("gfm"), "text/plain"),
    "browser-copy-tabs": (_inner_text("\t"), "text/plain"),
    "bs4-get_text-tab": (_get_text("\t"), "text/plain"),
}

# renders that lose part of a table (rows wrapped across lines, cells joined by runs of spaces with
# trailing blanks stripped, PDF text layers read out of order): cells may go missing, never into a
# wrong place, and the metadata stays the same
LOSSY_TRANSFORMS = {
    "lynx-width80": (_lynx_width(80), "text/plain"),
    "pandoc-rst": (_pandoc_to("rst"), "text/plain"),
    "pandoc-asciidoc": (_pandoc_to("asciidoc"), "text/plain"),
    "browser-copy-spaces": (_inner_text("  "), "text/plain"),
    "pdftotext-layout": (_pdftotext("-layout"), "text/plain"),
    "pdftotext-raw": (_pdftotext(), "text/plain"),
}


# --- session caches -------------------------------------------------------------------------------

@contextlib.contextmanager
def _quiet_pdfminer():
    """pdfminer warns once per glyph about the FontBBox of Chromium's and wkhtmltopdf's subset fonts."""
    logger = logging.getLogger("pdfminer")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _extract(body: str | bytes, content_type: str, url: str | None = URL):
    data = body.encode("utf-8") if isinstance(body, str) else body
    with _quiet_pdfminer():
        return extract_document(data, content_type=content_type, url=url)


@pytest.fixture(scope="session")
def synth_reports() -> dict:
    """report id → (SynthReport, page HTML, reference view); made once."""
    out = {}
    for report_id, params in REPORTS.items():
        params = dict(params)
        report = synth.make_report(params.pop("seed"), **params)
        page = synth.render_html(report)
        out[report_id] = (report, page, _view(_extract(page, "text/html")))
    return out


@pytest.fixture(scope="session")
def rendered(tmp_path_factory, synth_reports):
    """(transform, report id) → (the rendered text or PDF bytes, where a copy was kept); each render
    made once per session."""
    cache: dict = {}

    def get(transform: str, report_id: str):
        key = (transform, report_id)
        if key not in cache:
            renderer, _ctype = {**HTML_TRANSFORMS, **LOSSY_TRANSFORMS}[transform]
            workdir = tmp_path_factory.mktemp(f"{transform}-{report_id}")
            output = renderer(synth_reports[report_id][1], workdir)
            # kept beside the run for whoever reads a failure
            kept = workdir / ("rendered.pdf" if isinstance(output, bytes) else "rendered.txt")
            if isinstance(output, bytes):
                kept.write_bytes(output)
            else:
                kept.write_text(output, encoding="utf-8")
            cache[key] = (output, kept)
        return cache[key]

    return get


# --- the synthetic pages --------------------------------------------------------------------------

@pytest.mark.parametrize("report_id", list(REPORTS))
def test_reference_reads_the_page_right(synth_reports, report_id):
    """The reference itself is the generator's answer, so agreeing with it means being right."""
    report, _page, reference = synth_reports[report_id]
    answer = synth.expected_json(report)
    expected = {
        "metadata": {name: answer.get(name) for name in METADATA_FIELDS},
        "table2_kpis": {k: v for k, v in answer["kpis"].items() if k in TABLE2_KPIS},
        "table3": answer["table3"],
        "table4": answer["table4"],
    }
    _assert_same(expected, reference, f"HTML reference for {report_id}")


@pytest.mark.parametrize("report_id", list(REPORTS))
@pytest.mark.parametrize("transform", list(HTML_TRANSFORMS))
def test_rendered_page_reads_the_same(synth_reports, rendered, transform, report_id):
    _report, _page, reference = synth_reports[report_id]
    output, kept = rendered(transform, report_id)
    _renderer, content_type = HTML_TRANSFORMS[transform]
    got = _view(_extract(output, content_type))
    _assert_same(reference, got, f"{transform} of {report_id} (render kept at {kept})")


@pytest.mark.parametrize("report_id", list(REPORTS))
@pytest.mark.parametrize("transform", list(LOSSY_TRANSFORMS))
def test_lossy_render_puts_no_number_in_a_wrong_cell(synth_reports, rendered, transform, report_id):
    _report, _page, reference = synth_reports[report_id]
    output, kept = rendered(transform, report_id)
    _renderer, content_type = LOSSY_TRANSFORMS[transform]
    got = _view(_extract(output, content_type))
    # what the render kept must be what the page says; what it lost is only missing
    wrong = [(path, want, have) for path, want, have in _differences(reference, got)
             if have not in (_MISSING, "no rows at all") and not path.startswith("table2_kpis")]
    wrong += [(f"table2_kpis.{k}", reference["table2_kpis"].get(k, _MISSING), v)
              for k, v in got["table2_kpis"].items() if reference["table2_kpis"].get(k, _MISSING) != v]
    assert wrong == [], f"{transform} of {report_id} (render kept at {kept}): {wrong[:20]}"


# --- the gold texts -------------------------------------------------------------------------------

def _gold_texts() -> list[Path]:
    if not GOLD.is_dir():
        return []
    return sorted(GOLD.glob("dev/*.txt")) + sorted(GOLD.glob("seeds/*.txt")) + sorted(GOLD.glob("*.txt"))


_SOURCE_LINE = re.compile(r"^# source:\s*(\S+)")
_TABLES_START = re.compile(r"^\s*[二2][、.．]\s*主动公开政府信息情况")
_TABLES_END = re.compile(r"^\s*[五5][、.．]\s*(?:政府信息公开工作)?存在的主要问题")


def _split_gold(path: Path) -> tuple[str, str, str | None]:
    """(source line, body, url): the ``# source:`` line stays as it is, the body is transformed."""
    text = path.read_text(encoding="utf-8")
    m = _SOURCE_LINE.match(text)
    if m:
        head, body = text.split("\n", 1)
        return head + "\n", body, m.group(1)
    return "", text, None


def _tables_span(lines: list[str]) -> tuple[int, int]:
    start = next((i for i, line in enumerate(lines) if _TABLES_START.match(line)), None)
    end = next((i for i, line in enumerate(lines) if start is not None and i > start and _TABLES_END.match(line)), None)
    return (start, end) if start is not None and end is not None else (0, 0)


def _has_spaced_rows(path: Path) -> bool:
    """Whether ``pipe-cells`` means anything here: a tables span with rows of whitespace-separated cells."""
    lines = _split_gold(path)[1].split("\n")
    start, end = _tables_span(lines)
    return any(len(line.split()) >= 2 for line in lines[start + 1:end])


def _pipe_cells(body: str) -> str:
    """Table rows as a mirror re-renders them: whitespace-separated cells joined by ' | ', on every line
    with two or more cells between section 二 (主动公开政府信息情况) and section 五 (存在的主要问题)."""
    lines = body.split("\n")
    start, end = _tables_span(lines)
    for i in range(start + 1, end):
        cells = lines[i].split()
        if len(cells) >= 2:
            lines[i] = " | ".join(cells)
    return "\n".join(lines)


GOLD_TRANSFORMS = {
    "opencc-s2t": opencc.OpenCC("s2t").convert,
    "opencc-s2twp": opencc.OpenCC("s2twp").convert,
    "pipe-cells": _pipe_cells,
}


@pytest.fixture(scope="session")
def gold_references() -> dict:
    cache: dict = {}

    def get(path: Path):
        if path not in cache:
            head, body, url = _split_gold(path)
            cache[path] = _view(_extract(head + body, "text/plain", url))
        return cache[path]

    return get


def _gold_cases() -> list:
    """(transform, gold text): the character conversions on every text, pipe-cells where the text has
    whitespace-separated table rows (the others have no table to re-join)."""
    return [pytest.param(transform, path, id=f"{transform}-{path.parent.name}/{path.name}")
            for transform in GOLD_TRANSFORMS for path in _gold_texts()
            if transform != "pipe-cells" or _has_spaced_rows(path)]


@pytest.mark.parametrize(("transform", "path"), _gold_cases())
def test_gold_text_reads_the_same(gold_dir, gold_references, transform, path):
    head, body, url = _split_gold(path)
    got = _view(_extract(head + GOLD_TRANSFORMS[transform](body), "text/plain", url))
    _assert_same(gold_references(path), got, f"{transform} of {path.parent.name}/{path.name}")
