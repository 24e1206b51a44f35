"""Provincial unified disclosure platforms keyed by agency code: zfxxgk.<province>.gov.cn/<code>/zfxxgknb/."""

from __future__ import annotations

from scrapers.families._common import BODY_CONTAINERS, ordered

FAMILY = {
    "name": "unified_platform",
    "recognise": "host zfxxgk.<province>.gov.cn with an agency code as the first path segment",
    "body_containers": ordered((".xxgk_content", "#zoom"), BODY_CONTAINERS),
    "pagination": "list_{n}.shtml",
    "quirks": [
        "one platform serves every agency of a province; only the agency code in the path differs",
        "the 公开年报 tab sits beside 公开指南 / 公开目录; metadata tables carry 发布机构 and 发布日期",
        "page numbering (list_{n}.shtml) is assumed from the list.shtml name and unconfirmed",
    ],
}
