-- our own arithmetic in fct_province_year_kpis: the basis is a subset of the aggregate reports,
-- a kpi is stated by no more basis reports than there are, and without a basis every kpi is null.
-- the grain is province × year × era: every basis report is an annual report of the row's province,
-- year and era (no row sums two report formats), and the rows of a province-year's eras count each
-- annual report of fct_reports exactly once (reports_cnt re-counts per era)

with province_years as (

    select * from {{ ref('fct_province_year_kpis') }}

),

reports as (

    select * from {{ ref('fct_reports') }}
    where doc_type = 'annual_report'
      and province_code is not null
      and report_year is not null

),

arithmetic as (

    select province_code, report_year, era, 'basis arithmetic' as problem
    from province_years
    where basis_reports_cnt > aggregate_reports_cnt
       or len(basis_report_ids) <> basis_reports_cnt
       or basis_units_reported <> basis_reports_cnt
       or applications_received_reports_cnt > basis_reports_cnt
       or (basis = 'none' and (
            basis_reports_cnt <> 0
            or applications_received is not null
            or results_total is not null
            or admin_reconsideration_total is not null
       ))
       or (basis = 'province_aggregate' and basis_reports_cnt <> 1)

),

basis_reports as (

    select province_code, report_year, era, unnest(basis_report_ids) as report_id
    from province_years

),

basis_of_another_row as (

    -- a basis report missing from fct_reports, or of another province, year or era than its row
    select basis_reports.province_code, basis_reports.report_year, basis_reports.era,
        'basis report ' || basis_reports.report_id || ' is of era ' || coalesce(reports.era, '?')
        || ', year ' || coalesce(cast(reports.report_year as varchar), '?') as problem
    from basis_reports
    left join reports using (report_id)
    where reports.report_id is null
       or reports.era is distinct from basis_reports.era
       or reports.report_year is distinct from basis_reports.report_year
       or reports.province_code is distinct from basis_reports.province_code

),

recounted as (

    select province_code, report_year, era, count(*) as reports_cnt_again
    from reports
    group by all

),

miscounted as (

    select
        coalesce(province_years.province_code, recounted.province_code) as province_code,
        coalesce(province_years.report_year, recounted.report_year) as report_year,
        coalesce(province_years.era, recounted.era) as era,
        'reports_cnt ' || coalesce(cast(province_years.reports_cnt as varchar), 'no row')
        || ' but fct_reports has ' || coalesce(cast(recounted.reports_cnt_again as varchar), 'none') as problem
    from province_years
    full outer join recounted using (province_code, report_year, era)
    where province_years.reports_cnt is distinct from recounted.reports_cnt_again

)

select * from arithmetic
union all
select * from basis_of_another_row
union all
select * from miscounted
