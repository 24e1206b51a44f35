"""The 勾稽 checks of data dictionary section 7, one quality record per check and document.

A failed check is a finding about the report, not a parse error: the values stay stored.
Checks touching a blank or absent cell are recorded as not checkable."""

from __future__ import annotations

from xxgk.parsing import labels
from xxgk.parsing.facts import make_fact, quality_issue
from xxgk.parsing.tables import T4_GROUPS

_RESULT_ROWS_COMMON = (
    "result_granted", "result_partially_granted", "result_denied_state_secret", "result_denied_law_prohibited",
    "result_denied_three_securities_one_stability", "result_denied_third_party_rights",
    "result_denied_internal_affairs", "result_denied_process_info", "result_denied_law_enforcement_file",
    "result_denied_admin_query", "result_unable_not_held", "result_unable_needs_creation",
    "result_unable_unclear_after_correction", "result_not_processed_petition_complaint",
    "result_not_processed_duplicate", "result_not_processed_publication", "result_not_processed_mass_repetitive",
    "result_not_processed_confirm_reissue")
_RESULT_OTHER = {"2019_trial_format": ("result_other",),
                 "2021_format": ("result_other_no_correction", "result_other_fee_unpaid", "result_other_other")}
_PROSE_CHECKED = ("applications_received", "applications_carried_in", "results_total", "applications_carried_forward",
                  "admin_reconsideration_total", "admin_litigation_total")
_TOLERANCE = 1e-6


def _record(check_id: str, outcomes: list[dict], what: str) -> dict | None:
    if not outcomes:
        return None
    failed = [o for o in outcomes if o["status"] == "failed"]
    unchecked = [o for o in outcomes if o["status"] == "not_checkable"]
    if failed:
        severity, message = "warning", f"{what}: {len(failed)} of {len(outcomes)} do not add up"
    elif len(unchecked) == len(outcomes):
        severity, message = "info", f"{what}: not checkable (blank or absent cells)"
    else:
        severity, message = "info", f"{what}: holds ({len(outcomes) - len(unchecked)} checked)"
    return quality_issue(check_id, severity, message,
                         {"failed": failed, "not_checkable": [o["where"] for o in unchecked],
                          "checked": len(outcomes) - len(unchecked)})


def _compare(where: str, total, parts: list) -> dict:
    if total is None or any(p is None for p in parts):
        return {"where": where, "status": "not_checkable"}
    expected = sum(parts)
    status = "ok" if abs(total - expected) <= _TOLERANCE else "failed"
    return {"where": where, "status": status, "total": total, "sum_of_parts": expected}


def run_audits(facts: list[dict], era: str | None) -> tuple[list[dict], list[dict]]:
    """(issues, derived facts): the identities of tables 三 and 四, the lawsuits total derived from
    table 四, and figures restated in prose against the table cells."""
    cells = {}
    for fact in facts:
        if fact["source"] in ("table3", "table4"):
            cells[fact["kpi"]] = fact
    issues: list[dict] = []
    derived: list[dict] = []
    value = {kpi: fact["value"] for kpi, fact in cells.items()}
    t3_rows = {f["row_key"] for f in facts if f["source"] == "table3"}
    if t3_rows and era in _RESULT_OTHER:
        issues.extend(_table3_audits(value, t3_rows, era))
    if any(f["source"] == "table4" for f in facts):
        issues.extend(_table4_audits(facts, cells, value, derived))
    record = _prose_vs_table(facts, derived)
    if record:
        issues.append(record)
    return issues, derived


def _table3_audits(value: dict, t3_rows: set[str], era: str) -> list[dict]:
    """Table 三: received + carried in = processed + carried forward; 总计 = the applicant columns;
    （七）总计 = the result rows."""
    columns = labels.table3_columns()

    def cell(row: str, column: str):
        return value.get(row if column == "total" else f"{row}_{column}")

    balance = [_compare(column, _sum_or_none([cell("results_total", column), cell("applications_carried_forward", column)]),
                        [cell("applications_received", column), cell("applications_carried_in", column)])
               for column in columns]
    applicant_columns = labels.applicant_columns()
    row_checks = [_compare(row, cell(row, "total"), [cell(row, c) for c in applicant_columns]) for row in sorted(t3_rows)]
    result_rows = _RESULT_ROWS_COMMON + _RESULT_OTHER[era]
    result_checks = [_compare(column, cell("results_total", column), [cell(r, column) for r in result_rows])
                     for column in columns]
    records = (_record("T3-balance", balance, "table 三 received + carried in = processed + carried forward"),
               _record("T3-columns", row_checks, "table 三 总计 column = sum of applicant columns"),
               _record("T3-results", result_checks, "table 三 （七）总计 = sum of result rows"))
    return [record for record in records if record]


def _table4_audits(facts: list[dict], cells: dict, value: dict, derived: list[dict]) -> list[dict]:
    """Table 四: each group's total = its parts; the lawsuits total (direct + after reconsideration)
    derived into ``derived`` and checked against the prose when it states one exactly."""
    issues: list[dict] = []
    part_checks = [_compare(group, value.get(f"{group}_total"),
                            [value.get(f"{group}_{p}") for p in ("upheld", "corrected", "other", "pending")])
                   for group in T4_GROUPS]
    record = _record("T4-parts", part_checks, "table 四 total = upheld + corrected + other + pending")
    if record:
        issues.append(record)
    direct = cells.get("admin_litigation_direct_total")
    after = cells.get("admin_litigation_after_reconsideration_total")
    if not (direct and after and direct["value"] is not None and after["value"] is not None):
        issues.append(quality_issue("T4-litigation", "info", "lawsuits total not derivable (blank or absent cells)"))
        return issues
    # provenance of a derived figure: the table row of its parts (raw_text names both cells)
    fact = make_fact("admin_litigation_total", direct["value"] + after["value"], source="table4",
                     unit="count", row_key="admin_litigation", col_key="total", row_label="行政诉讼",
                     col_label="总计 (derived: 未经复议直接起诉 总计 + 复议后起诉 总计)",
                     raw_text=f"{direct['raw_text']} + {after['raw_text']}")
    fact.update(table_index=direct["table_index"], row_index=direct["row_index"],
                col_index=direct["col_index"])
    derived.append(fact)
    prose = next((f for f in facts if f["kpi"] == "admin_litigation_total" and f["source"] == "narrative"), None)
    outcome = _compare("admin_litigation_total", direct["value"] + after["value"],
                       [direct["value"], after["value"]])
    if prose is not None and prose["qualifier"] is None:
        outcome = {"where": "admin_litigation_total vs prose", "total": prose["value"],
                   "sum_of_parts": direct["value"] + after["value"],
                   "status": "ok" if prose["value"] == direct["value"] + after["value"] else "failed"}
    issues.append(_record("T4-litigation", [outcome], "lawsuits = direct + after reconsideration"))
    return issues


def _prose_vs_table(facts: list[dict], derived: list[dict]) -> dict | None:
    """Figures stated exactly in prose (_PROSE_CHECKED) against the table cell of the same KPI."""
    table_values = {f["kpi"]: f["value"] for f in facts + derived
                    if f["source"] in ("table3", "table4") and f["value"] is not None}
    prose_checks = []
    for fact in facts:
        if fact["source"] == "narrative" and fact["kpi"] in _PROSE_CHECKED and fact["qualifier"] is None \
                and fact["kpi"] in table_values:
            table_value = table_values[fact["kpi"]]
            prose_checks.append({"where": fact["kpi"], "prose": fact["value"], "table": table_value,
                                 "status": "ok" if abs(table_value - fact["value"]) <= _TOLERANCE else "failed"})
    return _record("prose-vs-table", prose_checks, "figures restated in prose equal the table cells")


def _sum_or_none(values: list):
    return None if any(v is None for v in values) else sum(values)
