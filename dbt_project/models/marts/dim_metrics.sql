-- the metric dictionary (seeds/metrics.csv): what each rate of fct_province_year_rates divides,
-- in the 2019+ formats and, where the 2008-era annex has a counterpart, in 2008-era reports

with metrics as (

    select * from {{ ref('metrics') }}

),

final as (

    select
        metric,
        string_split(numerator_kpis, ';') as numerator_kpis,
        string_split(denominator_kpis, ';') as denominator_kpis,
        -- null, not an empty list, where the 2008-era annex has no counterpart
        case when numerator_kpis_2008 <> '' then string_split(numerator_kpis_2008, ';') end as numerator_kpis_2008,
        case when denominator_kpis_2008 <> '' then string_split(denominator_kpis_2008, ';') end as denominator_kpis_2008,
        mapping_2008,
        unit,
        string_split(eras, ';') as eras,
        comparable_across_2019,
        definition_zh,
        definition_en,
        caveats
    from metrics

)

select * from final
