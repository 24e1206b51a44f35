"""The dashboard of the demo run, in a real browser: Debian's headless Chromium through its
chromedriver (selenium; no browser download). Each page must show the published numbers, log no
console error, and leave a screenshot that is not blank under DIR/site/_screens/."""

import functools
import http.server
import re
import shutil
import threading
from pathlib import Path

import pytest

from tests.conftest import query

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail("the dashboard's browser test needs Debian's chromium and chromium-driver: run `make system-deps` as root")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # the flags keep Chromium off the (closed) network: no background updates, sync or QUIC probes
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1400,1700",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def site(demo):
    data_dir = demo[0]
    site = data_dir / "site"
    assert (site / "index.html").exists(), "the demo run built no dashboard"
    (site / "_screens").mkdir(exist_ok=True)
    return data_dir, site


def open_page(browser, url: str, ready_css: str):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get_log("browser")  # drop what earlier pages logged
    browser.get(url)
    WebDriverWait(browser, 30).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ready_css)))
    return By


def console_errors(browser) -> list[str]:
    return [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def screenshot(browser, site: Path, name: str) -> Path:
    """Save a screenshot and check it is not blank: a rendered page has many colours."""
    path = site / "_screens" / f"{name}.png"
    browser.save_screenshot(str(path))
    from PIL import Image

    with Image.open(path) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 20, f"{path} looks blank ({len(colours or [])} colours)"
    return path


def error_box(browser, by) -> str:
    box = browser.find_element(by.ID, "error")
    return box.text if box.is_displayed() else ""


def test_every_page_is_local_no_cdn(site):
    _, root = site
    for page in root.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        remote = re.findall(r'(?:src|href)="((?:https?:)?//[^"]+)"', text)
        assert not remote, f"{page.name} loads {remote}"
    assert (root / "vendor" / "chart.umd.min.js").stat().st_size > 50_000


def test_national_grid_shows_31_provinces_and_the_guangdong_2015_figure(site, browser):
    data_dir, root = site
    by = open_page(browser, (root / "index.html").as_uri(), "#province-year-grid")
    rows = browser.find_elements(by.CSS_SELECTOR, "#province-year-grid tbody tr")
    assert len(rows) == 31
    (expected, complete), = query(data_dir, "select applications_received, is_complete from marts.fct_province_year_kpis "
                                            "where province_code = '440000' and report_year = 2015 "
                                            "and era = '2008_regulation'")
    cell = browser.find_element(by.CSS_SELECTOR, 'td[data-province="440000"][data-year="2015"][data-era="2008_regulation"]')
    assert float(cell.get_attribute("data-value")) == expected
    assert f"{int(expected):,}" in cell.text
    assert ("incomplete" in cell.get_attribute("class")) == (not complete)
    # an incomplete basis looks incomplete wherever there is one
    incomplete = query(data_dir, "select count(*) from marts.fct_province_year_kpis "
                                 "where not is_complete and applications_received is not null")[0][0]
    assert len(browser.find_elements(by.CSS_SELECTOR, "td.cell.incomplete")) == incomplete
    # a grid column per year and era of the mart (the grain): every row of the mart has its own cell
    columns = query(data_dir, "select count(*) from (select distinct report_year, era from marts.fct_province_year_kpis)")[0][0]
    assert len(browser.find_elements(by.CSS_SELECTOR, "#province-year-grid thead th")) == 1 + columns
    for province, year, era in query(data_dir, "select province_code, report_year, era from marts.fct_province_year_kpis"):
        assert len(browser.find_elements(
            by.CSS_SELECTOR, f'td[data-province="{province}"][data-year="{year}"][data-era="{era}"]')) == 1
    assert error_box(browser, by) == ""
    assert console_errors(browser) == []
    screenshot(browser, root, "national")


def test_the_grid_switches_to_a_rate(site, browser):
    from selenium.webdriver.support.ui import Select

    data_dir, root = site
    by = open_page(browser, (root / "index.html").as_uri(), "#province-year-grid")
    metrics = [m for (m,) in query(data_dir, "select distinct metric from marts.fct_province_year_rates "
                                             "where value is not null order by 1")]
    assert metrics, "the demo has no rate to show"
    Select(browser.find_element(by.ID, "measure")).select_by_value(metrics[0])
    (province, year, era, value), = query(data_dir, "select province_code, report_year, era, value "
                                                    "from marts.fct_province_year_rates where metric = ? "
                                                    "and value is not null order by 1, 2, 3 limit 1", [metrics[0]])
    cell = browser.find_element(by.CSS_SELECTOR, f'td[data-province="{province}"][data-year="{year}"][data-era="{era}"]')
    assert float(cell.get_attribute("data-value")) == pytest.approx(value)
    assert console_errors(browser) == []


def test_province_page_shows_years_coverage_and_trends(site, browser):
    data_dir, root = site
    by = open_page(browser, (root / "province.html").as_uri() + "?code=440000", "#province-years")
    assert browser.find_element(by.ID, "title").text == "广东省"
    (expected,), = query(data_dir, "select applications_received from marts.fct_province_year_kpis "
                                   "where province_code = '440000' and report_year = 2015 and era = '2008_regulation'")
    cell = browser.find_element(by.CSS_SELECTOR, '#province-years tr[data-year="2015"][data-era="2008_regulation"] '
                                                 "td.applications")
    assert float(cell.get_attribute("data-value")) == expected
    # a row per year and era of the mart
    (rows,), = query(data_dir, "select count(*) from marts.fct_province_year_kpis where province_code = '440000'")
    assert len(browser.find_elements(by.CSS_SELECTOR, "#province-years tbody tr")) == rows
    reports = query(data_dir, "select count(*) from marts.fct_reports where province_code = '440000' "
                              "and doc_type = 'annual_report'")[0][0]
    assert len(browser.find_elements(by.CSS_SELECTOR, "#reports tbody tr")) == reports
    # Chart.js drew both trends (a canvas it has not drawn on has no chart attached)
    assert browser.execute_script("return ['trend-applications', 'trend-coverage'].every("
                                  "id => window.Chart.getChart(document.getElementById(id)))")
    assert console_errors(browser) == []
    screenshot(browser, root, "province-440000")


def test_report_page_shows_every_number_with_its_provenance(site, browser):
    data_dir, root = site
    (report_id, province, year, sha256, url), = query(data_dir, """
        select r.report_id, r.province_code, r.report_year, r.sha256, r.source_url from marts.fct_reports r
        where r.doc_type = 'annual_report' and r.province_code = '440000' and r.report_year = 2015
        order by r.level = 'province' desc limit 1""")
    kpis = query(data_dir, "select kpi, value, raw_text, table_index, context_before from marts.fct_report_kpis "
                           "where report_id = ?", [report_id])
    by = open_page(browser, (root / "report.html").as_uri() + f"?id={report_id}&shard={province}-{year}", "#report-kpis")
    provenance = browser.find_element(by.ID, "provenance").text
    assert sha256 in provenance and url in provenance
    rows = browser.find_elements(by.CSS_SELECTOR, "#report-kpis tbody tr")
    assert len(rows) == len(kpis)
    by_kpi = {row.get_attribute("data-kpi"): row for row in rows}
    for kpi, value, raw_text, table_index, _context in kpis:
        row = by_kpi[kpi]
        shown = row.find_element(by.CSS_SELECTOR, "td.num").get_attribute("data-value")
        assert (shown == "") if value is None else (float(shown) == value)
        if raw_text:
            assert row.find_element(by.TAG_NAME, "mark").text == raw_text.strip()
        if table_index is not None:
            assert "row" in row.text and "column" in row.text
    assert console_errors(browser) == []
    screenshot(browser, root, "report")


def test_a_prose_figure_is_shown_in_its_sentence(site, browser):
    data_dir, root = site
    found = query(data_dir, """
        select k.report_id, r.province_code, r.report_year, k.kpi, k.context_before, k.raw_text, k.context_after
        from marts.fct_report_kpis k join marts.fct_reports r using (report_id)
        where k.table_index is null and k.char_start is not null and length(k.context_before) > 0 limit 1""")
    assert found, "the demo has no prose figure with a sentence around it"
    report_id, province, year, kpi, before, raw_text, _after = found[0]
    by = open_page(browser, (root / "report.html").as_uri() + f"?id={report_id}&shard={province}-{year}", "#report-kpis")
    row = browser.find_element(by.CSS_SELECTOR, f'#report-kpis tr[data-kpi="{kpi}"]')
    assert before.strip()[-5:] in row.text and row.find_element(by.TAG_NAME, "mark").text == raw_text.strip()
    assert console_errors(browser) == []


def test_quality_page_lists_checks_copies_edits_and_portals(site, browser):
    data_dir, root = site
    by = open_page(browser, (root / "quality.html").as_uri(), "#quality-checks")
    copies = query(data_dir, "select count(*) from marts.fct_reports where is_copy_of_previous_year")[0][0]
    assert copies >= 1
    assert len(browser.find_elements(by.CSS_SELECTOR, "#copies-table tbody tr")) == copies
    edited = query(data_dir, "select count(*) from marts.fct_reports where changed_after_first_seen "
                             "or stated_date_changed or versions_cnt > 1")[0][0]
    assert len(browser.find_elements(by.CSS_SELECTOR, "#edited-table tbody tr")) == edited
    unhealthy = query(data_dir, "select count(*) from marts.dim_portal_health where not is_healthy")[0][0]
    assert len(browser.find_elements(by.CSS_SELECTOR, "#portals-table tbody tr")) == unhealthy
    checks = query(data_dir, "select count(distinct (check_id, severity)) from marts.fct_quality_issues "
                             "where is_chosen_document or report_id is null")[0][0]
    assert len(browser.find_elements(by.CSS_SELECTOR, "#quality-checks tbody tr")) == checks
    assert console_errors(browser) == []
    screenshot(browser, root, "quality")


def test_the_site_works_from_a_static_web_server_too(site, browser):
    _, root = site
    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *_args):
            pass

    handler = functools.partial(QuietHandler, directory=str(root.resolve()))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        by = open_page(browser, f"{base}/province.html?code=440000", "#province-years")
        assert browser.find_element(by.ID, "title").text == "广东省"
        assert console_errors(browser) == []
    finally:
        server.shutdown()
        server.server_close()


def test_a_missing_data_file_is_shown_not_silent(site, browser):
    _, root = site
    by = open_page(browser, (root / "report.html").as_uri() + "?id=nope&shard=000000-1900", "#error")
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 10).until(lambda b: error_box(b, by))
    assert "data file missing" in error_box(browser, by)
    assert console_errors(browser)  # the browser logs the failed load: the test above would catch it


def test_a_year_of_two_eras_shows_each_era_on_its_own(site, browser, tmp_path):
    """The demo has one era per province-year; a copy of its published file gets a second era row for
    广东 2022 (as a 2019-template report beside the 2021-format one would give): the grid shows a column
    per era of 2022, each with its own figure, and the province page a row per era."""
    import duckdb

    from xxgk.site import build_site

    data_dir, _ = site
    copy = tmp_path / "data"
    copy.mkdir()
    shutil.copy(data_dir / "xxgk.duckdb", copy / "xxgk.duckdb")
    con = duckdb.connect(str(copy / "xxgk.duckdb"))
    try:
        con.execute("insert into marts.fct_province_year_kpis select * replace ("
                    "'2019_trial_format' as era, 'sum_of_prefecture_aggregates' as basis, false as is_complete, "
                    "7 as applications_received) "
                    "from marts.fct_province_year_kpis where province_code = '440000' and report_year = 2022")
        (new_value,) = con.execute("select applications_received from marts.fct_province_year_kpis "
                                   "where province_code = '440000' and report_year = 2022 and era = '2021_format'"
                                   ).fetchone()
    finally:
        con.close()
    root = build_site(copy).path
    by = open_page(browser, (root / "index.html").as_uri(), "#province-year-grid")
    headers = [th.text for th in browser.find_elements(by.CSS_SELECTOR, "#province-year-grid thead th")]
    assert "2022 · 2019 trial" in headers and "2022 · 2021 format" in headers and "2022" not in headers
    shown = {cell.get_attribute("data-era"): cell for cell in browser.find_elements(
        by.CSS_SELECTOR, 'td[data-province="440000"][data-year="2022"]')}
    assert set(shown) == {"2019_trial_format", "2021_format"}
    assert float(shown["2019_trial_format"].get_attribute("data-value")) == 7
    assert "incomplete" in shown["2019_trial_format"].get_attribute("class")
    assert float(shown["2021_format"].get_attribute("data-value")) == new_value
    assert console_errors(browser) == []
    by = open_page(browser, (root / "province.html").as_uri() + "?code=440000", "#province-years")
    rows = browser.find_elements(by.CSS_SELECTOR, '#province-years tr[data-year="2022"]')
    assert sorted(r.get_attribute("data-era") for r in rows) == ["2019_trial_format", "2021_format"]
    assert console_errors(browser) == []
