"""Portal coverage: the registry joined with each portal's latest crawl, for the terminal and docs.

``xxgk portals`` prints ``format_table``; ``xxgk portals --write-docs`` also regenerates
docs/portals.md (warn-scraper's generated coverage page). Health comes from the latest
``raw.portal_runs`` row per portal (:func:`xxgk.manifest.latest_portal_runs`); a portal with no
row is ``never_run``.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from scrapers.families import family_for
from scrapers.health import HEALTH_MEANING
from scrapers.portals import REGISTRY_CSV, Portal, load_registry
from xxgk import manifest
from xxgk.parsing import labels

DOCS_PAGE = Path(__file__).resolve().parents[1] / "docs" / "portals.md"
GENERATOR = "xxgk portals --write-docs"

# GB/T 2260 provincial codes → short names (the provinces vocabulary, labels/provinces.csv)
PROVINCES = labels.province_short_names()

def _when(value) -> str:
    """A run time as ``YYYY-MM-DD HH:MM UTC`` (duckdb hands timestamptz back in the session zone)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return str(value)


def portal_status(registry: list[Portal], runs: dict[str, dict] | None) -> list[dict]:
    """One dict per registry portal, in registry order, with the health of its latest run
    (``runs``: :func:`xxgk.manifest.latest_portal_runs`)."""
    runs = runs or {}
    rows = []
    for p in registry:
        run = runs.get(p.id)
        rows.append({
            "id": p.id, "name": p.name, "province_code": p.province_code,
            "province": PROVINCES.get(p.province_code, p.province_code or "?"),
            "level": p.level, "admin_tier": p.admin_tier, "family": p.family,
            "seed_url": p.seed_urls[0] if p.seed_urls else "", "seed_urls": list(p.seed_urls),
            "verified": p.verified, "notes": p.notes,
            "health": (run["health"] or "unknown") if run else "never_run",
            "health_reason": (run["health_reason"] or "") if run else "",
            "last_run": _when(run["started_at"]) if run else "",
            "last_ok": _when(run["last_ok"]) if run else "",
            "run_id": run["run_id"] if run else "",
            "runs": run["runs"] if run else 0,
            "pages_fetched": run["pages_fetched"] if run else None,
            "reports_found": run["reports_found"] if run else None,
            "reports_landed": run["reports_landed"] if run else None,
            "failures": run["failures"] if run else None,
        })
    return rows


def _num(value) -> str:
    return "" if value is None else str(value)


def _width(text: str) -> int:
    """Terminal width: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


TABLE_COLUMNS = [
    ("id", "id"), ("province", "prov"), ("level", "level"), ("family", "family"), ("health", "health"),
    ("last_run", "last run"), ("reports_found", "found"), ("reports_landed", "landed"),
    ("failures", "fail"), ("verified", "verified"),
]


def format_table(rows: list[dict]) -> str:
    """Fixed-width table for the terminal, with a health count at the bottom."""
    cells = [[h for _, h in TABLE_COLUMNS]]
    for r in rows:
        cells.append([
            str(r[k]).lower() if k == "verified" else _num(r[k]) if k in ("reports_found", "reports_landed",
                                                                           "failures") else str(r[k])
            for k, _ in TABLE_COLUMNS
        ])
    widths = [max(_width(row[i]) for row in cells) for i in range(len(TABLE_COLUMNS))]
    lines = ["  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    counts = Counter(r["health"] for r in rows)
    lines.append("")
    lines.append(f"{len(rows)} portals: " + ", ".join(f"{h} {n}" for h, n in sorted(counts.items())))
    return "\n".join(lines)


def _md(text) -> str:
    """A markdown table cell: pipes escaped, newlines flattened, ``<`` escaped (``<id>``, ``<span>`` in
    notes would otherwise render as html tags and vanish)."""
    return str(text).replace("|", "\\|").replace("<", "&lt;").replace("\n", " ")


def render_coverage_markdown(rows: list[dict]) -> str:
    """docs/portals.md: summary per province and per family, then every portal and its health."""
    out = [*_summary_lines(rows), *_province_lines(rows), *_family_lines(rows), *_portal_lines(rows)]
    out += ["", "## Health values", "", "| health | meaning |", "|---|---|"]
    out += [f"| {h} | {_md(m)} |" for h, m in HEALTH_MEANING.items()]
    return "\n".join(out) + "\n"


def _summary_lines(rows: list[dict]) -> list[str]:
    """The page's title, provenance and one-paragraph summary."""
    provincial = [r for r in rows if r["level"] == "province"]
    others = [r for r in rows if r["level"] != "province"]
    health = Counter(r["health"] for r in rows)
    return [
        "# Portal coverage",
        "",
        f"Generated by `{GENERATOR}` (xxgk/coverage.py) from `scrapers/portals.csv` and the latest",
        "`raw.portal_runs` row per portal. Do not edit by hand: change the registry and regenerate.",
        "",
        f"{len(rows)} portals: {len(provincial)} provincial governments and {len(others)} others over "
        f"{len({r['province_code'] for r in others})} provinces; {sum(r['verified'] for r in rows)} verified "
        "by a live run.",
        "Health: " + ", ".join(f"{h} {n}" for h, n in sorted(health.items())) + ".",
    ]


def _province_lines(rows: list[dict]) -> list[str]:
    """The table of portals per province."""
    out = [
        "",
        "## By province",
        "",
        "| province | code | portals | provincial government | other portals | verified | ok |",
        "|---|---|---|---|---|---|---|",
    ]
    by_province = _grouped(rows, "province_code")
    for code in sorted(by_province):
        group = by_province[code]
        gov = [r["id"] for r in group if r["level"] == "province"]
        out.append(
            f"| {_md(group[0]['province'])} | {code} | {len(group)} | {_md(', '.join(gov)) or '—'} | "
            f"{sum(r['level'] != 'province' for r in group)} | {sum(r['verified'] for r in group)} | "
            f"{sum(r['health'] == 'ok' for r in group)} |"
        )
    return out


def _family_lines(rows: list[dict]) -> list[str]:
    """The table of portals per CMS family, with how each family is recognised and paginated."""
    out = [
        "",
        "## By family",
        "",
        "| family | portals | ok | recognised by | pagination |",
        "|---|---|---|---|---|",
    ]
    by_family = _grouped(rows, "family")
    for name in sorted(by_family):
        meta = family_for(name).FAMILY
        group = by_family[name]
        pagination = f"`{meta['pagination']}`" if meta["pagination"] else "—"
        out.append(
            f"| {name} | {len(group)} | {sum(r['health'] == 'ok' for r in group)} | {_md(meta['recognise'])} | "
            f"{_md(pagination)} |"
        )
    return out


def _portal_lines(rows: list[dict]) -> list[str]:
    """One table row per portal, in registry order."""
    out = [
        "",
        "## Portals",
        "",
        "| id | name | province | level | tier | family | seed URL | verified | health | last run | "
        "reports found/landed | notes |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        seed = r["seed_url"] + (f" (+{len(r['seed_urls']) - 1} more)" if len(r["seed_urls"]) > 1 else "")
        reports = "" if r["reports_found"] is None else f"{r['reports_found']}/{_num(r['reports_landed'])}"
        out.append(
            f"| {_md(r['id'])} | {_md(r['name'])} | {_md(r['province'])} | {r['level']} | {r['admin_tier']} | "
            f"{r['family']} | {_md(seed)} | {str(r['verified']).lower()} | {r['health']} | {r['last_run']} | "
            f"{reports} | {_md(r['notes'])} |"
        )
    return out


RUN_CELLS = ("health", "last_run", "reports")


def recorded_runs(markdown: str) -> dict[str, dict]:
    """id → health, last run and reports cells as written in a generated page's portal table.

    Lets a test check that the registry-derived part of a committed page is current even after
    the page was regenerated with live health (which the test cannot reproduce).
    """
    recorded = {}
    header: list[str] | None = None
    for line in markdown.splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if header is None:
            header = cells
            continue
        if header[:2] == ["id", "name"] and not set(cells[0]) <= {"-"}:
            row = dict(zip(header, cells, strict=True))
            recorded[row["id"]] = {
                "health": row["health"], "last_run": row["last run"], "reports": row["reports found/landed"],
            }
    return recorded


def with_recorded_runs(rows: list[dict], markdown: str) -> list[dict]:
    """``rows`` with the run cells of ``markdown`` put back (see ``recorded_runs``)."""
    recorded = recorded_runs(markdown)
    out = []
    for r in rows:
        rec = recorded.get(r["id"])
        if rec:
            found, _, landed = rec["reports"].partition("/")
            r = {**r, "health": rec["health"], "last_run": rec["last_run"],
                 "reports_found": found or None, "reports_landed": landed or None}
        out.append(r)
    return out


def write_coverage_page(path: Path = DOCS_PAGE, rows: list[dict] | None = None,
                        registry_path: Path = REGISTRY_CSV) -> Path:
    """Write the coverage page; without ``rows`` it is built from the registry alone (never_run)."""
    if rows is None:
        rows = portal_status(load_registry(registry_path), None)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_coverage_markdown(rows), encoding="utf-8")
    return path


def portals_main(data_dir: Path | None, write_docs: bool, registry_path: Path = REGISTRY_CSV,
                 docs_path: Path = DOCS_PAGE) -> int:
    """``xxgk portals``: print every portal's health; with ``write_docs`` regenerate docs/portals.md."""
    registry = load_registry(registry_path)
    try:
        runs = manifest.latest_portal_runs(data_dir)
    except duckdb.IOException as exc:
        # a crawl holding the write lock: say so and show the registry rather than fail the command
        print(f"warehouse busy, health not shown: {exc}", file=sys.stderr)
        runs = None
    if runs is None and data_dir is not None:
        print(f"no crawl runs under {data_dir}: every portal is never_run", file=sys.stderr)
    rows = portal_status(registry, runs)
    print(format_table(rows))
    if write_docs:
        print(f"wrote {write_coverage_page(docs_path, rows)}")
    return 0


def _grouped(rows: list[dict], key: str) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        groups[r[key]].append(r)
    return groups
