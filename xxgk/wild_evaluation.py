"""``xxgk eval --wild DIR``: label-free figures of how the extractor does on real reports.

Nobody has labelled the wild corpus, so nothing here says a value is right. What it can say
is where extraction breaks: which metadata fields stay unresolved (each document is read twice: with
the URL the page came from, and from its text alone), where the two readings disagree on the
province or place (one of them is then wrong, whichever it is), which documents hold the standard
table 三 that the reader did not find, which tables do not balance, and which row labels no
vocabulary file maps. Each of those is a class of failure to turn into a hand-checked fixture.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from xxgk.extract_commands import extract_file
from xxgk.parsing.extract import Extraction
from xxgk.parsing.normalize import fold

RESOLVED_FIELDS = ("issuer", "place", "province", "level", "scope", "report_year", "era")
DOCUMENT_SUFFIXES = (".txt", ".html", ".htm", ".pdf", ".docx", ".doc", ".wps")
_BALANCE_CHECKS = ("T3-balance", "T3-columns", "T3-results")
# table 三 printed in the text, whatever its layout: its first row label and one more (prose
# about applications says 予以公开 and 结转下年度继续办理 too, never the row label 本年新收…数量)
_TABLE3_FIRST_ROW = re.compile(r"本年新收政府信息公开申请数量")
_TABLE3_OTHER_ROWS = re.compile(r"上年结转政府信息公开申请数量|予以公开")
TARGETS = {"province": 0.97, "issuer": 0.95, "report_year": 0.99, "table3_found": 0.95, "table3_balanced": 0.97}


@dataclass
class WildFigures:
    """Label-free tallies over a folder of real documents: what parsed, what resolved, which tables were
    found and balanced, which labels stayed unmapped."""

    files: int = 0
    with_url: int = 0
    reports: int = 0
    reports_with_url: int = 0
    not_reports: Counter = field(default_factory=Counter)
    failed: list[tuple[str, str]] = field(default_factory=list)
    resolved_with_url: Counter = field(default_factory=Counter)
    resolved_without_url: Counter = field(default_factory=Counter)
    # (document, field, with its URL, from its text alone): both resolved, to different values
    disagreements: list[tuple[str, str, str, str]] = field(default_factory=list)
    table3_printed: int = 0
    table3_found: int = 0
    table3_not_found: list[str] = field(default_factory=list)
    table3_checked: int = 0
    table3_balanced: int = 0
    table3_unbalanced: list[str] = field(default_factory=list)
    unmapped_labels: Counter = field(default_factory=Counter)
    unresolved: dict[str, list[str]] = field(default_factory=dict)
    issue_counts: Counter = field(default_factory=Counter)

    def share(self, name: str, *, with_url: bool = True) -> float | None:
        """The share of reports whose field ``name`` resolved: of those with a source URL, read with it;
        or of all reports, read from the text alone. None with no such reports."""
        if with_url:
            return self.resolved_with_url[name] / self.reports_with_url if self.reports_with_url else None
        return self.resolved_without_url[name] / self.reports if self.reports else None

    @property
    def table3_found_share(self) -> float | None:
        """Of the reports that print table 三, the share in which the reader found it; None when none print it."""
        return self.table3_found / self.table3_printed if self.table3_printed else None

    @property
    def table3_balanced_share(self) -> float | None:
        """Of the tables 三 checked, the share that balance; None when none was checked."""
        return self.table3_balanced / self.table3_checked if self.table3_checked else None

    def as_dict(self) -> dict:
        """The figures as JSON-ready data (`xxgk eval --wild --json`)."""
        return {
            "files": self.files, "with_url": self.with_url, "reports": self.reports,
            "reports_with_url": self.reports_with_url, "not_reports": dict(self.not_reports),
            "failed": self.failed,
            "resolved_share_with_url": {f: self.share(f) for f in RESOLVED_FIELDS},
            "resolved_share_without_url": {f: self.share(f, with_url=False) for f in RESOLVED_FIELDS},
            "disagreements": self.disagreements,
            "table3": {"printed": self.table3_printed, "found": self.table3_found,
                       "found_share": self.table3_found_share, "not_found": self.table3_not_found,
                       "checked": self.table3_checked, "balanced": self.table3_balanced,
                       "balanced_share": self.table3_balanced_share, "unbalanced": self.table3_unbalanced},
            "unmapped_labels": self.unmapped_labels.most_common(),
            "unresolved": self.unresolved,
            "issue_counts": dict(self.issue_counts),
        }


def table3_printed(text: str) -> bool:
    """Whether the text holds table 三, by its first row label and one more (prose never uses the row labels)."""
    compact = re.sub(r"\s+", "", fold(text))
    first = _TABLE3_FIRST_ROW.search(compact)
    return bool(first and _TABLE3_OTHER_ROWS.search(compact, first.end()))


def _resolved(document: dict, name: str) -> bool:
    central = name in ("province", "place") and document.get("admin_tier") == "central"
    return document.get(name) is not None or central  # a State Council body has no province


def add_document(figures: WildFigures, name: str, extraction: Extraction, url: str | None,
                 text_only: Extraction | None = None) -> None:
    """Tally one document's extraction (``url`` None: the source URL was not known), and, given, the
    same document read from its text alone."""
    document = extraction.document
    figures.files += 1
    figures.with_url += bool(url)
    for issue in extraction.issues:
        figures.issue_counts[issue["check_id"]] += 1
        if issue["check_id"] == "unmapped-label":
            detail = issue.get("detail") or {}
            figures.unmapped_labels[f"{detail.get('table')}: {detail.get('label')}"] += 1
    if document["status"] != "parsed":
        figures.failed.append((name, f"{document['status']}: {document.get('status_reason')}"))
        return
    if document["doc_type"] != "annual_report":
        figures.not_reports[document["doc_type"]] += 1
        return
    figures.reports += 1
    figures.reports_with_url += bool(url)
    for name_of_field in RESOLVED_FIELDS:
        if not _resolved(document, name_of_field):
            figures.unresolved.setdefault(name_of_field, []).append(name)
        elif url:
            figures.resolved_with_url[name_of_field] += 1
    if text_only is not None:
        _add_text_only(figures, name, document, text_only.document)
    _add_table3(figures, name, extraction)


def _add_table3(figures: WildFigures, name: str, extraction: Extraction) -> None:
    """Whether the report prints table 三, whether it was found, and whether it balances."""
    if table3_printed(extraction.text):
        figures.table3_printed += 1
        if any(f["source"] == "table3" for f in extraction.facts):
            figures.table3_found += 1
        else:
            figures.table3_not_found.append(name)
    checks = [i for i in extraction.issues if i["check_id"] in _BALANCE_CHECKS]
    checked = [i for i in checks if (i.get("detail") or {}).get("checked")]
    if checked:
        figures.table3_checked += 1
        if any(i["detail"].get("failed") for i in checked):
            figures.table3_unbalanced.append(name)
        else:
            figures.table3_balanced += 1


def _add_text_only(figures: WildFigures, name: str, document: dict, alone: dict) -> None:
    """The text-only reading of a report: what resolves without the URL, and where it disagrees."""
    if alone.get("status") != "parsed":
        return
    for name_of_field in RESOLVED_FIELDS:
        if _resolved(alone, name_of_field):
            figures.resolved_without_url[name_of_field] += 1
    for name_of_field in ("province", "place", "report_year"):
        with_url, without = document.get(name_of_field), alone.get(name_of_field)
        if with_url is not None and without is not None and with_url != without:
            figures.disagreements.append((name, name_of_field, str(with_url), str(without)))


def wild_documents(directory: Path) -> list[Path]:
    """Every document file under ``directory`` a report can come as, in path order."""
    return sorted(p for p in directory.rglob("*") if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES)


def evaluate_wild(directory: str | Path) -> WildFigures:
    """The figures of every document under ``directory``."""
    figures = WildFigures()
    for path in wild_documents(Path(directory)):
        extraction = extract_file(path)
        text_only = extract_file(path, text_only=True) if extraction.url else extraction
        add_document(figures, path.name, extraction, extraction.url, text_only)
    return figures


def _pct(value: float | None) -> str:
    return "   n/a" if value is None else f"{100 * value:5.1f}%"


def report_lines(figures: WildFigures, directory: str) -> list[str]:
    """The figures as the printed summary, with the targets beside the shares."""
    not_reports = sum(figures.not_reports.values())
    lines = [f"{figures.files} documents under {directory} ({figures.with_url} with a source URL)",
             f"reports: {figures.reports} ({figures.reports_with_url} with URL); not reports: "
             + (", ".join(f"{k} {v}" for k, v in sorted(figures.not_reports.items())) or "none")
             + f" ({_pct(not_reports / figures.files if figures.files else None).strip()})",
             f"failed to parse: {len(figures.failed)}",
             "",
             f"{'field resolved':<16}{'with URL':>10}{'text only':>10}{'target':>9}",
             f"{'(of reports)':<16}{figures.reports_with_url:>10}{figures.reports:>10}"]
    for name in RESOLVED_FIELDS:
        target = TARGETS.get(name)
        lines.append(f"{name:<16}{_pct(figures.share(name)):>10}{_pct(figures.share(name, with_url=False)):>10}"
                     f"{(_pct(target) if target else ''):>9}")
    lines += ["",
              f"table 三 printed in {figures.table3_printed} reports, found in {figures.table3_found}: "
              f"{_pct(figures.table3_found_share).strip()} (target {_pct(TARGETS['table3_found']).strip()})",
              f"table 三 checkable in {figures.table3_checked}, balanced in {figures.table3_balanced}: "
              f"{_pct(figures.table3_balanced_share).strip()} (target {_pct(TARGETS['table3_balanced']).strip()})"]
    if figures.table3_not_found:
        lines.append("  not found: " + " ".join(figures.table3_not_found))
    if figures.table3_unbalanced:
        lines.append("  unbalanced: " + " ".join(figures.table3_unbalanced))
    lines.append(f"read with the URL and from the text alone, disagreeing on province, place or year: "
                 f"{len(figures.disagreements)}")
    lines += [f"  {doc} {what}: {a} (with URL) / {b} (text only)" for doc, what, a, b in figures.disagreements]
    for name in ("province", "issuer", "report_year"):
        if figures.unresolved.get(name):
            lines.append(f"unresolved {name}: " + " ".join(figures.unresolved[name]))
    if figures.unmapped_labels:
        lines += ["", "unmapped labels (by frequency):"]
        lines += [f"  {count:>4}  {label}" for label, count in figures.unmapped_labels.most_common(40)]
    if figures.failed:
        lines += ["", "failed:"] + [f"  {name}: {reason}" for name, reason in figures.failed]
    return lines


def wild_main(directory: str, *, as_json: bool = False) -> int:
    """`xxgk eval --wild DIR`: the summary (or ``as_json`` one JSON object); exit 2 without documents.
    0 also when stdout's reader hung up."""
    try:
        return _wild_main(directory, as_json)
    except BrokenPipeError:
        # `xxgk eval --wild DIR | head`: the reader has seen enough (as in evaluation.eval_main)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _wild_main(directory: str, as_json: bool) -> int:
    path = Path(directory)
    if not path.is_dir():
        print(f"xxgk eval --wild: not a directory: {directory}", file=sys.stderr)
        return 2
    figures = evaluate_wild(path)
    if not figures.files:
        print(f"xxgk eval --wild: no report documents ({', '.join(DOCUMENT_SUFFIXES)}) under {directory}",
              file=sys.stderr)
        return 2
    if as_json:
        print(json.dumps(figures.as_dict(), ensure_ascii=False))
    else:
        print("\n".join(report_lines(figures, directory)))
    return 0
