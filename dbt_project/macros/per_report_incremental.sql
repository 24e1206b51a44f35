{#-
  The per-report models are incremental by report (their config: the per_report_incremental
  anchor in dbt_project.yml): each row carries the report_fingerprint it was built from
  (int_report_fingerprints).
  - reports_to_build(): the reports a run must (re)build: all of them on a full refresh, else
    the ones whose current fingerprint the model does not hold. delete+insert on report_id then
    replaces every row of those reports.
  - the post-hook deletes rows whose (report_id, report_fingerprint) is no longer current: a
    report that vanished (its chosen document changed, so its id did) or now has no rows.
  `xxgk build` runs a full refresh whenever the dbt project itself changed (pipeline.dbt_build),
  so a change of logic never leaves old rows beside new ones.
-#}

{% macro reports_to_build() %}
    select report_id, report_fingerprint
    from {{ ref('int_report_fingerprints') }} as current_fingerprints
    {%- if is_incremental() %}
    where not exists (
        select 1
        from (select distinct report_id, report_fingerprint from {{ this }}) as built
        where built.report_id = current_fingerprints.report_id
          and built.report_fingerprint = current_fingerprints.report_fingerprint
    )
    {%- endif %}
{% endmacro %}


{% macro delete_stale_report_rows() %}
    delete from {{ this }} as built
    where not exists (
        select 1
        from {{ ref('int_report_fingerprints') }} as current_fingerprints
        where current_fingerprints.report_id = built.report_id
          and current_fingerprints.report_fingerprint = built.report_fingerprint
    )
{% endmacro %}


{#-
  incremental_strategy 'per_report' (get_incremental_per_report_sql): dbt-duckdb's delete+insert
  with the reports' ids made distinct before the delete looks them up. Its delete matched against
  every row built (one per report and KPI): when every report changes (a parser change re-parses
  all of them), that was 8.4 M ids at 103,000 reports, and fct_report_kpis ran out of 512 MB.
-#}
{% macro get_incremental_per_report_sql(arg_dict) %}
    {%- set dest_cols_csv = get_quoted_csv(arg_dict["dest_columns"] | map(attribute="name")) -%}
    delete from {{ arg_dict["target_relation"] }}
    where report_id in (select distinct report_id from {{ arg_dict["temp_relation"] }});

    insert into {{ arg_dict["target_relation"] }} ({{ dest_cols_csv }})
    (
        select {{ dest_cols_csv }}
        from {{ arg_dict["temp_relation"] }}
    )
{% endmacro %}
