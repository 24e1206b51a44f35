-- long form: one row per annual report and kpi, with where the number was read (news
-- look-alikes are left out). incremental by report (macros/per_report_incremental.sql).

with reports_to_build as (

    {{ reports_to_build() }}

),

reports as (

    select reports.*, reports_to_build.report_fingerprint
    from {{ ref('int_reports_deduped') }} as reports
    inner join reports_to_build using (report_id)
    where reports.doc_type = 'annual_report'

),

report_kpis as (

    select * from {{ ref('int_report_kpis') }}

),


final as (

    select
        report_kpis.report_id,
        reports.report_year,
        reports.era,
        reports.province_code,
        reports.scope,
        reports.level,
        report_kpis.kpi,
        report_kpis.value,
        report_kpis.cell_state,
        report_kpis.qualifier,
        report_kpis.is_exact,
        report_kpis.unit,
        report_kpis.source,
        report_kpis.sha256,
        report_kpis.fact_seq,
        report_kpis.table_index,
        report_kpis.row_index,
        report_kpis.col_index,
        report_kpis.row_key,
        report_kpis.col_key,
        report_kpis.row_label,
        report_kpis.col_label,
        report_kpis.char_start,
        report_kpis.char_end,
        report_kpis.raw_text,
        report_kpis.context_before,
        report_kpis.context_after,
        report_kpis.candidate_facts_cnt,
        report_kpis.has_conflicting_exact_values,
        reports.report_fingerprint
    from report_kpis
    inner join reports using (report_id)

)

select * from final
