"""The whole nightly pipeline on the bundled sample portal, as a new user runs it (`xxgk demo`).

One demo run (the session fixture ``demo`` of tests/conftest.py) is shared by these tests and the
dashboard's (tests/test_site.py); a second run happens while another process holds the published
warehouse open, as a BI tool would.
"""

import csv
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT, query, run_demo
from xxgk.sample_portal import EXPECTED

pytestmark = pytest.mark.slow


def test_summary_is_printed(demo):
    _data_dir, stdout = demo
    for words in ("reports found", "landed", "parsed", "failures", "marts.fct_province_year_kpis", "xxgk.duckdb"):
        assert words in stdout


def test_the_terminal_ends_with_the_summary_and_the_paths_and_no_leak_noise(demo):
    data_dir, stdout = demo
    stderr = (data_dir / "demo.stderr").read_text()
    assert "leaked" not in stdout and "leaked" not in stderr
    tail = stdout.strip().splitlines()[-6:]
    assert any(str(data_dir / "site" / "index.html") in line for line in tail)
    assert "- export: ok" in stdout and "- docs: ok" in stdout and "- site: ok" in stdout
    assert "Running with dbt" not in stdout  # dbt's progress goes to DIR/dbt/logs, not the terminal


def test_downloads_hold_every_published_mart_with_a_datapackage_that_matches(demo):
    import json

    data_dir, _ = demo
    export = data_dir / "export"
    marts = {table for (table,) in query(data_dir, "select table_name from duckdb_tables() where schema_name = 'marts'")}
    package = json.loads((export / "datapackage.json").read_text(encoding="utf-8"))
    assert {"name", "version", "created", "licenses", "resources"} <= set(package)
    resources = {r["path"]: r for r in package["resources"]}
    assert set(resources) == {f"{m}.{fmt}" for m in marts for fmt in ("csv", "parquet")}
    for resource in package["resources"]:
        (rows,) = query(data_dir, f'select count(*) from marts."{resource["title"]}"')[0]
        assert resource["rows"] == rows, resource["path"]
        assert (export / resource["path"]).stat().st_size == resource["bytes"]
        assert all(len(f["name"]) <= 32 and f["type"] for f in resource["schema"]["fields"])
        assert re.fullmatch(r"[a-z0-9._-]+", resource["name"])
    # the CSV reads back to the mart's row count (RFC 4180: newlines inside quoted fields)
    with (export / "fct_report_kpis.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert sum(1 for _ in csv.reader(handle)) - 1 == resources["fct_report_kpis.csv"]["rows"]


def test_published_columns_carry_their_descriptions(demo):
    data_dir, _ = demo
    (columns, described), = query(data_dir, "select count(*), count(*) filter (where comment <> '') "
                                            "from duckdb_columns() where schema_name = 'marts'")
    assert described / columns >= 0.95, f"{described} of {columns} published columns have a comment"
    (tables, tables_described), = query(data_dir, "select count(*), count(*) filter (where comment <> '') "
                                                  "from duckdb_tables() where schema_name = 'marts'")
    assert tables_described == tables


def test_the_data_dictionary_is_built(demo):
    data_dir, _ = demo
    index = (data_dir / "docs" / "index.html").read_text(encoding="utf-8")
    assert "fct_province_year_kpis" in index and len(index) > 100_000  # the static page embeds the manifest


def test_province_year_kpis_cover_several_provinces(demo):
    data_dir, _ = demo
    provinces = {row[0] for row in query(data_dir, "select distinct province_name from marts.fct_province_year_kpis")}
    assert len(provinces) >= 3
    assert {"广东省", "广西壮族自治区", "辽宁省", "江苏省"} <= provinces
    (received,) = query(data_dir, "select applications_received from marts.fct_province_year_kpis "
                                  "where province_name = '广东省' and report_year = 2015 and era = '2008_regulation'")[0]
    assert received >= 1207


def test_province_year_marts_hold_one_row_per_province_year_and_era(demo):
    data_dir, _ = demo
    for mart, key in (("fct_province_year_kpis", "province_code, report_year, era"),
                      ("fct_province_year_cells", "province_code, report_year, era, table_name, row_key, col_key"),
                      ("fct_province_year_rates", "province_code, report_year, era, metric")):
        assert query(data_dir, f"select {key}, count(*) from marts.{mart} group by all having count(*) > 1") == [], mart
        assert query(data_dir, f"select count(*) from marts.{mart} where era is null")[0][0] == 0, mart
    # every basis report is of its row's era: no row adds two report formats
    assert query(data_dir, "select k.province_code, k.report_year, k.era, r.era from "
                           "(select province_code, report_year, era, unnest(basis_report_ids) as report_id "
                           " from marts.fct_province_year_kpis) k join marts.fct_reports r using (report_id) "
                           "where r.era <> k.era") == []
    eras = {era for (era,) in query(data_dir, "select distinct era from marts.fct_province_year_kpis")}
    assert eras <= {"2008_regulation", "2019_trial_format", "2021_format"} and len(eras) == 3


def test_reports_hold_the_sample_reports(demo):
    data_dir, _ = demo
    rows = query(data_dir, "select issuer, report_year, doc_type, province_name from marts.fct_reports")
    years = {year for _issuer, year, doc_type, _p in rows if doc_type == "annual_report"}
    assert {2009, 2013, 2015, 2016} <= years
    by_issuer_year = {(issuer, year): (doc_type, province) for issuer, year, doc_type, province in rows}
    for expected in EXPECTED["reports"]:
        key = (expected["issuer"], expected["report_year"])
        assert key in by_issuer_year, f"missing {key}"
        assert by_issuer_year[key][0] == expected["doc_type"]
        assert by_issuer_year[key][1] == expected["province"]


def test_news_is_kept_out_of_kpis(demo):
    data_dir, _ = demo
    news = query(data_dir, "select report_id from marts.fct_reports where doc_type = 'news'")
    assert news, "the sample news article should be landed and classified"
    assert not query(data_dir, "select 1 from marts.fct_report_kpis where report_id in "
                               "(select report_id from marts.fct_reports where doc_type = 'news')")


def test_every_kpi_traces_to_a_raw_document_and_a_cell_or_span(demo):
    data_dir, _ = demo
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        orphans = con.execute("""
            select k.report_id, k.kpi from marts.fct_report_kpis k
            left join raw.fetches f on f.sha256 = k.sha256 and f.outcome = 'landed'
            where f.url is null or f.fetched_at is null
               or (k.char_start is null and (k.table_index is null or k.row_index is null or k.col_index is null))
        """).fetchall()
        blobs_ok = con.execute("select sha256, path from raw.blobs").fetchall()
    finally:
        con.close()
    assert not orphans
    import hashlib

    for sha, path in blobs_ok:
        assert hashlib.sha256((data_dir / path).read_bytes()).hexdigest() == sha


def test_bodies_expected_to_report_are_the_governments_a_national_statistic_counts(demo):
    data_dir = demo[0]
    counts = dict(query(data_dir, "select level, count(*) from marts.dim_bodies where province_code = '440000' "
                                  "and report_year = 2022 and is_expected_to_report group by level"))
    assert counts == {"province": 1, "city": 21, "county": 122}
    observed = query(data_dir, "select body_name, is_expected_to_report from marts.dim_bodies "
                               "where listed_by = 'observed'")
    assert ("抚顺市行政审批服务局", False) in observed
    # every report of a known body has its row in dim_bodies
    assert not query(data_dir, "select r.report_id from marts.fct_reports r left join marts.dim_bodies b "
                               "using (body_id, report_year) where r.body_id is not null and b.body_id is null "
                               "and r.doc_type = 'annual_report'")


def test_timeliness_is_unknown_when_we_began_watching_after_the_deadline(demo):
    data_dir = demo[0]
    rows = query(data_dir, "select on_time, watched_since > statutory_deadline from marts.fct_reports "
                           "where doc_type = 'annual_report'")
    assert rows and all(on_time is None and after for on_time, after in rows)
    (unknown, found) = query(data_dir, "select sum(timeliness_unknown), sum(reports_found) from marts.fct_coverage")[0]
    assert unknown == found > 0


def test_reports_keep_the_date_their_list_page_printed_beside_the_link(demo):
    data_dir = demo[0]
    listed = dict(query(data_dir, "select issuer || ' ' || report_year, listed_date from marts.fct_reports "
                                  "where doc_type = 'annual_report'"))
    assert str(listed["钦州市人民政府 2020"]) == "2021-03-20"  # printed 2021年3月20日
    assert str(listed["抚顺市行政审批服务局 2016"]) == "2017-03-20"  # printed [2017/03/20]
    assert str(listed["广东省人民政府 2022"]) == "2023-01-20"
    assert str(listed["淮安市人民政府 2024"]) in ("2025-01-20", "2025-01-10")  # back-dated on night 2
    assert listed["钦州市人民政府 2009"] is None  # its list entry prints no date
    # weaker evidence than the crawl's own sighting, and labelled: the pages state their dates here
    evidence = {row[0] for row in query(data_dir, "select distinct stated_on_time_evidence from marts.fct_reports "
                                                  "where doc_type = 'annual_report'")}
    assert evidence <= {"stated_date", "list_page_date", "last_modified_header", None}
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        roles = dict(con.execute("select role, count(listed_date) from raw.fetches group by role").fetchall())
    finally:
        con.close()
    assert roles["report"] > 0 and roles.get("list", 0) == roles.get("seed", 0) == 0


def test_one_city_does_not_stand_for_its_province(demo):
    data_dir = demo[0]
    rows = query(data_dir, "select province_code, basis, basis_units_expected, basis_units_reported, is_complete "
                           "from marts.fct_province_year_kpis where province_code = '320000' and report_year = 2024 "
                           "and era = '2021_format'")
    # 淮安 alone: a sum over one of 江苏's 13 prefectures is a floor, not the province's total
    assert rows == [("320000", "sum_of_prefecture_aggregates", 13, 1, False)]


def test_generated_reports_are_flagged_and_real_ones_are_not(demo):
    data_dir = demo[0]
    flags = dict(((issuer, year), synthetic) for issuer, year, synthetic in query(
        data_dir, "select issuer, report_year, is_synthetic from marts.fct_reports where doc_type = 'annual_report'"))
    assert flags[("东莞市人民政府", 2022)] and flags[("抚顺市行政审批服务局", 2022)]  # synth HTML, synth DOCX
    assert not flags[("钦州市人民政府", 2009)] and not flags[("广州市人民政府政务管理办公室", 2013)]  # real texts
    (includes,) = query(data_dir, "select includes_synthetic from marts.fct_province_year_kpis "
                                  "where province_code = '320000' and report_year = 2024 and era = '2021_format'")[0]
    assert includes


def test_a_report_copied_from_the_previous_year_is_flagged(demo):
    data_dir = demo[0]
    flagged = {(issuer, year) for issuer, year in query(
        data_dir, "select issuer, report_year from marts.fct_reports where is_copy_of_previous_year")}
    expected = {(r["issuer"], r["report_year"]) for r in EXPECTED["reports"] if r.get("copy_of_previous_year")}
    assert flagged == expected == {("钦州市人民政府", 2020)}
    (similarity,) = query(data_dir, "select previous_year_similarity from marts.fct_reports "
                                    "where issuer = '钦州市人民政府' and report_year = 2020")[0]
    assert similarity >= 0.8


def test_rates_divide_sums_over_the_same_reports(demo):
    data_dir = demo[0]
    rows = query(data_dir, "select r.numerator, r.denominator, r.value, r.report_ids, "
                           "(select sum(value) from marts.fct_report_kpis k where list_contains(r.report_ids, k.report_id) "
                           " and k.kpi = 'result_granted' and k.is_exact) "
                           "from marts.fct_province_year_rates r where metric = 'granted_rate' and reports_cnt > 0")
    assert rows
    for numerator, denominator, value, report_ids, resummed in rows:
        assert numerator == resummed and value == pytest.approx(numerator / denominator) and report_ids


def test_dbt_test_passes_from_inside_the_project(demo):
    data_dir, _ = demo
    env = {**os.environ, "XXGK_WAREHOUSE": str(data_dir / "warehouse.duckdb"),
           "DBT_TARGET_PATH": str(data_dir / "dbt" / "target-test"), "DBT_LOG_PATH": str(data_dir / "dbt" / "logs")}
    result = subprocess.run([str(Path(sys.executable).with_name("dbt")), "test"], cwd=ROOT / "dbt_project",
                            env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-5000:]


def test_the_sum_of_parts_tests_fail_on_a_figure_that_does_not_resum(demo, tmp_path):
    data_dir, _ = demo
    broken = tmp_path / "warehouse.duckdb"
    broken.write_bytes((data_dir / "warehouse.duckdb").read_bytes())
    con = duckdb.connect(str(broken))
    con.execute("update marts.fct_province_year_cells set value = value + 1 "
                "where (province_code, report_year) = (select (province_code, report_year) "
                "from marts.fct_province_year_cells where value is not null limit 1)")
    con.execute("update marts.fct_province_year_rates set numerator = numerator + 1 "
                "where metric = 'granted_rate' and reports_cnt > 0")
    con.close()
    env = {**os.environ, "XXGK_WAREHOUSE": str(broken), "DBT_TARGET_PATH": str(tmp_path / "target"),
           "DBT_LOG_PATH": str(tmp_path / "logs")}
    result = subprocess.run([str(Path(sys.executable).with_name("dbt")), "test", "--select",
                             "assert_rates_resum_from_report_kpis", "assert_province_year_cells_resum_from_report_kpis"],
                            cwd=ROOT / "dbt_project", env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode != 0
    for name in ("assert_rates_resum_from_report_kpis", "assert_province_year_cells_resum_from_report_kpis"):
        assert f"Failure in test {name}" in result.stdout, result.stdout[-3000:]


def test_a_reader_holding_the_published_file_never_blocks_the_next_run(demo):
    data_dir, _ = demo
    published = data_dir / "xxgk.duckdb"
    reader = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, duckdb
            con = duckdb.connect({str(published)!r}, read_only=True)
            print(con.execute("select count(*) from marts.fct_reports").fetchone()[0], flush=True)
            sys.stdin.readline()   # hold the file open until the second run is over
            print(con.execute("select count(*) from marts.fct_reports").fetchone()[0], flush=True)
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    before = int(reader.stdout.readline())
    (urls_before,) = query(data_dir, "select count(*) from marts.fct_url_history")[0]
    second = run_demo(data_dir)
    out, err = reader.communicate("go\n", timeout=60)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert reader.returncode == 0, err
    assert int(out.strip()) == before  # the reader kept a complete, consistent warehouse throughout
    (after,) = query(data_dir, "select count(*) from marts.fct_reports")[0]
    assert after == before  # a re-run of the same night adds nothing
    # the sample portal serves on a stable address: the same pages under the same URLs
    (urls_after,) = query(data_dir, "select count(*) from marts.fct_url_history")[0]
    assert urls_after == urls_before


def test_a_page_edited_between_two_nights_is_a_new_version(demo):
    # runs after test_a_reader_holding_the_published_file_never_blocks_the_next_run: the second
    # night served the 淮安 2024 page edited and back-dated
    data_dir = demo[0]
    rows = query(data_dir, "select issuer, versions_cnt, changed_after_first_seen, stated_date_changed "
                           "from marts.fct_reports where doc_type = 'annual_report' and changed_after_first_seen")
    assert rows == [("淮安市人民政府", 2, True, True)]
    (versions,) = query(data_dir, "select max(versions_cnt) from marts.fct_url_history")[0]
    assert versions == 2


def test_format_compliance_of_the_generated_reports(demo):
    data_dir = demo[0]
    rows = query(data_dir, "select era, has_all_six_sections, tables_well_formed from marts.fct_reports "
                           "where doc_type = 'annual_report' and is_synthetic")
    assert rows and all(six and tables for era, six, tables in rows if era != "2008_regulation")
    assert not query(data_dir, "select 1 from marts.fct_reports where era = '2008_regulation' "
                               "and (has_all_six_sections is not null or tables_well_formed is not null)")


def test_province_year_cells_cover_every_printed_cell(demo):
    data_dir = demo[0]
    counts = dict(query(data_dir, "select table_name, count(*) from marts.fct_province_year_cells "
                                  "where province_code = '320000' and report_year = 2024 and era = '2021_format' "
                                  "group by table_name"))
    assert counts == {"table3": 25 * 7, "table4": 15}  # 淮安 2024, 2021 format
    (received,) = query(data_dir, "select value from marts.fct_province_year_cells where province_code = '320000' "
                                  "and report_year = 2024 and era = '2021_format' "
                                  "and row_key = 'applications_received' and col_key = 'total'")[0]
    (kpi,) = query(data_dir, "select applications_received from marts.fct_province_year_kpis "
                             "where province_code = '320000' and report_year = 2024 and era = '2021_format'")[0]
    assert received == kpi == 3119


def test_the_provincial_report_stands_for_its_province_and_nothing_is_counted_twice(demo):
    # 广东 2022: the province's aggregate report, its general office's organ report, 东莞's city report
    data_dir = demo[0]
    [(basis, basis_reports, complete, received, reports, organ)] = query(
        data_dir, "select basis, basis_reports_cnt, is_complete, applications_received, reports_cnt, "
                  "organ_reports_cnt from marts.fct_province_year_kpis "
                  "where province_code = '440000' and report_year = 2022 and era = '2021_format'")
    assert (basis, basis_reports, complete, reports, organ) == ("province_aggregate", 1, True, 3, 1)
    (province_received,) = query(data_dir, "select k.value from marts.fct_report_kpis k join marts.fct_reports r "
                                           "using (report_id) where r.issuer = '广东省人民政府' "
                                           "and r.report_year = 2022 and k.kpi = 'applications_received'")[0]
    assert received == province_received  # not plus 东莞's or the office's
