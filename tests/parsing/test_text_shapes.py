"""Standard tables flattened to text in the shapes seen on real pages, and 2008-era prose."""

from __future__ import annotations

from xxgk.parsing import extract_document

from .standard_report import COLUMNS, T3_ROWS_2021, table3_values


def _extract(text: str, url: str = "http://www.example.gov.cn/a.html"):
    return extract_document(text.encode("utf-8"), content_type="text/plain", url=url)


def _by_kpi(ex, source=None):
    return {f["kpi"]: f for f in ex.facts if source is None or f["source"] == source}


HEAD = "句容市人民政府2022年政府信息公开工作年度报告\n本报告所列数据的统计期限自2022年1月1日起至2022年12月31日止。\n一、总体情况\n"


def test_one_cell_per_line_with_blank_cells():
    values = table3_values(blank_rows=("result_other_fee_unpaid",))
    lines = ["三、收到和处理政府信息公开申请情况", "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) |",
             "申请人情况 | ||||||||", "自然人 |", "法人或其他组织 |", "总计 | |||||||",
             *[f"{name} |" for name in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")], "|"]
    for parent, group, label, key in T3_ROWS_2021:
        lines.extend(f"{part} |" for part in (parent, group) if part)
        lines.append(f"{label} |")
        lines.extend("|" if v is None else f"{v} |" for v in values[key])
        lines.append("|")
    lines += ["四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况"]
    ex = _extract(HEAD + "\n".join(lines))
    t3 = _by_kpi(ex, "table3")
    for _, _, _, key in T3_ROWS_2021:
        for column, expected in zip(COLUMNS, values[key]):
            kpi = key if column == "total" else f"{key}_{column}"
            assert t3[kpi]["value"] == expected, kpi
            assert t3[kpi]["cell_state"] == ("blank" if expected is None else "value")
    assert ex.document["place"] == "镇江市句容市" and ex.document["level"] == "county"


def test_pipe_rows_with_header_padding_for_table_four():
    rows = [
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议 | 行政诉讼 | ||||||||||||||",
        "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉 | ||||||||",
        "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | ||",
        "1 | 0 | 0 | 0 | 1 | | | | | | 0 | 0 | 0 | 0 | 0 | ||",
        "五、存在的主要问题及改进情况"]
    t4 = _by_kpi(_extract(HEAD + "\n".join(rows)), "table4")
    assert t4["admin_reconsideration_upheld"]["value"] == 1
    assert t4["admin_litigation_direct_total"]["cell_state"] == "blank"
    assert t4["admin_litigation_after_reconsideration_total"]["value"] == 0
    assert "admin_litigation_total" not in t4  # not derivable from a blank total


def test_2019_template_wins_over_the_year_and_reads_signed_deltas():
    text = ("某县人民政府2022年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第(一)项\n"
            "信息内容 本年新制作数量 本年新公开数量 对外公开总数量\n规章 0 0 0\n规范性文件 3 3 41\n"
            "第二十条第(五)项\n信息内容 上一年项目数量 本年增/减 处理决定数量\n行政许可 120 +19 1,207\n"
            "其他对外管理服务事项 33 -8 ５６\n第二十条第(九)项\n信息内容 采购项目数量 采购总金额(万元)\n政府集中采购 4 12.5\n"
            "三、收到和处理政府信息公开申请情况\n（六）其他处理 1 0 0 0 0 0 1\n")
    ex = _extract(text)
    assert ex.document["era"] == "2019_trial_format" and ex.document["report_year"] == 2022
    t2 = _by_kpi(ex, "table2")
    assert t2["admin_license_items_change"]["value"] == 19
    assert t2["admin_license_items_change"]["unit"] == "signed_count"
    assert t2["other_mgmt_service_items_change"]["value"] == -8
    assert t2["admin_license_decisions"]["value"] == 1207
    assert t2["other_mgmt_service_decisions"]["value"] == 56
    assert t2["normative_docs_published_total"]["value"] == 41
    assert t2["gov_procurement_amount"]["value"] == 12.5 and t2["gov_procurement_amount"]["unit"] == "wan_yuan"


def test_unknown_row_label_is_a_quality_issue():
    text = HEAD + ("三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 1 0 0 0 0 0 1\n"
                   "（八）转送其他机关 1 0 0 0 0 0 1\n四、政府信息公开行政复议、行政诉讼情况\n")
    ex = _extract(text)
    unmapped = [i for i in ex.issues if i["check_id"] == "unmapped-label"]
    assert unmapped and unmapped[0]["detail"]["label"] == "（八）转送其他机关"
    assert _by_kpi(ex, "table3")["applications_received"]["value"] == 1


def test_2008_prose_figures():
    text = ("某市人民政府2012年政府信息公开工作年度报告\n本报告所列数据的统计期限自2012年1月1日至12月31日。\n一、概述\n"
            "2012年,全市共主动公开政府信息1.3万余条,其中全文电子化率100%。《条例》实施以来累计主动公开政府信息8.5万条。\n"
            "二、依申请公开情况\n全市共收到政府信息公开申请1,207件,当面申请、信函申请、网络申请分别为:677件、310件、220件。"
            "回应公众关注热点或重大舆情数两次。\n"
            "三、复议、诉讼情况\n2012年未发生因政府信息公开申请提起行政复议、行政诉讼的情况。\n")
    ex = _extract(text)
    facts = _by_kpi(ex)
    total = facts["proactive_items_total"]
    assert (total["value"], total["qualifier"]) == (13000, "more_than")
    assert ex.text[total["char_start"]:total["char_end"]].startswith("1.3万余")
    assert facts["applications_received"]["value"] == 1207
    assert [facts[k]["value"] for k in ("applications_in_person", "applications_letter", "applications_online")] \
        == [677, 310, 220]
    assert facts["hot_topic_responses"]["value"] == 2
    assert facts["admin_reconsideration_total"]["value"] == 0 and facts["admin_litigation_total"]["value"] == 0
    assert ex.document["era"] == "2008_regulation"


def test_zero_is_not_taken_from_unrelated_negations():
    text = ("某市人民政府2015年政府信息公开工作年度报告\n统计期限自2015年1月1日至12月31日。\n一、概述\n"
            "部分单位未及时更新网站。处理不规范的问题时有发生,导致个别单位引发行政复议。\n")
    facts = _by_kpi(_extract(text))
    assert "admin_reconsideration_total" not in facts and "applications_received" not in facts


def test_news_article_is_not_a_report():
    text = ("本报讯 记者从市政府获悉,过去一年全市政府信息公开工作稳步推进。\n"
            "据介绍,各部门主动公开政府信息12万条,办理依申请公开3000件。\n")
    ex = _extract(text)
    assert ex.document["doc_type"] == "news"


def test_metadata_of_organs_at_every_level():
    cases = {
        "广东省统计局2021年政府信息公开工作年度报告": ("广东省统计局", "广东省", "department", "province", "organ"),
        "北京市海淀区人民政府2022年政府信息公开工作年度报告": ("北京市海淀区人民政府", "北京市海淀区", "county", None,
                                                     "aggregate"),
        "上海市人民政府2021年政府信息公开工作年度报告": ("上海市人民政府", "上海市", "province", None, "aggregate"),
        "昆山市人民政府2023年政府信息公开工作年度报告": ("昆山市人民政府", "苏州市昆山市", "county", None, "aggregate"),
        "福清市音西街道办事处2022年政府信息公开工作年度报告": ("福清市音西街道办事处", "福州市福清市音西街道", "township",
                                                    None, "organ"),
        "云梦泽县人民政府2022年政府信息公开工作年度报告": ("云梦泽县人民政府", "云梦泽县", "county", None, "aggregate"),
        "石门县人民政府2022年政府信息公开工作年度报告": ("石门县人民政府", "常德市石门县", "county", None, "aggregate"),
        "高新区社会发展局2022年政府信息公开工作年度报告": ("高新区社会发展局", None, "department", None, "organ"),
    }
    for title, expected in cases.items():
        ex = _extract(f"{title}\n一、总体情况\n本报告所列数据的统计期限自2022年1月1日至12月31日。\n")
        d = ex.document
        assert (d["issuer"], d["place"], d["level"], d["admin_tier"], d["scope"]) == expected, title


def test_sections_listed_inline_in_the_introduction_are_not_the_sections():
    intro = ("本报告包括一、总体情况 二、主动公开政府信息情况 三、收到和处理政府信息公开申请情况 "
             "四、政府信息公开行政复议、行政诉讼情况 五、存在的主要问题及改进情况 六、其他需要报告的事项。\n")
    text = HEAD + intro + ("二、主动公开政府信息情况\n第二十条第(五)项\n信息内容 本年处理决定数量\n行政许可 77\n"
                           "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 1 0 0 0 0 0 1\n"
                           "四、政府信息公开行政复议、行政诉讼情况\n"
                           "0 0 0 0 0 0 0 0 0 0 1 0 0 0 1\n五、存在的主要问题及改进情况\n")
    facts = _by_kpi(_extract(text))
    assert facts["admin_license_decisions"]["value"] == 77
    assert facts["applications_received"]["value"] == 1
    assert facts["admin_litigation_after_reconsideration_total"]["value"] == 1


def test_2008_annex_table_with_row_codes_and_cumulative_column():
    page = ("<html><body><p>莆田市某局2009年政府信息公开工作年度报告</p><p>本报告所列数据的统计期限自2009年1月1日至12月31日。</p>"
            "<p>附表</p><table><tr><td>代码</td><td>指标</td><td>单位</td><td>2009年度</td><td>历年累计</td></tr>"
            "<tr><td>01</td><td>主动公开信息数</td><td>条</td><td>1,234</td><td>5678</td></tr>"
            "<tr><td>10</td><td>受理依申请公开信息总数</td><td>件</td><td>12</td><td>40</td></tr>"
            "<tr><td>13</td><td>3.电子邮件申请数</td><td>件</td><td>&nbsp;</td><td>3</td></tr>"
            "<tr><td>32</td><td>行政复议数</td><td>件</td><td>0</td><td>1</td></tr></table></body></html>")
    ex = extract_document(page.encode(), content_type="text/html")
    annex = {f["kpi"]: f for f in ex.facts if f["source"] == "annex_2008"}
    assert annex["proactive_items_total"]["value"] == 1234
    assert annex["applications_received"]["value"] == 12
    assert annex["admin_reconsideration_total"]["value"] == 0
    # a blank year cell stays blank; the cumulative column beside it is not used
    assert annex["applications_email"]["cell_state"] == "blank" and annex["applications_email"]["value"] is None
    assert annex["proactive_items_total"]["table_index"] == 0 and annex["proactive_items_total"]["col_index"] == 3
    assert ex.document["era"] == "2008_regulation"


def test_a_guide_page_is_neither_report_nor_news():
    ex = _extract("某市统计局政府信息公开指南\n为了更好地提供政府信息公开服务,编制本指南。\n(一)主动公开的范围\n")
    assert ex.document["doc_type"] == "other" and ex.document["report_year"] is None and ex.facts == []


def test_2008_report_replies_fees_and_staff_in_prose():
    text = ("某县人民政府2010年政府信息公开工作年度报告\n本报告中所列数据的统计期限自2010年1月1日起至2010年12月31日止。\n"
            "一、概述\n全年共主动公开政府信息2,345条,其中全文电子化的信息2,300条。\n"
            "二、依申请公开情况\n共受理政府信息公开申请40件,其中当面申请12件、网上申请28件。已答复40件,其中同意公开30件,"
            "部分公开4件,不予公开2件,信息不存在3件,不属于本机关公开范围1件。\n"
            "三、收费情况\n收取检索、复制等费用共计120元。\n四、工作人员\n从事政府信息公开工作人员5人,其中专职2人,兼职3人。\n")
    facts = {k: f["value"] for k, f in _by_kpi(_extract(text)).items()}
    assert {k: facts.get(k) for k in ("proactive_items_total", "proactive_full_text_electronic_items",
                                      "applications_received", "applications_in_person", "applications_online",
                                      "replies_total", "replies_granted", "replies_partially_granted",
                                      "replies_denied_total", "replies_info_not_exist",
                                      "replies_not_held_by_agency", "fees_collected_yuan", "staff_fulltime",
                                      "staff_parttime")} == {
        "proactive_items_total": 2345, "proactive_full_text_electronic_items": 2300, "applications_received": 40,
        "applications_in_person": 12, "applications_online": 28, "replies_total": 40, "replies_granted": 30,
        "replies_partially_granted": 4, "replies_denied_total": 2, "replies_info_not_exist": 3,
        "replies_not_held_by_agency": 1, "fees_collected_yuan": 120, "staff_fulltime": 2, "staff_parttime": 3}


def test_every_cell_on_its_own_line_without_separators():
    values = table3_values()
    lines = [HEAD.strip(), "二、主动公开政府信息情况", "第二十条第（一）项", "信息内容", "本年制发件数", "本年废止件数", "现行有效件数",
             "规章", "0", "0", "5", "行政规范性文件", "3", "1", "20", "第二十条第（五）项", "信息内容", "本年处理决定数量",
             "行政许可", "1024", "三、收到和处理政府信息公开申请情况", "申请人情况", "自然人", "法人或其他组织", "总计",
             "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    for parent, group, label, key in T3_ROWS_2021:
        lines += [p for p in (parent, group) if p] + [label] + [str(v) for v in values[key]]
    lines += ["四、政府信息公开行政复议、行政诉讼情况", "行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉",
              *["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3, *[str(i) for i in range(15)],
              "五、存在的主要问题及改进情况"]
    ex = _extract("\n".join(lines))
    facts = {f["kpi"]: f["value"] for f in ex.facts}
    for _, _, _, key in T3_ROWS_2021:
        for column, expected in zip(COLUMNS, values[key]):
            assert facts[key if column == "total" else f"{key}_{column}"] == expected
    assert (facts["regulations_in_force"], facts["normative_docs_issued"], facts["admin_license_decisions"]) == (5, 3, 1024)
    assert facts["admin_litigation_after_reconsideration_total"] == 14
    parts = next(i for i in ex.issues if i["check_id"] == "T4-parts")
    assert parts["severity"] == "warning" and len(parts["detail"]["failed"]) == 3


def test_page_number_between_pages_is_not_a_table_cell():
    # PDF text: a wrapped label ends page 4, its numbers open page 5, the page numbers sit between
    rows = [f"{label} 1 0 0 0 0 0 1" for _, _, label, _ in T3_ROWS_2021]
    page_one = "\n".join([HEAD.strip(), "三、收到和处理政府信息公开申请情况", *rows[:12], T3_ROWS_2021[12][2], "- 4 -", "4"])
    page_two = "\n".join(["5", "1 0 0 0 0 0 1", *rows[13:], "四、政府信息公开行政复议、行政诉讼情况"])
    facts = _by_kpi(_extract(page_one + "\f" + page_two), "table3")
    assert facts["result_unable_not_held"]["value"] == 1 and facts["result_unable_not_held_natural_person"]["value"] == 1
    assert len(facts) == 25 * 7
