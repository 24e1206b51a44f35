-- the latest crawl of each portal: what the on-call person reads first

with runs as (

    select * from {{ ref('stg_raw__portal_runs') }}

),

portals as (

    select * from {{ ref('stg_raw__portals') }}

),

ranked as (

    select
        *,
        row_number() over (partition by portal_id order by started_at desc) as recency,
        max(case when health = 'ok' then started_at end) over (partition by portal_id) as last_ok_at,
        count(*) over (partition by portal_id) as runs_cnt
    from runs

),

final as (

    select
        ranked.portal_id,
        portals.portal_name,
        portals.province_code,
        portals.level,
        portals.cms_family,
        ranked.crawl_run_id as last_crawl_run_id,
        ranked.started_at as last_run_at,
        ranked.health,
        ranked.health_reason,
        ranked.health = 'ok' as is_healthy,
        ranked.last_ok_at,
        ranked.runs_cnt,
        ranked.pages_fetched_cnt,
        ranked.reports_found_cnt,
        ranked.reports_landed_cnt,
        ranked.failures_cnt
    from ranked
    left join portals using (portal_id)
    where ranked.recency = 1

)

select * from final
