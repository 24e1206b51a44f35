"""广东 gkmlpt: the Guangdong disclosure catalogue platform (/gkmlpt/index, post_<id>.html articles)."""

from __future__ import annotations

from scrapers.families._common import BODY_CONTAINERS, ordered

FAMILY = {
    "name": "gkmlpt",
    "recognise": "/gkmlpt/ in the url or the page; articles …/content/…/post_<id>.html",
    "body_containers": ordered((".article-content", "#zoom"), BODY_CONTAINERS),
    "pagination": None,
    "quirks": [
        "the catalogue lists are filled by script from a json api, so html discovery on /gkmlpt/index finds "
        "little; article pages (post_<id>.html) are plain html",
        "shared by guangdong cities and counties (e.g. www.sz.gov.cn/gkmlpt/), not only the province",
    ],
}
