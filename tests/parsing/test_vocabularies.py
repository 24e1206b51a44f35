"""Each vocabulary has one source, a file of xxgk/parsing/labels/: Python reads it there, dbt seeds
that same file, and the external formats agree with it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xxgk import synth
from xxgk.parsing import labels

from .conftest import GOLD

ROOT = Path(__file__).resolve().parents[2]
SHARED_KPIS = GOLD.parent / "format" / "kpis.csv"


def test_dbt_seeds_the_labels_folder_itself_and_holds_no_copy_of_it():
    import yaml

    project = yaml.safe_load((ROOT / "dbt_project" / "dbt_project.yml").read_text(encoding="utf-8"))
    seed_dirs = [(ROOT / "dbt_project" / path).resolve() for path in project["seed-paths"]]
    assert labels.LABELS_DIR.resolve() in seed_dirs
    label_files = {path.name for path in labels.LABELS_DIR.glob("*.csv")}
    for seed_dir in seed_dirs:
        if seed_dir != labels.LABELS_DIR.resolve():
            assert not label_files & {path.name for path in seed_dir.glob("*.csv")}


def test_the_kpi_dictionary_is_the_format_s_kpis_csv():
    if not SHARED_KPIS.is_file():
        pytest.fail(f"{SHARED_KPIS} not found: the test needs ../shared beside the repository")
    assert (labels.LABELS_DIR / "kpi_dictionary.csv").read_bytes() == SHARED_KPIS.read_bytes()


def test_table4_groups_are_the_kpi_prefixes_and_the_gold_json_uses_their_gold_keys(gold_dir):
    kpis = set(labels.kpi_dictionary())
    for group in labels.table4_groups():
        assert {f"{group}_{part}" for part in labels.table4_part_labels()} <= kpis
    gold_groups = set()
    for path in gold_dir.rglob("*.expected.json"):
        gold_groups |= set(json.loads(path.read_text(encoding="utf-8")).get("table4", {}))
    assert gold_groups and gold_groups <= set(labels.table4_gold_keys().values())
    table4 = {group: {"total": i} for i, group in enumerate(labels.table4_groups())}
    assert labels.table4_from_gold(labels.table4_to_gold(table4)) == table4


def test_admin_tiers_cover_the_gold_files_and_the_synthetic_bodies(gold_dir):
    tiers = set(labels.admin_tiers())
    gold_tiers = {json.loads(path.read_text(encoding="utf-8")).get("admin_tier")
                  for path in gold_dir.rglob("*.expected.json")} - {None}
    assert gold_tiers <= tiers
    assert {body[5] for body in synth.ISSUERS} - {None} <= tiers


def test_applicant_columns_are_table3_columns_without_the_total():
    assert labels.applicant_columns() + ("total",) == labels.table3_columns() == synth.COLUMNS
