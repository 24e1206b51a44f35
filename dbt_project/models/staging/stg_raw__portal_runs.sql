with source as (

    select * from {{ source('raw', 'portal_runs') }}

),

renamed as (

    select
        cast(run_id as varchar) as crawl_run_id,
        cast(portal_id as varchar) as portal_id,
        cast(started_at as timestamptz) as started_at,
        cast(finished_at as timestamptz) as finished_at,
        cast(health as varchar) as health,
        cast(health_reason as varchar) as health_reason,
        cast(pages_fetched as integer) as pages_fetched_cnt,
        cast(reports_found as integer) as reports_found_cnt,
        cast(reports_landed as integer) as reports_landed_cnt,
        cast(failures as integer) as failures_cnt
    from source

),

final as (

    select * from renamed

)

select * from final
