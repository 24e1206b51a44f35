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
    assert gz.find_short_county("“中国永嘉”县政府门户网站").name == "永嘉县"
    # 共和 of 中华人民共和国 is a word, not 共和县
    assert gz.find_short_county("根据《中华人民共和国政府信息公开条例》,中华人民共和国") is None
