"""place, province, level, admin_tier and scope of a report, from its issuer and the evidence of
where it comes from (data dictionary section 9)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from xxgk.parsing import gazetteer as gz
from xxgk.parsing.evidence import dominant_province, site_division, text_county
from xxgk.parsing.facts import quality_issue
from xxgk.parsing.issuer import OFFICE_OF_GOVERNMENT


@dataclass
class _IssuerArea:
    """Where the issuer's name puts it: the divisions it names, resolved by the evidence."""

    mentions: list  # what the name prints (divisions, or Unresolved names)
    township: str | None  # the township the issuer is, printed after its county
    is_government: bool  # the name is an area and 人民政府
    chain: list[gz.Division] = field(default_factory=list)
    place_source: str = "issuer"
    unresolved: gz.Unresolved | None = None
    province: str | None = None


def place_fields(issuer: str | None, fold_text: str, doc_type: str, *, year: int | None = None,
                 evidence: list[gz.Evidence] | None = None, issues: list | None = None,
                 unnamed_organ: bool = False) -> dict:
    """place, province, province_code, level, admin_tier, scope for the issuer, and under
    ``sources`` which witness each came from (issuer | title | text | url | link_text | portal).

    A division name shared by several divisions is resolved only by evidence (the host, the
    portal, the title, other names in the text); left ambiguous, place stays empty and the
    candidates go into a quality issue. The province is never guessed."""
    evidence = list(evidence or [])
    issues = issues if issues is not None else []
    out = {"place": None, "place_code": None, "province": None, "province_code": None, "level": None,
           "admin_tier": None,
           "scope": None, "scope_evidence": None, "sources": {}}
    sources = out["sources"]
    if issuer is None:
        _infer_without_issuer(fold_text, out, doc_type, evidence, unnamed_organ)
        return out
    area = _issuer_area(issuer, fold_text, year, evidence, issues, sources)
    if not area.mentions and area.province is None and _CENTRAL_ORGAN.match(issuer) is not None:
        # a State Council body reports for no province (format variant: admin_tier 'central')
        out.update(level="department", admin_tier="central")
        sources["province"] = "issuer"
        out["scope"], sources["scope"], out["scope_evidence"] = ("organ", "level", None) if doc_type != "other" \
            else (None, None, None)
        return out
    out["province"] = area.province
    out["province_code"] = gz.province_code(area.province)
    out["level"] = _level_of(issuer, area, doc_type, out)
    chain = area.chain
    out["place"] = _place_string(chain, area.township) or out["place"]
    # the GB/T 2260 code of the deepest division: the government itself, or the area of a
    # department or township
    out["place_code"] = chain[-1].code if chain else None
    if out["place"]:
        sources["place"] = area.place_source
    if out["province"] and "province" not in sources:
        sources["province"] = area.place_source if chain or area.unresolved is None else "issuer"
    if doc_type == "other":
        out["scope"] = None
    else:
        out["scope"], sources["scope"], out["scope_evidence"] = scope_of(fold_text, out["level"], issuer)
        if out["scope"] == "aggregate" and sources["scope"] == "text" and out["level"] == "department" \
                and OFFICE_OF_GOVERNMENT.search(issuer) and out["admin_tier"] in _SCOPE_LEVELS:
            # a government's office compiling the area's report stands for the government
            out["level"], out["admin_tier"] = out["admin_tier"], None
    return out


def _issuer_area(issuer: str, fold_text: str, year: int | None, evidence: list[gz.Evidence], issues: list,
                 sources: dict) -> _IssuerArea:
    mentions, rest = gz.parse_chain(issuer, year=year)
    # a township (苏木: Inner Mongolia's), its government or that government's office
    m = re.match(r"^([一-鿿]{1,10}?(?:街道|镇|乡|苏木))(?:办事处|人民政府|政府)?"
                 r"(?:党政综合办公室|党政办公室|党政办|综合办公室|办公室)?$", rest)
    area = _IssuerArea(mentions, m.group(1) if m else None, rest in ("人民政府", "政府"))
    _resolve_mentions(area, evidence)
    if area.township and area.chain and area.chain[-1].level == "city":
        # "广元市昭化元坝镇": the county printed by its short name before the township's
        county = gz.short_county_prefix(area.township, area.chain[-1], year)
        if county is not None:
            area.chain.append(county)
            area.township = area.township[len(county.short):]
    area.province = area.chain[0].province if area.chain else None
    if area.unresolved is not None:
        _record_unresolved(area, issuer, issues)
    elif not mentions and (area.township or not area.is_government):
        _area_of_the_site(area, fold_text, year, evidence, sources)
    elif area.chain and not area.is_government and not area.township:
        _county_body_named_after_its_city(area, evidence, fold_text)
    return area


# a body working under a district's or county's leaders (在区委区政府的领导下, 区人大、区政协)
_UNDER_A_COUNTY = re.compile(r"(?:区|县|旗)委[、,，]?(?:区|县|旗)(?:人民)?政府|(?:区|县|旗)(?:人大|政协)")


def _county_body_named_after_its_city(area: _IssuerArea, evidence: list[gz.Evidence], fold_text: str) -> None:
    """A body on a county's site whose name opens with its city or municipality (重庆解放碑中央商务区
    管理委员会 on cqyz.gov.cn, 西安市西大街发展服务中心 on lianhu.gov.cn) is the county's: a city's
    or province's own bodies publish on their own portal. Without the site, a text that puts the body
    under a county's leaders makes it the one county the text names inside that city, or leaves
    the place empty: the city would be wrong."""
    site, site_source = site_division(evidence)
    deepest = area.chain[-1]
    if deepest.level not in ("province", "city"):
        return
    if site is not None:
        if site.level == "county" and site.within(deepest) and site != deepest:
            area.chain, area.place_source = [site], site_source
        return
    if not _UNDER_A_COUNTY.search(fold_text[:8000]):
        return
    text = next((w for w in evidence if w.source == "text"), None)
    counties = {d for d in (text.divisions if text else ()) if d.level == "county" and d.within(deepest)}
    area.chain, area.place_source = ([counties.pop()], "text") if len(counties) == 1 else ([], area.place_source)


def _resolve_mentions(area: _IssuerArea, evidence: list[gz.Evidence]) -> None:
    """Each division the name prints, resolved by the evidence, up to the first that stays ambiguous."""
    for mention in area.mentions:
        division, used = gz.resolve(mention, evidence)
        if division is None:
            area.unresolved = mention
            break
        area.chain.append(division)
        if used:
            area.place_source = used[-1]


def _record_unresolved(area: _IssuerArea, issuer: str, issues: list) -> None:
    unresolved = area.unresolved
    same_province = {d.province for d in unresolved.candidates}
    if not area.chain and len(same_province) == 1:
        area.province = same_province.pop()  # 鼓楼区 of 南京 or of 徐州: 江苏省 either way
    issues.append(quality_issue("place-ambiguous", "warning",
                                f"{unresolved.name} names {len(unresolved.candidates)} divisions and nothing "
                                "in the URL, portal, title or text picks one: place left empty",
                                {"name": unresolved.name, "issuer": issuer,
                                 "candidates": [f"{d.province}{d.prefecture}{d.name} ({d.code})"
                                                for d in unresolved.candidates]}))
    area.chain = []


def _area_of_the_site(area: _IssuerArea, fold_text: str, year: int | None, evidence: list[gz.Evidence],
                      sources: dict) -> None:
    """An issuer printed without its area ("冲口街道", "统计局"): the site's area, else the one the
    text is about."""
    site, site_source = site_division(evidence)
    if area.township and (site is None or site.level != "county"):
        # a township on its city's portal (or none): the county its text names, inside the site
        county = text_county(fold_text, evidence, year)
        if county is not None and (site is None or county.within(site)):
            site, site_source = county, "text"
    if site is not None and (not area.township or site.level == "county"):
        area.chain = [site]
        area.place_source = site_source
    area.province = area.chain[0].province if area.chain else None
    if area.province is None:
        area.province, province_source = dominant_province(evidence)
        if area.province:
            sources["province"] = province_source


def _level_of(issuer: str, area: _IssuerArea, doc_type: str, out: dict) -> str:
    """The issuer's level; a department's ``admin_tier`` and a place the gazetteer lacks go into ``out``."""
    deepest = area.chain[-1] if area.chain else None
    unresolved = area.unresolved
    generic = None if area.mentions or area.township else _GENERIC_PLACE.match(issuer)
    if generic and _ZONE.search(generic.group("place")):
        generic = None  # 高新区 / 开发区: a zone, not an administrative division
    deepest_level = deepest.level if deepest is not None else (unresolved.level if unresolved else None)
    deepest_name = deepest.name if deepest is not None else (unresolved.name if unresolved else None)
    if area.township:
        return "township"
    if generic and issuer[generic.end():] in ("人民政府", "政府"):
        # a division the gazetteer does not hold: its suffix still tells the level
        out["place"] = generic.group("place")
        return _level_by_suffix(generic.group("place"))
    if area.is_government and deepest_level is not None:
        return "province" if deepest_level == "province" or deepest_name in gz.MUNICIPALITIES else deepest_level
    if doc_type == "other" and deepest_level is not None and OFFICE_OF_GOVERNMENT.search(issuer):
        return deepest_level
    if deepest_level is not None:
        out["admin_tier"] = "province" if deepest_level == "province" or deepest_name in gz.MUNICIPALITIES \
            else deepest_level
    elif generic:
        out["admin_tier"] = _level_by_suffix(generic.group("place"))
        out["place"] = generic.group("place")
    return "department"


# a report compiled from the reports of the bodies under the issuer covers all of them
_AGGREGATE = (
    re.compile(r"(?:汇总|综合|汇编|整合)[^。；;\n]{0,40}?(?:各(?:县|区|市|乡|镇|街道|部门|单位|级|地)|[县区市]直各|"
               r"下属|所属|全(?:省|市|县|区)[^。]{0,6}(?:各|政府))"),
    re.compile(r"各(?:县|区|市|乡镇|街道|部门|单位)[^。；;\n]{0,50}?(?:年度报告|年报)[^。；;\n]{0,20}?(?:汇总|综合|编制|基础上)"),
    re.compile(r"(?:省|市|县|区|旗)政府(?:及其|和)(?:所属|各)?(?:工作)?部门"),
)
# figures stated for the whole area: "全市共受理…", "全省各级行政机关主动公开…"
_AREA_FIGURES = re.compile(r"(?:全(?:省|市|县|区|旗|州)(?:各级行政机关|各级政府|政府系统)?|各级行政机关)"
                           r"(?:共|累计|全年)?(?:新收|受理|收到|主动公开|公开|办理|发布)[^。;；\n]{0,30}?\d")
# a report that says it covers its issuer alone: "本报告仅反映市政府本级…", "数据为本机关…"
_ORGAN_ONLY = re.compile(r"(?:仅|只)(?:反映|包括|包含|统计|涵盖|含|为)[^。;；\n]{0,24}?"
                         r"(?:本级|本机关|本单位|本部门|自身|机关本身)"
                         r"|(?:本报告|报告中|所列|上述|以上)[^。;；\n]{0,20}?(?:数据|情况)[^。;；\n]{0,12}?(?:仅为|为|是|系)"
                         r"(?:本级|本机关|本单位|本部门)"
                         r"|不(?:含|包括|包含)[^。;；\n]{0,10}?(?:各|所属|下属|下级)[^。;；\n]{0,12}?(?:县|区|市|部门|单位|乡镇|街道)")
_SCOPE_LEVELS = {"province", "city", "county"}
_CENTRAL_ORGAN = re.compile(r"^(?:国务院[\u4e00-\u9fff]{0,16}|国家[\u4e00-\u9fff]{2,16}(?:局|委员会|委|署|院|办公室)|"
                            r"中国(?:人民银行|气象局|地震局)|海关总署|[\u4e00-\u9fff]{2,8}部)$")
_SELF_AS_ORGAN = re.compile(r"(?:我|本)(局|委|办|厅|署|中心|机关|单位|镇|乡|街道)(?![内外部门里长党])")


def scope_of(fold_text: str, level: str | None, issuer: str | None = None) -> tuple[str | None, str | None, str | None]:
    """(scope, its witness: text | level, the text that says so).

    ``aggregate`` when the report says it was compiled from the reports of the bodies under
    its issuer (本报告由市政府办公室综合各县区和市直各部门的年度报告编制), or when a government's
    office states the area's figures (全市共受理…); ``organ`` when it says it covers its issuer
    alone (本报告仅反映市政府本级情况), whatever the level. Without such a sentence the level stands
    in: a government's report covers its departments, a department's or township's only itself."""
    head = fold_text[:4000]
    for pattern in _AGGREGATE:
        m = pattern.search(head)
        if m:
            return "aggregate", "text", _sentence_of(head, m)
    m = _ORGAN_ONLY.search(head)
    if m:
        return "organ", "text", _sentence_of(head, m)
    if level not in _SCOPE_LEVELS and issuer and OFFICE_OF_GOVERNMENT.search(issuer):
        # a government's office that states the area's figures reports for the area
        m = _AREA_FIGURES.search(fold_text[:8000])
        if m:
            return "aggregate", "text", _sentence_of(fold_text, m)
    if level is None:
        return None, None, None
    return ("aggregate" if level in _SCOPE_LEVELS else "organ"), "level", None


def _sentence_of(text: str, m: re.Match) -> str:
    start = max(text.rfind("。", 0, m.start()) + 1, m.start() - 40)
    return text[start:m.end()].strip()


_GENERIC_PLACE = re.compile(r"^(?P<place>[\u4e00-\u9fff]{2,10}?(?:自治区|自治州|自治县|自治旗|省|市|州|地区|盟|县|区|旗))")
_ZONE = re.compile(r"(?:高新|开发|经济|示范|园|新|保税|试验)区$|^(?:市|区|县)$")


def _level_by_suffix(place: str) -> str:
    if place.endswith(("省", "自治区")):
        return "province"
    if place.endswith(("州", "地区", "盟", "市")):
        return "city"
    return "county"


def _place_string(chain: list[gz.Division], township: str | None) -> str | None:
    if not chain:
        return None
    deepest = chain[-1]
    if deepest.level == "province":
        return deepest.name
    parts = []
    if deepest.level == "county":
        if deepest.prefecture:
            parts.append(deepest.prefecture)
        elif deepest.province in gz.MUNICIPALITIES:
            parts.append(deepest.province)
    parts.append(deepest.name)
    if township:
        parts.append(township)
    return "".join(parts)


def _department_of_the_site(out: dict, evidence: list[gz.Evidence]) -> None:
    """A department that names itself only 我局 / 我委: its area is the one its site stands for
    (panyu.gov.cn → 广州市番禺区), and so its tier; its name stays unknown."""
    site, site_source = site_division(evidence)
    if site is None:
        return
    out["place"], out["place_code"] = _place_string([site], None), site.code
    out["province"], out["province_code"] = site.province, gz.province_code(site.province)
    out["admin_tier"] = "province" if site.level == "province" or site.name in gz.MUNICIPALITIES else site.level
    out["sources"].update(place=site_source, province=site_source)


def _infer_without_issuer(fold_text: str, out: dict, doc_type: str, evidence: list[gz.Evidence],
                          unnamed_organ: bool = False) -> None:
    if doc_type == "news":
        return
    province, source = dominant_province(evidence)
    if province:
        out["province"], out["province_code"] = province, gz.province_code(province)
        out["sources"]["province"] = source
    organ = _SELF_AS_ORGAN.search(fold_text[:6000])
    if unnamed_organ and not organ:
        # the body calls itself by its kind only (服务中心…): a department of the site's area
        out["level"], out["scope"], out["sources"]["scope"] = "department", "organ", "text"
        _department_of_the_site(out, evidence)
    elif organ:
        # "我局…", "本镇…": one body reports on itself, whoever it is
        out["level"] = "township" if organ.group(1) in ("镇", "乡", "街道") else "department"
        out["scope"], out["sources"]["scope"] = "organ", "text"
        out["scope_evidence"] = organ.group(0)
        if out["level"] == "department":
            _department_of_the_site(out, evidence)
    elif re.search(r"市政府及其部门|全市|我市", fold_text):
        out["level"], out["scope"] = "city", "aggregate"
    elif re.search(r"全县|我县", fold_text):
        out["level"], out["scope"] = "county", "aggregate"
    elif re.search(r"全省|我省", fold_text):
        out["level"], out["scope"] = "province", "aggregate"
