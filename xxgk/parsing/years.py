"""The years of a report: the year its statistics cover, the era of its template, and the date it
was published (data dictionary sections 2 and 9)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from xxgk.parsing.facts import quality_issue
from xxgk.parsing.normalize import fold

# not after a digit, 〔 or [: the look-behind sits after "19"/"20" (width 3) rather than first, so
# the regex engine can skip to a 1 or a 2 instead of testing the look-behind at every position
YEAR = r"((?:19|20)(?<![\d〔\[]..)\d{2})(?!\d)"
TITLE_YEAR = re.compile(YEAR + r"(?=\s*[年度\u4e00-\u9fff])\s*年?\s*度?\s*(?:年报|[^\n。〕《)]{0,24}?(?:政府信息公开|信息公开|政务公开)[^\n。]{0,12}?"
                        r"(?:年度报告|工作报告|年报|报告))")
_PERIOD = re.compile(r"统计(?:期限|时限|时间|期间)[^。\n]{0,12}?" + YEAR)
_YEAR_REPORT = re.compile(YEAR + r"\s*年\s*年报")
_ANY_YEAR = re.compile(YEAR + r"\s*年")
_DATE_ISO = re.compile(r"((?:19|20)\d{2})[-/.年]\s*(\d{1,2})[-/.月]\s*(\d{1,2})日?")
_DATE_LABEL = re.compile(r"(?:发布日期|发布时间|发文日期|成文日期|更新时间|日期|时间)[\s|:：]*((?:19|20)\d{2}[-/.年]\s*\d{1,2}[-/.月]\s*\d{1,2})")


def title_year(title: str | None) -> int | None:
    """The year the title names its report for."""
    m = TITLE_YEAR.search(fold(title)) if title else None
    return int(m.group(1)) if m else None


_FULL_YEAR_PERIOD = re.compile(r"统计(?:期限|时限|时间|期间)[^。\n]{0,8}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日\s*"
                               r"(?:起\s*)?[至到\-—~－]\s*(?:\1\s*年\s*)?12\s*月\s*31\s*日")


def report_year_of(fold_text: str, title: str | None, doc_type: str, issues: list | None = None) -> int | None:
    """The year the statistics cover: the title's, unless the report states a whole-year
    statistics period of another year (a title left from last year's template)."""
    if doc_type == "other":
        return None
    head = fold_text[:8000]
    period = _FULL_YEAR_PERIOD.search(head)
    named = TITLE_YEAR.search(fold(title)) if title else None
    named = named or TITLE_YEAR.search(head)
    if named:
        if period and period.group(1) != named.group(1):
            if issues is not None:
                issues.append(quality_issue("year-conflict", "warning",
                                            f"the report's name says {named.group(1)}, its statistics period "
                                            f"{period.group(1)}: the period's year is the report year",
                                            {"named_year": int(named.group(1)), "period": period.group(0)}))
            return int(period.group(1))
        return int(named.group(1))
    for pattern in (_PERIOD, _YEAR_REPORT):
        m = pattern.search(head)
        if m:
            return int(m.group(1))
    years = Counter(int(m.group(1)) for m in _ANY_YEAR.finditer(fold_text))
    return years.most_common(1)[0][0] if years else None


def era_of(table_era: str | None, report_year: int | None, doc_type: str) -> str | None:
    """The template era: the tables' own, else by the report year (2008 rules, 2019 trial, 2021)."""
    if doc_type == "other":
        return None
    if table_era:
        return table_era
    if report_year is None:
        return None
    if report_year <= 2018:
        return "2008_regulation"
    if report_year <= 2020:
        return "2019_trial_format"
    return "2021_format"


def publication_date_of(fold_text: str, meta: dict) -> date | None:
    """The publication date from the page's metadata, else a dated label in the text."""
    for key in ("pubdate", "firstpublishedtime", "publishdate", "发布日期", "发文日期", "成文日期"):
        value = meta.get(key)
        if value:
            parsed = _parse_date(value)
            if parsed:
                return parsed
    m = _DATE_LABEL.search(fold_text[:3000])
    if m:
        return _parse_date(m.group(1))
    return None


def _parse_date(value: str) -> date | None:
    m = _DATE_ISO.search(fold(value))
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
