"""The dashboard: a static site built from the published marts into ``DIR/site/``.

Pages:
``index.html`` the province × year grid of any KPI or rate, its coverage on the same cell (a year
whose reports come in two formats has a column per era: the marts never sum two eras);
``province.html?code=…`` one province's years (a row per year and era), levels, coverage, on-time
share, 勾稽 failures and trends; ``report.html?id=…&shard=…`` every number of one report with where it was read;
``quality.html`` failed checks, 雷同 pairs, edited reports, unhealthy portals.

The data go into ``data/*.js`` files that assign to ``window.XXGK`` (a ``<script>`` loads from
``file://`` where ``fetch`` does not), sharded so a page loads only what it shows: one file per
province, one per province and year for the reports. The chart library comes from the npm registry
at install time (``dashboard/package.json``, ``make install``) and is copied into ``vendor/``: the
site never asks a CDN for anything. Built aside and swapped in whole (xxgk/folders.py).
"""

from __future__ import annotations

import html
import json
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from xxgk import folders, warehouse
from xxgk.publish import published_path

SITE = "site"
DASHBOARD_DIR = Path(__file__).resolve().parent.parent / "dashboard"
CHART_LIBRARY = DASHBOARD_DIR / "node_modules" / "chart.js" / "dist" / "chart.umd.min.js"
# findings listed on the quality page; the rest are counted there and all are in the export
FINDINGS_SHOWN = 500


class SiteError(RuntimeError):
    """The site cannot be built (no published file, the chart library not installed)."""


@dataclass
class SiteSummary:
    """What the dashboard build wrote: its folder, pages, and the reports sharded by province and year."""

    path: Path
    pages: list[str] = field(default_factory=list)
    provinces: int = 0
    report_shards: int = 0
    reports: int = 0


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _js(path: Path, statement: str, value) -> None:
    """Write ``value`` as JSON into the JavaScript ``statement`` (its ``%s``)."""
    payload = json.dumps(value, ensure_ascii=False, default=str, separators=(",", ":"))
    # a "</script>" inside a string must not end an inline script; data files are external, but a
    # viewer might inline them, and U+2028 breaks older JavaScript parsers
    payload = payload.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    path.write_text("window.XXGK = window.XXGK || {};\n" + statement.replace("%s", payload) + "\n", encoding="utf-8")


def shard_of(province_code: str | None, report_year: int | None) -> str:
    """The name of the data file of a province-year's reports ('none' for a missing part)."""
    return f"{province_code or 'none'}-{report_year if report_year is not None else 'none'}"


PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · xxgk</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="assets/style.css">
</head>
<body data-page="{page}">
<header><span class="brand">xxgk</span><nav><a href="index.html">national</a><a href="quality.html">quality</a>
<a href="../export/datapackage.json">downloads</a><a href="../docs/index.html">data dictionary</a></nav>
<span class="muted" id="built"></span></header>
<main>
<p id="error" hidden></p>
{body}
</main>
{scripts}
</body>
</html>
"""

BODIES = {
    "index": ("Province × year", "national", """<h1>政府信息公开工作年度报告 · province × year</h1>
<p class="lead">Each cell is the province's figure on its basis (a provincial aggregate report, or the sum of its
cities' or counties' aggregate reports). The small figures are units reported / units expected on that basis;
<b>a hatched cell with a dashed outline and ⚠ has an incomplete basis</b>: do not read it as the province's total.
Blank: no exact value on that basis; empty: no report. A year with reports in two formats (the 2019 trial
template beside the 2021 format) has a column per era, each on its own basis: never add them.
Click a province for its years and reports.</p>
<div class="controls"><label>measure <select id="measure"></select></label><span class="muted" id="measure-note"></span></div>
<div class="legend"><span style="background:hsl(212,70%,90%)">low</span>
<span style="background:hsl(212,70%,50%);color:#fff">high</span>
<span class="incomplete-sample" style="outline:2px dashed #b54708">incomplete basis ⚠</span>
<span style="box-shadow:inset 0 0 0 2px #7a5af8">includes synthetic demo reports</span></div>
<div id="grid"></div>""", ["data/national.js"]),
    "province": ("Province", "province", """<h1 id="title">province</h1>
<p class="lead">Years on the province's basis (a row per era where a year's reports come in two formats),
coverage by level, the reports behind them.</p>
<h2>Years</h2><div id="years"></div>
<h2>Trends</h2><div class="charts"><div><canvas id="trend-applications"></canvas></div>
<div><canvas id="trend-coverage"></canvas></div></div>
<h2>Coverage by level</h2><p class="muted">reports found / bodies expected to report (dim_bodies), per year and level.</p>
<div id="coverage"></div>
<h2>Reports</h2><div id="reports"></div>""", []),
    "report": ("Report", "report", """<h1 id="title">report</h1>
<h2>Provenance</h2><dl class="provenance" id="provenance"></dl>
<h2>Every number, and where it was read</h2>
<p class="lead">Table cells give the table, row and column as printed; prose figures show their sentence with the
span read highlighted. A blank cell is blank, never 0.</p>
<div id="kpis"></div>""", []),
    "quality": ("Quality", "quality", """<h1>Quality</h1>
<h2>Failed checks</h2><div id="checks"></div>
<h2>Findings</h2><p class="muted" id="findings-note"></p><div id="findings"></div>
<h2>雷同: reports that copy the year before</h2><div id="copies"></div>
<h2>Edited or back-dated reports</h2><div id="edited"></div>
<h2>Unhealthy portals</h2><div id="portals"></div>""", ["data/quality.js"]),
}


def _page(name: str) -> str:
    title, page, body, data_scripts = BODIES[name]
    scripts = ["vendor/chart.umd.min.js", "data/meta.js", *data_scripts, "assets/app.js"]
    tags = "\n".join(f'<script src="{html.escape(s)}"></script>' for s in scripts)
    return PAGE.format(title=html.escape(title), page=page, body=body, scripts=tags)


# the report formats in time order, and how a column or row heading names one
ERAS = ("2008_regulation", "2019_trial_format", "2021_format")
ERA_LABELS = {"2008_regulation": "2008 rules", "2019_trial_format": "2019 trial", "2021_format": "2021 format"}


def _era_order(era: str | None) -> int:
    return ERAS.index(era) if era in ERAS else len(ERAS)


def _national(con: duckdb.DuckDBPyConnection) -> dict:
    """The grid's data: a cell per province, year and era (the grain of the province-year marts).

    Columns are years; a year with rows of two eras anywhere gets a column per era, labelled with it,
    so two formats are never shown (or coloured) as one figure.
    """
    provinces = _rows(con, "select province_code as code, province_name as name from marts.dim_provinces order by 1")
    comments = dict(con.execute(
        "select column_name, comment from duckdb_columns() where schema_name = 'marts' "
        "and table_name = 'fct_province_year_kpis'").fetchall())
    columns = set(comments)
    # a KPI column is one with its own reports count beside it
    kpis = sorted(c for c in columns if f"{c}_reports_cnt" in columns)
    kpi_rows = _rows(con, "select * from marts.fct_province_year_kpis order by province_code, report_year, era")
    rate_rows = _rows(con, "select province_code, report_year, era, metric, basis, is_complete, numerator, denominator, "
                           "value from marts.fct_province_year_rates")
    metrics = _rows(con, "select metric, definition_en, definition_zh from marts.dim_metrics order by metric")
    cells: dict[str, dict] = {}
    for row in kpi_rows:
        cells[f"{row['province_code']}|{row['report_year']}|{row['era']}"] = {
            "era": row["era"], "basis": row["basis"], "basis_units_expected": row["basis_units_expected"],
            "basis_units_reported": row["basis_units_reported"], "is_complete": row["is_complete"],
            "includes_synthetic": row["includes_synthetic"], "reports_cnt": row["reports_cnt"],
            "kpis": {k: {"value": row[k], "basis": row["basis"], "is_complete": row["is_complete"]} for k in kpis},
            "rates": {},
        }
    for row in rate_rows:
        cell = cells.setdefault(f"{row['province_code']}|{row['report_year']}|{row['era']}", {
            "era": row["era"], "basis": row["basis"], "basis_units_expected": None, "basis_units_reported": None,
            "is_complete": row["is_complete"], "includes_synthetic": False, "reports_cnt": None, "kpis": {}, "rates": {}})
        cell["rates"][row["metric"]] = {k: row[k] for k in ("value", "basis", "is_complete", "numerator", "denominator")}
    rated = {row["metric"] for row in rate_rows}
    measures = [{"id": k, "label": k, "kind": "kpi", "description": comments.get(k) or ""} for k in kpis]
    measures += [{"id": m["metric"], "label": m["metric"], "kind": "rate",
                  "description": m["definition_en"] or m["definition_zh"] or ""} for m in metrics if m["metric"] in rated]
    preferred = [m for m in measures if m["id"] == "applications_received"]
    measures = preferred + [m for m in measures if m not in preferred]
    eras_by_year = defaultdict(set)
    for row in (*kpi_rows, *rate_rows):
        eras_by_year[row["report_year"]].add(row["era"])
    columns = [{"year": year, "era": era,
                "label": str(year) if len(eras) == 1 else f"{year} · {ERA_LABELS.get(era, era)}"}
               for year, eras in sorted(eras_by_year.items())
               for era in sorted(eras, key=_era_order)]
    return {"provinces": provinces, "columns": columns, "eras": ERA_LABELS, "measures": measures, "cells": cells}


def _provinces(con: duckdb.DuckDBPyConnection, out: Path) -> int:
    provinces = _rows(con, "select province_code, province_name from marts.dim_provinces order by 1")
    years = defaultdict(list)
    # a row per year and era, as the mart has them; timeliness and 勾稽 failures over that era's reports
    for row in _rows(con, """
            select k.province_code, k.report_year, k.era, k.basis, k.reports_cnt, k.basis_units_expected,
                   k.basis_units_reported, k.is_complete, k.applications_received,
                   coalesce(t.on_time, 0) as on_time, coalesce(t.late, 0) as late,
                   coalesce(q.balance_failures, 0) as balance_failures
            from marts.fct_province_year_kpis k
            left join (select province_code, report_year, era, count(*) filter (where on_time) as on_time,
                              count(*) filter (where not on_time) as late
                       from marts.fct_reports where doc_type = 'annual_report'
                       group by all) t using (province_code, report_year, era)
            left join (select r.province_code, r.report_year, r.era, count(*) as balance_failures
                       from marts.fct_quality_issues i join marts.fct_reports r using (report_id)
                       where i.is_chosen_document and i.severity = 'error' and regexp_matches(i.check_id, '^T[0-9]-')
                         and r.doc_type = 'annual_report'
                       group by all) q using (province_code, report_year, era)"""):
        years[row.pop("province_code")].append(row)
    for rows in years.values():
        rows.sort(key=lambda r: (r["report_year"], _era_order(r["era"])))
        per_year = defaultdict(int)
        for r in rows:
            per_year[r["report_year"]] += 1
        for r in rows:
            r["label"] = (str(r["report_year"]) if per_year[r["report_year"]] == 1
                          else f"{r['report_year']} · {ERA_LABELS.get(r['era'], r['era'])}")
    coverage = defaultdict(list)
    for row in _rows(con, "select * from marts.fct_coverage order by province_code, report_year, level, admin_tier"):
        coverage[row.pop("province_code")].append(row)
    reports = defaultdict(list)
    for row in _rows(con, """
            select province_code, report_id, report_year, issuer, level, scope, on_time, quality_errors_cnt
            from marts.fct_reports where doc_type = 'annual_report' order by report_year desc, issuer"""):
        row["shard"] = shard_of(row["province_code"], row["report_year"])
        reports[row.pop("province_code")].append(row)
    (out / "data" / "provinces").mkdir(parents=True, exist_ok=True)
    for p in provinces:
        code = p["province_code"]
        statement = "XXGK.provinces = XXGK.provinces || {};\nXXGK.provinces[" + json.dumps(code) + "] = %s;"
        _js(out / "data" / "provinces" / f"{code}.js", statement,
            {"code": code, "name": p["province_name"], "years": years.get(code, []),
             "coverage": coverage.get(code, []), "reports": reports.get(code, [])})
    return len(provinces)


REPORT_COLUMNS = ("report_id", "issuer", "title", "province_code", "province_name", "level", "scope", "report_year",
                  "era", "source_format", "source_url", "first_seen_at", "sha256", "on_time", "is_synthetic")
KPI_COLUMNS = ("report_id", "kpi", "value", "cell_state", "qualifier", "unit", "source", "table_index", "row_index",
               "col_index", "row_label", "col_label", "char_start", "char_end", "raw_text", "context_before",
               "context_after")


def _reports(con: duckdb.DuckDBPyConnection, out: Path) -> tuple[int, int]:
    (out / "data" / "reports").mkdir(parents=True, exist_ok=True)
    shards = _rows(con, "select distinct province_code, report_year from marts.fct_reports "
                        "where doc_type = 'annual_report' order by 1, 2")
    total = 0
    for shard in shards:
        where = "province_code is not distinct from ? and report_year is not distinct from ?"
        params = [shard["province_code"], shard["report_year"]]
        reports = {r["report_id"]: {**r, "kpis": []} for r in _rows(
            con, f"select {', '.join(REPORT_COLUMNS)} from marts.fct_reports where doc_type = 'annual_report' and {where}",
            params)}
        for k in _rows(con, f"select {', '.join(KPI_COLUMNS)} from marts.fct_report_kpis where {where} "
                            "order by report_id, source, table_index, row_index, col_index, char_start, kpi", params):
            report = reports.get(k.pop("report_id"))
            if report is not None:
                report["kpis"].append(k)
        name = shard_of(shard["province_code"], shard["report_year"])
        _js(out / "data" / "reports" / f"{name}.js",
            "XXGK.reports = XXGK.reports || {};\nObject.assign(XXGK.reports, %s);", reports)
        total += len(reports)
    return len(shards), total


def _quality(con: duckdb.DuckDBPyConnection) -> dict:
    checks = _rows(con, """select check_id, severity, count(*) as findings, count(distinct report_id) as reports
                           from marts.fct_quality_issues where is_chosen_document or report_id is null
                           group by check_id, severity order by severity = 'error' desc, findings desc""")
    findings_sql = """from marts.fct_quality_issues where severity in ('error', 'warning')
                      and (is_chosen_document or report_id is null)"""
    (findings_total,) = con.execute(f"select count(*) {findings_sql}").fetchone()
    findings = _rows(con, f"""select report_id, sha256, report_year, province_code, issuer, check_id, severity, message
                              {findings_sql} order by severity = 'error' desc, report_year desc, issuer, issue_seq
                              limit {FINDINGS_SHOWN}""")
    for f in findings:
        f["shard"] = shard_of(f["province_code"], f["report_year"])
    copies = _rows(con, """select r.report_id, r.issuer, r.report_year, r.province_code, r.previous_year_similarity,
                                  r.previous_year_report_id, p.issuer as prev_issuer, p.report_year as prev_year,
                                  p.province_code as prev_province
                           from marts.fct_reports r left join marts.fct_reports p on p.report_id = r.previous_year_report_id
                           where r.is_copy_of_previous_year order by r.report_year desc, r.issuer""")
    for c in copies:
        c["shard"] = shard_of(c["province_code"], c["report_year"])
        prev = {"report_id": c["previous_year_report_id"], "issuer": c.pop("prev_issuer"), "report_year": c.pop("prev_year"),
                "province_code": c.pop("prev_province")}
        c["previous"] = {**prev, "shard": shard_of(prev["province_code"], prev["report_year"])} if prev["issuer"] else None
    edited = _rows(con, """select report_id, issuer, report_year, province_code, versions_cnt, changed_after_first_seen,
                                  stated_date_changed from marts.fct_reports
                           where changed_after_first_seen or stated_date_changed or versions_cnt > 1
                           order by report_year desc, issuer""")
    for e in edited:
        e["shard"] = shard_of(e["province_code"], e["report_year"])
    portals = _rows(con, "select portal_id, health, last_ok_at from marts.dim_portal_health where not is_healthy order by 1")
    return {"checks": checks, "findings": findings, "findings_total": findings_total,
            "findings_shown": len(findings), "copies": copies, "edited": edited, "portals": portals}


def build_site(data_dir: Path) -> SiteSummary:
    """Build DIR/site from DIR/xxgk.duckdb and swap it in whole."""
    data_dir = Path(data_dir)
    source = published_path(data_dir)
    if not source.exists():
        raise SiteError(f"no published warehouse at {source}: run xxgk publish (or xxgk run) first")
    if not CHART_LIBRARY.exists():
        raise SiteError(f"the chart library is not installed ({CHART_LIBRARY}): run `make install` "
                        "(it runs `npm ci` in dashboard/; needs npm, which `make system-deps` installs)")
    summary = SiteSummary(path=data_dir / SITE)
    with folders.building(data_dir, SITE) as out:
        (out / "vendor").mkdir()
        shutil.copy2(CHART_LIBRARY, out / "vendor" / CHART_LIBRARY.name)
        shutil.copytree(DASHBOARD_DIR / "assets", out / "assets")
        (out / "data").mkdir()
        con = duckdb.connect(str(source), read_only=True, config={"memory_limit": warehouse.MEMORY_LIMIT})
        try:
            con.execute("set TimeZone = 'UTC'")
            built_at = datetime.fromtimestamp(source.stat().st_mtime, UTC)
            _js(out / "data" / "meta.js", "XXGK.meta = %s;", {"built_at": built_at.isoformat(timespec="seconds"),
                                                        "published_file": source.name})
            _js(out / "data" / "national.js", "XXGK.national = %s;", _national(con))
            summary.provinces = _provinces(con, out)
            summary.report_shards, summary.reports = _reports(con, out)
            _js(out / "data" / "quality.js", "XXGK.quality = %s;", _quality(con))
        finally:
            con.close()
        for name in BODIES:
            (out / f"{name}.html").write_text(_page(name), encoding="utf-8")
            summary.pages.append(f"{name}.html")
    return summary
