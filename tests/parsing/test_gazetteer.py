from __future__ import annotations

from xxgk.parsing import gazetteer as gz


def test_gazetteer_covers_every_province_and_prefecture():
    g = gz.gazetteer()
    provinces = [d for d in g.divisions if d.level == "province"]
    assert len(provinces) == 31
    assert all(len(code) == 6 and code.endswith("0000") for code in g.province_codes.values())
    assert g.province_codes["广西壮族自治区"] == "450000" and g.province_codes["北京市"] == "110000"
    cities = {d.name for d in g.divisions if d.level == "city"}
    assert len(cities) >= 330
    for province in (p.name for p in provinces if p.name not in gz.MUNICIPALITIES):
        assert any(d.province == province for d in g.divisions if d.level == "city"), province
    for county in (d for d in g.divisions if d.level == "county" and d.prefecture):
        assert county.prefecture in cities, county


def test_chains_and_places_in_text():
    chain, rest = gz.parse_chain("苏州市张家港市塘桥镇人民政府")
    assert [d.name for d in chain] == ["苏州市", "张家港市"] and rest == "塘桥镇人民政府"
    assert gz.lookup("鼓楼区", prefecture="福州市").prefecture == "福州市"
    assert gz.lookup("鼓楼区", prefecture="南京市").prefecture == "南京市"
    found = [d.name for d in gz.find_places("在上塘中心城区,依据《宁夏回族自治区实施办法》,同心县政府公众网")]
    assert found == ["宁夏回族自治区", "同心县"]
    # 和县 of "精神和县政府有关规定" is "and the county's"; after its city, or opening a line, it is 和县
    assert gz.find_places("根据《条例》精神和县政府有关规定") == ()
    assert [d.name for d in gz.find_places("马鞍山市和县人民政府")] == ["马鞍山市", "和县"]
    assert [d.name for d in gz.find_places("和县人民政府2020年政府信息公开工作年度报告")] == ["和县"]
    assert gz.find_short_county("“中国永嘉”县政府门户网站").name == "永嘉县"
    # 共和 of 中华人民共和国 is a word, not 共和县
    assert gz.find_short_county("根据《中华人民共和国政府信息公开条例》,中华人民共和国") is None
    # nor 平和 of 工作水平和人民群众满意度 平和县
    assert gz.find_short_county("不断提升政府信息公开工作水平和人民群众满意度") is None
    assert gz.find_short_county("平和人民政府网站发布信息").name == "平和县"


def test_autonomous_units_by_their_short_form():
    # reports write 黔东南州 for 黔东南苗族侗族自治州, 石柱县 for 石柱土家族自治县
    chain, rest = gz.parse_chain("黔东南州人民政府新闻办公室", year=2024)
    assert [d.name for d in chain] == ["黔东南苗族侗族自治州"] and rest == "人民政府新闻办公室"
    assert [d.name for d in gz.parse_chain("恩施州统计局", year=2020)[0]] == ["恩施土家族苗族自治州"]
    shizhu = gz.parse_chain("石柱县人民政府", year=2024)[0]
    assert [(d.name, d.province) for d in shizhu] == [("石柱土家族自治县", "重庆市")]


def test_a_name_abolished_decades_before_the_report_is_another_place():
    # 石柱县 of 四川省涪陵地区 stood until 1982: a 2024 report never means it
    assert all(d.province == "重庆市" for d in gz.candidates("石柱县", year=2024))
    assert gz.candidates("石柱县", year=1982)[0].province == "四川省"
    # 九江县 a year after it became 柴桑区 is still 九江县
    assert gz.lookup("九江县", year=2018).code == "360421"


def _doc(text: str, url: str | None = None, **hints):
    from xxgk.parsing.extract import extract_document

    return extract_document(text.encode("utf-8"), content_type="text/plain", url=url, hints=hints)


def test_codes_follow_gb_t_2260():
    assert gz.lookup("闽侯县").code == "350121" and gz.lookup("闽侯县").prefecture == "福州市"
    assert gz.province_code("新疆维吾尔自治区") == "650000"
    # 九江县 (360421) became 柴桑区 (360404) in 2017
    assert gz.lookup("九江县", year=2016).code == "360421" and gz.lookup("九江县").last_year == 2016
    assert gz.lookup("柴桑区", year=2020).code == "360404"
    # 同心县 moved from 银南地区 to 吴忠市 in 1998: the prefecture of the year
    assert gz.lookup("同心县", year=1995).prefecture == "银南地区"
    assert gz.lookup("同心县", year=2020).prefecture == "吴忠市"


def test_a_place_the_report_aids_or_visits_is_not_its_place():
    # a Shanghai report naming the county it rebuilt after the earthquake: no province from that
    text = ("2009年政府信息公开工作年度报告\n一、概述\n2009年,本市各级政府部门坚持以公开为原则。"
            "向社会公开对口支持都江堰市灾后恢复重建项目以及资金筹集情况。\n")
    assert _doc(text).document["province"] is None
    named = _doc(text.replace("对口支持都江堰市", "都江堰市"))
    assert named.document["province"] == "四川省"


def test_a_name_shared_by_several_divisions_is_never_guessed():
    assert gz.lookup("朝阳区") is None  # 北京 and 长春
    assert gz.lookup("朝阳区", province="吉林省").prefecture == "长春市"
    report = "朝阳区人民政府2022年政府信息公开工作年度报告\n一、总体情况\n本报告由朝阳区人民政府办公室编制。\n"
    alone = _doc(report)
    assert alone.document["issuer"] == "朝阳区人民政府" and alone.document["level"] == "county"
    assert alone.document["place"] is None and alone.document["province"] is None
    issue = next(i for i in alone.issues if i["check_id"] == "place-ambiguous")
    assert len(issue["detail"]["candidates"]) == 2
    placed = _doc(report + "2022年,在长春市委、市政府的领导下,全区政务公开工作稳步推进。\n")
    assert placed.document["place"] == "长春市朝阳区" and placed.document["province"] == "吉林省"
    assert placed.document["field_sources"]["place"] == "text"


def test_the_name_of_the_report_year():
    # 九江县 became 柴桑区 in 2017: a 2016 report names the county as it was
    text = "九江县2016年政府信息公开工作年度报告\n一、概述\n本报告依据《条例》,综合全县政府信息公开情况编制而成。\n"
    ex = _doc(text, "https://www.chaisang.gov.cn/zwgk/201703/t20170328_1.html")
    assert ex.document["issuer"] == "九江县人民政府" and ex.document["place"] == "九江市九江县"


def test_host_spelled_in_pinyin_places_a_township():
    assert [d.name for d in gz.host_evidence("http://www.minhou.gov.cn/a", year=2020)[0]] == ["闽侯县"]
    assert [d.name for d in gz.host_evidence("http://gl.fuzhou.gov.cn/a", year=2020)[-1]] == ["鼓楼区"]
    assert gz.host_evidence("http://www.minhou.example.com/a") == []  # not a government host
    text = "白沙镇2021年政府信息公开工作年度报告\n一、总体情况\n2021年,白沙镇人民政府深入贯彻落实《条例》。\n"
    ex = _doc(text, "http://www.minhou.gov.cn/xxgk/a.html")
    assert ex.document["issuer"] == "白沙镇人民政府" and ex.document["level"] == "township"
    assert ex.document["place"] == "福州市闽侯县白沙镇" and ex.document["province"] == "福建省"
    assert ex.document["field_sources"]["place"] == "url"
    assert _doc(text).document["province"] is None  # no site, no county in the text: not guessed


def test_area_of_an_organ_is_never_printed_twice():
    from xxgk.parsing.issuer import prefixed_organ

    assert prefixed_organ("平武县", "县统计局") == "平武县统计局"
    assert prefixed_organ("渭滨区", "区统计局") == "渭滨区统计局"
    assert prefixed_organ("平武县", "区统计局") is None  # the organ says 区, the site is a 县
    assert prefixed_organ("绵阳市", "市发展改革委") == "绵阳市发展改革委"


def test_hosts_that_run_two_divisions_together():
    assert [[d.name for d in s] for s in gz.host_evidence("https://www.bjdch.gov.cn/a", year=2023)] == \
        [["北京市"], ["东城区"]]
    assert [[d.name for d in s] for s in gz.host_evidence("https://www.hzsc.gov.cn/a", year=2023)] == \
        [["杭州市"], ["上城区"]]
    assert [[d.name for d in s] for s in gz.host_evidence("http://ztyj.gov.cn/a", year=2016)] == [["昭通市"], ["盐津县"]]


def test_credit_codes_and_zones_name_their_area():
    # 统一社会信用代码 11 + 330682 (上虞) …
    assert [d.name for d in gz.credit_code_divisions("索引号: | 1133068200259085XF/2015-28256", 2009)] == ["上虞市"]
    assert gz.credit_code_divisions("索引号:000014349/2020-806659") == ()
    assert [d.name for d in gz.zone_cities("来源: 兰州新区经济合作局", 2023)] == ["兰州市"]


def test_a_state_council_body_has_no_province():
    ex = _doc("自然资源部2024年政府信息公开工作报告\n根据《条例》规定，编制本报告。\n一、总体情况\n")
    assert ex.document["issuer"] == "自然资源部" and ex.document["admin_tier"] == "central"
    assert ex.document["province"] is None and ex.document["scope"] == "organ"


def test_national_new_areas_put_their_bodies_in_a_province():
    # 西咸新区 is no GB/T 2260 division: its host and its name still say 陕西
    assert [d.name for d in gz.host_evidence("http://www.xixianxinqu.gov.cn/xwzx/a.html", year=2022)[0]] == ["陕西省"]
    assert [d.name for d in gz.new_area_divisions("两江新区管委会2022年政府信息公开工作年度报告", 2022)] == ["重庆市"]
    report = ("太平镇2022年政府信息公开工作年度报告\n一、总体情况\n2022年,我镇在西咸新区管委会的领导下认真贯彻落实《条例》。\n")
    document = _doc(report).document
    assert document["province"] == "陕西省" and document["place"] is None  # 太平镇 is in many counties


def test_a_department_that_names_itself_only_we_takes_the_sites_area():
    text = "一、总体情况\n2021年,我局坚持以公开为常态,全年没有收到政府信息公开申请。\n(一)主动公开情况\n我局主动公开信息15条。\n"
    document = _doc(text, "http://www.panyu.gov.cn/zwgk/zfxxgk/zfxxgknb/bm/mb2021/content/post_1.html").document
    assert (document["issuer"], document["place"], document["province"]) == (None, "广州市番禺区", "广东省")
    assert (document["level"], document["admin_tier"]) == ("department", "county")
    assert _doc(text).document["place"] is None  # no site, no area


def test_a_township_on_its_citys_portal_takes_the_county_its_text_names():
    text = ("焦庄乡人民政府2019年政府信息公开工作年度报告\n投稿:西平县人民政府 时间:2020年01月31日\n"
            "一、总体情况\n2019年,我乡认真贯彻落实《条例》。\n")
    document = _doc(text, "https://www.zhumadian.gov.cn/html/site_gov/articles/202001/99903.html").document
    assert document["place"] == "驻马店市西平县焦庄乡" and document["province"] == "河南省"
    # a county outside the site's city is not the township's
    elsewhere = _doc(text.replace("西平县", "仁寿县"), "https://www.zhumadian.gov.cn/html/a.html").document
    assert elsewhere["place"] is None


def test_a_catalogue_number_that_opens_with_a_township_code_places_the_township():
    text = ("北街街道2025年政府信息公开工作年度报告\n索引号 | 620702081/2026-00007 | 发文字号\n"
            "一、总体情况\n2025年,北街街道认真贯彻落实《条例》。\n")
    document = _doc(text).document
    assert document["place"] == "张掖市甘州区北街街道" and document["province"] == "甘肃省"
    # an organisation code is no division code
    assert _doc(text.replace("620702081/2026-00007", "000014349/2026-00001")).document["place"] is None
