"""JSP lists such as info/iList.jsp?cat_id=…&cur_page=N."""

from __future__ import annotations

from scrapers.families._common import BODY_CONTAINERS

FAMILY = {
    "name": "jsp_list",
    "recognise": "a .jsp list path with cat_id / cur_page query keys (not hanweb's module/*.jsp)",
    "body_containers": BODY_CONTAINERS,
    "pagination": "cur_page={n}",
    "quirks": ["cur_page counts from 1; cat_id names the column"],
}
