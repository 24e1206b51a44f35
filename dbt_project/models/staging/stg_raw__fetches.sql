with source as (

    select * from {{ source('raw', 'fetches') }}

),

renamed as (

    select
        cast(fetch_id as varchar) as fetch_id,
        cast(run_id as varchar) as crawl_run_id,
        cast(portal_id as varchar) as portal_id,
        cast(url as varchar) as requested_url,
        cast(final_url as varchar) as final_url,
        cast(status as integer) as http_status,
        cast(fetched_at as timestamptz) as fetched_at,
        cast(sha256 as varchar) as sha256,
        cast(bytes as bigint) as body_bytes,
        cast(content_type as varchar) as content_type,
        cast(role as varchar) as fetch_role,
        cast(referrer as varchar) as referrer_url,
        cast(link_text as varchar) as link_text,
        cast(outcome as varchar) as outcome,
        cast(failure_reason as varchar) as failure_reason,
        cast(failure_detail as varchar) as failure_detail,
        -- the date the referring list page printed beside the link (report and attachment fetches)
        cast(listed_date as date) as listed_date,
        -- the Last-Modified response header (header names are stored lower-case), as served and as a
        -- UTC timestamp: an HTTP-date in any of its three forms (RFC 9110 5.6.7), null when absent or
        -- unparseable
        cast(headers ->> 'last-modified' as varchar) as last_modified_header,
        timezone('UTC', try_strptime(
            trim(headers ->> 'last-modified'),
            ['%a, %d %b %Y %H:%M:%S GMT', '%A, %d-%b-%y %H:%M:%S GMT', '%a %b %d %H:%M:%S %Y']
        )) as last_modified_at
    from source

),

final as (

    select * from renamed

)

select * from final
