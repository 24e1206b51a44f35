"""The bundled offline sample portal: five government portals on 127.0.0.1, for the demo and tests.

Each portal mimics a real CMS family (see ../shared/PORTALS.md): TRS list pages with
``createPageHTML`` pagination, a Hanweb ``col/col<id>/index.html?pageNum=N`` column, and plain
list pages. The reports are the five real reports of ../shared/gold/seeds (bundled in
``content/``), the real 淮安 2024 report rebuilt as HTML tables from its hand-checked values,
and synthetic standard-format reports (xxgk.synth). The mess is deliberate: a page encoded
GB18030 that declares gb2312 and carries a character outside GB2312, traditional-script pages,
a news article that looks like a report, a report published only as a DOCX attachment, a dead
link to a moved report, an off-site mirror link, and a robots.txt.

``EXPECTED`` says what a correct crawl and parse must find, so tests assert against it.
"""

from __future__ import annotations

import html
import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from scrapers.portals import Portal
from xxgk import synth
from xxgk.parsing import labels

CONTENT = Path(__file__).with_name("content")
ROBOTS = b"User-agent: *\nDisallow: /admin/\nDisallow: /search/\n"
OFFSITE_MIRROR = "http://mirror.example.com/2015/dg-report.html"
Site = dict[str, tuple[int, bytes, str]]  # path (with query) → (status, body, Content-Type)


def _seed(name: str) -> str:
    return (CONTENT / f"seed_{name}.txt").read_text(encoding="utf-8")


def _page(title: str, body: str, *, charset: str = "utf-8", pub_date: str = "", source: str = "",
          container: str = "TRS_Editor", footer: str = "") -> str:
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{html.escape(title)}</title>
<meta name="ArticleTitle" content="{html.escape(title)}">
<meta name="PubDate" content="{pub_date}">
<meta name="ContentSource" content="{html.escape(source)}">
</head><body>
<div class="header"><a href="/">首页</a> | <a href="#">政务公开</a> | <a href="#">繁體版</a> | <a href="#">无障碍</a></div>
<div class="title"><h1>{html.escape(title)}</h1><span>发布日期：{pub_date}</span></div>
<div class="{container}">
{body}
</div>
<div class="footer">{footer or "版权所有 ICP备05001234号"}</div>
</body></html>"""


def _paragraphs(text: str) -> str:
    return "\n".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())


def _list_page(title: str, items: list[tuple[str, str, str]], pager: str = "") -> str:
    """A column page: items are (href, anchor text, date as the list prints it, or "" for none);
    the crawl keeps the date as the report's listed_date."""
    rows = "\n".join(f'<li><a href="{href}" title="{html.escape(text)}">{html.escape(text)}</a>'
                     f"<span>{date}</span></li>" for href, text, date in items)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>
<body><div class="header"><a href="/">首页</a> | <a href="#">繁體版</a></div>
<div class="overview_right"><h2>{html.escape(title)}</h2><ul>
{rows}
</ul></div>
<div class="page">{pager}</div>
<div class="footer">主办单位 ICP备05001234号</div></body></html>"""


def huaian_report() -> synth.SynthReport:
    """The real 淮安 2024 report (../shared/gold/huaian_2024) rebuilt from its hand-checked values."""
    gold = json.loads((CONTENT / "huaian_2024.json").read_text(encoding="utf-8"))
    kpis = gold["kpis"]
    table2 = {key: kpis[key] for group in synth.T2_2021 for _label, keys in group[2] for key in keys}
    return synth.SynthReport(
        issuer=gold["issuer"], place=gold["place"], province=gold["province"], province_code="320000",
        level=gold["level"], admin_tier=None, scope=gold["scope"], report_year=gold["report_year"],
        era=gold["era"], table2=table2, table3=gold["table3"], table4=labels.table4_from_gold(gold["table4"]),
        fee_income_yuan=kpis["fee_income_yuan"], publication_date="2025-01-20",
    )


def _site(night: int = 1) -> Site:
    """Path (with query) → (status, body, Content-Type) for every page of the sample portals."""
    site: Site = {"/robots.txt": (200, ROBOTS, "text/plain")}
    _dongguan(site)
    _guangzhou(site)
    _qinzhou(site)
    _guangdong(site)
    _fushun(site)
    _huaian(site, night)
    return site


def _putter(site: Site):
    """``put(path, text)``: serve ``text`` at ``path`` of ``site``, status 200, encoded in ``encoding``."""
    def put(path: str, text: str, content_type: str = "text/html; charset=utf-8", encoding: str = "utf-8"):
        site[path] = (200, text.encode(encoding), content_type)
    return put


def _dongguan(site: Site) -> None:
    """东莞 (TRS family): disclosure home → 年报 column with two pages."""
    put = _putter(site)
    dg_2022 = synth.make_report(2022, era="2021_format", report_year=2022, issuer="东莞市人民政府")
    put("/dg/zwgk/index.html", _list_page("东莞市人民政府 政府信息公开", [
        ("gknb/index.html", "政府信息公开年报", ""), ("zn/index.html", "政府信息公开指南", ""),
        ("gzdt/index.html", "工作动态", "")]))
    put("/dg/zwgk/gknb/index.html", _list_page("政府信息公开年报", [
        ("./202301/t20230115_1001.html", dg_2022.title, "2023-01-15"),
        ("./201603/t20160330_881.html", "2015年东莞市政府信息公开工作年度报告", "2016-03-30"),
        ("../gzdt/202301/t20230110_77.html", "东莞召开全市政务公开工作会议", "2023-01-10"),
        (OFFSITE_MIRROR, "东莞市2015年政府信息公开工作年度报告（转载）", "2016-04-02"),
    ], '<script>createPageHTML(2, 0, "index", "html");</script><a href="index_1.html">下一页</a>'))
    put("/dg/zwgk/gknb/index_1.html", _list_page("政府信息公开年报", [
        ("./201503/t20150331_512.html", "2014年东莞市政府信息公开工作年度报告", "2015-03-31"),
    ], '<a href="index.html">上一页</a>'))
    put("/dg/zwgk/gknb/202301/t20230115_1001.html", synth.render_html(dg_2022))
    put("/dg/zwgk/gknb/201603/t20160330_881.html", _page(
        "2015年東莞市政府信息公開工作年度報告", _paragraphs(_seed("004")), pub_date="2016-03-30",
        source="東莞市人民政府辦公室"))
    put("/dg/zwgk/gzdt/202301/t20230110_77.html", _page("东莞召开全市政务公开工作会议", "<p>会议部署了全年工作。</p>"))


def _guangzhou(site: Site) -> None:
    """广州 (Hanweb family): col/col5101 with pageNum paging."""
    put = _putter(site)
    put("/gz/col/col5101/index.html?uid=1&pageNum=1", _list_page("信息公开年报", [
        ("/gz/art/2014/2/28/art_5101_301.html", "广州市人民政府政务管理办公室2013年度政府信息公开工作年度报告",
         "2014-02-28"),
        ("/gz/art/2014/1/6/art_5101_299.html", "市政务办召开年度工作会议", "2014-01-06"),
    ], '<a href="/gz/col/col5101/index.html?uid=1&pageNum=2">下一页</a><script>var totalPage = 2;</script>'))
    put("/gz/col/col5101/index.html?uid=1&pageNum=2", _list_page("信息公开年报", [
        # a news article about the year's work, linked like a report: it must land and be told apart
        ("/gz/art/2019/5/16/art_5101_402.html", "【解读】广州市2018年政府信息公开工作年度报告：去年主动公开政府信息81万条",
         "2019-05-16"),
    ]))
    put("/gz/art/2014/2/28/art_5101_301.html", _page(
        "廣州市人民政府政務管理辦公室2013年度政府信息公開工作年度報告", _paragraphs(_seed("000")),
        pub_date="2014-02-28", container="bt_content"))
    put("/gz/art/2019/5/16/art_5101_402.html", _page(
        "廣州去年主動公開政府信息81萬條", _paragraphs(_seed("002")), pub_date="2019-05-16",
        container="bt_content"))
    put("/gz/art/2014/1/6/art_5101_299.html", _page("市政务办召开年度工作会议", "<p>会议总结了全年工作。</p>"))


def _qinzhou(site: Site) -> None:
    """钦州 (generic): a GB18030 page that declares gb2312, served without a charset header."""
    put = _putter(site)
    qz_2019 = synth.make_report(2019, era="2019_trial_format", report_year=2019, issuer="钦州市人民政府")
    # 2020: the 2019 text again with new figures (雷同, marts.fct_reports.is_copy_of_previous_year)
    qz_2020 = synth.make_report(2020, era="2019_trial_format", report_year=2020, issuer="钦州市人民政府")
    # dates as 年月日, and one entry printed without a date (its report has no listed_date)
    put("/qz/xxgk/ndbg/list.html", _list_page("政府信息公开年度报告", [
        ("2021/0320/qz2020.html", qz_2020.title, "2021年3月20日"),
        ("2020/0318/qz2019.html", qz_2019.title, "2020年3月18日"),
        ("2010/0326/qz2009.html", "钦州市人民政府2009年度政府信息公开工作情况的报告", ""),
    ]))
    put("/qz/xxgk/ndbg/2020/0318/qz2019.html", synth.render_html(qz_2019, container="zoom"))
    put("/qz/xxgk/ndbg/2021/0320/qz2020.html", synth.render_html(qz_2020, container="zoom"))
    put("/qz/xxgk/ndbg/2010/0326/qz2009.html", _page(
        "钦州市人民政府2009年度政府信息公开工作情况的报告", _paragraphs(_seed("001")), charset="gb2312",
        pub_date="2010-03-26", container="zoom",
        # 镕 is outside GB2312: a strict gb2312 decoder fails on this page
        footer="钦州市人民政府办公室主办 网站维护：李镕堃 桂ICP备05001234号"), "text/html", "gb18030")


def _guangdong(site: Site) -> None:
    """广东省 (generic): the province's own aggregate report for 2022 and its general office's report
    on what the office itself handled; with 东莞's 2022 report the province-year has three
    reports, and only the provincial aggregate may stand for the province (no double counting)."""
    put = _putter(site)
    gd_2022 = synth.make_report(4402, era="2021_format", report_year=2022, issuer="广东省人民政府")
    gd_office_2022 = synth.make_report(4403, era="2021_format", report_year=2022, issuer="广东省人民政府办公厅")
    put("/gd/gkmlpt/ndbg/list.html", _list_page("政府信息公开年度报告", [
        ("2023/0120/gd2022.html", gd_2022.title, "2023-01-20"),
        ("2023/0118/gdbgt2022.html", gd_office_2022.title, "2023-01-18"),
    ]))
    put("/gd/gkmlpt/ndbg/2023/0120/gd2022.html", synth.render_html(gd_2022))
    put("/gd/gkmlpt/ndbg/2023/0118/gdbgt2022.html", synth.render_html(gd_office_2022))


def _fushun(site: Site) -> None:
    """抚顺 (generic): the 2022 report exists only as a DOCX attachment."""
    put = _putter(site)
    fs_2022 = synth.make_report(2023, era="2021_format", report_year=2022, issuer="抚顺市行政审批服务局")
    put("/fs/gknb/list.html", _list_page("政府信息公开年报", [
        ("/fs/gknb/2023/fs2022.html", fs_2022.title, "[2023/01/30]"),
        ("/fs/gknb/2017/fs2016.html", "抚顺市行政审批服务局2016年度政府信息公开工作年度报告", "[2017/03/20]"),
        ("/fs/zwgk/zn.html", "政府信息公开指南", "2022-06-01"),
    ]))
    put("/fs/gknb/2023/fs2022.html", _page(fs_2022.title, (
        f"<p>现将{html.escape(fs_2022.title)}予以公布，请点击附件查看。</p>"
        f'<p>附件：<a href="/fs/gknb/2023/files/fs2022.docx">{html.escape(fs_2022.title)}.docx</a></p>'),
        pub_date="2023-01-30", container="article-content"))
    site["/fs/gknb/2023/files/fs2022.docx"] = (
        200, synth.render_docx(fs_2022),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    put("/fs/gknb/2017/fs2016.html", _page(
        "抚顺市行政审批服务局2016年度政府信息公开工作年度报告", _paragraphs(_seed("003")), pub_date="2017-03-20",
        container="article-content"))
    put("/fs/zwgk/zn.html", _page("政府信息公开指南", "<p>本指南每年更新。</p>"))


def _huaian(site: Site, night: int) -> None:
    """淮安 (TRS family): the real 2024 report as HTML tables."""
    put = _putter(site)
    ha_2024 = huaian_report()
    if night >= 2:
        # from the second night on the report is edited and back-dated, on its page and in the list
        # (the seed list is re-read each night, and a page it links is re-read when the list changed):
        # the same URL with new bytes and an earlier date (fct_reports.changed_after_first_seen)
        ha_2024.publication_date = "2025-01-10"
    put("/ha/zfxxgk/xxgknb/index.html", _list_page("政府信息公开年报", [
        ("./202501/t20250120_3301.html", ha_2024.title, ha_2024.publication_date or "2025-01-20"),
    ], '<script>createPageHTML(1, 0, "index", "html");</script>'))
    put("/ha/zfxxgk/xxgknb/202501/t20250120_3301.html", synth.render_html(ha_2024))


EXPECTED = {
    "portals": ["sample-dg", "sample-gz", "sample-qz", "sample-fs", "sample-ha", "sample-gd"],
    "reports": [
        {"issuer": "东莞市人民政府", "report_year": 2015, "doc_type": "annual_report", "province": "广东省",
         "kpis": {"applications_received": 1207}},
        {"issuer": "东莞市人民政府", "report_year": 2022, "doc_type": "annual_report", "province": "广东省"},
        {"issuer": "广州市人民政府政务管理办公室", "report_year": 2013, "doc_type": "annual_report",
         "province": "广东省", "kpis": {"proactive_items_total": 50}},
        {"issuer": "广州市人民政府", "report_year": 2018, "doc_type": "news", "province": "广东省"},
        {"issuer": "钦州市人民政府", "report_year": 2009, "doc_type": "annual_report", "province": "广西壮族自治区"},
        {"issuer": "钦州市人民政府", "report_year": 2019, "doc_type": "annual_report", "province": "广西壮族自治区"},
        {"issuer": "钦州市人民政府", "report_year": 2020, "doc_type": "annual_report", "province": "广西壮族自治区",
         "copy_of_previous_year": True},
        {"issuer": "广东省人民政府", "report_year": 2022, "doc_type": "annual_report", "province": "广东省"},
        {"issuer": "广东省人民政府办公厅", "report_year": 2022, "doc_type": "annual_report", "province": "广东省"},
        {"issuer": "抚顺市行政审批服务局", "report_year": 2016, "doc_type": "annual_report", "province": "辽宁省",
         "kpis": {"proactive_items_total": 2901}},
        {"issuer": "抚顺市行政审批服务局", "report_year": 2022, "doc_type": "annual_report", "province": "辽宁省"},
        {"issuer": "淮安市人民政府", "report_year": 2024, "doc_type": "annual_report", "province": "江苏省",
         "kpis": {"applications_received": 3119, "admin_litigation_total": 46}},
    ],
    "dead_links": ["/dg/zwgk/gknb/201503/t20150331_512.html"],
    "offsite_links": [OFFSITE_MIRROR],
}


def sample_portals(base_url: str) -> list[Portal]:
    """The registry entries of the sample portals served at ``base_url``."""
    base = base_url.rstrip("/")
    return [
        Portal(id="sample-dg", name="东莞市人民政府（样例）", province_code="440000", level="city",
               seed_urls=(f"{base}/dg/zwgk/index.html",), family="trs"),
        Portal(id="sample-gz", name="广州市人民政府政务管理办公室（样例）", province_code="440000", level="department",
               seed_urls=(f"{base}/gz/col/col5101/index.html?uid=1&pageNum=1",), family="hanweb"),
        Portal(id="sample-qz", name="钦州市人民政府（样例）", province_code="450000", level="city",
               seed_urls=(f"{base}/qz/xxgk/ndbg/list.html",), family="generic"),
        Portal(id="sample-fs", name="抚顺市行政审批服务局（样例）", province_code="210000", level="department",
               seed_urls=(f"{base}/fs/gknb/list.html",), family="generic"),
        Portal(id="sample-ha", name="淮安市人民政府（样例）", province_code="320000", level="city",
               seed_urls=(f"{base}/ha/zfxxgk/xxgknb/index.html",), family="trs"),
        Portal(id="sample-gd", name="广东省人民政府（样例）", province_code="440000", level="province",
               seed_urls=(f"{base}/gd/gkmlpt/ndbg/list.html",), family="generic"),
    ]


class _Handler(BaseHTTPRequestHandler):
    site: Site = {}

    def log_message(self, *args):  # the demo prints its own summary
        return

    def do_GET(self):
        parts = urlsplit(self.path)
        key = parts.path + (f"?{parts.query}" if parts.query else "")
        status, body, content_type = self.site.get(key) or self.site.get(parts.path) or (
            404, "<html><body>页面不存在</body></html>".encode(), "text/html; charset=utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve(port: int = 0, host: str = "127.0.0.1", night: int = 1):
    """Serve the sample portals in a background thread; yields the base URL. ``night`` is the
    demo night being served: pages edited between nights change from night 2."""
    handler = type("SampleHandler", (_Handler,), {"site": _site(night)})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="sample-portal", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
