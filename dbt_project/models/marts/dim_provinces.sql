with provinces as (

    select * from {{ ref('provinces') }}

),

final as (

    select
        cast(province_code as varchar) as province_code,
        cast(province_name as varchar) as province_name,
        cast(province_short_name as varchar) as province_short_name,
        cast(province_name_en as varchar) as province_name_en,
        cast(province_kind as varchar) as province_kind,
        cast(region as varchar) as region
    from provinces

)

select * from final
