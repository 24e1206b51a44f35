with source as (

    select * from {{ source('parsed', 'document_texts') }}

),

renamed as (

    select
        cast(sha256 as varchar) as sha256,
        cast(text as varchar) as document_text
    from source

),

final as (

    select * from renamed

)

select * from final
