"""The parse stage: landed bodies → parsed.* with provenance; failures recorded, never dropped."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from xxgk import warehouse
from xxgk.parse_stage import parse_landed
from xxgk.rawstore import RawStore, load_pending_manifests

GOLD = Path(__file__).resolve().parents[1].parent / "shared" / "gold"


def land(data_dir: Path, bodies: dict[str, tuple[bytes, str]]) -> None:
    with RawStore(data_dir, "run1", "test-portal", archive=False) as store:
        for url, (body, content_type) in bodies.items():
            sha, _ = store.put(body)
            store.record_fetch(url=url, final_url=url, status=200, headers={"content-type": content_type},
                               fetched_at=datetime.now(UTC), sha256=sha, size=len(body), content_type=content_type,
                               role="report", outcome="landed", link_text="2015年东莞市政府信息公开工作年度报告")
    con = warehouse.connect(data_dir)
    load_pending_manifests(con, data_dir)
    con.close()


@pytest.mark.skipif(not GOLD.exists(), reason="../shared/gold is not beside the repository")
def test_parse_stage_loads_documents_facts_and_failures(tmp_path):
    dongguan = next((GOLD / "seeds").glob("004_*.txt")).read_bytes()
    land(tmp_path, {
        "http://www.dg.gov.cn/r/2015.txt": (dongguan, "text/plain; charset=utf-8"),
        "http://www.dg.gov.cn/r/broken.pdf": (b"%PDF-1.4 this is not really a pdf", "application/pdf"),
    })
    summary = parse_landed(tmp_path)
    assert summary.documents == 2
    assert summary.parsed == 1 and summary.failed + summary.unsupported == 1
    assert summary.failures and summary.failures[0]["url"].endswith("broken.pdf")
    con = warehouse.connect(tmp_path)
    doc = con.execute("select issuer, province_code, report_year, doc_type from parsed.documents "
                      "where status = 'parsed'").fetchone()
    assert doc == ("东莞市人民政府", "440000", 2015, "annual_report")
    value, start, end, sha = con.execute(
        "select value, char_start, char_end, sha256 from parsed.facts where kpi = 'applications_received'"
    ).fetchone()
    assert value == 1207
    text = con.execute("select text from parsed.document_texts where sha256 = ?", [sha]).fetchone()[0]
    assert "1207" in text[start:end]
    # re-parsing replaces, never appends
    parse_landed(tmp_path)
    assert con.execute("select count(*) from parsed.documents").fetchone()[0] == 2
