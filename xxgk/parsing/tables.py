"""The standard tables (二, 三, 四) and the 2008-era 附表, from any shape of source.

Every shape (an HTML or DOCX grid rendered as pipe rows, pipe-flattened text, one cell per
line, PDF text with wrapped labels) is first turned into one stream of cells; the parsers
then anchor on the verbatim row labels and read the fixed number of value cells that follow
(data dictionary section 11), so they never depend on how the rows were laid out.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property, lru_cache

from xxgk.parsing import labels
from xxgk.parsing.facts import make_fact, quality_issue
from xxgk.parsing.numbers import parse_cell, parse_quantity
from xxgk.parsing.sources import Cell

VALUE_KINDS = ("value", "blank", "dash")
T4_GROUPS = labels.table4_groups()
T4_PARTS = tuple(labels.table4_part_labels())
T4_GROUP_LABELS = labels.table4_group_labels()
T4_PART_LABELS = labels.table4_part_labels()
T3_COLUMN_LABELS = labels.table3_column_labels()

_SECTION = {
    "s2": re.compile(r"二\s*[、.．]?\s*主动公开政府信息(?:的)?情况"),
    "s3": re.compile(r"三\s*[、.．]?\s*收到和处理政府信息公开申请(?:的)?情况"),
    "s4": re.compile(r"四\s*[、.．]?\s*(?:因)?政府信息公开(?:工作)?(?:被申请)?行政复议"),
    "s5": re.compile(r"五\s*[、.．]?\s*(?:政府信息公开)?(?:工作)?存在的?主要问题"),
}
_T2_ANCHOR = re.compile(r"第二十条\s*第\s*\(\s*[一五六八九]\s*\)\s*项")
_T3_ANCHOR = re.compile(r"本列数据的勾稽关系|本年新收政府信息公开申请数量")
_T4_ANCHOR = re.compile(r"未经复议直接起诉|复议后起诉")
_BLOCK = re.compile(r"第二十条\s*第\s*\(\s*([一二三四五六七八九十]+)\s*\)\s*项")
_TOKEN = re.compile(r"\S+")

_UNIT_CELLS = {"条", "件", "人次", "个", "次", "项", "万元", "元", "人", "篇", "场", "期", "宗"}
_HEADER_WORDS = re.compile(r"信息内容|数量|件数|金额|第二十条")
_ERA_2021 = ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额", "逾期不补正", "缴纳费用")
_ERA_2019 = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/", "采购项目数量",
             "第二十条第(九)项", "采购总金额")


@dataclass
class Regions:
    """The spans of the text where tables 二, 三 and 四 are printed (None where absent)."""

    table2: tuple[int, int] | None
    table3: tuple[int, int] | None
    table4: tuple[int, int] | None


def era_from_tables(compact_fold: str) -> str | None:
    """Era from the template's own headers (the template wins over the year)."""
    score_2021 = sum(marker in compact_fold for marker in _ERA_2021)
    score_2019 = sum(marker in compact_fold for marker in _ERA_2019)
    if "本年新收政府信息公开申请数量" in compact_fold and "其他处理" in compact_fold \
            and "逾期不补正" not in compact_fold and "缴纳费用" not in compact_fold:
        score_2019 += 1  # table 三 with a single （六）其他处理 row
    if not score_2019 and not score_2021:
        return None
    return "2021_format" if score_2021 >= score_2019 else "2019_trial_format"


def _heading(pattern: re.Pattern, text: str, start: int = 0) -> re.Match | None:
    """The first match that starts a line (a heading), else the first match at all; an
    introduction that lists the six parts inline must not be taken for the sections."""
    first = None
    for m in pattern.finditer(text, start):
        if first is None:
            first = m
        line_head = text[text.rfind("\n", 0, m.start()) + 1:m.start()]
        if not line_head.strip(" |\t"):
            return m
    return first


def find_regions(fold_text: str) -> Regions:
    """Where tables 二, 三 and 四 are printed: from their section headings, else their anchors."""
    found = {name: _heading(pattern, fold_text) for name, pattern in _SECTION.items()}
    end = len(fold_text)
    t2_anchor = _T2_ANCHOR.search(fold_text)
    t3_anchor = _T3_ANCHOR.search(fold_text)
    s2 = found["s2"].start() if found["s2"] else (t2_anchor.start() if t2_anchor else None)
    s3 = found["s3"].start() if found["s3"] else (t3_anchor.start() if t3_anchor else None)
    if s3 is not None and found["s2"] and s3 < found["s2"].start():
        s3 = t3_anchor.start() if t3_anchor and t3_anchor.start() > found["s2"].start() else None
    s4_match = _heading(_SECTION["s4"], fold_text, s3 or 0)
    s4 = s4_match.start() if s4_match else None
    if s4 is None and s3 is not None:
        t4 = _T4_ANCHOR.search(fold_text, s3)
        if t4:
            s4 = max(fold_text.rfind("\n", 0, t4.start()), s3)
    s5_match = _heading(_SECTION["s5"], fold_text, s4 or s3 or 0)
    s5 = s5_match.start() if s5_match else end
    table2 = (s2, s3 if s3 is not None and s3 > s2 else (s4 or s5)) if s2 is not None else None
    table3 = (s3, s4 if s4 is not None else s5) if s3 is not None else None
    table4 = (s4, s5 if s5 > s4 else end) if s4 is not None else None
    return Regions(table2, table3, table4)


# text renderers draw grids with box-drawing characters (w3m): verticals and junctions separate cells
_BOX_VERTICAL = "│┃║┆┇┊┋╎╏"
_BOX_JUNCTION = "├┤┼┬┴┌┐└┘╞╡╪╟╢╫╠╣╬╤╧╥╨╦╩╔╗╚╝╒╕╘╛╓╖╙╜┝┥┿┠┨╂┣┫╋"
_BOX_HORIZONTAL = "─━═┄┅┈┉╌╍"
_TO_PIPES = str.maketrans({ch: "|" for ch in _BOX_VERTICAL + _BOX_JUNCTION})
_RULE_SEGMENT = re.compile(rf"^[\s{_BOX_HORIZONTAL}\-=+]*[{_BOX_HORIZONTAL}][\s{_BOX_HORIZONTAL}\-=+]*$")
_RULE_LINE = re.compile(rf"^[\s|+{_BOX_HORIZONTAL}\-=:]*$")
_ASCII_RULE = re.compile(r"^\s*[-=+:|]{3,}[\s\-=+:|]*$")
_EMPHASIS = re.compile(r"\*\*|__")
_TAB_CELLS = re.compile(r"\S\t+\S|\t\t")


def _clean_line(raw_line: str) -> str:
    """Same length as the line, so offsets stay true: box verticals become pipes, **bold** marks spaces."""
    return _EMPHASIS.sub(lambda m: " " * len(m.group(0)), raw_line.translate(_TO_PIPES))


def _has_rule_segment(line: str) -> bool:
    return any(_RULE_SEGMENT.match(segment) for segment in line.split("|") if segment.strip())


def _pipe_cells(line: str, line_start: int) -> list[Cell]:
    pieces = line.split("|")
    trailing_gap = False
    if not pieces[-1].strip():
        pieces.pop()  # "规章 |": the pipe terminates the cell
        trailing_gap = len(pieces) >= 3 and not line.lstrip().startswith("|")
    line_cells = []
    a = 0
    for segment in pieces:
        stripped = segment.strip()
        if stripped and _RULE_SEGMENT.match(segment):
            pass  # a stretch of ruling inside a row line (a merged cell's border): no cell
        elif stripped:
            offset = line_start + a + (len(segment) - len(segment.lstrip()))
            line_cells.append(Cell(stripped, offset, offset + len(stripped)))
        else:
            blank_at = line_start + a + (1 if segment.startswith(" ") else 0)
            line_cells.append(Cell("", blank_at, blank_at))
        a += len(segment) + 1
    if trailing_gap and line_cells:
        line_cells[-1].trailing_gap = True
    return line_cells


def _join_band(band: list[list[Cell]]) -> list[Cell]:
    """One row from the lines of a ruled grid row: texts joined per column. Lines that do not
    have the same columns, or two lines with a number in one column, are left as they are."""
    if len(band) == 1 or len({len(cells) for cells in band}) != 1:
        return [cell for cells in band for cell in cells]
    joined = []
    for column in zip(*band):
        filled = [c for c in column if c.text]
        if len(filled) > 1 and any(parse_cell(c.text)[0] != "text" for c in filled):
            return [cell for cells in band for cell in cells]  # a number never continues another cell
        if not filled:
            joined.append(column[0])
        elif len(filled) == 1:
            joined.append(filled[0])
        else:
            joined.append(Cell("".join(c.text for c in filled), filled[0].start, filled[-1].end))
    return joined


def _is_rule(line: str) -> bool:
    """A line that only draws the grid (├───┼───┤, +----+, ---- ----)."""
    return bool(line.strip()) and (bool(_RULE_LINE.match(line)) and any(ch in line for ch in _BOX_HORIZONTAL)
                                   or bool(_ASCII_RULE.match(line)))


def _blank_line_unit(lines: list[str]) -> int:
    """Blank lines a one-cell-per-line paste puts between two cells.

    Some pastes separate cells by one empty line and show a blank cell as one more; others run
    cells together and show a blank cell as one empty line. The commonest gap is the separator."""
    gaps: dict[int, int] = {}
    run = 0
    seen_filled = False
    for line in lines:
        if line.strip():
            if seen_filled:
                gaps[run] = gaps.get(run, 0) + 1
            run, seen_filled = 0, True
        else:
            run += 1
    if not gaps:
        return 0
    return max(gaps, key=lambda gap: (gaps[gap], -gap))


# characters a terminal renderer draws two columns wide (East Asian Wide and Fullwidth)
_WIDE = re.compile("[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
                   "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")


def _display_width(text: str) -> int:
    return len(text) + len(_WIDE.findall(text))


def _trailing_values(line: str) -> tuple[int, list[tuple[int, int]]]:
    """(index of the first trailing value token, spans of the trailing value tokens)."""
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(line)]
    split = len(tokens)
    # a dash ("—", "/") stands in a cell as a number does, so it keeps its column
    while split > 0 and parse_cell(line[tokens[split - 1][0]:tokens[split - 1][1]])[0] in ("value", "dash"):
        split -= 1
    return split, tokens[split:]


class SpacedColumns:
    """Columns of a table laid out with spaces (lynx, pandoc, pasted text), where an empty cell
    is only a wider gap.

    Two layouts are told apart by the rows that print every cell. Aligned columns (lynx,
    pandoc): every such row starts (or ends) each number at the same display offset from its
    first and from its last number; a row with gaps is read against those offsets, anchored at
    each possible column of its first number and of its last. Cells joined by one separator
    (a browser's copy with tabs turned into spaces): every gap of such a row is the same width,
    and a wider gap holds one empty cell per extra separator. Neither layout shown, or a row
    that fits no single placement, or whose numbers do not add up to the 总计 cell (when the
    table has one): the row stays as printed, too short, and is reported."""

    TOLERANCE = 1
    CONSISTENT_SHARE = 0.8  # of the complete rows, that agree with the layout

    def __init__(self, lines: list[str], columns: int, total_last: bool):
        self.columns = columns
        self.total_last = total_last
        self.lines = lines
        self._layouts: list[tuple] | None = None  # measured on first use

    @property
    def layouts(self) -> list[tuple]:
        """Every layout the complete rows are consistent with: ("aligned", edge, offsets from the
        first, offsets from the last) for numbers aligned at their start (edge 0) or end (1),
        ("separated", gap); measured once. Rows whose numbers all have the same width fit both
        kinds, so a row is placed only where every consistent layout places it alike."""
        if self._layouts is None:
            self._layouts = self._measure(self.lines)
        return self._layouts

    def _measure(self, lines: list[str]) -> list[tuple]:
        complete = []
        for line in lines:
            split, values = _trailing_values(line)
            if len(values) == self.columns and split:
                complete.append((line, values))
        if len(complete) < 2:
            return []
        scored = [self._aligned(complete, edge) for edge in (0, 1)]
        gaps = [self._gaps(line, values) for line, values in complete]
        widths = Counter(g[0] for g in gaps if len(set(g)) == 1)
        if widths:
            width, agreeing = widths.most_common(1)[0]
            scored.append((agreeing, ("separated", width)))
        # the layouts that fit the most complete rows, and most of them: rows of one-digit numbers
        # fit every layout, the others tell them apart
        best = max(agreeing for agreeing, _layout in scored)
        if best < self.CONSISTENT_SHARE * len(complete):
            return []
        return [layout for agreeing, layout in scored if agreeing == best]

    def _aligned(self, complete: list, edge: int) -> tuple[int, tuple]:
        """(how many complete rows fit, the layout) for numbers aligned at their start or end."""
        positions = [[_display_width(line[:span[edge]]) for span in values] for line, values in complete]
        from_first = [[x - row[0] for x in row] for row in positions]
        from_last = [[x - row[-1] for x in row] for row in positions]
        first = [sorted(col)[len(col) // 2] for col in zip(*from_first)]
        last = [sorted(col)[len(col) // 2] for col in zip(*from_last)]
        agreeing = sum(1 for row in from_first if all(abs(a - b) <= self.TOLERANCE for a, b in zip(row, first)))
        return agreeing, ("aligned", edge, first, last)

    @staticmethod
    def _gaps(line: str, values: list[tuple[int, int]]) -> list[int]:
        """The widths of the gaps before each number (the first after the label)."""
        tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(line)]
        label_end = max((b for a, b in tokens if b <= values[0][0]), default=values[0][0])
        ends = [label_end] + [b for _a, b in values[:-1]]
        return [_display_width(line[end:a]) for end, (a, _b) in zip(ends, values)]

    def place(self, line: str, values: list[tuple[int, int]]) -> list[int | None] | None:
        """The column of each number of a row with gaps, or None when it is not certain."""
        if not values or len(values) >= self.columns or not self.layouts:
            return None
        placements: set[tuple[int, ...]] = set()
        for layout in self.layouts:
            placements |= self._aligned_placements(line, values, layout) if layout[0] == "aligned" \
                else self._separated_placements(line, values, layout[1])
        placements = {p for p in placements if self._adds_up(line, values, p)}
        return list(placements.pop()) if len(placements) == 1 else None

    def _aligned_placements(self, line: str, values: list[tuple[int, int]], layout: tuple) -> set[tuple[int, ...]]:
        _kind, edge, first_offsets, last_offsets = layout
        starts = [_display_width(line[:span[edge]]) for span in values]
        placements = set()
        for template, anchor in ((first_offsets, starts[0]), (last_offsets, starts[-1])):
            for column in range(self.columns):
                origin = anchor - template[column]
                assigned = []
                for x in starts:
                    fits = [j for j, offset in enumerate(template) if abs(origin + offset - x) <= self.TOLERANCE]
                    if len(fits) != 1:
                        break
                    assigned.append(fits[0])
                else:
                    if assigned == sorted(set(assigned)):
                        placements.add(tuple(assigned))
        return placements

    def _separated_placements(self, line: str, values: list[tuple[int, int]], gap: int) -> set[tuple[int, ...]]:
        """One separator between cells: a gap of k + 1 separators holds k empty cells, and trailing
        separators after the last number hold the empty cells that end the row."""
        column, assigned = -1, []
        for width in self._gaps(line, values):
            if width % gap:
                return set()
            column += width // gap
            assigned.append(column)
        trailing = _display_width(line[values[-1][1]:])
        if trailing % gap or assigned[-1] + trailing // gap != self.columns - 1:
            return set()
        return {tuple(assigned)}

    def _adds_up(self, line: str, values: list[tuple[int, int]], placement: tuple[int, ...]) -> bool:
        if not self.total_last or placement[-1] != self.columns - 1:
            return True
        numbers = [parse_cell(line[a:b])[1] for a, b in values]
        if None in numbers:
            return True  # a dash cell: nothing to check
        return abs(numbers[-1] - sum(numbers[:-1])) < 1e-6


def text_cells(text: str, start: int, end: int, grid_rows: dict[int, list[Cell]] | None = None,
               columns: int | None = None, total_last: bool = False) -> list[Cell]:
    """Cells of a text region: pipe segments, or a label followed by whitespace-separated numbers.

    Lines that render a grid row (HTML, DOCX) take that row's cells as they are, with their
    table position, instead of being split again. Box-drawing grids count as pipes, and lines
    that only draw rules are no cells at all."""
    cells: list[Cell] = []
    lines = text[start:end].split("\n")
    layout = _RegionLayout(lines, columns, total_last)
    blank_run = 0
    entries = []
    position = start
    for raw_line in lines:
        entries.append((position, raw_line))
        position += len(raw_line) + 1
    i = 0
    while i < len(entries):
        line_start, raw_line = entries[i]
        i += 1
        if grid_rows and line_start in grid_rows:
            row = grid_rows[line_start]
            for cell in row:
                cell.text = text[cell.start:cell.end]  # the folded form, for matching
            cells.extend(row)
            continue
        if not raw_line.strip():
            blank_run += 1
            if cells and layout.one_per_line and blank_run > layout.separator:
                cells.append(Cell("", line_start, line_start, row_end=True))
            continue
        blank_run = 0
        line_cells, i = _line_cells(_clean_line(raw_line), line_start, entries, i, layout)
        if line_cells is None:  # a line that only draws a rule ends the row before it
            if cells:
                cells[-1].row_end = True
        elif line_cells:
            line_cells[-1].row_end = True
            cells.extend(line_cells)
    return cells


class _RegionLayout:
    """How a region's text lays its cells out, each judged over all its lines on first need: a
    region of grid rows (HTML, DOCX) needs none of it, its heading line hardly any."""

    def __init__(self, lines: list[str], columns: int | None, total_last: bool):
        self.lines, self.columns, self.total_last = lines, columns, total_last

    @cached_property
    def one_per_line(self) -> bool:
        return _one_cell_per_line(self.lines)

    @cached_property
    def separator(self) -> int:
        return _blank_line_unit(self.lines) if self.one_per_line else 0

    @cached_property
    def ruled(self) -> bool:
        return any(_is_rule(line.translate(_TO_PIPES)) for line in self.lines)

    @cached_property
    def spaced(self) -> SpacedColumns | None:
        return SpacedColumns(self.lines, self.columns, self.total_last) if self.columns and not self.one_per_line \
            else None


def _one_cell_per_line(lines: list[str]) -> bool:
    """One cell per line (pasted tables): most non-empty lines are a single number."""
    # an empty line beyond the paste's own separator is a blank cell; the empty lines after a row
    # are harmless, because the next label restarts the value run
    filled = [line.strip() for line in lines if line.strip()]
    return len(filled) >= 8 and sum(
        1 for line in filled if _TOKEN.fullmatch(line) and parse_cell(line)[0] == "value") >= 0.5 * len(filled)


def _line_cells(line: str, line_start: int, entries: list[tuple[int, str]], i: int,
                layout: _RegionLayout) -> tuple[list[Cell] | None, int]:
    """The cells of one line (None for a line that only draws a rule), and the index of the next
    line to read (past the lines a ruled grid's wrapped row took in)."""
    if "\t" in line and "|" not in line and _TAB_CELLS.search(line):
        line = line.replace("\t", "|")  # tab-separated cells: consecutive tabs hold an empty cell
    if _is_rule(line):
        return None, i
    if "|" not in line:
        return _label_and_values(line, line_start, layout), i
    line_cells = _pipe_cells(line, line_start)
    if layout.ruled and not _has_rule_segment(line):
        return _wrapped_row(line_cells, entries, i)
    return line_cells, i


def _wrapped_row(line_cells: list[Cell], entries: list[tuple[int, str]], i: int) -> tuple[list[Cell], int]:
    """A grid drawn with rules: the lines between two rules are one row whose labels wrapped
    inside their cells; join them column by column."""
    band = [line_cells]
    while i < len(entries) and entries[i][1].strip():
        next_line = _clean_line(entries[i][1])
        if _is_rule(next_line) or "|" not in next_line or _has_rule_segment(next_line):
            break
        band.append(_pipe_cells(next_line, entries[i][0]))
        i += 1
    return _join_band(band), i


def _label_and_values(line: str, line_start: int, layout: _RegionLayout) -> list[Cell]:
    """A line without pipes: its label, then its trailing values, each under its printed column
    when the table's columns are spaced out (an empty column is an empty cell)."""
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(line)]
    split, values = _trailing_values(line)
    line_cells = []
    if split:
        a, b = tokens[0][0], tokens[split - 1][1]
        line_cells.append(Cell(line[a:b], line_start + a, line_start + b))
    # a line without numbers (a heading) places nothing: the layout is not judged for it
    spaced = layout.spaced if split and values else None
    placement = spaced.place(line, values) if spaced is not None else None
    if placement is not None:
        by_column = dict(zip(placement, values))
        for column in range(layout.columns):
            if column in by_column:
                a, b = by_column[column]
                line_cells.append(Cell(line[a:b], line_start + a, line_start + b))
            else:
                line_cells.append(Cell("", None, None))  # a gap where the cell is empty
    else:
        for a, b in values:
            line_cells.append(Cell(line[a:b], line_start + a, line_start + b))
    return line_cells


def grid_rows_by_line(grids: list[list[list[Cell]]]) -> dict[int, list[Cell]]:
    """Grid rows keyed by where their rendered line starts in the text."""
    rows: dict[int, list[Cell]] = {}
    for grid in grids:
        for row in grid:
            if row and row[0].start is not None:
                rows.setdefault(row[0].start, row)
    return rows


def _printed(cell: Cell, original: str | None) -> str:
    """The label as printed (traditional characters and full-width forms kept)."""
    if original is not None and cell.start is not None:
        return original[cell.start:cell.end]
    return cell.text


# the same few texts ("0", "", labels) recur thousands of times a report
_kind_of_text = lru_cache(maxsize=4096)(parse_cell)


def _kind(cell: Cell) -> tuple[str, float | None]:
    return _kind_of_text(cell.text)


def _runs(cells: list[Cell], size: int | None = None):
    """Yield (label cells before it, run) for every maximal run of value/blank/dash cells.

    A run ends at the next text cell, and at the end of a line that printed a label and a whole
    row (``size`` cells), so a next line opening with a number does not run on into it. Padding
    blanks after a header's text on the same row are not a run; a number that opens a line
    before its label is the line's 序号, not a cell."""
    pending: list[Cell] = []
    run: list[Cell] = []
    line_had_text = False
    line_start = True
    for i, cell in enumerate(cells):
        kind, _ = _kind(cell)
        if line_start and kind == "value" and not cell.row_end and i + 1 < len(cells) \
                and _kind(cells[i + 1])[0] == "text" and not run:
            line_start = False
            continue  # "3 | 1.属于国家秘密 | …": the row's number in a 序号 column
        line_start = False
        if kind in VALUE_KINDS:
            run.append(cell)
        else:
            if run:
                yield pending, run
                pending, run = [], []
            pending.append(cell)
            pending = pending[-4:]
            line_had_text = True
        if cell.row_end:
            if line_had_text and run and (all(_kind(c)[0] != "value" for c in run) or len(run) == size):
                # empty cells after a label on its own row: a blank row, or a header's padding;
                # a label and a whole row: the row; either way they do not run on into the next row
                yield pending, run
                pending, run = [], []
            line_had_text = False
            line_start = True
    if run:
        yield pending, run


def _numbers(run: list[Cell]) -> list[float | None]:
    return [_kind(c)[1] for c in run]


def _with_trailing_gap(run: list[Cell], size: int) -> list[Cell]:
    """A row line that ends with a separator ("… | 3 | ") may end with an empty cell: the run
    gets it when it is short of a row, so the alignment below can weigh it like any empty cell."""
    if run and run[-1].trailing_gap and len(run) % size:
        gap = run[-1].end if run[-1].end is not None else None
        return [*run, Cell("", gap, gap)]
    return run


def _empty_only_windows(run: list[Cell], size: int) -> list[int]:
    """Offsets of the ``size``-cell windows of ``run`` that leave out only empty cells."""
    return [o for o in range(len(run) - size + 1)
            if all(_kind(c)[0] != "value" for c in run[:o] + run[o + size:])]


def aligned_rows(cells: list[Cell], size: int, balanced, issues: list, table: str, original: str | None):
    """Yield (label cells, ``size`` cells) for each row of a table whose rows have ``size`` values.

    A run longer than one row holds cells that are not the row's: an empty cell a merged label
    left behind (``四、结转下年度继续办理 | | 0 | 0 …``), the empty line a paste puts between rows.
    The row is the window that leaves out only empty cells. Where several do, the table decides:
    the window whose numbers satisfy the table's identity (``balanced``), then the layout the
    table's unambiguous rows show (cells right after the label, the separator after them, or the
    reverse). Runs of whole rows (no labels between) are rows in turn. Anything else is not
    guessed: a quality issue with the raw text, and no numbers.

    A row that does not add up is the report's own slip, kept and flagged by the audits, unless
    the table shows its text was read out of order (a run no reading cuts into rows, or two rows
    that do not add up): then no row that fails its identity is read. Where a row adds up only
    in another order, the columns themselves are in doubt: only the rows that add up as read
    are kept (a blank cell cannot be placed)."""
    candidates = list(_candidate_rows(cells, size, balanced, issues, table, original))
    columns_in_doubt = any(reordered for _pending, row, reordered in candidates if row is not None)
    out_of_order = any(reordered for _pending, _row, reordered in candidates)
    rows = []
    for pending, row, reordered in candidates:
        if row is not None:
            numbers = _numbers(row)
            holds = None not in numbers and balanced(numbers)
            rows.append((pending, row, reordered, holds, None not in numbers and not holds))
    failing = sum(1 for *_rest, fails in rows if fails)
    for pending, row, reordered, holds, fails in rows:
        if reordered or ((out_of_order or failing >= 2) and fails):
            why = "the cells add up only in another order" if reordered else "the row does not add up"
            _unaligned(issues, table, pending, row, original, f"{why}, in a table read out of order")
            continue
        if columns_in_doubt and not holds:
            _unaligned(issues, table, pending, row, original,
                       "its sum cannot be checked, in a table whose columns are in doubt")
            continue
        yield pending, row


def _candidate_rows(cells: list[Cell], size: int, balanced, issues: list, table: str, original: str | None):
    """(label cells, ``size`` cells, whether they add up only in another order) for each row a run
    gives; (label cells, None, True) for a run of numbers no reading cuts into rows, which only a
    text layer read out of order prints."""
    runs = [(pending, _with_trailing_gap(run, size)) for pending, run in _runs(cells, size)]
    usual_offset = _usual_offset(runs, size)
    for pending, run in runs:
        if len(run) == size:
            yield pending, run, _reordered(_numbers(run), size, balanced)
            continue
        if not any(_kind(c)[0] == "value" for c in run):
            if len(run) >= size:
                yield pending, run[:size], False  # a row of empty cells: blank, and says so
            continue
        if len(run) < size:
            _unaligned(issues, table, pending, run, original, f"{len(run)} cells where a row has {size}")
            continue
        rows, why = _rows_of_a_long_run(run, size, balanced, usual_offset)
        if why:
            _unaligned(issues, table, pending, run, original, why)
            yield pending, None, True
        for k, row in enumerate(rows):
            yield (pending if k == 0 else []), row, False


def _rows_of_a_long_run(run: list[Cell], size: int, balanced, usual_offset: int | None) -> tuple[list, str | None]:
    """The rows a run longer than a row holds, or none and why."""
    windows = _empty_only_windows(run, size)
    if len(windows) > 1:
        holding = [o for o in windows if balanced(_numbers(run[o:o + size]))]
        windows = holding or windows
    if len(windows) > 1 and usual_offset in windows:
        windows = [usual_offset]
    if len({tuple(_numbers(run[o:o + size])) for o in windows}) > 1:
        return [], "several alignments of the cells are possible"
    if windows:
        return [run[windows[0]:windows[0] + size]], None
    rows = [run[k:k + size] for k in range(0, len(run), size)]
    if len(run) % size == 0 and not any(_fails(balanced, _numbers(row)) for row in rows):
        # rows printed one after another with no labels between: none may fail to add up, or the
        # cut between them is a guess
        return rows, None
    return [], f"{len(run)} cells with numbers where a row has {size}"


def _fails(balanced, values: list[float | None]) -> bool:
    """The row's identity can be checked (no blank cell) and does not hold."""
    return None not in values and not balanced(values)


def _reordered(values: list[float | None], size: int, balanced) -> bool:
    """A row whose 总计 is not the sum of its parts while another of its cells is: the cells are
    the row's but out of their columns (a PDF text layer read out of order), not the report's own
    slip of arithmetic. Table 三 has one total per row (where the header put it: ``balanced``
    knows); table 四 one at the end of each group of five."""
    if None in values or balanced(values):
        return False
    if size != 15:
        return any(abs(2 * v - sum(values)) < 1e-6 for v in values)
    for k in range(0, size, 5):
        group = values[k:k + 5]
        if abs(group[-1] - sum(group[:-1])) > 1e-6 and any(abs(2 * v - sum(group)) < 1e-6 for v in group[:-1]):
            return True
    return False


def _usual_offset(runs: list[tuple[list[Cell], list[Cell]]], size: int) -> int | None:
    """Where the row sits in the runs longer than a row that only one window fits: the layout the
    table's unambiguous rows show."""
    layout: dict[int, int] = {}
    for _pending, run in runs:
        if len(run) > size and any(_kind(c)[0] == "value" for c in run):
            windows = _empty_only_windows(run, size)
            if len(windows) == 1:
                layout[windows[0]] = layout.get(windows[0], 0) + 1
    return max(layout, key=layout.get) if layout else None


def _unaligned(issues: list, table: str, pending: list[Cell], run: list[Cell], original: str | None, why: str) -> None:
    label = _printed(pending[-1], original) if pending else None
    issues.append(quality_issue("unaligned-row", "warning",
                                f"{table} row {label!r}: {why}; its numbers are not recorded",
                                {"table": table, "label": label,
                                 "raw": [_printed(c, original) for c in run]}))


def _t3_balanced(values: list[float | None]) -> bool:
    return None not in values and abs(values[6] - sum(values[:6])) < 1e-6


def _t4_balanced(values: list[float | None]) -> bool:
    groups = [values[k:k + 5] for k in range(0, 15, 5)]
    return all(None not in g and abs(g[4] - sum(g[:4])) < 1e-6 for g in groups)


def _cell_fact(kpi: str, cell: Cell, *, source: str, unit: str, issues: list, row_key=None, col_key=None,
               row_label=None, col_label=None, original: str | None = None) -> dict | None:
    kind, value = _kind(cell)
    if kind == "dash":
        issues.append(quality_issue("dash-cell", "info",
                                    f"cell of {kpi} holds '{cell.text}', neither a number nor blank: not recorded",
                                    {"kpi": kpi, "text": cell.text}))
        return None
    raw = None
    if kind == "value":
        raw = original[cell.start:cell.end] if original is not None and cell.start is not None else cell.text
    return make_fact(kpi, value, source=source, unit=unit, raw_text=raw, cell=cell, row_key=row_key,
                     col_key=col_key, row_label=row_label, col_label=col_label)


_T3_HEADER_WORDS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")


def column_order(cells: list[Cell], issues: list) -> list[int]:
    """Where each template column of table 三 is printed: ``order[k]`` is the printed position of
    the k-th template column. A header line naming all seven columns in another order (总计
    first) reorders them; split headers (法人或其他组织 over five sub-columns on the next line)
    keep the template order, the only order they can be read in."""
    template = list(range(7))
    lines: list[str] = []
    line: list[str] = []
    for cell in cells:
        if _kind(cell)[0] == "value":
            break  # the first data row: the header is above it
        line.append(cell.text)
        if cell.row_end:
            lines.append(" ".join(line))
            line = []
    printed = _printed_columns(lines)
    if printed is None:
        return template
    order = [printed.index(k) for k in range(7)]
    if order != template:
        issues.append(quality_issue("T3-column-order", "info",
                                    "table 三 columns printed in another order; read by their header",
                                    {"printed": [_T3_HEADER_WORDS[k] for k in printed]}))
    return order


def _word_positions(line: str, words) -> list[int] | None:
    positions = []
    for word in words:
        found = [m.start() for m in re.finditer(re.escape(word), line)]
        if len(found) != 1:
            return None
        positions.append(found[0])
    return positions


def _printed_columns(lines: list[str]) -> list[int] | None:
    """The template columns in the order the header prints them: one line naming all seven, or
    a line naming 自然人, 法人或其他组织 and 总计 over a line naming the five organisations."""
    groups = None
    for line in lines:
        positions = _word_positions(line.replace("法人或其他组织", " "), _T3_HEADER_WORDS)
        if positions is not None:
            return sorted(range(7), key=lambda k: positions[k])
        top = _word_positions(line, ("自然人", "法人或其他组织", "总计"))
        if top is not None:
            groups = sorted(range(3), key=lambda k: top[k])
            continue
        organisations = _word_positions(line, _T3_HEADER_WORDS[1:6])
        if groups is not None and organisations is not None:
            by_group = {0: [0], 1: sorted(range(1, 6), key=lambda k: organisations[k - 1]), 2: [6]}
            return [column for group in groups for column in by_group[group]]
    return None


def parse_table3(cells: list[Cell], era: str, issues: list, original: str | None) -> list[dict]:
    """Table 三: 7 cells per row, rows identified by label, by order when the labels are unreadable."""
    rows = _t3_rows(cells, era, issues, original)
    if not rows:
        return []
    return _t3_facts(_t3_rows_in_order(rows, labels.table3_row_order(era), issues), issues, original)


_T3Row = tuple[str | None, list[Cell], list[Cell]]  # (row key, label cells, the 7 cells in template order)


def _t3_rows(cells: list[Cell], era: str, issues: list, original: str | None) -> list[_T3Row]:
    """Each aligned row of table 三 with the row key its label matches (None when none does)."""
    keys = labels.table3_rows(era)
    rows: list[_T3Row] = []
    printed_at = column_order(cells, issues)

    def balanced(values):
        return _t3_balanced([values[i] for i in printed_at])

    for pending, printed_run in aligned_rows(cells, 7, balanced, issues, "table 三", original):
        run = [printed_run[i] for i in printed_at]
        candidates = []
        for k in range(1, min(3, len(pending)) + 1):
            candidates.append("".join(c.text for c in pending[-k:]))
        row_key, _score = labels.match_label(candidates, keys) if candidates else (None, 0)
        if row_key is None and all(_kind(c)[0] != "value" for c in run):
            continue  # a header's padding, not a data row
        rows.append((row_key, pending, run))
    return rows


def _t3_rows_in_order(rows: list[_T3Row], order: tuple[str, ...], issues: list) -> list[_T3Row]:
    """The rows from 本年新收 on; keyed by the template's order when labels wrapped beyond recognition."""
    first = next((i for i, r in enumerate(rows) if r[0] == "applications_received"), None)
    if first:
        # the 总计 column header padded with empty cells looks like a blank 总计 row
        dropped = [r for r in rows[:first] if any(_kind(c)[0] == "value" for c in r[2])]
        if dropped:
            issues.append(quality_issue("T3-rows-before-first", "warning",
                                        f"{len(dropped)} row(s) with numbers before 本年新收 were not read",
                                        {"labels": [r[1][-1].text if r[1] else None for r in dropped]}))
        rows = rows[first:]
    identified = [r for r in rows if r[0] is not None]
    if len(rows) == len(order) and len({r[0] for r in identified}) < len(order):
        # labels wrapped beyond recognition (PDF text): the template fixes the order of the rows,
        # but only where every row that was recognised sits at its place in it; one out of place
        # means a row was lost or split, and the order would move every row after it
        mismatched = [(r[0], expected) for r, expected in zip(rows, order) if r[0] not in (None, expected)]
        if mismatched:
            issues.append(quality_issue("T3-row-order", "warning",
                                        "table 三 rows out of the template's order: the rows whose labels are not "
                                        "recognised are not read", {"mismatched": mismatched[:10]}))
        else:
            rows = [(expected, pending, run) for (_, pending, run), expected in zip(rows, order)]
    return rows


def _t3_facts(rows: list[_T3Row], issues: list, original: str | None) -> list[dict]:
    """A fact per cell of each identified row; an unmapped or repeated row is an issue instead."""
    columns = labels.table3_columns()
    facts: list[dict] = []
    seen: set[str] = set()
    for row_key, pending, run in rows:
        label_text = _printed(pending[-1], original) if pending else None
        if row_key is None:
            issues.append(quality_issue("unmapped-label", "warning",
                                        f"table 三 row label not recognised: {label_text!r}",
                                        {"table": "table3", "label": label_text,
                                         "values": [c.text for c in run]}))
            continue
        if row_key in seen:
            issues.append(quality_issue("T3-duplicate-row", "warning",
                                        f"table 三 row {row_key} appears twice; the first is kept",
                                        {"row_key": row_key, "label": label_text}))
            continue
        seen.add(row_key)
        for col_key, cell in zip(columns, run):
            kpi = row_key if col_key == "total" else f"{row_key}_{col_key}"
            fact = _cell_fact(kpi, cell, source="table3", unit="count", issues=issues, row_key=row_key,
                              col_key=col_key, row_label=label_text, col_label=T3_COLUMN_LABELS[col_key],
                              original=original)
            if fact:
                facts.append(fact)
    return facts


def parse_table4(cells: list[Cell], era: str, issues: list, original: str | None) -> list[dict]:
    """Table 四: the single data row of 15 cells (复议 5, direct suits 5, suits after 复议 5).

    Its layout is the same in every era; ``era`` keeps the signature of the other table readers."""
    for _pending, run in aligned_rows(cells, 15, _t4_balanced, issues, "table 四", original):
        if all(_kind(c)[0] != "value" for c in run):
            continue
        facts = []
        for i, cell in enumerate(run):
            group, part = T4_GROUPS[i // 5], T4_PARTS[i % 5]
            fact = _cell_fact(f"{group}_{part}", cell, source="table4", unit="count", issues=issues,
                              row_key=group, col_key=part, row_label=T4_GROUP_LABELS[group],
                              col_label=T4_PART_LABELS[part], original=original)
            if fact:
                facts.append(fact)
        return facts
    return []


def _table2_header(texts: list[str]) -> list[str] | None:
    """Column keys of a table 二 block from its header cells, or None when a header word is not
    known (truncated '本年新', a variant nobody listed): then the template's columns stand."""
    known = labels.table2_column_labels()
    keys: list[str] = []
    for text in texts:
        for word in text.split():
            key = labels.label_key(word)
            if not key or key == "信息内容":
                continue
            if key not in known:
                return None
            if not keys or keys[-1] != known[key]:  # a merged header cell repeated over its columns
                keys.append(known[key])
    return keys or None


def parse_table2(cells: list[Cell], era: str, issues: list, original: str | None) -> list[dict]:
    """Table 二: a row label, then one cell per value column of its block.

    Which KPI a column holds is read from the block's own header (本年新制作数量 / 本年新公开数量 /
    对外公开总数量 …), so a report that prints the 2019 columns in one block and the 2021 ones in
    another, or leaves a column out, still puts each number under its own heading. Without a
    readable header the template of the report's era decides."""
    return _Table2Reader(cells, era, issues, original).read()


@lru_cache(maxsize=4)
def _table2_vocabulary(era: str) -> tuple[dict, dict[str, str]]:
    """Table 二's rows of both templates (the era's winning a clash) and their keys, one dict per
    era for the life of the process (label matches are remembered per vocabulary)."""
    other_era = "2019_trial_format" if era == "2021_format" else "2021_format"
    rows = {**labels.table2_rows(other_era), **labels.table2_rows(era)}
    return rows, {k: k for k in rows}


class _Table2Reader:
    """One pass over table 二's cells, remembering the block, its header and the amount header."""

    def __init__(self, cells: list[Cell], era: str, issues: list, original: str | None) -> None:
        self.rows, self.row_keys = _table2_vocabulary(era)
        self.cells_by_row = labels.table2_cells()
        self.cells, self.issues, self.original = cells, issues, original
        self.facts: list[dict] = []
        self.seen: set[str] = set()
        self.block: str | None = None
        self.amount_header = ""
        self.header_texts: list[str] | None = None  # collecting the current block's header
        self.header: list[str] | None = None

    def read(self) -> list[dict]:
        i = 0
        while i < len(self.cells):
            i = self._step(i)
        return self.facts

    def _step(self, i: int) -> int:
        """Read the text cell at ``i`` (a block name, a header word, a row label); the next index."""
        cell = self.cells[i]
        if _kind(cell)[0] != "text":
            return i + 1
        if "金额" in cell.text:
            self.amount_header = cell.text
        block_match = _BLOCK.search(cell.text.replace("（", "(").replace("）", ")"))
        if block_match:
            self.block = block_match.group(1)
            self.header_texts, self.header = [], None
            return i + 1
        matched, score = labels.match_label([cell.text], self.row_keys, min_prefix=99)
        is_row = matched is not None and score >= 90
        if is_row and self.rows[matched][1]:
            if self.header_texts is not None:
                self.header = _table2_header(self.header_texts)
                self.header_texts = None
        elif self.header_texts is not None:
            self.header_texts.append(cell.text)  # between the block's name and its first row: the header
            return i + 1
        if not is_row:
            following = _kind(self.cells[i + 1])[0] if i + 1 < len(self.cells) else None
            if following in ("value", "dash") and not _HEADER_WORDS.search(cell.text):
                label = _printed(cell, self.original)
                self.issues.append(quality_issue("unmapped-label", "warning",
                                                 f"table 二 row label not recognised: {label!r}",
                                                 {"table": "table2", "label": label}))
            return i + 1
        return self._row(i, matched)

    def _row(self, i: int, matched: str) -> int:
        """The values after the row label at ``i``, one per KPI of its block; the next index."""
        cell = self.cells[i]
        row_block, kpis = self.rows[matched]
        if not kpis:
            return i + 1
        if self.header:
            by_column = self.cells_by_row.get(matched, {})
            kpis = tuple(by_column.get(column) for column in self.header)
        if self.block and row_block not in ("*", self.block):
            self.issues.append(quality_issue("T2-block", "info",
                                             f"table 二 row {cell.text!r} under block {self.block}, expected {row_block}",
                                             {"label": cell.text, "block": self.block}))
        values: list[Cell] = []
        j = i + 1
        while j < len(self.cells) and len(values) < len(kpis):
            if _kind(self.cells[j])[0] == "text":
                break
            values.append(self.cells[j])
            j += 1
        for column, (kpi, value_cell) in enumerate(zip(kpis, values)):
            self._value(cell, column, kpi, value_cell)
        return j

    def _value(self, label_cell: Cell, column: int, kpi: str | None, value_cell: Cell) -> None:
        label = _printed(label_cell, self.original)
        if kpi is None:
            self.issues.append(quality_issue("T2-column", "warning",
                                             f"table 二 row {label!r} has no KPI under its block's "
                                             f"column {self.header[column]!r}: {value_cell.text!r} not recorded",
                                             {"label": label, "column": self.header[column], "text": value_cell.text}))
            return
        if kpi in self.seen:
            self.issues.append(quality_issue("T2-duplicate-row", "warning",
                                             f"table 二 {kpi} appears twice; the first is kept",
                                             {"kpi": kpi, "label": label, "text": value_cell.text}))
            return
        self.seen.add(kpi)
        unit = labels.kpi_unit(kpi)
        if unit == "as_stated":
            # 采购总金额: the unit is whatever the cell or its header says
            stated = value_cell.text + self.amount_header
            unit = "wan_yuan" if "万元" in stated else "yuan" if "元" in stated else "as_stated"
        fact = _cell_fact(kpi, value_cell, source="table2", unit=unit, issues=self.issues, row_label=label,
                          original=self.original)
        if fact:
            self.facts.append(fact)


def parse_annex(cells: list[Cell], issues: list, original: str | None) -> list[dict]:
    """2008-era 附表 rows: a label, then (after an optional unit column) the value of the year."""
    keys = labels.annex_labels()
    facts: list[dict] = []
    seen: set[str] = set()
    row: list[Cell] = []
    for cell in cells:
        row.append(cell)
        if not cell.row_end:
            continue
        current, row = row, []
        if len(current) >= 3 and re.fullmatch(r"\d{1,2}", current[0].text.strip()) and _kind(current[1])[0] == "text":
            current = current[1:]  # the 2008-2013 annex row code (01-35) is not part of the label
        if len(current) < 2 or _kind(current[0])[0] != "text":
            continue
        kpi, score = labels.match_label([current[0].text], keys, min_prefix=99)
        if kpi is None or score < 90:
            if any(parse_quantity(c.text) is not None for c in current[1:]) and len(current[0].text) <= 40:
                issues.append(quality_issue("unmapped-label", "info",
                                            f"附表 row label not recognised: {_printed(current[0], original)!r}",
                                            {"table": "annex_2008", "label": _printed(current[0], original)}))
            continue
        if kpi in seen:
            issues.append(quality_issue("annex-duplicate-row", "info",
                                        f"附表 {kpi} appears twice; the first is kept",
                                        {"kpi": kpi, "label": _printed(current[0], original)}))
            continue
        # the year's value is the first cell after the label (and its unit); later columns are
        # cumulative (本年累计 / 历年累计) and never stand in for a blank year cell
        cells_after = [c for c in current[1:] if c.text.strip() not in _UNIT_CELLS]
        if not cells_after:
            continue
        value_cell = cells_after[0]
        seen.add(kpi)
        if not value_cell.text.strip():
            facts.append(make_fact(kpi, None, source="annex_2008", unit=labels.kpi_unit(kpi), cell=value_cell,
                                   row_label=_printed(current[0], original)))
            continue
        parsed = parse_quantity(value_cell.text)
        if parsed is None:
            issues.append(quality_issue("unreadable-cell", "info",
                                        f"附表 {kpi}: {value_cell.text!r} is not a number", {"kpi": kpi}))
            continue
        raw = original[value_cell.start:value_cell.end] if original is not None and value_cell.start is not None \
            else value_cell.text
        facts.append(make_fact(kpi, parsed.value, source="annex_2008", unit=labels.kpi_unit(kpi),
                               qualifier=parsed.qualifier, raw_text=raw, cell=value_cell,
                               row_label=_printed(current[0], original)))
    return facts
