"""The dtypes of the assessment's output tables (issue 16, memory): low-cardinality text columns are
pandas ``Categorical`` with sorted ``str`` categories, the text made by joining stays ``str``; and
the display code that reads them behaves as it did with text (docs/architecture.md, Assessment
contract)."""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest

from ntm_analysis.assess.attainment import assess, assess_villages
from ntm_analysis.io.columnar import as_categorical, as_text, to_pandas

_spec = importlib.util.spec_from_file_location("tiny_assess", Path(__file__).parents[1] / "fixtures" / "tiny_assess.py")
tiny = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tiny)  # type: ignore[union-attr]

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"

#: Stated here, not read from the package's constant: the contract each table keeps.
CATEGORICAL = {
    "indicators": ["code", "tier", "indicator", "measure", "comparator", "status", "value_source",
                   "threshold_status", "confidence"],
    "criteria": ["code", "tier", "status", "change"],
    "units": ["code", "tier"],
    "rollup_conflicts": ["code", "measure", "rollup", "used"],
    "villages": ["code", "tier", "indicator", "measure", "comparator", "status", "value_source",
                 "threshold_status", "confidence"],
}
FREE_TEXT = {
    "criteria": ["binding"],
    "units": ["newly_met", "recovered", "slipped", "slipped_since_recognition"],
}


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    cat = tiny.catalogue()
    ds = tiny.dataset()
    a = assess(ds, cat)
    out = {name: getattr(a, name) for name in ("indicators", "criteria", "units", "rollup_conflicts")}
    out["villages"] = assess_villages(ds, cat, "ntm")
    return out


@pytest.mark.parametrize("name", list(CATEGORICAL))
def test_low_cardinality_text_is_categorical_with_the_sorted_str_values_present(tables, name):
    frame = tables[name]
    assert len(frame), name
    for col in CATEGORICAL[name]:
        dtype = frame[col].dtype
        assert isinstance(dtype, pd.CategoricalDtype), (name, col, dtype)
        assert not dtype.ordered, (name, col)
        assert dtype.categories.dtype == "str", (name, col, dtype.categories.dtype)
        present = sorted(set(frame[col].dropna()))
        assert list(dtype.categories) == present, (name, col)  # sorted, nothing unused


@pytest.mark.parametrize("name", list(FREE_TEXT))
def test_joined_text_stays_str(tables, name):
    for col in FREE_TEXT[name]:
        assert tables[name][col].dtype == "str", (name, col, tables[name][col].dtype)


def test_a_missing_change_is_nan_not_a_category(tables):
    change = tables["criteria"]["change"]
    assert change.isna().any()  # the first year of each criterion
    assert "nan" not in list(change.cat.categories) and "None" not in list(change.cat.categories)
    assert change[change.isna()].map(lambda v: isinstance(v, float) and np.isnan(v)).all()


@pytest.mark.parametrize("col", ["code", "tier", "indicator", "measure", "status"])
def test_sorting_a_categorical_column_orders_it_as_text(tables, col):
    ind = tables["indicators"]
    got = ind.sort_values([col, "year"], kind="stable").index
    want = as_text(ind).sort_values([col, "year"], kind="stable").index
    assert list(got) == list(want)


def test_the_indicator_table_takes_less_memory_than_with_str_columns(tables):
    ind = tables["indicators"]
    categorical = ind.memory_usage(deep=True).sum()
    text = as_text(ind).memory_usage(deep=True).sum()
    assert categorical < 0.6 * text, (categorical, text)


def test_to_pandas_sorts_categories_drops_unused_ones_and_keeps_null():
    frame = pl.DataFrame({"s": ["z", None, "b", "a", "z"], "t": ["x", "y", None, "x", "x"]}).with_columns(
        pl.col("s").cast(pl.Categorical))
    out = to_pandas(frame.filter(pl.col("s").ne("b") | pl.col("s").is_null()), categorical=["s"])
    assert list(out["s"].cat.categories) == ["a", "z"]
    assert out["s"].cat.categories.dtype == "str"
    assert out["s"].isna().tolist() == [False, True, False, False]
    assert out["t"].dtype == "str"  # not asked for: text


def test_as_categorical_recodes_when_only_the_order_of_categories_changes():
    s = pd.Series(pd.Categorical(["z", "b", None, "a"], categories=["z", "b", "a"]))
    out = as_categorical(s)
    assert list(out.cat.categories) == ["a", "b", "z"]
    assert out.tolist()[:2] == ["z", "b"] and pd.isna(out.iloc[2]) and out.iloc[3] == "a"


# --- consumers: what a Categorical would have changed silently --------------------------------


@pytest.fixture(scope="module")
def tan_lap_2024():
    from ntm_analysis.report import report_context

    if not (SAMPLE / "values.csv").exists():
        pytest.skip("sample not generated")
    return report_context(SAMPLE, 2024, "Tân Lập")


def test_tier_summary_lists_tiers_in_catalogue_order(tan_lap_2024):
    """(``Categorical.map`` keeps the category order: sorting by the mapped rank would sort by name.)"""
    from ntm_analysis.report import views

    ctx = tan_lap_2024
    got = views.tier_summary(ctx).iloc[:, 0].tolist()
    want = [views.tier_name(ctx, t) for t in views.unit_tiers(ctx)]
    assert len(want) >= 3 and got == want


def test_data_quality_names_only_the_threshold_statuses_it_counts(tan_lap_2024):
    """A status present elsewhere in the assessment (here ``verified``) is no "…: 0" in the caveats."""
    from ntm_analysis.i18n import THRESHOLD_STATUS_LABELS, label
    from ntm_analysis.report import views

    ctx = tan_lap_2024
    ind = as_text(ctx.assessment.indicators)
    other = ind.index[ind["code"].ne(ctx.code)][0]
    ind.loc[other, "threshold_status"] = "verified"
    ind = ind.astype({c: "category" for c in ("code", "tier", "threshold_status", "status", "comparator")})
    assert "verified" in list(ind["threshold_status"].cat.categories)
    ctx2 = dataclasses.replace(ctx, assessment=dataclasses.replace(ctx.assessment, indicators=ind))
    text = views.data_quality(ctx2).data
    assert label(THRESHOLD_STATUS_LABELS, "verified", "vi") not in text
    assert text == views.data_quality(ctx).data


def test_units_across_periods_give_str_text_whatever_the_number_of_periods(tan_lap_2024):
    from ntm_analysis.assess.periods import units_across_periods

    ds = tan_lap_2024.dataset
    vu_lang = ds.units.loc[ds.units["name"].eq("Vũ Lăng"), "code"].iloc[0]
    for year in (2025, 2026):  # one period, then two
        rows, cats = units_across_periods(ds, vu_lang, year)
        assert len(cats) == (1 if year == 2025 else 2)
        assert rows["tier"].dtype == "str" and rows["code"].dtype == "str", year
