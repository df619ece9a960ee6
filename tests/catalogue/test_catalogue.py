"""Tests of the criteria catalogue: the shipped file, validation problems, thresholds, CLI."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ntm_analysis.catalogue.display import catalogue_to_frame
from ntm_analysis.catalogue.model import (
    DEFAULT_CATALOGUE,
    CatalogueError,
    load_catalogue,
    threshold_table,
)
from ntm_analysis.catalogue.schema import check_catalogue
from ntm_analysis.cli import app

FIXTURES = Path(__file__).parents[1] / "fixtures" / "catalogues"
MINI = FIXTURES / "mini.yaml"
BROKEN = FIXTURES / "broken.yaml"
runner = CliRunner()


@pytest.fixture(scope="module")
def shipped():
    return load_catalogue()


@pytest.fixture(scope="module")
def mini():
    return load_catalogue(MINI)


def _problems(path: Path) -> list:
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path)
    return info.value.problems


# --- the shipped catalogue -------------------------------------------------------------------


def test_shipped_catalogue_loads_by_default_id(shipped):
    assert shipped.meta["id"] == DEFAULT_CATALOGUE
    assert shipped.tier_ids() == ["ntm", "nang-cao", "kieu-mau", "kdc-kieu-mau"]


@pytest.mark.parametrize("tier", ["ntm", "nang-cao"])
def test_ntm_and_nang_cao_have_19_criteria_each_with_an_indicator(shipped, tier):
    crit = shipped.criteria[shipped.criteria["tier"] == tier]
    assert sorted(crit["criterion"]) == list(range(1, 20))
    with_ind = set(shipped.indicators.loc[shipped.indicators["tier"] == tier, "criterion"])
    assert with_ind == set(range(1, 20))


def test_every_indicator_has_a_known_source_and_a_confidence(shipped):
    inds = shipped.indicators
    assert inds["source"].isin(list(shipped.sources)).all()
    assert inds["confidence"].isin(["medium", "low"]).all()  # nothing in the reference is high


def test_no_threshold_is_presented_as_verified(shipped):
    assert not shipped.indicators["threshold_status"].eq("verified").any()


def test_numeric_indicators_have_thresholds_unless_unknown(shipped):
    inds = shipped.indicators
    numeric = inds[inds["comparator"].ne("true") & inds["threshold_status"].ne("unknown")]
    with_thr = shipped.thresholds[["tier", "indicator"]].drop_duplicates()
    merged = numeric.merge(with_thr, on=["tier", "indicator"], how="left", indicator=True)
    assert merged["_merge"].eq("both").all()


def test_shared_measure_is_used_by_several_tiers(shipped):
    tiers = shipped.indicators.loc[shipped.indicators["measure"] == "income_per_capita", "tier"]
    assert set(tiers) == {"ntm", "nang-cao", "kieu-mau"}


def test_year_specific_income_threshold_is_picked_by_year(shipped):
    table = threshold_table(shipped, years=[2022, 2025], regions=["trung-du-mien-nui-phia-bac"])
    ntm = table[(table["tier"] == "ntm") & (table["indicator"] == "10")].set_index("year")["threshold"]
    assert ntm.to_dict() == {2022: 39.0, 2025: 48.0}  # provisional values set in the brief


def test_nang_cao_income_is_ten_percent_above_ntm_of_the_same_year(shipped):
    table = shipped.threshold_table(years=range(2021, 2026), regions="trung-du-mien-nui-phia-bac")
    inc = table[table["indicator"].isin(["10", "KM.2"])].pivot(index="year", columns="tier", values="threshold")
    assert (inc["nang-cao"] - 1.1 * inc["ntm"]).abs().max() < 1e-9
    assert (inc["kieu-mau"] - 1.1 * inc["nang-cao"]).abs().max() < 1e-9


def test_level_threshold_label_becomes_its_rank(shipped):
    thr = shipped.thresholds
    row = thr[(thr["tier"] == "nang-cao") & (thr["indicator"] == "5.8")]
    assert row["threshold"].tolist() == [3.0]  # "khá" in [yếu, trung bình, khá, tốt]


def test_level_measures_have_levels(shipped):
    levels = shipped.measures.loc[shipped.measures["kind"] == "level", "levels"]
    assert len(levels) > 0 and all(isinstance(v, list) and v for v in levels)


# --- thresholds on the small fixture ---------------------------------------------------------


def test_missing_years_are_filled_with_the_period(mini):
    row = mini.thresholds[(mini.thresholds["indicator"] == "2.1") & (mini.thresholds["region"] == "")]
    assert row[["year_from", "year_to"]].values.tolist() == [[2021, 2025]]


def test_region_specific_threshold_wins_over_generic(mini):
    table = threshold_table(mini, years=[2023], regions=["mien-nui", "dong-bang"])
    water = table[table["indicator"] == "2.1"].set_index("region")["threshold"]
    assert water.to_dict() == {"dong-bang": 90.0, "mien-nui": 80.0}


def test_region_specific_threshold_applies_only_in_its_years(mini):
    table = threshold_table(mini, years=[2023, 2024], regions=["mien-nui", "dong-bang"])
    inc = table[table["indicator"] == "1"].set_index(["region", "year"])["threshold"]
    assert inc[("mien-nui", 2023)] == 30.0 and inc[("mien-nui", 2024)] == 40.0
    assert inc[("dong-bang", 2024)] == 30.0


def test_boolean_indicators_have_no_threshold_rows(mini):
    assert not mini.thresholds["indicator"].eq("1.1").any()


def test_catalogue_to_frame_filters_tier_and_shows_threshold_text(mini):
    frame = catalogue_to_frame(mini, tier="nang-cao", lang="en")
    assert frame["indicator"].tolist() == ["1.1", "1.2"]
    assert frame["threshold"].tolist() == ["Met", ">= good"]  # the level "khá" in English


# --- broken catalogues -----------------------------------------------------------------------


@pytest.mark.parametrize("location, key", [
    ("criteria[1].indicators[0].measure", "ref"),                   # unknown measure
    ("criteria[1].indicators[1].comparator", "enum"),               # "=>"
    ("criteria[1].indicators[1].code", "duplicate"),                # "2.1" twice in tier ntm
    ("criteria[0].indicators[0].thresholds[0].value", "number"),    # "30%"
])
def test_broken_catalogue_names_each_problem_and_its_place(location, key):
    found = {(p.location, p.key) for p in _problems(BROKEN)}
    assert (location, key) in found


def test_broken_catalogue_problems_carry_line_and_fix_in_both_languages():
    problem = next(p for p in _problems(BROKEN) if p.key == "number")
    assert problem.line == 34
    assert "30%" in problem.message("vi") and problem.fix("vi") != problem.fix("en")


def test_a_list_item_that_is_not_a_mapping_is_named_by_its_place():
    found = [p for p in check_catalogue({"criteria": [1]}, "c.yaml") if p.location == "criteria[0]"]
    assert found and "'criteria[0]' must be a mapping" in found[0].render("en")


def test_unquoted_code_and_year_outside_period_are_reported(tmp_path):
    text = MINI.read_text(encoding="utf-8").replace('code: "2.1"', "code: 2.10").replace(
        "years: [2024, 2025]", "years: [2024, 2027]")
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    keys = {(p.location, p.key) for p in _problems(path)}
    assert ("criteria[1].indicators[0].code", "code") in keys
    assert ("criteria[0].indicators[0].thresholds[1].years", "years") in keys


def test_requires_of_unknown_tier_and_level_without_levels_are_reported(tmp_path):
    text = MINI.read_text(encoding="utf-8").replace("requires: ntm", "requires: ntn").replace(
        ", levels: [yếu, trung bình, khá, tốt]", "")
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    keys = {(p.location, p.key) for p in _problems(path)}
    assert ("tiers[1].requires", "ref") in keys
    assert ("measures[4].levels", "levels") in keys


def test_yaml_syntax_error_is_a_catalogue_error_with_a_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\nname: {vi: a\n", encoding="utf-8")
    (problem,) = _problems(path)
    assert problem.key == "yaml" and problem.line is not None


def test_unknown_catalogue_id_is_a_catalogue_error():
    (problem,) = _problems(Path("khong-co-bo-nay"))
    assert problem.key == "not_found" and DEFAULT_CATALOGUE in problem.fix("en")


# --- CLI -------------------------------------------------------------------------------------


def test_cli_check_exits_2_with_every_problem_on_a_bad_file():
    result = runner.invoke(app, ["catalogue", "check", str(BROKEN), "--lang", "en"])
    assert result.exit_code == 2
    assert "criteria[1].indicators[0].measure" in result.stderr
    assert "4 problems" in result.stderr


def test_cli_check_exits_0_on_the_shipped_catalogue():
    shipped = Path(__file__).parents[2] / "ntm_analysis" / "catalogue" / "catalogues" / f"{DEFAULT_CATALOGUE}.yaml"
    result = runner.invoke(app, ["catalogue", "check", str(shipped)])
    assert result.exit_code == 0, result.output
    assert "nang-cao" in result.stdout


def test_cli_show_csv_loads_back_with_pandas(shipped):
    result = runner.invoke(app, ["catalogue", "show", "--format", "csv", "--tier", "ntm"])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(io.StringIO(result.stdout), dtype={"indicator": str})
    assert len(frame) == int((shipped.indicators["tier"] == "ntm").sum())
    assert {"indicator", "source", "confidence", "threshold_status"} <= set(frame.columns)


def test_cli_show_accepts_a_catalogue_path_and_rejects_an_unknown_tier():
    ok = runner.invoke(app, ["catalogue", "show", "--catalogue", str(MINI), "--lang", "en"])
    assert ok.exit_code == 0 and "income_per_capita" in ok.stdout
    bad = runner.invoke(app, ["catalogue", "show", "--catalogue", str(MINI), "--tier", "kieu-mau"])
    assert bad.exit_code == 2


def test_cli_show_table_names_tiers_by_their_label_and_lists_the_ids_once():
    """The table's tier column reads "NTM nâng cao", not the id "nang-cao"; the ids --tier takes are
    listed once above the table (CSV keeps the ids: it is for machines)."""
    out = runner.invoke(app, ["catalogue", "show", "--tier", "nang-cao"])
    assert out.exit_code == 0, out.output
    first, rows = out.stdout.split("\n", 1)
    assert "NTM nâng cao = nang-cao" in first
    assert "│ NTM nâng cao" in rows and "nang-cao" not in rows
