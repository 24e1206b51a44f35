"""Custom json list apis (post returning titleHtml, publishedTimeStr, url), e.g. 国家税务总局."""

from __future__ import annotations

from scrapers.families._common import BODY_CONTAINERS, ordered

FAMILY = {
    "name": "json_api",
    "recognise": "a json answer whose items carry titleHtml / publishedTimeStr / url",
    "body_containers": ordered(("#zoomcon",), BODY_CONTAINERS),
    "pagination": None,
    "quirks": [
        "the html list page is an empty shell; the items come from a post the crawler does not make yet, "
        "so expect health empty until a json lister is added",
    ],
}
