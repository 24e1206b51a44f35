-- our own arithmetic: every rate's numerator and denominator re-sum from marts.fct_report_kpis over
-- its report_ids, and value is their quotient. Joined on unnested lists, not a subquery per rate:
-- a correlated list_contains scan grew with rates × report KPIs and took most of dbt build.
-- grouped by era (part of the grain): a 2008-era row re-sums with dim_metrics' 2008-era lists, every
-- other one with the 2019+ lists, and every report of a row must be of the row's era (fct_reports):
-- no rate's numerator or denominator adds two report formats.
with rates as (

    select * from {{ ref('fct_province_year_rates') }}
    where reports_cnt > 0

),

metrics as (

    select * from {{ ref('dim_metrics') }}

),

rate_report_ids as (

    select distinct province_code, report_year, era, metric, unnest(report_ids) as report_id
    from rates

),

rate_reports as (

    select
        rate_report_ids.*,
        case when rate_report_ids.era = '2008_regulation' then '2008' else 'standard' end as kpi_family,
        reports.era as report_era
    from rate_report_ids
    left join {{ ref('fct_reports') }} as reports using (report_id)

),

other_era_reports as (

    select province_code, report_year, era, metric, count(*) as other_era_reports_cnt
    from rate_reports
    where report_era is distinct from era
    group by all

),

metric_kpis as (

    select distinct metric, 'standard' as kpi_family, unnest(numerator_kpis) as kpi, 'numerator' as part from metrics
    union all
    select distinct metric, 'standard' as kpi_family, unnest(denominator_kpis) as kpi, 'denominator' as part from metrics
    union all
    select distinct metric, '2008' as kpi_family, unnest(numerator_kpis_2008) as kpi, 'numerator' as part from metrics
    union all
    select distinct metric, '2008' as kpi_family, unnest(denominator_kpis_2008) as kpi, 'denominator' as part from metrics

),

exact_values as (

    select report_id, kpi, value
    from {{ ref('fct_report_kpis') }}
    where cell_state = 'value' and is_exact

),

sums as (

    select
        rate_reports.province_code,
        rate_reports.report_year,
        rate_reports.era,
        rate_reports.metric,
        sum(exact_values.value) filter (where metric_kpis.part = 'numerator') as numerator_again,
        sum(exact_values.value) filter (where metric_kpis.part = 'denominator') as denominator_again
    from rate_reports
    inner join metric_kpis using (metric, kpi_family)
    inner join exact_values
        on exact_values.report_id = rate_reports.report_id and exact_values.kpi = metric_kpis.kpi
    group by all

),

resummed as (

    select
        rates.province_code,
        rates.report_year,
        rates.era,
        rates.metric,
        coalesce(other_era_reports.other_era_reports_cnt, 0) as other_era_reports_cnt,
        sums.numerator_again,
        sums.denominator_again,
        rates.numerator,
        rates.denominator,
        rates.value
    from rates
    inner join metrics using (metric)
    left join sums using (province_code, report_year, era, metric)
    left join other_era_reports using (province_code, report_year, era, metric)

)

select *
from resummed
where other_era_reports_cnt > 0
   or abs(numerator - numerator_again) > 1e-9
   or abs(denominator - denominator_again) > 1e-9
   or (denominator > 0 and abs(value - numerator / denominator) > 1e-12)
   or (denominator = 0 and value is not null)
