-- one row per report, one column per headline kpi: exact values only (approximate values and
-- blank cells are null here). table 三 columns are the 总计 column (the bare row key).
{#- the headline KPIs and their column order: the headline_kpis seed -#}
{%- set kpis = seed_column_values(
    'headline_kpis', 'kpi', where='pivot_position is not null', order_by='pivot_position'
) %}

with reports_to_build as (

    {{ reports_to_build() }}

),

reports as (

    select reports.report_id, reports_to_build.report_fingerprint
    from {{ ref('int_reports_deduped') }} as reports
    inner join reports_to_build using (report_id)

),

report_kpis as (

    -- every column below is an exact value of one of these KPIs: a quarter of the rows
    select * from {{ ref('int_report_kpis') }}
    where is_exact
      and kpi in (
          {%- for kpi in kpis %}'{{ kpi }}', {% endfor -%}
          'admin_litigation_total'
      )

),

stated as (

    select
        reports.report_id,
        any_value(reports.report_fingerprint) as report_fingerprint,
        {%- for kpi in kpis %}
        max(report_kpis.value) filter (where report_kpis.kpi = '{{ kpi }}' and report_kpis.is_exact) as {{ kpi }},
        {%- endfor %}
        max(report_kpis.value) filter (
            where report_kpis.kpi = 'admin_litigation_total' and report_kpis.is_exact
                and report_kpis.source not in ('table4', 'narrative')
        ) as admin_litigation_total_in_table,
        max(report_kpis.value) filter (
            where report_kpis.kpi = 'admin_litigation_total' and report_kpis.is_exact
                and report_kpis.source = 'table4'
        ) as admin_litigation_total_of_parts,
        max(report_kpis.value) filter (
            where report_kpis.kpi = 'admin_litigation_total' and report_kpis.is_exact
                and report_kpis.source = 'narrative'
        ) as admin_litigation_total_in_prose
    from reports
    left join report_kpis using (report_id)
    group by reports.report_id

),

derived as (

    select
        *,
        -- all lawsuits: a figure stated in a table (the 2008 附表) wins, then the sum of table 四's
        -- direct + after reconsideration totals, then a figure stated in prose. Table 四 prints no
        -- overall total: its figure (source table4) is that sum, derived once by the parser
        -- (xxgk/parsing/audits.py) with both cells' provenance
        coalesce(admin_litigation_total_in_table, admin_litigation_total_of_parts, admin_litigation_total_in_prose)
            as admin_litigation_total,
        case
            when admin_litigation_total_in_table is not null then 'stated'
            when admin_litigation_total_of_parts is not null then 'derived'
            when admin_litigation_total_in_prose is not null then 'stated'
        end as admin_litigation_total_basis,
        -- subtotals of table 三 (null when any row is blank or absent)
        result_denied_state_secret + result_denied_law_prohibited
            + result_denied_three_securities_one_stability + result_denied_third_party_rights
            + result_denied_internal_affairs + result_denied_process_info
            + result_denied_law_enforcement_file + result_denied_admin_query as result_denied_subtotal,
        result_unable_not_held + result_unable_needs_creation
            + result_unable_unclear_after_correction as result_unable_subtotal,
        result_not_processed_petition_complaint + result_not_processed_duplicate
            + result_not_processed_publication + result_not_processed_mass_repetitive
            + result_not_processed_confirm_reissue as result_not_processed_subtotal,
        -- 2019 trial format: one （六） row; 2021 format: three sub-rows
        coalesce(
            result_other,
            result_other_no_correction + result_other_fee_unpaid + result_other_other
        ) as result_other_subtotal
    from stated

),

final as (

    select * exclude (admin_litigation_total_in_table, admin_litigation_total_of_parts, admin_litigation_total_in_prose)
    from derived

)

select * from final
