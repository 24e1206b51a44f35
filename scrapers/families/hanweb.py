"""Hanweb JCMS (大汉): col/col<id>/index.html lists, art_<col>_<id>.html articles, module/xxgk/search.jsp."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from scrapers.families._common import BODY_CONTAINERS, ordered, with_query

FAMILY = {
    "name": "hanweb",
    "recognise": "urls col/col<id>/index.html or art/YYYY/M/D/art_<col>_<id>.html; module/xxgk/search.jsp, "
                 "module/download/downfile.jsp, jcms scripts in the page",
    "selectors": {},
    "body_containers": ordered(("#zoom", ".article-content"), BODY_CONTAINERS),
    "pagination": "index.html?uid=…&pageNum={n}",
    "quirks": [
        "list pages are col/col<id>/index.html?uid=<block>&pageNum=N, N from 1; other query keys must be kept",
        "the disclosure module module/xxgk/search.jsp is queried by post (divid, i_id, webid): a get is empty",
        "attachments come through module/download/downfile.jsp?…, so the extension is not in the path",
        "list items are often inside <script type=\"text/xml\"> <record><![CDATA[…]]></record> blocks",
    ],
}

URL_MARKERS = re.compile(r"/col/col\d+/|/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html|/module/(xxgk|download)/")
HTML_MARKERS = re.compile(r"jcms|hanweb|module/xxgk/search\.jsp|module/download/downfile\.jsp|<record>", re.I)


def detect(html: str, url: str) -> bool:
    return bool(URL_MARKERS.search(urlsplit(url).path) or HTML_MARKERS.search(html))


def page_urls(list_url: str, total_pages: int) -> list[str]:
    """All pages of a Hanweb column: the list url with pageNum=1 … total (uid and the rest kept)."""
    return [with_query(list_url, pageNum=str(n)) for n in range(1, max(total_pages, 0) + 1)]
