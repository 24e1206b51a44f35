"""Provincial unified disclosure platforms keyed by agency code: zfxxgk.<province>.gov.cn/<code>/zfxxgknb/."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from scrapers.families._common import BODY_CONTAINERS, ordered

FAMILY = {
    "name": "unified_platform",
    "recognise": "host zfxxgk.<province>.gov.cn with an agency code as the first path segment",
    "selectors": {},
    "body_containers": ordered((".xxgk_content", "#zoom"), BODY_CONTAINERS),
    "pagination": "list_{n}.shtml",
    "quirks": [
        "one platform serves every agency of a province; only the agency code in the path differs",
        "the 公开年报 tab sits beside 公开指南 / 公开目录; metadata tables carry 发布机构 and 发布日期",
        "page numbering (list_{n}.shtml) is assumed from the list.shtml name and unconfirmed",
    ],
}

AGENCY_PATH = re.compile(r"^/(?P<code>\d{6,})/")


def detect(html: str, url: str) -> bool:
    parts = urlsplit(url)
    return parts.netloc.lower().startswith("zfxxgk.") and bool(AGENCY_PATH.match(parts.path))


def agency_code(url: str) -> str | None:
    """The agency code in a platform url (``…/110016/zfxxgknb/list.shtml`` → ``110016``)."""
    m = AGENCY_PATH.match(urlsplit(url).path)
    return m.group("code") if m else None


def page_urls(list_url: str, total_pages: int) -> list[str]:
    names = ["list.shtml" if n == 1 else f"list_{n}.shtml" for n in range(1, max(total_pages, 0) + 1)]
    return [urljoin(list_url, n) for n in names]
