"""Office attachments: XLSX read natively with bomb guards; .doc/.xls through bounded converters."""

import io
import shutil
import zipfile

import pytest

from xxgk.office import ConversionFailed, ConversionUnavailable, check_zip, doc_to_text, xlsx_to_grids

SHEET = """<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><t>行政许可</t></is></c><c r="B2"><v>447228</v></c></row>
</sheetData></worksheet>"""
STRINGS = """<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>信息内容</t></si>
<si><r><t>本年处理</t></r><r><t>决定数量</t></r></si></sst>"""


def make_xlsx(extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", SHEET)
        z.writestr("xl/sharedStrings.xml", STRINGS)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buffer.getvalue()


def test_xlsx_cells_keep_their_columns_and_blanks():
    assert xlsx_to_grids(make_xlsx()) == [[["信息内容", "", "本年处理决定数量"], ["行政许可", "447228"]]]


def test_zip_bomb_is_refused_before_inflating():
    bomb = make_xlsx({"xl/media/zeros.bin": b"\0" * (80 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    with pytest.raises(ConversionFailed, match="zip bomb"):
        check_zip(bomb)
    with pytest.raises(ConversionFailed, match="zip bomb"):
        xlsx_to_grids(bomb)


def test_not_a_zip_is_a_clear_failure():
    with pytest.raises(ConversionFailed, match="not a valid zip"):
        xlsx_to_grids(b"plain text pretending")


def test_doc_conversion_failure_or_absence_has_a_reason():
    garbage = b"\xd0\xcf\x11\xe0" + b"\0" * 600
    if not (shutil.which("antiword") or shutil.which("catdoc")):
        with pytest.raises(ConversionUnavailable, match="make system-deps"):
            doc_to_text(garbage)
    else:
        with pytest.raises(ConversionFailed, match="exit"):
            doc_to_text(garbage)


def test_xlsx_attachment_is_parsed_as_a_table():
    from xxgk.parsing import extract_document

    ex = extract_document(make_xlsx(), content_type="application/octet-stream", url="http://x.gov.cn/a/nb.xlsx")
    assert ex.document["status"] == "parsed"
    assert "行政许可 | 447228" in ex.text
