-- format compliance of each report under the 2019/2021 national format (国办公开办函〔2019〕60号,
-- 〔2021〕30号): its six sections, the shape of tables 三 and 四, and the fee of table 三 against
-- section 六. null where the format does not apply (2008-era reports) or nothing can be said.
-- incremental by report (macros/per_report_incremental.sql): only the texts, facts and issues of
-- the reports being built are read.

with reports_to_build as (

    {{ reports_to_build() }}

),

reports as (

    select reports.*, reports_to_build.report_fingerprint
    from {{ ref('int_reports_deduped') }} as reports
    inner join reports_to_build using (report_id)
    where reports.doc_type = 'annual_report'

),

format_documents as (

    -- every measure below is null outside the 2019 and 2021 formats: only their documents are read
    select sha256 from reports
    where era in ('2019_trial_format', '2021_format')

),

texts as (

    -- read down to a few booleans per document here, so no join carries whole texts (at 100,000
    -- reports they are gigabytes: the join ran out of dbt's 512 MB)
    select
        sha256,
        regexp_matches(compact_text, '一[、.．]?总体情况')
            and regexp_matches(compact_text, '二[、.．]?主动公开政府信息(的)?情况')
            and regexp_matches(compact_text, '三[、.．]?收到和处理政府信息公开申请(的)?情况')
            and regexp_matches(compact_text, '四[、.．]?(因)?政府信息公开(工作)?(被申请)?行政复议')
            and regexp_matches(compact_text, '五[、.．]?(政府信息公开)?(工作)?存在的?主要问题')
            and regexp_matches(compact_text, '六[、.．]?其他需要报告的事项') as has_six_section_headings,
        contains(compact_text, '信息处理费') as mentions_processing_fee,
        regexp_matches(compact_text, '(未|没有|不)(收取|收缴)[^。]{0,6}信息处理费') as denies_processing_fee
    from (
        select sha256, regexp_replace(document_text, '\s+', '', 'g') as compact_text
        from {{ ref('stg_parsed__document_texts') }}
        where sha256 in (select sha256 from format_documents)
    ) as compacted

),

facts as (

    select * from {{ ref('stg_parsed__facts') }}
    where sha256 in (select sha256 from format_documents)

),

issues as (

    select * from {{ ref('stg_parsed__quality_issues') }}
    where sha256 in (select sha256 from format_documents)

),

table_shapes as (

    select
        sha256,
        count(distinct row_key) filter (where source = 'table3') as table3_rows_cnt,
        -- the 15 printed cells (admin_litigation_total is derived from two of them)
        count(*) filter (where source = 'table4' and row_key in (
            select group_key from {{ ref('table4_groups') }}
        )) as table4_cells_cnt,
        max(value) filter (where kpi = 'result_other_fee_unpaid' and source = 'table3') as fee_unpaid_applications
    from facts
    group by sha256

),

template_shapes as (

    -- the rows table 三 has in each template: the parser's row labels (table3_rows seed)
    select templates.era, count(distinct table3_rows.row_key) as table3_rows_cnt
    from (values ('2019_trial_format'), ('2021_format')) as templates (era)
    inner join {{ ref('table3_rows') }} as table3_rows
        on table3_rows.era in ('both', templates.era)
    group by templates.era

),

table_problems as (

    select
        sha256,
        count(*) filter (
            where check_id in ('unaligned-row', 'T3-duplicate-row', 'T3-rows-before-first', 'T3-row-order')
               or (check_id = 'unmapped-label' and json_extract_string(detail, '$.table') in ('table3', 'table 三'))
               or (check_id in ('T3-balance', 'T3-columns', 'T3-results', 'T4-parts') and severity <> 'info')
        ) as problems_cnt
    from issues
    group by sha256

),

final as (

    select
        reports.report_id,
        case when reports.era in ('2019_trial_format', '2021_format') then
            texts.has_six_section_headings
        end as has_all_six_sections,
        case when reports.era in ('2019_trial_format', '2021_format') then
            coalesce(table_shapes.table3_rows_cnt, 0) = template_shapes.table3_rows_cnt
            and coalesce(table_shapes.table4_cells_cnt, 0) = 15
            and coalesce(table_problems.problems_cnt, 0) = 0
        end as tables_well_formed,
        -- 2021 format: applications closed for an unpaid fee (table 三) need the 信息处理费 that
        -- section 六 must report
        case
            when reports.era <> '2021_format' or table_shapes.fee_unpaid_applications is null then null
            when table_shapes.fee_unpaid_applications = 0 then true
            else texts.mentions_processing_fee and not texts.denies_processing_fee
        end as fee_consistent_with_section6,
        reports.report_fingerprint
    from reports
    left join texts using (sha256)
    left join table_shapes using (sha256)
    left join table_problems using (sha256)
    left join template_shapes on template_shapes.era = reports.era

)

select * from final
