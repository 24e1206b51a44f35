"""Label maps (data files in ``labels/``) loaded once, keyed by ``label_key``."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from xxgk.parsing.normalize import label_key

LABELS_DIR = Path(__file__).with_name("labels")


def _rows(name: str) -> list[dict]:
    with open(LABELS_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def table3_rows(era: str) -> dict[str, str]:
    """label key → row key for table 三 in ``era`` (2019 or 2021 template)."""
    return {label_key(r["label"]): r["row_key"] for r in _rows("table3_rows.csv") if r["era"] in ("both", era)}


@cache
def table3_row_order(era: str) -> tuple[str, ...]:
    """Table 三's row keys in the template's order for ``era``."""
    seen: list[str] = []
    for r in _rows("table3_rows.csv"):
        if r["era"] in ("both", era) and r["row_key"] not in seen:
            seen.append(r["row_key"])
    return tuple(seen)


@cache
def table3_column_labels() -> dict[str, str]:
    """column key → printed header of table 三, in template order (the applicant columns, then 总计)."""
    return {r["col_key"]: r["label"] for r in sorted(_rows("table3_columns.csv"), key=lambda r: int(r["position"]))}


def table3_columns() -> tuple[str, ...]:
    """Table 三's column keys in the template's order (applicant columns, then total)."""
    return tuple(table3_column_labels())


def applicant_columns() -> tuple[str, ...]:
    """The columns of table 三 that add up to its 总计 column."""
    return tuple(column for column in table3_columns() if column != "total")


@cache
def table4_group_labels() -> dict[str, str]:
    """group key (the KPI prefix: ``admin_litigation_direct``) → printed label, in template order."""
    return {r["group_key"]: r["label"] for r in sorted(_rows("table4_groups.csv"), key=lambda r: int(r["position"]))}


def table4_groups() -> tuple[str, ...]:
    """Table 四's group keys in the template's order."""
    return tuple(table4_group_labels())


@cache
def table4_gold_keys() -> dict[str, str]:
    """group key → the key the gold-schema JSON gives the group (``litigation_direct``)."""
    return {r["group_key"]: r["gold_key"] for r in _rows("table4_groups.csv")}


# The gold-schema JSON (shared/gold/*.expected.json, `table4`) names two groups without the
# ``admin_`` of their KPIs. Inside the project a group has its KPI prefix as its one name; these two
# are the only crossings of that boundary (written by parsing/summary.py and the synth answers,
# read by the sample portal).
def table4_to_gold(table4: dict[str, dict]) -> dict[str, dict]:
    """{group key: parts} → the same under the gold JSON's group keys, in the same order."""
    return {table4_gold_keys()[group]: parts for group, parts in table4.items()}


def table4_from_gold(gold_table4: dict[str, dict]) -> dict[str, dict]:
    """The gold JSON's ``table4`` → {group key: parts}, in template order."""
    return {group: gold_table4[gold_key] for group, gold_key in table4_gold_keys().items() if gold_key in gold_table4}


@cache
def table4_part_labels() -> dict[str, str]:
    """part key (``upheld``) → the printed column header of table 四 (结果维持), in template order."""
    return {r["part_key"]: r["label"] for r in sorted(_rows("table4_parts.csv"), key=lambda r: int(r["position"]))}


@cache
def table2_rows(era: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    """label key → (block, kpis in column order); an empty kpi tuple marks a known row without KPIs."""
    out = {}
    for r in _rows("table2_rows.csv"):
        if r["era"] in ("both", era):
            out[label_key(r["label"])] = (r["block"], tuple(k for k in r["kpis"].split(";") if k))
    return out


@cache
def table2_cells() -> dict[str, dict[str, str]]:
    """row label key → {column key: kpi}, both templates together: a block's own header says
    which of its columns are printed (one report mixes 2019 and 2021 columns)."""
    out: dict[str, dict[str, str]] = {}
    for r in _rows("table2_rows.csv"):
        kpis = [k for k in r["kpis"].split(";") if k]
        columns = [c for c in r["columns"].split(";") if c]
        out.setdefault(label_key(r["label"]), {}).update(zip(columns, kpis))
    return out


@cache
def table2_column_labels() -> dict[str, str]:
    """header label key → column key (本年新公开数量 → new_published)."""
    return {label_key(r["label"]): r["column_key"] for r in _rows("table2_columns.csv")}


@cache
def annex_labels() -> dict[str, str]:
    """The 2008-era 附表 row label (as matched) → its KPI."""
    return {label_key(r["label"]): r["kpi"] for r in _rows("annex_2008.csv")}


@cache
def body_containers() -> tuple[str, ...]:
    """CSS selectors of report body containers, in the order worth trying (PORTALS.md)."""
    return tuple(row["selector"] for row in _rows("body_containers.csv"))


@cache
def kpi_dictionary() -> dict[str, dict]:
    """kpi → its first row in kpi_dictionary.csv (the repository's copy of shared/format/kpis.csv)."""
    out: dict[str, dict] = {}
    for r in _rows("kpi_dictionary.csv"):
        out.setdefault(r["kpi"], r)
    return out


def kpi_unit(kpi: str) -> str:
    """The KPI's unit in the dictionary (``count`` for a KPI it does not list)."""
    row = kpi_dictionary().get(kpi)
    return row["unit"] if row else "count"


@cache
def province_short_names() -> dict[str, str]:
    """GB/T 2260 code of each of the 31 provincial-level divisions → its short name (广西)."""
    return {r["province_code"]: r["province_short_name"] for r in _rows("provinces.csv")}


@cache
def admin_tiers() -> tuple[str, ...]:
    """The values of ``admin_tier``: the level of a department's government."""
    return tuple(r["admin_tier"] for r in _rows("admin_tiers.csv"))


_GROUP_HEADS = ("本年度办理结果", "不予公开", "无法提供", "不予处理", "其他处理")


_PREFIX_KEYS: dict[int, tuple[dict, frozenset[str]]] = {}


def _prefix_keys(keys: dict[str, str]) -> frozenset[str]:
    """The two-character keys that open other keys ("其他" of 其他法律行政法规…): they also open group
    labels (其他处理…), so a longer label names them only when nothing but a short note follows.
    Computed once per vocabulary (the loaders above return the same dict each time)."""
    cached = _PREFIX_KEYS.get(id(keys))
    if cached is None or cached[0] is not keys:
        cached = (keys, frozenset(k for k in keys if len(k) <= 2 and any(o != k and o.startswith(k) for o in keys)))
        _PREFIX_KEYS[id(keys)] = cached
    return cached[1]


_MATCHES: dict[tuple, tuple[str | None, int]] = {}
_MATCHES_LIMIT = 50_000


def match_label(candidates: list[str], keys: dict[str, str], *, min_prefix: int = 5) -> tuple[str | None, int]:
    """Best row for a label split over several cells or lines; returns (value, score).

    Reports print the same template labels again and again: a match is remembered per
    vocabulary (the loaders above return one dict per vocabulary for the life of the process)."""
    memo_key = (tuple(candidates), id(keys), min_prefix)
    cached = _MATCHES.get(memo_key)
    if cached is not None and _PREFIX_KEYS.get(id(keys), (None,))[0] is keys:
        return cached
    if len(_MATCHES) >= _MATCHES_LIMIT:
        _MATCHES.clear()
    result = _match_label(candidates, keys, min_prefix)
    _MATCHES[memo_key] = result
    return result


def _match_label(candidates: list[str], keys: dict[str, str], min_prefix: int) -> tuple[str | None, int]:
    best: tuple[str | None, int, int, int] = (None, 0, 0, 0)  # value, score, rank, key length
    expanded = []
    for candidate in candidates:
        label = label_key(candidate)
        expanded.append(label)
        # a sub-row label printed after its group's name ("（六）其他处理1.申请人…"): the row is
        # named by what follows the group
        expanded += [label_key(label[len(head):]) for head in _GROUP_HEADS
                     if label.startswith(head) and len(label) > len(head) + 1]
    prefixes = _prefix_keys(keys)
    if expanded and expanded[0] in _GROUP_HEADS and expanded[0] not in keys:
        return None, 0  # "（六）其他处理" over its rows names none of them
    for label in expanded:
        if not label:
            continue
        exact = keys.get(label)
        if exact is not None:
            return exact, 100
        for key, value in keys.items():
            if key in prefixes and len(label) > len(key) + 2:
                continue
            scored = _label_score(label, key, min_prefix) if key else None
            if scored is None:
                continue
            score, rank = scored
            if (rank, len(key)) > (best[2], best[3]):
                best = (value, score, rank, len(key))
    return best[0], best[1]


def _label_score(label: str, key: str, min_prefix: int) -> tuple[int, int] | None:
    """(score, rank) of how well ``label`` names the row ``key``; None when it does not."""
    if label == key:
        return 100, 100
    if label.startswith(key) and len(key) >= 2:
        # a label with trailing words (notes, units) still names its row; but a short key at
        # the head of a long label ("其他" of "其他法律行政法规…", cut by a wrap) ranks below a
        # longer key the label begins
        return 90, 90 if 2 * len(key) >= len(label) else 75
    if key.startswith(label) and len(label) >= min_prefix:
        return 80, 80
    if len(key) >= 4 and key in label:
        return 70, 70
    if len(label) >= 6 and label in key:
        return 60, 60
    return None
