"""A 2021-format report page laid out like the official template (rowspan/colspan included),
built from known values so the tests can check the parser against them."""

from __future__ import annotations

import html

# the template rows and columns live once, in the generator the sample portal and benchmarks use too
from xxgk.synth import COLUMNS as COLUMNS  # re-exported for the parser tests
from xxgk.synth import T3_ROWS_2019 as T3_ROWS_2019
from xxgk.synth import T3_ROWS_2021 as T3_ROWS_2021
from xxgk.synth import table3_layout_html


def table3_values(blank_rows: tuple[str, ...] = (), rows=T3_ROWS_2021) -> dict[str, list[int | None]]:
    """Consistent values: every identity of section 7 holds; rows in ``blank_rows`` are empty."""
    values: dict[str, list[int | None]] = {}
    for index, (_, _, _, key) in enumerate(rows):
        parts = [index + 1, index % 3, 0, 1 if index % 5 == 0 else 0, index % 2, 0]
        values[key] = [*parts, sum(parts)]
    result_keys = [k for _, _, _, k in rows[2:-2]]
    values["results_total"] = [sum(values[k][c] for k in result_keys) for c in range(7)]
    received, carried_in, total = values["applications_received"], values["applications_carried_in"], \
        values["results_total"]
    # carried forward = received + carried in - processed, per column (kept non-negative by raising received)
    for c in range(7):
        gap = total[c] - carried_in[c] - received[c]
        if gap > 0:
            received[c] += gap
    received[6] = sum(received[:6])
    values["applications_carried_forward"] = [received[c] + carried_in[c] - total[c] for c in range(7)]
    for key in blank_rows:
        values[key] = [None] * 7
    return values


def _td(text, rowspan=1, colspan=1) -> str:
    attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
    return f"<td{attrs}>{html.escape(str(text)) if text is not None else '&nbsp;'}</td>"


def table3_html(values: dict[str, list[int | None]], rows_spec=T3_ROWS_2021) -> str:
    return table3_layout_html(rows_spec, lambda key: ["<td></td>" if v is None else _td(v) for v in values[key]])


def table4_html(values: list[int | None]) -> str:
    parts = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    return ("<table><tr><td colspan='5'>行政复议</td><td colspan='10'>行政诉讼</td></tr><tr>"
            + "".join(_td(p, rowspan=2) for p in parts)
            + "<td colspan='5'>未经复议直接起诉</td><td colspan='5'>复议后起诉</td></tr><tr>"
            + "".join(_td(p) for p in parts * 2) + "</tr><tr>"
            + "".join("<td>&nbsp;</td>" if v is None else _td(v) for v in values) + "</tr></table>")


def table2_html(t2: dict[str, int | float | None]) -> str:
    def value(key):
        v = t2.get(key)
        return "&nbsp;" if v is None else str(v)

    return (
        "<table><tr><td colspan='4'>第二十条第（一）项</td></tr>"
        "<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"
        f"<tr><td>规章</td><td>{value('regulations_issued')}</td><td>{value('regulations_repealed')}</td>"
        f"<td>{value('regulations_in_force')}</td></tr>"
        f"<tr><td>行政规范性文件</td><td>{value('normative_docs_issued')}</td><td>{value('normative_docs_repealed')}</td>"
        f"<td>{value('normative_docs_in_force')}</td></tr>"
        "<tr><td colspan='4'>第二十条第（五）项</td></tr>"
        "<tr><td>信息内容</td><td colspan='3'>本年处理决定数量</td></tr>"
        f"<tr><td>行政许可</td><td colspan='3'>{value('admin_license_decisions')}</td></tr>"
        "<tr><td colspan='4'>第二十条第（六）项</td></tr>"
        "<tr><td>信息内容</td><td colspan='3'>本年处理决定数量</td></tr>"
        f"<tr><td>行政处罚</td><td colspan='3'>{value('admin_penalty_decisions')}</td></tr>"
        f"<tr><td>行政强制</td><td colspan='3'>{value('admin_coercion_decisions')}</td></tr>"
        "<tr><td colspan='4'>第二十条第（八）项</td></tr>"
        "<tr><td>信息内容</td><td colspan='3'>本年收费金额（单位：万元）</td></tr>"
        f"<tr><td>行政事业性收费</td><td colspan='3'>{value('admin_fee_amount_wan_yuan')}</td></tr></table>")


def table2_html_2019(t2: dict[str, int | None]) -> str:
    def row(label, *keys):
        return f"<tr><td>{label}</td>" + "".join(f"<td>{'&nbsp;' if t2.get(k) is None else t2[k]}</td>" for k in keys) + "</tr>"

    header = "<tr><td>信息内容</td><td>上一年项目数量</td><td>本年增/减</td><td>处理决定数量</td></tr>"
    return ("<table><tr><td colspan='4'>第二十条第（一）项</td></tr>"
            "<tr><td>信息内容</td><td>本年新制作数量</td><td>本年新公开数量</td><td>对外公开总数量</td></tr>"
            + row("规章", "regulations_new_made", "regulations_new_published", "regulations_published_total")
            + row("规范性文件", "normative_docs_new_made", "normative_docs_new_published", "normative_docs_published_total")
            + "<tr><td colspan='4'>第二十条第（五）项</td></tr>" + header
            + row("行政许可", "admin_license_items_prev_year", "admin_license_items_change", "admin_license_decisions")
            + row("其他对外管理服务事项", "other_mgmt_service_items_prev_year", "other_mgmt_service_items_change",
                  "other_mgmt_service_decisions")
            + "<tr><td colspan='4'>第二十条第（六）项</td></tr>" + header
            + row("行政处罚", "admin_penalty_items_prev_year", "admin_penalty_items_change", "admin_penalty_decisions")
            + row("行政强制", "admin_coercion_items_prev_year", "admin_coercion_items_change", "admin_coercion_decisions")
            + "<tr><td colspan='4'>第二十条第（八）项</td></tr>"
            + "<tr><td>信息内容</td><td>上一年项目数量</td><td colspan='2'>本年增/减</td></tr>"
            + row("行政事业性收费", "admin_fee_items_prev_year", "admin_fee_items_change")
            + "<tr><td colspan='4'>第二十条第（九）项</td></tr>"
            + "<tr><td>信息内容</td><td>采购项目数量</td><td colspan='2'>采购总金额</td></tr>"
            + row("政府集中采购", "gov_procurement_projects", "gov_procurement_amount") + "</table>")


def report_html(*, issuer="东莞市人民政府", year=2023, t2=None, t3=None, t4=None, charset="utf-8",
                extra_body="", era="2021_format") -> bytes:
    t2 = t2 if t2 is not None else {"regulations_issued": 1, "regulations_repealed": 0, "regulations_in_force": 12,
                                    "normative_docs_issued": 8, "normative_docs_repealed": 2,
                                    "normative_docs_in_force": 66, "admin_license_decisions": 1207,
                                    "admin_penalty_decisions": 35, "admin_coercion_decisions": None,
                                    "admin_fee_amount_wan_yuan": 96.5}
    rows_spec = T3_ROWS_2021 if era == "2021_format" else T3_ROWS_2019
    t3 = t3 if t3 is not None else table3_values(rows=rows_spec)
    t4 = t4 if t4 is not None else [3, 1, 2, 0, 6, 2, 1, 0, 1, 4, 1, 0, 0, 1, 2]
    page = f"""<html><head><meta charset="{charset}"><title>{issuer}{year}年政府信息公开工作年度报告</title></head>
<body><div class="nav">首页 | 政务公开 | 繁體版 | 无障碍</div>
<div class="TRS_Editor">
<p>{issuer}{year}年政府信息公开工作年度报告</p>
<p>本报告由{issuer}办公室编制。本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。</p>
<p>一、总体情况</p><p>{year}年，全市共受理政府信息公开申请{t3['applications_received'][6]}件。</p>{extra_body}
<p>二、主动公开政府信息情况</p>{table2_html(t2) if era == "2021_format" else table2_html_2019(t2)}
<p>三、收到和处理政府信息公开申请情况</p>{table3_html(t3, rows_spec)}
<p>四、政府信息公开行政复议、行政诉讼情况</p>{table4_html(t4)}
<p>五、存在的主要问题及改进情况</p><p>无。</p>
<p>六、其他需要报告的事项</p><p>全年收取政府信息公开信息处理费0元。</p>
</div></body></html>"""
    return page.encode(charset)
