"""Landed bytes → text plus table grids, per format (HTML, plain text, PDF, DOCX).

Every format ends in the same shape: the normalised text (simplified characters, tables
rendered as pipe rows) and the grids of its tables with each cell's span in that text, so the
table parser never needs to know where a grid came from.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from xxgk.encoding import detect_encoding
from xxgk.parsing.facts import quality_issue
from xxgk.parsing.labels import body_containers
from xxgk.parsing.normalize import (
    MARKDOWN_EMPHASIS,
    PAGE_FOOTER,
    PINYIN_GLOSS,
    clean_layout,
    strip_pinyin_glosses,
    to_simplified,
)

MAX_PDF_PAGES = 80
MAX_DOCX_UNCOMPRESSED = 60 * 1024 * 1024
MAX_TEXT_CHARS = 2_000_000


@dataclass(slots=True)
class Cell:
    """One table cell: its text and its span in the source text, with its table position."""

    text: str
    start: int | None = None
    end: int | None = None
    table_index: int | None = None
    row: int | None = None
    col: int | None = None
    row_end: bool = False
    # the line went on past this cell with a separator and nothing after it ("… | 0 | "): an
    # empty last cell, or only the row's closing pipe
    trailing_gap: bool = False


@dataclass
class Source:
    """A body read into text: the normalised text, its tables' grids, head metadata and issues."""

    source_format: str
    text: str = ""
    original: str | None = None  # pre-conversion text when aligned with ``text`` (for raw strings)
    grids: list[list[list[Cell]]] = field(default_factory=list)
    html_title: str | None = None
    meta: dict = field(default_factory=dict)
    issues: list[dict] = field(default_factory=list)
    status: str = "parsed"
    status_reason: str | None = None


def sniff_format(body: bytes, content_type: str | None, url: str | None) -> str:
    """'html', 'text', 'pdf', 'docx', 'doc' or 'binary' from magic bytes first, then the declared type."""
    head = body[:1024].lstrip()
    if body.startswith(b"%PDF"):
        return "pdf"
    if body.startswith(b"PK\x03\x04"):
        if b"word/" in body[:200_000] or (url or "").lower().endswith(".docx"):
            return "docx"
        if b"xl/" in body[:200_000] or (url or "").lower().endswith(".xlsx"):
            return "xlsx"
        return "binary"
    if body.startswith(b"\xd0\xcf\x11\xe0"):
        # .doc, .wps and .xls share the OLE container; only the name or the declared type tells them apart
        declared = (content_type or "").lower()
        if (url or "").lower().split("?")[0].endswith((".xls", ".et")) or "excel" in declared:
            return "xls"
        return "doc"
    ctype = (content_type or "").split(";")[0].strip().lower()
    low = head[:512].lower()
    if ctype == "text/plain" and not head.startswith(b"<"):
        return "text"
    if low.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in body[:4096].lower() \
            or b"<div" in low or b"<p" in low or b"<table" in low:
        return "html"
    if ctype in ("text/html", "application/xhtml+xml"):
        return "html"
    if b"\x00" in body[:4096] and not body.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    return "text"


_PAGE_NUMBER_LINE = re.compile(r"^\s*(?:[-－—]?\s*\d{1,3}\s*[-－—]?|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?|"
                               r"\d{1,3}\s*/\s*\d{1,3})\s*$")


def strip_page_numbers(pages: list[str]) -> list[str]:
    """Drop a bare page number on the first or last line of each page: inside a table it would
    read as one more value cell."""
    out = []
    for page in pages:
        lines = page.split("\n")
        while lines and not lines[-1].strip():
            lines.pop()
        if len(lines) > 1 and _PAGE_NUMBER_LINE.match(lines[-1]):
            lines.pop()
        if len(lines) > 1 and _PAGE_NUMBER_LINE.match(lines[0]):
            lines.pop(0)
        out.append("\n".join(lines))
    return out


def _normalise_piece(raw: str) -> str:
    return strip_pinyin_glosses(clean_layout(raw))[0]


class _TextBuilder:
    """Accumulates text pieces and remembers where each table cell landed."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.length = 0
        self.strip_glosses = True

    def add(self, piece: str) -> tuple[int, int]:
        start = self.length
        self.pieces.append(piece)
        self.length += len(piece)
        return start, self.length

    def newline(self) -> None:
        if self.pieces and not self.pieces[-1].endswith("\n"):
            self.add("\n")

    def text(self) -> str:
        return "".join(self.pieces)


def _finish(builder: _TextBuilder, source: Source) -> Source:
    original = builder.text()
    simplified = to_simplified(original)
    if len(simplified) != len(original):
        # OpenCC changed the length somewhere: convert cell by cell is not worth it; spans of grids
        # are recomputed by searching each cell in order
        source.issues.append(quality_issue("normalise", "info",
                                           "OpenCC conversion changed the text length; raw strings are simplified",
                                           {"before": len(original), "after": len(simplified)}))
        _respan_cells(source, simplified)
        source.original = None
    else:
        source.original = original
    for grid in source.grids:
        for row in grid:
            for cell in row:
                if cell.start is not None and source.original is not None:
                    cell.text = simplified[cell.start:cell.end]
    source.text = simplified
    return source


def _respan_cells(source: Source, text: str) -> None:
    cursor = 0
    for grid in source.grids:
        for row in grid:
            for cell in row:
                cell.text = to_simplified(cell.text)
                if cell.text:
                    found = text.find(cell.text, cursor)
                    if found >= 0:
                        cell.start, cell.end, cursor = found, found + len(cell.text), found + len(cell.text)
                        continue
                cell.start = cell.end = None


# ---------------------------------------------------------------------------------------- plain text

def from_text(body: bytes, content_type: str | None) -> Source:
    """A plain-text body (a `# source:` first line dropped, PDF page numbers removed)."""
    source = Source("text")
    encoding, how = detect_encoding(body, content_type)
    raw = body.decode(encoding, errors="replace")
    if "\ufffd" in raw:
        source.issues.append(quality_issue("decode", "warning",
                                           f"undecodable bytes replaced ({encoding}, {how})",
                                           {"encoding": encoding, "how": how, "replaced": raw.count("\ufffd")}))
    if raw.startswith("# source:"):
        raw = raw.split("\n", 1)[1] if "\n" in raw else ""
    if len(raw) > MAX_TEXT_CHARS:
        source.issues.append(quality_issue("text-truncated", "warning",
                                           f"text cut at {MAX_TEXT_CHARS} of {len(raw)} characters (limit)",
                                           {"limit": MAX_TEXT_CHARS, "chars": len(raw)}))
        raw = raw[:MAX_TEXT_CHARS]
    if "\f" in raw:  # PDF text with its pages: their numbers are not content
        raw = "\n".join(strip_page_numbers(raw.split("\f")))
    raw = PAGE_FOOTER.sub("", _normalise_piece(raw))
    raw = MARKDOWN_EMPHASIS.sub(lambda m: m.group(1) or m.group(2) or m.group(3), raw)
    builder = _TextBuilder()
    builder.add(raw)
    return _finish(builder, source)


# ---------------------------------------------------------------------------------------- HTML

# td/th/tr reach this set only inside layout tables (tables that hold other tables)
_BLOCK_TAGS = {"td", "th", "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article",
               "header", "footer", "tr", "table", "center", "blockquote", "pre", "dd", "dt", "dl", "form",
               "hr", "tbody", "thead", "nav", "aside", "main"}
_SKIP_TAGS = {"script", "style", "noscript", "template", "iframe", "select", "option", "button", "svg", "head",
              "object"}


def _body_markers() -> tuple[tuple[str | None, str, str], ...]:
    """(tag or None, attribute, value) of each body container of labels/body_containers.csv, the
    list the crawler's families use too: ``#x`` an id, ``.x`` or ``tag.x`` a class."""
    markers = []
    for row in body_containers():
        tag, _, class_name = row.partition(".")
        if row.startswith("#"):
            markers.append((None, "id", row[1:]))
        else:
            markers.append((tag or None, "class", class_name))
    return tuple(markers)


_BODY_MARKERS = _body_markers()


def _container_rank(node) -> int:
    for rank, (tag, attribute, marker) in enumerate(_BODY_MARKERS):
        value = node.get(attribute) or ""
        if tag is not None and node.tag != tag:
            continue
        if (attribute == "id" and value == marker) or (attribute == "class" and marker in value):
            return rank
    return len(_BODY_MARKERS)


_WS = re.compile(r"[ \t\r\n\u00a0\u3000]+")
_HTML_PARSER = None
_XPATH: dict = {}


def _html_parser():
    from lxml import etree

    # huge_tree lifts libxml2's nesting limit from 256 to 2048 levels: CMS pages wrap a report in
    # hundreds of <div>s, and past the limit libxml2 drops everything below it without an error.
    # The input is already capped (MAX_TEXT_CHARS), which is the limit huge_tree also lifts.
    return etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True)


# what a page nested past the parser's limit keeps when it is read again: the tags that carry
# the report's structure (tables, paragraphs, headings, line breaks) and the document's frame
_STRUCTURE_TAGS = "html|head|title|meta|body|table|thead|tbody|tfoot|tr|td|th|caption|p|br|h[1-6]|li"
_NON_STRUCTURE_TAG = re.compile(rf"</?(?!(?:{_STRUCTURE_TAGS})\b)[a-zA-Z][^>]*>")


def _too_deep(parser) -> bool:
    return any(entry.type_name == "ERR_RESOURCE_LIMIT" and "depth" in entry.message for entry in parser.error_log)


# the catalogue fields run together in the page text ("发布机构：X发布日期：2022-01-25"): each value
# stops where the next field label starts
_META_DATE = re.compile(r"(发布日期|發布日期|发文日期|發文日期|成文日期)[\s\u00a0:：]*((?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*"
                        r"[-/.月]\s*\d{1,2})")
_META_PUBLISHER = re.compile(r"(发布机构|發布機構|发文机关|發文機關)[\s\u00a0:：]*([\u4e00-\u9fff（）()]{2,30}?)"
                             r"(?=发布|發布|发文|發文|成文|索引|主题|主題|文号|文號|[\s|]|$)")


def _ensure_html_parser() -> None:
    """The parser and the compiled XPaths, made once per process."""
    from lxml import etree

    global _HTML_PARSER
    if _HTML_PARSER is None:
        _HTML_PARSER = _html_parser()
        _XPATH["string"] = etree.XPath("string()")
        _XPATH["title"] = etree.XPath("//title")
        _XPATH["meta"] = etree.XPath("//meta[@name]")
        _XPATH["body"] = etree.XPath("//body")
        _XPATH["headings"] = etree.XPath("//h1|//h2|//h3")


def from_html(body: bytes, content_type: str | None) -> Source:
    """An HTML page: its body container as text with tables as pipe rows, the page's title,
    meta fields and heading, and the catalogue fields printed outside the body."""
    _ensure_html_parser()
    source = Source("html")
    encoding, how = detect_encoding(body, content_type)
    decoded = body.decode(encoding, errors="replace")
    if decoded.count("\ufffd") > 3:
        source.issues.append(quality_issue("decode", "warning",
                                           f"undecodable bytes replaced ({encoding}, {how})",
                                           {"encoding": encoding, "how": how, "replaced": decoded.count("\ufffd")}))
    decoded = re.sub(r"^\s*<\?xml[^>]*\?>", "", decoded)
    root = _parse_html(decoded, source)
    if root is None:
        return source
    marked_nodes = _marked_elements(root)
    _read_page_head(root, marked_nodes, source)
    container = _body_container(root, marked_nodes)
    # the disclosure catalogue table (发布机构, 发布日期) often sits outside the article body
    page_text = _text_content(root)
    for pattern in (_META_DATE, _META_PUBLISHER):
        for key, value in pattern.findall(page_text):
            source.meta.setdefault(to_simplified(key), to_simplified(_WS.sub(" ", value).strip()))
    builder = _TextBuilder()
    builder.strip_glosses = PINYIN_GLOSS.search(decoded) is not None
    _serialise(container, builder, source)
    return _finish(builder, source)


def _parse_html(decoded: str, source: Source):
    """The page's root element, or None with ``source`` marked failed."""
    from lxml import etree

    try:
        # plain etree elements: lxml.html's element-class lookup costs a Python call per node visited
        root = etree.fromstring(decoded[:MAX_TEXT_CHARS * 2] or "<html></html>", _HTML_PARSER)
        if _too_deep(_HTML_PARSER):
            # libxml2 stops reading below its depth limit and keeps what was above: read the page
            # again without its container tags (div, span, font, …), and say so
            root = etree.fromstring(_NON_STRUCTURE_TAG.sub("", decoded[:MAX_TEXT_CHARS * 2]), _HTML_PARSER)
            if _too_deep(_HTML_PARSER):
                source.status = "failed"
                source.status_reason = ("html nested deeper than the parser's limit (2048 levels), "
                                        "even with its container tags removed")
                return None
            source.issues.append(quality_issue("deep-nesting", "warning",
                                               "html nested deeper than the parser's limit (2048 levels): read "
                                               "again with container tags removed (body container not used)",
                                               {"limit": 2048}))
        if root is None:
            raise ValueError("document is empty")
    except (etree.LxmlError, ValueError) as exc:
        source.status, source.status_reason = "failed", f"html parse error: {exc}"
        return None
    return root


def _marked_elements(root) -> list:
    """The elements with an id or a class, in document order (where body containers are marked):
    a walk over the tree is faster than lxml's XPath for this, and contains() slower still."""
    from lxml import etree

    return [node for node in root.iter(etree.Element) if node.attrib and ("class" in node.attrib or "id" in node.attrib)]


def _read_page_head(root, marked_nodes: list, source: Source) -> None:
    """The page's <title>, its named <meta> fields and a heading that names the report."""
    title_nodes = _XPATH["title"](root)
    if title_nodes:
        source.html_title = to_simplified(_WS.sub(" ", _text_content(title_nodes[0])).strip()) or None
    for meta in _XPATH["meta"](root):
        name = (meta.get("name") or "").lower()
        if name in ("articletitle", "pubdate", "contentsource", "firstpublishedtime", "publishdate", "generator"):
            source.meta[name] = to_simplified((meta.get("content") or "").strip())
    titled = [node for node in marked_nodes if "title" in (node.get("class") or "")]
    for heading in [*_XPATH["headings"](root)[:10], *titled[:10]]:
        text = _WS.sub(" ", _text_content(heading)).strip()
        if 6 <= len(text) <= 80 and ("报告" in text or "報告" in text or "年报" in text or "年報" in text):
            # the page's own heading often sits outside the article body container
            source.meta.setdefault("heading", to_simplified(text))
            break


def _body_container(root, marked_nodes: list):
    """The first known body container (in the order of _BODY_MARKERS) with some text, else <body>."""
    marked = [node for node in marked_nodes if _container_rank(node) < len(_BODY_MARKERS)]
    for found in sorted(marked, key=_container_rank):
        if len(_text_content(found).strip()) > 200:
            return found
    bodies = _XPATH["body"](root)
    return bodies[0] if bodies else root


def _serialise(node, builder: _TextBuilder, source: Source) -> None:
    tag = node.tag if isinstance(node.tag, str) else ""
    tag = tag.lower()
    if tag in _SKIP_TAGS:
        if node.tail:
            _add_inline(builder, node.tail)
        return
    if tag == "table" and node.find(".//table") is None:
        builder.newline()
        _serialise_table(node, builder, source)
        builder.newline()
    else:
        if tag in _BLOCK_TAGS:
            builder.newline()
        if node.text and tag:
            _add_inline(builder, node.text)
        for child in node:
            _serialise(child, builder, source)
        if tag in _BLOCK_TAGS:
            builder.newline()
    if node.tail:
        _add_inline(builder, node.tail)


def _add_inline(builder: _TextBuilder, raw: str) -> None:
    if builder.strip_glosses:
        raw = PINYIN_GLOSS.sub("", raw)
    piece = _WS.sub(" ", raw.replace("\u200b", "").replace("\ufeff", ""))
    if piece.strip():
        if builder.pieces and builder.pieces[-1].endswith("\n"):
            piece = piece.lstrip()
        builder.add(piece)


def _text_content(node) -> str:
    return str(_XPATH["string"](node))


def _serialise_table(table, builder: _TextBuilder, source: Source) -> None:
    """A table with no table inside as pipe rows in the text, and as a grid of cells with their spans."""
    rows = [tr for tr in table.iter("tr") if _closest_table(tr) is table]
    _add_grid(len(rows), _table_cells(rows, builder.strip_glosses), builder, source)


def _table_cells(rows: list, strip_glosses: bool) -> dict[tuple[int, int], str]:
    """(row, column) → text of each cell, a merged cell repeated over every position it spans."""
    grid_text: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(rows):
        c = 0
        for td in tr:
            tag = td.tag
            if tag not in ("td", "th", "TD", "TH"):
                continue
            while (r, c) in grid_text:
                c += 1
            # most cells hold bare text; string() is only needed for cells with markup inside
            raw = (td.text or "") if len(td) == 0 else str(_XPATH["string"](td))
            if strip_glosses:
                raw = PINYIN_GLOSS.sub("", raw)
            # a printable text without a space holds no whitespace at all (every other whitespace
            # character is unprintable): most cells ("0", a label) need no collapsing
            text = raw if raw.isprintable() and " " not in raw else _WS.sub(" ", raw).strip()
            rowspan_attr, colspan_attr = td.get("rowspan"), td.get("colspan")
            if rowspan_attr is None and colspan_attr is None:
                grid_text[(r, c)] = text
                c += 1
                continue
            rowspan, colspan = _span(rowspan_attr), _span(colspan_attr)
            if rowspan == 1 and colspan == 1:
                grid_text[(r, c)] = text
            else:
                for dr in range(rowspan):
                    for dc in range(colspan):
                        grid_text.setdefault((r + dr, c + dc), text)
            c += colspan
    return grid_text


def _add_grid(row_count: int, grid_text: dict[tuple[int, int], str], builder: _TextBuilder, source: Source) -> None:
    by_row: dict[int, list[int]] = {}
    for r, c in grid_text:
        by_row.setdefault(r, []).append(c)
    table_index = len(source.grids)
    grid: list[list[Cell]] = []
    for r in range(row_count):
        columns = sorted(by_row.get(r, ()))
        if not columns:
            continue
        texts = [grid_text[(r, c)] for c in columns]
        position, _ = builder.add(" | ".join(texts) + "\n")
        row_cells = []
        for c, text in zip(columns, texts):
            row_cells.append(Cell(text, position, position + len(text), table_index, r, c))
            position += len(text) + 3
        row_cells[-1].row_end = True
        grid.append(row_cells)
    source.grids.append(grid)


def _closest_table(node):
    parent = node.getparent()
    while parent is not None and (not isinstance(parent.tag, str) or parent.tag.lower() != "table"):
        parent = parent.getparent()
    return parent


def _span(value: str | None) -> int:
    if value is None:
        return 1
    try:
        return max(1, min(int(str(value).strip()), 200))
    except (TypeError, ValueError):
        return 1


# ---------------------------------------------------------------------------------------- PDF

def _pdf_errors() -> tuple[type[BaseException], ...]:
    import struct
    import zlib

    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    return (PDFSyntaxError, PSException, PdfminerException, ValueError, KeyError, TypeError, AttributeError,
            IndexError, AssertionError, struct.error, zlib.error, RecursionError)


# a table within this fraction of the page height from the foot (top) touches the page break
PAGE_EDGE = 0.2


def from_pdf(body: bytes) -> Source:
    """A PDF's text layer page by page, with pdfplumber's ruled tables as grids."""
    import pdfplumber

    _PDF_ERRORS = _pdf_errors()
    source = Source("pdf")
    builder = _TextBuilder()
    try:
        with pdfplumber.open(io.BytesIO(body)) as pdf:
            creator = (pdf.metadata or {}).get("Creator")
            if isinstance(creator, str):
                source.meta["generator"] = creator
            pages = pdf.pages
            if len(pages) > MAX_PDF_PAGES:
                source.issues.append(quality_issue("pdf-pages", "warning",
                                                   f"only the first {MAX_PDF_PAGES} of {len(pages)} pages read",
                                                   {"pages": len(pages)}))
            ended_at_page_foot = False
            for page in pages[:MAX_PDF_PAGES]:
                # faux bold draws each glyph twice, a hair apart (wkhtmltopdf's <strong>): 海海南南
                page = page.dedupe_chars()
                tables = page.find_tables()
                for number, table in enumerate(tables):
                    # a table the page break cut in two (as table 三 usually is) continues on the next
                    # page with no header: its rows join the previous grid instead of starting a table
                    continues = (number == 0 and ended_at_page_foot and source.grids
                                 and table.bbox[1] < page.height * PAGE_EDGE)
                    if not continues:
                        source.grids.append([])
                    grid = source.grids[-1]
                    table_index = len(source.grids) - 1
                    for row in table.extract():
                        r = len(grid)
                        # None is a position a merged cell covers, "" a cell left empty (a blank value)
                        cells = [Cell(to_simplified(_normalise_piece(value)).replace("\n", ""),
                                      None, None, table_index, r, c) for c, value in enumerate(row) if value is not None]
                        if cells:
                            cells[-1].row_end = True
                            grid.append(cells)
                ended_at_page_foot = bool(tables) and tables[-1].bbox[3] > page.height * (1 - PAGE_EDGE)
                page_text = strip_page_numbers([page.extract_text() or ""])[0]
                builder.add(_normalise_piece(page_text))
                builder.add("\n")
    except _PDF_ERRORS as exc:  # pdfminer raises many unrelated types on broken files
        source.status, source.status_reason = "failed", f"pdf: {type(exc).__name__}: {exc}"[:500]
        return source
    text = PAGE_FOOTER.sub("", builder.text())
    source.text = to_simplified(text)
    source.original = text if len(source.text) == len(text) else None
    if not source.text.strip():
        source.status, source.status_reason = "unsupported", "pdf has no text layer (image-only, needs OCR)"
    return source


# ---------------------------------------------------------------------------------------- DOCX

def from_docx(body: bytes) -> Source:
    """A DOCX's paragraphs and tables in document order, tables as pipe rows."""
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    from xxgk import office

    source = Source("docx")
    try:
        office.open_zip(body, max_uncompressed=MAX_DOCX_UNCOMPRESSED)
    except office.ConversionFailed as exc:
        source.status, source.status_reason = "failed", f"docx: {exc}"[:500]
        return source
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(body))
        if document.core_properties.author:
            source.meta["generator"] = document.core_properties.author
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, AttributeError, etree.XMLSyntaxError,
            PackageNotFoundError) as exc:  # python-docx / zipfile raise several types on corrupt files
        source.status, source.status_reason = "failed", f"docx: {type(exc).__name__}: {exc}"[:500]
        return source
    builder = _TextBuilder()
    for child in document.element.body.iterchildren():
        if builder.length >= MAX_TEXT_CHARS:
            # as a .txt body is cut: the first 2 M characters hold any real report; what follows
            # is not read (whole paragraphs and tables only, so no table is cut mid-row)
            source.issues.append(quality_issue("text-truncated", "warning",
                                               f"docx text cut at {builder.length} characters (limit {MAX_TEXT_CHARS})",
                                               {"limit": MAX_TEXT_CHARS}))
            break
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = _WS.sub(" ", _normalise_piece(Paragraph(child, document).text[:MAX_TEXT_CHARS])).strip()
            if text:
                builder.add(text)
                builder.add("\n")
        elif tag == "tbl":
            _add_docx_table(Table(child, document), builder, source)
    return _finish(builder, source)


def _add_docx_table(table, builder: _TextBuilder, source: Source) -> None:
    table_index = len(source.grids)
    grid = []
    for r, row in enumerate(table.rows):
        cells = []
        for c, cell in enumerate(row.cells):
            if c:
                builder.add(" | ")
            text = _WS.sub(" ", _normalise_piece(cell.text)).strip()
            start, end = builder.add(text)
            cells.append(Cell(text, start, end, table_index, r, c))
        if cells:
            cells[-1].row_end = True
            grid.append(cells)
        builder.add("\n")
    source.grids.append(grid)


def load(body: bytes, content_type: str | None, url: str | None) -> Source:
    """A landed body read by its sniffed format; unreadable or unsupported bodies say so in ``status``."""
    kind = sniff_format(body, content_type, url)
    if kind == "html":
        return from_html(body, content_type)
    if kind == "text":
        return from_text(body, content_type)
    if kind == "pdf":
        return from_pdf(body)
    if kind == "docx":
        return from_docx(body)
    if kind == "doc":
        from xxgk import office

        try:
            converted = office.doc_to_text(body)
        except (office.ConversionUnavailable, office.ConversionFailed) as exc:
            source = Source("text", status="unsupported", status_reason=f"legacy .doc: {exc}"[:500])
            source.issues.append(quality_issue("unsupported-format", "warning",
                                               source.status_reason, {"url": url}))
            return source
        source = from_text(converted.encode("utf-8"), "text/plain; charset=utf-8")
        source.issues.append(quality_issue("converted", "info",
                                           "legacy .doc converted to text (tables flattened)"))
        return source
    if kind in ("xlsx", "xls"):
        from xxgk import office

        try:
            grids = office.xlsx_to_grids(body) if kind == "xlsx" else office.xls_to_grids(body)
        except (office.ConversionUnavailable, office.ConversionFailed) as exc:
            # no converter here: unsupported; a file that breaks a limit or does not parse: failed
            status = "unsupported" if isinstance(exc, office.ConversionUnavailable) else "failed"
            reason = str(exc) if str(exc).startswith(kind) else f"{kind}: {exc}"
            source = Source("text", status=status, status_reason=reason[:500])
            source.issues.append(quality_issue("unsupported-format", "warning",
                                               source.status_reason, {"url": url}))
            return source
        # spreadsheet rows become pipe rows, the shape the text table reader already understands
        text = "\n\n".join("\n".join(" | ".join(row) for row in grid) for grid in grids)
        source = from_text(text.encode("utf-8"), "text/plain; charset=utf-8")
        source.issues.append(quality_issue("converted", "info",
                                           f"{kind} converted to pipe rows", {"sheets": len(grids)}))
        return source
    source = Source("text")
    source.status = "unsupported"
    source.status_reason = "binary body of unknown format"
    source.issues.append(quality_issue("unsupported-format", "warning", source.status_reason,
                                       {"content_type": content_type, "url": url}))
    return source
