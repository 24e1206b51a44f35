with source as (

    select * from {{ source('parsed', 'facts') }}

),

renamed as (

    select
        cast(sha256 as varchar) as sha256,
        cast(fact_seq as integer) as fact_seq,
        cast(kpi as varchar) as kpi,
        cast(value as double) as value,
        cast(cell_state as varchar) as cell_state,
        cast(qualifier as varchar) as qualifier,
        cast(unit as varchar) as unit,
        cast(raw_text as varchar) as raw_text,
        cast(source as varchar) as source,
        cast(table_index as integer) as table_index,
        cast(row_index as integer) as row_index,
        cast(col_index as integer) as col_index,
        cast(row_key as varchar) as row_key,
        cast(col_key as varchar) as col_key,
        cast(row_label as varchar) as row_label,
        cast(col_label as varchar) as col_label,
        cast(char_start as integer) as char_start,
        cast(char_end as integer) as char_end,
        cast(context_before as varchar) as context_before,
        cast(context_after as varchar) as context_after
    from source

),

final as (

    select * from renamed

)

select * from final
