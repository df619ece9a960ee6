"""A history across the 2025 → 2026 change of criteria set: each year under its own catalogue, one
panel (own y axis) per set and a visible break; checked on the data the chart draws, not on pixels."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ntm_analysis.report import charts

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def _units() -> pd.DataFrame:
    """Hand-made summary rows: 17/19 and 18/19 under set "a" (2024, 2025), 7/10 under set "b" (2026)."""
    return pd.DataFrame({"code": "X", "year": [2024, 2025, 2026], "tier": "ntm", "criteria_met": [17, 18, 7],
                         "criteria_total": [19, 19, 10], "criteria_missing": 0, "slipped": "",
                         "catalogue": ["a", "a", "b"]})


@pytest.fixture()
def figure():
    fig = charts.criteria_history(_units(), "X", "Xã X", {"ntm": "NTM"}, lang="vi",
                                  periods=[("a", "Bộ a", {"ntm": "NTM"}), ("b", "Bộ b", {"ntm": "NTM 2026"})])
    yield fig
    charts.plt.close(fig)


def test_each_criteria_set_has_its_own_panel_and_y_axis(figure):
    left, right = figure.axes
    assert list(left.lines[0].get_xdata()) == [2024, 2025] and list(left.lines[0].get_ydata()) == [17, 18]
    assert list(right.lines[0].get_xdata()) == [2026] and list(right.lines[0].get_ydata()) == [7]
    assert left.get_ylim()[1] >= 19
    assert 10 <= right.get_ylim()[1] < 19  # a /10 set is never drawn on an axis of 19


def test_the_change_of_set_is_a_drawn_line_with_its_year(figure):
    assert [a for a in figure.artists if a.get_gid() == "set-change"]
    assert any("2026" in t.get_text() for t in figure.texts)


def test_one_criteria_set_keeps_one_panel():
    u = _units()[lambda d: d["catalogue"].eq("a")]
    fig = charts.criteria_history(u, "X", "Xã X", {"ntm": "NTM"}, periods=[("a", "Bộ a", {"ntm": "NTM"})])
    assert len(fig.axes) == 1 and not [a for a in fig.artists if a.get_gid() == "set-change"]
    charts.plt.close(fig)


def test_vu_lang_2021_2026_is_assessed_x_of_19_then_x_of_10():
    from ntm_analysis.assess.periods import units_across_periods
    from ntm_analysis.io.dataset import load_dataset

    units, cats = units_across_periods(load_dataset(SAMPLE), "06367", 2026)
    ntm = units[units["tier"].eq("ntm")].set_index("year")
    assert list(ntm.index) == [2021, 2022, 2023, 2024, 2025, 2026]
    assert set(ntm.loc[:2025, "criteria_total"]) == {19} and ntm.loc[2026, "criteria_total"] == 10
    assert [c.meta["id"] for c in cats] == ["lang-son-2022-2025", "qd51-2026-2030"]
    assert list(ntm["period"]) == [0, 0, 0, 0, 0, 1]


def test_communes_per_tier_axis_starts_at_zero_in_whole_numbers_when_none_reach_it():
    """Lạng Sơn 2026: no commune meets every criterion; the axis reads 0, 1 …, never -0.04 … 0.04."""
    u = pd.DataFrame({"code": ["A", "B"], "year": 2026, "tier": "ntm", "reached": False})
    fig = charts.tier_counts(u, ["A", "B"], {"ntm": "NTM"})
    ax = fig.axes[0]
    assert ax.get_ylim()[0] == 0 and ax.get_ylim()[1] >= 1
    assert all(float(t).is_integer() for t in ax.get_yticks())
    charts.plt.close(fig)
