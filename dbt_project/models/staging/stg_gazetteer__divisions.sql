with source as (

    select * from {{ source('gazetteer', 'divisions') }}

),

renamed as (

    select
        cast(year as integer) as division_year,
        cast(code as varchar) as division_code,
        cast(name as varchar) as division_name,
        cast(level as varchar) as level,
        cast(parent_code as varchar) as parent_code,
        cast(province_code as varchar) as province_code,
        cast(province_name as varchar) as province_name,
        cast(prefecture_name as varchar) as prefecture_name
    from source

),

final as (

    select * from renamed

)

select * from final
