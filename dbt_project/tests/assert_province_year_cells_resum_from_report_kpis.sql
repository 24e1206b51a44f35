-- our own arithmetic: each province-year cell re-sums from fct_report_kpis over its report_ids
with cells as (

    select * from {{ ref('fct_province_year_cells') }}

),

resummed as (

    select
        cells.*,
        (select sum(k.value) from {{ ref('fct_report_kpis') }} k
         where list_contains(cells.report_ids, k.report_id) and k.source = cells.table_name
           and k.row_key = cells.row_key and k.col_key = cells.col_key
           and k.cell_state = 'value' and k.is_exact) as value_again
    from cells

)

select * from resummed
where abs(value - value_again) > 1e-9 or reports_cnt > basis_reports_cnt
