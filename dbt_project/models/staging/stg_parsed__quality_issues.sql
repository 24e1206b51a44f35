with source as (

    select * from {{ source('parsed', 'quality_issues') }}

),

renamed as (

    select
        cast(sha256 as varchar) as sha256,
        cast(issue_seq as integer) as issue_seq,
        cast(check_id as varchar) as check_id,
        cast(severity as varchar) as severity,
        cast(message as varchar) as message,
        cast(detail as json) as detail
    from source

),

final as (

    select * from renamed

)

select * from final
