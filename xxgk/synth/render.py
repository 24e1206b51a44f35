"""A synthetic report rendered the ways real reports arrive: an HTML page with the official
rowspan/colspan tables, flattened text with realistic noise, a DOCX attachment, a PDF."""

from __future__ import annotations

import html
import io
import re
import zipfile
from datetime import UTC, datetime

from xxgk.synth.report import (
    COLUMN_LABELS,
    COLUMNS,
    GENERATOR,
    SIGNED,
    T3_HEADER_NOTE,
    T4_GROUPS,
    T4_PART_LABELS,
    T4_PARTS,
    SynthReport,
)

def format_cell(value) -> str:
    """A table 三 or 四 cell as printed: blank for None."""
    return "" if value is None else str(value)


def _cell_text(key: str, value) -> str:
    if value is None:
        return ""
    if key in SIGNED and isinstance(value, int) and value > 0:
        return f"+{value}"
    return str(value)


def _preamble(report: SynthReport) -> list[str]:
    r = report
    received = r.table3["applications_received"]["total"]
    processed = r.table3["results_total"]["total"]
    return [
        f"本报告由{r.issuer}办公室根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定编制。"
        f"本报告所列数据的统计期限自{r.report_year}年1月1日起至{r.report_year}年12月31日止。",
        "一、总体情况",
        f"（一）主动公开情况。{r.report_year}年，认真落实《条例》各项规定，依法做好主动公开工作。",
        f"（二）依申请公开情况。{r.report_year}年，共受理政府信息公开申请{received}件，办结{processed}件。",
        "（三）政府信息管理情况。坚持“先审查、后公开”原则。",
        "（四）政府信息公开平台建设情况。持续优化政务公开专栏。",
        "（五）政府信息公开监督保障情况。定期开展栏目检查。",
    ]


def _closing(report: SynthReport) -> list[str]:
    lines = ["五、存在的主要问题及改进情况", "政策解读形式仍需丰富，下一步将加强培训。", "六、其他需要报告的事项"]
    if report.fee_income_yuan is not None:
        lines.append(f"{report.report_year}年，全年收取政府信息公开信息处理费{report.fee_income_yuan}元。")
    else:
        lines.append("本年度无其他需要报告的事项。")
    return lines


# --- HTML ---------------------------------------------------------------------------------------

def _td(text, rowspan: int = 1, colspan: int = 1) -> str:
    attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
    body = html.escape(str(text)) if text not in (None, "") else "&nbsp;"
    return f"<td{attrs}>{body}</td>"


def table2_html(report: SynthReport) -> str:
    """Table 二 as an HTML table: block and header rows, the last cell of each row spanning to the edge."""
    rows = []
    for block, headers, block_rows in report.t2_blocks:
        width = 4
        rows.append(f"<tr>{_td(block, colspan=width)}</tr>")
        span_last = width - len(headers) + 1
        rows.append("<tr>" + "".join(_td(h, colspan=span_last if i == len(headers) - 1 else 1)
                                     for i, h in enumerate(headers)) + "</tr>")
        for label, keys in block_rows:
            cells = [_td(label)] + [_td(_cell_text(k, report.table2.get(k)),
                                        colspan=span_last if i == len(keys) - 1 else 1) for i, k in enumerate(keys)]
            rows.append("<tr>" + "".join(cells) + "</tr>")
    return '<table border="1" class="MsoNormalTable">' + "".join(rows) + "</table>"


def table3_html(report: SynthReport) -> str:
    """Table 三 in the official layout, with the report's values."""
    return table3_layout_html(report.t3_rows, lambda key: [_td(format_cell(report.table3[key][c])) for c in COLUMNS],
                              'border="1" class="MsoNormalTable"')


def table3_layout_html(rows_spec, value_cells, table_attrs: str = 'border="1"') -> str:
    """Table 三 as the official template lays it out (merged header and label cells), with the
    value ``<td>``s of each row key given by ``value_cells(key)``."""
    rows = [
        f'<tr>{_td(T3_HEADER_NOTE, rowspan=3, colspan=3)}{_td("申请人情况", colspan=7)}</tr>',
        f'<tr>{_td("自然人", rowspan=2)}{_td("法人或其他组织", colspan=5)}{_td("总计", rowspan=2)}</tr>',
        "<tr>" + "".join(_td(t) for t in COLUMN_LABELS[1:6]) + "</tr>",
    ]
    spans: dict = {}
    for parent, group, _label, _key in rows_spec:
        spans[parent] = spans.get(parent, 0) + 1
        spans[(parent, group)] = spans.get((parent, group), 0) + 1
    seen = set()
    for parent, group, label, key in rows_spec:
        cells = []
        if parent is None:
            cells.append(_td(label, colspan=3))
        else:
            if parent not in seen:
                seen.add(parent)
                cells.append(_td(parent, rowspan=spans[parent]))
            if group is None:
                cells.append(_td(label, colspan=2))
            else:
                if (parent, group) not in seen:
                    seen.add((parent, group))
                    cells.append(_td(group, rowspan=spans[(parent, group)]))
                cells.append(_td(label))
        cells += value_cells(key)
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table {table_attrs}>" + "".join(rows) + "</table>"


def table4_html(report: SynthReport) -> str:
    """Table 四: the two-level header and one row of values."""
    values = [report.table4[g][p] for g in T4_GROUPS for p in T4_PARTS]
    return (
        '<table border="1"><tr>' + _td("行政复议", colspan=5) + _td("行政诉讼", colspan=10) + "</tr><tr>"
        + "".join(_td(p, rowspan=2) for p in T4_PART_LABELS)
        + _td("未经复议直接起诉", colspan=5) + _td("复议后起诉", colspan=5) + "</tr><tr>"
        + "".join(_td(p) for p in T4_PART_LABELS * 2) + "</tr><tr>"
        + "".join(_td(format_cell(v)) for v in values) + "</tr></table>"
    )


def render_body_html(report: SynthReport) -> str:
    """The article body only: paragraphs and the three tables."""
    paragraphs = [f'<p style="text-align:center"><strong>{html.escape(report.title)}</strong></p>']
    paragraphs += [f"<p>{html.escape(line)}</p>" for line in _preamble(report)]
    paragraphs.append("<p>二、主动公开政府信息情况</p>" + table2_html(report))
    paragraphs.append("<p>三、收到和处理政府信息公开申请情况</p>" + table3_html(report))
    paragraphs.append("<p>四、政府信息公开行政复议、行政诉讼情况</p>" + table4_html(report))
    paragraphs += [f"<p>{html.escape(line)}</p>" for line in _closing(report)]
    return "\n".join(paragraphs)


def render_html(report: SynthReport, *, traditional: bool = False, container: str = "TRS_Editor",
                encoding_declared: str = "utf-8", body_html: str | None = None) -> str:
    """A whole portal page: head metadata, site chrome, a disclosure metadata table and the article."""
    body = body_html if body_html is not None else render_body_html(report)
    page = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={encoding_declared}">
<title>{html.escape(report.title)}_{html.escape(report.place)}人民政府门户网站</title>
<meta name="ArticleTitle" content="{html.escape(report.title)}">
<meta name="PubDate" content="{report.publication_date} 09:30">
<meta name="ContentSource" content="{html.escape(report.issuer)}">
<meta name="generator" content="{GENERATOR}">
</head><body>
<div class="header"><a href="#">首页</a> | <a href="#">政务公开</a> | <a href="#">繁體版</a> | <a href="#">无障碍</a></div>
<div class="content-table"><table>
<tr><td>索引号：</td><td>{report.province_code}/{report.report_year + 1}-00012</td><td>主题分类：</td><td>政务公开</td></tr>
<tr><td>发布机构：</td><td>{html.escape(report.issuer)}</td><td>发布日期：</td><td>{report.publication_date}</td></tr>
</table></div>
<div class="{container}">
{body}
</div>
<div class="footer">主办：{html.escape(report.issuer)}办公室 ICP备05001234号</div>
</body></html>"""
    return _to_traditional(page) if traditional else page


# --- text -------------------------------------------------------------------------------------

NOISE_OPTIONS = frozenset({"pipes", "cell_per_line", "wrapped_labels", "vertical_labels", "pdf_spacing",
                           "traditional", "fullwidth_digits", "ascii_punct"})


def _table_rows_text(report: SynthReport) -> list[list[str]]:
    """All three tables as rows of cells, labels first, as a PDF or a pasted page gives them."""
    rows: list[list[str]] = []
    for block, headers, block_rows in report.t2_blocks:
        rows.append([block])
        rows.append(list(headers))
        for label, keys in block_rows:
            rows.append([label, *(_cell_text(k, report.table2.get(k)) for k in keys)])
    return rows


def render_text(report: SynthReport, *, noise: frozenset[str] | set[str] = frozenset()) -> str:
    """The report as flattened text (PDF extraction, pasted pages), with the given noise."""
    unknown = set(noise) - NOISE_OPTIONS
    if unknown:
        raise ValueError(f"unknown noise options {sorted(unknown)}")
    sep = " | " if "pipes" in noise else " "
    lines = [report.title, *_preamble(report), "二、主动公开政府信息情况"]

    def emit(cells: list[str]) -> None:
        if "cell_per_line" in noise:
            lines.extend(cells)
            lines.append("")
        else:
            lines.append(sep.join(cells))

    for row in _table_rows_text(report):
        emit(row)
    lines.append("三、收到和处理政府信息公开申请情况")
    lines += [T3_HEADER_NOTE, "申请人情况", "自然人 法人或其他组织 总计", "商业企业 科研机构 社会公益组织 法律服务机构 其他"]
    parent_chars = list("三、本年度办理结果")
    for parent, group, label, key in report.t3_rows:
        values = [format_cell(report.table3[key][c]) for c in COLUMNS]
        full = "".join(part for part in (group, label) if part) if group and label.startswith("1.") else label
        if "vertical_labels" in noise and parent and parent_chars:
            lines.append(parent_chars.pop(0))
        if "wrapped_labels" in noise and len(full) > 14 and "cell_per_line" not in noise:
            cut = len(full) // 2
            lines.append(full[:cut])
            emit(values)
            lines.append(full[cut:])
        else:
            emit([full, *values])
    lines.append("四、政府信息公开行政复议、行政诉讼情况")
    lines += ["行政复议 行政诉讼", "未经复议直接起诉 复议后起诉",
              " ".join(T4_PART_LABELS) + " " + " ".join(T4_PART_LABELS * 2)]
    emit([format_cell(report.table4[g][p]) for g in T4_GROUPS for p in T4_PARTS])
    lines += _closing(report)
    return _with_character_noise("\n".join(lines) + "\n", noise)


def _with_character_noise(text: str, noise: frozenset[str] | set[str]) -> str:
    """The noise that rewrites the finished text rather than its layout: spacing and page numbers,
    punctuation, digits, script."""
    if "pdf_spacing" in noise:
        text = re.sub(r"(\d)(年|月|日|件|元)", r"\1 \2", text)
        out, page = [], 1
        for number, line in enumerate(text.split("\n"), 1):
            if number % 40 == 0 and line:
                page += 1
                line = f"- {page - 1} -{line}"
            out.append(line)
        text = "\n".join(out)
    if "ascii_punct" in noise:
        text = text.translate(str.maketrans({"（": "(", "）": ")", "，": ",", "：": ":"}))
    if "fullwidth_digits" in noise:
        text = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if "traditional" in noise:
        text = _to_traditional(text)
    return text


def _to_traditional(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2t").convert(text)


# --- DOCX -------------------------------------------------------------------------------------

def render_docx(report: SynthReport) -> bytes:
    """A Word document with the three tables as real Word tables (merged cells as in the template)."""
    from docx import Document

    document = Document()
    document.add_heading(report.title, level=1)
    for line in _preamble(report):
        document.add_paragraph(line)
    document.add_paragraph("二、主动公开政府信息情况")
    _docx_table2(document, report)
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    _docx_table3(document, report)
    document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    _docx_table4(document, report)
    for line in _closing(report):
        document.add_paragraph(line)
    document.core_properties.author = GENERATOR
    document.core_properties.created = document.core_properties.modified = STABLE_TIME
    buffer = io.BytesIO()
    document.save(buffer)
    return _stable_zip(buffer.getvalue())


def _docx_table2(document, report: SynthReport) -> None:
    """Table 二 as a Word table: block and header rows merged across to the last column."""
    t2_rows = _table_rows_text(report)
    table = document.add_table(rows=len(t2_rows), cols=4)
    for r, row in enumerate(t2_rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
        if len(row) < 4:
            table.cell(r, len(row) - 1).merge(table.cell(r, 3))
            table.cell(r, len(row) - 1).text = row[-1]


def _docx_table3(document, report: SynthReport) -> None:
    """Table 三 with the template's merged header and label cells."""
    t3 = document.add_table(rows=3 + len(report.t3_rows), cols=10)
    t3.cell(0, 0).merge(t3.cell(2, 2)).text = T3_HEADER_NOTE
    t3.cell(0, 3).merge(t3.cell(0, 9)).text = "申请人情况"
    t3.cell(1, 3).merge(t3.cell(2, 3)).text = "自然人"
    t3.cell(1, 4).merge(t3.cell(1, 8)).text = "法人或其他组织"
    t3.cell(1, 9).merge(t3.cell(2, 9)).text = "总计"
    for i, label in enumerate(COLUMN_LABELS[1:6]):
        t3.cell(2, 4 + i).text = label
    for r, (parent, group, label, key) in enumerate(report.t3_rows, start=3):
        if parent is None:
            t3.cell(r, 0).merge(t3.cell(r, 2)).text = label
        else:
            t3.cell(r, 0).text = parent
            if group is None:
                t3.cell(r, 1).merge(t3.cell(r, 2)).text = label
            else:
                t3.cell(r, 1).text = group
                t3.cell(r, 2).text = label
        for c, column in enumerate(COLUMNS):
            t3.cell(r, 3 + c).text = format_cell(report.table3[key][column])


def _docx_table4(document, report: SynthReport) -> None:
    """Table 四: the two-level header over one row of values."""
    t4 = document.add_table(rows=4, cols=15)
    t4.cell(0, 0).merge(t4.cell(0, 4)).text = "行政复议"
    t4.cell(0, 5).merge(t4.cell(0, 14)).text = "行政诉讼"
    for i, label in enumerate(T4_PART_LABELS):
        t4.cell(1, i).merge(t4.cell(2, i)).text = label
    t4.cell(1, 5).merge(t4.cell(1, 9)).text = "未经复议直接起诉"
    t4.cell(1, 10).merge(t4.cell(1, 14)).text = "复议后起诉"
    for i, label in enumerate(T4_PART_LABELS * 2):
        t4.cell(2, 5 + i).text = label
    for i, value in enumerate(report.table4[g][p] for g in T4_GROUPS for p in T4_PARTS):
        t4.cell(3, i).text = format_cell(value)


# python-docx stamps every zip entry with the time of saving: the same report rendered twice (the
# sample portal restarted) would be new bytes, a new body to land and a new report id
STABLE_TIME = datetime(2024, 1, 1, tzinfo=UTC)


def _stable_zip(data: bytes) -> bytes:
    """The zip with every entry's timestamp fixed, so equal content is equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            stable = zipfile.ZipInfo(info.filename, date_time=STABLE_TIME.timetuple()[:6])
            stable.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(stable, source.read(info))
    return out.getvalue()


# --- PDF --------------------------------------------------------------------------------------

# reportlab SPAN ranges: ((first column, first row), (last column, last row)) of each merged cell
Spans = list[tuple[tuple[int, int], tuple[int, int]]]


def render_pdf(report: SynthReport) -> bytes:
    """A PDF as offices print them from Word: ruled tables with merged cells, in a CJK CID font.

    Needs reportlab (a test and benchmark dependency); its built-in STSong-Light font is not
    embedded, which is how many real reports ship, and pdfminer maps it back through the
    Adobe-GB1 CMaps it carries.
    """
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=10, leading=14)
    cell = ParagraphStyle("cell", fontName="STSong-Light", fontSize=7, leading=9)

    def ruled(rows: list[list[str]], spans: Spans, widths=None) -> Table:
        data = [[Paragraph(html.escape(text), cell) if text else "" for text in row] for row in rows]
        table = Table(data, colWidths=widths, repeatRows=0)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("FONTNAME", (0, 0), (-1, -1), "STSong-Light"),
                                   ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                   *(("SPAN", a, b) for a, b in spans)]))
        return table

    story = [Paragraph(html.escape(report.title), body), Spacer(1, 6)]
    story += [Paragraph(html.escape(line), body) for line in _preamble(report)]
    story.append(Paragraph("二、主动公开政府信息情况", body))
    t2_rows = [row + [""] * (4 - len(row)) for row in _table_rows_text(report)]
    t2_spans = [((len(row) - 1, r), (3, r)) for r, row in enumerate(_table_rows_text(report)) if len(row) < 4]
    story.append(ruled(t2_rows, t2_spans))
    story.append(Paragraph("三、收到和处理政府信息公开申请情况", body))
    t3, spans = _pdf_table3_grid(report)
    story.append(ruled(t3, spans, widths=[60, 80, 150] + [50] * 7))
    story.append(Paragraph("四、政府信息公开行政复议、行政诉讼情况", body))
    t4, t4_spans = _pdf_table4_grid(report)
    story.append(ruled(t4, t4_spans))
    story += [Paragraph(html.escape(line), body) for line in _closing(report)]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=landscape(A4), title=report.title, creator=GENERATOR, leftMargin=30,
                      rightMargin=30).build(story)
    return buffer.getvalue()


def _pdf_table3_grid(report: SynthReport) -> tuple[list[list[str]], Spans]:
    """Table 三 as a grid of cell texts and the SPAN ranges ((col, row), (col, row)) that merge it."""
    t3 = [[""] * 10 for _ in range(3 + len(report.t3_rows))]
    spans = [((0, 0), (2, 2)), ((3, 0), (9, 0)), ((3, 1), (3, 2)), ((4, 1), (8, 1)), ((9, 1), (9, 2))]
    t3[0][0], t3[0][3], t3[1][3], t3[1][4], t3[1][9] = T3_HEADER_NOTE, "申请人情况", "自然人", "法人或其他组织", "总计"
    for i, label in enumerate(COLUMN_LABELS[1:6]):
        t3[2][4 + i] = label
    for r, (parent, group, label, key) in enumerate(report.t3_rows, start=3):
        if parent is None:
            t3[r][0] = label
            spans.append(((0, r), (2, r)))
        else:
            t3[r][0] = parent
            if group is None:
                t3[r][1] = label
                spans.append(((1, r), (2, r)))
            else:
                t3[r][1], t3[r][2] = group, label
        for c, column in enumerate(COLUMNS):
            t3[r][3 + c] = format_cell(report.table3[key][column])
    return t3, spans


def _pdf_table4_grid(report: SynthReport) -> tuple[list[list[str]], Spans]:
    """Table 四 as a grid of cell texts and the SPAN ranges that merge its header."""
    t4 = [[""] * 15 for _ in range(4)]
    t4[0][0], t4[0][5], t4[1][5], t4[1][10] = "行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉"
    t4_spans = [((0, 0), (4, 0)), ((5, 0), (14, 0)), ((5, 1), (9, 1)), ((10, 1), (14, 1))]
    for i, label in enumerate(T4_PART_LABELS):
        t4[1][i] = label
        t4_spans.append(((i, 1), (i, 2)))
    for i, label in enumerate(T4_PART_LABELS * 2):
        t4[2][5 + i] = label
    for i, value in enumerate(report.table4[g][p] for g in T4_GROUPS for p in T4_PARTS):
        t4[3][i] = format_cell(value)
    return t4, t4_spans
