-- every body that must publish a report each year, and every body seen publishing one.
-- governments (province, prefecture and county level) come from the GB/T 2260 divisions of the
-- year (the same the parser resolves places against); years after the last year of the
-- divisions use that year's. departments and townships have no national register: they are
-- listed as observed, and are not counted as expected.

with divisions as (

    select * from {{ ref('stg_gazetteer__divisions') }}

),

reports as (

    select * from {{ ref('int_reports_deduped') }}
    where doc_type = 'annual_report'
      and report_year is not null
      and body_id is not null

),

years as (

    -- the 2008 regulation's first reports covered 2008
    select cast(range as integer) as report_year
    from range(2008, (select greatest(2024, coalesce(max(report_year), 2024)) + 1 from reports))

),

last_division_year as (

    select max(division_year) as division_year from divisions

),

validity as (

    select
        division_code,
        division_name,
        min(division_year) as valid_from_year,
        max(division_year) as valid_to_year
    from divisions
    group by division_code, division_name

),

governments as (

    select
        divisions.division_code as body_id,
        years.report_year,
        divisions.division_name || '人民政府' as body_name,
        divisions.division_name as place,
        divisions.division_code as place_code,
        divisions.level,
        cast(null as varchar) as admin_tier,
        divisions.parent_code,
        divisions.province_code,
        true as is_expected_to_report,
        'gb_t_2260' as listed_by,
        validity.valid_from_year,
        validity.valid_to_year
    from years
    cross join last_division_year
    inner join divisions
        on divisions.division_year = least(years.report_year, last_division_year.division_year)
    inner join validity using (division_code, division_name)
    qualify row_number() over (partition by divisions.division_code, years.report_year
                               order by divisions.division_name) = 1

),

observed as (

    select
        body_id,
        report_year,
        any_value(issuer) as body_name,
        any_value(place) as place,
        any_value(place_code) as place_code,
        any_value(level) as level,
        any_value(admin_tier) as admin_tier,
        any_value(place_code) as parent_code,
        any_value(province_code) as province_code,
        false as is_expected_to_report,
        'observed' as listed_by,
        cast(null as integer) as valid_from_year,
        cast(null as integer) as valid_to_year
    from reports
    where level not in ('province', 'city', 'county') or place_code is null
    group by body_id, report_year

),

final as (

    select * from governments
    union all
    select * from observed
    where not exists (
        select 1 from governments
        where governments.body_id = observed.body_id and governments.report_year = observed.report_year
    )

)

select * from final
