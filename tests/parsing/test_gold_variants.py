"""The gold reports as mirrors serve them: phrase-level Taiwan conversion (s2twp: 信息→資訊,
文件→檔案, 发布→釋出, 门户网站→入口網站) and pinyin glosses inside words. Same expected values."""

from __future__ import annotations

import re
import shutil

import opencc
import pytest

from xxgk.evaluation import evaluate

from .conftest import GOLD, unexplained

_S2TWP = opencc.OpenCC("s2twp")
_GLOSSES = {"数": "shù", "区": "qū", "构": "gòu", "报": "bào", "统": "tǒng", "计": "jì", "据": "jù"}


def _gold_texts():
    return sorted(GOLD.glob("dev/*.txt")) + sorted(GOLD.glob("seeds/*.txt")) + [GOLD / "huaian_2024.txt"]


def _write_variant(directory, convert) -> None:
    for path in _gold_texts():
        text = path.read_text(encoding="utf-8")
        head, body = text.split("\n", 1) if text.startswith("# source:") else ("", text)
        target = directory / f"{path.parent.name}_{path.name}"
        target.write_text((head + "\n" if head else "") + convert(body), encoding="utf-8")
        shutil.copy(path.with_name(path.stem + ".expected.json"), target.with_name(target.stem + ".expected.json"))


def _glossed(text: str) -> str:
    return re.sub("[" + "".join(_GLOSSES) + "]", lambda m: f"{m.group(0)}({_GLOSSES[m.group(0)]})", text)


_FULL_WIDTH = str.maketrans({"(": "（", ")": "）", ",": "，", ":": "：", ";": "；", **{str(i): chr(0xFF10 + i) for i in range(10)}})


def _full_width(text: str) -> str:
    return _glossed(text).translate(_FULL_WIDTH)


@pytest.mark.parametrize("convert", [_S2TWP.convert, _glossed, _full_width],
                         ids=["s2twp", "pinyin-glosses", "full-width"])
def test_gold_as_mirrors_serve_it(gold_dir, tmp_path, convert):
    _write_variant(tmp_path, convert)
    result = evaluate(tmp_path)
    assert result.files == 41
    assert unexplained(result.problems()) == []
