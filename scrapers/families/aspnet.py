"""ASP.NET disclosure lists such as InfoPublic.aspx?cid=…&page=N (云南人社厅)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from scrapers.families._common import BODY_CONTAINERS, with_query

FAMILY = {
    "name": "aspnet",
    "recognise": "an .aspx path or a __VIEWSTATE hidden field",
    "selectors": {},
    "body_containers": BODY_CONTAINERS,
    "pagination": "page={n}",
    "quirks": [
        "paged by a query parameter (page=N, from 1) when the site exposes it; postback-only pagers "
        "(__doPostBack) cannot be followed by get and need a form post",
    ],
}

VIEWSTATE = re.compile(r"__VIEWSTATE|__doPostBack")


def detect(html: str, url: str) -> bool:
    return urlsplit(url).path.lower().endswith(".aspx") or bool(VIEWSTATE.search(html))


def page_urls(list_url: str, total_pages: int) -> list[str]:
    return [with_query(list_url, page=str(n)) for n in range(1, max(total_pages, 0) + 1)]
