-- rates per province and year over the basis reports of fct_province_year_kpis, numerator and
-- denominator over the SAME reports: a report counts for a metric only when it states every
-- numerator and every denominator KPI exactly (a blank or approximate cell leaves it out)

with province_years as (

    select * from {{ ref('fct_province_year_kpis') }}
    where basis <> 'none'

),

basis as (

    select province_code, report_year, unnest(basis_report_ids) as report_id
    from province_years

),

metrics as (

    select * from {{ ref('dim_metrics') }}

),

metric_parts as (

    select metric, 'numerator' as part, unnest(numerator_kpis) as kpi, len(numerator_kpis) as parts_needed
    from metrics
    union all
    select metric, 'denominator' as part, unnest(denominator_kpis) as kpi, len(denominator_kpis) as parts_needed
    from metrics

),

exact_values as (

    select report_id, kpi, value
    from {{ ref('fct_report_kpis') }}
    where cell_state = 'value' and is_exact

),

report_parts as (

    select
        basis.province_code,
        basis.report_year,
        basis.report_id,
        metric_parts.metric,
        metric_parts.part,
        sum(exact_values.value) as value,
        count(exact_values.value) as parts_found,
        any_value(metric_parts.parts_needed) as parts_needed
    from basis
    cross join metric_parts
    left join exact_values
        on exact_values.report_id = basis.report_id
        and exact_values.kpi = metric_parts.kpi
    group by all

),

per_report as (

    select
        province_code,
        report_year,
        report_id,
        metric,
        max(value) filter (where part = 'numerator' and parts_found = parts_needed) as numerator,
        max(value) filter (where part = 'denominator' and parts_found = parts_needed) as denominator
    from report_parts
    group by all

),

summed as (

    select
        province_code,
        report_year,
        metric,
        sum(numerator) as numerator,
        sum(denominator) as denominator,
        count(*) as reports_cnt,
        list(report_id order by report_id) as report_ids
    from per_report
    where numerator is not null and denominator is not null
    group by all

),

final as (

    select
        province_years.province_code,
        province_years.province_name,
        province_years.report_year,
        metrics.metric,
        province_years.basis,
        province_years.is_complete,
        summed.numerator,
        summed.denominator,
        case when summed.denominator > 0 then summed.numerator / summed.denominator end as value,
        coalesce(summed.reports_cnt, 0) as reports_cnt,
        coalesce(summed.report_ids, cast([] as varchar[])) as report_ids
    from province_years
    cross join metrics
    left join summed
        on summed.province_code = province_years.province_code
        and summed.report_year = province_years.report_year
        and summed.metric = metrics.metric

)

select * from final
