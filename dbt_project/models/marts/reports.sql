with reports as (

    select * from {{ ref('int_reports_deduped') }}

),

provinces as (

    select * from {{ ref('provinces') }}

),

final as (

    select
        reports.report_id,
        reports.doc_type,
        reports.issuer,
        reports.place,
        reports.province_code,
        coalesce(provinces.province_name, reports.province_name) as province_name,
        reports.level,
        reports.admin_tier,
        reports.scope,
        reports.report_year,
        reports.era,
        reports.title,
        reports.source_format,
        reports.source_url,
        reports.portal_id,
        reports.first_seen_at,
        reports.last_seen_at,
        reports.publication_date,
        -- 2008 regulation art. 31: 31 March; 2019 revision art. 49: departments 31 January,
        -- governments 31 March (local rules can be earlier; this is the national deadline)
        case
            when reports.report_year is null then null
            when reports.report_year >= 2019 and reports.level = 'department'
                then make_date(reports.report_year + 1, 1, 31)
            else make_date(reports.report_year + 1, 3, 31)
        end as statutory_deadline,
        reports.sha256,
        reports.is_suspect_mirror,
        reports.documents_cnt,
        reports.duplicates_cnt,
        reports.duplicate_sha256s,
        reports.fetches_cnt,
        reports.facts_cnt,
        reports.value_facts_cnt,
        reports.exact_facts_cnt,
        reports.quality_issues_cnt,
        reports.quality_errors_cnt,
        reports.quality_warnings_cnt,
        reports.parser_version
    from reports
    left join provinces using (province_code)

)

select
    *,
    date_diff('day', statutory_deadline, cast(first_seen_at as date)) as first_seen_days_after_deadline
from final
