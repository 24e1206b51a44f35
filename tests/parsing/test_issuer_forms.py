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
    # "X关于2023年…报告" in the title, and the body abbreviated (经合局) in the text
    ("兰州新区经济合作局关于2023年政府信息公开工作年度报告\n" + INTRO + "2023年,经合局紧紧围绕新区的部署要求开展工作。\n",
     "兰州新区经济合作局"),
    ("2023年政府信息公开工作年度报告\n" + INTRO + "2023年,市经信局认真贯彻落实《条例》。\n", "市经信局"),
    # the body named only as the owner of the disclosure work, with its area
    (INTRO + "2016年度,全县公安机关在县委、县政府的正确领导下主动公开信息。安排2名民警承担盐津县公安局政府信息公开工作。\n",
     "盐津县公安局"),
    # the full name in the published sentence, brackets and all, over the short form of the overview
    ("根据《条例》规定,现发布《银川市民族事务委员会(宗教事务局)2024年政府信息公开工作年度报告》。\n一、总体情况\n"
     "2024年,银川市民委(宗教局)深入学习贯彻《条例》。\n", "银川市民族事务委员会(宗教事务局)"),
    # a township's office compiles the township's report
    ("本报告由东港镇人民政府党政办公室编制。\n" + INTRO, "东港镇人民政府"),
    # "X省印发…年度报告": the verb is not part of the name
    ("贵州省印发2016年政府信息公开工作年度报告\n" + INTRO, "贵州省人民政府"),
    # named only in the title of its own disclosure rules
    (INTRO + "2018年,我局的政府信息公开工作稳步推进。先后制定《2018年衡阳市农业委员会政务信息公开制度》。\n", "衡阳市农业委员会"),
    # a colloquial 政府办 in full where the text prints it so
    ("现公布2020年义安区政府办政府信息公开工作年度报告。\n" + INTRO + "如有疑问,请与铜陵市义安区人民政府办公室联系。\n",
     "铜陵市义安区人民政府办公室"),
    # a unit inside the bureau compiles the bureau's report
    ("本年度报告由佛冈县公安局指挥中心办公室编制。\n" + INTRO, "佛冈县公安局"),
    ("本报告由抚顺市行政审批服务局办公室根据《条例》规定编制。\n" + INTRO, "抚顺市行政审批服务局"),
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


# the body named only by the office a reader is told to contact; a township's office answers for it
CONTACT_CASES = [
    ("对本报告如有疑问,请与苍溪县陵江镇人民政府党政办公室联系(电话:0839-1234567)。\n一、总体情况\n我镇主动公开信息12条。\n",
     "苍溪县陵江镇人民政府"),
    ("如对报告有疑问,请与汉阳区江堤街道综合办联系。\n一、总体情况\n本街道主动公开信息30条。\n", "汉阳区江堤街道办事处"),
]


@pytest.mark.parametrize("text,issuer", CONTACT_CASES, ids=[c[1] for c in CONTACT_CASES])
def test_a_township_named_only_in_its_contact_line(text, issuer):
    document = extract_document(text.encode("utf-8"), content_type="text/plain").document
    assert document["issuer"] == issuer
    assert document["level"] == "township"


def test_a_department_contact_is_not_its_government():
    # a county bureau's office is the bureau's, not the county government's
    text = "如有疑问,请与苍溪县统计局办公室联系。\n一、总体情况\n我局主动公开信息12条。\n"
    assert extract_document(text.encode("utf-8"), content_type="text/plain").document["issuer"] != "苍溪县人民政府"


AREA_WIDE = "一、总体情况\n持续巩固全区政府信息公开工作格局,推动全区各公开主体落实工作要求。\n主动公开政府信息2604条。\n"


def test_area_wide_work_on_a_district_site_is_the_district_government():
    ex = extract_document(AREA_WIDE.encode("utf-8"), content_type="text/plain",
                          url="https://www.hanyang.gov.cn/zwgk/ndbg/2023/t20240105_1.html")
    assert ex.document["issuer"] == "汉阳区人民政府"
    assert ex.document["place"] == "武汉市汉阳区"


@pytest.mark.parametrize("url", [None, "https://www.wuhan.gov.cn/zwgk/ndbg/t20240105_1.html"])
def test_area_wide_work_without_a_site_of_that_level_names_nobody(url):
    # 全区 with no site, or on a city's site (a city report speaks of its districts' work too)
    ex = extract_document(AREA_WIDE.encode("utf-8"), content_type="text/plain", url=url)
    assert ex.document["issuer"] is None


def test_a_department_speaking_of_the_whole_county_is_not_the_county():
    text = "一、总体情况\n2016年度,全县公安机关在县委、县政府的正确领导下,主动发布各类信息314条。\n"
    ex = extract_document(text.encode("utf-8"), content_type="text/plain", url="http://ztyj.gov.cn/pub/description/1.html")
    assert ex.document["issuer"] != "盐津县人民政府"


def test_jointly_compiled_report_names_the_first_body():
    text = ("2012年度政府信息公开工作年度报告\n本报告是根据《条例》要求,由天津市统计局、国家统计局天津调\n查总队(以下简称统计局队)"
            "编制的2012年度政府信息公开工作年度报告。\n一、概述\n")
    assert extract_document(text.encode("utf-8"), content_type="text/plain").document["issuer"] == "天津市统计局"


def test_a_sentence_wrapped_onto_its_own_line_is_not_a_title():
    text = "北京市政府信息公开工作年度报告本报告是根据《条例》要求编制的2012年度政府信息公\n作年度报告。\n一、概述\n"
    assert extract_document(text.encode("utf-8"), content_type="text/plain").document["title"] != "作年度报告。"


@pytest.mark.parametrize("url,issuer", [
    ("http://www.changzhou.gov.cn/ns_news/1.html", "常州市统计局"),  # the site's city, not the one mentioned
    ("http://www.js.gov.cn/art/2024/1/5/art_1.html", "苏州市统计局"),  # the city named inside the site's province
    (None, "苏州市统计局"),  # the text alone
])
def test_a_bare_organ_takes_its_area_from_the_site_before_a_city_it_mentions(url, issuer):
    text = ("统计局2023年政府信息公开工作年度报告\n一、总体情况\n2023年,我局认真贯彻落实《条例》,"
            "主动公开信息120条,学习苏州市统计工作经验。\n")
    document = extract_document(text.encode("utf-8"), content_type="text/plain", url=url).document
    assert document["issuer"] == issuer


def test_we_the_city_in_a_departments_report_is_not_the_city_government():
    text = ("2019年政府信息公开工作年度报告\n一、概述\n推进政府信息公开工作是我市建设服务政府的一项重要工作。"
            "2019年,我局主动公开信息120条。\n")
    document = extract_document(text.encode("utf-8"), content_type="text/plain",
                                url="http://www.huaihua.gov.cn/xxgk/a.html").document
    assert document["issuer"] is None and document["level"] == "department"
    alone = text.replace("2019年,我局主动公开信息120条。", "2019年,全市主动公开信息120条。")
    assert extract_document(alone.encode("utf-8"), content_type="text/plain",
                            url="http://www.huaihua.gov.cn/xxgk/a.html").document["issuer"] == "怀化市人民政府"


def test_a_sumu_is_a_township():
    text = "乌拉特中旗巴音乌兰苏木2021年政府信息公开工作年度报告\n一、总体情况\n2021年,我苏木认真贯彻落实《条例》。\n"
    document = extract_document(text.encode("utf-8"), content_type="text/plain").document
    assert document["level"] == "township" and document["place"] == "巴彦淖尔市乌拉特中旗巴音乌兰苏木"


@pytest.mark.parametrize("title,url,issuer,place,tier", [
    # a commission printed without its area takes the site's
    ("2020年卫生健康委员会政府信息公开工作年度报告", "http://www.my.gov.cn/a.html", "绵阳市卫生健康委员会", "绵阳市", "city"),
    # a body on a district's site whose name opens with its municipality is the district's
    ("重庆解放碑中央商务区管理委员会2020年政府信息公开工作年度报告", "http://www.cqyz.gov.cn/bm_229/a.html",
     "重庆解放碑中央商务区管理委员会", "重庆市渝中区", "county"),
])
def test_the_site_completes_a_bodys_area(title, url, issuer, place, tier):
    text = title + "\n一、总体情况\n2020年,我委认真贯彻落实《条例》。\n"
    document = extract_document(text.encode("utf-8"), content_type="text/plain", url=url).document
    assert (document["issuer"], document["place"], document["admin_tier"]) == (issuer, place, tier)
    assert document["level"] == "department"


def test_a_body_named_only_by_its_kind_is_no_issuer_and_not_its_government():
    text = ("一、总体情况\n2025年度,服务中心在区委区政府的正确领导下,认真落实全区政务公开工作要点。\n"
            "(一)主动公开\n全年主动公开信息20条。\n")
    document = extract_document(text.encode("utf-8"), content_type="text/plain",
                                url="http://www.lintong.gov.cn/zwgk/bmxxgknb/1.html").document
    assert document["issuer"] is None
    assert (document["level"], document["scope"], document["place"]) == ("department", "organ", "西安市临潼区")


def test_without_its_site_a_body_under_a_districts_leaders_is_not_the_municipalitys():
    text = ("重庆解放碑中央商务区管理委员会2020年政府信息公开工作年度报告\n一、总体情况\n2020年,我委按照《重庆市渝中区人民政府"
            "办公室关于印发渝中区2020年政务公开工作要点的通知》要求,在区委区政府的领导下开展工作。\n")
    document = extract_document(text.encode("utf-8"), content_type="text/plain").document
    assert (document["place"], document["admin_tier"]) == ("重庆市渝中区", "county")
    unnamed = text.replace("《重庆市渝中区人民政府办公室关于印发渝中区2020年政务公开工作要点的通知》", "上级")
    assert extract_document(unnamed.encode("utf-8"), content_type="text/plain").document["place"] is None


GROUP_HEAD = ("一、总体情况\n2023年,我中心调整政务公开工作领导小组,组长由公共资源交易中心主任担任,成员由各科室负责人组成。\n"
              "(一)主动公开\n我中心全年主动公开信息31条。\n")


@pytest.mark.parametrize("text", [
    GROUP_HEAD,
    # a deputy from another body is not the body
    GROUP_HEAD.replace("主任担任,", "主任担任,副组长由区政务服务中心主任担任,"),
])
def test_a_body_named_only_as_its_groups_head_takes_the_sites_area(text):
    document = extract_document(text.encode("utf-8"), content_type="text/plain",
                                url="https://www.hanyang.gov.cn/zwgk/bmxxgknb/1.html").document
    assert (document["issuer"], document["level"]) == ("汉阳区公共资源交易中心", "department")


@pytest.mark.parametrize("text,url", [
    (GROUP_HEAD, None),  # no site: the area would be a guess
    (GROUP_HEAD.replace("我中心", "我局"), "https://www.hanyang.gov.cn/zwgk/bmxxgknb/1.html"),  # another kind of body
    # two groups, two heads: which is the body's own is not said
    (GROUP_HEAD.replace("成员由", "另设督查组,组长由政务服务中心主任担任,成员由"),
     "https://www.hanyang.gov.cn/zwgk/bmxxgknb/1.html"),
])
def test_a_group_head_of_another_kind_or_without_a_site_names_no_body(text, url):
    assert extract_document(text.encode("utf-8"), content_type="text/plain", url=url).document["issuer"] is None


CENTRAL_2008 = ("《中华人民共和国政府信息公开条例》实施以来,我局积极推进政府信息公开。2008年主要工作情况如下。\n"
                "一、基础工作\n我局制定了《国家林业局政府信息公开指南》和《国家林业局政府信息公开目录》,在门户网站开设专栏。\n")


def test_a_central_body_named_only_by_its_own_guide_is_central():
    document = extract_document(CENTRAL_2008.encode("utf-8"), content_type="text/plain").document
    assert (document["issuer"], document["admin_tier"], document["province"], document["report_year"]) == \
        ("国家林业局", "central", None, 2008)


def test_a_provincial_bureau_citing_a_national_guide_is_not_the_national_body():
    text = CENTRAL_2008.replace("在门户网站开设专栏", "参照其做法,在云南省人民政府门户网站开设专栏")
    document = extract_document(text.encode("utf-8"), content_type="text/plain").document
    assert document["issuer"] != "国家林业局" and document["admin_tier"] != "central"


def test_a_body_named_by_its_own_guide_with_its_area():
    text = ("一、总体情况\n2023年,我局严格落实《宁海县市场监督管理局政府信息公开指南》,及时更新公开目录。\n"
            "(一)主动公开\n全年主动公开信息56条。\n")
    document = extract_document(text.encode("utf-8"), content_type="text/plain").document
    assert (document["issuer"], document["place"], document["admin_tier"]) == ("宁海县市场监督管理局", "宁波市宁海县", "county")
