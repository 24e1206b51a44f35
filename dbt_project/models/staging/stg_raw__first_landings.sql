-- the first landing of each body, as raw.first_landings defines it (xxgk/warehouse.py): the
-- parse stage reads the same view for the context it parses a body with, so the two never differ

with source as (

    select * from {{ source('raw', 'first_landings') }}

),

renamed as (

    select
        cast(sha256 as varchar) as sha256,
        cast(fetch_id as varchar) as first_fetch_id
    from source

),

final as (

    select * from renamed

)

select * from final
