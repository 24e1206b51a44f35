"""The bundled sample portal serves what the demo and the end-to-end tests rely on."""

import zipfile
from io import BytesIO
from urllib.parse import urlsplit

import pytest
import requests

from xxgk import synth
from xxgk.sample_portal import EXPECTED, sample_portals, serve


@pytest.fixture(scope="module")
def portal():
    with serve() as base:
        yield base


def get(url):
    return requests.get(url, timeout=5)


def test_every_seed_url_answers(portal):
    portals = sample_portals(portal)
    assert [p.id for p in portals] == EXPECTED["portals"]
    assert len({p.province_code for p in portals}) >= 4
    for p in portals:
        assert get(p.seed_urls[0]).status_code == 200, p.id
        assert p.hosts == {urlsplit(portal).netloc}


def test_gbk_page_declares_gb2312_but_needs_gb18030(portal):
    response = get(portal + "/qz/xxgk/ndbg/2010/0326/qz2009.html")
    assert response.headers["Content-Type"] == "text/html"  # no charset: requests would guess ISO-8859-1
    assert b'charset=gb2312' in response.content
    with pytest.raises(UnicodeDecodeError):
        response.content.decode("gb2312")
    assert "李镕堃" in response.content.decode("gb18030")


def test_docx_only_report_is_a_real_docx(portal):
    response = get(portal + "/fs/gknb/2023/files/fs2022.docx")
    assert zipfile.ZipFile(BytesIO(response.content)).read("word/document.xml")


def test_robots_dead_link_and_pagination(portal):
    assert "Disallow: /admin/" in get(portal + "/robots.txt").text
    assert get(portal + EXPECTED["dead_links"][0]).status_code == 404
    assert get(portal + "/dg/zwgk/gknb/index_1.html").status_code == 200
    assert get(portal + "/gz/col/col5101/index.html?uid=1&pageNum=2").status_code == 200


def test_synthetic_reports_keep_the_identities():
    report = synth.make_report(7, era="2021_format", blank_rate=0.5)
    t3 = report.table3
    for column in synth.COLUMNS:
        def cell(key, column=column):
            return t3[key][column] or 0
        assert cell("applications_received") + cell("applications_carried_in") == \
            cell("results_total") + cell("applications_carried_forward")
    for parts in report.table4.values():
        assert parts["total"] == sum(parts[p] for p in synth.T4_PARTS[:4])
    answer = synth.expected_json(report)
    blanks = [(k, c) for k, row in t3.items() for c, v in row.items() if v is None]
    assert blanks, "blank_rate=0.5 should blank some zero cells"
    for key, column in blanks:
        assert answer["table3"][key][column] is None  # blank stays blank, never 0
    assert synth.make_report(7).table3 == synth.make_report(7).table3
