-- our own arithmetic: each province-year-era cell re-sums from fct_report_kpis over its report_ids
-- (joined on the unnested list: a subquery per cell grew with cells × report KPIs), and every report
-- summed is of the cell's era (fct_reports): no cell adds two report formats
with cells as (

    select * from {{ ref('fct_province_year_cells') }}

),

cell_reports as (

    select distinct province_code, report_year, era, table_name, row_key, col_key, unnest(report_ids) as report_id
    from cells

),

sums as (

    select
        cell_reports.province_code,
        cell_reports.report_year,
        cell_reports.era,
        cell_reports.table_name,
        cell_reports.row_key,
        cell_reports.col_key,
        sum(k.value) as value_again
    from cell_reports
    inner join {{ ref('fct_report_kpis') }} k
        on k.report_id = cell_reports.report_id and k.source = cell_reports.table_name
       and k.row_key = cell_reports.row_key and k.col_key = cell_reports.col_key
    where k.cell_state = 'value' and k.is_exact
    group by all

),

other_era_reports as (

    select cell_reports.province_code, cell_reports.report_year, cell_reports.era, cell_reports.table_name,
        cell_reports.row_key, cell_reports.col_key, count(*) as other_era_reports_cnt
    from cell_reports
    left join {{ ref('fct_reports') }} as reports using (report_id)
    where reports.era is distinct from cell_reports.era
    group by all

),

resummed as (

    select cells.*, sums.value_again, coalesce(other_era_reports.other_era_reports_cnt, 0) as other_era_reports_cnt
    from cells
    left join sums using (province_code, report_year, era, table_name, row_key, col_key)
    left join other_era_reports using (province_code, report_year, era, table_name, row_key, col_key)

)

select * from resummed
where value_again is null or abs(value - value_again) > 1e-9 or reports_cnt > basis_reports_cnt or other_era_reports_cnt > 0
