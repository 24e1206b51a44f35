-- every finding of the parse stage (勾稽 checks, unmapped labels, decode problems, …) with the
-- report its document belongs to; report_id is null for documents that are not reports
-- (failed or unsupported parses, doc_type 'other')

with issues as (

    select * from {{ ref('stg_parsed__quality_issues') }}

),

report_documents as (

    select * from {{ ref('int_report_documents') }}

),

reports as (

    select * from {{ ref('int_reports_deduped') }}

),

final as (

    select
        issues.sha256,
        issues.issue_seq,
        report_documents.report_id,
        coalesce(report_documents.is_chosen_document, false) as is_chosen_document,
        reports.doc_type,
        reports.report_year,
        reports.province_code,
        reports.issuer,
        issues.check_id,
        issues.severity,
        issues.message,
        issues.detail
    from issues
    left join report_documents using (sha256)
    left join reports using (report_id)

)

select * from final
