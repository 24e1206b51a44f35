"""Crawling a portal: discovery, landing once, failures with reasons, idempotent re-runs."""

import json
import subprocess
from datetime import timedelta
import sys
from pathlib import Path

import duckdb
import pytest

from scrapers.crawl import CrawlLimits, LinkCache, Page, PortalCrawler, crawl_portal, may_link_attachments
from scrapers.discovery import discover, script_pages
from scrapers.http import ClientConfig, FetchResult, PoliteClient
from scrapers.portals import Portal
from tests.hostile_server import ROBOTS_TXT, hostile_server
from xxgk import warehouse
from xxgk.manifest import known_urls, load_pending_manifests
from xxgk.rawstore import RawStore, sha256_hex


def client() -> PoliteClient:
    # the local test server; the SSRF guard has its own tests
    return PoliteClient(ClientConfig(per_host_delay=0.0, backoff_base=0.01, read_timeout=1.0, deadline=3.0,
                                     allow_private=True))


def crawl_and_load(portal: Portal, data_dir, run_id: str, limits: CrawlLimits | None = None):
    """Crawl as the flow does (known URLs in, manifest shard out) and load the shard; returns (crawl, con)."""
    con = warehouse.connect(data_dir)
    known = known_urls(con, [portal.id], data_dir)[portal.id]
    con.close()
    with RawStore(data_dir, run_id, portal.id, known) as store:
        crawl = crawl_portal(portal, client(), store, limits)
    con = warehouse.connect(data_dir)
    load_pending_manifests(con, data_dir)
    return crawl, con


def crawl_again_after(edit_sql: str, base: str, state, data_dir):
    """Crawl once, change the manifest with ``edit_sql``, forget the hits, crawl again; returns (crawl, con)."""
    _first, con = crawl_and_load(portal_for(base), data_dir, "run1")
    con.execute(edit_sql)
    con.close()
    state.hits.clear()
    return crawl_and_load(portal_for(base), data_dir, "run2")


def portal_for(base: str) -> Portal:
    return Portal(id="hostile", name="hostile", province_code="440000", level="city",
                  seed_urls=(base + "/list.html",))


def test_crawl_lands_each_report_once_and_records_every_failure(tmp_path):
    with hostile_server() as (base, state):
        crawl, con = crawl_and_load(portal_for(base), tmp_path, "run1")
        blobs = con.execute("select count(*) from raw.blobs").fetchone()[0]
        failed = dict(con.execute("select url, failure_reason from raw.fetches where outcome = 'failed'").fetchall())
        assert crawl.health == "ok"
        assert crawl.reports_found == 8
        landed = {d["url"].replace(base, ""): d["sha256"] for d in crawl.documents}
        assert landed["/r/2023.html"] == landed["/r/2023-copy.html"]  # same bytes under two URLs
        for path in ("/r/2022.html", "/r/2018.html", "/files/2023.docx", "/files/2018.docx"):
            assert path in landed
        # robots.txt + list pages 2 + distinct report bodies 3 + attachments 3
        assert blobs == 1 + 2 + 3 + 3
        robots = con.execute("select status, sha256 from raw.fetches where role = 'robots'").fetchall()
        assert robots == [(200, sha256_hex(ROBOTS_TXT))]
        assert failed[base + "/r/missing.html"] == "not_found"
        assert failed[base + "/private/2020.html"] == "robots_disallowed"
        assert failed["http://offsite.example.invalid/2019.html"] == "offsite"
        assert failed[base + "/redirect-offsite"] == "offsite"
        assert "/private/2020.html" not in state.hits  # disallowed paths are never requested
        body = (tmp_path / "raw" / landed["/r/2022.html"][:2] / landed["/r/2022.html"]).read_bytes()
        assert sha256_hex(body) == landed["/r/2022.html"]


def test_second_run_lands_nothing_new_and_rereads_only_the_seed(tmp_path):
    with hostile_server() as (base, state):
        first, con = crawl_and_load(portal_for(base), tmp_path, "run1")
        before = con.execute("select count(*) from raw.blobs").fetchone()[0]
        con.close()
        state.hits.clear()
        second, con = crawl_and_load(portal_for(base), tmp_path, "run2")
        after = con.execute("select count(*) from raw.blobs").fetchone()[0]
    assert after == before
    assert second.health == "ok"
    # the seed list is unchanged, so known pages and reports come from the store, not the portal,
    # and so does robots.txt (read an hour ago); URLs that failed last time (404, redirects) are tried again
    assert set(state.hits) == {"/list.html", "/r/missing.html", "/redirect-offsite"}
    assert {d["sha256"] for d in second.documents} == {d["sha256"] for d in first.documents}
    assert not any(d["new"] for d in second.documents)


def test_robots_txt_older_than_its_cache_age_is_fetched_again(tmp_path):
    with hostile_server() as (base, state):
        _second, con = crawl_again_after(
            "update raw.fetches set fetched_at = fetched_at - interval 21 hours where role = 'robots'", base, state, tmp_path)
        robots_fetches = con.execute("select count(*) from raw.fetches where role = 'robots'").fetchone()[0]
    assert "/robots.txt" in state.hits
    assert robots_fetches == 2
    assert "/private/2020.html" not in state.hits


def test_report_pages_without_an_attachment_extension_are_not_parsed_for_links():
    assert may_link_attachments(b'<a href="/files/r.PDF">\xe9\x99\x84\xe4\xbb\xb6</a>')
    assert may_link_attachments(b"<a href=a.docx?id=1>x</a>")
    assert may_link_attachments("<a href='b.wps'>附件</a>".encode("gb18030"))
    assert not may_link_attachments(b'<a href="/doc/index.html">document</a><p>.pdfx</p>')
    assert may_link_attachments("<a href='b.pdf'>x</a>".encode("utf-16"))


@pytest.mark.parametrize(("limit", "expected"), [
    ("pages", "page cap: 1 list pages read, more were linked"),
    ("reports", "report cap: 3 of 8 report links followed"),
    ("portal deadline", "deadline: 0 s for the portal"),
    ("run deadline", "deadline: the run's"),
])
def test_a_crawl_cut_short_keeps_what_landed_and_says_where_it_stopped(tmp_path, limit, expected):
    from datetime import UTC, datetime

    limits = CrawlLimits()
    with hostile_server() as (base, state):
        portal = portal_for(base)
        if limit == "pages":
            portal = Portal(**{**portal.__dict__, "max_pages": 1})
        elif limit == "reports":
            limits = CrawlLimits(max_reports=3)
        elif limit == "portal deadline":
            limits = CrawlLimits(portal_seconds=0)
        else:
            limits = CrawlLimits(stop_at=datetime.now(UTC))
        crawl, con = crawl_and_load(portal, tmp_path, "run1", limits)
        row = con.execute("select health, health_reason, truncated from raw.portal_runs").fetchone()
        con.close()
    assert crawl.truncated.startswith(expected), crawl.truncated
    assert row[2] == crawl.truncated and f"truncated: {crawl.truncated}" in row[1]
    if limit == "reports":
        assert crawl.reports_landed <= 3 and crawl.reports_found == 8
    if limit.endswith("deadline"):
        assert crawl.pages_fetched == 0 and row[0] == "empty"


def test_a_run_that_never_finished_is_marked_abandoned_by_the_next(tmp_path):
    from xxgk import pipeline

    portal = Portal(id="p", name="p", province_code="440000", level="city", seed_urls=("http://p.gov.cn/",))
    pipeline.prepare_run(tmp_path, "run-killed", [portal])  # killed before finish_run
    pipeline.prepare_run(tmp_path, "run-next", [portal])
    pipeline.finish_run(tmp_path, "run-next", {})
    con = warehouse.connect(tmp_path)
    rows = con.execute("select run_id, outcome, outcome_reason from raw.crawl_runs order by run_id").fetchall()
    con.close()
    assert [(run, outcome) for run, outcome, _ in rows] == [("run-killed", "abandoned"), ("run-next", "finished")]
    assert "run-next" in rows[0][2]


def test_a_crawl_task_that_dies_is_recorded_crashed_and_the_others_stand(tmp_path):
    from xxgk import pipeline

    with hostile_server() as (base, _state):
        good = Portal(id="good", name="good", province_code="440000", level="city", seed_urls=(f"{base}/list.html",))
        doomed = Portal(id="doomed", name="doomed", province_code="440000", level="city",
                        seed_urls=("http://doomed.gov.cn/",))
        order = []

        class Died:
            def result(self):
                raise RuntimeError("worker lost")

        def submit(portal, args, after):
            # chained per host: the two portals share no host, so neither waits for the other
            order.append((portal.id, len(after)))
            return Died() if portal.id == "doomed" else pipeline.crawl_directly(portal, args, after)

        settings = pipeline.CrawlSettings(per_host_delay=0.0, allow_private=True, backoff_base=0.01)
        run_id, results = pipeline.crawl_portals([good, doomed], tmp_path, settings, submit=submit)
    assert order == [("good", 0), ("doomed", 0)]
    assert [r["health"] for r in results] == ["ok", "crashed"]
    con = warehouse.connect(tmp_path)
    rows = dict(con.execute("select portal_id, health from raw.portal_runs where run_id = ?", [run_id]).fetchall())
    reason = con.execute("select health_reason from raw.portal_runs where portal_id = 'doomed'").fetchone()[0]
    outcome = con.execute("select outcome from raw.crawl_runs where run_id = ?", [run_id]).fetchone()[0]
    con.close()
    assert rows == {"good": "ok", "doomed": "crashed"} and reason == "worker lost" and outcome == "finished"


def test_portals_on_one_host_are_chained_after_each_other(tmp_path):
    from xxgk import pipeline

    portals = [Portal(id=f"p{i}", name="p", province_code="440000", level="city", seed_urls=(url,))
               for i, url in enumerate(("http://a.gov.cn/1", "http://b.gov.cn/1", "http://a.gov.cn/2"))]
    waits = {}

    def submit(portal, args, after):
        waits[portal.id] = [handle.portal_id for handle in after]

        class Done:
            portal_id = portal.id

            def result(self):
                return pipeline.crashed_result(portal, "not crawled in this test") | {"health": "ok"}
        return Done()

    pipeline.crawl_portals(portals, tmp_path, pipeline.CrawlSettings(), submit=submit)
    assert waits == {"p0": [], "p1": [], "p2": ["p0"]}


def test_a_killed_run_resumes_without_loss_or_duplicates(tmp_path):
    with hostile_server() as (base, state):
        # simulate a crash after the list pages: forget everything but them
        resumed, con = crawl_again_after("delete from raw.fetches where role not in ('seed', 'list')", base, state,
                                         tmp_path)
        landed = con.execute(
            "select url, count(*) from raw.fetches where outcome = 'landed' and role in ('report', 'attachment') "
            "group by url having count(*) > 1"
        ).fetchall()
    assert "/r/2022.html" in state.hits and "/files/2018.docx" in state.hits
    assert "/list_1.html" not in state.hits  # unchanged and landed: read from the store
    assert resumed.reports_landed == 4 and resumed.attachments_landed == 3
    assert landed == []


def test_empty_portal_is_a_failure(tmp_path):
    with hostile_server() as (base, _state):
        portal = Portal(id="empty", name="empty", province_code="", level="", seed_urls=(base + "/ok.html",))
        crawl, _con = crawl_and_load(portal, tmp_path, "run1")
    assert crawl.health == "empty"


def test_moved_seed_is_reported_as_moved(tmp_path):
    with hostile_server() as (base, _state):
        portal = Portal(id="moved", name="moved", province_code="", level="", seed_urls=(base + "/gone/",))
        crawl, _con = crawl_and_load(portal, tmp_path, "run1")
    assert crawl.health == "moved"


def test_discovery_by_anchor_text_and_pagination():
    html = """<a href="2023/t1.html">XX市2023年政府信息公开工作年度报告</a>
    <a href="gknb/">政府信息公开年报</a><a href="news.html">市长调研</a>
    <a href="index_1.html">下一页</a><a href="a.pdf">附件</a>
    <script>createPageHTML(3, 0, "index", "html");</script>"""
    links = {(link.url.rsplit("/", 1)[-1] or "gknb/", link.kind) for link in discover(html, "http://x.gov.cn/c/index.html")}
    assert ("t1.html", "report") in links
    assert ("gknb/", "list") in links
    assert ("index_1.html", "page") in links and ("index_2.html", "page") in links
    assert not any(url == "news.html" for url, _ in links)
    assert script_pages('var countPage = 3;', "http://x.gov.cn/c/index.html")[-1] == "http://x.gov.cn/c/index_2.html"


def test_crawl_cli_prints_documents_and_failures(tmp_path):
    with hostile_server() as (base, _state):
        out = subprocess.run(
            [sys.executable, "-m", "xxgk.cli", "crawl", base + "/list.html", "--data-dir", str(tmp_path),
             "--json", "--delay", "0"],
            capture_output=True, text=True, timeout=120,
        )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert {"documents", "failures"} <= result.keys()
    urls = {u for d in result["documents"] for u in d["urls"]}
    assert base + "/r/2022.html" in urls
    assert len({d["sha256"] for d in result["documents"]}) == len(result["documents"])
    reasons = {f["url"]: f["reason"] for f in result["failures"]}
    assert reasons[base + "/r/missing.html"] == "not_found"
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    assert con.execute("select count(*) from raw.fetches where outcome = 'landed'").fetchone()[0] >= 8


def test_every_response_is_archived_in_warc_with_revisits_for_duplicates(tmp_path):
    from warcio.archiveiterator import ArchiveIterator

    with hostile_server() as (base, _state):
        _crawl, con = crawl_and_load(portal_for(base), tmp_path, "run1")
        landed = con.execute("select count(*) from raw.fetches where outcome = 'landed'").fetchone()[0]
    records = []
    [warc] = (tmp_path / "warc").glob("xxgk-run1-*.warc.gz")
    with open(warc, "rb") as f:
        for record in ArchiveIterator(f):
            records.append((record.rec_type, record.rec_headers.get_header("WARC-Target-URI"),
                            record.rec_headers.get_header("X-Xxgk-Sha256"), record.content_stream().read()))
    responses = [r for r in records if r[0] == "response"]
    revisits = [r for r in records if r[0] == "revisit"]
    assert len(responses) + len(revisits) == landed
    assert [r[1] for r in revisits] == [base + "/r/2023-copy.html"]  # same bytes as /r/2023.html
    for _type, _uri, sha, payload in responses:
        assert sha256_hex(payload) == sha


def test_the_stores_of_one_run_share_a_shard_and_a_warc_that_rotates_past_its_size(tmp_path):
    from warcio.archiveiterator import ArchiveIterator

    def page(n: int) -> FetchResult:
        return FetchResult(url=f"http://x.gov.cn/r/{n}.html", final_url=f"http://x.gov.cn/r/{n}.html", status=200,
                           headers={"content-type": "text/html"}, body=f"<p>{n}</p>".encode())

    first, second = RawStore(tmp_path, "run1", "p-a"), RawStore(tmp_path, "run1", "p-b")
    assert first.shard_path == second.shard_path and first.warc is second.warc
    first.warc.max_bytes = 1  # every record past the first starts a new file
    first.land(result=page(1), role="report", referrer=None, link_text=None)
    first.close()
    second.land(result=page(2), role="report", referrer=None, link_text=None)  # still open for the other store
    second.land(result=page(3), role="report", referrer=None, link_text=None)
    second.close()
    lines = [json.loads(line) for line in first.shard_path.read_text().splitlines()]
    assert [(row["portal_id"], row["url"][-7:]) for row in lines] == [
        ("p-a", "/1.html"), ("p-b", "/2.html"), ("p-b", "/3.html")]
    uris = []
    for path in first.warc.paths:
        with open(path, "rb") as f:
            uris += [r.rec_headers.get_header("WARC-Target-URI")[-7:] for r in ArchiveIterator(f)]
    assert len(first.warc.paths) == 3 and uris == ["/1.html", "/2.html", "/3.html"]
    with RawStore(tmp_path, "run1", "p-c") as later:  # the files closed with their last store
        assert later.shard_path != first.shard_path


def test_a_disclosure_hub_is_followed_one_hop_from_the_seed():
    html = '<a href="/zwgk/">政府信息公开</a><a href="/about/">关于我们</a>'
    links = discover(html, "http://www.x.gov.cn/")
    assert [(link.url, link.kind) for link in links] == [("http://www.x.gov.cn/zwgk/", "hub")]


def test_hanweb_page_count_pages_by_query_not_file_name():
    pages = script_pages("<script>var totalPage = 3;</script>", "http://x.gov.cn/col/col5/index.html?uid=1&pageNum=1")
    assert pages == [f"http://x.gov.cn/col/col5/index.html?uid=1&pageNum={n}" for n in (1, 2, 3)]


def test_discovery_reads_xhtml_pages_and_ignores_comments_in_anchor_text():
    html = """<?xml version="1.0" encoding="utf-8"?><html><body><div class="content">
    <a href="r.html">2023年政府信息公开<!-- x -->工作年度报告</a><a href="f.pdf">附件</a></div>
    <div class="footer"><a href="g.pdf">下载</a></div></body></html>"""
    links = {(link.url.rsplit("/", 1)[-1], link.kind) for link in discover(html, "http://x.gov.cn/c/")}
    assert links == {("r.html", "report"), ("f.pdf", "attachment")}
    assert discover("", "http://x.gov.cn/") == []


def test_revalidation_sends_the_stored_etag_and_records_a_304_as_not_modified(tmp_path):
    with hostile_server() as (base, _state):
        _first, con = crawl_and_load(portal_for(base), tmp_path, "run1")
        known = known_urls(con, ["hostile"], tmp_path)["hostile"]
        con.close()
        assert known[base + "/r/2022.html"].etag == '"2022"'  # headers are stored as a JSON object
        assert known[base + "/r/2022.html"].content_type is not None
        with RawStore(tmp_path, "run2", "hostile", known) as store:
            PortalCrawler(portal_for(base), client(), store, revalidate_after=timedelta(0)).run()
        con = warehouse.connect(tmp_path)
        load_pending_manifests(con, tmp_path)
        outcome = con.execute("select outcome, status from raw.fetches where run_id = 'run2' and url = ?",
                              [base + "/r/2022.html"]).fetchall()
    assert outcome == [("not_modified", 304)]


class StoreThatMustNotBeRead:
    def read(self, sha):
        raise AssertionError(f"body {sha} read although its links are cached")


def test_link_cache_answers_from_the_page_hash_without_reading_the_body_and_rebuilds_a_damaged_file(tmp_path):
    body = '<a href="r/2023.html">某县2023年政府信息公开工作年度报告</a><a href="index_1.html">下一页</a>'.encode()
    sha = sha256_hex(body)
    first = LinkCache(tmp_path, "p1").links(Page("http://x.gov.cn/nb/", sha, "text/html", True, None, body), {})
    assert first == discover(body.decode(), "http://x.gov.cn/nb/")
    report = '<div class="TRS_Editor"><a href="/f/2023.pdf">附件</a><a href="/x.html">x</a></div>'.encode()
    cache = LinkCache(tmp_path, "p1")
    cache.links(Page("http://x.gov.cn/nb/", sha, "text/html", True, None, body), {})
    attachments = cache.attachments(Page("http://x.gov.cn/r/1.html", sha256_hex(report), "text/html", True, None, report))
    assert [link.url for link in attachments] == ["http://x.gov.cn/f/2023.pdf"]
    cache.save()

    cached = LinkCache(tmp_path, "p1")
    unread = StoreThatMustNotBeRead()
    assert cached.links(Page("http://x.gov.cn/nb/", sha, "text/html", False, unread), {}) == first
    assert cached.attachments(Page("http://x.gov.cn/r/1.html", sha256_hex(report), "text/html", False, unread)) \
        == attachments
    # the page URL is part of the key: the same bytes elsewhere resolve to other links
    elsewhere = cached.links(Page("http://y.gov.cn/nb/", sha, "text/html", True, None, body), {})
    assert elsewhere[0].url == "http://y.gov.cn/nb/r/2023.html"

    (tmp_path / "cache" / "links" / "p1.json").write_text("{not json")
    assert LinkCache(tmp_path, "p1").links(Page("http://x.gov.cn/nb/", sha, "text/html", True, None, body), {}) == first


LIST_PAGES = Path(__file__).parent / "fixtures" / "list_pages"


def listed_dates(name: str, page_url: str) -> dict[str, str | None]:
    html = (LIST_PAGES / name).read_text(encoding="utf-8")
    return {link.url.rsplit("/", 1)[-1]: link.listed_date for link in discover(html, page_url) if link.kind == "report"}


def test_discovery_keeps_the_date_a_list_page_prints_beside_a_report_link():
    # li + span in the usual forms; a year alone (the statistics year in the title) is no date;
    # the header's and footer's dates belong to no entry
    assert listed_dates("trs_list_with_dates.html", "http://x.gov.cn/zwgk/gknb/index.html") == {
        "t20240120_1.html": "2024-01-20",
        "t20230118_2.html": "2023-01-18",  # [2023/01/18]
        "t20220325_3.html": "2022-03-25",  # 2022年3月25日
        "t20210330_4.html": None,  # none printed
        "t20200320_5.html": None,  # two different dates: neither
        "t20190315_6.html": "2019-03-15",  # a div holding only this link
    }
    # a table row: the date in another cell; the 索引号 is no date; an empty cell gives none
    assert listed_dates("table_list_with_dates.html", "http://www.huaian.gov.cn/col/nb/index.html") == {
        "art_1.html": "2025-01-20",
        "art_2.html": None,
        "art_3.html": None,
    }


def test_discovery_reads_listed_dates_for_selector_picked_links_too():
    html = (LIST_PAGES / "table_list_with_dates.html").read_text(encoding="utf-8")
    links = discover(html, "http://www.huaian.gov.cn/col/nb/index.html", {"list_links": "table.xxgk-list a"})
    assert [(link.kind, link.listed_date) for link in links] == [
        ("report", "2025-01-20"), ("report", None), ("report", None)]


def test_the_link_cache_keeps_listed_dates_and_rereads_a_cache_of_the_old_format(tmp_path):
    body = '<ul><li><a href="r/2023.html">某县2023年政府信息公开工作年度报告</a><span>2024-01-20</span></li></ul>'.encode()
    page = Page("http://x.gov.cn/nb/", sha256_hex(body), "text/html", True, None, body)
    cache = LinkCache(tmp_path, "p1")
    assert [link.listed_date for link in cache.links(page, {})] == ["2024-01-20"]
    cache.save()
    unread = StoreThatMustNotBeRead()
    cached = LinkCache(tmp_path, "p1").links(Page(page.url, page.sha256, "text/html", False, unread), {})
    assert [link.listed_date for link in cached] == ["2024-01-20"]
    # a cache written before listed dates (three fields an entry, another code) is not trusted
    path = tmp_path / "cache" / "links" / "p1.json"
    saved = json.loads(path.read_text(encoding="utf-8"))
    old = {"code": "0123456789abcdef", "entries": {k: [e[:3] for e in v] for k, v in saved["entries"].items()}}
    path.write_text(json.dumps(old), encoding="utf-8")
    assert [link.listed_date for link in LinkCache(tmp_path, "p1").links(page, {})] == ["2024-01-20"]
