-- one row per report and kpi: the best fact among every document of the report.
-- preference: an exact value (cell_state 'value', no qualifier) over an approximate one over a
-- blank cell; then a table (table2/3/4, annex_2008) over narrative prose; then the chosen
-- document over its duplicates; then the first fact in document order.
-- incremental by report (dbt_project.yml, macros/per_report_incremental.sql).
-- only ~1 % of (report, kpi) groups have more than one candidate fact, and a window over every
-- fact (one partition per group) was most of a full refresh; so groups are told apart by a
-- 64-bit hash of (report_id, kpi) counted once, a hash seen once is a group of one fact (its own
-- choice), and only the facts of hashes seen more than once are ranked, partitioned by the real
-- keys: a hash collision only sends a group of one to the ranking, which gives it the same row.

with reports_to_build as (

    {{ reports_to_build() }}

),

report_documents as (

    select report_documents.report_id, report_documents.sha256, report_documents.is_chosen_document
    from {{ ref('int_report_documents') }} as report_documents
    inner join reports_to_build using (report_id)

),

facts as not materialized (

    select * from {{ ref('stg_parsed__facts') }}

),

report_facts as not materialized (

    select
        report_documents.report_id,
        report_documents.is_chosen_document,
        facts.*,
        facts.cell_state = 'value' and facts.qualifier is null as is_exact,
        hash(report_documents.report_id, facts.kpi) as group_hash
    from facts
    inner join report_documents using (sha256)

),

contested_groups as (

    select group_hash
    from report_facts
    group by group_hash
    having count(*) > 1

),

uncontested as (

    select
        * exclude (group_hash, is_chosen_document),
        cast(1 as bigint) as candidate_facts_cnt,
        false as has_conflicting_exact_values
    from report_facts
    where group_hash not in (select group_hash from contested_groups)

),

ranked as (

    select
        * exclude (group_hash),
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
    where group_hash in (select group_hash from contested_groups)

),

contested as (

    select
        * exclude (is_chosen_document, preference_rank, distinct_exact_values_cnt),
        distinct_exact_values_cnt > 1 as has_conflicting_exact_values
    from ranked
    where preference_rank = 1

),

chosen as (

    select * from uncontested
    union all by name
    select * from contested

),

final as (

    select
        chosen.report_id,
        chosen.kpi,
        chosen.value,
        chosen.cell_state,
        chosen.qualifier,
        chosen.is_exact,
        chosen.unit,
        chosen.source,
        chosen.sha256,
        chosen.fact_seq,
        chosen.table_index,
        chosen.row_index,
        chosen.col_index,
        chosen.row_key,
        chosen.col_key,
        chosen.row_label,
        chosen.col_label,
        chosen.char_start,
        chosen.char_end,
        chosen.raw_text,
        chosen.context_before,
        chosen.context_after,
        chosen.candidate_facts_cnt,
        chosen.has_conflicting_exact_values,
        -- joined after the choice, so neither path carries it
        reports_to_build.report_fingerprint
    from chosen
    inner join reports_to_build using (report_id)

)

select * from final
