-- every parsed report-like document (annual report or news look-alike) with the report it belongs to.
-- the same report is often landed several times (an html page and its docx attachment, or two
-- portals): documents with the same doc_type, issuer, place, province, report_year and scope are
-- one report. the kept document is a non-mirror copy first, then the one with the most facts,
-- then the earliest seen (then the smallest sha256, so the choice is stable).
-- a document without issuer or report_year cannot be matched and stands alone.

with documents as (

    select * from {{ ref('int_documents_with_source') }}
    where parse_status = 'parsed'
      and doc_type in ('annual_report', 'news')

),

keyed as (

    select
        *,
        case
            when issuer is not null and report_year is not null
                then concat_ws(
                    '|',
                    doc_type,
                    coalesce(province_code, ''),
                    coalesce(place, ''),
                    issuer,
                    cast(report_year as varchar),
                    coalesce(scope, '')
                )
            else 'sha256|' || sha256
        end as report_key
    from documents

),

ranked as (

    select
        *,
        row_number() over (
            partition by report_key
            order by
                coalesce(is_suspect_mirror, false),
                facts_cnt desc,
                first_seen_at asc nulls last,
                sha256
        ) as rank_in_report
    from keyed

),

chosen as (

    select report_key, sha256 as report_id
    from ranked
    where rank_in_report = 1

),

final as (

    select
        chosen.report_id,
        ranked.report_key,
        ranked.sha256,
        ranked.rank_in_report,
        ranked.rank_in_report = 1 as is_chosen_document
    from ranked
    inner join chosen using (report_key)

)

select * from final
