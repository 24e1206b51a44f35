"""Administrative divisions (``labels/gazetteer.csv``): the 31 provincial units with their
GB/T 2260 codes, every prefecture-level unit, and the county-level units written down so far."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from xxgk.parsing.labels import LABELS_DIR

MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
_COUNTY_SUFFIX = re.compile(r"(自治县|自治旗|新区|矿区|特区|林区|区|县|市|旗)$")
_CITY_SUFFIX = re.compile(r"(自治州|地区|盟|市)$")


@dataclass(frozen=True)
class Division:
    name: str
    level: str  # province | city | county
    province: str
    prefecture: str  # '' for provinces, cities, and counties directly under a province or municipality


@dataclass
class Gazetteer:
    divisions: list[Division]
    province_codes: dict[str, str]
    province_by_short: dict[str, str]
    by_name: dict[str, list[Division]]
    short_names: dict[str, list[Division]]
    full_names: frozenset[str]
    max_length: int
    short_pattern: re.Pattern


def _short(name: str, level: str) -> str | None:
    if level == "city":
        short = _CITY_SUFFIX.sub("", name)
    elif level == "county":
        short = _COUNTY_SUFFIX.sub("", name)
    else:
        return None
    return short if len(short) >= 2 and short != name else None


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    divisions, codes, shorts = [], {}, {}
    with open(LABELS_DIR / "gazetteer.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            division = Division(row["name"], row["level"], row["province"], row["prefecture"])
            divisions.append(division)
            if row["level"] == "province":
                codes[row["name"]] = row["province_code"]
                shorts[row["province_short"]] = row["name"]
    by_name: dict[str, list[Division]] = {}
    short_names: dict[str, list[Division]] = {}
    for division in divisions:
        by_name.setdefault(division.name, []).append(division)
        short = _short(division.name, division.level)
        if short:
            short_names.setdefault(short, []).append(division)
    # a regex alternation of ~1500 names is slow in Python's engine; names are found by set lookups
    # ending at suffix characters instead
    full_names = frozenset(d.name for d in divisions)
    short_pattern = re.compile("|".join(re.escape(n) for n in sorted(shorts, key=len, reverse=True)))
    return Gazetteer(divisions, codes, shorts, by_name, short_names, full_names,
                     max(len(n) for n in full_names), short_pattern)


def province_code(province: str | None) -> str | None:
    return gazetteer().province_codes.get(province) if province else None


def lookup(name: str, *, province: str | None = None, prefecture: str | None = None) -> Division | None:
    """The division of that exact name, disambiguated by the province or prefecture when given."""
    g = gazetteer()
    if name in g.province_by_short:
        name = g.province_by_short[name]
    options = g.by_name.get(name, [])
    if prefecture:
        narrowed = [d for d in options if d.prefecture == prefecture or d.name == prefecture]
        options = narrowed or options
    if province:
        narrowed = [d for d in options if d.province == province]
        options = narrowed or options
    return options[0] if options else None


def parse_chain(name: str) -> tuple[list[Division], str]:
    """Leading administrative divisions of an organ name, and the rest ('江西省农业农村厅' →
    [江西省], '农业农村厅')."""
    chain: list[Division] = []
    position = 0
    while position < len(name):
        found = _name_at(name, position)
        if not found:
            break
        province = chain[0].province if chain else None
        prefecture = next((d.name for d in reversed(chain) if d.level == "city"), None)
        division = lookup(found, province=province, prefecture=prefecture)
        if division is None:
            break
        if chain and division.level == "province" and chain[-1].level != "province":
            break
        # a short province name inside an organ name ("吉林省" vs city 吉林市) must be the whole word
        chain.append(division)
        position += len(found)
    return chain, name[position:]


def _name_at(text: str, position: int) -> str | None:
    """The longest division name (or province short name) starting at ``position``."""
    g = gazetteer()
    for length in range(min(g.max_length, len(text) - position), 1, -1):
        candidate = text[position:position + length]
        if candidate in g.full_names:
            return candidate
    m = g.short_pattern.match(text, position)
    return m.group(0) if m else None


_SUFFIX = re.compile(r"[省市县区州盟旗]")


@lru_cache(maxsize=16)
def find_places(text: str) -> tuple[Division, ...]:
    """Divisions named in free text, full names first, in order of appearance."""
    g = gazetteer()
    hits: list[tuple[int, int, str]] = []
    for m in _SUFFIX.finditer(text):
        end = m.end()
        for length in range(min(g.max_length, end), 1, -1):
            candidate = text[end - length:end]
            if candidate in g.full_names:
                # two-character district names (城区, 郊区, 矿区) are ordinary words in running text
                if length > 2 or not candidate.endswith("区"):
                    hits.append((end - length, end, candidate))
                break
    covered = [(a, b) for a, b, _ in hits]
    for m in g.short_pattern.finditer(text):
        if not any(a <= m.start() < b for a, b in covered):
            hits.append((m.start(), m.end(), m.group(0)))
    found = []
    for _start, _end, name in sorted(hits):
        division = lookup(name)
        if division is not None:
            found.append(division)
    return tuple(found)


def find_short_county(text: str, *, province: str | None = None, prefecture: str | None = None) -> Division | None:
    """A county named by its short form ('荔湾政府网', '中国永嘉'), preferring the given area."""
    g = gazetteer()
    counts: dict[Division, int] = {}
    for short, options in g.short_names.items():
        if short not in text:
            continue
        for division in options:
            if division.level != "county":
                continue
            if prefecture and division.prefecture not in ("", prefecture):
                continue
            if province and division.province != province:
                continue
            counts[division] = counts.get(division, 0) + text.count(short)
    if not counts:
        return None
    return max(counts, key=lambda d: (counts[d], len(d.name)))
