{#- the combination of the given columns is unique (a compound key); no dbt_utils here.
    keys are first grouped by a 64-bit hash of the combination (an integer aggregate: a few times
    faster than grouping the strings of eight million report KPIs), and only keys whose hash
    repeats are compared exactly, so a hash collision never fails the test -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

{%- set columns = combination_of_columns | join(', ') %}

with repeated_hashes as (

    select hash({{ columns }}) as key_hash
    from {{ model }}
    group by key_hash
    having count(*) > 1

),

key_counts as (

    select
        {{ columns }},
        count(*) as rows_cnt
    from {{ model }}
    where hash({{ columns }}) in (select key_hash from repeated_hashes)
    group by {{ columns }}

),

final as (

    select * from key_counts
    where rows_cnt > 1

)

select * from final

{% endtest %}
