-- one row per province, report year and era (the report format: 2008 regulation, 2019 trial,
-- 2021) with at least one annual report (news look-alikes are left out). every column is computed
-- within the era: reports of different formats are never summed into one row, and the basis is
-- chosen per era. area totals come from aggregate reports only, from the highest level available:
-- the provincial aggregate report, else the sum of the city-level aggregate reports, else the
-- sum of the county-level ones (basis says which, and is_complete whether that basis covers
-- every expected unit). organ reports and aggregate reports of
-- other levels only count in the coverage columns: adding them would count the same
-- applications twice. one aggregate report per area (place): a government and its general
-- office both reporting area-wide figures must not be summed. exact values only.
{#- the KPIs summed per province and year: the headline_kpis seed -#}
{%- set kpis = seed_column_values(
    'headline_kpis', 'kpi', where='province_year_position is not null', order_by='province_year_position'
) %}

with reports as (

    select * from {{ ref('int_reports_deduped') }}
    where doc_type = 'annual_report'
      and province_code is not null
      and report_year is not null

),

pivoted as (

    select * from {{ ref('int_report_kpis_pivoted') }}

),

report_kpis as (

    select * from {{ ref('int_report_kpis') }}

),

provinces as (

    select * from {{ ref('provinces') }}

),

expected_units as (

    -- the governments a basis must cover to stand for the whole province
    select
        province_code,
        report_year,
        level,
        count(*) as units_expected
    from {{ ref('dim_bodies') }}
    where is_expected_to_report
    group by province_code, report_year, level

),

area_aggregates as (

    select
        *,
        case level when 'province' then 1 when 'city' then 2 when 'county' then 3 end as level_rank,
        row_number() over (
            partition by province_code, report_year, era, level, coalesce(place, issuer)
            order by exact_facts_cnt desc, facts_cnt desc, first_seen_at asc nulls last, report_id
        ) as rank_in_area
    from reports
    where scope = 'aggregate'
      and level in ('province', 'city', 'county')

),

basis_levels as (

    select
        province_code,
        report_year,
        era,
        min(level_rank) as basis_level_rank
    from area_aggregates
    group by province_code, report_year, era

),

basis_reports as (

    select area_aggregates.*
    from area_aggregates
    inner join basis_levels
        on area_aggregates.province_code = basis_levels.province_code
        and area_aggregates.report_year = basis_levels.report_year
        and area_aggregates.era = basis_levels.era
        and area_aggregates.level_rank = basis_levels.basis_level_rank
    where area_aggregates.rank_in_area = 1

),

approximate_values as (

    select
        report_id,
        count(*) as approximate_values_cnt
    from report_kpis
    where cell_state = 'value'
      and not is_exact
      and kpi in ({% for kpi in kpis %}'{{ kpi }}'{% if not loop.last %}, {% endif %}{% endfor %})
    group by report_id

),

basis_totals as (

    select
        basis_reports.province_code,
        basis_reports.report_year,
        basis_reports.era,
        min(basis_reports.level) as basis_level,
        count(*) as basis_reports_cnt,
        coalesce(bool_or(basis_reports.is_synthetic), false) as includes_synthetic,
        list(basis_reports.report_id order by basis_reports.report_id) as basis_report_ids,
        {%- for kpi in kpis %}
        sum(pivoted.{{ kpi }}) as {{ kpi }},
        count(pivoted.{{ kpi }}) as {{ kpi }}_reports_cnt,
        {%- endfor %}
        cast(coalesce(sum(approximate_values.approximate_values_cnt), 0) as bigint) as approximate_values_excluded_cnt
    from basis_reports
    inner join pivoted using (report_id)
    left join approximate_values using (report_id)
    group by basis_reports.province_code, basis_reports.report_year, basis_reports.era

),

report_counts as (

    select
        province_code,
        report_year,
        era,
        any_value(province_name) as province_name_as_parsed,
        count(*) as reports_cnt,
        count(*) filter (where scope = 'aggregate') as aggregate_reports_cnt,
        count(*) filter (where scope = 'organ') as organ_reports_cnt,
        count(*) filter (where scope is null or scope not in ('aggregate', 'organ')) as unknown_scope_reports_cnt,
        count(*) filter (where scope = 'aggregate' and level = 'province') as province_aggregate_reports_cnt,
        count(*) filter (where scope = 'aggregate' and level = 'city') as city_aggregate_reports_cnt,
        count(*) filter (where scope = 'aggregate' and level = 'county') as county_aggregate_reports_cnt,
        count(*) filter (where level = 'department') as department_reports_cnt,
        count(*) filter (where level = 'township') as township_reports_cnt,
        count(*) filter (where exact_facts_cnt > 0) as reports_with_exact_values_cnt
    from reports
    group by province_code, report_year, era

),

final as (

    select
        report_counts.province_code,
        coalesce(provinces.province_name, report_counts.province_name_as_parsed) as province_name,
        report_counts.report_year,
        -- part of the grain: a 2021+ report still on the 2019 trial template and one on the 2021
        -- format give two rows of the province-year, each with its own basis
        report_counts.era,
        case basis_totals.basis_level
            when 'province' then 'province_aggregate'
            when 'city' then 'sum_of_prefecture_aggregates'
            when 'county' then 'sum_of_county_aggregates'
            else 'none'
        end as basis,
        coalesce(basis_totals.basis_reports_cnt, 0) as basis_reports_cnt,
        expected_units.units_expected as basis_units_expected,
        coalesce(basis_totals.basis_reports_cnt, 0) as basis_units_reported,
        -- true only when the basis stands for the whole province: its own aggregate report, or
        -- an aggregate report from every expected unit of the basis level
        coalesce(
            basis_totals.basis_level = 'province'
            or basis_totals.basis_reports_cnt >= expected_units.units_expected,
            false
        ) as is_complete,
        coalesce(basis_totals.includes_synthetic, false) as includes_synthetic,
        coalesce(basis_totals.basis_report_ids, cast([] as varchar[])) as basis_report_ids,
        report_counts.reports_cnt,
        report_counts.aggregate_reports_cnt,
        report_counts.organ_reports_cnt,
        report_counts.unknown_scope_reports_cnt,
        report_counts.province_aggregate_reports_cnt,
        report_counts.city_aggregate_reports_cnt,
        report_counts.county_aggregate_reports_cnt,
        report_counts.department_reports_cnt,
        report_counts.township_reports_cnt,
        report_counts.reports_with_exact_values_cnt,
        {%- for kpi in kpis %}
        basis_totals.{{ kpi }},
        {%- endfor %}
        {%- for kpi in kpis %}
        coalesce(basis_totals.{{ kpi }}_reports_cnt, 0) as {{ kpi }}_reports_cnt,
        {%- endfor %}
        coalesce(basis_totals.approximate_values_excluded_cnt, 0) as approximate_values_excluded_cnt
    from report_counts
    left join basis_totals using (province_code, report_year, era)
    left join provinces using (province_code)
    left join expected_units
        on expected_units.province_code = report_counts.province_code
        and expected_units.report_year = report_counts.report_year
        and expected_units.level = basis_totals.basis_level

)

select * from final
