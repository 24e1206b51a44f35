"""The records extraction emits: facts (rows of parsed.facts without sha256 and fact_seq) and quality
issues (rows of parsed.quality_issues without sha256 and issue_seq)."""

from __future__ import annotations

FACT_FIELDS = ("kpi", "value", "cell_state", "qualifier", "unit", "raw_text", "source", "table_index",
               "row_index", "col_index", "row_key", "col_key", "row_label", "col_label", "char_start", "char_end",
               "context_before", "context_after")
# how far the sentence around a span is shown each way (a researcher reads the figure in its words)
CONTEXT_CHARS = 120
_SENTENCE_ENDS = "。！？；"


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


def sentence_context(text: str, start: int | None, end: int | None) -> tuple[str | None, str | None]:
    """The rest of the sentence (or table line) around ``text[start:end]``: what comes before it since
    the last sentence end or line break, and after it up to the next (the 。 kept), each at most
    CONTEXT_CHARS long. (None, None) without a span."""
    if start is None or end is None or not 0 <= start <= end <= len(text):
        return None, None
    before = text[max(0, start - CONTEXT_CHARS):start]
    cut = max(before.rfind(mark) for mark in _SENTENCE_ENDS + "\n")
    after = text[end:end + CONTEXT_CHARS]
    stops = [i + 1 for i in (after.find(mark) for mark in _SENTENCE_ENDS) if i >= 0]
    stops += [i for i in (after.find("\n"),) if i >= 0]
    return before[cut + 1:], after[:min(stops)] if stops else after


def with_context(facts: list[dict], text: str) -> list[dict]:
    """The facts with their sentence context filled in from the document text their spans index."""
    for fact in facts:
        fact["context_before"], fact["context_after"] = sentence_context(text, fact["char_start"], fact["char_end"])
    return facts
