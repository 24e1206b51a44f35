"""``extract_document``: landed bytes → one ``Extraction`` (document row, text, facts, issues)."""

from __future__ import annotations

import atexit
import gc
import re
from dataclasses import dataclass, field

from xxgk.parsing import gazetteer as gz
from xxgk.parsing import prose, sources, tables
from xxgk.parsing.audits import run_audits
from xxgk.parsing.evidence import record_ambiguous_site, site_division, site_evidence
from xxgk.parsing.facts import with_context
from xxgk.parsing.issuer import (
    GENERIC_ORGAN,
    expand_short_county,
    infer_from_self_reference,
    needs_site_place,
    publisher_field,
    resolve_issuer,
    with_site_place,
)
from xxgk.parsing.mirrors import is_suspect_mirror
from xxgk.parsing.normalize import fold
from xxgk.parsing.places import place_fields
from xxgk.parsing.summary import extraction_summary
from xxgk.parsing.titles import doc_type_of, title_of
from xxgk.parsing.years import era_of, publication_date_of, report_year_of, title_year

PARSER_VERSION = "0.7.4"

DOCUMENT_FIELDS = ("status", "status_reason", "source_format", "doc_type", "title", "issuer", "place", "place_code",
                   "province",
                   "province_code", "level", "admin_tier", "scope", "report_year", "era", "publication_date",
                   "is_suspect_mirror", "is_synthetic", "text_chars", "scope_evidence", "field_sources")
SOURCE_LINE = re.compile(rb"^# source:\s*(https?://\S+)", re.IGNORECASE)


@dataclass
class Extraction:
    """One extracted document: its parsed.documents row, its text, facts and quality issues."""

    document: dict
    text: str = ""
    facts: list[dict] = field(default_factory=list)
    issues: list[dict] = field(default_factory=list)
    url: str | None = None  # where the body came from: given, or its `# source:` line

    def to_extract_json(self, path: str) -> dict:
        """The line ``xxgk extract`` prints for this document (gold schema, data dictionary section 12)."""
        return extraction_summary(self, path)


def warm_up() -> None:
    """Load the reference data once (OpenCC, the gazetteer with its pinyin index, the label maps,
    lxml), then take it out of the cyclic garbage collector's sight: some 300,000 objects that live
    as long as the process, and that every full collection would scan again (8 % of the time of an
    HTML extraction, measured). For processes that only extract (parse workers, ``xxgk extract``)."""
    extract_document("2020年政府信息公开工作年度报告\n".encode(), content_type="text/plain",
                     url="http://www.minhou.gov.cn/zwgk/ndbg/1.html")
    if not gc.get_freeze_count():
        # back in sight at exit, so the interpreter's last collection frees them and extension
        # modules (DuckDB's bindings) do not report their objects as leaked
        atexit.register(gc.unfreeze)
    gc.freeze()


def _empty_document(source_format: str, status: str, reason: str | None) -> dict:
    document = {name: None for name in DOCUMENT_FIELDS}
    document.update(status=status, status_reason=reason, source_format=source_format, is_suspect_mirror=False,
                    is_synthetic=False, text_chars=0)
    return document


def _province_from_hints(hints: dict) -> str | None:
    province = hints.get("portal_province")
    if province:
        division = gz.lookup(province)
        return division.province if division else province
    return gz.province_by_code(hints.get("portal_province_code"))


def extract_document(body: bytes, *, content_type: str | None = None, url: str | None = None,
                     hints: dict | None = None) -> Extraction:
    """Parse one landed body. Bad input gives status 'failed' or 'unsupported', never an exception."""
    hints = dict(hints or {})
    url = url or hints.get("url")
    if url is None:
        m = SOURCE_LINE.match(body[:2048])
        if m:
            url = m.group(1).decode("utf-8", "replace")
    if not body:
        return Extraction(_empty_document("text", "failed", "empty body"), url=url)
    source = sources.load(body, content_type, url)
    if source.status == "parsed" and not source.text.strip():
        source.status, source.status_reason = "unsupported", "no text extracted (image-only or empty page)"
    if source.status != "parsed":
        document = _empty_document(source.source_format, source.status, source.status_reason)
        return Extraction(document, source.text, [], list(source.issues), url=url)
    extraction = _extract(source, url, hints)
    extraction.url = url
    return extraction


def _extract(source: sources.Source, url: str | None, hints: dict) -> Extraction:
    """A parsed source's document row, facts and issues."""
    text = source.text
    folded = fold(text)
    compact = "".join(folded.split())  # every whitespace character out, as re's \s+ would
    issues = list(source.issues)

    title, title_source = title_of(text, source.html_title, source.meta, hints.get("link_text"), url)
    doc_type = doc_type_of(folded, fold(title) if title else None)
    report_year = report_year_of(folded, title, doc_type, issues)
    table_era = tables.era_from_tables(compact)
    era = era_of(table_era, report_year, doc_type)

    facts = _facts(source, folded, era, table_era, issues) if doc_type != "other" else []

    portal_province = _province_from_hints(hints)
    evidence = site_evidence(url=url, portal_name=hints.get("portal_name"), portal_province=portal_province,
                             link_text=hints.get("link_text"), title=title, fold_text=folded, year=report_year)
    sources: dict[str, str] = {}
    issuer, unnamed_organ = _issuer(source, folded, title, title_source, doc_type, report_year, evidence, issues,
                                    sources)
    places = place_fields(issuer, folded, doc_type, year=report_year, evidence=evidence, issues=issues,
                          unnamed_organ=unnamed_organ)
    sources.update(places.pop("sources"))
    if places["province"] is None and portal_province:
        places["province"] = portal_province
        places["province_code"] = gz.province_code(portal_province)
        sources["province"] = "portal"
    if doc_type == "news" and issuer is None:
        places = {k: None for k in places}
        sources = {}
    if title:
        sources["title"] = title_source
    if report_year is not None:
        sources["report_year"] = "title" if title_year(title) == report_year else "text"
    document = {
        "status": "parsed",
        "status_reason": None,
        "source_format": source.source_format,
        "doc_type": doc_type,
        "title": title,
        "issuer": issuer,
        **places,
        "report_year": report_year,
        "era": era,
        "publication_date": publication_date_of(folded, source.meta),
        "is_suspect_mirror": is_suspect_mirror(url, folded),
        # a page our own generator made (xxgk.synth: the demo portal, tests) says so in its metadata
        "is_synthetic": (source.meta.get("generator") or "").startswith("xxgk.synth"),
        "text_chars": len(text),
        "field_sources": sources,
    }
    return Extraction({k: document.get(k) for k in DOCUMENT_FIELDS}, text, with_context(facts, text), issues)


def _facts(source: sources.Source, folded: str, era: str | None, table_era: str | None,
           issues: list) -> list[dict]:
    """The facts of a report: its tables, then its prose, then the figures the audits derive."""
    facts = _table_facts(source, folded, era, table_era, issues)
    has_table2 = any(f["source"] == "table2" for f in facts)
    view = prose.prose_view(folded, source.source_format == "pdf" or prose.is_hard_wrapped(source.text))
    facts.extend(prose.extract_prose(view, era, source.original, has_table2=has_table2, issues=issues))
    audit_issues, derived = run_audits(facts, era)
    facts.extend(derived)
    issues.extend(audit_issues)
    return facts


def _issuer(source: sources.Source, folded: str, title: str | None, title_source: str | None, doc_type: str,
            report_year: int | None, evidence: list, issues: list, field_sources: dict) -> tuple[str | None, bool]:
    """(the issuer, whether the text names its body only by its kind): the issuer from the text's
    anchors, else 我县 / 我市 and the site, else the catalogue's 发布机构, completed with the site's
    area when printed without one; its witness into ``field_sources``."""
    issuer, how = resolve_issuer(folded, fold(title) if title else None, doc_type, report_year,
                                 site_division(evidence)[0])
    if issuer is not None:
        field_sources["issuer"] = title_source if how == "title" else "text"
    if how == GENERIC_ORGAN:
        return None, True  # "服务中心在…": one body, unnamed, and not its government
    if issuer is None and doc_type == "annual_report":
        issuer = infer_from_self_reference(folded, evidence, report_year)
        field_sources["issuer"] = "text"
    if issuer is None and doc_type == "annual_report":
        # the disclosure catalogue's 发布机构 field, when it names a place-qualified organ
        issuer = publisher_field(folded, source.meta)
        field_sources["issuer"] = "text"
    if issuer and doc_type != "news" and needs_site_place(issuer, report_year):
        # "区统计局" on a county's site: the host or portal names the area the text leaves out
        site, site_source = site_division(evidence)
        if site is None:
            record_ambiguous_site(evidence, issuer, issues)
        else:
            prefixed = with_site_place(issuer, site)
            if prefixed != issuer:
                issuer = prefixed
                field_sources["issuer"] = f"{field_sources.get('issuer', 'text')}+{site_source}"
    if issuer is None:
        field_sources.pop("issuer", None)
        return None, False
    return expand_short_county(issuer, report_year), False


def _table_facts(source: sources.Source, folded: str, era: str | None, table_era: str | None,
                 issues: list) -> list[dict]:
    facts: list[dict] = []
    regions = tables.find_regions(folded)
    original = source.original
    standard_era = era if era in ("2019_trial_format", "2021_format") else (table_era or "2021_format")

    grid_rows = tables.grid_rows_by_line(source.grids) if source.source_format in ("html", "docx") else None

    def region_cells(region, columns=None, total_last=False):
        return tables.text_cells(folded, region[0], region[1], grid_rows, columns, total_last)

    # each table's facts with the issues its parse raised, so a better reading can replace both
    by_table: dict[str, tuple[list[dict], list[dict]]] = {}
    if regions.table2:
        by_table["table2"] = _parsed(tables.parse_table2, region_cells(regions.table2), standard_era, original)
    if regions.table3:
        by_table["table3"] = _parsed(tables.parse_table3, region_cells(regions.table3, 7, True), standard_era, original)
    if regions.table4:
        by_table["table4"] = _parsed(tables.parse_table4, region_cells(regions.table4, 15), standard_era, original)
    if source.source_format == "pdf" and source.grids:
        by_table = _pdf_grid_fallback(source, by_table, standard_era)
    for table_facts, table_issues in by_table.values():
        facts.extend(table_facts)
        issues.extend(table_issues)
    if era == "2008_regulation" or not any(f["source"] in ("table2", "table3", "table4") for f in facts):
        annex = tables.parse_annex(region_cells((0, len(folded))), issues, original)
        facts.extend(annex)
    return facts


def _parsed(parse, cells, era, original) -> tuple[list[dict], list[dict]]:
    found: list[dict] = []
    return parse(cells, era, found, original), found


def _pdf_grid_fallback(source, by_table: dict, era) -> dict:
    """PDF tables found by pdfplumber stand in for a table the text layer garbled.

    The ruled table is the better witness when the text layer lost cells (labels wrapped in
    narrow columns interleave with the numbers of their row): per table, whichever of the two
    yields more cells wins, with the issues its own parse raised, and the grid's facts carry
    table / row / column provenance.
    """
    cells = [cell for grid in source.grids for row in grid for cell in row]
    for cell in cells:
        cell.text = fold(cell.text)
    from_grid = {
        "table2": _parsed(tables.parse_table2, cells, era, None),
        "table3": _parsed(tables.parse_table3, cells, era, None),
        "table4": _parsed(tables.parse_table4, cells, era, None),
    }
    chosen = dict(by_table)
    for table, (grid_facts, grid_issues) in from_grid.items():
        if len(grid_facts) > len(by_table.get(table, ([], []))[0]):
            chosen[table] = (grid_facts, grid_issues)
    return chosen
