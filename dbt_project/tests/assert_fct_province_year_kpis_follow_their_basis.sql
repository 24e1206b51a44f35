-- our own arithmetic in fct_province_year_kpis: the basis is a subset of the aggregate reports,
-- a kpi is stated by no more basis reports than there are, and without a basis every kpi is null

with province_years as (

    select * from {{ ref('fct_province_year_kpis') }}

),

final as (

    select *
    from province_years
    where basis_reports_cnt > aggregate_reports_cnt
       or len(basis_report_ids) <> basis_reports_cnt
       or applications_received_reports_cnt > basis_reports_cnt
       or (basis = 'none' and (
            basis_reports_cnt <> 0
            or applications_received is not null
            or results_total is not null
            or admin_reconsideration_total is not null
       ))
       or (basis = 'province_aggregate' and basis_reports_cnt <> 1)

)

select * from final
