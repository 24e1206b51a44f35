-- one row per report and kpi: the best fact among every document of the report.
-- preference: an exact value (cell_state 'value', no qualifier) over an approximate one over a
-- blank cell; then a table (table2/3/4, annex_2008) over narrative prose; then the chosen
-- document over its duplicates; then the first fact in document order.
-- incremental by report (dbt_project.yml, macros/per_report_incremental.sql).

with reports_to_build as (

    {{ reports_to_build() }}

),

report_documents as (

    select report_documents.*
    from {{ ref('int_report_documents') }} as report_documents
    inner join reports_to_build using (report_id)

),

facts as (

    select * from {{ ref('stg_parsed__facts') }}

),

report_facts as (

    select
        report_documents.report_id,
        report_documents.is_chosen_document,
        facts.*,
        facts.cell_state = 'value' and facts.qualifier is null as is_exact
    from facts
    inner join report_documents using (sha256)

),

ranked as (

    select
        *,
        row_number() over (
            partition by report_id, kpi
            order by
                case
                    when is_exact then 0
                    when cell_state = 'value' then 1
                    else 2
                end,
                case when source = 'narrative' then 1 else 0 end,
                case when is_chosen_document then 0 else 1 end,
                fact_seq,
                sha256
        ) as preference_rank,
        count(*) over (partition by report_id, kpi) as candidate_facts_cnt,
        count(distinct case when is_exact then value end) over (partition by report_id, kpi)
            as distinct_exact_values_cnt
    from report_facts

),

final as (

    select
        report_id,
        kpi,
        value,
        cell_state,
        qualifier,
        is_exact,
        unit,
        source,
        sha256,
        fact_seq,
        table_index,
        row_index,
        col_index,
        row_key,
        col_key,
        row_label,
        col_label,
        char_start,
        char_end,
        raw_text,
        context_before,
        context_after,
        candidate_facts_cnt,
        distinct_exact_values_cnt > 1 as has_conflicting_exact_values,
        -- joined after the ranking, so the window does not carry it through its sort
        reports_to_build.report_fingerprint
    from ranked
    inner join reports_to_build using (report_id)
    where preference_rank = 1

)

select * from final
