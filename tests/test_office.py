"""Office attachments: XLSX read natively with bomb guards; .doc/.xls through bounded converters."""

import io
import shutil
import zipfile

import pytest

from xxgk.office import ConversionFailed, ConversionUnavailable, doc_to_text, open_zip, xlsx_to_grids

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
        open_zip(bomb)
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


# --- hostile containers: lying headers, malformed parts, text that does not end --------------

def lie_about_size(archive: bytes, member: str, declared: int) -> bytes:
    """The zip with ``member``'s uncompressed size set to ``declared`` in both its local header and
    the central directory (the data and its CRC stay true)."""
    data = bytearray(archive)
    name = member.encode()
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = data.find(signature)
        while at >= 0:
            if data[at + name_at: at + name_at + len(name)] == name:
                data[at + size_at: at + size_at + 4] = declared.to_bytes(4, "little")
            at = data.find(signature, at + 4)
    return bytes(data)


DOCUMENT_XML = ('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w='
                '"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{}</w:body></w:document>')


def make_docx(body_xml: str, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal DOCX python-docx opens: content types, the package relation, the document."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                   '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
                   'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml", DOCUMENT_XML.format(body_xml))
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buffer.getvalue()


def paragraph(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


RSS_PROBE = """
import resource, sys
from xxgk.parsing import extract_document
extract_document(b"<html><body><p>warm up</p></body></html>", content_type="text/html")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
body = open(sys.argv[1], "rb").read()
ex = extract_document(body, url=sys.argv[2])
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(ex.document["status"], (after - before) // 1024, ex.document.get("status_reason"), sep="\\t")
"""


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_a_container_lying_about_its_sizes_is_refused_in_bounded_memory(tmp_path, kind):
    import subprocess
    import sys

    # 400 MB of one character inflates from ~400 KB; the headers declare 5 KB
    filler = b"\x20" * (400 * 1024 * 1024)
    if kind == "docx":
        honest = make_docx(paragraph("2023年政府信息公开工作年度报告"), {"word/media/image1.bin": filler})
        body = lie_about_size(honest, "word/media/image1.bin", 5000)
    else:
        honest = make_xlsx({"xl/media/image1.bin": filler})
        body = lie_about_size(honest, "xl/media/image1.bin", 5000)
    assert len(body) < 2 * 1024 * 1024
    with pytest.raises(ConversionFailed):
        open_zip(body)
    path = tmp_path / f"report.{kind}"
    path.write_bytes(body)
    out = subprocess.run([sys.executable, "-c", RSS_PROBE, str(path), f"http://x.gov.cn/a/report.{kind}"],
                         capture_output=True, text=True, check=True, timeout=120)
    status, grown_mb, reason = out.stdout.strip().split("\t")
    assert status == "failed" and ("zip bomb" in reason or "corrupt zip member" in reason), reason
    assert int(grown_mb) < 200, f"refusing the file took {grown_mb} MB more"


def test_malformed_xlsx_parts_end_as_failed_with_a_reason():
    from xxgk.parsing import extract_document

    bad_xml = make_xlsx({"xl/worksheets/sheet2.xml": "<worksheet><sheetData><row><c r='A1'"})
    bad_index = make_xlsx({"xl/worksheets/sheet2.xml": SHEET.replace("<v>1</v>", "<v>99</v>")})
    lying = lie_about_size(make_xlsx(), "xl/worksheets/sheet1.xml", 10)
    for body, reason in ((bad_xml, "malformed XML"), (bad_index, "shared string"), (lying, "corrupt zip member")):
        ex = extract_document(body, url="http://x.gov.cn/a/nb.xlsx")
        assert ex.document["status"] == "failed", ex.document
        assert reason in ex.document["status_reason"]


def test_docx_text_is_cut_at_two_million_characters_with_a_warning():
    from xxgk.parsing import extract_document

    # 2.6 M characters in 260 paragraphs of varied text (so it compresses as prose does, under
    # the ratio guard): more than the cap, under the XML part limit
    import random

    rng = random.Random(0)
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    body = make_docx("".join(paragraph("".join(rng.choices(alphabet, k=10_000))) for _ in range(260)))
    ex = extract_document(body, url="http://x.gov.cn/a/nb.docx")
    assert len(ex.text) <= 2_000_000 + 20_000
    assert any(issue["check_id"] == "text-truncated" for issue in ex.issues), ex.document


def test_an_oversized_document_part_is_refused():
    big = make_docx("".join(paragraph(f"{i:08d}" * 4) for i in range(20 * 1024 * 1024 // 40)))
    with pytest.raises(ConversionFailed, match="bytes of XML"):
        open_zip(big, max_ratio=10_000)
