"""Table 三 and 四 of one report flattened into text in the layouts real pages use: every layout
must give the same cells as the generator's answer, or say it cannot (an issue, no number)."""

from __future__ import annotations

import pytest

from xxgk import synth
from xxgk.parsing.extract import extract_document

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _values(report, key):
    return [synth.format_cell(report.table3[key][c]) for c in synth.COLUMNS]


def _t4(report):
    return [synth.format_cell(report.table4[g][p]) for g in synth.T4_GROUPS for p in synth.T4_PARTS]


def _grid_rows(report, merged: str):
    """Table 三 as an HTML grid flattened into pipes: three label columns (parent, group, row);
    a merged cell's other positions are empty (``merged='empty'``) or repeat its text."""
    rows = [["申请人情况", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
            ["", "", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]]
    for parent, group, label, key in report.t3_rows:
        if parent is None:  # 一、本年新收… spans the three label columns
            cells = [label, label, label] if merged == "repeat" else [label, "", ""]
        elif group is None:  # （一）予以公开 spans the group and row columns
            cells = [parent, label, label] if merged == "repeat" else [parent, label, ""]
        else:
            cells = [parent, group, label]
        rows.append(cells + _values(report, key))
    return rows


def _text(report, table3_lines: list[str], table4_line: str) -> str:
    head = [report.title, "一、总体情况", f"{report.report_year}年，{report.issuer}认真贯彻落实《条例》。",
            "三、收到和处理政府信息公开申请情况", synth.T3_HEADER_NOTE]
    tail = ["四、政府信息公开行政复议、行政诉讼情况", "行政复议 行政诉讼", "未经复议直接起诉 复议后起诉",
            " ".join(synth.T4_PART_LABELS * 3), table4_line, "五、存在的主要问题及改进情况", "无。"]
    return "\n".join(head + table3_lines + tail) + "\n"


def layout_pipes_merged_empty(report):
    return _text(report, [" | ".join(r) for r in _grid_rows(report, "empty")], " | ".join(_t4(report)))


def layout_pipes_merged_repeated(report):
    return _text(report, ["|" + "|".join(r) + "|" for r in _grid_rows(report, "repeat")], "|".join(_t4(report)))


def layout_tabs_fullwidth(report):
    lines = ["\t".join(r[:3]).strip("\t") + "\t" + "\t".join(r[3:]) for r in _grid_rows(report, "empty")]
    return _text(report, lines, "\t".join(_t4(report))).translate(FULLWIDTH)


def layout_cell_per_line_blank_separated(report):
    """Each cell on its own line followed by an empty line; an empty cell is one empty line more."""
    lines = []
    for _parent, _group, label, key in report.t3_rows:
        for cell in (label, *_values(report, key)):
            lines += [cell, ""] if cell else [""]
    t4 = []
    for cell in _t4(report):
        t4 += [cell, ""] if cell else [""]
    return _text(report, ["自然人", "", "商业企业", "", "总计", ""] + lines, "\n".join(t4))


def layout_columns_reordered(report):
    """The 总计 column printed first, the applicant columns after it, in one header line."""
    order = [6, 0, 1, 2, 3, 4, 5]
    header = " ".join(synth.COLUMN_LABELS[i] for i in order)
    lines = [header]
    for _parent, _group, label, key in report.t3_rows:
        values = _values(report, key)
        lines.append(" | ".join([label] + [values[i] for i in order]))
    return _text(report, lines, " | ".join(_t4(report)))


def layout_wrapped_labels_in_pipes(report):
    """Long labels broken over two lines, the values on the first."""
    lines = []
    for _parent, _group, label, key in report.t3_rows:
        if len(label) > 12:
            lines.append(" | ".join([label[:10], *_values(report, key)]))
            lines.append(label[10:])
        else:
            lines.append(" | ".join([label, *_values(report, key)]))
    return _text(report, lines, " | ".join(_t4(report)))


def layout_wrapped_labels_rows_missing(report):
    """Wrapped labels, and a row the page lost (so the template's row order cannot stand in for
    the labels): the other rows must still be the right rows."""
    text = layout_wrapped_labels_in_pipes(report)
    lost = next(line for line in text.split("\n") if line.startswith("（七）总计"))
    return text.replace(lost + "\n", "")


LAYOUTS = {name[len("layout_"):]: fn for name, fn in globals().items() if name.startswith("layout_")}
REPORTS = {"2021": dict(seed=11, era="2021_format"), "2021-blanks": dict(seed=12, era="2021_format", blank_rate=0.25),
           "2019": dict(seed=13, era="2019_trial_format"),
           "2019-blanks": dict(seed=14, era="2019_trial_format", blank_rate=0.25)}


@pytest.mark.parametrize("report_name", REPORTS)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_layout_gives_the_generators_cells(layout, report_name):
    report = synth.make_report(**REPORTS[report_name])
    text = LAYOUTS[layout](report)
    ex = extract_document(text.encode("utf-8"), content_type="text/plain", url="http://www.example.gov.cn/a.html")
    summary = ex.to_extract_json("layout")
    expected = synth.expected_json(report)
    got3 = summary.get("table3", {})
    if layout == "wrapped_labels_rows_missing":
        expected["table3"].pop("results_total")
    wrong = {f"{row}.{col}": (value, got3.get(row, {}).get(col, "<missing>"))
             for row, cols in expected["table3"].items() for col, value in cols.items()
             if got3.get(row, {}).get(col, "<missing>") != value}
    assert set(got3) <= set(expected["table3"])
    assert wrong == {}, text
    got4 = summary.get("table4", {})
    assert {g: got4.get(g) for g in got4} == {g: expected["table4"][g] for g in got4}
    assert len(got4) == 3
    assert summary["report_year"] == report.report_year


def test_a_row_that_cannot_be_placed_is_an_issue_not_numbers():
    report = synth.make_report(11, era="2021_format")
    text = layout_pipes_merged_empty(report)
    values = _values(report, "result_granted")
    printed = " | ".join(["三、本年度办理结果", "（一）予以公开", "", *values])
    assert printed in text
    # one number too many after the label: which seven are the row's is not knowable
    text = text.replace(printed, " | ".join(["三、本年度办理结果", "（一）予以公开", "", *values, "3"]))
    ex = extract_document(text.encode("utf-8"), content_type="text/plain")
    assert not [f for f in ex.facts if f["row_key"] == "result_granted"]
    issue = next(i for i in ex.issues if i["check_id"] == "unaligned-row")
    assert issue["detail"]["raw"][-1] == "3" and "（一）予以公开" in issue["detail"]["label"]


def _table2_report(blocks: list[str]) -> bytes:
    text = "\n".join(["某某县人民政府2019年政府信息公开工作年度报告", "一、总体情况", "2019年，某某县人民政府认真贯彻落实《条例》。",
                      "二、主动公开政府信息情况", *blocks, "三、收到和处理政府信息公开申请情况", "本年无申请。",
                      "五、存在的主要问题及改进情况", "无。"]) + "\n"
    return text.encode("utf-8")


def _t2(ex):
    return {f["kpi"]: f["value"] for f in ex.facts if f["source"] == "table2"}


def test_table2_columns_are_read_by_their_header():
    # a 2019 block printed without its 本年新制作数量 column: the numbers go under the columns printed
    body = _table2_report(["第二十条第（一）项", "信息内容 | 本年新公开数量 | 对外公开总数量", "规章 | 2 | 17",
                           "规范性文件 | 5 | 40"])
    t2 = _t2(extract_document(body, content_type="text/plain"))
    assert t2 == {"regulations_new_published": 2, "regulations_published_total": 17,
                  "normative_docs_new_published": 5, "normative_docs_published_total": 40}


def test_table2_mixing_both_templates_keeps_each_block_under_its_own_columns():
    body = _table2_report(["第二十条第（一）项", "信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量",
                           "规章 | 1 | 1 | 9",
                           "第二十条第（五）项", "信息内容 | 本年处理决定数量", "行政许可 | 5",
                           "第二十条第（八）项", "信息内容 | 本年收费金额（单位：万元）", "行政事业性收费 | 282.1"])
    t2 = _t2(extract_document(body, content_type="text/plain"))
    assert t2 == {"regulations_new_made": 1, "regulations_new_published": 1, "regulations_published_total": 9,
                  "admin_license_decisions": 5, "admin_fee_amount_wan_yuan": 282.1}


def test_table2_header_cut_short_falls_back_to_the_template_of_the_era():
    body = _table2_report(["第二十条第（一）项", "信息内容 | 本年新 | 本年新 | 对外公开总数量", "规章 | 0 | 1 | 3"])
    t2 = _t2(extract_document(body, content_type="text/plain"))
    assert t2 == {"regulations_new_made": 0, "regulations_new_published": 1, "regulations_published_total": 3}


def _browser_copy(page: str, separator: str) -> str:
    """A browser's copy of a page (a row per line, cells joined by ``separator``, a merged cell once)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "lxml")
    for tr in soup.find_all("tr"):
        tr.replace_with(soup.new_string("\n" + separator.join(c.get_text(" ", strip=True)
                                                              for c in tr.find_all(["td", "th"])) + "\n"))
    return soup.get_text("\n")


def test_cells_joined_by_one_separator_place_empty_cells_by_the_gap():
    # tabs turned into two spaces: an empty cell inside a row is a gap of two separators; a row
    # that ends in empty cells lost them with its trailing spaces, and is left unread, not guessed
    report = synth.make_report(12, era="2021_format", blank_rate=0.3)
    text = _browser_copy(synth.render_html(report), "  ")
    ex = extract_document(text.encode("utf-8"), content_type="text/plain", url="http://www.example.gov.cn/a.html")
    got = ex.to_extract_json("copy").get("table3", {})
    answer = synth.expected_json(report)["table3"]
    interior_blanks = [row for row, cols in answer.items()
                       if any(cols.get(c) is None for c in synth.COLUMNS[:-1]) and cols.get("total") is not None]
    assert interior_blanks
    for row in interior_blanks:
        assert got.get(row) == answer[row], row
    for row, cols in got.items():
        assert cols == answer[row], row


def test_a_row_that_adds_up_only_in_another_order_is_not_read():
    # a PDF text layer read out of order: 8 under 自然人 and 法律服务机构 with 0 as the 总计
    report = synth.make_report(11, era="2021_format")
    lines = [" | ".join([label, *_values(report, key)]) for _parent, _group, label, key in report.t3_rows]
    scrambled = [line if not line.startswith("（二）部分公开") else
                 "（二）部分公开（区分处理的，只计这一情形，不计其他情形） | 0 | 0 | 0 | 8 | 8 | 0 | 0" for line in lines]
    ex = extract_document(_text(report, scrambled, " | ".join(_t4(report))).encode("utf-8"),
                          content_type="text/plain", url="http://www.example.gov.cn/a.html")
    assert "result_partially_granted" not in ex.to_extract_json("x").get("table3", {})
    assert any(i["check_id"] == "unaligned-row" and "another order" in i["message"] for i in ex.issues)


@pytest.mark.parametrize("pieces,expected", [
    # the group's name wrapped: "（六）其他" over its row's first line, "处理" on the next
    (["（六）其他", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处", "处理"], None),
    (["（六）其他处理         1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"], "result_other_no_correction"),
    (["3.其他"], "result_other_other"),
])
def test_other_names_its_row_only_by_itself(pieces, expected):
    from xxgk.parsing import labels

    candidates = ["".join(pieces[-k:]) for k in range(1, len(pieces) + 1)]
    assert labels.match_label(candidates, labels.table3_rows("2021_format"))[0] == expected
