{#- the combination of the given columns is unique (a compound key); no dbt_utils here -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with key_counts as (

    select
        {{ combination_of_columns | join(', ') }},
        count(*) as rows_cnt
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}

),

final as (

    select * from key_counts
    where rows_cnt > 1

)

select * from final

{% endtest %}
