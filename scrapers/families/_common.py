"""What the family modules share: the body container list and its ordering helper."""

from __future__ import annotations

import csv
from pathlib import Path

# PORTALS.md "Body containers, in the order worth trying", from their one list, which the parser
# reads too (read by path: a crawl worker must not load the parser); families put their own first
BODY_CONTAINERS_CSV = Path(__file__).resolve().parents[2] / "xxgk" / "parsing" / "labels" / "body_containers.csv"
with open(BODY_CONTAINERS_CSV, encoding="utf-8", newline="") as _f:
    BODY_CONTAINERS: tuple[str, ...] = tuple(row["selector"] for row in csv.DictReader(_f))


def ordered(*groups: tuple[str, ...]) -> tuple[str, ...]:
    """Concatenate selector tuples, first occurrence wins (a family's own containers go first)."""
    seen: dict[str, None] = {}
    for group in groups:
        for item in group:
            seen.setdefault(item, None)
    return tuple(seen)
