"""The fact record (one row of parsed.facts without sha256 and fact_seq)."""

from __future__ import annotations

FACT_FIELDS = ("kpi", "value", "cell_state", "qualifier", "unit", "raw_text", "source", "table_index",
               "row_index", "col_index", "row_key", "col_key", "row_label", "col_label", "char_start", "char_end")


def make_fact(kpi: str, value: float | None, *, source: str, unit: str | None = None, qualifier: str | None = None,
              raw_text: str | None = None, cell=None, row_key: str | None = None, col_key: str | None = None,
              row_label: str | None = None, col_label: str | None = None, char_start: int | None = None,
              char_end: int | None = None) -> dict:
    if cell is not None and char_start is None:
        char_start, char_end = cell.start, cell.end
    return {
        "kpi": kpi,
        "value": None if value is None else float(value),
        "cell_state": "blank" if value is None else "value",
        "qualifier": qualifier,
        "unit": unit,
        "raw_text": raw_text,
        "source": source,
        "table_index": cell.table_index if cell is not None else None,
        "row_index": cell.row if cell is not None else None,
        "col_index": cell.col if cell is not None else None,
        "row_key": row_key,
        "col_key": col_key,
        "row_label": row_label,
        "col_label": col_label,
        "char_start": char_start,
        "char_end": char_end,
    }
