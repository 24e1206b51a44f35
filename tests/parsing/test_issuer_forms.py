"""How reports name the body that issues them, one sentence form per case (from the wild corpus)."""

from __future__ import annotations

import pytest

from xxgk.parsing.extract import extract_document

INTRO = "一、总体情况\n"
CASES = [
    # the year before the body, after 现向社会公布
    ("根据《条例》的有关规定,现向社会公布2021年石家庄市教育局政府信息公开工作年度报告。\n" + INTRO, "石家庄市教育局"),
    # a long 根据 clause between the body and 编制
    ("本报告由南平市人民政府信息公开工作领导小组办公室根据《中华人民共和国政府信息公开条例》(以下简称《条例》)以及"
     "《福建省人民政府办公厅关于做好2012年政府信息公开工作年度报告有关事项的通知》要求编制。\n" + INTRO, "南平市人民政府"),
    # title run together with the first sentence
    ("大竹县2009年政府信息公开工作年度报告(以下简称年报)根据《中华人民共和国政府信息公开条例》进行编制。\n" + INTRO,
     "大竹县人民政府"),
    # compiled from the reports of the districts: the city's government
    ("本报告根据《条例》要求,在2017年度北京市各区人民政府和北京市政府各委、办、局的政府信息公开工作年度报告的基础上编制。\n"
     + INTRO, "北京市人民政府"),
    # "在…的引领下，X严格…"
    ("2024年,在区政府政务公开工作主管部门的引领下,小营街道办事处严格依照区委、区政府的要求公开政务信息。\n" + INTRO,
     "小营街道办事处"),
    # the subject of the overview's first sentence, brackets and all
    ("根据《条例》规定编制本报告。\n一、总体情况\n2024年,银川市民委(宗教局)深入学习贯彻《条例》。\n", "银川市民委(宗教局)"),
    # 编制 + the report's own name
    ("根据《条例》的要求,沙塘镇积极加强信息公开工作,编制2021年度沙塘镇人民政府信息公开年度报告。\n" + INTRO, "沙塘镇人民政府"),
    # a breadcrumb segment names the report; the province by its short name
    ("每日一报 | 辽宁2015年政府信息公开工作年度报告\n省委、省政府高度重视政府信息公开工作。\n" + INTRO, "辽宁省人民政府"),
    # the title over two lines, the year first
    ("2019年上海市宝山区吴淞街道办事处\n政府信息公开年度报告\n" + INTRO, "上海市宝山区吴淞街道办事处"),
    # a county printed by its short name before a township
    ("现向社会公布广元市昭化元坝镇人民政府2024年政府信息公开工作年度报告。\n" + INTRO, "广元市昭化区元坝镇人民政府"),
]


@pytest.mark.parametrize("text,issuer", CASES, ids=[c[1] for c in CASES])
def test_issuer_named_in_the_opening(text, issuer):
    document = extract_document(text.encode("utf-8"), content_type="text/plain").document
    assert document["issuer"] == issuer


def test_the_statistics_period_outweighs_a_stale_year_in_the_name():
    text = ("现向社会公布广元市昭化区元坝镇人民政府2023年政府信息公开工作年度报告。本报告中所列数据的统计期限自2024年1月1日"
            "至2024年12月31日止。\n" + INTRO)
    ex = extract_document(text.encode("utf-8"), content_type="text/plain")
    assert ex.document["report_year"] == 2024
    assert any(i["check_id"] == "year-conflict" for i in ex.issues)


def test_no_body_named_is_no_issuer():
    text = "根据《条例》要求,现将2020年政府信息公开工作报告如下:\n" + INTRO
    assert extract_document(text.encode("utf-8"), content_type="text/plain").document["issuer"] is None
