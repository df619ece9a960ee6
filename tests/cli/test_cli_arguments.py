"""Command-line arguments: click's usage errors in the user's language, senseless values refused,
units of a kind a command does not serve refused with what to run instead (all exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ntm_analysis.cli import app

runner = CliRunner()
SAMPLE = str(Path(__file__).resolve().parents[2] / "data" / "sample")


def test_missing_dataset_is_told_in_vietnamese_by_default():
    res = runner.invoke(app, ["status", "--year", "2024"])
    assert res.exit_code == 2
    assert "Lỗi: Thiếu tham số bắt buộc DATASET." in res.output
    assert "Missing" not in res.output


def test_bad_integer_is_told_in_english_with_lang_en():
    res = runner.invoke(app, ["status", SAMPLE, "--year", "abc", "--lang", "en"])
    assert res.exit_code == 2
    assert "Invalid value for --year: 'abc' is not a valid integer." in res.output


def test_bad_integer_in_vietnamese():
    res = runner.invoke(app, ["status", SAMPLE, "--year", "abc"])
    assert res.exit_code == 2
    assert "Giá trị không hợp lệ cho --year: «abc» không phải là số nguyên." in res.output


def test_unknown_option_suggests_the_close_ones():
    res = runner.invoke(app, ["status", SAMPLE, "--yeer", "2024"])
    assert res.exit_code == 2
    assert "Không có tùy chọn --yeer. Có phải:" in res.output and "--year" in res.output


def test_trends_from_after_to_exits_2():
    res = runner.invoke(app, ["trends", SAMPLE, "--unit", "Tân Lập", "--from", "2024", "--to", "2021"])
    assert res.exit_code == 2
    assert "--from 2024 sau --to 2021" in res.output


def test_trends_plan_year_before_the_data_exits_2():
    res = runner.invoke(app, ["trends", SAMPLE, "--unit", "Tân Lập", "--plan-year", "2020", "--lang", "en"])
    assert res.exit_code == 2
    assert "--plan-year 2020 is before the last data year (" in res.output


@pytest.mark.parametrize(("command", "parent", "parent_code"), [
    (["trends"], "Vũ Lăng", "06367"),  # no year: the latest (2026), when Nà Nâm lies in xã Vũ Lăng
    (["targets", "--year", "2024"], "Tân Lập", "06352"),
])
def test_a_village_is_refused_with_its_kind_and_what_to_run(command, parent, parent_code):
    res = runner.invoke(app, [command[0], SAMPLE, "--unit", "Nà Nâm", *command[1:]])
    assert res.exit_code == 2
    assert f"«Nà Nâm» (06352-02) là thôn thuộc xã {parent}" in res.output
    assert f"--unit {parent_code} --notebook village_map" in res.output


def test_report_for_a_village_exits_2_and_writes_nothing(tmp_path):
    out = tmp_path / "reports"
    res = runner.invoke(app, ["report", SAMPLE, "--year", "2024", "--unit", "Nà Nâm", "--out", str(out),
                              "--no-progress"])
    assert res.exit_code == 2
    assert "là thôn" in res.output
    assert not out.exists() or not any(out.rglob("*"))  # no report, no index
