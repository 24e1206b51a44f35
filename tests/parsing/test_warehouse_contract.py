"""The records load into the parsed.* tables exactly as the warehouse declares them."""

from __future__ import annotations

from datetime import UTC, datetime

from xxgk import warehouse
from xxgk.parsing import PARSER_VERSION, extract_document

from .standard_report import report_html


def test_extraction_loads_into_parsed_tables(tmp_path):
    ex = extract_document(report_html(extra_body="<p>发布日期：2024-01-30</p>"), content_type="text/html",
                          url="http://www.dg.gov.cn/a.html")
    con = warehouse.connect(tmp_path)
    sha = "ab" * 32
    document = {"sha256": sha, "parser_version": PARSER_VERSION, "parsed_at": datetime.now(UTC), **ex.document}
    warehouse.bulk_insert(con, "parsed.documents", warehouse.DOCUMENT_COLUMNS, [document])
    warehouse.bulk_insert(con, "parsed.document_texts", ["sha256", "text"], [{"sha256": sha, "text": ex.text}])
    warehouse.bulk_insert(con, "parsed.facts", warehouse.FACT_COLUMNS,
                          [{**f, "sha256": sha, "fact_seq": i} for i, f in enumerate(ex.facts)])
    warehouse.bulk_insert(con, "parsed.quality_issues", warehouse.ISSUE_COLUMNS,
                          [{**issue, "sha256": sha, "issue_seq": i} for i, issue in enumerate(ex.issues)])
    row = con.execute("select issuer, province_code, publication_date::varchar, text_chars from parsed.documents").fetchone()
    assert row == ("东莞市人民政府", "440000", "2024-01-30", len(ex.text))
    blank = con.execute("select count(*) from parsed.facts where cell_state = 'blank' and value is null").fetchone()[0]
    assert blank == sum(1 for f in ex.facts if f["cell_state"] == "blank") > 0
    spans_ok = con.execute("""
        select count(*) from parsed.facts f join parsed.document_texts t using (sha256)
        where f.cell_state = 'value' and f.char_start is not null
          and substr(t.text, f.char_start + 1, f.char_end - f.char_start) <> f.raw_text""").fetchone()[0]
    assert spans_ok == 0
    con.close()
