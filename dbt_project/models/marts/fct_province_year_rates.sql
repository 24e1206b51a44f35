-- rates per province, year and era over the basis reports of that era's fct_province_year_kpis
-- row (all of one report format, its basis chosen within the era), numerator and denominator over
-- the SAME reports: a report counts for a metric only when it states every numerator and every
-- denominator KPI exactly (a blank or approximate cell leaves it out). a 2008 regulation era row
-- counts with the 2008-era KPIs dim_metrics maps onto the metric (numerator_kpis_2008 /
-- denominator_kpis_2008), and only where that mapping exists; every other row with the 2019+ KPIs.
-- the rows say which (era, mapping_2008) and whether the province's series of the metric has values
-- on both sides of the 2019 break
with province_years as (

    select * from {{ ref('fct_province_year_kpis') }}
    where basis <> 'none'

),

basis as (

    -- each basis report with the KPI family of its row's era (every basis report is of that era)
    select
        province_code,
        report_year,
        era,
        unnest(basis_report_ids) as report_id,
        case when era = '2008_regulation' then '2008' else 'standard' end as kpi_family
    from province_years

),

metrics as (

    select * from {{ ref('dim_metrics') }}

),

metric_parts as (

    -- the 2008-era lists are null where there is no mapping: unnest gives no rows, no rate
    select metric, 'standard' as kpi_family, 'numerator' as part, unnest(numerator_kpis) as kpi,
        len(numerator_kpis) as parts_needed
    from metrics
    union all
    select metric, 'standard' as kpi_family, 'denominator' as part, unnest(denominator_kpis) as kpi,
        len(denominator_kpis) as parts_needed
    from metrics
    union all
    select metric, '2008' as kpi_family, 'numerator' as part, unnest(numerator_kpis_2008) as kpi,
        len(numerator_kpis_2008) as parts_needed
    from metrics
    union all
    select metric, '2008' as kpi_family, 'denominator' as part, unnest(denominator_kpis_2008) as kpi,
        len(denominator_kpis_2008) as parts_needed
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
        basis.era,
        basis.report_id,
        metric_parts.metric,
        metric_parts.part,
        sum(exact_values.value) as value,
        count(exact_values.value) as parts_found,
        any_value(metric_parts.parts_needed) as parts_needed
    from basis
    inner join metric_parts on metric_parts.kpi_family = basis.kpi_family
    left join exact_values
        on exact_values.report_id = basis.report_id
        and exact_values.kpi = metric_parts.kpi
    group by all

),

per_report as (

    select
        province_code,
        report_year,
        era,
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
        era,
        metric,
        sum(numerator) as numerator,
        sum(denominator) as denominator,
        count(*) as reports_cnt,
        list(report_id order by report_id) as report_ids
    from per_report
    where numerator is not null and denominator is not null
    group by all

),

rates as (

    select
        province_years.province_code,
        province_years.province_name,
        province_years.report_year,
        metrics.metric,
        province_years.era,
        -- how this row's KPIs stand for the 2019+ definition: only 2008-era rows use a mapping
        case when province_years.era = '2008_regulation' then metrics.mapping_2008 end as mapping_2008,
        metrics.comparable_across_2019,
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
        and summed.era = province_years.era
        and summed.metric = metrics.metric

),

final as (

    select
        province_code,
        province_name,
        report_year,
        metric,
        era,
        mapping_2008,
        comparable_across_2019,
        -- the province's series of this metric has a value from a 2008-era basis and one from a
        -- 2019+ basis: a year-over-year change across the break compares different definitions
        coalesce(
            bool_or(value is not null and era = '2008_regulation') over series
            and bool_or(value is not null and era <> '2008_regulation') over series,
            false
        ) as series_crosses_2019_break,
        basis,
        is_complete,
        numerator,
        denominator,
        value,
        reports_cnt,
        report_ids
    from rates
    window series as (partition by province_code, metric)

)

select * from final
