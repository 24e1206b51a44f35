-- when we began watching each portal: its first crawl run that reached it (health not failed).
-- a report can only be called on time or late if we were watching before its deadline

with portal_runs as (

    select * from {{ ref('stg_raw__portal_runs') }}

),

final as (

    select
        portal_id,
        min(started_at) filter (where health is distinct from 'failed') as watched_since,
        min(started_at) as first_attempted_at
    from portal_runs
    group by portal_id

)

select * from final
