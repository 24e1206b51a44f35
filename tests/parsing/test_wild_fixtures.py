"""Real reports from the wild corpus, one per class of failure, with hand-checked values
(tests/fixtures/wild/README.md). What may still be missing there is listed by ``xxgk eval
tests/fixtures/wild``; what must never happen is a number in the wrong cell or a report
filed under the wrong place."""

from __future__ import annotations

from pathlib import Path

import pytest

from xxgk.evaluation import evaluate

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "wild"


@pytest.fixture(scope="module")
def result():
    return evaluate(FIXTURES)


@pytest.fixture(scope="module")
def text_only_result():
    return evaluate(FIXTURES, text_only=True)


def test_every_fixture_is_scored(result):
    assert result.files == len(list(FIXTURES.glob("*.expected.json"))) >= 21


@pytest.mark.parametrize("field", ["table3", "kpis", "approx"])
def test_no_number_lands_in_a_wrong_cell(result, field):
    assert [d for d in result.fields[field].details if d["kind"] == "wrong"] == []


@pytest.mark.parametrize("field", ["meta.province", "meta.place"])
def test_no_report_is_filed_under_a_wrong_place(result, field):
    assert [d for d in result.fields[field].details if d["kind"] == "wrong"] == []


@pytest.mark.parametrize("field", ["meta.province", "meta.place", "meta.issuer"])
def test_without_its_url_no_report_is_filed_under_a_wrong_place(text_only_result, field):
    # what the URL told is then missing, never replaced by a guess (胡市镇 is not 平和县's; 黔东南州
    # is 黔东南苗族侗族自治州)
    assert [d for d in text_only_result.fields[field].details if d["kind"] == "wrong"] == []


def test_cells_of_the_one_cell_per_line_tables_are_read(result):
    # 0132 and 0147 separate cells by an empty line: read as blank cells, 52 zeros came back null
    table3 = result.fields["table3"]
    assert table3.recall >= 0.95
