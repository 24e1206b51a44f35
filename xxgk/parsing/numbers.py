"""Numbers as printed in reports: Arabic, full-width, 1,207, decimals, 万/亿, Chinese numerals,
signed deltas, and the approximation words around them (余, 多, 近, 约).

The one reader of numbers: table cells (``parse_cell``), short quantities (``parse_quantity``)
and the ``QUANTITY`` pattern the prose patterns embed (``number_from_match``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千"
_SCALES = {"万": 10_000, "亿": 100_000_000}

# a number cell of a table: optional sign, digits with thousands commas, decimals, a unit word
_CELL_NUMBER = re.compile(
    r"^(?P<sign>[+\-－]?|增加|增|减少|减)\s*(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*"
    r"(?P<scale>万|亿)?\s*(?P<unit>件|条|个|项|次|人次|宗|篇|场|元|万元|%|起|家|期)?$")
# placeholders that are neither a number nor an empty cell: not recorded, but they hold their column
DASH_CELL = re.compile(r"^(?:[-－—–/／\\×]+|无|暂无|空|不涉及|/)$")


@dataclass(frozen=True)
class Number:
    """A number read from a report, with how exactly the report states it."""

    value: float
    qualifier: str | None  # None exact, more_than, nearly, about, rounded_wan
    unit: str | None


def chinese_numeral(text: str) -> int | None:
    """Value of a small Chinese numeral (两, 十二, 三百, 一千零五); None if it is not one."""
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        return None
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
    return total + (digit or 0)


@lru_cache(maxsize=65536)
def parse_cell(text: str) -> tuple[str, float | None]:
    """Classify a table cell: ('value', n), ('blank', None), ('dash', None) or ('text', None)."""
    stripped = text.strip().replace(" ", "")
    if not stripped:
        return "blank", None
    if DASH_CELL.match(stripped):
        return "dash", None
    m = _CELL_NUMBER.match(stripped)
    if not m:
        return "text", None
    value = float(m.group("num").replace(",", ""))
    if not (m.group("scale") == "万" and m.group("unit") == "元"):
        # an amount in 万元 stays in 万元: the unit is recorded, conversion is for derived columns
        value = _scaled(value, m.group("scale"))
    if m.group("sign") in ("-", "－", "减", "减少"):
        value = -value
    return "value", value


def _scaled(value: float, scale: str | None) -> float:
    return value * _SCALES[scale] if scale else value


def as_number(value: float) -> int | float:
    """A whole float as an int (1207.0 → 1207), for JSON that reads like the report."""
    return int(value) if float(value).is_integer() else value


# a number in prose, with the approximation words around it; QTY in the prose patterns
QUANTITY = (r"(?P<pre>将近|接近|近|约|大约|超过)?\s*(?P<num>\d[\d,]*(?:\.\d+)?|[" + CN_NUMERAL_CHARS + r"]+)\s*"
            r"(?P<q1>余|多)?\s*(?P<scale>万|亿)?\s*(?P<q2>余|多)?")


def quantity_pattern(prefix: str = "") -> str:
    """``QUANTITY`` with its group names prefixed, for a pattern that holds several numbers."""
    return QUANTITY.replace("(?P<", f"(?P<{prefix}") if prefix else QUANTITY


_CELL_QUANTITY = re.compile(r"^\s*" + QUANTITY + r"\s*(?P<unit>人次|条|件|个|次|项|宗|篇|场|元|万元|%)?\s*$")


def number_from_match(m: re.Match, prefix: str = "") -> Number | None:
    """The number a ``QUANTITY`` match (groups named with ``prefix``) states, with its qualifier."""
    raw = m.group(prefix + "num")
    if raw[0].isdigit():
        value = float(raw.replace(",", ""))
    else:
        parsed = chinese_numeral(raw)
        if parsed is None:
            return None
        value = float(parsed)
    scale = m.group(prefix + "scale")
    value = _scaled(value, scale)
    pre = m.group(prefix + "pre")
    if m.group(prefix + "q1") or m.group(prefix + "q2") or pre == "超过":
        qualifier = "more_than"
    elif pre in ("近", "将近", "接近"):
        qualifier = "nearly"
    elif pre in ("约", "大约"):
        qualifier = "about"
    elif scale:
        qualifier = "rounded_wan"
    else:
        qualifier = None
    return Number(round(value, 6), qualifier, None)


def parse_quantity(text: str) -> Number | None:
    """A table cell or short string such as '26万多', '37551人次', '1,207'."""
    m = _CELL_QUANTITY.match(text.replace("（", "(").replace("）", ")"))
    return number_from_match(m) if m else None
