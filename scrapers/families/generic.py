"""Any portal whose CMS is unknown: anchor-text discovery and the PORTALS.md body order."""

from __future__ import annotations

from scrapers.families._common import BODY_CONTAINERS

FAMILY = {
    "name": "generic",
    "recognise": "fallback when no other family's detect() matches",
    "body_containers": BODY_CONTAINERS,
    "pagination": None,
    "quirks": [
        "no configured list selector: reports are found by anchor text (年报 / 年度报告 with a year)",
        "pagination only through 下一页 / 尾页 anchors and script page counts (scrapers/discovery.py)",
    ],
}
