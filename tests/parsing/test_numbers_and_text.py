from __future__ import annotations

import pytest

from xxgk.parsing.normalize import fold, label_key, strip_pinyin_glosses, to_simplified
from xxgk.parsing.numbers import chinese_numeral, parse_cell, parse_quantity


@pytest.mark.parametrize(("text", "expected"), [
    ("1,207", ("value", 1207)), ("１２０７", ("value", 1207)),
    ("96171.6", ("value", 96171.6)), ("+19", ("value", 19)), ("-8", ("value", -8)), ("0", ("value", 0)),
    ("", ("blank", None)), ("  ", ("blank", None)), ("-", ("dash", None)), ("—", ("dash", None)),
    ("3件", ("value", 3)), ("1.3万", ("value", 13000)), ("合计", ("text", None)),
])
def test_parse_cell(text, expected):
    assert parse_cell(text) == expected


def test_full_width_digits_are_read_after_folding():
    assert parse_cell(fold("１２０７")) == ("value", 1207)
    assert len(fold("（一）１２０７，")) == len("（一）１２０７，")


@pytest.mark.parametrize(("text", "value"), [("两", 2), ("十二", 12), ("三百", 300), ("一千零五", 1005), ("一", 1),
                                             ("二十", 20), ("abc", None), ("", None)])
def test_chinese_numerals(text, value):
    assert chinese_numeral(text) == value


@pytest.mark.parametrize(("text", "value", "qualifier"), [
    ("26万多", 260000, "more_than"), ("1.3万", 13000, "rounded_wan"), ("5500余", 5500, "more_than"),
    ("9.2余万人次", 92000, "more_than"), ("近8000", 8000, "nearly"), ("约9826条", 9826, "about"),
    ("37551人次", 37551, None), ("三百余条", 300, "more_than"), ("12.34万条", 123400, "rounded_wan"),
])
def test_prose_quantities(text, value, qualifier):
    number = parse_quantity(text)
    assert number is not None and number.value == value and number.qualifier == qualifier


def test_pinyin_glosses_and_traditional_text():
    stripped, count = strip_pinyin_glosses("政府機構(gòu)主動公開報(bào)告,ipad(ipad)")
    assert (stripped, count) == ("政府機構主動公開報告,ipad(ipad)", 2)
    assert to_simplified("規範性檔案") == "规范性档案"
    # the phrase-level mirror vocabulary matches the label only in the fold
    assert label_key("規範性檔案") == "规范性文件"
    assert label_key("（二）部分公开（区分处理的，只计这一情形，不计其他情形）").startswith("部分公开")
    assert label_key("1、申请人无正当理由逾期不补正") == "申请人无正当理由逾期不补正"


@pytest.mark.parametrize(("text", "expected"), [("增加3", ("value", 3)), ("减2", ("value", -2)), ("减少 12", ("value", -12)),
                                                ("12.5万元", ("value", 12.5)), ("无", ("dash", None))])
def test_parse_cell_words(text, expected):
    assert parse_cell(text) == expected
