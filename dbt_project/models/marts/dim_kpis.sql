-- one row per kpi name as it appears in parsed.facts and marts.fct_report_kpis: the kpi_dictionary
-- seed has one row per (kpi, era, table); table 三 rows also name one kpi per applicant column
-- (`<row key>_<column key>`; the bare row key is the 总计 column)

with dictionary as (

    select * from {{ ref('kpi_dictionary') }}

),

applicant_columns as (

    -- the applicant columns of table 三 beside its 总计 column (the seed the parser reads too)
    select col_key as applicant_column, position as column_order
    from {{ ref('table3_columns') }}
    where col_key <> 'total'

),

headline_names as (

    select
        kpi,
        kpi as kpi_base,
        case when "table" = 'table3' then 'total' end as applicant_column,
        era,
        "table",
        row_label_zh,
        column_label_zh,
        unit,
        description
    from dictionary

),

table3_cell_names as (

    select
        dictionary.kpi || '_' || applicant_columns.applicant_column as kpi,
        dictionary.kpi as kpi_base,
        applicant_columns.applicant_column,
        dictionary.era,
        dictionary."table",
        dictionary.row_label_zh,
        applicant_columns.applicant_column as column_label_zh,
        dictionary.unit,
        dictionary.description
    from dictionary
    cross join applicant_columns
    where dictionary."table" = 'table3'

),

all_names as (

    select * from headline_names
    union all
    select * from table3_cell_names

),

era_preference as (

    select
        *,
        -- the description of the standard format reads best; 2008-era rows come last
        case era
            when 'all' then 0
            when '2021_format' then 1
            when '2019_trial_format' then 2
            else 3
        end as era_rank,
        case when "table" = 'narrative' then 1 else 0 end as table_rank
    from all_names

),

final as (

    select
        kpi,
        any_value(kpi_base) as kpi_base,
        any_value(applicant_column) as applicant_column,
        any_value(unit) as unit,
        list(distinct era order by era) as eras,
        list(distinct "table" order by "table") as tables,
        arg_min(row_label_zh, era_rank * 10 + table_rank) as row_label_zh,
        arg_min(column_label_zh, era_rank * 10 + table_rank) as column_label_zh,
        arg_min(description, era_rank * 10 + table_rank) as description,
        count(*) as dictionary_rows_cnt
    from era_preference
    group by kpi

)

select * from final
