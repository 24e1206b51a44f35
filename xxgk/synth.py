"""Synthetic standard-format reports with known values: for the sample portal, tests, `xxgk eval`
and benchmarks.

A report is generated from a seed with consistent numbers (every 勾稽 identity of the data
dictionary, section 7, holds) and rendered the ways real reports arrive: an HTML page with the
official rowspan/colspan tables, flattened text with realistic noise, or a DOCX attachment.
``expected_json`` gives the answer in the schema of ../shared/gold/*.expected.json. Blank cells
render empty and are null (never 0) in the answer.
"""

from __future__ import annotations

import html
import io
import json
import random
import re
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

COLUMNS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
           "legal_service_org", "other_org", "total")
COLUMN_LABELS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")

# (parent rowspan label, group rowspan label, row label, row key): the official 2021 template
T3_ROWS_2021 = (
    (None, None, "一、本年新收政府信息公开申请数量", "applications_received"),
    (None, None, "二、上年结转政府信息公开申请数量", "applications_carried_in"),
    ("三、本年度办理结果", None, "（一）予以公开", "result_granted"),
    ("三、本年度办理结果", None, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "result_partially_granted"),
    ("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密", "result_denied_state_secret"),
    ("三、本年度办理结果", "（三）不予公开", "2.其他法律行政法规禁止公开", "result_denied_law_prohibited"),
    ("三、本年度办理结果", "（三）不予公开", "3.危及“三安全一稳定”", "result_denied_three_securities_one_stability"),
    ("三、本年度办理结果", "（三）不予公开", "4.保护第三方合法权益", "result_denied_third_party_rights"),
    ("三、本年度办理结果", "（三）不予公开", "5.属于三类内部事务信息", "result_denied_internal_affairs"),
    ("三、本年度办理结果", "（三）不予公开", "6.属于四类过程性信息", "result_denied_process_info"),
    ("三、本年度办理结果", "（三）不予公开", "7.属于行政执法案卷", "result_denied_law_enforcement_file"),
    ("三、本年度办理结果", "（三）不予公开", "8.属于行政查询事项", "result_denied_admin_query"),
    ("三、本年度办理结果", "（四）无法提供", "1.本机关不掌握相关政府信息", "result_unable_not_held"),
    ("三、本年度办理结果", "（四）无法提供", "2.没有现成信息需要另行制作", "result_unable_needs_creation"),
    ("三、本年度办理结果", "（四）无法提供", "3.补正后申请内容仍不明确", "result_unable_unclear_after_correction"),
    ("三、本年度办理结果", "（五）不予处理", "1.信访举报投诉类申请", "result_not_processed_petition_complaint"),
    ("三、本年度办理结果", "（五）不予处理", "2.重复申请", "result_not_processed_duplicate"),
    ("三、本年度办理结果", "（五）不予处理", "3.要求提供公开出版物", "result_not_processed_publication"),
    ("三、本年度办理结果", "（五）不予处理", "4.无正当理由大量反复申请", "result_not_processed_mass_repetitive"),
    ("三、本年度办理结果", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息", "result_not_processed_confirm_reissue"),
    ("三、本年度办理结果", "（六）其他处理",
     "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "result_other_no_correction"),
    ("三、本年度办理结果", "（六）其他处理",
     "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "result_other_fee_unpaid"),
    ("三、本年度办理结果", "（六）其他处理", "3.其他", "result_other_other"),
    ("三、本年度办理结果", None, "（七）总计", "results_total"),
    (None, None, "四、结转下年度继续办理", "applications_carried_forward"),
)
T3_ROWS_2019 = (
    *T3_ROWS_2021[:20],
    ("三、本年度办理结果", None, "（六）其他处理", "result_other"),
    *T3_ROWS_2021[23:],
)
T3_HEADER_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T4_GROUPS = ("admin_reconsideration", "litigation_direct", "litigation_after_reconsideration")
T4_PARTS = ("upheld", "corrected", "other", "pending", "total")
T4_PART_LABELS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
T4_KPI_PREFIX = {"admin_reconsideration": "admin_reconsideration", "litigation_direct": "admin_litigation_direct",
                 "litigation_after_reconsideration": "admin_litigation_after_reconsideration"}

# table 二: (block, column headers, rows of (label, kpi keys in column order))
T2_2021 = (
    ("第二十条第（一）项", ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"),
     (("规章", ("regulations_issued", "regulations_repealed", "regulations_in_force")),
      ("行政规范性文件", ("normative_docs_issued", "normative_docs_repealed", "normative_docs_in_force")))),
    ("第二十条第（五）项", ("信息内容", "本年处理决定数量"), (("行政许可", ("admin_license_decisions",)),)),
    ("第二十条第（六）项", ("信息内容", "本年处理决定数量"),
     (("行政处罚", ("admin_penalty_decisions",)), ("行政强制", ("admin_coercion_decisions",)))),
    ("第二十条第（八）项", ("信息内容", "本年收费金额（单位：万元）"), (("行政事业性收费", ("admin_fee_amount_wan_yuan",)),)),
)
T2_2019 = (
    ("第二十条第（一）项", ("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"),
     (("规章", ("regulations_new_made", "regulations_new_published", "regulations_published_total")),
      ("规范性文件", ("normative_docs_new_made", "normative_docs_new_published", "normative_docs_published_total")))),
    ("第二十条第（五）项", ("信息内容", "上一年项目数量", "本年增/减", "处理决定数量"),
     (("行政许可", ("admin_license_items_prev_year", "admin_license_items_change", "admin_license_decisions")),
      ("其他对外管理服务事项", ("other_mgmt_service_items_prev_year", "other_mgmt_service_items_change",
                          "other_mgmt_service_decisions")))),
    ("第二十条第（六）项", ("信息内容", "上一年项目数量", "本年增/减", "处理决定数量"),
     (("行政处罚", ("admin_penalty_items_prev_year", "admin_penalty_items_change", "admin_penalty_decisions")),
      ("行政强制", ("admin_coercion_items_prev_year", "admin_coercion_items_change", "admin_coercion_decisions")))),
    ("第二十条第（八）项", ("信息内容", "上一年项目数量", "本年增/减"),
     (("行政事业性收费", ("admin_fee_items_prev_year", "admin_fee_items_change")),)),
    ("第二十条第（九）项", ("信息内容", "采购项目数量", "采购总金额"),
     (("政府集中采购", ("gov_procurement_projects", "gov_procurement_amount")),)),
)
SIGNED = {k for k in ("admin_license_items_change", "other_mgmt_service_items_change", "admin_penalty_items_change",
                      "admin_coercion_items_change", "admin_fee_items_change")}

# real bodies across provinces and levels: (issuer, place, province, code, level, admin_tier, scope)
ISSUERS = (
    ("淮安市人民政府", "淮安市", "江苏省", "320000", "city", None, "aggregate"),
    ("钦州市人民政府", "钦州市", "广西壮族自治区", "450000", "city", None, "aggregate"),
    ("东莞市人民政府", "东莞市", "广东省", "440000", "city", None, "aggregate"),
    ("抚顺市行政审批服务局", "抚顺市", "辽宁省", "210000", "department", "city", "organ"),
    ("江西省农业农村厅", "江西省", "江西省", "360000", "department", "province", "organ"),
    ("靖安县人民政府", "宜春市靖安县", "江西省", "360000", "county", None, "aggregate"),
    ("海南省生态环境厅", "海南省", "海南省", "460000", "department", "province", "organ"),
    ("句容市人民政府", "镇江市句容市", "江苏省", "320000", "county", None, "aggregate"),
    ("西藏自治区人民政府", "西藏自治区", "西藏自治区", "540000", "province", None, "aggregate"),
    ("哈尔滨市松北区人民政府", "哈尔滨市松北区", "黑龙江省", "230000", "county", None, "aggregate"),
    ("武汉市生态环境局", "武汉市", "湖北省", "420000", "department", "city", "organ"),
    ("青岛市人民政府", "青岛市", "山东省", "370000", "city", None, "aggregate"),
)
# bodies only asked for by name (the sample portal's province-year): kept apart so that the
# seeded choice among ISSUERS, which tests rely on, does not move
NAMED_ONLY_ISSUERS = (
    ("广东省人民政府", "广东省", "广东省", "440000", "province", None, "aggregate"),
    ("广东省人民政府办公厅", "广东省", "广东省", "440000", "department", "province", "organ"),
)


# every generated page, document and PDF says it was generated (meta generator, docx author, PDF
# creator): the warehouse flags such reports synthetic, so they never pass for real ones
GENERATOR = "xxgk.synth"


@dataclass
class SynthReport:
    issuer: str
    place: str
    province: str
    province_code: str
    level: str
    admin_tier: str | None
    scope: str
    report_year: int
    era: str
    table2: dict[str, int | float | str | None]
    table3: dict[str, dict[str, int | None]]
    table4: dict[str, dict[str, int | None]]
    fee_income_yuan: int | None = None
    publication_date: str = ""
    narrative: dict[str, int] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return f"{self.issuer}{self.report_year}年政府信息公开工作年度报告"

    @property
    def t3_rows(self):
        return T3_ROWS_2021 if self.era == "2021_format" else T3_ROWS_2019

    @property
    def t2_blocks(self):
        return T2_2021 if self.era == "2021_format" else T2_2019


def make_report(seed: int, *, era: str = "2021_format", report_year: int | None = None, issuer: str | None = None,
                body: tuple | None = None, blank_rate: float = 0.0, **overrides) -> SynthReport:
    """A report with consistent values, deterministic in ``seed``; ``body`` is any reporting body as
    an ISSUERS tuple (the national benchmark draws them from the gazetteer)."""
    rng = random.Random(seed)
    if body is not None:
        who = body
        rng.random()  # the draw rng.choice(ISSUERS) would make, so values do not depend on how the body was given
    else:
        who = next((i for i in ISSUERS + NAMED_ONLY_ISSUERS if i[0] == issuer), None) if issuer \
            else rng.choice(ISSUERS)
    if who is None:
        raise ValueError(f"unknown issuer {issuer!r}; choose one of {[i[0] for i in ISSUERS]}")
    year = report_year or (rng.randint(2021, 2024) if era == "2021_format" else rng.choice((2019, 2020)))
    rows = T3_ROWS_2021 if era == "2021_format" else T3_ROWS_2019
    scale = 400 if who[6] == "aggregate" else 25
    weights = (1.0, 0.12, 0.01, 0.01, 0.05, 0.02)
    table3: dict[str, dict[str, int | None]] = {}
    result_keys = [key for _p, _g, _l, key in rows[2:-2]]
    for key in result_keys:
        share = 0.3 if key in ("result_granted", "result_unable_not_held") else 0.04
        table3[key] = {c: int(rng.random() * scale * share * w) for c, w in zip(COLUMNS[:6], weights, strict=True)}
    carried_in = {c: int(rng.random() * scale * 0.03 * w) for c, w in zip(COLUMNS[:6], weights, strict=True)}
    carried_forward = {c: int(rng.random() * scale * 0.05 * w) for c, w in zip(COLUMNS[:6], weights, strict=True)}
    totals = {c: sum(table3[k][c] for k in result_keys) for c in COLUMNS[:6]}
    table3["applications_received"] = {c: totals[c] + carried_forward[c] - carried_in[c] for c in COLUMNS[:6]}
    for c in COLUMNS[:6]:  # received cannot be negative: carry in less instead
        if table3["applications_received"][c] < 0:
            carried_in[c] += table3["applications_received"][c]
            table3["applications_received"][c] = 0
    table3["applications_carried_in"] = carried_in
    table3["results_total"] = totals
    table3["applications_carried_forward"] = carried_forward
    for row in table3.values():
        row["total"] = sum(row[c] for c in COLUMNS[:6])
    if blank_rate:
        # reports often leave zero cells empty; only part cells, so totals stay meaningful
        for key in result_keys:
            for c in COLUMNS[:6]:
                if table3[key][c] == 0 and rng.random() < blank_rate:
                    table3[key][c] = None
    table4 = {}
    for group in T4_GROUPS:
        parts = [int(rng.random() * scale * 0.02) for _ in range(4)]
        table4[group] = dict(zip(T4_PARTS, [*parts, sum(parts)], strict=True))
    table2 = _table2(rng, era, scale)
    report = SynthReport(
        issuer=who[0], place=who[1], province=who[2], province_code=who[3], level=who[4], admin_tier=who[5],
        scope=who[6], report_year=year, era=era, table2=table2, table3=table3, table4=table4,
        fee_income_yuan=rng.randint(0, 5000) if era == "2021_format" else None,
        publication_date=f"{year + 1}-01-{rng.randint(10, 28):02d}",
    )
    for key, value in overrides.items():
        setattr(report, key, value)
    return report


def _table2(rng: random.Random, era: str, scale: int) -> dict:
    if era == "2021_format":
        return {
            "regulations_issued": rng.randint(0, 3), "regulations_repealed": rng.randint(0, 2),
            "regulations_in_force": rng.randint(5, 40), "normative_docs_issued": rng.randint(0, 30),
            "normative_docs_repealed": rng.randint(0, 10), "normative_docs_in_force": rng.randint(20, 300),
            "admin_license_decisions": rng.randint(100, 500_000), "admin_penalty_decisions": rng.randint(0, 90_000),
            "admin_coercion_decisions": rng.randint(0, 5_000),
            "admin_fee_amount_wan_yuan": round(rng.random() * 100_000, 1),
        }
    values: dict = {}
    for _block, _headers, rows in T2_2019:
        for _label, keys in rows:
            for key in keys:
                values[key] = rng.randint(-9, 12) if key in SIGNED else rng.randint(0, scale * 10)
    values["gov_procurement_amount"] = f"{rng.randint(10, 9000)}.{rng.randint(0, 99):02d}万元"
    return values


def _fmt(value) -> str:
    return "" if value is None else str(value)


def _cell_text(key: str, value) -> str:
    if value is None:
        return ""
    if key in SIGNED and isinstance(value, int) and value > 0:
        return f"+{value}"
    return str(value)


def litigation_total(report: SynthReport) -> int:
    return report.table4["litigation_direct"]["total"] + report.table4["litigation_after_reconsideration"]["total"]


def _preamble(report: SynthReport) -> list[str]:
    r = report
    received = r.table3["applications_received"]["total"]
    processed = r.table3["results_total"]["total"]
    return [
        f"本报告由{r.issuer}办公室根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定编制。"
        f"本报告所列数据的统计期限自{r.report_year}年1月1日起至{r.report_year}年12月31日止。",
        "一、总体情况",
        f"（一）主动公开情况。{r.report_year}年，认真落实《条例》各项规定，依法做好主动公开工作。",
        f"（二）依申请公开情况。{r.report_year}年，共受理政府信息公开申请{received}件，办结{processed}件。",
        "（三）政府信息管理情况。坚持“先审查、后公开”原则。",
        "（四）政府信息公开平台建设情况。持续优化政务公开专栏。",
        "（五）政府信息公开监督保障情况。定期开展栏目检查。",
    ]


def _closing(report: SynthReport) -> list[str]:
    lines = ["五、存在的主要问题及改进情况", "政策解读形式仍需丰富，下一步将加强培训。", "六、其他需要报告的事项"]
    if report.fee_income_yuan is not None:
        lines.append(f"{report.report_year}年，全年收取政府信息公开信息处理费{report.fee_income_yuan}元。")
    else:
        lines.append("本年度无其他需要报告的事项。")
    return lines


# --- HTML ---------------------------------------------------------------------------------------

def _td(text, rowspan: int = 1, colspan: int = 1) -> str:
    attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
    body = html.escape(str(text)) if text not in (None, "") else "&nbsp;"
    return f"<td{attrs}>{body}</td>"


def table2_html(report: SynthReport) -> str:
    rows = []
    for block, headers, block_rows in report.t2_blocks:
        width = 4
        rows.append(f"<tr>{_td(block, colspan=width)}</tr>")
        span_last = width - len(headers) + 1
        rows.append("<tr>" + "".join(_td(h, colspan=span_last if i == len(headers) - 1 else 1)
                                     for i, h in enumerate(headers)) + "</tr>")
        for label, keys in block_rows:
            cells = [_td(label)] + [_td(_cell_text(k, report.table2.get(k)),
                                        colspan=span_last if i == len(keys) - 1 else 1) for i, k in enumerate(keys)]
            rows.append("<tr>" + "".join(cells) + "</tr>")
    return '<table border="1" class="MsoNormalTable">' + "".join(rows) + "</table>"


def table3_html(report: SynthReport) -> str:
    return table3_layout_html(report.t3_rows, lambda key: [_td(_fmt(report.table3[key][c])) for c in COLUMNS],
                              'border="1" class="MsoNormalTable"')


def table3_layout_html(rows_spec, value_cells, table_attrs: str = 'border="1"') -> str:
    """Table 三 as the official template lays it out (merged header and label cells), with the
    value ``<td>``s of each row key given by ``value_cells(key)``."""
    rows = [
        f'<tr>{_td(T3_HEADER_NOTE, rowspan=3, colspan=3)}{_td("申请人情况", colspan=7)}</tr>',
        f'<tr>{_td("自然人", rowspan=2)}{_td("法人或其他组织", colspan=5)}{_td("总计", rowspan=2)}</tr>',
        "<tr>" + "".join(_td(t) for t in COLUMN_LABELS[1:6]) + "</tr>",
    ]
    spans: dict = {}
    for parent, group, _label, _key in rows_spec:
        spans[parent] = spans.get(parent, 0) + 1
        spans[(parent, group)] = spans.get((parent, group), 0) + 1
    seen = set()
    for parent, group, label, key in rows_spec:
        cells = []
        if parent is None:
            cells.append(_td(label, colspan=3))
        else:
            if parent not in seen:
                seen.add(parent)
                cells.append(_td(parent, rowspan=spans[parent]))
            if group is None:
                cells.append(_td(label, colspan=2))
            else:
                if (parent, group) not in seen:
                    seen.add((parent, group))
                    cells.append(_td(group, rowspan=spans[(parent, group)]))
                cells.append(_td(label))
        cells += value_cells(key)
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table {table_attrs}>" + "".join(rows) + "</table>"


def table4_html(report: SynthReport) -> str:
    values = [report.table4[g][p] for g in T4_GROUPS for p in T4_PARTS]
    return (
        '<table border="1"><tr>' + _td("行政复议", colspan=5) + _td("行政诉讼", colspan=10) + "</tr><tr>"
        + "".join(_td(p, rowspan=2) for p in T4_PART_LABELS)
        + _td("未经复议直接起诉", colspan=5) + _td("复议后起诉", colspan=5) + "</tr><tr>"
        + "".join(_td(p) for p in T4_PART_LABELS * 2) + "</tr><tr>"
        + "".join(_td(_fmt(v)) for v in values) + "</tr></table>"
    )


def render_body_html(report: SynthReport) -> str:
    """The article body only: paragraphs and the three tables."""
    paragraphs = [f'<p style="text-align:center"><strong>{html.escape(report.title)}</strong></p>']
    paragraphs += [f"<p>{html.escape(line)}</p>" for line in _preamble(report)]
    paragraphs.append("<p>二、主动公开政府信息情况</p>" + table2_html(report))
    paragraphs.append("<p>三、收到和处理政府信息公开申请情况</p>" + table3_html(report))
    paragraphs.append("<p>四、政府信息公开行政复议、行政诉讼情况</p>" + table4_html(report))
    paragraphs += [f"<p>{html.escape(line)}</p>" for line in _closing(report)]
    return "\n".join(paragraphs)


def render_html(report: SynthReport, *, traditional: bool = False, container: str = "TRS_Editor",
                encoding_declared: str = "utf-8", body_html: str | None = None) -> str:
    """A whole portal page: head metadata, site chrome, a disclosure metadata table and the article."""
    body = body_html if body_html is not None else render_body_html(report)
    page = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={encoding_declared}">
<title>{html.escape(report.title)}_{html.escape(report.place)}人民政府门户网站</title>
<meta name="ArticleTitle" content="{html.escape(report.title)}">
<meta name="PubDate" content="{report.publication_date} 09:30">
<meta name="ContentSource" content="{html.escape(report.issuer)}">
<meta name="generator" content="{GENERATOR}">
</head><body>
<div class="header"><a href="#">首页</a> | <a href="#">政务公开</a> | <a href="#">繁體版</a> | <a href="#">无障碍</a></div>
<div class="content-table"><table>
<tr><td>索引号：</td><td>{report.province_code}/{report.report_year + 1}-00012</td><td>主题分类：</td><td>政务公开</td></tr>
<tr><td>发布机构：</td><td>{html.escape(report.issuer)}</td><td>发布日期：</td><td>{report.publication_date}</td></tr>
</table></div>
<div class="{container}">
{body}
</div>
<div class="footer">主办：{html.escape(report.issuer)}办公室 ICP备05001234号</div>
</body></html>"""
    return _to_traditional(page) if traditional else page


# --- text -------------------------------------------------------------------------------------

NOISE_OPTIONS = frozenset({"pipes", "cell_per_line", "wrapped_labels", "vertical_labels", "pdf_spacing",
                           "traditional", "fullwidth_digits", "ascii_punct"})


def _table_rows_text(report: SynthReport) -> list[list[str]]:
    """All three tables as rows of cells, labels first, as a PDF or a pasted page gives them."""
    rows: list[list[str]] = []
    for block, headers, block_rows in report.t2_blocks:
        rows.append([block])
        rows.append(list(headers))
        for label, keys in block_rows:
            rows.append([label, *(_cell_text(k, report.table2.get(k)) for k in keys)])
    return rows


def render_text(report: SynthReport, *, noise: frozenset[str] | set[str] = frozenset()) -> str:
    """The report as flattened text (PDF extraction, pasted pages), with the given noise."""
    unknown = set(noise) - NOISE_OPTIONS
    if unknown:
        raise ValueError(f"unknown noise options {sorted(unknown)}")
    sep = " | " if "pipes" in noise else " "
    lines = [report.title, *_preamble(report), "二、主动公开政府信息情况"]

    def emit(cells: list[str]) -> None:
        if "cell_per_line" in noise:
            lines.extend(cells)
            lines.append("")
        else:
            lines.append(sep.join(cells))

    for row in _table_rows_text(report):
        emit(row)
    lines.append("三、收到和处理政府信息公开申请情况")
    lines += [T3_HEADER_NOTE, "申请人情况", "自然人 法人或其他组织 总计", "商业企业 科研机构 社会公益组织 法律服务机构 其他"]
    parent_chars = list("三、本年度办理结果")
    for parent, group, label, key in report.t3_rows:
        values = [_fmt(report.table3[key][c]) for c in COLUMNS]
        full = "".join(part for part in (group, label) if part) if group and label.startswith("1.") else label
        if "vertical_labels" in noise and parent and parent_chars:
            lines.append(parent_chars.pop(0))
        if "wrapped_labels" in noise and len(full) > 14 and "cell_per_line" not in noise:
            cut = len(full) // 2
            lines.append(full[:cut])
            emit(values)
            lines.append(full[cut:])
        else:
            emit([full, *values])
    lines.append("四、政府信息公开行政复议、行政诉讼情况")
    lines += ["行政复议 行政诉讼", "未经复议直接起诉 复议后起诉",
              " ".join(T4_PART_LABELS) + " " + " ".join(T4_PART_LABELS * 2)]
    emit([_fmt(report.table4[g][p]) for g in T4_GROUPS for p in T4_PARTS])
    lines += _closing(report)
    text = "\n".join(lines) + "\n"
    if "pdf_spacing" in noise:
        text = re.sub(r"(\d)(年|月|日|件|元)", r"\1 \2", text)
        out, page = [], 1
        for number, line in enumerate(text.split("\n"), 1):
            if number % 40 == 0 and line:
                page += 1
                line = f"- {page - 1} -{line}"
            out.append(line)
        text = "\n".join(out)
    if "ascii_punct" in noise:
        text = text.translate(str.maketrans({"（": "(", "）": ")", "，": ",", "：": ":"}))
    if "fullwidth_digits" in noise:
        text = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if "traditional" in noise:
        text = _to_traditional(text)
    return text


def _to_traditional(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2t").convert(text)


# --- DOCX -------------------------------------------------------------------------------------

def render_docx(report: SynthReport) -> bytes:
    """A Word document with the three tables as real Word tables (merged cells as in the template)."""
    from docx import Document

    document = Document()
    document.add_heading(report.title, level=1)
    for line in _preamble(report):
        document.add_paragraph(line)
    document.add_paragraph("二、主动公开政府信息情况")
    t2_rows = _table_rows_text(report)
    table = document.add_table(rows=len(t2_rows), cols=4)
    for r, row in enumerate(t2_rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
        if len(row) < 4:
            table.cell(r, len(row) - 1).merge(table.cell(r, 3))
            table.cell(r, len(row) - 1).text = row[-1]
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    t3 = document.add_table(rows=3 + len(report.t3_rows), cols=10)
    t3.cell(0, 0).merge(t3.cell(2, 2)).text = T3_HEADER_NOTE
    t3.cell(0, 3).merge(t3.cell(0, 9)).text = "申请人情况"
    t3.cell(1, 3).merge(t3.cell(2, 3)).text = "自然人"
    t3.cell(1, 4).merge(t3.cell(1, 8)).text = "法人或其他组织"
    t3.cell(1, 9).merge(t3.cell(2, 9)).text = "总计"
    for i, label in enumerate(COLUMN_LABELS[1:6]):
        t3.cell(2, 4 + i).text = label
    for r, (parent, group, label, key) in enumerate(report.t3_rows, start=3):
        if parent is None:
            t3.cell(r, 0).merge(t3.cell(r, 2)).text = label
        else:
            t3.cell(r, 0).text = parent
            if group is None:
                t3.cell(r, 1).merge(t3.cell(r, 2)).text = label
            else:
                t3.cell(r, 1).text = group
                t3.cell(r, 2).text = label
        for c, column in enumerate(COLUMNS):
            t3.cell(r, 3 + c).text = _fmt(report.table3[key][column])
    document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    t4 = document.add_table(rows=4, cols=15)
    t4.cell(0, 0).merge(t4.cell(0, 4)).text = "行政复议"
    t4.cell(0, 5).merge(t4.cell(0, 14)).text = "行政诉讼"
    for i, label in enumerate(T4_PART_LABELS):
        t4.cell(1, i).merge(t4.cell(2, i)).text = label
    t4.cell(1, 5).merge(t4.cell(1, 9)).text = "未经复议直接起诉"
    t4.cell(1, 10).merge(t4.cell(1, 14)).text = "复议后起诉"
    for i, label in enumerate(T4_PART_LABELS * 2):
        t4.cell(2, 5 + i).text = label
    for i, value in enumerate(report.table4[g][p] for g in T4_GROUPS for p in T4_PARTS):
        t4.cell(3, i).text = _fmt(value)
    for line in _closing(report):
        document.add_paragraph(line)
    document.core_properties.author = GENERATOR
    document.core_properties.created = document.core_properties.modified = STABLE_TIME
    buffer = io.BytesIO()
    document.save(buffer)
    return _stable_zip(buffer.getvalue())


# python-docx stamps every zip entry with the time of saving: the same report rendered twice (the
# sample portal restarted) would be new bytes, a new body to land and a new report id
STABLE_TIME = datetime(2024, 1, 1, tzinfo=UTC)


def _stable_zip(data: bytes) -> bytes:
    """The zip with every entry's timestamp fixed, so equal content is equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            stable = zipfile.ZipInfo(info.filename, date_time=STABLE_TIME.timetuple()[:6])
            stable.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(stable, source.read(info))
    return out.getvalue()


# --- PDF --------------------------------------------------------------------------------------

def render_pdf(report: SynthReport) -> bytes:
    """A PDF as offices print them from Word: ruled tables with merged cells, in a CJK CID font.

    Needs reportlab (a test and benchmark dependency); its built-in STSong-Light font is not
    embedded, which is how many real reports ship, and pdfminer maps it back through the
    Adobe-GB1 CMaps it carries.
    """
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=10, leading=14)
    cell = ParagraphStyle("cell", fontName="STSong-Light", fontSize=7, leading=9)

    def ruled(rows: list[list[str]], spans: list[tuple[tuple[int, int], tuple[int, int]]], widths=None) -> Table:
        data = [[Paragraph(html.escape(text), cell) if text else "" for text in row] for row in rows]
        table = Table(data, colWidths=widths, repeatRows=0)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("FONTNAME", (0, 0), (-1, -1), "STSong-Light"),
                                   ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                   *(("SPAN", a, b) for a, b in spans)]))
        return table

    story = [Paragraph(html.escape(report.title), body), Spacer(1, 6)]
    story += [Paragraph(html.escape(line), body) for line in _preamble(report)]
    story.append(Paragraph("二、主动公开政府信息情况", body))
    t2_rows = [row + [""] * (4 - len(row)) for row in _table_rows_text(report)]
    t2_spans = [((len(row) - 1, r), (3, r)) for r, row in enumerate(_table_rows_text(report)) if len(row) < 4]
    story.append(ruled(t2_rows, t2_spans))
    story.append(Paragraph("三、收到和处理政府信息公开申请情况", body))
    t3 = [[""] * 10 for _ in range(3 + len(report.t3_rows))]
    spans = [((0, 0), (2, 2)), ((3, 0), (9, 0)), ((3, 1), (3, 2)), ((4, 1), (8, 1)), ((9, 1), (9, 2))]
    t3[0][0], t3[0][3], t3[1][3], t3[1][4], t3[1][9] = T3_HEADER_NOTE, "申请人情况", "自然人", "法人或其他组织", "总计"
    for i, label in enumerate(COLUMN_LABELS[1:6]):
        t3[2][4 + i] = label
    for r, (parent, group, label, key) in enumerate(report.t3_rows, start=3):
        if parent is None:
            t3[r][0] = label
            spans.append(((0, r), (2, r)))
        else:
            t3[r][0] = parent
            if group is None:
                t3[r][1] = label
                spans.append(((1, r), (2, r)))
            else:
                t3[r][1], t3[r][2] = group, label
        for c, column in enumerate(COLUMNS):
            t3[r][3 + c] = _fmt(report.table3[key][column])
    story.append(ruled(t3, spans, widths=[60, 80, 150] + [50] * 7))
    story.append(Paragraph("四、政府信息公开行政复议、行政诉讼情况", body))
    t4 = [[""] * 15 for _ in range(4)]
    t4[0][0], t4[0][5], t4[1][5], t4[1][10] = "行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉"
    t4_spans = [((0, 0), (4, 0)), ((5, 0), (14, 0)), ((5, 1), (9, 1)), ((10, 1), (14, 1))]
    for i, label in enumerate(T4_PART_LABELS):
        t4[1][i] = label
        t4_spans.append(((i, 1), (i, 2)))
    for i, label in enumerate(T4_PART_LABELS * 2):
        t4[2][5 + i] = label
    for i, value in enumerate(report.table4[g][p] for g in T4_GROUPS for p in T4_PARTS):
        t4[3][i] = _fmt(value)
    story.append(ruled(t4, t4_spans))
    story += [Paragraph(html.escape(line), body) for line in _closing(report)]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=landscape(A4), title=report.title, creator=GENERATOR, leftMargin=30,
                      rightMargin=30).build(story)
    return buffer.getvalue()


# --- answers ----------------------------------------------------------------------------------

def expected_json(report: SynthReport) -> dict:
    """The answer, in the schema of ../shared/gold/*.expected.json; blank cells are null, never 0."""
    kpis: dict = {}
    for key, value in report.table2.items():
        if isinstance(value, str):  # an amount printed with its unit (e.g. 2798.27万元): the number as printed
            kpis[key] = float(re.match(r"[\d.]+", value).group())
        elif value is not None:
            kpis[key] = value
    for key, row in report.table3.items():
        if row["total"] is not None:
            kpis[key] = row["total"]
    for group in T4_GROUPS:
        for part in T4_PARTS:
            if report.table4[group][part] is not None:
                kpis[f"{T4_KPI_PREFIX[group]}_{part}"] = report.table4[group][part]
    kpis["admin_litigation_total"] = litigation_total(report)
    if report.fee_income_yuan is not None:
        kpis["fee_income_yuan"] = report.fee_income_yuan
    answer = {
        "issuer": report.issuer, "place": report.place, "province": report.province, "level": report.level,
        "scope": report.scope, "report_year": report.report_year, "era": report.era, "doc_type": "annual_report",
        "source_kind": "synthetic", "text_complete": True, "kpis": kpis, "approx": {},
        "table3": {key: dict(row) for key, row in report.table3.items()},
        "table4": {group: dict(parts) for group, parts in report.table4.items()},
        "notes": ["generated by xxgk.synth"],
    }
    if report.admin_tier:
        answer["admin_tier"] = report.admin_tier
    return answer


CORPUS_VARIANTS = (
    ("html", frozenset()),
    ("html", frozenset({"traditional"})),
    ("txt", frozenset()),
    ("txt", frozenset({"pipes"})),
    ("txt", frozenset({"cell_per_line"})),
    ("txt", frozenset({"wrapped_labels", "pdf_spacing"})),
    ("txt", frozenset({"vertical_labels", "wrapped_labels"})),
    ("txt", frozenset({"fullwidth_digits", "ascii_punct"})),
    ("txt", frozenset({"traditional", "pipes"})),
    ("pdf", frozenset()),
    ("docx", frozenset()),
)


def write_corpus(out_dir: Path, n: int = 45, *, seed: int = 0, formats=("html", "txt")) -> list[Path]:
    """Write ``n`` reports (NNN.html / .txt / .pdf / .docx with NNN.expected.json), mixing eras, noise and blanks.

    The default formats need no optional package; "pdf" needs reportlab (a dev dependency).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    variants = [v for v in CORPUS_VARIANTS if v[0] in formats]
    written = []
    for i in range(n):
        fmt, noise = variants[i % len(variants)]
        # a blank cell survives only where cell boundaries do (HTML, pipes, one cell per line); in
        # space-separated PDF text it simply vanishes and no reader can place it
        keeps_blanks = fmt in ("html", "pdf", "docx") or {"pipes", "cell_per_line"} & noise
        report = make_report(seed * 100_003 + i, era="2021_format" if i % 3 else "2019_trial_format",
                             blank_rate=0.3 if i % 4 == 1 and keeps_blanks else 0.0)
        path = out_dir / f"{i:03d}.{fmt}"
        if fmt == "html":
            path.write_text(render_html(report, traditional="traditional" in noise), encoding="utf-8")
        elif fmt == "pdf":
            path.write_bytes(render_pdf(report))
        elif fmt == "docx":
            path.write_bytes(render_docx(report))
        else:
            path.write_text(render_text(report, noise=noise), encoding="utf-8")
        answer = expected_json(report)
        answer["notes"] = [f"generated by xxgk.synth; format {fmt}; noise {sorted(noise)}"]
        (out_dir / f"{i:03d}.expected.json").write_text(json.dumps(answer, ensure_ascii=False, indent=1),
                                                         encoding="utf-8")
        written.append(path)
    return written
