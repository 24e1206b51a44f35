"""Scope (aggregate or organ) from what the report says about itself, with the sentence kept."""

from __future__ import annotations

from xxgk.parsing.extract import extract_document
from xxgk.parsing.places import scope_of


def _doc(text: str):
    return extract_document(text.encode("utf-8"), content_type="text/plain").document


def test_a_report_compiled_from_the_bodies_below_is_aggregate_whatever_its_issuer():
    text = ("长春市人民政府办公厅2023年政府信息公开工作年度报告\n本报告由市政府办公厅综合各县（市）区政府和市直各部门的"
            "政府信息公开年度报告编制而成。\n一、总体情况\n")
    document = _doc(text)
    # the office compiles the city's report: it stands for the city government
    assert document["level"] == "city" and document["scope"] == "aggregate"
    assert "综合各县" in document["scope_evidence"] and document["field_sources"]["scope"] == "text"


def test_without_such_a_sentence_the_level_stands_in():
    document = _doc("长春市生态环境局2023年政府信息公开工作年度报告\n一、总体情况\n2023年，长春市生态环境局认真落实《条例》。\n")
    assert document["scope"] == "organ" and document["scope_evidence"] is None
    assert document["field_sources"]["scope"] == "level"
    assert scope_of("2023年，全县政府信息公开工作稳步推进。", "county") == ("aggregate", "level", None)


def test_an_unnamed_body_speaking_of_itself_is_an_organ():
    document = _doc("2023年政府信息公开工作年度报告\n一、总体情况\n2023年，我局认真贯彻落实《条例》，本局主动公开信息120条。\n")
    assert document["issuer"] is None and document["scope"] == "organ" and document["level"] == "department"
    assert document["scope_evidence"] == "我局"


def test_a_government_report_that_covers_only_itself_is_an_organ():
    text = ("江苏省人民政府2023年政府信息公开工作年度报告\n本报告仅反映省政府本级政府信息公开工作情况。\n一、总体情况\n"
            "2023年，省政府认真落实《条例》。\n")
    document = _doc(text)
    assert document["level"] == "province" and document["scope"] == "organ"
    assert "仅反映省政府本级" in document["scope_evidence"] and document["field_sources"]["scope"] == "text"
    data_only = _doc(text.replace("本报告仅反映省政府本级政府信息公开工作情况。", "本报告所列数据为本机关数据。"))
    assert data_only["scope"] == "organ"


def test_a_government_office_stating_the_areas_figures_is_aggregate():
    text = ("长春市人民政府办公厅2023年政府信息公开工作年度报告\n一、总体情况\n2023年，全市各级行政机关共受理政府信息公开申请"
            "1207件。\n")
    document = _doc(text)
    assert document["level"] == "city" and document["scope"] == "aggregate"
    assert "全市各级行政机关共受理" in document["scope_evidence"]
    # a bureau quoting the city's figures is still its own report
    bureau = _doc(text.replace("长春市人民政府办公厅", "长春市统计局"))
    assert bureau["scope"] == "organ" and bureau["field_sources"]["scope"] == "level"


def test_a_government_office_compiling_the_areas_report_stands_for_the_government():
    text = ("乌恰县人民政府办公室2023年政府信息公开工作年度报告\n本报告由乌恰县人民政府办公室综合各乡(镇)、县政府各组成部门"
            "及直属机构政府信息公开年度报告编制。\n一、总体情况\n")
    document = _doc(text)
    assert (document["level"], document["admin_tier"], document["scope"]) == ("county", None, "aggregate")
