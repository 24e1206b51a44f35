-- every finding of the parse stage (勾稽 checks that do not add up, unmapped labels, decode
-- problems, …; checks that held or could not be checked are left out) with the report its
-- document belongs to; report_id is
-- null for documents that are not reports (failed or unsupported parses, doc_type 'other').
-- checks that held, or could not be checked, are counted per report in marts.fct_reports

with issues as (

    select * from {{ ref('stg_parsed__quality_issues') }}
    -- a 勾稽 record that found nothing wrong (it held, or nothing could be checked) is not a finding
    where not (
        json_extract(detail, '$.checked') is not null
        and coalesce(json_array_length(json_extract(detail, '$.failed')), 0) = 0
    )

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
