"""Lists whose page number is the file name: …/zfxxgknb/1.html, 2.html … (延安教育局)."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from scrapers.families._common import BODY_CONTAINERS

FAMILY = {
    "name": "numbered",
    "recognise": "a list url whose last path segment is a bare number (1.html)",
    "selectors": {},
    "body_containers": BODY_CONTAINERS,
    "pagination": "{n}.html",
    "quirks": ["page 1 is 1.html (there is no index.html to start from)"],
}

NUMBER_NAME = re.compile(r"/\d{1,4}\.(s?html?)$")


def detect(html: str, url: str) -> bool:
    return bool(NUMBER_NAME.search(urlsplit(url).path))


def page_urls(list_url: str, total_pages: int) -> list[str]:
    m = NUMBER_NAME.search(urlsplit(list_url).path)
    ext = m.group(1) if m else "html"
    return [urljoin(list_url, f"{n}.{ext}") for n in range(1, max(total_pages, 0) + 1)]
