"""The parse stage: landed bodies → parsed.* with provenance; failures recorded, never dropped."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from xxgk import warehouse
from xxgk.parse_stage import parse_landed
from xxgk.manifest import load_pending_manifests
from xxgk.rawstore import RawStore

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


def test_parse_stage_loads_documents_facts_and_failures(tmp_path):
    assert GOLD.is_dir(), f"{GOLD} is missing: the tests need ../shared beside the repository"
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


# --- incremental parse: only what this parser version has not parsed; the same rows either way

def land_synthetic(data_dir: Path, seeds: range, run_id: str = "run1") -> None:
    from xxgk import synth

    with RawStore(data_dir, run_id, "test-portal", archive=False) as store:
        for seed in seeds:
            report = synth.make_report(seed, era="2021_format" if seed % 3 else "2019_trial_format")
            body = synth.render_html(report).encode() if seed % 2 else synth.render_text(report).encode()
            ctype = "text/html; charset=utf-8" if seed % 2 else "text/plain; charset=utf-8"
            url = f"http://www.minhou.gov.cn/zwgk/ndbg/{seed}.html"
            sha, _ = store.put(body)
            store.record_fetch(url=url, final_url=url, status=200, headers={"content-type": ctype},
                               fetched_at=datetime.now(UTC), sha256=sha, size=len(body), content_type=ctype,
                               role="report", outcome="landed", link_text=report.title)
    con = warehouse.connect(data_dir)
    load_pending_manifests(con, data_dir)
    con.close()


def parsed_rows(data_dir: Path) -> dict[str, list[tuple]]:
    """Every row of parsed.*, parse time left out, in a stable order."""
    con = warehouse.connect(data_dir)
    try:
        out = {}
        for table in ("parsed.documents", "parsed.document_texts", "parsed.facts", "parsed.quality_issues"):
            columns = [c for c in warehouse.column_types(con, table) if c != "parsed_at"]
            out[table] = con.execute(f"select {', '.join(c + '::varchar' for c in columns)} from {table} "
                                     "order by all").fetchall()
        return out
    finally:
        con.close()


def test_a_night_parses_only_new_bodies_and_ends_as_a_full_parse_would(tmp_path):
    nightly, full = tmp_path / "nightly", tmp_path / "full"
    land_synthetic(nightly, range(0, 12))
    first = parse_landed(nightly, batch_size=5)
    assert (first.documents, first.reparsed, first.up_to_date, first.batches) == (12, 12, 0, 3)
    land_synthetic(nightly, range(12, 15), run_id="run2")
    second = parse_landed(nightly, batch_size=5)
    assert (second.documents, second.reparsed, second.up_to_date) == (15, 3, 12)
    assert parse_landed(nightly).reparsed == 0  # nothing new: nothing read

    land_synthetic(full, range(0, 15))
    everything = parse_landed(full, full=True)
    assert everything.reparsed == 15
    assert parsed_rows(nightly) == parsed_rows(full)
    assert sum(len(rows) for rows in parsed_rows(full).values()) > 15 * 20  # facts and issues were compared too


def test_parse_all_and_a_new_parser_version_reparse_everything(tmp_path, monkeypatch):
    from xxgk import parse_stage

    land_synthetic(tmp_path, range(0, 6))
    parse_landed(tmp_path)
    before = parsed_rows(tmp_path)
    assert parse_landed(tmp_path, full=True).reparsed == 6
    assert parsed_rows(tmp_path) == before

    monkeypatch.setattr(parse_stage, "PARSER_VERSION", "99.0.0-test")
    changed = parse_landed(tmp_path)
    assert (changed.reparsed, changed.up_to_date) == (6, 0)
    con = warehouse.connect(tmp_path)
    assert con.execute("select distinct parser_version from parsed.documents").fetchall() == [("99.0.0-test",)]
    con.close()


def test_a_crash_mid_batch_keeps_committed_batches_and_half_writes_nothing(tmp_path, monkeypatch):
    from xxgk import parse_stage

    land_synthetic(tmp_path, range(0, 10))
    real_insert = warehouse.insert_ndjson
    text_inserts = []

    def crash_in_second_batch(con, table, columns, path, **kw):
        if table == "parsed.document_texts":
            text_inserts.append(path)
            if len(text_inserts) == 2:  # batch 2: its documents are in, its texts are not
                raise KeyboardInterrupt("killed mid-batch")
        return real_insert(con, table, columns, path, **kw)

    monkeypatch.setattr(warehouse, "insert_ndjson", crash_in_second_batch)
    with pytest.raises(KeyboardInterrupt):
        parse_stage.parse_landed(tmp_path, batch_size=4)
    monkeypatch.setattr(warehouse, "insert_ndjson", real_insert)

    con = warehouse.connect(tmp_path)
    documents = con.execute("select count(*) from parsed.documents").fetchone()[0]
    texts = con.execute("select count(*) from parsed.document_texts").fetchone()[0]
    orphans = con.execute("select count(*) from parsed.facts where sha256 not in "
                          "(select sha256 from parsed.documents)").fetchone()[0]
    con.close()
    assert documents == texts == 4 and orphans == 0  # batch 1 whole, batch 2 not at all
    resumed = parse_landed(tmp_path, batch_size=4)
    assert (resumed.up_to_date, resumed.reparsed) == (4, 6)

    clean = tmp_path / "clean"
    land_synthetic(clean, range(0, 10))
    parse_landed(clean)
    assert parsed_rows(tmp_path) == parsed_rows(clean)


def test_worker_processes_give_the_rows_one_process_gives(tmp_path, monkeypatch):
    from xxgk import parse_stage

    monkeypatch.setattr(parse_stage, "POOL_THRESHOLD", 1)
    pooled, inline = tmp_path / "pooled", tmp_path / "inline"
    land_synthetic(pooled, range(0, 9))
    land_synthetic(inline, range(0, 9))
    summary = parse_landed(pooled, workers=2, batch_size=4)
    assert summary.workers == 2 and summary.batches == 3 and summary.reparsed == 9
    parse_landed(inline, workers=1)
    assert parsed_rows(pooled) == parsed_rows(inline)


def test_xxgk_parse_reports_what_it_did_and_fails_on_an_empty_warehouse(tmp_path, capsys):
    import json

    from xxgk.cli import main

    assert main(["parse", "--data-dir", str(tmp_path / "empty")]) == 1
    assert "no landed report" in capsys.readouterr().err
    land_synthetic(tmp_path / "wh", range(0, 3))
    assert main(["parse", "--data-dir", str(tmp_path / "wh")]) == 0
    first = json.loads(capsys.readouterr().out)
    assert (first["documents"], first["reparsed"]) == (3, 3)
    assert main(["parse", "--data-dir", str(tmp_path / "wh")]) == 0
    assert json.loads(capsys.readouterr().out)["up_to_date"] == 3
    assert main(["parse", "--all", "--data-dir", str(tmp_path / "wh")]) == 0
    assert json.loads(capsys.readouterr().out)["reparsed"] == 3


def test_a_killed_runs_batch_files_stay_in_the_data_folder_and_the_next_run_removes_them(tmp_path, monkeypatch):
    from xxgk import parse_stage

    land_synthetic(tmp_path, range(0, 6))
    seen = []

    def die_holding_files(con, table, columns, path, **kw):
        seen.append(Path(path))
        # SIGKILL runs no finally: leave the batch's files where a killed process leaves them
        monkeypatch.setattr(parse_stage.os, "unlink", lambda p: None)
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(warehouse, "insert_ndjson", die_holding_files)
    with pytest.raises(KeyboardInterrupt):
        parse_stage.parse_landed(tmp_path, batch_size=4, workers=1)
    monkeypatch.undo()
    scratch = parse_stage.scratch_dir(tmp_path)
    assert seen and all(path.parent == scratch for path in seen)  # never /tmp
    assert len(list(scratch.glob("xxgk-parse-*.ndjson"))) == len(parse_stage.PARSED_TABLES)

    summary = parse_landed(tmp_path, batch_size=4, workers=1)
    assert summary.reparsed == 6
    assert list(scratch.iterdir()) == []
