-- every KPI a metric names exists in the KPI dictionary in the era it is used for (numerator_kpis and
-- denominator_kpis in the 2019 trial or 2021 format, the *_2008 lists in the 2008 regulation era), and
-- the mapping columns agree with each other: `none` has no 2008 numerator, `exact` and `approximate`
-- have both 2008 lists, and only `exact` is comparable across 2019
with metrics as (

    select * from {{ ref('dim_metrics') }}

),

dictionary as (

    select * from {{ ref('kpi_dictionary') }}

),

named as (

    select metric, unnest(numerator_kpis) as kpi, 'standard' as era_family from metrics
    union all
    select metric, unnest(denominator_kpis) as kpi, 'standard' as era_family from metrics
    union all
    select metric, unnest(numerator_kpis_2008) as kpi, '2008' as era_family from metrics
    union all
    select metric, unnest(denominator_kpis_2008) as kpi, '2008' as era_family from metrics

),

unknown_kpis as (

    select named.metric, 'kpi ' || named.kpi || ' not in the ' || named.era_family || ' era' as problem
    from named
    where not exists (
        select 1
        from dictionary
        where dictionary.kpi = named.kpi
          and (
              (named.era_family = '2008' and dictionary.era = '2008_regulation')
              or (named.era_family = 'standard' and dictionary.era in ('all', '2019_trial_format', '2021_format'))
          )
    )

),

inconsistent_mappings as (

    select metric, 'mapping_2008 ' || mapping_2008 || ' disagrees with its lists or comparable_across_2019' as problem
    from metrics
    where (mapping_2008 = 'none' and numerator_kpis_2008 is not null)
       or (mapping_2008 in ('exact', 'approximate') and (numerator_kpis_2008 is null or denominator_kpis_2008 is null))
       or (comparable_across_2019 <> (mapping_2008 = 'exact'))

)

select * from unknown_kpis
union all
select * from inconsistent_mappings
