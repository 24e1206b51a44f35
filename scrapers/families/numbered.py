"""Lists whose page number is the file name: …/zfxxgknb/1.html, 2.html … (延安教育局)."""

from __future__ import annotations

from scrapers.families._common import BODY_CONTAINERS

FAMILY = {
    "name": "numbered",
    "recognise": "a list url whose last path segment is a bare number (1.html)",
    "body_containers": BODY_CONTAINERS,
    "pagination": "{n}.html",
    "quirks": ["page 1 is 1.html (there is no index.html to start from)"],
}
