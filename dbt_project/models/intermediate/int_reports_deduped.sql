-- one row per report: the chosen document of int_report_documents, with the list of the
-- other documents (duplicates) that were landed for the same report

with report_documents as (

    select * from {{ ref('int_report_documents') }}

),

documents as (

    select * from {{ ref('int_documents_with_source') }}

),

url_versions as (

    -- bodies landed from one URL: an edited page is the same URL with new bytes
    select
        report_documents.report_id,
        documents.source_url,
        count(distinct report_documents.sha256) as versions_cnt
    from report_documents
    inner join documents using (sha256)
    group by report_documents.report_id, documents.source_url

),

report_versions as (

    select report_id, max(versions_cnt) as versions_cnt
    from url_versions
    group by report_id

),

report_groups as (

    select
        report_documents.report_id,
        count(*) as documents_cnt,
        coalesce(
            list(report_documents.sha256 order by report_documents.rank_in_report)
                filter (where not report_documents.is_chosen_document),
            cast([] as varchar[])
        ) as duplicate_sha256s,
        cast(sum(documents.fetches_cnt) as bigint) as fetches_cnt,
        count(distinct documents.publication_date) as stated_dates_cnt,
        min(documents.first_seen_at) as first_seen_at,
        max(documents.last_seen_at) as last_seen_at
    from report_documents
    inner join documents using (sha256)
    group by report_documents.report_id

),

chosen_documents as (

    select
        documents.*,
        report_documents.report_id,
        report_documents.report_key
    from report_documents
    inner join documents using (sha256)
    where report_documents.is_chosen_document

),

final as (

    select
        chosen_documents.report_id,
        chosen_documents.report_key,
        chosen_documents.sha256,
        chosen_documents.doc_type,
        chosen_documents.title,
        chosen_documents.issuer,
        chosen_documents.place,
        chosen_documents.place_code,
        -- a government is its division (GB/T 2260 code); a department or township is its name in its area
        case
            when chosen_documents.level in ('province', 'city', 'county') and chosen_documents.place_code is not null
                then chosen_documents.place_code
            when chosen_documents.issuer is not null
                then coalesce(chosen_documents.place_code, chosen_documents.province_code, '000000')
                    || ':' || chosen_documents.issuer
        end as body_id,
        chosen_documents.province_name,
        chosen_documents.province_code,
        chosen_documents.level,
        chosen_documents.admin_tier,
        chosen_documents.scope,
        chosen_documents.scope_evidence,
        chosen_documents.report_year,
        chosen_documents.era,
        chosen_documents.publication_date,
        chosen_documents.source_format,
        chosen_documents.source_url,
        chosen_documents.portal_id,
        chosen_documents.is_suspect_mirror,
        chosen_documents.is_synthetic,
        chosen_documents.sentence_hashes,
        chosen_documents.parser_version,
        report_groups.first_seen_at,
        report_groups.last_seen_at,
        report_groups.documents_cnt,
        report_versions.versions_cnt,
        report_versions.versions_cnt > 1 as changed_after_first_seen,
        report_groups.stated_dates_cnt > 1 as stated_date_changed,
        report_groups.documents_cnt - 1 as duplicates_cnt,
        report_groups.duplicate_sha256s,
        report_groups.fetches_cnt,
        chosen_documents.facts_cnt,
        chosen_documents.value_facts_cnt,
        chosen_documents.exact_facts_cnt,
        chosen_documents.quality_issues_cnt,
        chosen_documents.quality_errors_cnt,
        chosen_documents.checks_passed_cnt,
        chosen_documents.quality_warnings_cnt
    from chosen_documents
    inner join report_groups using (report_id)
    inner join report_versions using (report_id)

)

select * from final
