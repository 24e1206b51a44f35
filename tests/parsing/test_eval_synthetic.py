"""``evaluate`` over a synthetic corpus whose values are known by construction."""

from __future__ import annotations

import json

from xxgk import synth
from xxgk.evaluation import evaluate

from .standard_report import COLUMNS, report_html, table3_values

_ISSUERS = {"东莞市人民政府": ("东莞市", "广东省", "city"), "昆山市人民政府": ("苏州市昆山市", "江苏省", "county"),
            "江西省人民政府": ("江西省", "江西省", "province")}


def _write_corpus(directory, count: int = 6) -> None:
    for i in range(count):
        issuer = list(_ISSUERS)[i % len(_ISSUERS)]
        place, province, level = _ISSUERS[issuer]
        values = table3_values(blank_rows=("result_denied_admin_query",) if i % 2 else ())
        t4 = [i, 0, 1, 0, i + 1, 2, 0, 0, 1, 3, 0, 0, 0, i, i]
        (directory / f"r{i}.html").write_bytes(report_html(issuer=issuer, year=2021 + i % 3, t3=values, t4=t4))
        gold = {"issuer": issuer, "place": place, "province": province, "level": level, "scope": "aggregate",
                "report_year": 2021 + i % 3, "era": "2021_format", "doc_type": "annual_report",
                "kpis": {"admin_license_decisions": 1207, "admin_litigation_total": 3 + i,
                         "applications_received": values["applications_received"][6]},
                "table3": {row: dict(zip(COLUMNS, cells)) for row, cells in values.items()},
                "table4": {group: dict(zip(("upheld", "corrected", "other", "pending", "total"), t4[k * 5:k * 5 + 5]))
                           for k, group in enumerate(("admin_reconsideration", "litigation_direct",
                                                      "litigation_after_reconsideration"))}}
        (directory / f"r{i}.expected.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")


def test_evaluate_on_a_synthetic_corpus(tmp_path):
    _write_corpus(tmp_path)
    result = evaluate(tmp_path)
    assert result.files == 6
    assert result.problems() == []
    assert result.fields["table3"].correct == 6 * 25 * 7
    assert result.fields["table4"].correct == 6 * 15


def test_evaluate_on_the_synth_module_corpus(tmp_path):
    synth.write_corpus(tmp_path)
    result = evaluate(tmp_path)
    assert result.files == 45
    assert result.problems() == []
    assert result.fields["table3"].correct > 0


def test_pdf_and_docx_attachments_score_every_cell(tmp_path):
    # table 三 of a printed PDF breaks across pages and its label cells wrap: the ruled grid is read
    # and stitched back together; cells covered by a merge are not blanks
    synth.write_corpus(tmp_path, n=4, formats=("pdf", "docx"))
    result = evaluate(tmp_path)
    assert result.files == 4
    assert result.problems() == []
    gold = [json.loads(p.read_text(encoding="utf-8")) for p in tmp_path.glob("*.expected.json")]
    assert result.fields["table3"].correct == sum(len(cols) for g in gold for cols in g["table3"].values())
    assert result.fields["table4"].correct == 4 * 15
