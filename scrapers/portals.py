"""The portal registry: portals are data (scrapers/portals.csv), not code."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REGISTRY_CSV = Path(__file__).with_name("portals.csv")


@dataclass(frozen=True)
class Portal:
    """One government portal's annual-report column.

    ``seed_urls`` are list pages (or disclosure home pages) to start from. ``selectors`` are
    optional CSS selectors (``list_links``, ``next_page``, ``body``); without them links are
    discovered by anchor text (年报 / 年度报告) and pagination by 下一页 / index_N.html.
    """

    id: str
    name: str
    province_code: str
    level: str
    seed_urls: tuple[str, ...]
    family: str = "generic"
    selectors: dict[str, str] = field(default_factory=dict)
    extra_hosts: tuple[str, ...] = ()
    verified: bool = False
    max_pages: int = 50
    # free-text quirks, lower case (openstates style); shown on docs/portals.md
    notes: str = ""
    # central | province | city | county (xxgk/parsing/labels/admin_tiers.csv, the warehouse's
    # set): ``level`` says what kind of body publishes (a department can sit at any tier), this
    # says at which tier of government it sits
    admin_tier: str = ""

    @property
    def hosts(self) -> frozenset[str]:
        """Hosts (netloc, with port) this portal may be crawled on."""
        return frozenset({urlsplit(u).netloc.lower() for u in self.seed_urls} | set(self.extra_hosts))


def load_registry(path: Path = REGISTRY_CSV) -> list[Portal]:
    """Read a registry CSV; columns added later (extra_hosts, admin_tier, notes, max_pages) are optional."""
    portals = []
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            selectors = dict(
                part.split("=", 1) for part in (row.get("selectors") or "").split(";") if "=" in part
            )
            portals.append(
                Portal(
                    id=row["id"],
                    name=row["name"],
                    province_code=row["province_code"],
                    level=row["level"],
                    seed_urls=tuple(u for u in row["seed_urls"].split() if u),
                    family=row.get("family") or "generic",
                    selectors=selectors,
                    verified=(row.get("verified") or "").lower() == "true",
                    extra_hosts=tuple(h.lower() for h in (row.get("extra_hosts") or "").split() if h),
                    admin_tier=row.get("admin_tier") or "",
                    notes=row.get("notes") or "",
                    # the list pages one crawl reads; a crawl stopped by it says so in its health reason
                    max_pages=int(row["max_pages"]) if (row.get("max_pages") or "").strip() else Portal.max_pages,
                )
            )
    return portals


REGISTRY_FIELDS = [
    "id", "name", "province_code", "level", "admin_tier", "family", "seed_urls", "extra_hosts", "selectors",
    "verified", "notes", "max_pages",
]


def write_registry(portals: list[Portal], path: Path) -> None:
    """Write portals in the registry CSV format (the demo writes the sample portal's registry)."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=REGISTRY_FIELDS)
        writer.writeheader()
        for p in portals:
            writer.writerow({
                "id": p.id, "name": p.name, "province_code": p.province_code, "level": p.level,
                "family": p.family, "seed_urls": " ".join(p.seed_urls),
                "selectors": ";".join(f"{k}={v}" for k, v in p.selectors.items()),
                "verified": str(p.verified).lower(),
                "admin_tier": p.admin_tier, "extra_hosts": " ".join(p.extra_hosts), "notes": p.notes,
                "max_pages": p.max_pages,
            })
