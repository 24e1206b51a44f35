from __future__ import annotations

import json
import zipfile
from io import BytesIO

import pytest

from xxgk.evaluation import eval_main, evaluate
from xxgk.extract_commands import extract_main
from xxgk.parsing import PARSER_VERSION, extract_document
from xxgk.parsing.extract import DOCUMENT_FIELDS
from xxgk.parsing.facts import FACT_FIELDS

from .standard_report import report_html

_MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
                b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 100]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>"
                b"endobj\n4 0 obj<</Length 44>>stream\nBT /F1 12 Tf 10 50 Td (Report 2021 page) Tj ET\nendstream endobj\n"
                b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF")


@pytest.mark.parametrize(("body", "content_type", "status"), [
    (b"", None, "failed"),
    (b"%PDF-1.4 broken beyond repair", "application/pdf", "failed"),
    (b"PK\x03\x04 not really a zip word/document.xml", None, "failed"),
    (b"\xd0\xcf\x11\xe0" + b"\x00" * 600, "application/msword", "unsupported"),
    (bytes(range(256)) * 20, "application/octet-stream", "unsupported"),
])
def test_bad_input_never_raises(body, content_type, status):
    ex = extract_document(body, content_type=content_type)
    assert ex.document["status"] == status and ex.document["status_reason"]
    assert set(ex.document) == set(DOCUMENT_FIELDS)


def test_minimal_pdf_text_layer():
    ex = extract_document(_MINIMAL_PDF, content_type="application/pdf")
    assert ex.document["source_format"] == "pdf" and ex.document["status"] == "parsed"
    assert "Report 2021 page" in ex.text


def test_zip_bomb_docx_is_refused():
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>" + b" " * (70 * 1024 * 1024))
    ex = extract_document(buffer.getvalue(), url="http://x.gov.cn/a.docx")
    assert ex.document["status"] == "failed" and "limit" in ex.document["status_reason"]


def test_record_shapes_match_the_table_contracts():
    ex = extract_document(report_html(), content_type="text/html")
    assert PARSER_VERSION
    assert set(ex.document) == set(DOCUMENT_FIELDS)
    assert ex.document["text_chars"] == len(ex.text)
    assert ex.facts and all(tuple(f) == FACT_FIELDS for f in ex.facts)
    assert all(set(i) == {"check_id", "severity", "message", "detail"} for i in ex.issues)
    json.dumps(ex.issues, ensure_ascii=False)


def test_hints_supply_what_the_text_does_not_say():
    body = "我局2022年政府信息公开工作年度报告\n一、总体情况\n2022年,我局主动公开政府信息12条。".encode()
    ex = extract_document(body, content_type="text/plain", hints={"portal_province": "广东省"})
    assert ex.document["province"] == "广东省" and ex.document["province_code"] == "440000"
    ex = extract_document(body, content_type="text/plain", hints={"portal_province_code": "320000"})
    assert ex.document["province"] == "江苏省"


def test_extract_main_prints_one_line_per_file(tmp_path, capsys):
    path = tmp_path / "report.html"
    path.write_bytes(report_html())
    assert extract_main([str(path)]) == 0
    line = json.loads(capsys.readouterr().out.strip())
    assert line["path"] == str(path) and line["issuer"] == "东莞市人民政府" and line["era"] == "2021_format"
    assert line["table4"]["litigation_direct"] == {"upheld": 2, "corrected": 1, "other": 0, "pending": 1, "total": 4}
    assert line["kpis"]["admin_litigation_total"] == 6
    assert extract_main([]) == 2
    assert extract_main([str(tmp_path / "missing.txt")]) == 2


def test_extract_main_goes_on_past_a_file_the_extractor_breaks_on(tmp_path, capsys, monkeypatch):
    from xxgk import extract_commands as commands

    broken, good = tmp_path / "broken.xlsx", tmp_path / "report.html"
    broken.write_bytes(b"PK")
    good.write_bytes(report_html())
    real = commands.extract_path

    def extract_path(path, **hints):
        if path.name == "broken.xlsx":  # any defect of a reader the extractor does not foresee
            raise IndexError("list index out of range")
        return real(path, **hints)

    monkeypatch.setattr(commands, "extract_path", extract_path)
    assert extract_main([str(broken), str(good)]) == 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["status"] for line in lines] == ["failed", "parsed"]
    assert lines[0]["status_reason"] == "IndexError: list index out of range"
    assert lines[1]["issuer"] == "东莞市人民政府"


def test_eval_reports_wrong_and_missing_values(tmp_path, capsys):
    (tmp_path / "a.html").write_bytes(report_html())
    gold = {"issuer": "东莞市人民政府", "place": "东莞市", "province": "广东省", "level": "city", "scope": "aggregate",
            "report_year": 2023, "era": "2021_format", "doc_type": "annual_report",
            "kpis": {"admin_license_decisions": 1207, "admin_penalty_decisions": 36, "fees_collected_yuan": 5},
            "table4": {"admin_reconsideration": {"total": 6}}}
    (tmp_path / "a.expected.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    result = evaluate(tmp_path)
    kpis = result.fields["kpis"]
    assert (kpis.correct, kpis.wrong, kpis.missed) == (1, 1, 1)
    assert result.fields["table4"].correct == 1 and result.fields["meta.issuer"].correct == 1
    problems = {(p["kind"], p.get("key")) for p in result.problems()}
    assert problems == {("wrong", "admin_penalty_decisions"), ("missed", "fees_collected_yuan")}
    assert eval_main(str(tmp_path)) == 0
    out = capsys.readouterr().out
    assert "admin_penalty_decisions" in out and "kpis" in out
    assert eval_main(str(tmp_path / "nope")) == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert eval_main(str(empty)) == 2


def test_portal_name_supplies_the_area_of_an_organ_named_by_kind():
    body = ("区统计局2021年政府信息公开工作年度报告\n一、总体情况\n2021年,我局主动公开政府信息12条。\n"
            "发布日期:2022-01-20\n").encode()
    ex = extract_document(body, content_type="text/plain", hints={"portal_name": "广州市荔湾区人民政府"})
    assert ex.document["issuer"] == "荔湾区统计局"
    assert (ex.document["place"], ex.document["admin_tier"], ex.document["province"]) == ("广州市荔湾区", "county", "广东省")
    assert str(ex.document["publication_date"]) == "2022-01-20"
    assert ex.document["report_year"] == 2021


def test_link_text_names_the_report_when_the_page_does_not():
    body = "一、总体情况\n2021年,我局主动公开政府信息12条。\n".encode()
    ex = extract_document(body, content_type="text/plain",
                          hints={"link_text": "泉州市统计局2021年政府信息公开工作年度报告"})
    d = ex.document
    assert (d["title"], d["issuer"], d["place"], d["admin_tier"], d["report_year"]) == (
        "泉州市统计局2021年政府信息公开工作年度报告", "泉州市统计局", "泉州市", "city", 2021)
    assert d["province"] == "福建省" and d["era"] == "2021_format"
