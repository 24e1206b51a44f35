with source as (

    select * from {{ source('parsed', 'documents') }}

),

renamed as (

    select
        cast(sha256 as varchar) as sha256,
        cast(parser_version as varchar) as parser_version,
        cast(parsed_at as timestamptz) as parsed_at,
        cast(status as varchar) as parse_status,
        cast(status_reason as varchar) as parse_status_reason,
        cast(source_format as varchar) as source_format,
        cast(doc_type as varchar) as doc_type,
        cast(title as varchar) as title,
        cast(issuer as varchar) as issuer,
        cast(place as varchar) as place,
        cast(place_code as varchar) as place_code,
        cast(province as varchar) as province_name,
        cast(province_code as varchar) as province_code,
        cast(level as varchar) as level,
        cast(admin_tier as varchar) as admin_tier,
        cast(scope as varchar) as scope,
        cast(report_year as integer) as report_year,
        cast(era as varchar) as era,
        cast(publication_date as date) as publication_date,
        cast(is_suspect_mirror as boolean) as is_suspect_mirror,
        coalesce(cast(is_synthetic as boolean), false) as is_synthetic,
        cast(text_chars as integer) as text_chars,
        cast(scope_evidence as varchar) as scope_evidence,
        -- which witness each metadata field came from: title | text | url | link_text | portal
        cast(field_sources as json) as field_sources,
        -- digit-stripped sentence fingerprints (xxgk/parsing/similarity.py), for 雷同
        cast(sentence_hashes as bigint[]) as sentence_hashes
    from source

),

final as (

    select * from renamed

)

select * from final
