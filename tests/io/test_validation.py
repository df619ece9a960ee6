"""One broken fixture per validation rule: the problem names the rule, file, row and column."""

import importlib.util
from pathlib import Path

import pytest

from ntm_analysis import DatasetError, load_dataset
from ntm_analysis.io.validation import Problem, render_problems

FIXTURES = Path(__file__).parents[1] / "fixtures" / "datasets"
_spec = importlib.util.spec_from_file_location("tiny_catalogue", FIXTURES / "tiny_catalogue.py")
_mod = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_mod)
tiny_catalogue = _mod.tiny_catalogue

# fixture folder → (rule, file, row as the user sees it (header = 1), column, value)
ERRORS = {
    "missing_file": ("file_missing", "values.csv", None, None, None),
    "missing_column": ("column_missing", "units.csv", 1, "level", None),
    "unknown_level": ("level_unknown", "units.csv", 4, "level", "tổ"),
    "duplicate_code": ("code_duplicate", "units.csv", 4, "code", "06352"),
    "parent_missing": ("parent_missing", "units.csv", 4, "parent_code", "06999"),
    "parent_not_valid": ("parent_not_valid", "units.csv", 5, "parent_code", "06352"),
    "parent_cycle": ("parent_cycle", "units.csv", 4, "parent_code", "06352-02"),
    "level_order": ("level_order", "units.csv", 4, "parent_code", "185"),
    "validity_order": ("validity_order", "units.csv", 4, "valid_from", "2025"),
    "negative_count": ("negative", "values.csv", 3, "value", "-2"),
    "number_invalid": ("number_invalid", "values.csv", 3, "value", "9x5"),
    "integer_invalid": ("integer_invalid", "values.csv", 3, "year", "2024,5"),
    "year_range": ("year_range", "values.csv", 3, "year", "1890"),
    # a whole number too large to hold is reported, never stored as an empty year (issue 16 loader)
    "integer_too_large": ("integer_too_large", "values.csv", 3, "year", "1e30"),
    "integer_too_large_units": ("integer_too_large", "units.csv", 3, "valid_to", "9e20"),
    "percent_range": ("percent_range", "values.csv", 3, "value", "120"),
    "numerator_gt_denominator": ("num_gt_den", "values.csv", 2, "numerator", "90"),
    "unknown_indicator": ("indicator_unknown", "values.csv", 3, "indicator", "ho_dung_dein"),
    "conflicting_duplicate": ("value_conflict", "values.csv", 3, "value", "97"),
    "outside_validity": ("outside_validity", "values.csv", 3, "year", "06352"),
    "unknown_code": ("code_unknown", "values.csv", 3, "code", "6352"),
    "bool_invalid": ("bool_invalid", "values.csv", 3, "value", "hơi đạt"),
    "level_value_invalid": ("level_value_invalid", "values.csv", 3, "value", "xuất sắc"),
    "assessed_by_unknown": ("assessed_by_unknown", "values.csv", 2, "assessed_by", "thôn"),
    "required_empty": ("required_empty", "values.csv", 3, "code", None),
    "ragged_rows": ("file_unreadable", "values.csv", 3, None, None),
    "bad_encoding": ("encoding", "units.csv", 3, None, None),
    "unknown_tier": ("tier_unknown", "recognitions.csv", 2, "tier", "nmt"),
    "bad_toml": ("toml_invalid", "dataset.toml", None, None, None),
}
WARNINGS = {
    "identical_duplicate": ("value_duplicate", "values.csv", 3, "value", "95.5"),
    "percent_fraction": ("percent_fraction", "values.csv", 2, "value", "0.95"),
}


def _where(p: Problem) -> tuple:
    return (p.rule, p.file, p.row, p.column, p.value)


def _errors(name: str) -> DatasetError:
    with pytest.raises(DatasetError) as exc:
        load_dataset(FIXTURES / name, catalogue=tiny_catalogue())
    return exc.value


def test_valid_fixture_loads_without_problems():
    data = load_dataset(FIXTURES / "valid", catalogue=tiny_catalogue())
    assert data.problems == []
    assert data.meta["synthetic"] is True


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_rule_reports_file_row_column(name):
    err = _errors(name)
    assert ERRORS[name] in [_where(p) for p in err.errors]


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_rendered_report_names_file_and_row(name):
    rule, file, row, column, _ = ERRORS[name]
    err = _errors(name)
    vi, en = err.render("vi"), err.render("en")
    assert file in vi and file in en
    if row is not None:
        assert f"dòng {row}" in vi and f"row {row}" in en
    if column is not None:
        assert f"cột {column}" in vi and f"column {column}" in en


@pytest.mark.parametrize("name", sorted(WARNINGS))
def test_warning_rules_load_and_keep_the_warning(name):
    data = load_dataset(FIXTURES / name, catalogue=tiny_catalogue())
    assert [_where(p) for p in data.problems] == [WARNINGS[name]]
    assert all(p.severity == "warning" for p in data.problems)


def test_identical_duplicate_is_used_once():
    data = load_dataset(FIXTURES / "identical_duplicate", catalogue=tiny_catalogue())
    assert len(data.values) == 1


def test_unknown_indicator_suggests_closest_id():
    err = _errors("unknown_indicator")
    assert "ho_dung_dien" in err.errors[0].fix_vi and "ho_dung_dien" in err.errors[0].fix_en


def test_unknown_tier_suggests_closest_tier():
    assert "«ntm»" in _errors("unknown_tier").errors[0].fix("en")


def test_fraction_hint_says_multiply_by_100():
    data = load_dataset(FIXTURES / "percent_fraction", catalogue=tiny_catalogue())
    assert "100" in data.problems[0].fix_vi and "100" in data.problems[0].fix_en


def test_outside_validity_names_the_successor():
    assert "06367" in _errors("outside_validity").errors[0].fix_vi


def test_negative_households_reported_by_schema():
    err = _errors("negative_count")
    assert ("negative", "units.csv", 3, "households", "-5") in [_where(p) for p in err.errors]


def test_all_problems_reported_at_once(tmp_path):
    (tmp_path / "units.csv").write_text("code,name,level,parent_code\n185,Bắc Sơn,quận xã,\n06352,Tân Lập,xã,999\n", encoding="utf-8")
    (tmp_path / "values.csv").write_text("code,year,indicator,value\n06352,3024,ho_dung_dien,abc\n", encoding="utf-8")
    rules = {p.rule for p in _errors_at(tmp_path).errors}
    assert {"level_unknown", "parent_missing", "year_range", "number_invalid"} <= rules


def _errors_at(path: Path) -> DatasetError:
    with pytest.raises(DatasetError) as exc:
        load_dataset(path, catalogue=tiny_catalogue())
    return exc.value


def test_missing_path_is_a_problem_not_a_traceback(tmp_path):
    assert [p.rule for p in _errors_at(tmp_path / "nowhere").errors] == ["path_missing"]


def test_render_groups_by_file_and_defaults_to_vietnamese():
    err = _errors("negative_count")
    text = err.render()
    assert text.index("units.csv") < text.index("values.csv")
    assert text.startswith("Bộ dữ liệu có 2 lỗi")
    assert str(err) == text


def test_render_problems_english():
    err = _errors("year_range")
    assert "Year 1890 is outside" in render_problems(err.problems, "en")


def test_a_region_the_catalogue_does_not_know_is_a_warning_naming_the_row(tmp_path) -> None:
    import shutil

    import pandas as pd

    from ntm_analysis.catalogue.model import load_catalogue
    from ntm_analysis.io.dataset import load_dataset

    sample = Path(__file__).resolve().parents[2] / "data" / "sample"
    data = tmp_path / "data"
    shutil.copytree(sample, data)
    units = pd.read_csv(data / "units.csv", dtype=str, keep_default_na=False)
    row = units.index[units["code"].eq("06352")][0]
    units.loc[row, "region"] = "Tây Bắc xa"
    units.loc[units["code"].eq("06328"), "region"] = "Trung du và miền núi phía Bắc"  # a name is fine
    units.to_csv(data / "units.csv", index=False)
    ds = load_dataset(data, load_catalogue())
    found = [p for p in ds.problems if p.rule == "region_unknown"]
    assert len(found) == 1
    assert (found[0].file, found[0].row, found[0].column, found[0].value) == ("units.csv", row + 2, "region", "Tây Bắc xa")
    assert found[0].severity == "warning" and "trung-du-mien-nui-phia-bac" in found[0].fix("vi")
