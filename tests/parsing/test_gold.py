"""Every metadata field and every stated value of the gold reports, exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xxgk.evaluation import EvalResult, eval_main, evaluate, gold_pairs, score_file
from xxgk.extract_commands import extract_path
from xxgk.parsing import extract_document

from .conftest import GOLD, unexplained

FULL_REPORTS = sorted(GOLD.glob("seeds/*.txt")) + sorted(GOLD.glob("huaian_2024.txt")) if GOLD.is_dir() else []
DEV_EXCERPTS = sorted(GOLD.glob("dev/*.txt")) if GOLD.is_dir() else []


def _problems(path: Path) -> list[dict]:
    gold = json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))
    result = EvalResult()
    score_file(result, path, gold, extract_path(path))
    return unexplained(result.problems())


@pytest.mark.parametrize("path", FULL_REPORTS, ids=lambda p: p.stem)
def test_full_report_matches_gold(gold_dir, path):
    assert _problems(path) == []


@pytest.mark.parametrize("path", DEV_EXCERPTS, ids=lambda p: p.stem)
def test_dev_excerpt_matches_gold(gold_dir, path):
    assert _problems(path) == []


def test_evaluate_whole_gold_tree(gold_dir, capsys):
    assert eval_main(str(gold_dir)) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("41 gold files")
    result = evaluate(gold_dir)
    assert result.files == len(gold_pairs(gold_dir)) == 41
    assert unexplained(result.problems()) == []
    assert len(result.problems()) == 1  # the one GOLD_DEVIATIONS entry
    assert result.fields["table3"].correct == 175  # huaian: 25 rows x 7 columns
    assert result.fields["table4"].correct == 15
    assert result.fields["meta.issuer"].recall == 1.0


def _extract(path: Path):
    return extract_document(path.read_bytes(), content_type="text/plain")


def test_huaian_facts_point_into_the_text(gold_dir):
    ex = _extract(gold_dir / "huaian_2024.txt")
    received = next(f for f in ex.facts if f["kpi"] == "applications_received" and f["source"] == "table3")
    assert received["value"] == 3119 and received["row_key"] == "applications_received"
    assert ex.text[received["char_start"]:received["char_end"]] == "3119"
    # the wrapped PDF labels: （六） sub-rows numbered 1、 2、 3、 are still told apart
    fee_unpaid = next(f for f in ex.facts if f["kpi"] == "result_other_fee_unpaid")
    assert fee_unpaid["value"] == 6
    derived = next(f for f in ex.facts if f["kpi"] == "admin_litigation_total" and f["source"] == "table4")
    assert derived["value"] == 46
    checks = {i["check_id"]: i for i in ex.issues}
    for check in ("T3-balance", "T3-columns", "T3-results", "T4-parts", "T4-litigation", "prose-vs-table"):
        assert checks[check]["severity"] == "info", checks[check]
    assert ex.document["publication_date"] is None


def test_traditional_annex_keeps_the_raw_string(gold_dir):
    ex = _extract(gold_dir / "seeds" / "000_40892135519ae9b8.txt")
    page_views = next(f for f in ex.facts if f["kpi"] == "page_views")
    assert (page_views["value"], page_views["qualifier"], page_views["raw_text"]) == (260000, "more_than", "26萬多")
    assert page_views["source"] == "annex_2008"


def test_cumulative_figure_is_not_the_years_total(gold_dir):
    ex = _extract(gold_dir / "dev" / "030.txt")
    totals = [f["value"] for f in ex.facts if f["kpi"] == "proactive_items_total"]
    assert totals == [449248]


def test_unit_error_is_flagged_not_recorded(gold_dir):
    ex = _extract(gold_dir / "dev" / "033.txt")
    assert not [f for f in ex.facts if f["kpi"].startswith("proactive_items")]
    assert any(i["check_id"] == "implausible-unit" for i in ex.issues)
    assert ex.document["is_suspect_mirror"] is True


def test_dash_and_blank_cells_of_a_pipe_table(gold_dir):
    ex = _extract(gold_dir / "dev" / "024.txt")
    by_kpi = {f["kpi"]: f for f in ex.facts}
    assert "admin_coercion_decisions" not in by_kpi  # '-' is neither a number nor blank
    assert any(i["check_id"] == "dash-cell" for i in ex.issues)
    fee = by_kpi["admin_fee_items_prev_year"]
    assert fee["cell_state"] == "blank" and fee["value"] is None
    assert by_kpi["admin_license_items_change"]["value"] == 5
    assert ex.document["era"] == "2019_trial_format"


def test_about_values_are_kept_with_their_qualifier_but_not_as_approx(gold_dir):
    ex = _extract(gold_dir / "dev" / "007.txt")
    about = [f for f in ex.facts if f["qualifier"] == "about"]
    assert [(f["kpi"], f["value"]) for f in about] == [("proactive_items_website", 9826)]
    summary = ex.to_extract_json("007.txt")
    assert summary["approx"] == {} and "proactive_items_website" not in summary["kpis"]
