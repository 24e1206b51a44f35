{#-
    勾稽 check: a total column equals the sum of its parts (in the spirit of pudl's
    expect_subcomponents_sum_to_total).

    args
      total                 column (or expression) holding the stated total
      parts                 list of columns (or expressions) that should add up to it
      tolerance             absolute difference allowed (default 0)
      group_by              optional list of columns: totals and parts are summed per group first
      max_failure_fraction  coverage guard: fail only when more than this share of the checked
                            rows (or groups) disagree (default 0: any disagreement fails)

    rows where the total or any part is null are skipped (a blank is not a zero); the failing
    rows (or groups) are returned with total_value, parts_sum and difference.
-#}
{% test expect_total_equals_sum_of_parts(model, total, parts, tolerance=0, group_by=none, max_failure_fraction=0) %}

with checkable_rows as (

    select
        *,
        ({{ total }}) as total_value,
        ({% for part in parts %}({{ part }}){% if not loop.last %} + {% endif %}{% endfor %}) as parts_sum
    from {{ model }}
    where ({{ total }}) is not null
    {%- for part in parts %}
      and ({{ part }}) is not null
    {%- endfor %}

),

checked as (

    {% if group_by %}
    select
        {{ group_by | join(', ') }},
        count(*) as rows_checked,
        sum(total_value) as total_value,
        sum(parts_sum) as parts_sum
    from checkable_rows
    group by {{ group_by | join(', ') }}
    {% else %}
    select * from checkable_rows
    {% endif %}

),

failures as (

    select
        *,
        total_value - parts_sum as difference
    from checked
    where abs(total_value - parts_sum) > {{ tolerance }}

),

final as (

    select * from failures
    where (select count(*) from failures)
        > {{ max_failure_fraction }} * (select count(*) from checked)

)

select * from final

{% endtest %}
