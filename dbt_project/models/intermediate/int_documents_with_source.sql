-- each parsed document with the fetch that first landed it, and its fact and issue counts

with documents as (

    select * from {{ ref('stg_parsed__documents') }}

),

landed_fetches as (

    select * from {{ ref('stg_raw__fetches') }}
    where outcome in ('landed', 'not_modified')
      and sha256 is not null

),

first_landing_ids as (

    select * from {{ ref('stg_raw__first_landings') }}

),

first_landings as (

    select
        first_landing_ids.sha256,
        first_landing_ids.first_fetch_id,
        coalesce(landed_fetches.final_url, landed_fetches.requested_url) as source_url,
        landed_fetches.portal_id,
        landed_fetches.fetch_role,
        landed_fetches.referrer_url,
        landed_fetches.link_text
    from first_landing_ids
    join landed_fetches on landed_fetches.fetch_id = first_landing_ids.first_fetch_id

),

landing_summaries as (

    select
        sha256,
        min(fetched_at) as first_seen_at,
        max(fetched_at) as last_seen_at,
        count(*) as fetches_cnt,
        count(distinct portal_id) as portals_cnt
    from landed_fetches
    group by sha256

),

facts as (

    select * from {{ ref('stg_parsed__facts') }}

),

fact_counts as (

    select
        sha256,
        count(*) as facts_cnt,
        count(*) filter (where cell_state = 'value') as value_facts_cnt,
        count(*) filter (where cell_state = 'value' and qualifier is null) as exact_facts_cnt
    from facts
    group by sha256

),

issues as (

    select * from {{ ref('stg_parsed__quality_issues') }}

),

issue_counts as (

    select
        sha256,
        count(*) as quality_issues_cnt,
        count(*) filter (where severity = 'error') as quality_errors_cnt,
        count(*) filter (where severity = 'warning') as quality_warnings_cnt,
        -- 勾稽 checks that held (info, at least one comparison made, none failed)
        count(*) filter (
            where severity = 'info'
              and try_cast(json_extract(detail, '$.checked') as integer) > 0
              and coalesce(json_array_length(json_extract(detail, '$.failed')), 0) = 0
        ) as checks_passed_cnt
    from issues
    group by sha256

),

final as (

    select
        documents.*,
        first_landings.first_fetch_id,
        first_landings.source_url,
        first_landings.portal_id,
        first_landings.fetch_role,
        first_landings.referrer_url,
        first_landings.link_text,
        landing_summaries.first_seen_at,
        landing_summaries.last_seen_at,
        coalesce(landing_summaries.fetches_cnt, 0) as fetches_cnt,
        coalesce(landing_summaries.portals_cnt, 0) as portals_cnt,
        coalesce(fact_counts.facts_cnt, 0) as facts_cnt,
        coalesce(fact_counts.value_facts_cnt, 0) as value_facts_cnt,
        coalesce(fact_counts.exact_facts_cnt, 0) as exact_facts_cnt,
        coalesce(issue_counts.quality_issues_cnt, 0) as quality_issues_cnt,
        coalesce(issue_counts.quality_errors_cnt, 0) as quality_errors_cnt,
        coalesce(issue_counts.quality_warnings_cnt, 0) as quality_warnings_cnt,
        coalesce(issue_counts.checks_passed_cnt, 0) as checks_passed_cnt
    from documents
    left join first_landings using (sha256)
    left join landing_summaries using (sha256)
    left join fact_counts using (sha256)
    left join issue_counts using (sha256)

)

select * from final
