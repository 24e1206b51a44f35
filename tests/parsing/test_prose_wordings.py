"""Prose KPIs in the wordings real reports use beyond the dev set, and the look-alike sentences that
must give nothing (a category of a list, hotline cases, one part of a body's figures)."""

from __future__ import annotations

import pytest

from xxgk.parsing import extract_document

HEAD_2021 = "某县人民政府2023年政府信息公开工作年度报告\n本报告所列数据的统计期限自2023年1月1日起至2023年12月31日止。\n一、总体情况\n"
HEAD_2010 = "某县人民政府2010年政府信息公开工作年度报告\n本报告所列数据的统计期限自2010年1月1日起至2010年12月31日止。\n一、概述\n"


def _facts(text: str) -> dict:
    ex = extract_document(text.encode("utf-8"), content_type="text/plain", url="http://www.example.gov.cn/a.html")
    return {f["kpi"]: f["value"] for f in ex.facts if f["source"] == "narrative"}


@pytest.mark.parametrize("sentence,kpi,value", [
    ("2023年,公民通过网站和信函等方式提交政府信息公开申请62件,均按期答复。", "applications_received", 62),
    ("2023年,我镇收到群众依申请公开3件,均已按时答复。", "applications_received", 3),
    ("全年共受理答复依申请公开件18件(含2022年结转2件),办结17件,转结下年度继续办理1件。",
     "applications_carried_in", 2),
    ("全年共受理答复依申请公开件18件(含2022年结转2件),办结17件,转结下年度继续办理1件。",
     "applications_carried_forward", 1),
    ("全年受理依申请公开40件,当年办结37件,结转下一年3件。", "applications_carried_forward", 3),
    ("全年共受理依申请公开21件。其中,予以公开9件、部分公开4件,无法提供8件。", "result_granted", 9),
    ("全年共受理依申请公开21件。其中,予以公开9件、部分公开4件,无法提供8件。", "result_partially_granted", 4),
    ("2023年我乡在政务公开栏累计主动公开政府信息45条,其中工作动态30条。", "proactive_items_total", 45),
    ("通过县政府网站及局官网公开信息812条,通过微信公众号发布信息90余条。", "proactive_items_website", 812),
    ("通过县人民政府信息公开网站主动公开人事信息、财政资金、政府采购等共计96条。", "proactive_items_website", 96),
    ("(二)依申请公开情况\n本年度,未接到群众提出的政府信息公开申请。\n", "applications_received", 0),
])
def test_2019_format_wordings(sentence, kpi, value):
    assert _facts(HEAD_2021 + sentence + "\n").get(kpi) == value


@pytest.mark.parametrize("sentence,kpi,value", [
    ("为做好此项工作,配备了3名政府信息公开专职工作人员,12名兼职工作人员。", "staff_fulltime", 3),
    ("为做好此项工作,配备了3名政府信息公开专职工作人员,12名兼职工作人员。", "staff_parttime", 12),
    ("设有2个专门的政府信息公开申请受理点,1个公共查阅点。", "application_reception_points", 2),
])
def test_2008_format_wordings(sentence, kpi, value):
    assert _facts(HEAD_2010 + sentence + "\n").get(kpi) == value


@pytest.mark.parametrize("sentence,kpi", [
    # one category of a list, the next category printed beside it: no total
    ("集中公开国民经济和社会发展规划、专项规划等信息87条,公开助企纾困信息136条、疫情防控信息98条。", "proactive_items_total"),
    ("通过时政要闻、通知公告等栏目,公开工作动态、改革发展情况等动态信息590条,转载其他类信息200余条。", "proactive_items_total"),
    # since the regulation took effect, even with the year in the sentence
    ("截至2023年底,累计主动公开政府信息1.2万条。", "proactive_items_total"),
    # hotline and mailbox cases are not disclosure applications
    ("领导信箱办件71件,办结71件;12345热线交办件78件,结转下年度继续办理2件。", "applications_carried_forward"),
    # the government's own part of a report that also counts its departments
    ("2023年政府新收依申请公开数量为2件,办理结果为予以公开2件;部门新收依申请公开数量为4件。", "result_granted"),
    # a sentence about applications with no count of them
    ("收到申请的处理结果见下表,咨询15次。", "applications_received"),
])
def test_look_alike_sentences_give_nothing(sentence, kpi):
    assert kpi not in _facts(HEAD_2021 + sentence + "\n")


@pytest.mark.parametrize("head,sentence,kpi", [
    # one count of reviews and lawsuits together: whose is whose is not said
    (HEAD_2021, "全年涉及行政复议、行政诉讼的案件9件,均依法处理。", "admin_litigation_total"),
    (HEAD_2021, "全年涉及行政诉讼、行政复议案件9件。", "admin_reconsideration_total"),
    # in the 2008 era, replies to letters and a mailbox are not replies to applications
    (HEAD_2010, "全年共收到群众来信34件,答复34件。", "replies_total"),
    (HEAD_2010, "县长信箱共收到留言58条,已答复58条。", "replies_total"),
    # two parts of the year's figure, and no whole
    (HEAD_2021, "县政府发布图解解读15件,各部门发布政策解读230条。", "policy_interpretations"),
    # the last channel of a list of channels is not the total
    (HEAD_2021, "通过官方网站公开信息2100条,微博公开信息300条,头条号公开信息85条。", "proactive_items_total"),
    # the received count includes the carried-in ones: the new ones are not printed
    (HEAD_2021, "全年共受理政府信息公开申请52件(含上年度结转7件),均按时办结。", "applications_received"),
])
def test_a_figure_of_another_kind_or_a_part_is_no_kpi(head, sentence, kpi):
    assert kpi not in _facts(head + sentence + "\n")


@pytest.mark.parametrize("head,sentence,kpi,value", [
    (HEAD_2021, "因政府信息公开引起的行政复议4件、行政诉讼2件,均已审结。", "admin_reconsideration_total", 4),
    (HEAD_2021, "因政府信息公开引起的行政复议4件、行政诉讼2件,均已审结。", "admin_litigation_total", 2),
    (HEAD_2010, "全年共受理依申请公开12件,已答复12件。", "replies_total", 12),
    (HEAD_2021, "全年发布政策解读98篇,其中图文解读60篇,视频解读38篇。", "policy_interpretations", 98),
    (HEAD_2021, "全年共受理政府信息公开申请52件(含上年度结转0件),均按时办结。", "applications_received", 52),
    # more wordings of the headline figures
    (HEAD_2021, "2023年我局未收到要求公开政府信息的申请。", "applications_received", 0),
    (HEAD_2010, "全年未接到公民、法人或者其他组织提出的政府信息公开申请。", "applications_received", 0),
    (HEAD_2021, "2023年收到依申请公开信息0件。", "applications_received", 0),
    (HEAD_2010, "我镇全年主动公开信息有58条。", "proactive_items_total", 58),
    (HEAD_2021, "全年通过网站和新媒体主动公开312条,其中网站公开120条。", "proactive_items_total", 312),
    (HEAD_2021, "区交通局通过政府网站公开发布45条政府信息。", "proactive_items_website", 45),
])
def test_the_figure_itself_beside_those_look_alikes(head, sentence, kpi, value):
    assert _facts(head + sentence + "\n").get(kpi) == value


@pytest.mark.parametrize("sentence,kpi", [
    # no cases arising from applications: said of cases, not of applications
    ("全年未发生因依申请公开引发的行政复议或行政诉讼案件。", "applications_received"),
    # 政务信息 is the news of the work, not the regulation's 政府信息
    ("依托微信公众号、视频号等平台,全年发布各类政务信息260余条。", "proactive_items_total"),
])
def test_no_figure_from_cases_or_news(sentence, kpi):
    assert kpi not in _facts(HEAD_2021 + sentence + "\n")


def test_a_gazettes_figure_named_earlier_in_its_sentence_is_no_total():
    assert "proactive_items_total" not in _facts(HEAD_2010 + "全年共编印《某县政报》6期,刊登政府信息210条。\n")


def test_a_2008_websites_news_with_a_government_part_gives_neither():
    # all the website's items, or the government information among them: the sentence does not say
    facts = _facts(HEAD_2010 + "县政府门户网站发布各类信息5120条,其中,发布政府信息公开信息共268条。\n")
    assert "proactive_items_total" not in facts


def test_the_applicants_after_the_natural_persons():
    facts = _facts(HEAD_2021 + "全年共受理政府信息公开申请320件。其中,自然人申请290件,商业企业申请18件,科研机构申请2件,"
                               "法律服务机构申请6件,其他申请4件,均按时答复。\n")
    assert [facts.get("applications_received_" + column) for column in
            ("natural_person", "commercial_enterprise", "research_institution", "legal_service_org", "other_org")] == \
        [290, 18, 2, 6, 4]


def test_legal_persons_or_other_organisations_are_not_the_other_column():
    facts = _facts(HEAD_2021 + "共受理政府信息公开申请95件,其中自然人申请89件,法人或其他组织申请6件。\n")
    assert facts.get("applications_received_natural_person") == 89 and "applications_received_other_org" not in facts


@pytest.mark.parametrize("sentence,kpi,value", [
    ("本年度共举办12次新闻发布会。", "press_conferences", 12),
    ("全市共收到申请政府信息公开31件(次),均已答复。", "applications_received", 31),
])
def test_2008_era_counts_before_their_noun(sentence, kpi, value):
    assert _facts(HEAD_2010 + sentence + "\n").get(kpi) == value


def test_a_portal_called_government_affairs_net_is_the_website():
    facts = _facts(HEAD_2021 + "2023年全市通过某市政务网发布政府信息9120条,其中政策文件300件。\n")
    assert (facts.get("proactive_items_website"), facts.get("proactive_items_total")) == (9120, None)


def test_an_untitled_excerpt_with_the_format_sections_is_a_report():
    text = ("(一)政府信息主动公开情况:2022年,我中心在网站主动公开信息28条。\n"
            "(二)政府信息依申请公开情况:2022年,我中心没有收到依申请公开事项。\n"
            "(三)政府信息管理情况:加强信息发布审核。\n")
    ex = extract_document(text.encode("utf-8"), content_type="text/plain")
    assert ex.document["doc_type"] == "annual_report" and ex.document["report_year"] == 2022
    assert {f["kpi"]: f["value"] for f in ex.facts}.get("applications_received") == 0


def test_the_format_opening_makes_a_report_without_a_title():
    text = ("根据《中华人民共和国政府信息公开条例》规定和《国务院办公厅政府信息与政务公开办公室关于政府信息公开工作年度报告"
            "有关事项的通知》要求,编制本年度报告。\n2020年,某市坚持以公开为常态,主动公开政府信息3.2万条。\n")
    ex = extract_document(text.encode("utf-8"), content_type="text/plain")
    assert ex.document["doc_type"] == "annual_report" and ex.document["report_year"] == 2020


def test_a_report_titled_information_disclosure_report():
    text = "兴华乡2010年政府信息公开报告\n发布日期:2011-01-01\n今年我乡主动公开政府信息20条。\n"
    ex = extract_document(text.encode("utf-8"), content_type="text/plain")
    assert ex.document["doc_type"] == "annual_report" and ex.document["report_year"] == 2010


@pytest.mark.parametrize("text,year", [
    # the first heading with its words in another order
    ("一、政府信息公开总体工作情况\n(一)机构建设。2012年,县政府调整了信息公开领导小组,各乡镇配备了专人。\n"
     "(二)查阅场所。县档案馆全年接待查阅群众300人次。\n", 2012),
    # the 2008 era's opening, with no section named as the format names them
    ("《中华人民共和国政府信息公开条例》(以下简称《条例》)施行以来,我委认真贯彻落实,扎实推进公开工作。2009年度主要工作情况如下。\n"
     "一、加强基础工作\n(一)健全工作机构\n委领导高度重视,成立了工作小组。\n", 2009),
    # a later page of a 2008-era report: its sections, but not the first
    ("(二)依申请公开情况\n2011年度,全市共收到政府信息公开申请40件,均按时答复。\n(三)咨询处理情况\n"
     "全年接受群众咨询2000人次。\n(四)复议、诉讼和申诉情况\n全年未发生行政复议。\n(五)收费及减免情况\n未收取费用。\n", 2011),
])
def test_a_2008_era_report_in_its_own_shape_is_a_report(text, year):
    document = extract_document(text.encode("utf-8"), content_type="text/plain").document
    assert (document["doc_type"], document["report_year"]) == ("annual_report", year)


def test_a_disclosure_guide_is_not_a_report():
    guide = ("一、主动公开\n(一)公开范围。本机关主动公开机构职能、规范性文件。\n二、依申请公开\n(一)受理机构。\n"
             "(二)收费标准。检索、复制、邮寄按规定收费。\n三、监督和救济\n公民认为侵犯其合法权益的,可以举报。\n")
    assert extract_document(guide.encode("utf-8"), content_type="text/plain").document["doc_type"] != "annual_report"


@pytest.mark.parametrize("sentence,value", [
    ("政府信息公开专栏全年访问量达26万多人次。", 260000),
    ("县政府门户网站信息公开专题页面浏览量为18,320次。", 18320),
    ("政府信息公开网站开通以来累计访问量达120万人次。", None),  # since it opened, not the year's
])
def test_page_views_of_the_2008_era(sentence, value):
    assert _facts(HEAD_2010 + sentence + "\n").get("page_views") == value


def test_a_pages_hit_counter_is_no_figure():
    assert "page_views" not in _facts(HEAD_2010 + "来源:某县人民政府 访问量:0\n今年我县认真落实《条例》。\n")


@pytest.mark.parametrize("text,doc_type", [
    # a headline about the report, not the report
    ("贵州省发布2016年政府信息公开工作年度报告\n2017-03-28 来源: 贵州日报\n27日,贵州省人民政府正式向社会发布2016年政府信息公开"
     "工作年度报告。\n", "news"),
    # who published their reports, not a report
    ("石狮市2023年政府信息公开工作年度报告公布情况\n根据《格式》要求,我市组织各单位编制并发布2023年度报告。\n"
     "一、我市应公布年度报告单位37个,按时公布率100%。\n", "other"),
    # the title printed twice and run into the text, then the format's first section
    ("北京市2018年政府信息公开工作年度报告北京市2018年政府信息公开工作年度报告 2018年,北京市全面贯彻落实《条例》。\n"
     "一、政府信息和政务公开主要工作情况\n", "annual_report"),
])
def test_what_kind_of_document(text, doc_type):
    assert extract_document(text.encode("utf-8"), content_type="text/plain").document["doc_type"] == doc_type


@pytest.mark.parametrize("sentence,kpi", [
    ("本年度未产生与诉讼(行政复议、行政申诉)有关的费用支出。", "admin_reconsideration_total"),
    ("本年度未产生与诉讼(行政复议、行政申诉)有关的费用支出。", "admin_litigation_total"),
    ("在网站公开法规文件及解读2条。", "policy_interpretations"),
])
def test_costs_of_cases_and_joined_categories_are_no_counts(sentence, kpi):
    assert kpi not in _facts(HEAD_2021 + sentence + "\n")


def test_a_listed_category_still_counts():
    assert _facts(HEAD_2021 + "发布政策文件4条、解读信息4条、群众留言办理10条。\n")["policy_interpretations"] == 4
