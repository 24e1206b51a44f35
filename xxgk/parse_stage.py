"""The parse stage: every landed report or attachment body → ``parsed.*``.

Reads only ``raw.*`` and the bodies under ``DIR/raw``; never the network. The ``parsed``
tables are replaced in one transaction, so a parser fix is applied by re-running this stage
over all history, and a crash leaves the previous parse intact.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from xxgk import reference, warehouse
from xxgk.parsing import PARSER_VERSION, extract_document
from xxgk.parsing.similarity import sentence_hashes
from xxgk.rawstore import blob_path

log = logging.getLogger(__name__)

LANDED_DOCUMENTS_SQL = """
select
    f.sha256,
    arg_min(f.url, f.fetched_at) as url,
    arg_min(f.headers->>'content-type', f.fetched_at) as content_type,
    arg_min(f.link_text, f.fetched_at) as link_text,
    arg_min(f.portal_id, f.fetched_at) as portal_id,
    arg_min(p.name, f.fetched_at) as portal_name,
    arg_min(p.province_code, f.fetched_at) as portal_province_code
from raw.fetches f
left join raw.portals p using (portal_id)
where f.outcome in ('landed', 'not_modified') and f.role in ('report', 'attachment') and f.sha256 is not null
group by f.sha256
order by f.sha256
"""


@dataclass
class ParseSummary:
    documents: int = 0
    parsed: int = 0
    failed: int = 0
    unsupported: int = 0
    facts: int = 0
    issues: int = 0
    by_doc_type: dict[str, int] = field(default_factory=dict)
    failures: list[dict] = field(default_factory=list)


def parse_landed(data_dir: Path) -> ParseSummary:
    summary = ParseSummary()
    documents, texts, facts, issues = [], [], [], []
    parsed_at = datetime.now(UTC)
    con = warehouse.connect(data_dir)
    try:
        for sha, url, content_type, link_text, portal_id, portal_name, province_code in con.execute(
            LANDED_DOCUMENTS_SQL
        ).fetchall():
            summary.documents += 1
            hints = {"url": url, "link_text": link_text, "portal_id": portal_id, "portal_name": portal_name,
                     "portal_province_code": province_code}
            document = {"sha256": sha, "parser_version": PARSER_VERSION, "parsed_at": parsed_at}
            try:
                extraction = extract_document(blob_path(data_dir, sha).read_bytes(), content_type=content_type,
                                              url=url, hints=hints)
            except Exception as exc:  # noqa: BLE001 - a parser bug must cost one document, not the night
                log.error("parsing %s (%s) failed:\n%s", sha, url, traceback.format_exc())
                document.update(status="failed", status_reason=f"{type(exc).__name__}: {exc}"[:1000])
                documents.append(document)
                summary.failed += 1
                summary.failures.append({"url": url, "sha256": sha, "reason": document["status_reason"]})
                continue
            document.update(extraction.document)
            document["sentence_hashes"] = sentence_hashes(extraction.text)  # for 雷同 in the marts
            documents.append(document)
            texts.append({"sha256": sha, "text": extraction.text})
            for seq, fact in enumerate(extraction.facts):
                facts.append({**fact, "sha256": sha, "fact_seq": seq})
            for seq, issue in enumerate(extraction.issues):
                issues.append({**issue, "sha256": sha, "issue_seq": seq})
            status = document["status"]
            if status == "parsed":
                summary.parsed += 1
                doc_type = document.get("doc_type") or "unknown"
                summary.by_doc_type[doc_type] = summary.by_doc_type.get(doc_type, 0) + 1
            else:
                setattr(summary, status, getattr(summary, status) + 1)
                summary.failures.append({"url": url, "sha256": sha, "reason": document.get("status_reason")})
        summary.facts, summary.issues = len(facts), len(issues)
        con.execute("begin transaction")
        try:
            for table in ("parsed.documents", "parsed.document_texts", "parsed.facts", "parsed.quality_issues"):
                con.execute(f"delete from {table}")
            warehouse.bulk_insert(con, "parsed.documents", warehouse.DOCUMENT_COLUMNS, documents)
            warehouse.bulk_insert(con, "parsed.document_texts", ["sha256", "text"], texts)
            warehouse.bulk_insert(con, "parsed.facts", warehouse.FACT_COLUMNS, facts)
            warehouse.bulk_insert(con, "parsed.quality_issues", warehouse.ISSUE_COLUMNS, issues)
            con.execute("commit")
            # the divisions places were resolved against, for the marts' lists of expected bodies
            reference.write_divisions(con)
        except Exception:
            con.execute("rollback")
            raise
    finally:
        con.close()
    return summary
