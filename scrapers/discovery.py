"""Find report links, list pages and attachments on a portal page.

Without configured selectors a portal is read by anchor text: a link reading like a year's
report (年报 / 年度报告 with a year) is a report; a column link (信息公开年报, 年度报告 without a
year) is a list page; 下一页 / 尾页 / index_N.html / pageNum=N / createPageHTML(...) give the
other pages of a list. Links in a report's body to .pdf/.doc/.docx/.wps/.xls/.xlsx are attachments.

A report or attachment link keeps the date its list page prints beside it (``listed_date``): the
one full date (2024-01-20, 2024/01/20, 2024.01.20, 2024年1月20日, [2024-01-20]) in the link's own
list item or table row, or in the smallest enclosing block that holds no other link; none when
there is none or more than one distinct date. A year alone (the report's statistics year in its
title, 2023年) is never a date. Weaker evidence than the crawl's first sighting, kept as such.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.etree
import lxml.html
from bs4 import BeautifulSoup, Tag

REPORT_WORDS = re.compile(r"年报|年度报告|年度工作报告|工作情况的?报告|工作报告")
DISCLOSURE_WORDS = re.compile(r"信息公开|政务公开|公开工作")
YEAR = re.compile(r"(?:19|20)\d{2}|[〇一二三四五六七八九零]{4}")
COLUMN_WORDS = re.compile(r"^(政府)?信息公开(工作)?年(度)?报(告)?$|^年度报告$|^公开年报$|^年报$|^政府信息公开年度报告$")
# a disclosure hub (政府信息公开 / 信息公开目录) one hop from a seed usually links the 年报 column
HUB_WORDS = re.compile(r"^(政府)?信息公开(专栏|目录|平台)?$|^政务公开$|^法定主动公开内容$")
NEXT_WORDS = re.compile(r"^\s*(下一?页|下页|后页|next|>|›|»)\s*$", re.I)
LAST_WORDS = re.compile(r"^\s*(尾页|末页|最后一?页|last)\s*$", re.I)
ATTACHMENT_EXT = re.compile(r"\.(pdf|docx?|wps|xlsx?|et)(?:$|\?)", re.I)
CREATE_PAGE = re.compile(
    r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,"
    r"\s*['\"]([^'\"]+)['\"]\s*,\s*['\"]([^'\"]+)['\"]"
)
COUNT_PAGE = re.compile(r"\b(?:countPage|pageCount|totalPage|page_count|totalpage)\s*[=:]\s*['\"]?(\d+)")
INDEX_N = re.compile(r"^(.*/)?(index|list|default)(?:_(\d+))?\.(s?html?)$", re.I)
MAX_LIST_PAGES = 500
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "#")
# a full date as list pages print it: one separator throughout (-, /, .), or 年 月 日
LISTED_DATES = (
    re.compile(r"(?<![\d.\-/])((?:19|20)\d{2})([-/.])(\d{1,2})\2(\d{1,2})(?![\d.\-/]?\d)"),
    re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(年)\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
)
# the elements an entry of a list is: its date is in the same one
ITEM_TAGS = frozenset({"li", "tr", "dl"})
# past these, a date belongs to the whole list, not to one of its entries
LIST_TAGS = frozenset({"ul", "ol", "table", "tbody", "thead", "body", "html", "form", "nav"})
MAX_ITEM_DEPTH = 4


@dataclass(frozen=True)
class Link:
    """A link found on a page: its absolute URL (fragment dropped), anchor text and kind."""

    url: str
    text: str
    kind: str  # report | list | page | attachment | hub
    listed_date: str | None = None  # ISO date printed beside a report or attachment link, else None


def anchor_text(a) -> str:
    """The title, else the text of an lxml (or BeautifulSoup) anchor, whitespace collapsed."""
    text = a.get("title")
    if not text:
        # a BeautifulSoup tag answers any attribute (a child of that name), so ask its type
        parts = a.stripped_strings if isinstance(a, Tag) else a.itertext()
        text = " ".join(t.strip() for t in parts if t.strip())
    return re.sub(r"\s+", " ", text).strip()


def classify_anchor(text: str, href: str) -> str | None:
    """'report', 'list' or None for one anchor, by its text (titles are what portals get right)."""
    compact = re.sub(r"\s+", "", text)
    if ATTACHMENT_EXT.search(href) and REPORT_WORDS.search(compact):
        return "attachment"
    if COLUMN_WORDS.match(compact):
        return "list"
    if REPORT_WORDS.search(compact) and (DISCLOSURE_WORDS.search(compact) or "年报" in compact):
        return "report" if YEAR.search(compact) else "list"
    return None


def parse_html(html: str):
    """An lxml tree of ``html`` (ten times faster than BeautifulSoup on a list page), or None if empty."""
    html = XML_DECLARATION.sub("", html, count=1)  # lxml refuses str input that declares an encoding
    if not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return None


def discover(html: str, page_url: str, selectors: dict[str, str] | None = None) -> list[Link]:
    """All report, list, pagination and attachment links on one page, in page order, deduplicated."""
    root = parse_html(html)
    selectors = selectors or {}
    links: list[Link] = []
    seen: set[tuple[str, str]] = set()
    if root is None:
        return links

    def add(href: str | None, text: str, kind: str, a=None) -> None:
        if not href or href.strip().lower().startswith(SKIP_SCHEMES):
            return
        url = urljoin(page_url, href.strip()).split("#")[0]
        if (url, kind) not in seen and url != page_url:
            seen.add((url, kind))
            dated = a is not None and kind in ("report", "attachment")
            links.append(Link(url, text, kind, listed_date(a) if dated else None))

    # configured CSS selectors keep soupsieve's semantics (they were written against it)
    soup = BeautifulSoup(html, "lxml") if {"list_links", "next_page"} & selectors.keys() else None
    for a in _selected(soup, selectors.get("list_links")):
        add(a.get("href"), anchor_text(a), "report", a)
    for a in root.iter("a"):
        href = a.get("href")
        if href is None:
            continue
        text = anchor_text(a)
        kind = _link_kind(a, text, href, selectors)
        if kind is not None:
            add(href, text, kind, a)
    for a in _selected(soup, selectors.get("next_page")):
        add(a.get("href"), anchor_text(a), "page")
    for url in script_pages(html, page_url):
        add(url, "", "page")
    return links


def _selected(soup: BeautifulSoup | None, selector: str | None) -> list:
    """The anchors (BeautifulSoup tags) a configured CSS selector picks; none without one."""
    if soup is None or selector is None:
        return []
    return list(soup.select(selector))


def listed_date(a) -> str | None:
    """The ISO date a list page prints beside anchor ``a`` (lxml or BeautifulSoup), else None.

    Read from the anchor's list item or table row (li, tr, dl), else from the smallest enclosing
    block within a few levels that holds no other link; None when that holds no full date or
    two different ones, or when the climb reaches the list itself first.
    """
    is_lxml = not isinstance(a, Tag)
    node = a
    for _ in range(MAX_ITEM_DEPTH):
        node = node.getparent() if is_lxml else node.parent
        tag = None if node is None else node.tag if is_lxml else node.name
        if not isinstance(tag, str) or tag.lower() in LIST_TAGS:
            return None
        if tag.lower() in ITEM_TAGS:
            return one_date(_node_text(node))
        if _anchors(node) > 1:
            return None
        found = one_date(_node_text(node))
        if found is not None:
            return found
    return None


def one_date(text: str) -> str | None:
    """The one distinct full date in ``text`` as an ISO string; None with none or several."""
    text = unicodedata.normalize("NFKC", text)
    found: set[str] = set()
    for pattern in LISTED_DATES:
        for m in pattern.finditer(text):
            try:
                found.add(date(int(m.group(1)), int(m.group(3)), int(m.group(4))).isoformat())
            except ValueError:  # 2024-13-45, 索引号 parts: not a date
                continue
    return found.pop() if len(found) == 1 else None


def _node_text(node) -> str:
    """The text of an lxml or BeautifulSoup element."""
    return node.get_text(" ") if isinstance(node, Tag) else node.text_content()


def _anchors(node) -> int:
    """How many links (anchors with an href) an lxml or BeautifulSoup element holds."""
    if isinstance(node, Tag):
        return len(node.find_all("a", href=True))
    return len(node.xpath(".//a[@href]"))


def _link_kind(a, text: str, href: str, selectors: dict[str, str]) -> str | None:
    """What an lxml anchor links to (page, hub, attachment, list, report), or None to skip it.
    With a ``list_links`` selector, reports come from the selector only."""
    if NEXT_WORDS.match(text) or LAST_WORDS.match(text):
        return "page"
    kind = classify_anchor(text, href)
    if kind is None and HUB_WORDS.match(re.sub(r"\s+", "", text)):
        return "hub"
    if kind == "attachment" or (kind is None and ATTACHMENT_EXT.search(href) and _in_body(a)):
        return "attachment"
    if kind == "list" or (kind == "report" and "list_links" not in selectors):
        return kind
    return None


def _in_body(a) -> bool:
    """Attachments count only inside the article, not in site-wide download widgets."""
    for parent in a.iterancestors():
        ident = " ".join([parent.get("id") or "", parent.get("class") or ""]).lower()
        if any(k in ident for k in ("trs_editor", "zoom", "content", "article", "activity", "ivs", "webeditor")):
            return True
        if any(k in ident for k in ("footer", "nav", "header")):
            return False
    return False


def script_pages(html: str, page_url: str) -> list[str]:
    """Pages a TRS list announces only in script: createPageHTML(total, current, "index", "html")."""
    m = CREATE_PAGE.search(html)
    if m:
        total, _current, stem, ext = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
        return _numbered_pages(page_url, stem, ext, total)
    m = COUNT_PAGE.search(html)
    if m:
        total = int(m.group(1))
        parts = urlsplit(page_url)
        query = dict(parse_qsl(parts.query))
        if "pageNum" in query:  # Hanweb: the page is a query parameter, not part of the file name
            return [
                urlunsplit(parts._replace(query=urlencode({**query, "pageNum": str(n)})))
                for n in range(1, min(total, MAX_LIST_PAGES) + 1)
            ]
        im = INDEX_N.match(parts.path.rsplit("/", 1)[-1] or "index.html")
        if im:
            return _numbered_pages(page_url, im.group(2), im.group(4), total)
    return []


def _numbered_pages(page_url: str, stem: str, ext: str, total: int) -> list[str]:
    """TRS numbering: the first page is index.html, then index_1.html, index_2.html …"""
    names = [f"{stem}.{ext}" if n == 0 else f"{stem}_{n}.{ext}" for n in range(min(total, MAX_LIST_PAGES))]
    return [urljoin(page_url, name) for name in names]
