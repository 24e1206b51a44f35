"""Custom json list apis (post returning titleHtml, publishedTimeStr, url), e.g. 国家税务总局."""

from __future__ import annotations

import json

from scrapers.families._common import BODY_CONTAINERS, ordered

FAMILY = {
    "name": "json_api",
    "recognise": "a json answer whose items carry titleHtml / publishedTimeStr / url",
    "selectors": {},
    "body_containers": ordered(("#zoomcon",), BODY_CONTAINERS),
    "pagination": None,
    "quirks": [
        "the html list page is an empty shell; the items come from a post the crawler does not make yet, "
        "so expect health empty until a json lister is added",
    ],
}

ITEM_KEYS = {"titleHtml", "publishedTimeStr"}


def detect(html: str, url: str) -> bool:
    """True when ``html`` is in fact a json document with the api's item keys somewhere in it."""
    text = html.lstrip()
    if not text.startswith(("{", "[")):
        return False
    try:
        data = json.loads(text)
    except ValueError:
        # looked like json but is not: then it is not this api's answer
        return False
    return bool(ITEM_KEYS & _keys(data))


def _keys(data, depth: int = 0) -> set[str]:
    if depth > 5:
        return set()
    if isinstance(data, dict):
        return set(data) | {k for v in data.values() for k in _keys(v, depth + 1)}
    if isinstance(data, list):
        return {k for v in data[:20] for k in _keys(v, depth + 1)}
    return set()


def page_urls(list_url: str, total_pages: int) -> list[str]:
    return [list_url] if total_pages >= 1 else []
