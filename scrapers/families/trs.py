"""TRS WCM, the most common government CMS (PORTALS.md, "Platform families")."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from scrapers.families._common import BODY_CONTAINERS, ordered

FAMILY = {
    "name": "trs",
    "recognise": "createPageHTML(...) / countPage script, .TRS_Editor or .trs_editor_view body, "
                 "<meta name=\"ArticleTitle\">, article urls ./YYYYMM/tYYYYMMDD_<id>.html",
    "selectors": {},
    "body_containers": ordered((".TRS_Editor", ".trs_editor_view"), BODY_CONTAINERS),
    "pagination": "index_{n}.html",
    "quirks": [
        "the first page is index.html, the second index_1.html: page n (1-based) is index_{n-1}",
        "the page count sits in a script (countPage, createPageHTML(total, current, \"index\", \"html\"))",
        "some sites serve .shtml (昆明: index_{n}.shtml); the extension of the list url is kept",
        "issuer and date often sit in <meta name=\"ContentSource\"> / <meta name=\"PubDate\">, not the body",
    ],
}

MARKERS = re.compile(r"createPageHTML\(|\bcountPage\b|TRS_Editor|trs_editor_view|name=[\"']ArticleTitle[\"']", re.I)
ARTICLE_URL = re.compile(r"/t\d{8}_\d+\.s?html?$")
LIST_NAME = re.compile(r"^(?P<stem>[A-Za-z]+)(?:_\d+)?\.(?P<ext>s?html?)$")


def detect(html: str, url: str) -> bool:
    return bool(MARKERS.search(html) or ARTICLE_URL.search(urlsplit(url).path))


def page_urls(list_url: str, total_pages: int) -> list[str]:
    """All pages of a TRS list: index.html, index_1.html … index_{total-1}.html.

    ``list_url`` may be the directory (``…/zfxxgknb/``), the first page or any later page.
    """
    path = urlsplit(list_url).path
    name = path.rsplit("/", 1)[-1]
    m = LIST_NAME.match(name)
    stem, ext = (m.group("stem"), m.group("ext")) if m else ("index", "html")
    base = list_url if not name else urljoin(list_url, ".")
    names = [f"{stem}.{ext}" if n == 0 else f"{stem}_{n}.{ext}" for n in range(max(total_pages, 0))]
    return [urljoin(base, n) for n in names]
