-- the metric dictionary (seeds/metrics.csv): what each rate of fct_province_year_rates divides

with metrics as (

    select * from {{ ref('metrics') }}

),

final as (

    select
        metric,
        string_split(numerator_kpis, ';') as numerator_kpis,
        string_split(denominator_kpis, ';') as denominator_kpis,
        unit,
        string_split(eras, ';') as eras,
        comparable_across_2019,
        definition_zh,
        definition_en,
        caveats
    from metrics

)

select * from final
