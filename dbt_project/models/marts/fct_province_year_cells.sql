-- every cell of tables 三 and 四 (the 8 不予公开 grounds, 3 无法提供, 5 不予处理, the applicant
-- columns, the 复议 / 诉讼 outcomes) summed per province, year and era over the same basis reports as
-- fct_province_year_kpis (whose basis reports are all of the row's era: no cell sums two formats). a blank or approximate cell is not summed; reports_cnt says how many
-- basis reports state the cell exactly, basis_reports_cnt how many there are

with province_years as (

    select * from {{ ref('fct_province_year_kpis') }}
    where basis <> 'none'

),

basis as (

    select province_code, report_year, era, unnest(basis_report_ids) as report_id
    from province_years

),

cells as (

    select report_id, source, row_key, col_key, value
    from {{ ref('fct_report_kpis') }}
    where source in ('table3', 'table4')
      and row_key is not null
      and col_key is not null
      and row_key <> 'admin_litigation'  -- derived (direct + after reconsideration), not a printed cell
      and cell_state = 'value'
      and is_exact

),

summed as (

    select
        basis.province_code,
        basis.report_year,
        basis.era,
        cells.source as table_name,
        cells.row_key,
        cells.col_key,
        sum(cells.value) as value,
        count(*) as reports_cnt,
        list(basis.report_id order by basis.report_id) as report_ids
    from basis
    inner join cells using (report_id)
    group by all

),

final as (

    select
        summed.province_code,
        province_years.province_name,
        summed.report_year,
        summed.era,
        summed.table_name,
        summed.row_key,
        summed.col_key,
        summed.value,
        summed.reports_cnt,
        province_years.basis_reports_cnt,
        province_years.basis,
        province_years.is_complete,
        summed.report_ids
    from summed
    inner join province_years using (province_code, report_year, era)

)

select * from final
