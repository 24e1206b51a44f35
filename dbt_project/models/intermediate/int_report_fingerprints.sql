-- one row per report: a hash of everything the per-report models (int_report_kpis,
-- int_report_kpis_pivoted, int_report_compliance, fct_report_kpis) read about it. a night
-- rebuilds only the reports whose hash is new; the rest keep their rows.
-- the hash covers the report's documents in preference order, each with the time it was parsed
-- (facts, issues and text are replaced only by a re-parse), and the chosen document's attributes
-- the per-report models copy. a column those models start reading from int_reports_deduped
-- must be added here, or an edit of it reaches only new reports.
-- fetch bookkeeping (last_seen_at, fetches_cnt) is left out on purpose: it changes every night
-- for every report a crawl sees again, and no per-report model reads it.

with report_documents as (

    select * from {{ ref('int_report_documents') }}

),

documents as (

    select sha256, parsed_at from {{ ref('stg_parsed__documents') }}

),

reports as (

    select * from {{ ref('int_reports_deduped') }}

),

document_lists as (

    select
        report_documents.report_id,
        string_agg(
            report_documents.sha256 || '@' || cast(documents.parsed_at as varchar),
            ',' order by report_documents.rank_in_report
        ) as documents_signature
    from report_documents
    inner join documents using (sha256)
    group by report_documents.report_id

),

final as (

    select
        reports.report_id,
        -- 64 bits of md5: eight bytes on every row of the per-report models, not 32 characters
        md5_number_lower(concat_ws(
            '|',
            document_lists.documents_signature,
            reports.doc_type,
            coalesce(cast(reports.report_year as varchar), '∅'),
            coalesce(reports.era, '∅'),
            coalesce(reports.province_code, '∅'),
            coalesce(reports.scope, '∅'),
            coalesce(reports.level, '∅')
        )) as report_fingerprint
    from reports
    inner join document_lists using (report_id)

)

select * from final
