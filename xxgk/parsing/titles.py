"""A document's title (from its text, its metadata, the link to it or its URL) and what kind of
document it is: an annual report, news about one, or something else."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from xxgk.parsing.issuer import ORGAN_SUFFIXES
from xxgk.parsing.normalize import fold, to_simplified
from xxgk.parsing.years import TITLE_YEAR

_REPORT_WORDS = re.compile(r"年度报告|工作报告|年报|工作情况的?报告|报告制度|年度工作报告|信息公开报告")
_TITLE_PREFIX = re.compile(r"^.*(?:标\s*题|名\s*称|关键字)\s*[:：]?\s*")
_NOT_A_TITLE = re.compile(r"索\s*引\s*号|分\s*类|当前位置|首页|>>|/")
_NEWS_MARKERS = re.compile(r"记者|本报讯|日电|近日|日前|昨日|昨天|过去一年|去年|新闻网|人民网|新华网|报道|通讯员")


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
    ranked = [i for i, line in enumerate(lines) if ("报告" in line or "年报" in line) and TITLE_YEAR.search(fold(line))]
    ranked += [i for i in range(len(lines)) if i not in ranked]
    for i in ranked:
        line = lines[i]
        if len(line) > 64 or not _REPORT_WORDS.search(line) or _NOT_A_TITLE.search(line) \
                or re.search(r"根据|通知|《", line) or ("关于" in line and not line.endswith("报告")) \
                or line.endswith(("。", "，", ",", "；", ";")):  # the end of a sentence wrapped onto its own line
            continue
        if re.match(r"^\s*(?:19|20)\d{2}\s*年?\s*度?\s*政府信息公开", fold(line)) and i and len(lines[i - 1]) <= 30 \
                and lines[i - 1].endswith(ORGAN_SUFFIXES):
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


# a title run into the text after it, or printed twice in a row
_TITLE_HEAD = re.compile(r"^(?P<title>[^。，,；;]{6,60}?(?:年度报告|工作报告|年报|工作情况的?报告))"
                         r"(?=[(（]?以下简称|根据|依据|按照|一、|本报告|本年度|$|(?P=title))")


def _report_segment(line: str) -> str:
    """'每日一报 | 辽宁2015年政府信息公开工作年度报告': the segment that names the report."""
    if "|" not in line:
        return line
    segments = [segment.strip() for segment in line.split("|")]
    named = [segment for segment in segments if _REPORT_WORDS.search(segment)]
    return named[0] if len(named) == 1 else line


def _title_head(line: str) -> str:
    m = _TITLE_HEAD.match(line)
    return m.group("title") if m and TITLE_YEAR.search(fold(m.group("title"))) else line


def _title_from_url(url: str | None) -> str | None:
    if not url:
        return None
    path = unquote(urlsplit(url).path)
    for part in reversed(path.split("/")):
        if re.search(r"[\u4e00-\u9fff]{4}", part) and _REPORT_WORDS.search(to_simplified(part)):
            return part
    return None


_STANDARD_SECTION = re.compile(r"(?m)^\s*[(（]?[一二三四五六七八][)）、.]?\s*(?:政府信息)?"
                               r"(主动公开|依申请公开|收到和处理政府信息公开申请|政府信息管理|"
                               r"(?:政府信息公开)?(?:平台建设|行政复议)|监督保障|"
                               # the usual sections of the 2008 era (no fixed format), named with 情况:
                               # a guide's 收费标准 or 监督和救济 are not among them
                               r"咨询处理情况|(?:行政)?复议、(?:行政)?诉讼和申诉情况|(?:政府信息公开的?)?收费及减免情况)")


def doc_type_of(fold_text: str, title: str | None) -> str:
    """``annual_report`` when the text has a report's structure, else ``news`` or ``other``."""
    head = fold_text[:6000]
    kind_by_title = _kind_by_title(title)
    if kind_by_title:
        return kind_by_title
    if re.search(r"第一条.{0,200}第二条", head, re.DOTALL) and not re.search(r"一\s*[、.]\s*(?:总体情况|概述)", head):
        return "other"
    if _report_markers(head, title):
        return "annual_report"
    # no report structure: a press article about the year's work, or some other page (指南, 目录, rules)
    return "news" if _NEWS_MARKERS.search(head) else "other"


def _kind_by_title(title: str | None) -> str | None:
    """``other`` or ``news`` when the title says the page is rules, a publication list or a headline."""
    if not title:
        return None
    if re.search(r"报告制度|办法|规定|实施细则|通知$", title) and not re.search(r"年度报告$|年报$", title):
        return "other"
    if re.search(r"(?:年度报告|年报)(?:的)?(?:公布|发布|编制|报送)情况", title):
        return "other"  # "石狮市2023年…年度报告公布情况": who published theirs, not a report
    if re.match(r"^[^\d]{2,15}?(?:发布|公布|出炉|晒出|亮相)了?\s*(?:19|20)\d{2}", title):
        return "news"  # "贵州省发布2016年…年度报告": a headline about the report
    return None


def _report_markers(head: str, title: str | None) -> int:
    """How many marks of a report's structure the head of the text (and the title) shows."""
    markers = 0
    if re.search(r"统计(?:期限|时限|时间|期间)", head):
        markers += 1
    if re.search(r"(?m)^\s*一\s*[、.,]?\s*(?:总体情况|概\s*述|主要工作概述|工作情况|政府信息公开工作总体情况|"
                 r"政府信息(?:和政务)?公开(?:主要|总体)?工作(?:总体)?情况)", head) or \
            re.search(r"[\s|]一\s*[、.,]\s*(?:总体情况|概\s*述)", head):
        markers += 1
    if re.search(r"本(?:年度)?报告|本年报|现将[^。]{0,30}报告如下|编制了[^。]{0,20}报告", head):
        markers += 1
    # the 2008 era's opening: "《条例》实施以来,我局…。2008年主要工作情况如下"
    if re.search(r"(?:政府信息公开条例|《条例》)》?(?:[(（]以下简称[^)）]{0,12}[)）])?(?:正式)?(?:施行|实施)以来[^\n]{0,200}?(?:19|20)\d{2}\s*年度?的?"
                 r"(?:主要)?工作情况(?:报告)?如下", head[:1500]):
        markers += 1
    # the format's own opening: "根据《条例》…和《…关于政府信息公开工作年度报告有关事项的通知》…"
    if re.search(r"(?m)^\s*根据《中华人民共和国政府信息公开条例》[^。]{0,200}?(?:年度报告有关事项的通知|年度报告格式)",
                 head[:1500]):
        markers += 1
    if title and re.search(r"(?:19|20)\d{2}\s*年?度?.{0,30}(?:年度报告|年报|工作报告|情况的?报告|信息公开报告)", title) \
            and not re.search(r"展示平台|发布会|解读", title):
        markers += 1
    # the sections the format prescribes, two of them at least, as headings (an untitled excerpt),
    # with a count of the year's work: a disclosure guide has the headings 主动公开 and 依申请公开 too,
    # and counts nothing
    if not markers and len({m.group(1) for m in _STANDARD_SECTION.finditer(head)}) >= 2 \
            and re.search(r"\d\s*(?:条|件|人次|次)", head):
        markers += 1
    return markers
