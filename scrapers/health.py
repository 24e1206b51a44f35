"""The portal health vocabulary, read from its one source, ``xxgk/parsing/labels/portal_health.csv``
(dbt seeds the same file and tests ``raw.portal_runs.health`` against it).

Read by path rather than through ``xxgk.parsing``: a crawl worker must not load the parser.
"""

from __future__ import annotations

import csv
from pathlib import Path

HEALTH_CSV = Path(__file__).resolve().parents[1] / "xxgk" / "parsing" / "labels" / "portal_health.csv"


def _rows() -> list[dict[str, str]]:
    with open(HEALTH_CSV, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


_HEALTH_ROWS = _rows()
# health → what it means to the on-call person (docs/portals.md, xxgk portals)
HEALTH_MEANING: dict[str, str] = {row["health"]: row["meaning"] for row in _HEALTH_ROWS}
# the failure of a portal's seed URL (scrapers/http.py taxonomy) → the portal's health; a seed
# failure not listed is ``unreachable``
HEALTH_BY_SEED_FAILURE: dict[str, str] = {
    failure: row["health"] for row in _HEALTH_ROWS for failure in row["seed_failures"].split()
}
