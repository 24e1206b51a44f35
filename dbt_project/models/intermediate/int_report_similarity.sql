-- 雷同: each annual report against the same body's report of the year before, by the Jaccard
-- index of their digit-stripped sentence fingerprints (xxgk/parsing/similarity.py). a report
-- copied with only its figures changed keeps nearly every sentence

with reports as (

    select * from {{ ref('int_reports_deduped') }}
    where doc_type = 'annual_report'
      and body_id is not null
      and report_year is not null

),

pairs as (

    select
        current_year.report_id,
        previous_year.report_id as previous_year_report_id,
        case
            when len(list_distinct(list_concat(current_year.sentence_hashes, previous_year.sentence_hashes))) = 0 then null
            else len(list_intersect(current_year.sentence_hashes, previous_year.sentence_hashes))
                / len(list_distinct(list_concat(current_year.sentence_hashes, previous_year.sentence_hashes)))
        end as previous_year_similarity
    from reports as current_year
    inner join reports as previous_year
        on previous_year.body_id = current_year.body_id
        and previous_year.report_year = current_year.report_year - 1

),

final as (

    select
        report_id,
        previous_year_report_id,
        previous_year_similarity,
        -- threshold: {{ var('copy_similarity_threshold') }} of the distinct sentences shared
        coalesce(previous_year_similarity >= {{ var('copy_similarity_threshold') }}, false) as is_copy_of_previous_year
    from pairs
    qualify row_number() over (partition by report_id order by previous_year_similarity desc nulls last,
                               previous_year_report_id) = 1

)

select * from final
