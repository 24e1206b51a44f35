"""JSP lists such as info/iList.jsp?cat_id=…&cur_page=N."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from scrapers.families._common import BODY_CONTAINERS, with_query

FAMILY = {
    "name": "jsp_list",
    "recognise": "a .jsp list path with cat_id / cur_page query keys (not hanweb's module/*.jsp)",
    "selectors": {},
    "body_containers": BODY_CONTAINERS,
    "pagination": "cur_page={n}",
    "quirks": ["cur_page counts from 1; cat_id names the column"],
}

LIST_JSP = re.compile(r"\.jsp$", re.I)


def detect(html: str, url: str) -> bool:
    parts = urlsplit(url)
    return bool(LIST_JSP.search(parts.path)) and "/module/" not in parts.path and (
        "cat_id=" in parts.query or "cur_page=" in parts.query
    )


def page_urls(list_url: str, total_pages: int) -> list[str]:
    return [with_query(list_url, cur_page=str(n)) for n in range(1, max(total_pages, 0) + 1)]
