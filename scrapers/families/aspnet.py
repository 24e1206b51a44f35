"""ASP.NET disclosure lists such as InfoPublic.aspx?cid=…&page=N (云南人社厅)."""

from __future__ import annotations

from scrapers.families._common import BODY_CONTAINERS

FAMILY = {
    "name": "aspnet",
    "recognise": "an .aspx path or a __VIEWSTATE hidden field",
    "body_containers": BODY_CONTAINERS,
    "pagination": "page={n}",
    "quirks": [
        "paged by a query parameter (page=N, from 1) when the site exposes it; postback-only pagers "
        "(__doPostBack) cannot be followed by get and need a form post",
    ],
}
