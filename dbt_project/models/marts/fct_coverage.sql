-- how many of the bodies that must report were found reporting, per province, year, level and
-- tier, and how many of those are known on time, known late, or of unknown timeliness (first
-- seen before we watched their portal)

with bodies as (

    select * from {{ ref('dim_bodies') }}

),

reports as (

    select * from {{ ref('fct_reports') }}
    where doc_type = 'annual_report'
      and body_id is not null
      and report_year is not null
      and province_code is not null

),

expected as (

    select
        province_code,
        report_year,
        level,
        coalesce(admin_tier, '') as admin_tier,
        count(*) as bodies_expected
    from bodies
    where is_expected_to_report
    group by all

),

per_body as (

    -- a body's best evidence across its reports (a late copy does not undo an on-time report)
    select
        province_code,
        report_year,
        level,
        coalesce(admin_tier, '') as admin_tier,
        body_id,
        bool_or(on_time) as on_time,
        bool_and(on_time = false) as late
    from reports
    group by all

),

found as (

    select
        province_code,
        report_year,
        level,
        admin_tier,
        count(*) as reports_found,
        count(*) filter (where on_time) as on_time,
        count(*) filter (where late) as late,
        count(*) filter (where on_time is null and late is null) as timeliness_unknown
    from per_body
    group by all

),

final as (

    select
        coalesce(expected.province_code, found.province_code) as province_code,
        coalesce(expected.report_year, found.report_year) as report_year,
        coalesce(expected.level, found.level) as level,
        nullif(coalesce(expected.admin_tier, found.admin_tier), '') as admin_tier,
        expected.bodies_expected,
        coalesce(found.reports_found, 0) as reports_found,
        coalesce(found.on_time, 0) as on_time,
        coalesce(found.late, 0) as late,
        coalesce(found.timeliness_unknown, 0) as timeliness_unknown
    from expected
    full outer join found
        on expected.province_code = found.province_code
        and expected.report_year = found.report_year
        and expected.level = found.level
        and expected.admin_tier = found.admin_tier

)

select * from final
