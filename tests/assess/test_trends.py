"""Tests of ntm_analysis.assess.trends: history with changes, progress statuses (hand-computed), the
projection, and series across a merge. Small hand-made tables; every expected number is worked
out in the comments."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from ntm_analysis.assess.attainment import assess
from ntm_analysis.catalogue.model import Catalogue
from ntm_analysis.io.dataset import Dataset
from ntm_analysis.assess.trends import (MESSAGES, history, progress, progress_table, successor_series, unit_period,
                                 wide_history)

NA = np.nan


# --- a hand-made catalogue: one tier, one indicator per measure --------------------------------

MEASURES = [  # measure, kind, unit, level, rollup, comparator, threshold (None = boolean)
    ("ty_le", "percent", "%", "commune", "ratio", ">=", 50.0),
    ("ngheo", "percent", "%", "commune", "none", "<=", 4.0),
    ("thu_nhap", "number", "triệu đồng", "commune", "none", ">=", 50.0),
    ("so_vu", "count", "vụ", "commune", "sum", "<=", 10.0),
    ("quy_hoach", "boolean", "", "commune", "none", "true", None),
    ("nvh", "boolean", "", "commune", "all", "true", None),
    ("muc_do", "level", "mức độ", "commune", "none", ">=", 2.0),
    ("duong", "percent", "%", "village", "ratio", ">=", 50.0),
]


def make_catalogue(extra_thresholds: list[tuple] | None = None) -> Catalogue:
    m = pd.DataFrame(MEASURES, columns=["measure", "kind", "unit", "level", "rollup", "comparator", "threshold"])
    measures = m[["measure", "kind", "unit", "level", "rollup"]].assign(
        name_vi="Đo " + m["measure"], name_en="Measure " + m["measure"], levels=None)
    n = len(m)
    indicators = pd.DataFrame({
        "tier": "ntm", "criterion": np.arange(1, n + 1), "indicator": [f"{i}.1" for i in range(1, n + 1)],
        "measure": m["measure"], "name_vi": "Chỉ tiêu " + m["measure"], "name_en": "Indicator " + m["measure"],
        "comparator": m["comparator"], "unit_level": "commune", "resource": "community", "source": "test",
        "confidence": "high", "threshold_status": "verified", "notes": ""})
    criteria = pd.DataFrame({"tier": "ntm", "criterion": np.arange(1, n + 1),
                             "name_vi": "Tiêu chí " + m["measure"], "name_en": "Criterion " + m["measure"]})
    thr = m[m["threshold"].notna()]
    thresholds = pd.DataFrame({"tier": "ntm", "indicator": indicators.loc[thr.index, "indicator"], "region": "",
                               "year_from": 2020, "year_to": 2025, "threshold": thr["threshold"]})
    if extra_thresholds:
        thresholds = pd.concat([thresholds, pd.DataFrame(extra_thresholds, columns=thresholds.columns)],
                               ignore_index=True)
    tiers = pd.DataFrame({"tier": ["ntm"], "name_vi": ["Nông thôn mới"], "name_en": ["New rural"],
                          "unit_level": ["commune"], "requires": [""], "order": [1]})
    meta = {"id": "t", "version": "1", "name": {"vi": "T", "en": "T"}, "province": "T", "period_from": 2020,
            "period_to": 2025, "threshold_by": "region", "default_region": ""}
    return Catalogue(meta=meta, tiers=tiers, measures=measures, criteria=criteria, indicators=indicators,
                     thresholds=thresholds)


def fake_assessment(series: dict[str, dict[int, float]], thresholds: dict[str, float],
                    comparators: dict[str, str], status: dict[tuple[str, int], str] | None = None) -> SimpleNamespace:
    """Assessment-like object for unit X: one indicator per key of ``series`` ({year: value}); the
    status is computed from the comparator unless given."""
    number = {m[0]: i for i, m in enumerate(MEASURES, start=1)}  # the catalogue's indicator codes
    rows = []
    for ind, pts in series.items():
        i = number[ind]
        for year, value in pts.items():
            t, c = thresholds.get(ind, NA), comparators[ind]
            if status and (ind, year) in status:
                st = status[(ind, year)]
            elif pd.isna(value):
                st = "missing"
            elif c == "true":
                st = "met" if value == 1 else "not_met"
            else:
                st = "met" if (value >= t if c == ">=" else value <= t) else "not_met"
            rows.append(dict(code="X", year=year, tier="ntm", criterion=i, indicator=f"{i}.1", measure=ind,
                             value=value, threshold=t, comparator=c, status=st, gap=NA, share_covered=NA))
    ind = pd.DataFrame(rows)
    crit = ind[["code", "year", "tier", "criterion", "status"]].assign(change=pd.NA)
    return SimpleNamespace(indicators=ind, criteria=crit, units=pd.DataFrame(),
                           scope=pd.DataFrame({"code": ["X"], "region": [pd.NA]}))


def one(prog: pd.DataFrame, measure: str) -> pd.Series:
    return prog.set_index("measure").loc[measure]


# --- progress statuses (threshold 50, >=, plan year 2025, latest year 2023: 2 years left) -------

@pytest.mark.parametrize("pts, status, ratio, projected", [
    # already 55 >= 50
    ({2021: 40.0, 2023: 55.0}, "achieved", None, None),
    # slope 4/yr; required (50-44)/2 = 3/yr; R = 4/3; 6/4 = 1.5 → 2 years → 2025
    ({2022: 40.0, 2023: 44.0}, "on_track", 4 / 3, 2025),
    # slope 2; R = 2/3 (0.6 <= R < 0.95); 6/2 = 3 years → 2026
    ({2022: 42.0, 2023: 44.0}, "needs_acceleration", 2 / 3, 2026),
    # slope 0.5; R = 1/6; 6/0.5 = 12 years → 2035
    ({2022: 43.5, 2023: 44.0}, "slow", 0.5 / 3, 2035),
    # slope -2; R = -2/3; never at this pace
    ({2022: 46.0, 2023: 44.0}, "deteriorating", -2 / 3, None),
    # one point only
    ({2023: 44.0}, "insufficient_data", None, None),
])
def test_progress_status_of_a_higher_is_better_indicator(pts, status, ratio, projected):
    a = fake_assessment({"ty_le": pts}, {"ty_le": 50.0}, {"ty_le": ">="})
    row = one(progress(a, make_catalogue(), "X"), "ty_le")
    assert row["status"] == status
    if ratio is None:
        assert pd.isna(row["ratio"])
    else:
        assert row["ratio"] == pytest.approx(ratio)
    assert (pd.isna(row["projected_year"]) if projected is None else row["projected_year"] == projected)


def test_required_and_observed_are_in_the_indicators_unit():
    a = fake_assessment({"ty_le": {2022: 40.0, 2023: 44.0}}, {"ty_le": 50.0}, {"ty_le": ">="})
    row = one(progress(a, make_catalogue(), "X"), "ty_le")
    assert row["gap"] == pytest.approx(6.0)                  # 50 - 44 percentage points
    assert row["required_per_year"] == pytest.approx(3.0)    # 6 over 2025 - 2023
    assert row["observed_per_year"] == pytest.approx(4.0)


def test_observed_rate_is_the_least_squares_slope_over_all_years():
    # x: 2020..2023 (mean 2021.5), y: 40, 44, 44, 44 (mean 43): Σdxdy = 6, Σdx² = 5 → slope 1.2
    # (the end points alone would give 4/3); required 3/yr → R = 0.4 → slow
    a = fake_assessment({"ty_le": {2020: 40.0, 2021: 44.0, 2022: 44.0, 2023: 44.0}}, {"ty_le": 50.0}, {"ty_le": ">="})
    row = one(progress(a, make_catalogue(), "X"), "ty_le")
    assert row["observed_per_year"] == pytest.approx(1.2)
    assert row["ratio"] == pytest.approx(0.4)
    assert row["status"] == "slow"
    assert row["n_points"] == 4 and row["first_year"] == 2020


def test_lower_is_better_indicator_uses_direction_minus_one():
    # poverty 7 → 5.5: slope -1.5; required (4 - 5.5)/2 = -0.75; R = 2 → on track; 1.5/1.5 = 1 year → 2024
    a = fake_assessment({"ngheo": {2022: 7.0, 2023: 5.5}}, {"ngheo": 4.0}, {"ngheo": "<="})
    row = one(progress(a, make_catalogue(), "X"), "ngheo")
    assert row["ratio"] == pytest.approx(2.0)
    assert row["status"] == "on_track"
    assert row["projected_year"] == 2024
    assert row["gap"] == pytest.approx(1.5)


def test_plan_year_not_after_latest_year_requires_the_whole_gap_now():
    # plan year 2023 = latest year: required = 6 (the gap), slope 4 → R = 2/3
    a = fake_assessment({"ty_le": {2022: 40.0, 2023: 44.0}}, {"ty_le": 50.0}, {"ty_le": ">="})
    row = one(progress(a, make_catalogue(), "X", plan_year=2023), "ty_le")
    assert row["required_per_year"] == pytest.approx(6.0)
    assert row["status"] == "needs_acceleration"


def test_projection_beyond_the_cap_is_not_reached_at_current_pace():
    # slope 0.1, gap 6 → 60 years → 2083 > 2050
    a = fake_assessment({"ty_le": {2022: 43.9, 2023: 44.0}}, {"ty_le": 50.0}, {"ty_le": ">="})
    row = one(progress(a, make_catalogue(), "X"), "ty_le")
    assert pd.isna(row["projected_year"])
    assert row["projection"] == "not_at_current_pace"


def test_target_is_the_threshold_in_force_in_the_plan_year():
    # income threshold rises to 60 in 2025: gap 60 - 48 = 12 over 2 years = 6/yr; slope 2 → R = 1/3
    cat = make_catalogue(extra_thresholds=[("ntm", "3.1", "", 2025, 2025, 60.0)])
    a = fake_assessment({"thu_nhap": {2022: 46.0, 2023: 48.0}}, {"thu_nhap": 50.0}, {"thu_nhap": ">="})
    row = one(progress(a, cat, "X"), "thu_nhap")
    assert row["target"] == 60.0
    assert row["required_per_year"] == pytest.approx(6.0)
    assert row["status"] == "slow"


def test_boolean_and_level_indicators_get_status_only():
    a = fake_assessment({"quy_hoach": {2022: 1.0, 2023: 0.0}, "muc_do": {2022: 1.0, 2023: 2.0}},
                        {"muc_do": 2.0}, {"quy_hoach": "true", "muc_do": ">="})
    prog = progress(a, make_catalogue(), "X")
    assert one(prog, "quy_hoach")["status"] == "not_achieved"
    assert one(prog, "muc_do")["status"] == "achieved"
    assert prog[["ratio", "projected_year"]].isna().all().all()


def test_progress_table_labels_statuses_in_both_languages():
    a = fake_assessment({"ty_le": {2022: 46.0, 2023: 44.0}}, {"ty_le": 50.0}, {"ty_le": ">="})
    prog = progress(a, make_catalogue(), "X")
    assert progress_table(prog, "vi")["status"].iloc[0] == "Đi xuống"
    assert progress_table(prog, "en")["status"].iloc[0] == "Deteriorating"
    assert set(MESSAGES) >= {"achieved", "on_track", "needs_acceleration", "slow", "deteriorating", "insufficient_data"}


# --- history -------------------------------------------------------------------------------------

def test_history_marks_a_slipped_indicator_and_criterion():
    a = fake_assessment({"quy_hoach": {2021: 0.0, 2022: 1.0, 2023: 0.0, 2024: 1.0}}, {}, {"quy_hoach": "true"})
    a.criteria["change"] = ["", "newly_met", "slipped", "recovered"]
    h = history(a, "X")
    ind = h[h["row_type"].eq("indicator")].set_index("year")["change"]
    # 2021 first, 2022 newly met, 2023 slipped, 2024 met again after having been met: recovered
    assert pd.isna(ind[2021]) and ind[2022] == "newly_met" and ind[2023] == "slipped" and ind[2024] == "recovered"
    crit = h[h["row_type"].eq("criterion")]
    assert crit.loc[crit["year"].eq(2023), "change"].item() == "slipped"


def test_history_years_restrict_to_one_period():
    a = fake_assessment({"ty_le": {2022: 40.0, 2023: 44.0, 2025: 70.0}}, {"ty_le": 50.0}, {"ty_le": ">="})
    assert set(history(a, "X", years=range(2020, 2025))["year"]) == {2022, 2023}


def test_wide_history_shows_slip_label_per_year():
    a = fake_assessment({"quy_hoach": {2022: 1.0, 2023: 0.0}}, {}, {"quy_hoach": "true"})
    a.criteria["change"] = [pd.NA, "slipped"]
    wide = wide_history(history(a, "X"), make_catalogue(), lang="vi")
    assert list(wide.columns[-2:]) == ["2022", "2023"]
    assert wide["2023"].iloc[0] == "Chưa đạt (Bị tụt)"
    assert wide["2022"].iloc[0] == "Đạt"
    assert "Tiêu chí quy_hoach" in wide.iloc[0, 1]
    en = wide_history(history(a, "X"), make_catalogue(), lang="en")
    assert en["2023"].iloc[0] == "Not met (Slipped)"


# --- series across a merge ---------------------------------------------------------------------

def merge_dataset(pop_b: float | None = 300) -> Dataset:
    """A (06352) and B (06361) and the old C (06367) merge into the new C (06367) from 2025."""
    u = pd.DataFrame([
        ("185", "Huyện", "district", None, None, None, None),
        ("06352", "A", "commune", "185", 100, 2024, "06367"),
        ("06361", "B", "commune", "185", pop_b, 2024, "06367"),
        ("06367", "C cũ", "commune", "185", 100, 2024, "06367"),
        ("06367", "C mới", "commune", "20", None, None, None),
        ("06352-01", "V1", "village", "06352", None, 2024, None),
        ("06367-01", "V3", "village", "06367", None, 2024, None),
    ], columns=["code", "name", "level", "parent_code", "population", "valid_to", "successor_code"])
    u["valid_from"] = pd.array([None, None, None, None, 2025, None, None], dtype="Int64")
    u = u.astype({"code": "string", "name": "string", "level": "string", "parent_code": "string",
                  "successor_code": "string", "population": "Int64", "valid_to": "Int64"})
    u["region"] = pd.array([None] * len(u), dtype="string")
    u["households"] = pd.array([None] * len(u), dtype="Int64")
    rows = [  # code, year, indicator, value, numerator, denominator
        ("06352", 2023, "ty_le", 80.0, 40.0, 50.0), ("06361", 2023, "ty_le", 50.0, 25.0, 50.0),
        ("06367", 2023, "ty_le", 90.0, 90.0, 100.0),
        ("06352", 2023, "thu_nhap", 40.0, NA, NA), ("06361", 2023, "thu_nhap", 50.0, NA, NA),
        ("06367", 2023, "thu_nhap", 60.0, NA, NA),
        ("06352", 2023, "ngheo", 5.0, NA, NA), ("06361", 2023, "ngheo", 3.0, 3.0, 100.0),
        ("06367", 2023, "ngheo", 4.0, 4.0, 100.0),
        ("06352", 2023, "so_vu", 1.0, NA, NA), ("06361", 2023, "so_vu", 2.0, NA, NA),
        ("06367", 2023, "so_vu", 3.0, NA, NA),
        ("06352", 2023, "nvh", 1.0, NA, NA), ("06361", 2023, "nvh", 0.0, NA, NA), ("06367", 2023, "nvh", 1.0, NA, NA),
        ("06352-01", 2023, "duong", 50.0, 10.0, 20.0), ("06367-01", 2023, "duong", 100.0, 30.0, 30.0),
        ("06367", 2025, "ty_le", 85.0, 170.0, 200.0),
    ]
    v = pd.DataFrame(rows, columns=["code", "year", "indicator", "value", "numerator", "denominator"]).astype(
        {"code": "string", "indicator": "string", "year": "int64"})
    for col in ("source", "assessed_by", "note"):
        v[col] = pd.array([None] * len(v), dtype="string")
    rec = pd.DataFrame({"code": pd.array([], dtype="string"), "tier": pd.array([], dtype="string"),
                        "year": pd.array([], dtype="int64"), "decision": pd.array([], dtype="string")})
    return Dataset(units=u, values=v, recognitions=rec)


def series_value(series: pd.DataFrame, year: int, measure: str) -> pd.Series:
    return series[series["year"].eq(year) & series["indicator"].eq(measure)].iloc[0]


def test_merge_combines_ratio_from_numerators_and_denominators():
    _, s = successor_series(merge_dataset(), make_catalogue(), "06367")
    row = series_value(s, 2023, "ty_le")
    # (40 + 25 + 90) / (50 + 50 + 100) = 155 / 200 = 77.5 %, not the mean of 80, 50, 90
    assert row["value"] == pytest.approx(77.5)
    assert (row["numerator"], row["denominator"]) == (155.0, 200.0)
    assert row["flag"] == "combined"
    assert series_value(s, 2025, "ty_le")["flag"] == "own"   # the new unit's own value, not old C's


def test_merge_sum_all_and_population_weighted_number():
    _, s = successor_series(merge_dataset(), make_catalogue(), "06367")
    assert series_value(s, 2023, "so_vu")["value"] == 6.0
    assert series_value(s, 2023, "nvh")["value"] == 0.0          # all: B has none
    # (40×100 + 50×300 + 60×100) / 500 = 25000 / 500 = 50
    assert series_value(s, 2023, "thu_nhap")["value"] == pytest.approx(50.0)


def test_merge_breaks_where_values_cannot_be_combined():
    _, s = successor_series(merge_dataset(pop_b=None), make_catalogue(), "06367", lang="en")
    income = series_value(s, 2023, "thu_nhap")
    assert income["flag"] == "break" and pd.isna(income["value"]) and "population" in income["reason"]
    poverty = series_value(s, 2023, "ngheo")                       # rollup none, percent
    assert poverty["flag"] == "break" and "cannot be combined" in poverty["reason"]


def test_merged_dataset_assesses_as_one_continuous_unit():
    ds, _ = successor_series(merge_dataset(), make_catalogue(), "06367")
    a = assess(ds, make_catalogue(), units="06367")
    ind = a.indicators.set_index(["year", "measure"])
    assert ind.loc[(2023, "ty_le"), "value"] == pytest.approx(77.5)
    # village roll-up across the moved villages: (10 + 30) / (20 + 30) = 80 %
    assert ind.loc[(2023, "duong"), "value"] == pytest.approx(80.0)
    assert ind.loc[(2025, "ty_le"), "value"] == pytest.approx(85.0)
    assert ind.loc[(2023, "ngheo"), "status"] == "missing"         # the break shows as missing data


def test_reused_code_is_told_apart_by_period():
    units = merge_dataset().units
    assert unit_period(units, "06367") == (2025, None)
    assert unit_period(units, "06367", 2023) == (None, 2024)
    _, old = successor_series(merge_dataset(), make_catalogue(), "06367", year=2023)
    assert set(old["flag"]) == {"own"} and set(old["year"]) == {2023}
    assert series_value(old, 2023, "ty_le")["value"] == 90.0       # old C alone
    assert not math.isnan(series_value(old, 2023, "so_vu")["value"])


# --- CLI on the sample -------------------------------------------------------------------------

SAMPLE = __import__("pathlib").Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.mark.skipif(not (SAMPLE / "values.csv").exists(), reason="sample not generated")
def test_cli_trends_shows_tan_lap_criterion_1_slipping_in_2023():
    import json

    from typer.testing import CliRunner

    from ntm_analysis.cli import app

    res = CliRunner().invoke(app, ["trends", str(SAMPLE), "--unit", "Tân Lập", "--tier", "ntm", "--format", "json"])
    assert res.exit_code == 0, res.output
    hist = pd.DataFrame(json.loads(res.output)["history"])
    crit1 = hist[hist["row_type"].eq("criterion") & hist["criterion"].eq(1)].set_index("year")
    assert crit1.loc[2023, "change"] == "slipped"
    table = CliRunner().invoke(app, ["trends", str(SAMPLE), "--unit", "Tân Lập", "--to", "2023"])
    assert table.exit_code == 0 and "Bị tụt" in table.output and "2024" not in table.output.split("Tiến độ")[0]


def test_cli_trends_unknown_unit_exits_2():
    from typer.testing import CliRunner

    from ntm_analysis.cli import app

    if not (SAMPLE / "values.csv").exists():
        pytest.skip("sample not generated")
    res = CliRunner().invoke(app, ["trends", str(SAMPLE), "--unit", "Không Có"])
    assert res.exit_code == 2


def test_plan_year_after_the_period_uses_the_periods_last_thresholds():
    # income threshold 60 in 2025 (period end); plan year 2027 → target 60, not the 2023 bar of 50
    cat = make_catalogue(extra_thresholds=[("ntm", "3.1", "", 2025, 2025, 60.0)])
    a = fake_assessment({"thu_nhap": {2022: 46.0, 2023: 48.0}}, {"thu_nhap": 50.0}, {"thu_nhap": ">="})
    row = one(progress(a, cat, "X", plan_year=2027), "thu_nhap")
    assert row["target"] == 60.0
    assert row["required_per_year"] == pytest.approx(3.0)   # 12 over 4 years


def split_dataset() -> Dataset:
    """As ``merge_dataset`` but B (06361) was split: part into the new C, part into D (06370)."""
    ds = merge_dataset()
    u = ds.units.copy()
    u.loc[u["code"].eq("06361"), "successor_code"] = "06367;06370"
    d = u[u["code"].eq("06367") & u["valid_from"].eq(2025)].assign(code="06370", name="D")
    return Dataset(units=pd.concat([u, d], ignore_index=True), values=ds.values, recognitions=ds.recognitions)


def test_split_predecessor_is_a_break_not_a_share():
    _, s = successor_series(split_dataset(), make_catalogue(), "06367", lang="en")
    row = series_value(s, 2023, "ty_le")   # would combine to 77.5 % if B were whole
    assert row["flag"] == "break" and pd.isna(row["value"]) and "split" in row["reason"]


def test_split_predecessor_moves_no_village_values():
    ds, _ = successor_series(split_dataset(), make_catalogue(), "06367")
    assert not ds.values["year"].eq(2023).any()


def test_whole_merge_still_combines_when_another_unit_was_split():
    ds = split_dataset()
    u = ds.units.copy()
    u.loc[u["code"].eq("06361"), "successor_code"] = "06370;06371"   # B now goes elsewhere
    _, s = successor_series(Dataset(units=u, values=ds.values, recognitions=ds.recognitions), make_catalogue(), "06367")
    # (40 + 90) / (50 + 100) = 86.7 %: A and old C only
    assert series_value(s, 2023, "ty_le")["value"] == pytest.approx(130 / 150 * 100)


def test_series_summary_names_members_and_counts_breaks():
    from ntm_analysis.assess.trends import series_summary

    _, s = successor_series(merge_dataset(pop_b=None), make_catalogue(), "06367", lang="en")
    line = series_summary(s, "en")[0]
    # 2023: ty_le, so_vu, nvh combined (ratio, sum, all); thu_nhap (no population) and ngheo (none) break
    assert line.startswith("2023: values combined from A, B, C cũ: 3 measures combined, 2 breaks")


def test_recognition_stays_with_the_unit_that_received_it():
    # old C (06367, until 2024) was recognised in 2020; the new C reuses the code from 2025
    ds = merge_dataset()
    rec = pd.DataFrame({"code": pd.array(["06367"], dtype="string"), "tier": pd.array(["ntm"], dtype="string"),
                        "year": pd.array([2020], dtype="int64"), "decision": pd.array([None], dtype="string")})
    ds = Dataset(units=ds.units, values=ds.values, recognitions=rec)
    summ = assess(ds, make_catalogue(), units="06367").units.set_index("year")["recognised"]
    assert summ.loc[2023] == 2020 and pd.isna(summ.loc[2025])


def test_display_shows_a_falling_target_as_a_fall_and_yes_no_as_words():
    """Poverty 5.5 % with a ≤ 4 % threshold reads "giảm 1,5" beside a signed change per year, never a
    bare positive gap; a yes/no indicator reads Không / Có, never 0.0."""
    from ntm_analysis.assess.trends import progress_display

    a = fake_assessment({"ngheo": {2022: 7.0, 2023: 5.5}, "quy_hoach": {2022: 0.0, 2023: 0.0}},
                        {"ngheo": 4.0}, {"ngheo": "<=", "quy_hoach": "true"})
    table, _ = progress_display(progress(a, make_catalogue(), "X"), "vi", catalogue=make_catalogue())
    row = table.set_index("Chỉ tiêu").loc["2.1"]
    assert row["Còn phải"] == "giảm 1,5"
    assert row["Thay đổi cần mỗi năm"] == "-0,75"
    assert table.set_index("Chỉ tiêu").loc["5.1", "Giá trị"] == "Không"
    assert (table["Hạng"] == "Nông thôn mới").all()


def test_cli_trends_progress_uses_the_criteria_set_of_the_last_year_shown():
    """Tân Lập's series ends in 2024 (merged in 2025) while the data run to 2026 under QĐ 51: its
    progress is measured under the 2021-2025 set, to 2025, with its 2024 income (46,66)."""
    import json

    from typer.testing import CliRunner

    from ntm_analysis.cli import app

    res = CliRunner().invoke(app, ["trends", str(SAMPLE), "--unit", "Tân Lập", "--format", "json"])
    assert res.exit_code == 0, res.output
    prog = pd.DataFrame(json.loads(res.output)["progress"])
    assert len(prog) and set(prog["plan_year"]) == {2025}
    income = prog[prog["indicator"].astype(str).eq("10")]
    assert round(float(income["latest_value"].iloc[0]), 2) == 46.66
