"""The records extraction emits: facts (rows of parsed.facts without sha256 and fact_seq) and quality
issues (rows of parsed.quality_issues without sha256 and issue_seq)."""

from __future__ import annotations

import re
from bisect import bisect_left

FACT_FIELDS = ("kpi", "value", "cell_state", "qualifier", "unit", "raw_text", "source", "table_index",
               "row_index", "col_index", "row_key", "col_key", "row_label", "col_label", "char_start", "char_end",
               "context_before", "context_after")
# how far the sentence around a span is shown each way (a researcher reads the figure in its words)
CONTEXT_CHARS = 120
_BREAK = re.compile("[。！？；\n]")


def quality_issue(check_id: str, severity: str, message: str, detail: dict | None = None) -> dict:
    """One quality issue: a check's id, ``info`` or ``warning``, a sentence for people, and its evidence."""
    return {"check_id": check_id, "severity": severity, "message": message, "detail": {} if detail is None else detail}


def make_fact(kpi: str, value: float | None, *, source: str, unit: str | None = None, qualifier: str | None = None,
              raw_text: str | None = None, cell=None, row_key: str | None = None, col_key: str | None = None,
              row_label: str | None = None, col_label: str | None = None, char_start: int | None = None,
              char_end: int | None = None) -> dict:
    """One fact: a KPI's value (None for a blank cell) with where it was read (cell or span)."""
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
        "context_before": None,
        "context_after": None,
    }


def sentence_breaks(text: str) -> list[int]:
    """Positions of the sentence ends and line breaks of ``text``, in order (what :func:`sentence_context`
    cuts at); computed once per document, not once per fact."""
    return [m.start() for m in _BREAK.finditer(text)]


def sentence_context(text: str, start: int | None, end: int | None,
                     breaks: list[int] | None = None) -> tuple[str | None, str | None]:
    """The rest of the sentence (or table line) around ``text[start:end]``: what comes before it since
    the last sentence end or line break, and after it up to the next (the 。 kept), each at most
    CONTEXT_CHARS long. (None, None) without a span. ``breaks``: :func:`sentence_breaks` of ``text``."""
    if start is None or end is None or not 0 <= start <= end <= len(text):
        return None, None
    if breaks is None:
        breaks = sentence_breaks(text)
    before_from = max(0, start - CONTEXT_CHARS)
    previous = bisect_left(breaks, start) - 1
    if previous >= 0:
        before_from = max(before_from, breaks[previous] + 1)
    after_to = min(len(text), end + CONTEXT_CHARS)
    following = bisect_left(breaks, end)
    if following < len(breaks) and breaks[following] < after_to:
        stop = breaks[following]
        after_to = stop if text[stop] == "\n" else stop + 1
    return text[before_from:start], text[end:after_to]


def with_context(facts: list[dict], text: str) -> list[dict]:
    """The facts with their sentence context filled in from the document text their spans index."""
    breaks = sentence_breaks(text)
    for fact in facts:
        fact["context_before"], fact["context_after"] = sentence_context(
            text, fact["char_start"], fact["char_end"], breaks)
    return facts
