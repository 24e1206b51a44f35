{#-
  The values of one column of a seed, in `order_by` order: how a model turns reference data
  (the KPIs it pivots) into SQL columns without a second, hand-written copy of it.
  ref() makes the seed a parent of the calling model, so dbt builds it first. Inside a unit test
  ref() names the test's fixture, a CTE that a query of its own cannot see: there the seed's own
  table is read (schema `reference`, the seeds' schema in dbt_project.yml), and the unit test
  lists the seed among its inputs with no rows. At parse time nothing is queried (execute is
  false) and the list is empty.
-#}

{% macro seed_column_values(seed_name, column, where=none, order_by=none) %}
    {%- set seed_relation = ref(seed_name) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- if (seed_relation | string).startswith('__dbt__cte__') -%}
        {%- set seed_relation = api.Relation.create(
            database=target.database, schema=generate_schema_name('reference', none), identifier=seed_name
        ) -%}
    {%- endif -%}
    {%- set query -%}
        select {{ column }} from {{ seed_relation }}
        {%- if where %} where {{ where }}{% endif %}
        order by {{ order_by or column }}
    {%- endset -%}
    {{ return(run_query(query).columns[0].values() | list) }}
{% endmacro %}
