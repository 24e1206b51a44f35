"""Document metadata: title, doc_type, report_year, era, issuer, place, province, level,
admin_tier, scope, publication date and the suspect-mirror flag (data dictionary sections 2 and 9)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from urllib.parse import unquote, urlsplit

from xxgk.parsing import gazetteer as gz
from xxgk.parsing.facts import quality_issue
from xxgk.parsing.normalize import fold, to_simplified

_CJK_NAME = r"[\u4e00-\u9fff()（）]"
_YEAR = r"(?<![\d〔\[])((?:19|20)\d{2})(?!\d)"
_REPORT_WORDS = re.compile(r"年度报告|工作报告|年报|工作情况的?报告|报告制度|年度工作报告")
_TITLE_YEAR = re.compile(_YEAR + r"(?=\s*[年度\u4e00-\u9fff])\s*年?\s*度?\s*(?:年报|[^\n。〕《)]{0,24}?(?:政府信息公开|信息公开|政务公开)[^\n。]{0,12}?"
                         r"(?:年度报告|工作报告|年报|报告))")
_PERIOD = re.compile(r"统计(?:期限|时限|时间|期间)[^。\n]{0,12}?" + _YEAR)
_YEAR_REPORT = re.compile(_YEAR + r"\s*年\s*年报")
_ANY_YEAR = re.compile(_YEAR + r"\s*年")
_TITLE_PREFIX = re.compile(r"^.*(?:标\s*题|名\s*称|关键字)\s*[:：]?\s*")
_NOT_A_TITLE = re.compile(r"索\s*引\s*号|分\s*类|当前位置|首页|>>|/")

_ORGAN_SUFFIXES = ("人民政府办公厅", "人民政府办公室", "人民政府", "街道办事处", "办事处", "管理局", "服务局", "委员会",
                   "办公厅", "办公室", "局", "厅", "委", "办", "中心", "院", "署", "会", "街道", "镇", "乡", "政府",
                   "部")
_OFFICE_OF_GOVERNMENT = re.compile(r"(?:人民)?政府(?:政府)?(?:办公厅|办公室)$")
_DISCLOSURE_OFFICE = re.compile(r"(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:领导小组)?办公室$")
_TOWNSHIP_OFFICE = re.compile(r"^(?P<township>[\u4e00-\u9fff]{2,30}?(?:镇|乡|街道))(?:人民政府|政府|办事处)?"
                              r"(?:党政综合办公室|党政办公室|党政办|综合办公室|综合办|办公室)$")
_SHORT_ALIAS = re.compile(r"(?P<full>" + _CJK_NAME + r"{4,40}?)\s*[(（]\s*以下简称\s*[“\"]?(?P<short>[\u4e00-\u9fff]{2,12})[”\"]?\s*[)）]")

_ANCHORS = (
    ("published", re.compile(r"(?:现|特)(?:向社会)?(?:公布|发布|公开|将|予以公布)[《<]?(?:(?P<name>[^\s《》<>,。;:()（）\d]{2,40}?)\s*"
                             + _YEAR + r"\s*年?度?|" + _YEAR + r"\s*年?度?\s*(?P<name2>[\u4e00-\u9fff]{2,30}?)"
                             r"(?:政府信息公开|信息公开|政务公开))")),
    # "由X根据《条例》…编制": the 根据 clause can cite several documents; a cut text may end at 编
    # "由北京市统计局、国家统计局北京调查总队编制": bodies that report jointly; the first listed leads
    ("compiled", re.compile(r"由(?P<name>" + _CJK_NAME + r"{2,40}?)(?:、[\u4e00-\u9fff\s]{2,30}?)?"
                            r"(?:\s*[(（]以下简称[^)）]*[)）])?"
                            r"(?:结合[^编。]{0,16}|综合[^。]{0,80}?|根据[^。]{0,160}?)?编")),
    ("area_all", re.compile(r"(?P<name>(?<=[^\u4e00-\u9fff])[\u4e00-\u9fff]{2,12}?|^[\u4e00-\u9fff]{2,12}?)"
                            r"(?=各级各部门|各级政府|各级行政机关|政府各部门|各级、各部门|各区人民政府|各县(?:\(市、区\))?人民政府|"
                            r"各区县政府|各县区政府)")),
    ("subject", re.compile(_YEAR + r"\s*年度?\s*[,，]\s*(?P<name>[\u4e00-\u9fff]{3,30}?)(?:认真|坚持|在|以|高度|深入|严格|围绕|紧紧|按照|全面|积极)")),
    # "在区政府…的引领下，小营街道办事处严格依照…"
    ("led", re.compile(r"(?:领导下|引领下|指导下|部署下|关心下)\s*[,，]\s*(?P<name>[\u4e00-\u9fff]{3,30}?)"
                       r"(?:认真|坚持|严格|深入|积极|持续|始终|高度|紧紧|全面|围绕|按照)")),
    # "一、总体情况\n2024年，银川市民委(宗教局)深入学习…": the subject of the overview's first sentence
    ("overview", re.compile(r"(?:总体情况|概\s*述)\s*\n\s*(?:(?:19|20)\d{2}\s*年度?\s*[,，]\s*)?(?P<name>" + _CJK_NAME
                            + r"{3,30}?)(?:深入|认真|坚持|严格|积极|持续|始终|高度|紧紧|全面|围绕|按照|不断|扎实)")),
    # "…编制2021年度沙塘镇人民政府信息公开年度报告"
    ("compiled_title", re.compile(r"编制(?:了)?[《<]?" + _YEAR + r"\s*年?度?\s*(?P<name>[\u4e00-\u9fff]{2,30}?"
                                  r"(?:人民政府|政府|局|委|办|中心|镇|乡|街道办事处|街道))(?:政府)?信息公开")),
    ("contact", re.compile(r"请与(?P<name>" + _CJK_NAME + r"{2,40}?)(?:\s*[(（][^)）]{0,20}[)）])?联系")),
)
_NEWS_MARKERS = re.compile(r"记者|本报讯|日电|近日|日前|昨日|昨天|过去一年|去年|新闻网|人民网|新华网|报道|通讯员")
_SELF_REFERENCE = re.compile(r"我(省|区|市|县|旗|局|厅|委|办|镇|乡|街道|中心|署)")
# "全区政府信息公开工作": the area's disclosure work as a whole, which only its government reports
# ("全县公安机关" is a department speaking of its own branches)
_AREA_WIDE = re.compile(r"全(省|区|市|县|旗)(?:各级)?(?:政府信息公开|政务公开)")

# gambling strings injected by hijacked mirrors; words that also occur in real reports (彩票 of the
# welfare lottery, 澳门 in Guangdong reports) are left out
_SPAM_WORDS = re.compile(r"博彩|娱乐城|娱乐娱城|体育投注|体育在线|买球|欧洲杯|世界杯竞猜|威廉希尔|bet\d+|\d+bet|百家乐|葡京|赌场|"
                         r"真人娱乐|彩票投注|线上app官网|App Store", re.IGNORECASE)
_KNOWN_HOSTS = ("gov.cn",)
_DATE_ISO = re.compile(r"((?:19|20)\d{2})[-/.年]\s*(\d{1,2})[-/.月]\s*(\d{1,2})日?")
_DATE_LABEL = re.compile(r"(?:发布日期|发布时间|发文日期|成文日期|更新时间|日期|时间)[\s|:：]*((?:19|20)\d{2}[-/.年]\s*\d{1,2}[-/.月]\s*\d{1,2})")


def title_of(text: str, html_title: str | None, meta: dict, link_text: str | None,
             url: str | None) -> tuple[str | None, str | None]:
    """(title, where it was found: text | title | link_text | url)."""
    candidates: list[tuple[str, str]] = []
    if meta.get("articletitle"):
        candidates.append((meta["articletitle"], "title"))
    lines = [_report_segment(line.strip(" |\t")) for line in text.split("\n")[:60]]
    for i in range(1, len(lines)):
        # "2019年上海市宝山区吴淞街道办事处" / "政府信息公开年度报告"
        if re.match(r"^(?:政府)?(?:信息公开|政务公开)(?:工作)?(?:年度报告|年报)$", lines[i]) and \
                re.match(r"^\s*(?:19|20)\d{2}\s*年?度?[\u4e00-\u9fff]{2,30}$", fold(lines[i - 1])):
            lines[i - 1], lines[i] = lines[i - 1] + lines[i], ""
    lines = [_TITLE_PREFIX.sub("", line) for line in lines if line.strip(" |\t")]
    # a title run together with the text after it ("大竹县2009年政府信息公开工作年度报告(以下简称年报)根据…")
    lines = [_title_head(line) for line in lines]
    ranked = [i for i, line in enumerate(lines) if ("报告" in line or "年报" in line) and _TITLE_YEAR.search(fold(line))]
    ranked += [i for i in range(len(lines)) if i not in ranked]
    for i in ranked:
        line = lines[i]
        if len(line) > 64 or not _REPORT_WORDS.search(line) or _NOT_A_TITLE.search(line) \
                or re.search(r"根据|通知|《", line) or ("关于" in line and not line.endswith("报告")) \
                or line.endswith(("。", "，", ",", "；", ";")):  # the end of a sentence wrapped onto its own line
            continue
        if re.match(r"^\s*(?:19|20)\d{2}\s*年?\s*度?\s*政府信息公开", fold(line)) and i and len(lines[i - 1]) <= 30 \
                and lines[i - 1].endswith(_ORGAN_SUFFIXES):
            line = lines[i - 1] + line  # "淮安市人民政府" / "2024 年政府信息公开工作年度报告"
        candidates.append((line, "text"))
        break
    for extra, source in ((meta.get("heading"), "title"), (link_text, "link_text"), (html_title, "title"),
                          (_title_from_url(url), "url")):
        if extra:
            candidates.append((to_simplified(extra), source))
    for candidate, source in candidates:
        if candidate and _REPORT_WORDS.search(candidate):
            # PDF text spaces digits from their units ("2024 年")
            return re.sub(r"(\d)\s+(?=[年月日])", r"\1", re.sub(r"\s+", " ", candidate)).strip(), source
    return None, None


_TITLE_HEAD = re.compile(r"^(?P<title>[^。，,；;]{6,60}?(?:年度报告|工作报告|年报|工作情况的?报告))(?=[(（]?以下简称|根据|依据|按照|一、|本报告|本年度|$)")


def _report_segment(line: str) -> str:
    """'每日一报 | 辽宁2015年政府信息公开工作年度报告': the segment that names the report."""
    if "|" not in line:
        return line
    segments = [segment.strip() for segment in line.split("|")]
    named = [segment for segment in segments if _REPORT_WORDS.search(segment)]
    return named[0] if len(named) == 1 else line


def _title_head(line: str) -> str:
    m = _TITLE_HEAD.match(line)
    return m.group("title") if m and _TITLE_YEAR.search(fold(m.group("title"))) else line


def _title_from_url(url: str | None) -> str | None:
    if not url:
        return None
    path = unquote(urlsplit(url).path)
    for part in reversed(path.split("/")):
        if re.search(r"[\u4e00-\u9fff]{4}", part) and _REPORT_WORDS.search(to_simplified(part)):
            return part
    return None


def doc_type_of(fold_text: str, title: str | None) -> str:
    head = fold_text[:6000]
    if title and re.search(r"报告制度|办法|规定|实施细则|通知$", title) and not re.search(r"年度报告$|年报$", title):
        return "other"
    if re.search(r"第一条.{0,200}第二条", head, re.DOTALL) and not re.search(r"一\s*[、.]\s*(?:总体情况|概述)", head):
        return "other"
    markers = 0
    if re.search(r"统计(?:期限|时限|时间|期间)", head):
        markers += 1
    if re.search(r"(?m)^\s*一\s*[、.,]?\s*(?:总体情况|概\s*述|主要工作概述|工作情况|政府信息公开工作总体情况)", head) or \
            re.search(r"[\s|]一\s*[、.,]\s*(?:总体情况|概\s*述)", head):
        markers += 1
    if re.search(r"本(?:年度)?报告|本年报|现将[^。]{0,30}报告如下|编制了[^。]{0,20}报告", head):
        markers += 1
    if title and re.search(r"(?:19|20)\d{2}\s*年?度?.{0,30}(?:年度报告|年报|工作报告|情况的?报告)", title) \
            and not re.search(r"展示平台|发布会|解读", title):
        markers += 1
    if markers:
        return "annual_report"
    # no report structure: a press article about the year's work, or some other page (指南, 目录, rules)
    return "news" if _NEWS_MARKERS.search(head) else "other"


def title_year(title: str | None) -> int | None:
    m = _TITLE_YEAR.search(fold(title)) if title else None
    return int(m.group(1)) if m else None


_FULL_YEAR_PERIOD = re.compile(r"统计(?:期限|时限|时间|期间)[^。\n]{0,8}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日\s*"
                               r"(?:起\s*)?[至到\-—~－]\s*(?:\1\s*年\s*)?12\s*月\s*31\s*日")


def report_year_of(fold_text: str, title: str | None, doc_type: str, issues: list | None = None) -> int | None:
    """The year the statistics cover: the title's, unless the report states a whole-year
    statistics period of another year (a title left from last year's template)."""
    if doc_type == "other":
        return None
    head = fold_text[:8000]
    period = _FULL_YEAR_PERIOD.search(head)
    named = _TITLE_YEAR.search(fold(title)) if title else None
    named = named or _TITLE_YEAR.search(head)
    if named:
        if period and period.group(1) != named.group(1):
            if issues is not None:
                issues.append(quality_issue("year-conflict", "warning",
                                            f"the report's name says {named.group(1)}, its statistics period "
                                            f"{period.group(1)}: the period's year is the report year",
                                            {"named_year": int(named.group(1)), "period": period.group(0)}))
            return int(period.group(1))
        return int(named.group(1))
    for pattern in (_PERIOD, _YEAR_REPORT):
        m = pattern.search(head)
        if m:
            return int(m.group(1))
    years = Counter(int(m.group(1)) for m in _ANY_YEAR.finditer(fold_text))
    return years.most_common(1)[0][0] if years else None


def era_of(table_era: str | None, report_year: int | None, doc_type: str) -> str | None:
    if doc_type == "other":
        return None
    if table_era:
        return table_era
    if report_year is None:
        return None
    if report_year <= 2018:
        return "2008_regulation"
    if report_year <= 2020:
        return "2019_trial_format"
    return "2021_format"


def _clean_name(name: str) -> str | None:
    name = name.strip(" 《》<>“”\"'")
    name = re.sub(r"^(?:本报告|本年度报告|本年报|本年度|根据|经|由|在|对|各|关于|现(?:公布|发布|将|向社会公布)|编制)", "", name)
    # "伊宁县政府信息公开工作2023年度报告": the subject is the county, not its disclosure work
    name = re.sub(r"(?:政府信息公开|信息公开|政务公开)(?:工作)?$", "", name)
    if re.fullmatch(r"(?:人民)?政府|本?机关|本单位|本部门", name):
        return None  # "现将2020年政府信息公开工作报告…": no body named
    if not name or len(name) < 2 or name.startswith("我") or re.search(r"[A-Za-z0-9_.@]", name):
        return None
    return name


def _is_organ(name: str) -> bool:
    return name.endswith(_ORGAN_SUFFIXES)


def _title_name(title: str | None) -> str | None:
    if not title:
        return None
    t = fold(title)
    m = re.match(r"^\s*(?P<name>[^\d\s]{2,40}?)\s*" + _YEAR, t)
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
    out = []
    name = _title_name(title)
    if name:
        out.append(("title", name))
    head = fold_text[:4000]
    for kind, pattern in _ANCHORS:
        for m in pattern.finditer(head):
            cleaned = _clean_name(m.group("name") or m.groupdict().get("name2") or "")
            if cleaned:
                out.append((kind, cleaned))
                break
    return out


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


def _with_place_prefix(name: str, fold_text: str, year: int | None = None) -> str:
    """'统计局' printed without its area: prefix the most specific division the text names."""
    chain, _rest = gz.parse_chain(name, year=year)
    if chain or not name.endswith(("局", "厅", "委", "办", "中心")):
        return name
    places = gz.find_places(fold_text[:8000], year)
    for level in ("county", "city"):
        for division in places:
            if division.level == level:
                return prefixed_organ(division.name, name) or name
    return name


def resolve_issuer(fold_text: str, title: str | None, doc_type: str,
                   year: int | None = None) -> tuple[str | None, str | None]:
    """(issuer, how): the organ that reports, as fully as the text prints it."""
    candidates = issuer_candidates(fold_text, title)
    if doc_type == "news":
        # a news article names many bodies; only "X市政府各部门…" identifies whose work it reports
        candidates = [c for c in candidates if c[0] == "area_all"]
    for kind, name in candidates:
        township_office = _TOWNSHIP_OFFICE.match(name) if kind == "contact" else None
        if township_office:
            # "请与剑阁县杨村镇人民政府党政办联系": a township's office answers for the township
            township = township_office.group("township")
            return township + ("办事处" if township.endswith("街道") else "人民政府"), kind
        if kind == "contact" and not _DISCLOSURE_OFFICE.search(name):
            continue
        name = _expand_alias(name, fold_text)
        chain, rest = gz.parse_chain(name, year=year)
        if kind in ("area_all", "subject") and (kind == "area_all" or re.search(r"各级|各部门|各区", rest)):
            place = _trailing_place(re.sub(r"(?:人民)?政府$|各级.*$|各部门.*$", "", name), year)
            if place is None:
                continue
            name = place + "人民政府"
        elif kind == "contact":
            name = _DISCLOSURE_OFFICE.sub("", name)
            name = re.sub(r"(?:人民)?政府$", "", name)
            chain, rest = gz.parse_chain(name, year=year)
            if not chain or rest:
                continue
            name += "人民政府"
        elif not chain and not _is_organ(name):
            continue
        if kind == "compiled" and _OFFICE_OF_GOVERNMENT.search(name) and doc_type != "other":
            name = re.sub(r"(?:人民)?政府(?:政府)?(?:办公厅|办公室)$", "人民政府", name)
        elif kind == "compiled" and _DISCLOSURE_OFFICE.search(name) and doc_type != "other":
            # the government's disclosure office compiles the government's report
            area = re.sub(r"(?:人民政府|人民|政府)$", "", _DISCLOSURE_OFFICE.sub("", name))
            area_chain, area_rest = gz.parse_chain(area, year=year)
            if area_chain and not area_rest:
                name = area + "人民政府"
        if kind in ("title", "published") and doc_type == "other":
            return name, kind
        name = _with_place_prefix(_as_government(name, fold_text, year), fold_text, year)
        return _longest_variant(name, fold_text, year), kind
    return None, None


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
    return not chain and (issuer.endswith(("局", "厅", "委", "办", "中心", "办公室", "镇", "乡", "街道",
                                           "镇人民政府", "乡人民政府", "街道办事处"))
                          or re.fullmatch(r"(?:市|县|区|旗)人民政府", issuer) is not None)


def with_site_place(issuer: str, site: gz.Division) -> str:
    """The issuer under the area of the site that published it (the portal, the host)."""
    if re.search(r"(?:镇|乡|街道|街道办事处|镇人民政府|乡人民政府)$", issuer):
        return issuer  # a township keeps its own name; its county goes into place
    return prefixed_organ(site.name, issuer) or issuer


def site_evidence(*, url: str | None, portal_name: str | None, portal_province: str | None,
                  link_text: str | None, title: str | None, fold_text: str,
                  year: int | None) -> list[gz.Evidence]:
    """What each witness says about where the report comes from, strongest first: the
    government host that served it, the portal registered for that host, the link that named
    it, its title, and the divisions its text names unambiguously."""
    evidence: list[gz.Evidence] = []
    host = gz.host_evidence(url, year=year)
    if host:
        evidence.append(gz.Evidence("url", tuple(d for options in host for d in options), host[-1]))
    portal: list[gz.Division] = []
    if portal_name:
        portal += [d for d in gz.parse_chain(fold(to_simplified(portal_name)), year=year)[0]
                   if isinstance(d, gz.Division)]
    deepest = tuple(portal[-1:])
    if portal_province:
        portal += [d for d in gz.candidates(portal_province) if d.level == "province"]
    if portal:
        evidence.append(gz.Evidence("portal", tuple(portal), deepest or tuple(portal[-1:])))
    for source, text in (("link_text", link_text), ("title", title)):
        if text:
            found = gz.find_places(fold(to_simplified(text)), year)
            if found:
                evidence.append(gz.Evidence(source, found))
    head = fold_text[:8000]
    found = gz.find_places(head, year)
    found += tuple(d for d in gz.credit_code_divisions(head[:3000], year) + gz.zone_cities(head[:3000], year)
                   if d not in found)
    if found:
        evidence.append(gz.Evidence("text", found))
    return evidence


def site_division(evidence: list[gz.Evidence], year: int | None = None) -> tuple[gz.Division | None, str | None]:
    """The most specific division the site (host, then portal) stands for, when it is one."""
    for witness in evidence:
        if witness.source not in ("url", "portal"):
            continue
        innermost = witness.innermost
        if not innermost:
            continue
        mention = innermost[0] if len(innermost) == 1 else gz.Unresolved("site", innermost)
        others = [w for w in evidence if w is not witness]
        division, _used = gz.resolve(mention, others)
        if division is not None:
            return division, witness.source
    return None, None


def record_ambiguous_site(evidence: list[gz.Evidence], issuer: str, issues: list) -> None:
    """The site could stand for several divisions (weibin.gov.cn: 渭滨区 or 卫滨区) and nothing
    else said which: the issuer keeps the name it was printed with, and the candidates are kept."""
    for witness in evidence:
        if witness.source in ("url", "portal") and len(witness.innermost) > 1:
            issues.append(quality_issue("place-ambiguous", "warning",
                                        f"the {witness.source} names {len(witness.innermost)} divisions and nothing "
                                        f"else picks one: {issuer} left without its area",
                                        {"issuer": issuer, "witness": witness.source,
                                         "candidates": [f"{d.province}{d.prefecture}{d.name} ({d.code})"
                                                        for d in witness.innermost]}))
            return


def _text_county(fold_text: str, evidence: list[gz.Evidence], year: int | None) -> gz.Division | None:
    """The county a township report's text is about: the one county it names, or the county
    whose short name it repeats ('中国永嘉'), inside what the other witnesses allow."""
    text = next((w for w in evidence if w.source == "text"), None)
    counties = {d for d in (text.divisions if text else ()) if d.level == "county"}
    if len(counties) == 1:
        return counties.pop()
    if counties:
        return None  # several counties named: not ours to pick
    allowed = [d for w in evidence if w.source != "text" for d in w.divisions]
    cities = [d for d in (text.divisions if text else ()) if d.level == "city"]
    return gz.find_short_county(fold_text[:8000], within=tuple(allowed or cities), year=year)


def _dominant_province(evidence: list[gz.Evidence], share: float = 0.75) -> tuple[str | None, str | None]:
    """A province every witness agrees on, or the one the text names in ``share`` of its mentions.

    Reports name other provinces (学习浙江经验); one mention of them must not move the report."""
    for witness in evidence:
        provinces = Counter(d.province for d in witness.divisions)
        if not provinces:
            continue
        province, count = provinces.most_common(1)[0]
        if witness.source != "text" and len(provinces) == 1:
            return province, witness.source
        if witness.source == "text" and count >= share * sum(provinces.values()):
            return province, "text"
    return None, None


def place_fields(issuer: str | None, fold_text: str, doc_type: str, *, year: int | None = None,
                 evidence: list[gz.Evidence] | None = None, issues: list | None = None) -> dict:
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
        _infer_without_issuer(fold_text, out, doc_type, evidence)
        return out
    mentions, rest = gz.parse_chain(issuer, year=year)
    township = None
    m = re.match(r"^([一-鿿]{1,10}?(?:街道|镇|乡))(?:办事处|人民政府|政府)?$", rest)
    is_government = rest in ("人民政府", "政府")
    if m:
        township = m.group(1)
    chain: list[gz.Division] = []
    place_source = "issuer"
    unresolved: gz.Unresolved | None = None
    for mention in mentions:
        division, used = gz.resolve(mention, evidence)
        if division is None:
            unresolved = mention
            break
        chain.append(division)
        if used:
            place_source = used[-1]
    if township and chain and chain[-1].level == "city":
        # "广元市昭化元坝镇": the county printed by its short name before the township's
        county = gz.short_county_prefix(township, chain[-1], year)
        if county is not None:
            chain.append(county)
            township = township[len(county.short):]
    province = chain[0].province if chain else None
    if unresolved is not None:
        same_province = {d.province for d in unresolved.candidates}
        if not chain and len(same_province) == 1:
            province = same_province.pop()  # 鼓楼区 of 南京 or of 徐州: 江苏省 either way
        issues.append(quality_issue("place-ambiguous", "warning",
                                    f"{unresolved.name} names {len(unresolved.candidates)} divisions and nothing "
                                    "in the URL, portal, title or text picks one: place left empty",
                                    {"name": unresolved.name, "issuer": issuer,
                                     "candidates": [f"{d.province}{d.prefecture}{d.name} ({d.code})"
                                                    for d in unresolved.candidates]}))
        chain = []
    elif not mentions and (township or not is_government):
        # "冲口街道", "统计局": the area is the site's, else the one the text is about
        site, site_source = site_division(evidence, year)
        if site is None and township:
            site, site_source = _text_county(fold_text, evidence, year), "text"
        if site is not None and (not township or site.level == "county"):
            chain = [site]
            place_source = site_source
        province = chain[0].province if chain else None
        if province is None:
            province, province_source = _dominant_province(evidence)
            if province:
                sources["province"] = province_source
    central = not mentions and province is None and _CENTRAL_ORGAN.match(issuer) is not None
    if central:
        # a State Council body reports for no province (format variant: admin_tier 'central')
        out.update(level="department", admin_tier="central")
        sources["province"] = "issuer"
        out["scope"], sources["scope"], out["scope_evidence"] = ("organ", "level", None) if doc_type != "other" \
            else (None, None, None)
        return out
    out["province"] = province
    out["province_code"] = gz.province_code(province)
    deepest = chain[-1] if chain else None
    generic = None if mentions or township else _GENERIC_PLACE.match(issuer)
    if generic and _ZONE.search(generic.group("place")):
        generic = None  # 高新区 / 开发区: a zone, not an administrative division
    deepest_level = deepest.level if deepest is not None else (unresolved.level if unresolved else None)
    deepest_name = deepest.name if deepest is not None else (unresolved.name if unresolved else None)
    if township:
        level = "township"
    elif generic and issuer[generic.end():] in ("人民政府", "政府"):
        # a division the gazetteer does not hold: its suffix still tells the level
        level = _level_by_suffix(generic.group("place"))
        out["place"] = generic.group("place")
    elif is_government and deepest_level is not None:
        level = "province" if deepest_level == "province" or deepest_name in gz.MUNICIPALITIES else deepest_level
    elif doc_type == "other" and deepest_level is not None and _OFFICE_OF_GOVERNMENT.search(issuer):
        level = deepest_level
    else:
        level = "department"
        if deepest_level is not None:
            out["admin_tier"] = "province" if deepest_level == "province" or deepest_name in gz.MUNICIPALITIES \
                else deepest_level
        elif generic:
            out["admin_tier"] = _level_by_suffix(generic.group("place"))
            out["place"] = generic.group("place")
    out["level"] = level
    out["place"] = _place_string(chain, township) or out["place"]
    # the GB/T 2260 code of the deepest division: the government itself, or the area of a
    # department or township
    out["place_code"] = chain[-1].code if chain else None
    if out["place"]:
        sources["place"] = place_source
    if out["province"] and "province" not in sources:
        sources["province"] = place_source if chain or unresolved is None else "issuer"
    if doc_type == "other":
        out["scope"] = None
    else:
        out["scope"], sources["scope"], out["scope_evidence"] = scope_of(fold_text, level)
    return out


# a report compiled from the reports of the bodies under the issuer covers all of them
_AGGREGATE = (
    re.compile(r"(?:汇总|综合|汇编|整合)[^。；;\n]{0,40}?(?:各(?:县|区|市|乡|镇|街道|部门|单位|级|地)|[县区市]直各|"
               r"下属|所属|全(?:省|市|县|区)[^。]{0,6}(?:各|政府))"),
    re.compile(r"各(?:县|区|市|乡镇|街道|部门|单位)[^。；;\n]{0,50}?(?:年度报告|年报)[^。；;\n]{0,20}?(?:汇总|综合|编制|基础上)"),
    re.compile(r"(?:省|市|县|区|旗)政府(?:及其|和)(?:所属|各)?(?:工作)?部门"),
)
_SCOPE_LEVELS = {"province", "city", "county"}
_CENTRAL_ORGAN = re.compile(r"^(?:国务院[\u4e00-\u9fff]{0,16}|国家[\u4e00-\u9fff]{2,16}(?:局|委员会|委|署|院|办公室)|"
                            r"中国(?:人民银行|气象局|地震局)|海关总署|[\u4e00-\u9fff]{2,8}部)$")
_SELF_AS_ORGAN = re.compile(r"(?:我|本)(局|委|办|厅|署|中心|机关|单位|镇|乡|街道)(?![内外部门里长党])")


def scope_of(fold_text: str, level: str | None) -> tuple[str | None, str | None, str | None]:
    """(scope, its witness: text | level, the text that says so).

    ``aggregate`` when the report says it was compiled from the reports of the bodies under
    its issuer (本报告由市政府办公室综合各县区和市直各部门的年度报告编制), ``organ`` when it
    speaks for one body. Without such a sentence the level stands in: a government's report
    covers its departments, a department's or township's only itself."""
    head = fold_text[:4000]
    for pattern in _AGGREGATE:
        m = pattern.search(head)
        if m:
            start = max(head.rfind("。", 0, m.start()) + 1, m.start() - 40)
            return "aggregate", "text", head[start:m.end()].strip()
    if level is None:
        return None, None, None
    return ("aggregate" if level in _SCOPE_LEVELS else "organ"), "level", None


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


def _infer_without_issuer(fold_text: str, out: dict, doc_type: str, evidence: list[gz.Evidence]) -> None:
    if doc_type == "news":
        return
    province, source = _dominant_province(evidence)
    if province:
        out["province"], out["province_code"] = province, gz.province_code(province)
        out["sources"]["province"] = source
    organ = _SELF_AS_ORGAN.search(fold_text[:6000])
    if organ:
        # "我局…", "本镇…": one body reports on itself, whoever it is
        out["level"] = "township" if organ.group(1) in ("镇", "乡", "街道") else "department"
        out["scope"], out["sources"]["scope"] = "organ", "text"
        out["scope_evidence"] = organ.group(0)
    elif re.search(r"市政府及其部门|全市|我市", fold_text):
        out["level"], out["scope"] = "city", "aggregate"
    elif re.search(r"全县|我县", fold_text):
        out["level"], out["scope"] = "county", "aggregate"
    elif re.search(r"全省|我省", fold_text):
        out["level"], out["scope"] = "province", "aggregate"


_PUBLISHER = re.compile(r"(?:发布机构|发文机关|来源|信息来源)\s*[:：|]\s*\|?\s*([\u4e00-\u9fff]{4,30})")


def publisher_field(fold_text: str, meta: dict) -> str | None:
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
    evidence = evidence or []
    site, _source = site_division(evidence, year)
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
        county = _text_county(fold_text, evidence, year)
        if county is not None:
            return county.name + "人民政府"
    return None


def publication_date_of(fold_text: str, meta: dict) -> date | None:
    for key in ("pubdate", "firstpublishedtime", "publishdate", "发布日期", "发文日期", "成文日期"):
        value = meta.get(key)
        if value:
            parsed = _parse_date(value)
            if parsed:
                return parsed
    m = _DATE_LABEL.search(fold_text[:3000])
    if m:
        return _parse_date(m.group(1))
    return None


def _parse_date(value: str) -> date | None:
    m = _DATE_ISO.search(fold(value))
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def is_suspect_mirror(url: str | None, fold_text: str) -> bool:
    if _SPAM_WORDS.search(fold_text, 0, 8000):
        return True
    if not url:
        return False
    host = (urlsplit(url).hostname or "").lower()
    if not host:
        return False
    return not any(host == known or host.endswith("." + known) for known in _KNOWN_HOSTS)
