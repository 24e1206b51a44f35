"""The gold-schema summary of one extraction: the line ``xxgk extract`` prints and ``xxgk eval`` scores."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xxgk.parsing import labels
from xxgk.parsing.numbers import as_number

if TYPE_CHECKING:
    from xxgk.parsing.extract import Extraction

METADATA_FIELDS = ("doc_type", "issuer", "place", "province", "level", "admin_tier", "scope", "report_year", "era")
APPROX_QUALIFIERS = ("more_than", "nearly", "rounded_wan")  # 约 (about) has no documented qualifier in the gold
_SOURCE_RANK = {"table2": 0, "table3": 0, "table4": 0, "annex_2008": 1, "narrative": 2}


def extraction_summary(extraction: Extraction, path: str) -> dict:
    """The document's metadata, its best exact value per KPI, approximate values, and the cells of
    tables 三 and 四, keyed as the gold files key them."""
    document = extraction.document
    out = {"path": path, "status": document["status"]}
    if document.get("status_reason"):
        out["status_reason"] = document["status_reason"]
    for name in METADATA_FIELDS:
        out[name] = document.get(name)
    out["title"] = document.get("title")
    out["publication_date"] = document["publication_date"].isoformat() if document.get("publication_date") else None
    kpis, approx = _kpi_values(extraction.facts)
    out["kpis"] = {kpi: as_number(value) for kpi, (_rank, value) in kpis.items()}
    out["approx"] = {kpi: entry for kpi, entry in approx.items() if kpi not in out["kpis"]}
    table3, table4 = _table_cells(extraction.facts)
    if table3:
        out["table3"] = table3
    if table4:
        out["table4"] = labels.table4_to_gold(table4)
    return out


def _kpi_values(facts: list[dict]) -> tuple[dict[str, tuple[int, float]], dict[str, dict]]:
    """Per KPI, the exact value of the best-ranked source (tables over 附表 over prose), and the
    first approximate value; of table 三 only its 总计 column counts."""
    kpis: dict[str, tuple[int, float]] = {}
    approx: dict[str, dict] = {}
    for fact in facts:
        kpi, value, source = fact["kpi"], fact["value"], fact["source"]
        if (source == "table3" and fact["col_key"] != "total") or value is None:
            continue
        if fact["qualifier"] is None:
            rank = _SOURCE_RANK.get(source, 3)
            if kpi not in kpis or rank < kpis[kpi][0]:
                kpis[kpi] = (rank, value)
        elif fact["qualifier"] in APPROX_QUALIFIERS and kpi not in approx:
            approx[kpi] = {"value": as_number(value), "raw": fact["raw_text"], "qualifier": fact["qualifier"]}
    return kpis, approx


def _table_cells(facts: list[dict]) -> tuple[dict[str, dict], dict[str, dict]]:
    """Every cell of table 三, and of table 四's groups, by row and column (blank cells as None)."""
    table3: dict[str, dict] = {}
    table4: dict[str, dict] = {}
    for fact in facts:
        value = None if fact["value"] is None else as_number(fact["value"])
        if fact["source"] == "table3":
            table3.setdefault(fact["row_key"], {})[fact["col_key"]] = value
        elif fact["source"] == "table4" and fact["row_key"] in labels.table4_groups():
            table4.setdefault(fact["row_key"], {})[fact["col_key"]] = value
    return table3, table4

