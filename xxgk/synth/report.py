"""A synthetic report: the official table layouts as data, a seeded generator of values for which
every 勾稽 identity holds, and the answer in the schema of ../shared/gold/*.expected.json."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from xxgk.parsing import labels

# the layouts' vocabularies are the parser's label files, so the generator prints what the parser reads
COLUMNS = labels.table3_columns()
COLUMN_LABELS = tuple(labels.table3_column_labels().values())

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
T4_GROUPS = labels.table4_groups()  # the KPI prefix of each group's cells
T4_PARTS = tuple(labels.table4_part_labels())
T4_PART_LABELS = tuple(labels.table4_part_labels().values())

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
    """One generated report: the body that issues it and its tables (None is a blank cell)."""

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
        """The title as portals print it: issuer, year, 政府信息公开工作年度报告."""
        return f"{self.issuer}{self.report_year}年政府信息公开工作年度报告"

    @property
    def t3_rows(self):
        """The table 三 layout of the report's era."""
        return T3_ROWS_2021 if self.era == "2021_format" else T3_ROWS_2019

    @property
    def t2_blocks(self):
        """The table 二 layout of the report's era."""
        return T2_2021 if self.era == "2021_format" else T2_2019


def make_report(seed: int, *, era: str = "2021_format", report_year: int | None = None, issuer: str | None = None,
                body: tuple | None = None, blank_rate: float = 0.0, **overrides) -> SynthReport:
    """A report with consistent values, deterministic in ``seed``; ``body`` is any reporting body as
    an ISSUERS tuple (the national benchmark draws them from the gazetteer)."""
    rng = random.Random(seed)
    who = _choose_body(rng, body, issuer)
    year = report_year or (rng.randint(2021, 2024) if era == "2021_format" else rng.choice((2019, 2020)))
    rows = T3_ROWS_2021 if era == "2021_format" else T3_ROWS_2019
    scale = 400 if who[6] == "aggregate" else 25
    table3 = _table3(rng, rows, scale, blank_rate)
    table4 = _table4(rng, scale)
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


def _choose_body(rng: random.Random, body: tuple | None, issuer: str | None) -> tuple:
    """The reporting body (an ISSUERS tuple): ``body`` itself, the issuer named, else a seeded choice."""
    if body is not None:
        who = body
        rng.random()  # the draw rng.choice(ISSUERS) would make, so values do not depend on how the body was given
    else:
        who = next((i for i in ISSUERS + NAMED_ONLY_ISSUERS if i[0] == issuer), None) if issuer \
            else rng.choice(ISSUERS)
    if who is None:
        raise ValueError(f"unknown issuer {issuer!r}; choose one of {[i[0] for i in ISSUERS]}")
    return who


def _table3(rng: random.Random, rows, scale: int, blank_rate: float) -> dict[str, dict[str, int | None]]:
    """Table 三 whose rows and columns add up (received + carried in = results + carried forward),
    with a ``blank_rate`` share of the zero result cells left blank (None)."""
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
    return table3


def _table4(rng: random.Random, scale: int) -> dict[str, dict[str, int | None]]:
    """Table 四: four parts and their total for each group."""
    table4 = {}
    for group in T4_GROUPS:
        parts = [int(rng.random() * scale * 0.02) for _ in range(4)]
        table4[group] = dict(zip(T4_PARTS, [*parts, sum(parts)], strict=True))
    return table4


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


def litigation_total(report: SynthReport) -> int:
    """Administrative suits, direct and after reconsideration: the figure the answer derives."""
    return (report.table4["admin_litigation_direct"]["total"]
            + report.table4["admin_litigation_after_reconsideration"]["total"])


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
                kpis[f"{group}_{part}"] = report.table4[group][part]
    kpis["admin_litigation_total"] = litigation_total(report)
    if report.fee_income_yuan is not None:
        kpis["fee_income_yuan"] = report.fee_income_yuan
    answer = {
        "issuer": report.issuer, "place": report.place, "province": report.province, "level": report.level,
        "scope": report.scope, "report_year": report.report_year, "era": report.era, "doc_type": "annual_report",
        "source_kind": "synthetic", "text_complete": True, "kpis": kpis, "approx": {},
        "table3": {key: dict(row) for key, row in report.table3.items()},
        "table4": labels.table4_to_gold({group: dict(parts) for group, parts in report.table4.items()}),
        "notes": ["generated by xxgk.synth"],
    }
    if report.admin_tier:
        answer["admin_tier"] = report.admin_tier
    return answer
