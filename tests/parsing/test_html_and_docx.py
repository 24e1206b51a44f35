"""Standard tables from DOM grids (rowspan/colspan expanded) and from DOCX tables."""

from __future__ import annotations

import io

import pytest

from xxgk.parsing import extract_document
from xxgk.parsing.summary import extraction_summary

from .standard_report import COLUMNS, T3_ROWS_2021, report_html, table3_values


def _facts(ex, source):
    return {f["kpi"]: f for f in ex.facts if f["source"] == source}


def test_html_report_with_merged_cells():
    values = table3_values()
    ex = extract_document(report_html(t3=values), content_type="text/html; charset=utf-8",
                          url="http://www.dg.gov.cn/a.html")
    assert ex.document["status"] == "parsed" and ex.document["source_format"] == "html"
    assert ex.document["era"] == "2021_format" and ex.document["report_year"] == 2023
    assert (ex.document["issuer"], ex.document["level"], ex.document["province"]) == ("东莞市人民政府", "city", "广东省")
    assert ex.document["province_code"] == "440000" and ex.document["is_suspect_mirror"] is False
    t3 = _facts(ex, "table3")
    for _, _, _, row_key in T3_ROWS_2021:
        for column, expected in zip(COLUMNS, values[row_key]):
            kpi = row_key if column == "total" else f"{row_key}_{column}"
            assert t3[kpi]["value"] == expected, kpi
    cell = t3["result_denied_state_secret_natural_person"]
    assert cell["table_index"] == 1 and cell["col_index"] == 3 and cell["row_index"] == 7
    assert ex.text[cell["char_start"]:cell["char_end"]] == str(values["result_denied_state_secret"][0])
    t2 = _facts(ex, "table2")
    assert t2["admin_license_decisions"]["value"] == 1207
    assert t2["admin_fee_amount_wan_yuan"]["value"] == 96.5 and t2["admin_fee_amount_wan_yuan"]["unit"] == "wan_yuan"
    assert t2["admin_coercion_decisions"]["cell_state"] == "blank" and t2["admin_coercion_decisions"]["value"] is None
    t4 = _facts(ex, "table4")
    assert t4["admin_litigation_direct_total"]["value"] == 4
    assert t4["admin_litigation_total"]["value"] == 6  # derived: 4 direct + 2 after reconsideration
    assert not [i for i in ex.issues if i["severity"] != "info"], ex.issues


def test_blank_rows_stay_blank_and_checks_are_not_checkable():
    values = table3_values(blank_rows=("applications_carried_forward",))
    ex = extract_document(report_html(t3=values), content_type="text/html")
    forward = [f for f in ex.facts if f["row_key"] == "applications_carried_forward"]
    assert len(forward) == 7 and all(f["cell_state"] == "blank" and f["value"] is None for f in forward)
    balance = next(i for i in ex.issues if i["check_id"] == "T3-balance")
    assert balance["detail"]["checked"] == 0 and balance["severity"] == "info"
    summary = extraction_summary(ex, "x.html")
    assert summary["table3"]["applications_carried_forward"]["total"] is None
    assert "applications_carried_forward" not in summary["kpis"]


def test_inconsistent_table_is_flagged_with_numbers():
    values = table3_values()
    values["results_total"][0] += 5  # natural persons' processed total no longer adds up
    ex = extract_document(report_html(t3=values), content_type="text/html")
    results = next(i for i in ex.issues if i["check_id"] == "T3-results")
    assert results["severity"] == "warning"
    failed = results["detail"]["failed"]
    assert [f["where"] for f in failed] == ["natural_person"]
    assert failed[0]["total"] - failed[0]["sum_of_parts"] == 5
    columns = next(i for i in ex.issues if i["check_id"] == "T3-columns")
    assert [f["where"] for f in columns["detail"]["failed"]] == ["results_total"]


def test_gb2312_page_declared_in_meta_is_read_as_gb18030():
    body = report_html(charset="gb18030").replace(b'charset="gb18030"', b'charset="gb2312"')
    ex = extract_document(body, content_type=None)
    assert ex.document["issuer"] == "东莞市人民政府"
    assert _facts(ex, "table2")["regulations_in_force"]["value"] == 12


def test_traditional_mirror_page_with_pinyin():
    page = report_html(issuer="东莞市人民政府").decode("utf-8")
    page = page.replace("行政规范性文件", "行政規範性檔案").replace("统计期限", "統計(tǒng)期限")
    page = page.replace('<div class="TRS_Editor">', '<div class="TRS_Editor"><p>bet365体育投注</p>')
    ex = extract_document(page.encode("utf-8"), content_type="text/html", url="http://dg.example.com/x.html")
    assert _facts(ex, "table2")["normative_docs_in_force"]["value"] == 66
    assert "(tǒng)" not in ex.text
    assert ex.document["is_suspect_mirror"] is True


def _docx_report() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("淮安市人民政府2022年政府信息公开工作年度报告")
    document.add_paragraph("本报告所列数据的统计期限自2022年1月1日起至2022年12月31日止。")
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    values = table3_values()
    table = document.add_table(rows=len(T3_ROWS_2021) + 1, cols=8)
    for c, text in enumerate(("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "自然人", "商业企业",
                              "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")):
        table.cell(0, c).text = text
    for r, (_, _, label, key) in enumerate(T3_ROWS_2021, start=1):
        table.cell(r, 0).text = label
        for c, value in enumerate(values[key], start=1):
            table.cell(r, c).text = str(value)
    document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    t4 = document.add_table(rows=2, cols=15)
    for c in range(15):
        t4.cell(0, c).text = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")[c % 5]
        t4.cell(1, c).text = str(c)
    document.add_paragraph("五、存在的主要问题及改进情况")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_tables():
    ex = extract_document(_docx_report(), content_type="application/octet-stream", url="http://x.gov.cn/a.docx")
    assert ex.document["source_format"] == "docx" and ex.document["status"] == "parsed"
    assert ex.document["report_year"] == 2022 and ex.document["issuer"] == "淮安市人民政府"
    values = table3_values()
    t3 = _facts(ex, "table3")
    assert t3["results_total"]["value"] == values["results_total"][6]
    assert t3["result_other_other_legal_service_org"]["value"] == values["result_other_other"][4]
    assert t3["results_total"]["table_index"] == 0
    t4 = _facts(ex, "table4")
    assert t4["admin_litigation_after_reconsideration_total"]["value"] == 14


def test_pdf_tables_found_by_pdfplumber_stand_in_for_garbled_text():
    from xxgk.parsing import extract, sources

    values = table3_values()
    text = ("淮安市人民政府2022年政府信息公开工作年度报告\n本报告所列数据的统计期限自2022年1月1日至2022年12月31日。\n"
            "三、收到和处理政府信息公开申请情况\n(表格为图片或乱码)\n四、政府信息公开行政复议、行政诉讼情况\n")
    grid = [[sources.Cell(label, table_index=0, row=r, col=0)]
            + [sources.Cell(str(v), table_index=0, row=r, col=c) for c, v in enumerate(values[key], start=1)]
            for r, (_, _, label, key) in enumerate(T3_ROWS_2021)]
    for row in grid:
        row[-1].row_end = True
    source = sources.Source("pdf", text=text, original=text, grids=[grid])
    ex = extract._extract(source, None, {})
    t3 = _facts(ex, "table3")
    assert t3["applications_carried_forward"]["value"] == values["applications_carried_forward"][6]
    assert t3["applications_carried_forward"]["char_start"] is None  # the grid has no place in the text
    assert t3["result_granted_natural_person"]["table_index"] == 0


def test_layout_table_around_the_report_is_not_a_data_table():
    page = report_html().decode("utf-8")
    # no known body container: the whole <body>, layout table included, is read
    page = page.replace('<div class="TRS_Editor">', '<table width="100%"><tr><td class="left">栏目导航</td><td>'
                        '<div class="content">').replace("</div></body>", "</div></td></tr></table></body>")
    ex = extract_document(page.encode("utf-8"), content_type="text/html")
    t3 = _facts(ex, "table3")
    assert t3["results_total"]["value"] == table3_values()["results_total"][6]
    assert ex.document["issuer"] == "东莞市人民政府"


def test_a_length_changing_conversion_keeps_spans_valid(monkeypatch):
    from xxgk.parsing import sources

    real = sources.to_simplified
    # a conversion that lengthens the text ahead of the tables shifts every later offset
    monkeypatch.setattr(sources, "to_simplified", lambda text: real(text).replace("统计期限", "统计期限期"))
    ex = extract_document(report_html(), content_type="text/html")
    assert any(i["check_id"] == "normalise" for i in ex.issues)
    t3 = _facts(ex, "table3")
    assert t3["results_total"]["value"] == table3_values()["results_total"][6]
    for fact in ex.facts:
        if fact["cell_state"] == "value" and fact["char_start"] is not None:
            assert ex.text[fact["char_start"]:fact["char_end"]] == fact["raw_text"], fact


def test_2019_trial_format_page_from_merged_cells():
    from .standard_report import T3_ROWS_2019

    values = table3_values(rows=T3_ROWS_2019)
    t2 = {"regulations_new_made": 1, "regulations_new_published": 1, "regulations_published_total": 9,
          "normative_docs_new_made": 4, "normative_docs_new_published": 4, "normative_docs_published_total": 30,
          "admin_license_items_prev_year": 120, "admin_license_items_change": -3, "admin_license_decisions": 5000,
          "other_mgmt_service_items_prev_year": 10, "other_mgmt_service_items_change": 2,
          "other_mgmt_service_decisions": 77, "admin_penalty_items_prev_year": 300, "admin_penalty_items_change": 0,
          "admin_penalty_decisions": 12, "admin_coercion_items_prev_year": 5, "admin_coercion_items_change": 0,
          "admin_coercion_decisions": 1, "admin_fee_items_prev_year": 3, "admin_fee_items_change": None,
          "gov_procurement_projects": 6, "gov_procurement_amount": 120.5}
    ex = extract_document(report_html(year=2020, era="2019_trial_format", t2=t2, t3=values), content_type="text/html")
    assert ex.document["era"] == "2019_trial_format"
    table2 = _facts(ex, "table2")
    for kpi, expected in t2.items():
        assert table2[kpi]["value"] == expected, kpi
    assert table2["admin_license_items_change"]["unit"] == "signed_count"
    t3 = _facts(ex, "table3")
    for _, _, _, row_key in T3_ROWS_2019:
        for column, expected in zip(COLUMNS, values[row_key]):
            assert t3[row_key if column == "total" else f"{row_key}_{column}"]["value"] == expected
    results = next(i for i in ex.issues if i["check_id"] == "T3-results")
    assert results["severity"] == "info" and results["detail"]["checked"] == 7


def test_title_and_publisher_outside_the_article_body():
    page = ("<html><head><title>政务公开_某某网站</title></head><body><div class='nav'>首页 &gt; 政府信息公开年报</div>"
            "<table class='content-table'><tr><td>发布机构：</td><td>泉州市统计局</td><td>发布日期：</td><td>2022-01-25</td></tr>"
            "</table><h1 class='title'>泉州市统计局2021年政府信息公开工作年度报告</h1>"
            "<div class='TRS_Editor'><p>根据《中华人民共和国政府信息公开条例》规定,现将我局年度报告如下。</p>"
            "<p>一、总体情况</p><p>2021年,我局主动公开政府信息120条,其中政府网站公开100条。</p>"
            "<p>二、主动公开政府信息情况</p><p>三、收到和处理政府信息公开申请情况</p></div></body></html>")
    ex = extract_document(page.encode(), content_type="text/html")
    d = ex.document
    assert d["title"] == "泉州市统计局2021年政府信息公开工作年度报告"
    assert (d["issuer"], d["level"], d["admin_tier"], d["province"]) == ("泉州市统计局", "department", "city", "福建省")
    assert str(d["publication_date"]) == "2022-01-25" and d["report_year"] == 2021
    assert {f["kpi"]: f["value"] for f in ex.facts}["proactive_items_total"] == 120


@pytest.mark.parametrize("depth", [300, 3000, 100_000])
def test_a_report_nested_deeper_than_the_parser_limit_is_read_in_full(depth):
    page = report_html().decode("utf-8")
    head, rest = page.split("<body>", 1)
    content, tail = rest.rsplit("</body>", 1)
    nested = f"{head}<body>{'<div>' * depth}{content}{'</div>' * depth}</body>{tail}".encode()
    flat, deep = extract_document(report_html(), content_type="text/html"), extract_document(nested, content_type="text/html")
    assert deep.document["status"] == "parsed", deep.document["status_reason"]
    facts = lambda ex: sorted((f["kpi"], f["value"]) for f in ex.facts)  # noqa: E731
    assert facts(deep) == facts(flat) and len(facts(flat)) > 100
    assert any(i["check_id"] == "deep-nesting" for i in deep.issues) == (depth > 2000)


def test_a_page_too_deep_even_without_containers_fails_with_that_reason():
    nested = ("<html><body>" + "<table><tr><td>" * 3000 + "2023年政府信息公开工作年度报告" + "</td></tr></table>" * 3000
              + "</body></html>").encode()
    ex = extract_document(nested, content_type="text/html")
    assert ex.document["status"] == "failed"
    assert "nested deeper than the parser's limit" in ex.document["status_reason"]


@pytest.mark.parametrize("spam,suspect", [
    ("欢迎访问BET365官网", True), ("88bet在线", True), ("百家乐真人娱乐", True), ("下载线上APP官网", True),
    ("App Store 下载", True),
    # words real reports print: the welfare lottery, a bet of digits nowhere, Macao
    ("福利彩票公益金使用情况", False), ("澳门特别行政区", False), ("alphabet 2023", False),
])
def test_gambling_spam_marks_a_mirror_on_a_gov_cn_host(spam, suspect):
    page = report_html(issuer="东莞市人民政府").decode("utf-8")
    page = page.replace('<div class="TRS_Editor">', f'<div class="TRS_Editor"><p>{spam}</p>')
    ex = extract_document(page.encode("utf-8"), content_type="text/html", url="http://www.dg.gov.cn/x.html")
    assert ex.document["is_suspect_mirror"] is suspect
