"""Table 三 as real portals lay it out besides the official template: a header in one row, 总计 first,
group names as rows of their own, a 序号 column, dashes or slashes for blank cells, thousands
separators, full-width digits. Read from the page, from a browser's copy and through w3m, every
cell is the report's or missing, never another cell's number; where the layout leaves nothing in
doubt, every cell is read."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from xxgk import synth
from xxgk.parsing.extract import extract_document
from xxgk.synth.render import COLUMN_LABELS, T3_HEADER_NOTE, _td, format_cell, render_body_html, table3_html

URL = "http://www.example.gov.cn/art/2025/1/15/art_1_1.html"
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _cell(value, variant: str) -> str:
    if value is None:
        return {"dash_blanks": "—", "slash_blanks": "/"}.get(variant, "")
    text = format_cell(value)
    if variant == "scaled_commas" and value >= 1000:
        text = f"{int(value):,}"
    return text.translate(FULLWIDTH) if variant == "fullwidth" else text


def _header(variant: str) -> list[str]:
    if variant == "flat_header":
        return [f'<tr>{_td(T3_HEADER_NOTE, colspan=3)}{"".join(_td(label) for label in COLUMN_LABELS)}</tr>']
    top = (f'{_td("总计", rowspan=2)}{_td("自然人", rowspan=2)}{_td("法人或其他组织", colspan=5)}'
           if variant == "total_first" else
           f'{_td("自然人", rowspan=2)}{_td("法人或其他组织", colspan=5)}{_td("总计", rowspan=2)}')
    return [f'<tr>{_td(T3_HEADER_NOTE, rowspan=3, colspan=3)}{_td("申请人情况", colspan=7)}</tr>', f"<tr>{top}</tr>",
            "<tr>" + "".join(_td(t) for t in COLUMN_LABELS[1:6]) + "</tr>"]


def _single_label_rows(report, variant: str, values) -> list[str]:
    rows, seen = [], set()
    lead = _td("") if variant == "seq_column" else ""
    for number, (parent, group, label, key) in enumerate(report.t3_rows, start=1):
        for head in (parent, group):
            if head and head not in seen:
                seen.add(head)
                rows.append(f"<tr>{lead}{_td(head, colspan=3)}{''.join(_td('') for _ in range(7))}</tr>")
        lead_number = _td(str(number)) if variant == "seq_column" else ""
        rows.append(f"<tr>{lead_number}{_td(label, colspan=3)}{''.join(values(key))}</tr>")
    return rows


def _table3(report, variant: str) -> str:
    order = [6, 0, 1, 2, 3, 4, 5] if variant == "total_first" else list(range(7))

    def values(key):
        return [_td(_cell(report.table3[key][synth.COLUMNS[i]], variant)) for i in order]

    if variant in ("group_header_rows", "seq_column"):
        return '<table border="1">' + "".join(_header(variant) + _single_label_rows(report, variant, values)) + "</table>"
    return synth.render.table3_layout_html(report.t3_rows, values).replace(
        "".join(_header("official")), "".join(_header(variant)))


VARIANTS = ("flat_header", "total_first", "group_header_rows", "seq_column", "dash_blanks", "slash_blanks",
            "scaled_commas", "fullwidth")
# every cell read from the page itself and from a browser's copy with tabs
COMPLETE = ("flat_header", "total_first", "group_header_rows", "seq_column", "scaled_commas", "fullwidth")


def _report(variant: str, seed: int, era: str):
    blanks = 0.25 if variant in ("dash_blanks", "slash_blanks") or seed % 2 else 0.0
    report = synth.make_report(300 + seed, era=era, blank_rate=blanks)
    if variant == "scaled_commas":
        for row in report.table3.values():
            for column, value in row.items():
                if value is not None:
                    row[column] = value * 37
    page = synth.render_html(report, body_html=render_body_html(report).replace(table3_html(report),
                                                                                 _table3(report, variant)))
    return report, page


def _browser_copy(page: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "lxml")
    for tr in soup.find_all("tr"):
        tr.replace_with(soup.new_string("\n" + "\t".join(c.get_text(" ", strip=True) for c in tr.find_all(["td", "th"]))
                                        + "\n"))
    return soup.get_text("\n")


def _w3m(page: str) -> str:
    binary = shutil.which("w3m")
    if binary is None:
        pytest.skip("w3m is not installed (`make system-deps` installs it)")
    return subprocess.run([binary, "-dump", "-T", "text/html", "-I", "UTF-8", "-O", "UTF-8", "-cols", "120"],
                          input=page.encode("utf-8"), capture_output=True, timeout=60, check=True).stdout.decode("utf-8")


READERS = {"page": lambda page: (page, "text/html"), "browser-copy": lambda page: (_browser_copy(page), "text/plain"),
           "w3m": lambda page: (_w3m(page), "text/plain")}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("era", ["2021_format", "2019_trial_format"])
@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("variant", VARIANTS)
def test_no_cell_lands_in_another_cells_place(variant, seed, era, reader):
    report, page = _report(variant, seed, era)
    body, content_type = READERS[reader](page)
    got = extract_document(body.encode("utf-8"), content_type=content_type, url=URL).to_extract_json("v").get("table3", {})
    answer = synth.expected_json(report)["table3"]
    wrong = {f"{row}.{col}": (answer.get(row, {}).get(col, "<absent>"), value)
             for row, cols in got.items() for col, value in cols.items()
             if answer.get(row, {}).get(col, "<absent>") != value}
    assert wrong == {}
    if variant in COMPLETE and reader != "w3m":
        assert got == answer
