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
    document = extraction.document
    out = {"path": path, "status": document["status"]}
    if document.get("status_reason"):
        out["status_reason"] = document["status_reason"]
    for name in METADATA_FIELDS:
        out[name] = document.get(name)
    out["title"] = document.get("title")
    out["publication_date"] = document["publication_date"].isoformat() if document.get("publication_date") else None
    kpis: dict[str, tuple[int, float]] = {}
    approx: dict[str, dict] = {}
    table3: dict[str, dict] = {}
    table4: dict[str, dict] = {}
    for fact in extraction.facts:
        kpi, value, source = fact["kpi"], fact["value"], fact["source"]
        if source == "table3":
            table3.setdefault(fact["row_key"], {})[fact["col_key"]] = None if value is None else as_number(value)
            if fact["col_key"] != "total":
                continue
        if source == "table4" and fact["row_key"] in labels.table4_groups():
            table4.setdefault(fact["row_key"], {})[fact["col_key"]] = None if value is None else as_number(value)
        if value is None:
            continue
        if fact["qualifier"] is None:
            rank = _SOURCE_RANK.get(source, 3)
            if kpi not in kpis or rank < kpis[kpi][0]:
                kpis[kpi] = (rank, value)
        elif fact["qualifier"] in APPROX_QUALIFIERS and kpi not in approx:
            approx[kpi] = {"value": as_number(value), "raw": fact["raw_text"], "qualifier": fact["qualifier"]}
    out["kpis"] = {kpi: as_number(value) for kpi, (_rank, value) in kpis.items()}
    out["approx"] = {kpi: entry for kpi, entry in approx.items() if kpi not in out["kpis"]}
    if table3:
        out["table3"] = table3
    if table4:
        out["table4"] = labels.table4_to_gold(table4)
    return out

