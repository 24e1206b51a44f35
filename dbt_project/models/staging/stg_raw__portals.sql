with source as (

    select * from {{ source('raw', 'portals') }}

),

renamed as (

    select
        cast(portal_id as varchar) as portal_id,
        cast(name as varchar) as portal_name,
        cast(province_code as varchar) as province_code,
        cast(level as varchar) as level,
        cast(family as varchar) as cms_family,
        cast(updated_at as timestamptz) as registry_snapshot_at
    from source

),

final as (

    select * from renamed

)

select * from final
