-- our own arithmetic: every rate's numerator and denominator re-sum from marts.fct_report_kpis over
-- its report_ids, and value is their quotient
with rates as (

    select * from {{ ref('fct_province_year_rates') }}
    where reports_cnt > 0

),

metrics as (

    select * from {{ ref('dim_metrics') }}

),

resummed as (

    select
        rates.province_code,
        rates.report_year,
        rates.metric,
        (select sum(k.value) from {{ ref('fct_report_kpis') }} k
         where list_contains(rates.report_ids, k.report_id) and list_contains(metrics.numerator_kpis, k.kpi)
           and k.cell_state = 'value' and k.is_exact) as numerator_again,
        (select sum(k.value) from {{ ref('fct_report_kpis') }} k
         where list_contains(rates.report_ids, k.report_id) and list_contains(metrics.denominator_kpis, k.kpi)
           and k.cell_state = 'value' and k.is_exact) as denominator_again,
        rates.numerator,
        rates.denominator,
        rates.value
    from rates
    inner join metrics using (metric)

)

select *
from resummed
where abs(numerator - numerator_again) > 1e-9
   or abs(denominator - denominator_again) > 1e-9
   or (denominator > 0 and abs(value - numerator / denominator) > 1e-12)
   or (denominator = 0 and value is not null)
