with reports as (

    select * from {{ ref('int_reports_deduped') }}

),

provinces as (

    select * from {{ ref('provinces') }}

),

portal_watch as (

    select * from {{ ref('int_portal_watch') }}

),

similarity as (

    select * from {{ ref('int_report_similarity') }}

),

compliance as (

    select * from {{ ref('int_report_compliance') }}

),

first_landings as (

    -- the Last-Modified header of the fetch that first landed the report's chosen document, and the
    -- date the list page printed beside the link that fetch followed
    select
        first_landings.sha256,
        fetches.listed_date,
        fetches.last_modified_at
    from {{ ref('stg_raw__first_landings') }} as first_landings
    inner join {{ ref('stg_raw__fetches') }} as fetches
        on fetches.fetch_id = first_landings.first_fetch_id

),

final as (

    select
        reports.report_id,
        reports.body_id,
        reports.doc_type,
        reports.issuer,
        reports.place,
        reports.place_code,
        reports.province_code,
        coalesce(provinces.province_name, reports.province_name) as province_name,
        reports.level,
        reports.admin_tier,
        reports.scope,
        reports.scope_evidence,
        reports.report_year,
        reports.era,
        reports.title,
        reports.source_format,
        reports.source_url,
        reports.portal_id,
        reports.first_seen_at,
        reports.last_seen_at,
        portal_watch.watched_since,
        reports.publication_date,
        first_landings.listed_date,
        first_landings.last_modified_at,
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
        reports.is_synthetic,
        similarity.previous_year_report_id,
        similarity.previous_year_similarity,
        coalesce(similarity.is_copy_of_previous_year, false) as is_copy_of_previous_year,
        compliance.has_all_six_sections,
        compliance.tables_well_formed,
        compliance.fee_consistent_with_section6,
        reports.documents_cnt,
        reports.versions_cnt,
        reports.changed_after_first_seen,
        reports.stated_date_changed,
        reports.duplicates_cnt,
        reports.duplicate_sha256s,
        reports.fetches_cnt,
        reports.facts_cnt,
        reports.value_facts_cnt,
        reports.exact_facts_cnt,
        reports.quality_issues_cnt,
        reports.quality_errors_cnt,
        reports.quality_warnings_cnt,
        reports.checks_passed_cnt,
        reports.parser_version
    from reports
    left join provinces using (province_code)
    left join portal_watch using (portal_id)
    left join similarity using (report_id)
    left join compliance using (report_id)
    left join first_landings on first_landings.sha256 = reports.sha256

),

timeliness as (

    select
        *,
        date_diff('day', statutory_deadline, cast(timezone('Asia/Shanghai', first_seen_at) as date)) as first_seen_days_after_deadline,
        -- evidence, not inference: first seen by a crawl that was already watching the portal before
        -- the deadline; a report first seen after we began watching is not known to be late
        case
            when statutory_deadline is null or watched_since is null or first_seen_at is null then null
            when cast(timezone('Asia/Shanghai', watched_since) as date) > statutory_deadline then null
            else cast(timezone('Asia/Shanghai', first_seen_at) as date) <= statutory_deadline
        end as on_time,
        -- weaker evidence, kept apart and labelled: the date the page states (back-dating is
        -- possible), else the date the list page printed beside its link, else the Last-Modified
        -- header of its first landing (a server's clock and whatever touched the file since)
        case
            when publication_date is not null then 'stated_date'
            when listed_date is not null then 'list_page_date'
            when last_modified_at is not null then 'last_modified_header'
        end as stated_on_time_evidence
    from final

)

select
    * exclude (stated_on_time_evidence),
    case when on_time is not null then 'first_seen_by_crawl' end as on_time_evidence,
    case
        when statutory_deadline is null then null
        when stated_on_time_evidence = 'stated_date' then publication_date <= statutory_deadline
        when stated_on_time_evidence = 'list_page_date' then listed_date <= statutory_deadline
        when stated_on_time_evidence = 'last_modified_header'
            then cast(timezone('Asia/Shanghai', last_modified_at) as date) <= statutory_deadline
    end as stated_on_time,
    case when statutory_deadline is not null then stated_on_time_evidence end as stated_on_time_evidence
from timeliness
