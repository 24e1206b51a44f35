"""The portal registry (scrapers/portals.csv), the CMS family helpers and the coverage page.

No network: the registry is checked as data, the families on literal html, coverage on a tmp DuckDB.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pytest

from xxgk import coverage, manifest
from scrapers.families import FAMILIES, default_selectors, family_for
from scrapers.portals import REGISTRY_CSV, Portal, load_registry, write_registry
from xxgk.parsing.labels import LABELS_DIR
from xxgk.warehouse import create_schema

ROOT = Path(__file__).resolve().parents[1]
PROVINCIAL_CODES = {
    "110000", "120000", "130000", "140000", "150000", "210000", "220000", "230000", "310000", "320000",
    "330000", "340000", "350000", "360000", "370000", "410000", "420000", "430000", "440000", "450000",
    "460000", "500000", "510000", "520000", "530000", "540000", "610000", "620000", "630000", "640000",
    "650000",
}
# hosts allowed outside *.gov.cn, each with the reason; empty today, and additions need a reason
HOST_EXCEPTIONS: dict[str, str] = {}
LEVELS = {"province", "city", "county", "department"}
# the tier vocabulary is one file, the one dbt tests the warehouse's admin_tier against
with open(ROOT / "xxgk" / "parsing" / "labels" / "admin_tiers.csv", encoding="utf-8") as _tiers:
    TIERS = {row["admin_tier"] for row in csv.DictReader(_tiers)}


@pytest.fixture(scope="module")
def registry() -> list[Portal]:
    return load_registry()


def test_province_list_matches_the_dbt_seed():
    seed = LABELS_DIR / "provinces.csv"  # the file dbt seeds
    with open(seed, encoding="utf-8") as f:
        assert {r["province_code"] for r in csv.DictReader(f)} == PROVINCIAL_CODES
    assert set(coverage.PROVINCES) == PROVINCIAL_CODES


def test_registry_loads_with_unique_short_ids(registry):
    ids = [p.id for p in registry]
    assert len(ids) == len(set(ids))
    for p in registry:
        assert p.id == p.id.lower() and " " not in p.id and len(p.id) <= 16, p.id
        assert p.name and p.seed_urls, p.id
        assert p.level in LEVELS, p.id
        assert p.admin_tier in TIERS, p.id
        assert p.family in FAMILIES, (p.id, p.family)
        assert p.verified is False, f"{p.id}: verified only after a live run confirms it"


def test_province_codes_are_provincial_gbt2260(registry):
    assert {p.province_code for p in registry} <= PROVINCIAL_CODES


def test_every_province_has_its_government(registry):
    governments = [p for p in registry if p.level == "province"]
    assert {p.province_code for p in governments} == PROVINCIAL_CODES
    assert len(governments) == 31
    assert all(p.admin_tier == "province" for p in governments)


def test_other_portals_cover_ten_provinces(registry):
    others = [p for p in registry if p.level != "province"]
    assert len(others) >= 20
    assert len({p.province_code for p in others}) >= 10


def test_seed_urls_are_government_hosts(registry):
    for p in registry:
        for url in p.seed_urls:
            parts = urlsplit(url)
            assert parts.scheme in ("http", "https"), url
            host = parts.hostname or ""
            assert host.endswith(".gov.cn") or host in HOST_EXCEPTIONS, url
        for host in p.extra_hosts:
            assert host.endswith(".gov.cn") or host in HOST_EXCEPTIONS, host


def test_known_portals_are_present(registry):
    by_id = {p.id: p for p in registry}
    assert urlsplit(by_id["gd-prov"].seed_urls[0]).hostname == "www.gd.gov.cn"
    assert urlsplit(by_id["gx-prov"].seed_urls[0]).hostname == "www.gxzf.gov.cn"
    assert by_id["mva"].seed_urls == ("https://www.mva.gov.cn/gongkai/zfxxgkpt/zfxxgknb/index.html",)
    assert by_id["km-rsj"].selectors == {"list_links": "div.item-url p a", "body": "div.activity"}
    # the shanghai column is on www, report pages were seen on the bare domain
    assert "shanghai.gov.cn" in by_id["sh-prov"].hosts


def test_round_trip(tmp_path, registry):
    path = tmp_path / "portals.csv"
    write_registry(registry, path)
    assert load_registry(path) == registry
    assert path.read_text(encoding="utf-8") == REGISTRY_CSV.read_text(encoding="utf-8")


def test_old_registry_without_new_columns_still_loads(tmp_path):
    # the demo and older checkouts write only the original eight columns
    path = tmp_path / "old.csv"
    path.write_text(
        "id,name,province_code,level,family,seed_urls,selectors,verified\n"
        "demo,Demo,440000,city,generic,http://127.0.0.1:8000/list.html,list_links=a.r,true\n",
        encoding="utf-8",
    )
    [p] = load_registry(path)
    assert (p.notes, p.admin_tier, p.extra_hosts, p.selectors, p.verified) == ("", "", (), {"list_links": "a.r"},
                                                                               True)


# ---- families ---------------------------------------------------------------------------------

def test_family_metadata_is_complete():
    for name, module in FAMILIES.items():
        meta = module.FAMILY
        assert meta["name"] == name
        assert meta["recognise"] and isinstance(meta["quirks"], list)
        assert isinstance(meta["body_containers"], tuple) and len(meta["body_containers"]) >= 11
    assert family_for(None) is family_for("generic") is family_for("unknown")


def test_default_selectors_portal_wins_and_body_order():
    portal = Portal(id="km", name="km", province_code="530000", level="department", family="trs",
                    seed_urls=("https://rsj.km.gov.cn/zfxxgk/zfxxgknb/",),
                    selectors={"list_links": "div.item-url p a", "body": "div.activity"})
    merged = default_selectors(portal)
    assert merged["list_links"] == "div.item-url p a"
    body = [s.strip() for s in merged["body"].split(",")]
    assert body[:3] == ["div.activity", ".TRS_Editor", ".trs_editor_view"]
    assert body.count("div.activity") == 1
    bare = default_selectors(Portal(id="g", name="g", province_code="", level="", seed_urls=("http://a.gov.cn/",)))
    assert "list_links" not in bare
    assert bare["body"].startswith("#ivs_content, #webeditorview, .TRS_Editor")


# ---- coverage ---------------------------------------------------------------------------------

def _insert_run(con, run_id, portal_id, started, health, found, landed, failures=0, reason=None):
    con.execute(
        "insert into raw.portal_runs (run_id, portal_id, started_at, finished_at, health, health_reason, "
        "pages_fetched, reports_found, reports_landed, failures) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [run_id, portal_id, started, started + timedelta(minutes=3), health, reason, 4, found, landed, failures],
    )


def test_coverage_joins_latest_run(tmp_path, registry):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    create_schema(con)
    t0 = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    _insert_run(con, "r1", "mva", t0, "ok", 6, 6)
    _insert_run(con, "r2", "mva", t0 + timedelta(days=1), "needs_browser", 0, 0, 1, "seed URL failed: js_challenge")
    _insert_run(con, "r1", "gd-prov", t0, "empty", 0, 0)
    con.close()
    rows = {r["id"]: r for r in coverage.portal_status(registry, manifest.latest_portal_runs(tmp_path))}
    assert len(rows) == len(registry)
    mva = rows["mva"]
    assert (mva["health"], mva["run_id"], mva["runs"]) == ("needs_browser", "r2", 2)
    assert mva["last_run"] == "2026-11-21 02:00 UTC"
    assert mva["last_ok"] == "2026-11-20 02:00 UTC"
    assert mva["health_reason"] == "seed URL failed: js_challenge"
    assert (rows["gd-prov"]["health"], rows["gd-prov"]["reports_found"]) == ("empty", 0)
    assert rows["sz"]["health"] == "never_run" and rows["sz"]["last_run"] == ""

    table = coverage.format_table(list(rows.values()))
    assert "needs_browser" in table and "never_run" in table
    page = coverage.render_coverage_markdown(list(rows.values()))
    assert "| mva | 退役军人事务部 |" in page and "needs_browser | 2026-11-21 02:00 UTC | 0/0 |" in page

    # portals_main reads the same warehouse read-only and can write the page elsewhere
    docs = tmp_path / "portals.md"
    assert coverage.portals_main(tmp_path, write_docs=True, docs_path=docs) == 0
    assert coverage.recorded_runs(docs.read_text(encoding="utf-8"))["mva"]["health"] == "needs_browser"


def test_portals_main_without_warehouse(tmp_path, capsys):
    docs = tmp_path / "portals.md"
    assert coverage.portals_main(tmp_path / "nothing-here", write_docs=True, docs_path=docs) == 0
    out = capsys.readouterr().out
    assert "never_run" in out
    assert coverage.recorded_runs(docs.read_text(encoding="utf-8"))["gd-prov"]["health"] == "never_run"


def test_docs_page_is_current(registry):
    committed = coverage.DOCS_PAGE.read_text(encoding="utf-8")
    assert committed.splitlines()[2].startswith(f"Generated by `{coverage.GENERATOR}`")
    # the run cells may come from a live warehouse the test cannot see; everything else must match
    rows = coverage.with_recorded_runs(coverage.portal_status(registry, None), committed)
    assert coverage.render_coverage_markdown(rows) == committed, (
        f"docs/portals.md is stale: run `{coverage.GENERATOR}`")
    assert set(coverage.recorded_runs(committed)) == {p.id for p in registry}


def test_the_page_cap_is_a_registry_column_and_survives_a_round_trip(tmp_path):
    from scrapers.portals import Portal, load_registry, write_registry

    portals = [Portal(id="a", name="a", province_code="440000", level="city", seed_urls=("http://a.gov.cn/",),
                      max_pages=7),
               Portal(id="b", name="b", province_code="440000", level="city", seed_urls=("http://b.gov.cn/",))]
    write_registry(portals, tmp_path / "portals.csv")
    assert [p.max_pages for p in load_registry(tmp_path / "portals.csv")] == [7, 50]
    assert all(p.max_pages == 50 for p in load_registry())  # the shipped registry: the default everywhere


def test_the_parser_reads_the_body_containers_the_crawler_is_given():
    # one list (labels/body_containers.csv): a container a registered portal configures is one the
    # parser looks for, so its report is read from that container and not from the whole page
    from scrapers.families._common import BODY_CONTAINERS
    from xxgk.parsing.sources import from_html

    registry = load_registry()
    configured = {s.strip() for p in registry for s in p.selectors.get("body", "").split(",") if s.strip()}
    assert configured <= set(BODY_CONTAINERS)
    report = "本机关2023年主动公开政府信息112条。" * 12
    page = (f"<html><body><div class='nav'>首页 机构概况 政务公开 联系我们 网站地图 无障碍</div>"
            f"<div class='activity'><p>{report}</p></div></body></html>").encode()
    text = from_html(page, "text/html").text
    assert "主动公开政府信息112条" in text and "网站地图" not in text
