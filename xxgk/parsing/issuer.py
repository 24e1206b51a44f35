"""The issuer: the organ that reports, read from the title and the anchor sentences of the text,
written with its area as fully as the text or the site prints it."""

from __future__ import annotations

import re

from xxgk.parsing import gazetteer as gz
from xxgk.parsing.evidence import site_division, text_county
from xxgk.parsing.normalize import fold
from xxgk.parsing.years import YEAR

_CJK_NAME = r"[\u4e00-\u9fff()（）]"
ORGAN_SUFFIXES = ("人民政府办公厅", "人民政府办公室", "人民政府", "街道办事处", "办事处", "管理局", "服务局", "委员会",
                  "办公厅", "办公室", "局", "厅", "委", "办", "中心", "院", "署", "会", "街道", "镇", "乡", "苏木", "政府",
                  "部")
OFFICE_OF_GOVERNMENT = re.compile(r"(?:人民)?政府(?:政府)?(?:办公厅|办公室)$")
_DISCLOSURE_OFFICE = re.compile(r"(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:领导小组)?办公室$")
_TOWNSHIP_OFFICE = re.compile(r"^(?P<township>[\u4e00-\u9fff]{2,30}?(?:镇|乡|苏木|街道))(?:人民政府|政府|办事处)?"
                              r"(?:党政综合办公室|党政办公室|党政办|综合办公室|综合办|办公室)$")
_SHORT_ALIAS = re.compile(r"(?P<full>" + _CJK_NAME + r"{4,40}?)\s*[(（]\s*以下简称\s*[“\"]?(?P<short>[\u4e00-\u9fff]{2,12})[”\"]?\s*[)）]")
_AREA_ALL_WORDS = (r"各级各部门|各级政府|各级行政机关|政府各部门|各级、各部门|各区人民政府|各县(?:\(市、区\))?人民政府|"
                   r"各区县政府|各县区政府")
_AREA_ALL_WORD = re.compile(_AREA_ALL_WORDS)
_ANCHORS = (
    ("published", re.compile(r"(?:现|特)(?:向社会)?(?:公布|发布|公开|将|予以公布)[《<]?(?:(?P<name>[^\s《》<>,。;:()（）\d]"
                             r"[^\s《》<>,。;:\d]{1,39}?)\s*"
                             + YEAR + r"\s*年?度?|" + YEAR + r"\s*年?度?\s*(?P<name2>[\u4e00-\u9fff]{2,30}?)"
                             r"(?:政府信息公开|信息公开|政务公开))")),
    # "由X根据《条例》…编制": the 根据 clause can cite several documents; a cut text may end at 编
    # "由北京市统计局、国家统计局北京调查总队编制": bodies that report jointly; the first listed leads
    ("compiled", re.compile(r"由(?P<name>" + _CJK_NAME + r"{2,40}?)(?:、[\u4e00-\u9fff\s]{2,30}?)?"
                            r"(?:\s*[(（]以下简称[^)）]*[)）])?"
                            r"(?:结合[^编。]{0,16}|综合[^。]{0,80}?|根据[^。]{0,160}?)?编")),
    ("area_all", re.compile(r"(?P<name>(?<=[^\u4e00-\u9fff])[\u4e00-\u9fff]{2,12}?|^[\u4e00-\u9fff]{2,12}?)"
                            r"(?=" + _AREA_ALL_WORDS + ")")),
    ("subject", re.compile(YEAR + r"\s*年度?\s*[,，]\s*(?P<name>[\u4e00-\u9fff]{3,30}?)(?:认真|坚持|在|以|高度|深入|严格|围绕|紧紧|按照|全面|积极|"
                           r"继续|持续|不断|始终|进一步|着力|聚焦|大力|扎实|切实|紧扣|立足|贯彻)")),
    # "在区政府…的引领下，小营街道办事处严格依照…"
    ("led", re.compile(r"(?:领导下|引领下|指导下|部署下|关心下)\s*[,，]\s*(?P<name>[\u4e00-\u9fff]{3,30}?)"
                       r"(?:认真|坚持|严格|深入|积极|持续|始终|高度|紧紧|全面|围绕|按照)")),
    # "一、总体情况\n2024年，银川市民委(宗教局)深入学习…": the subject of the overview's first sentence
    ("overview", re.compile(r"(?:总体情况|概\s*述)\s*\n\s*(?:(?:19|20)\d{2}\s*年度?\s*[,，]\s*)?(?P<name>" + _CJK_NAME
                            + r"{3,30}?)(?:深入|认真|坚持|严格|积极|持续|始终|高度|紧紧|全面|围绕|按照|不断|扎实)")),
    # "…编制2021年度沙塘镇人民政府信息公开年度报告"
    ("compiled_title", re.compile(r"编制(?:了)?[《<]?" + YEAR + r"\s*年?度?\s*(?P<name>[\u4e00-\u9fff]{2,30}?"
                                  r"(?:人民政府|政府|局|委|办|中心|镇|乡|街道办事处|街道))(?:政府)?信息公开")),
    ("contact", re.compile(r"请与(?P<name>" + _CJK_NAME + r"{2,40}?)(?:\s*[(（][^)）]{0,20}[)）])?联系")),
)
_SELF_REFERENCE = re.compile(r"我(省|区|市|县|旗|局|厅|委|办|镇|乡|街道|中心|署)")
# "全区政府信息公开工作": the area's disclosure work as a whole, which only its government reports
# ("全县公安机关" is a department speaking of its own branches)
_SPEAKS_AS_DEPARTMENT = re.compile(r"(?:我|本)(?:局|委|办|厅|署|中心)(?![内外部门里长党])")
_AREA_WIDE = re.compile(r"全(省|区|市|县|旗)(?:各级)?(?:政府信息公开|政务公开)")


def _clean_name(name: str) -> str | None:
    name = name.strip(" 《》<>“”\"'")
    name = re.sub(r"^(?:本报告|本年度报告|本年报|本年度|根据|经(?![合信开济管发贸])|由|在|对|各|关于|现(?:公布|发布|将|向社会公布)|编制)", "", name)
    name = re.sub(r"\s*[(（]\s*以下简称.*$", "", name)  # "X办公室(以下简称“区政府办公室”)"
    name = re.sub(r"(?:关于|的|发布|公布|印发)$", "", name)  # "兰州新区经济合作局关于2023年…报告", "贵州省发布2016年…"
    # "伊宁县政府信息公开工作2023年度报告": the subject is the county, not its disclosure work
    name = re.sub(r"(?:政府信息公开|信息公开|政务公开)(?:工作)?$", "", name)
    if re.fullmatch(r"(?:人民)?政府|本?机关|本单位|本部门", name):
        return None  # "现将2020年政府信息公开工作报告…": no body named
    if not name or len(name) < 2 or name.startswith("我") or re.search(r"[A-Za-z0-9_.@]", name):
        return None
    return name


def _is_organ(name: str) -> bool:
    return name.endswith(ORGAN_SUFFIXES)


def _title_name(title: str | None) -> str | None:
    if not title:
        return None
    t = fold(title)
    m = re.match(r"^\s*(?P<name>[^\d\s]{2,40}?)\s*" + YEAR, t)
    if not m:
        m = re.match(r"^\s*(?:19|20)\d{2}\s*年?\s*度?\s*(?P<name>[\u4e00-\u9fff]{2,40}?)(?:政府信息公开|信息公开)", t)
    if not m:
        m = re.match(r"^\s*(?P<name>[\u4e00-\u9fff]{2,40}?)(?:政府信息公开|信息公开)", t)
    if not m:
        return None
    name = _clean_name(m.group("name"))
    if name and len(re.sub(r"(?:人民)?政府$", "", name)) < 2:
        return None  # "2016年政府信息公开…展示平台": no body named
    return name


_PORTAL_NAME = re.compile(r"\s*(?:门户网站|门户网|网站|门户|政府网|网)")


def _longest_variant(name: str, fold_text: str, year: int | None = None) -> str:
    """The fullest printed form ending with ``name`` whose extra prefix is a chain of divisions."""
    best = name
    # str.find, not a pattern per name: every body's name is new, and compiling a CJK class
    # each time cost a millisecond a report
    at = fold_text.find(name)
    while at != -1:
        end, begin = at + len(name), at
        while begin > 0 and at - begin < 12 and "\u4e00" <= fold_text[begin - 1] <= "\u9fff":
            begin -= 1
        prefix = fold_text[begin:at]
        at = fold_text.find(name, end)
        if len(prefix) < 2 or _PORTAL_NAME.match(fold_text, end):
            continue  # "…_镇江市句容市人民政府门户网站": the portal's name, not the issuer's
        for start in range(len(prefix)):
            candidate_prefix = prefix[start:]
            chain, rest = gz.parse_chain(candidate_prefix, year=year)
            if chain and not rest and len(candidate_prefix + name) > len(best):
                best = candidate_prefix + name
                break
    return best


def _expand_alias(name: str, fold_text: str) -> str:
    position = fold_text.find("以下简称", 0, 6000)
    while position >= 0:
        window = fold_text[max(0, position - 46):position + 20]
        for m in _SHORT_ALIAS.finditer(window):
            if m.group("short") == name or name.startswith(m.group("short")):
                full = _clean_name(m.group("full"))
                if full:
                    return full
        position = fold_text.find("以下简称", position + 4, 6000)
    return name


def issuer_candidates(fold_text: str, title: str | None) -> list[tuple[str, str]]:
    """(anchor kind, name) of each body the title and the text's first anchor sentences name."""
    out = []
    name = _title_name(title)
    if name:
        out.append(("title", name))
    head = fold_text[:4000]
    for kind, pattern in _ANCHORS:
        for m in (_area_all_matches(pattern, head) if kind == "area_all" else pattern.finditer(head)):
            cleaned = _clean_name(m.group("name") or m.groupdict().get("name2") or "")
            if cleaned:
                out.append((kind, cleaned))
                break
    return out


def _area_all_matches(pattern: re.Pattern, head: str):
    """``pattern.finditer(head)`` for the area_all anchor, tried only at the start of each run of
    characters that ends in one of its words: scanning every position cost a quarter of a
    millisecond a report. A match starts where a run of Chinese characters starts, at most 12
    before the word it ends at, so the words found by ``str.find`` name every start worth trying."""
    starts = set()
    at = head.find("各")
    while at != -1:
        for word_at in (at, at - 2):
            if word_at >= 0 and _AREA_ALL_WORD.match(head, word_at):
                begin = word_at
                while begin > 0 and word_at - begin <= 12 and "\u4e00" <= head[begin - 1] <= "\u9fff":
                    begin -= 1
                if word_at - begin <= 12:
                    starts.add(begin)
        at = head.find("各", at + 1)
    for begin in sorted(starts):
        m = pattern.match(head, begin)
        if m:
            yield m


# "承担盐津县公安局政府信息公开工作", "《衡阳市农业委员会政务信息公开制度》": the body whose
# disclosure work (or rules, or leading group) it is, printed with its area
# "《平阳县公安局信息公开指南》", "《国家统计局政府信息公开目录》": a body's own guide and catalogue
_OWNER = re.compile(r"(?:委员会|局|委|厅|署|中心|院)(?:的)?(?:政府信息公开|政务信息公开|政务公开|信息公开)"
                    r"(?:工作|制度|领导小组|指南|目录)")
_ORGAN_KIND = re.compile(r"委员会|局|委|厅|署|中心|院")
# a State Council body, named without an area: the owner only of a text that names no division at all
_CENTRAL_BODY = re.compile(r"^(?:国务院|国家|中国)[\u4e00-\u9fff]{2,16}$|^海关总署$")


def _owner_of_the_work(fold_text: str) -> str | None:
    """The organ, printed with its area, that a sentence names as the owner of the disclosure work."""
    names_a_division = None  # whether the text names any division: looked up once, and only for a central body
    for m in _OWNER.finditer(fold_text):
        end = _ORGAN_KIND.match(fold_text, m.start()).end()
        begin = end
        while begin > 0 and end - begin < 24 and "\u4e00" <= fold_text[begin - 1] <= "\u9fff":
            begin -= 1
        run = fold_text[begin:end]
        for start in range(len(run) - 2):
            chain, rest = gz.parse_chain(run[start:])
            if chain and all(isinstance(d, gz.Division) for d in chain) and len(rest) >= 2 and _is_organ(rest):
                return run[start:]
            if _CENTRAL_BODY.match(run[start:]):
                if names_a_division is None:
                    names_a_division = bool(gz.find_places(fold_text))
                if not names_a_division:
                    return run[start:]  # "国家统计局…": a provincial bureau's report names its province
    return None


# "领导小组，组长由机关事务服务中心主任担任": the head of the body's own disclosure group
_GROUP_HEAD = re.compile(r"组长由(?<!副组长由)(?P<organ>[\u4e00-\u9fff]{2,24}?(?:委员会|局|委|中心))"
                         r"(?:主任|局长|主要负责同志|主要负责人|党组书记|书记)(?:担任|任组长)")


def _organ_of_the_group_head(fold_text: str) -> str | None:
    """The organ, printed without its area, whose head leads the disclosure group of a report that
    calls itself by the same kind of body (我中心 … 中心主任): one such organ, else none."""
    organs = {m.group("organ") for m in _GROUP_HEAD.finditer(fold_text)}
    organs = {o for o in organs if o not in _GENERIC_ORGANS and not gz.parse_chain(o)[0]
              and "我" + re.search(r"(?:委员会|局|委|中心)$", o).group(0) in fold_text}
    return organs.pop() if len(organs) == 1 else None


def _as_government(name: str, fold_text: str = "", year: int | None = None) -> str:
    chain, rest = gz.parse_chain(name, year=year)
    if chain and not rest:
        # a province printed by its short name (辽宁2015年…) is named in full: 辽宁省人民政府
        if len(chain) == 1 and isinstance(chain[0], gz.Division) and chain[0].level == "province":
            return chain[0].name + "人民政府"
        return name + "人民政府"
    if name.endswith(("镇", "乡")) and name + "人民政府" in fold_text:
        return name + "人民政府"
    return name


def _official_form(name: str, fold_text: str) -> str:
    """'义安区政府办' in full where the text prints it so ('义安区人民政府办公室')."""
    m = re.match(r"^(?P<area>.{2,20}?)(?:人民)?政府办$", name)
    if m and m.group("area") + "人民政府办公室" in fold_text:
        return m.group("area") + "人民政府办公室"
    return name


def _trailing_place(run: str, year: int | None = None) -> str | None:
    """The administrative division that ends a run of characters ('年度青岛市' → '青岛市')."""
    for start in range(len(run)):
        chain, rest = gz.parse_chain(run[start:], year=year)
        if chain and not rest:
            return run[start:]
    return None


def prefixed_organ(place: str, organ: str) -> str | None:
    """``organ`` printed without its area, under ``place``: '区统计局' under 渭滨区 → 渭滨区统计局.

    The organ's own one-character level word (区, 县, 市) must agree with the place, and is
    not repeated (平武县 + 县统计局 is 平武县统计局, never 平武县县统计局)."""
    generic = re.match(r"^(区|县|市|旗|州|省)(.+)$", organ)
    if generic:
        if not place.endswith(generic.group(1)):
            return None
        organ = generic.group(2)
    return place + organ


def _with_place_prefix(name: str, fold_text: str, year: int | None = None, site: gz.Division | None = None) -> str:
    """'统计局' printed without its area: prefix the most specific division the text names inside
    the site's (a county bureau on its city's portal), else the site's own: a body on a city's
    site that mentions another city (在苏州市…指导下) is not that city's."""
    chain, _rest = gz.parse_chain(name, year=year)
    if chain or not name.endswith(("局", "厅", "委", "办", "中心")):
        return name
    places = [d for d in gz.find_places(fold_text[:8000], year) if site is None or d.within(site)]
    for level in ("county", "city"):
        for division in places:
            if division.level == level:
                return prefixed_organ(division.name, name) or name
    if site is not None and site.level != "province":
        return prefixed_organ(site.name, name) or name
    return name


def resolve_issuer(fold_text: str, title: str | None, doc_type: str,
                   year: int | None = None, site: gz.Division | None = None) -> tuple[str | None, str | None]:
    """(issuer, how): the organ that reports, as fully as the text prints it; an organ printed
    without its area takes it from the text inside the ``site``'s division, else from the site."""
    candidates = issuer_candidates(fold_text, title)
    if doc_type == "news":
        # a news article names many bodies; only "X市政府各部门…" identifies whose work it reports
        candidates = [c for c in candidates if c[0] == "area_all"]
    generic = False
    for kind, name in candidates:
        township_office = _TOWNSHIP_OFFICE.match(name) if kind == "contact" else None
        if township_office:
            # "请与剑阁县杨村镇人民政府党政办联系": a township's office answers for the township
            township = township_office.group("township")
            return township + ("办事处" if township.endswith("街道") else "人民政府"), kind
        if kind == "contact" and not _DISCLOSURE_OFFICE.search(name):
            continue
        if name in _GENERIC_ORGANS:
            generic = True
            continue
        name = _organ_named(kind, _expand_alias(name, fold_text), year)
        if name is None:
            continue
        if kind == "compiled" and doc_type != "other":
            name = _compiled_for(name, year)
        if kind in ("title", "published") and doc_type == "other":
            return name, kind
        name = _with_place_prefix(_as_government(name, fold_text, year), fold_text, year, site)
        return _longest_variant(_official_form(name, fold_text), fold_text, year), kind
    owner = None if doc_type == "news" else _owner_of_the_work(fold_text[:8000])
    if owner:  # last: the body whose disclosure work, rules or leading group the text names
        return _longest_variant(owner, fold_text, year), "owner"
    head = None if doc_type == "news" or site is None else _organ_of_the_group_head(fold_text[:8000])
    if head:  # "领导小组组长由机关事务服务中心主任担任" in a report that speaks as 我中心
        return _with_place_prefix(head, fold_text, year, site), "group_head"
    # a body that calls itself only by its kind ("服务中心…"): no name, and not the government either
    return None, (GENERIC_ORGAN if generic else None)


GENERIC_ORGAN = "generic-organ"


# the kind of body alone, with nothing to say which: "服务中心在区委区政府的领导下…" names no body
_GENERIC_ORGANS = frozenset({"中心", "服务中心", "办公室", "委员会", "管委会", "管理委员会", "管理局", "服务局",
                             "指挥部", "工作站", "事务中心"})


def _organ_named(kind: str, name: str, year: int | None) -> str | None:
    """The organ an anchor sentence of ``kind`` names, or None when what it names is no organ."""
    chain, rest = gz.parse_chain(name, year=year)
    if kind in ("area_all", "subject") and (kind == "area_all" or re.search(r"各级|各部门|各区", rest)):
        place = _trailing_place(re.sub(r"(?:人民)?政府$|各级.*$|各部门.*$", "", name), year)
        return None if place is None else place + "人民政府"
    if kind == "contact":
        name = _DISCLOSURE_OFFICE.sub("", name)
        name = re.sub(r"(?:人民)?政府$", "", name)
        chain, rest = gz.parse_chain(name, year=year)
        return name + "人民政府" if chain and not rest else None
    if not chain and not _is_organ(name):
        return None
    return name


def _compiled_for(name: str, year: int | None) -> str:
    """The body a report compiled by ``name`` is for: a government's office compiles the government's."""
    if OFFICE_OF_GOVERNMENT.search(name):
        return re.sub(r"(?:人民)?政府(?:政府)?(?:办公厅|办公室)$", "人民政府", name)
    township_office = _TOWNSHIP_OFFICE.match(name)
    if township_office:  # "由东港镇人民政府党政办公室编制": the township's report
        township = township_office.group("township")
        return township + ("办事处" if township.endswith("街道") else "人民政府")
    # "由X局办公室编制", "由X局指挥中心办公室编制": a unit inside the bureau compiles the bureau's report
    bureau = re.match(r"^(?P<organ>.{2,30}?(?:委员会|局|厅|署|委(?!员)))[\u4e00-\u9fff]{0,12}?(?:办公室|办公厅|综合科|办)$",
                      name) or re.match(r"^(?P<organ>.{2,30}?中心)(?:办公室|综合科|办)$", name)
    if bureau and not _DISCLOSURE_OFFICE.search(name):
        return bureau.group("organ")
    if _DISCLOSURE_OFFICE.search(name):
        # the government's disclosure office compiles the government's report
        area = re.sub(r"(?:人民政府|人民|政府)$", "", _DISCLOSURE_OFFICE.sub("", name))
        area_chain, area_rest = gz.parse_chain(area, year=year)
        if area_chain and not area_rest:
            return area + "人民政府"
    return name


def expand_short_county(issuer: str, year: int | None = None) -> str:
    """'广元市昭化元坝镇人民政府' → '广元市昭化区元坝镇人民政府': a county printed by its short name
    after its city is written out."""
    chain, rest = gz.parse_chain(issuer, year=year)
    if not chain or not isinstance(chain[-1], gz.Division) or chain[-1].level != "city" or not rest:
        return issuer
    county = gz.short_county_prefix(rest, chain[-1], year)
    if county is None or rest.startswith(county.name):
        return issuer
    after = rest[len(county.short):]
    if not re.match(r"[\u4e00-\u9fff]{1,10}?(?:镇|乡|街道)", after):
        return issuer  # only a township reads this way; "昭化" + 局 is not safe to expand
    return issuer[:len(issuer) - len(rest)] + county.name + after


def needs_site_place(issuer: str, year: int | None = None) -> bool:
    """An organ printed without its area ('统计局', '区统计局') or a bare township ('唐村镇')."""
    chain, _rest = gz.parse_chain(issuer, year=year)
    if gz.starts_with_short_name(issuer):
        return False  # 黔东南州人民政府新闻办公室: its area is printed, in short
    return not chain and (issuer.endswith(("局", "厅", "委", "委员会", "署", "办", "中心", "办公室", "镇", "乡", "苏木", "街道",
                                           "镇人民政府", "乡人民政府", "苏木人民政府", "街道办事处"))
                          or re.fullmatch(r"(?:市|县|区|旗)人民政府", issuer) is not None)


def with_site_place(issuer: str, site: gz.Division) -> str:
    """The issuer under the area of the site that published it (the portal, the host)."""
    if re.search(r"(?:镇|乡|苏木|街道|街道办事处|镇人民政府|乡人民政府|苏木人民政府)$", issuer):
        return issuer  # a township keeps its own name; its county goes into place
    return prefixed_organ(site.name, issuer) or issuer


_PUBLISHER = re.compile(r"(?:发布机构|发文机关|来源|信息来源)\s*[:：|]\s*\|?\s*([\u4e00-\u9fff]{4,30})")


def publisher_field(fold_text: str, meta: dict) -> str | None:
    """The catalogue's 发布机构 / 发文机关 when it names an organ with its area."""
    values = [meta.get(key) for key in ("发布机构", "发文机关", "contentsource")]
    values += [m.group(1) for m in _PUBLISHER.finditer(fold_text[:3000])]
    for value in values:
        if not value:
            continue
        name = _clean_name(fold(value).split()[0]) if value.split() else None
        if name and _is_organ(name) and gz.parse_chain(name)[0] and not name.endswith("网站"):
            return name
    return None


def infer_from_self_reference(fold_text: str, evidence: list[gz.Evidence] | None = None,
                               year: int | None = None) -> str | None:
    """Issuer for reports that only say 我县 / 我市 (spam mirrors replace the name), or with no
    我 at all only 全区 / 全县: the one division of that level the site or the text stands for."""
    head = fold_text[:6000]
    m = _SELF_REFERENCE.search(head)
    area_wide = None if m else _AREA_WIDE.search(head)
    m = m or area_wide
    if not m or m.group(1) not in ("县", "旗", "市", "省", "区"):
        return None
    if _SPEAKS_AS_DEPARTMENT.search(head):
        return None  # "推进…是我市的重要工作…我局…": the city a department serves, not its government
    evidence = evidence or []
    site, _source = site_division(evidence)
    if area_wide:
        # 全省 in a county's report is the province's work: only a site of that level is sure
        return site.name + "人民政府" if site is not None and site.name.endswith(m.group(1)) else None
    if m.group(1) == "区":
        # 区 is a district or an autonomous region, and a zone says 我区 too: only the site can tell
        if site is not None and (site.level == "county" and site.name.endswith("区")
                                 or site.level == "province" and site.name.endswith("自治区")):
            return site.name + "人民政府"
        return None
    wanted = {"县": "county", "旗": "county", "市": "city", "省": "province"}[m.group(1)]
    if site is not None and site.level == wanted:
        return site.name + "人民政府"
    text = next((w for w in evidence if w.source == "text"), None)
    of_level = list(dict.fromkeys(d for d in (text.divisions if text else ()) if d.level == wanted))
    if len(of_level) == 1:
        return of_level[0].name + "人民政府"
    if wanted == "county" and not of_level:
        county = text_county(fold_text, evidence, year)
        if county is not None:
            return county.name + "人民政府"
    return None
