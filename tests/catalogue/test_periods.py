"""One catalogue per period (dataset.toml [catalogues]): the catalogue in force per year, no series
across two criteria sets, measures of another catalogue ignored with one warning per measure.
Fixture tests/fixtures/datasets/periods: Vũ Lăng (group 3), income and poverty 2024-2026,
smart_village (a 2021-2025 kiểu mẫu measure) 2025-2026; 2021-2025 lang-son, 2026-2030 qd51."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ntm_analysis.assess.attainment import assess
from ntm_analysis.catalogue.periods import catalogue_for_year, catalogues_by_year, parse_periods, period_notice
from ntm_analysis.cli import app
from ntm_analysis.io.dataset import load_dataset
from ntm_analysis.io.validation import DatasetError

runner = CliRunner()
FIX = Path(__file__).parents[1] / "fixtures" / "datasets"
DATA = FIX / "periods"


@pytest.fixture(scope="module")
def data():
    return load_dataset(DATA)


@pytest.mark.parametrize(("year", "expected"), [(2025, "lang-son-2022-2025"), (2026, "qd51-2026-2030")])
def test_catalogue_in_force_is_picked_by_year(data, year, expected):
    assert catalogue_for_year(data.meta, year).meta["id"] == expected


def test_explicit_catalogue_wins_for_every_year(data):
    assert catalogue_for_year(data.meta, 2026, "lang-son-2022-2025").meta["id"] == "lang-son-2022-2025"


def test_years_are_split_by_catalogue(data):
    parts = catalogues_by_year(data.meta, [2024, 2025, 2026])
    assert [(c.meta["id"], ys) for c, ys in parts] == [("lang-son-2022-2025", [2024, 2025]), ("qd51-2026-2030", [2026])]


def test_bad_period_key_is_reported():
    periods, bad = parse_periods({"2021/2025": "x", "2026-2030": "qd51-2026-2030"})
    assert periods == [(2026, 2030, "qd51-2026-2030")] and bad == ["2021/2025 = 'x'"]


def test_assessment_never_includes_years_of_another_period(data):
    qd51 = catalogue_for_year(data.meta, 2026)
    result = assess(data, qd51)
    assert set(result.units["year"]) == {2026}
    assert not result.criteria["change"].isin(["kept", "still_not_met", "slipped", "newly_met"]).any()


def test_status_2026_counts_out_of_ten_with_the_banner():
    # the sample: the fixture above has too few measures for any 2026 criterion (its status is "no data")
    sample = Path(__file__).resolve().parents[2] / "data" / "sample"
    out = runner.invoke(app, ["status", str(sample), "--year", "2026", "--unit", "Vũ Lăng", "--lang", "en"])
    assert out.exit_code == 0, out.output
    assert "/10 criteria" in out.stdout and "PROVISIONAL" in out.stdout


def test_status_2025_counts_out_of_nineteen():
    out = runner.invoke(app, ["status", str(DATA), "--year", "2025", "--lang", "en"])
    assert "/19 criteria" in out.stdout and "PROVISIONAL" not in out.stdout


def test_trends_mark_the_change_of_criteria_set():
    out = runner.invoke(app, ["trends", str(DATA), "--unit", "Vũ Lăng", "--lang", "en"])
    assert out.exit_code == 0, out.output
    assert "From 2026: criteria set changes lang-son-2022-2025 (19 criteria) → qd51-2026-2030 (10 criteria)" in out.stdout


def test_period_notice_names_the_other_years(data):
    text = period_notice(data.meta, catalogue_for_year(data.meta, 2026), [2024, 2025, 2026], "en")
    assert text.startswith("Years 2024-2025 are assessed under another criteria set (lang-son-2022-2025)")


def test_measures_of_another_catalogue_give_one_warning_each(data):
    narrow = load_dataset(DATA, catalogue="qd51-2026-2030")
    unused = [p for p in narrow.problems if p.rule == "indicator_unused"]
    assert [(p.value, p.row) for p in unused] == [("smart_village", 6)]
    assert "(2 " in unused[0].message_en


def test_close_unknown_measure_is_still_an_error_with_a_hint(tmp_path):
    for f in DATA.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    with (tmp_path / "values.csv").open("a", encoding="utf-8") as fh:
        fh.write("06367,2026,income_per_capit,50\n")
    with pytest.raises(DatasetError) as info:
        load_dataset(tmp_path)
    bad = [p for p in info.value.errors if p.rule == "indicator_unknown"]
    assert [p.value for p in bad] == ["income_per_capit"] and "income_per_capita" in bad[0].fix_en


def test_a_smaller_catalogue_gives_one_warning_per_measure_not_an_error_per_row():
    sample = Path(__file__).parents[2] / "data" / "sample"
    data = load_dataset(sample, catalogue="qd51-2026-2030")  # no DatasetError: 2021-2024 measures are kept
    unused = [p for p in data.problems if p.rule == "indicator_unused"]
    assert len(unused) == len({p.value for p in unused}) > 0


def test_a_far_id_is_not_a_typo_of_a_near_one():
    from ntm_analysis.io.validation import edits

    assert edits("ho_dung_dein", "ho_dung_dien") <= 2 < edits("field_roads_hard_pct", "field_roads_pct")
