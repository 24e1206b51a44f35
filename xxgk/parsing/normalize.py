"""Text normalisation: pinyin glosses out, traditional to simplified, and a same-length
"fold" of the text used only for matching.

The stored text (``Extraction.text``) is the simplified text; every character span points into
it. The fold has exactly the same length, so a match found in the fold is a span of the text.
The fold maps full-width forms to ASCII and undoes the Taiwan phrase conversion of mirrors
(檔案→文件) only for matching: 档案 is also a real word (档案馆), so the text keeps it.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

import opencc

# one converter for the process: building it parses the OpenCC dictionaries (milliseconds each time)
_T2S = opencc.OpenCC("t2s")

# spam mirrors gloss characters with pinyin: 區(qū), 數(shù), 機構(gòu); neutral-tone glosses are rare and
# indistinguishable from real bracketed ASCII, so a tone mark is required
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
# after a Chinese character: the look-behind follows the bracket, so the engine skips to brackets
PINYIN_GLOSS = re.compile(rf"[(（](?<=[\u3400-\u9fff][(（])(?=[a-z{_TONED}]*[{_TONED}])[a-z{_TONED}]{{1,7}}[)）]")
# PDF page footers glued to the next page's first characters: "- 4 -法提供"
PAGE_FOOTER = re.compile(r"(?m)^[ \t]*[-－—][ \t|]*\d{1,3}[ \t|]*[-－—][ \t]*")
# markdown emphasis of HTML-to-text converters (html2text: **标题**): **bold**, __bold__, and a whole
# line in *asterisks* (the strong title line of AsciiDoc and Markdown)
MARKDOWN_EMPHASIS = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__"
                               r"|(?m:^\*(?=[^\s*])([^*\n]+)(?<=[^\s*])\*[ \t]*$)")
# characters that only carry layout
LAYOUT = str.maketrans({"\u00a0": " ", "\u3000": " ", "\u200b": "", "\ufeff": "", "\r": "", "\u2002": " ",
                         "\u2003": " ", "\u2009": " "})

_FOLD_TABLE = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)}
_FOLD_TABLE.update({0x3000: 0x20, ord("﹑"): ord("、"), ord("〔"): ord("〔"), ord("．"): ord(".")})


def _reverse_phrases() -> tuple[tuple[str, str], ...]:
    """Taiwan vocabulary of phrase-level OpenCC mirrors → mainland label words (labels/phrase_variants.csv).

    Only same-length pairs keep the fold aligned with the text; others (最佳化→优化) are left out."""
    with open(Path(__file__).with_name("labels") / "phrase_variants.csv", encoding="utf-8", newline="") as handle:
        pairs = [(row["variant"], row["standard"]) for row in csv.DictReader(handle)]
    return tuple((a, b) for a, b in pairs if len(a) == len(b))


_REVERSE_PHRASES = _reverse_phrases()
_REVERSE_RE = re.compile("|".join(re.escape(a) for a, _ in _REVERSE_PHRASES))
_REVERSE_MAP = dict(_REVERSE_PHRASES)


def strip_pinyin_glosses(text: str) -> tuple[str, int]:
    """The text without pinyin glosses, and how many were removed."""
    return PINYIN_GLOSS.subn("", text)


def to_simplified(text: str) -> str:
    """Traditional characters converted to simplified (OpenCC t2s)."""
    return _T2S.convert(text)


def clean_layout(text: str) -> str:
    """Layout characters (zero-width, non-breaking and ideographic spaces…) replaced."""
    return text.translate(LAYOUT)


# runs of the characters _FOLD_TABLE maps: translating only them is twice as fast as str.translate
# over a whole report, whose Chinese characters each cost translate a dictionary lookup
_FOLDABLE_RUN = re.compile("[" + re.escape("".join(map(chr, _FOLD_TABLE))) + "]+")


def _fold_run(m: re.Match) -> str:
    return m.group().translate(_FOLD_TABLE)


def fold(text: str) -> str:
    """Same-length matching form of ``text`` (full-width → ASCII, Taiwan phrases → mainland)."""
    folded = _FOLDABLE_RUN.sub(_fold_run, text)
    if _REVERSE_RE.search(folded) is None:
        return folded
    return _REVERSE_RE.sub(lambda m: _REVERSE_MAP[m.group(0)], folded)


_LABEL_NUMBERING = re.compile(
    r"^(?:\d{2}(?=[\u4e00-\u9fff])|[一二三四五六七八九十]+[、.．]|\(?[一二三四五六七八九十]+\)|\d{1,2}[.、．](?!\d)|\(\d{1,2}\))")
_LABEL_NOISE = re.compile(r"[\s,，、。:：;；\"“”'‘’「」《》<>【】\[\]]+")


@lru_cache(maxsize=65536)
def label_key(label: str) -> str:
    """Key for label matching: simplified, folded, without numbering, spaces or punctuation."""
    key = fold(to_simplified(label)).strip()
    for _ in range(4):
        stripped = _LABEL_NUMBERING.sub("", key.lstrip(" :：,，"))
        stripped = stripped.removeprefix("其中")
        if stripped == key:
            break
        key = stripped
    key = _LABEL_NOISE.sub("", key)
    return key.replace("(", "").replace(")", "")
