"""Thresholds by commune group (threshold_by: group): catalogue keys, units.csv group column,
groups.csv, missing and default groups. Fixtures: tests/fixtures/catalogues/groups.yaml (income
>= 60 / 50 / 40 for groups 1 / 2 / 3) and tests/fixtures/datasets/groups (Vũ Lăng "nhóm 1", in
groups.csv group 2 from 2027; Nhất Hòa 3; Bắc Sơn without a group)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ntm_analysis.assess.attainment import assess
from ntm_analysis.assess.keys import MissingGroupError, defaulted_notice, unit_keys
from ntm_analysis.catalogue.model import build_catalogue, load_catalogue, threshold_table
from ntm_analysis.catalogue.schema import check_catalogue
from ntm_analysis.io.dataset import load_dataset
from ntm_analysis.io.validation import DatasetError

FIX = Path(__file__).parents[1] / "fixtures"
CAT = FIX / "catalogues" / "groups.yaml"
DATA = FIX / "datasets" / "groups"


@pytest.fixture(scope="module")
def cat():
    return load_catalogue(CAT)


@pytest.fixture(scope="module")
def data(cat):
    return load_dataset(DATA, catalogue=cat)


def _doc() -> dict:
    return yaml.safe_load(CAT.read_text(encoding="utf-8"))


def _income(result, code, year):
    ind = result.indicators
    return ind[(ind["code"] == code) & (ind["year"] == year) & (ind["indicator"] == "1.1")].iloc[0]


def test_threshold_table_is_keyed_by_group(cat):
    table = threshold_table(cat, years=[2026], regions=["1", "3"])
    assert dict(zip(table["group"], table["threshold"])) == {"1": 60.0, "3": 40.0}


def test_group_written_as_nhom_1_selects_group_1_threshold(cat, data):
    row = _income(assess(data, cat, years=[2026], units=["06367"]), "06367", 2026)
    assert (row["threshold"], row["status"]) == (60.0, "not_met")


def test_group_as_a_plain_number_selects_its_threshold(cat, data):
    row = _income(assess(data, cat, years=[2026], units=["06376"]), "06376", 2026)
    assert (row["threshold"], row["status"]) == (40.0, "met")


def test_groups_csv_changes_the_group_from_its_year_on(cat, data):
    result = assess(data, cat, years=[2026, 2027], units=["06367"])
    assert _income(result, "06367", 2026)["threshold"] == 60.0
    assert _income(result, "06367", 2027)["threshold"] == 50.0


def test_unit_without_group_and_no_default_is_an_error_naming_it(cat, data):
    with pytest.raises(MissingGroupError, match="Bắc Sơn \\(06325\\)"):
        assess(data, cat, years=[2026])


def test_default_group_is_used_and_flagged(data):
    doc = _doc()
    doc["default_group"] = "2"
    cat = build_catalogue(doc)
    row = _income(assess(data, cat, years=[2026], units=["06325"]), "06325", 2026)
    assert row["threshold"] == 50.0
    keys = unit_keys(data.units, cat, [2026], data.groups)
    assert keys.loc[keys["key_defaulted"], "code"].tolist() == ["06325"]
    assert "Bắc Sơn (06325)" in defaulted_notice(keys, data.units, cat, "vi")


def test_group_row_in_a_region_catalogue_is_reported():
    doc = _doc()
    doc["threshold_by"] = "region"
    doc["default_region"] = "x"
    keys = {p.key for p in check_catalogue(doc, "t.yaml")}
    assert "wrong_key" in keys


def test_group_catalogue_without_groups_is_reported():
    doc = _doc()
    del doc["groups"]
    assert "groups_needed" in {p.key for p in check_catalogue(doc, "t.yaml")}


def test_threshold_for_an_unknown_group_is_reported():
    doc = _doc()
    doc["criteria"][0]["indicators"][0]["thresholds"][0]["group"] = "4"
    problems = check_catalogue(doc, "t.yaml")
    assert [p.location for p in problems] == ["criteria[0].indicators[0].thresholds[0].group"]


def test_invalid_group_in_units_csv_names_row_and_column(tmp_path, cat):
    for f in DATA.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    text = (tmp_path / "units.csv").read_text(encoding="utf-8").replace(",3\n", ",ba\n")
    (tmp_path / "units.csv").write_text(text, encoding="utf-8")
    with pytest.raises(DatasetError) as info:
        load_dataset(tmp_path, catalogue=cat)
    bad = [p for p in info.value.errors if p.rule == "group_invalid"]
    assert [(p.file, p.row, p.column) for p in bad] == [("units.csv", 4, "group")]


def test_region_catalogue_still_keys_by_region():
    cat = load_catalogue(FIX / "catalogues" / "mini.yaml")
    table = threshold_table(cat, years=[2024], regions=["mien-nui", "dong-bang"])
    got = dict(zip(table.loc[table["indicator"] == "1", "region"], table.loc[table["indicator"] == "1", "threshold"]))
    assert got == {"mien-nui": 40.0, "dong-bang": 30.0}


def test_groups_are_loaded_in_catalogue_order(cat):
    assert [g["id"] for g in cat.meta["groups"]] == ["1", "2", "3"]


def test_default_group_must_be_one_of_the_groups():
    doc = _doc()
    doc["default_group"] = "9"
    assert [(p.location, p.key) for p in check_catalogue(doc, "t.yaml")] == [("default_group", "ref")]


def test_summary_line_names_the_group_and_flags_a_default_one(data):
    """`ntm status` under a group catalogue: the head names the commune group the unit was judged
    by; a group given by the catalogue's default_group says so."""
    from ntm_analysis.report.scorecard import summary_line

    doc = _doc()
    doc["default_group"] = "2"
    cat = build_catalogue(doc)
    result = assess(data, cat, years=[2026], units=["06367", "06325"])
    groups = {g["id"]: g for g in cat.meta["groups"]}
    assert summary_line(result, "06367", 2026, lang="vi").split(" — ")[0].endswith(f"2026 ({groups['1']['vi']})")
    flagged = summary_line(result, "06325", 2026, lang="en").split(" — ")[0]
    assert f"({groups['2']['en']}: the catalogue's default, none given)" in flagged


def test_summary_line_of_a_region_catalogue_names_no_group():
    from ntm_analysis.report.scorecard import summary_line

    sample = Path(__file__).resolve().parents[2] / "data" / "sample"
    ds = load_dataset(sample)
    cat = load_catalogue("lang-son-2022-2025")
    head = summary_line(assess(ds, cat, years=[2024], units=["06352"]), "06352", 2024).split(" — ")[0]
    assert head == "Tân Lập 2024"
