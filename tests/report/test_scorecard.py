"""Display helpers (ntm_analysis.report.scorecard) over the tiny hand-built assessment."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from ntm_analysis.assess.attainment import assess
from ntm_analysis.report.scorecard import criteria_table, summary_line, tidy_table

_spec = importlib.util.spec_from_file_location("tiny_assess", Path(__file__).parents[1] / "fixtures" / "tiny_assess.py")
tiny = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tiny)  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def result():
    return assess(tiny.dataset(), tiny.catalogue())


def test_summary_line_names_slipped_criteria(result):
    line = summary_line(result, "06352", 2023, "ntm")
    assert line.startswith("Tân Lập 2023 — NTM: đạt 3/8 tiêu chí")
    assert "bị tụt: tiêu chí 1 (Quy hoạch), 3 (Thu nhập), 6 (An ninh)" in line
    assert "mới đạt: tiêu chí 4 (Nghèo đa chiều)" in line


def test_summary_line_english_and_all_tiers(result):
    line = summary_line(result, "06352", 2023, lang="en")
    assert "NTM: 3/8 criteria met" in line and "Advanced NTM: 2/4 criteria met" in line


def test_criteria_table_shows_binding_with_gap_and_unverified_flag(result):
    table = criteria_table(result, "06352", 2023, "ntm")
    assert list(table.columns)[:3] == ["TT", "Tiêu chí", "Kết quả"]
    row3 = table[table["TT"] == 3].iloc[0]
    assert row3["Kết quả"] == "Chưa đạt" and row3["Thay đổi"] == "Bị tụt"
    assert "3.1: 48 triệu đồng / ≥ 50 triệu đồng (còn 2)" in row3.iloc[5]
    flags = dict(zip(table["TT"], table.iloc[:, -1]))
    assert flags[2] == "*" and flags[3] == ""  # 2.1 provisional, 3.1 verified


def test_criteria_table_marks_unverified_threshold_and_levels(result):
    table = criteria_table(result, "06352", 2022, "ntm", lang="en")
    binding = dict(zip(table["No."], table.iloc[:, 5]))
    assert binding[5] == "5.2: 50 % / ≥ 70* % (gap 20)"
    nc = criteria_table(result, "06352", 2022, "nang-cao")
    assert dict(zip(nc["TT"], nc.iloc[:, 5]))[7] == "7.1: mức độ 2 / ≥ mức độ 3 (còn 1)"


def test_tidy_table_has_one_row_per_indicator(result):
    rows = tidy_table(result, year=2023, codes=["06352"], tiers=["ntm"])
    assert len(rows) == 9
    assert rows.loc[rows["indicator"] == "3.1", "criterion_status"].item() == "not_met"


def test_tidy_table_names_the_tier_beside_its_id(result):
    rows = tidy_table(result, year=2023, codes=["06352"], tiers=["ntm"], lang="en")
    assert set(rows["tier"]) == {"ntm"}
    assert set(rows["tier_name"]) == {result.catalogue.tier_label("ntm", "en")}
