"""The ``ntm status`` command on the generated sample dataset."""

from __future__ import annotations

from pathlib import Path

import io

import pandas as pd
import pytest
from typer.testing import CliRunner

from ntm_analysis.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def sample():
    """The committed sample (read only: loading never modifies input files)."""
    return Path(__file__).resolve().parents[2] / "data" / "sample"


def test_table_says_once_that_every_threshold_is_unverified(sample):
    """Every threshold of the sample catalogue is unverified: one sentence, no column of '*'."""
    res = runner.invoke(app, ["status", str(sample), "--year", "2024", "--unit", "Tân Lập", "--tier", "ntm"])
    assert res.exit_code == 0, res.output
    assert "Tân Lập 2024 — NTM: đạt" in res.output
    assert res.output.count("Không ngưỡng nào trong bảng này đã được đối chiếu") == 1
    assert "Chưa xác minh" not in res.output


def test_town_without_data_reads_no_data_not_zero(sample):
    res = runner.invoke(app, ["status", str(sample), "--year", "2024", "--unit", "thị trấn Bắc Sơn"])
    assert res.exit_code == 0, res.output
    assert "NTM: không có dữ liệu" in res.output
    assert "0/19" not in res.output


def test_village_says_its_hamlets_are_shown(sample):
    res = runner.invoke(app, ["status", str(sample), "--year", "2024", "--unit", "Nà Nâm"])
    assert res.exit_code == 0, res.output
    assert res.output.startswith("Nà Nâm (thôn) không được đánh giá")


def test_validate_counts_communes_valid_in_the_last_year(sample):
    """The sample's last data year is 2026: 6 commune-level units after the mergers, no district; the
    rows of earlier periods (the 18 communes of 2024, the district) are not counted in it."""
    res = runner.invoke(app, ["validate", str(sample)])
    assert res.exit_code == 0, res.output
    assert "Đơn vị theo cấp năm 2026: Tỉnh 1, Xã 6," in res.output


def test_name_in_nfd_is_found(sample):
    import unicodedata

    res = runner.invoke(app, ["status", str(sample), "--year", "2024", "--unit",
                              unicodedata.normalize("NFD", "Tân Lập"), "--tier", "ntm", "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "NTM:" in res.output and "criteria met" in res.output


def test_csv_and_json_load_back(sample):
    csv = runner.invoke(app, ["status", str(sample), "--year", "2024", "--unit", "06352", "--format", "csv"])
    assert csv.exit_code == 0, csv.output
    frame = pd.read_csv(io.StringIO(csv.output), dtype={"code": str})
    assert {"code", "criterion", "indicator", "status", "gap"} <= set(frame.columns)
    js = runner.invoke(app, ["status", str(sample), "--year", "2024", "--unit", "06352", "--format", "json"])
    assert js.exit_code == 0
    assert len(pd.read_json(io.StringIO(js.output))) == len(frame)


def test_ambiguous_name_exits_2_with_candidates(sample):
    res = runner.invoke(app, ["status", str(sample), "--year", "2024", "--unit", "Bắc Sơn"])
    assert res.exit_code == 2
    assert "06325" in res.output and "185" in res.output


def test_year_without_values_exits_2(sample):
    res = runner.invoke(app, ["status", str(sample), "--year", "1999"])
    assert res.exit_code == 2 and "1999" in res.output
