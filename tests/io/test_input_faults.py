"""Input files made by other programs (issue 13 items 3, 4, 8, 9): formulas without a stored
result, invisible characters, files cut in the middle, repeated column names, references to units
that do not exist, and messages that lead to the fix. Each fixture is a few hand-written lines."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from ntm_analysis.cli import app
from ntm_analysis.io.dataset import load_dataset
from ntm_analysis.io.names import UnitLookupError, resolve_unit
from ntm_analysis.io.validation import DatasetError, problem, render_problems

FIXTURES = Path(__file__).parents[1] / "fixtures" / "datasets"
_spec = importlib.util.spec_from_file_location("tiny_catalogue", FIXTURES / "tiny_catalogue.py")
_mod = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_mod)
CAT = _mod.tiny_catalogue()

UNITS = "code,name,level,parent_code,valid_from,valid_to,successor_code\n185,Bắc Sơn,huyện,,,,\n06352,Tân Lập,xã,185,,,\n"
VALUES = "code,year,indicator,value\n06352,2024,ho_dung_dien,95\n06352,2024,cau_lac_bo,3\n"


def dataset(tmp_path: Path, units: str = UNITS, values: str = VALUES, **files: str) -> Path:
    (tmp_path / "units.csv").write_text(units, encoding="utf-8")
    (tmp_path / "values.csv").write_text(values, encoding="utf-8")
    for name, text in files.items():
        (tmp_path / name.replace("_", ".")).write_text(text, encoding="utf-8")
    return tmp_path


def problems(path: Path, rule: str):
    """The problems of ``rule``: from the DatasetError, or the warnings of a loaded dataset."""
    try:
        found = load_dataset(path, catalogue=CAT).problems
    except DatasetError as exc:
        found = exc.problems
    return [p for p in found if p.rule == rule]


# --- 3 formulas without stored results --------------------------------------------------------------


def test_formula_without_cached_value_is_an_error_at_its_cell(tmp_path: Path) -> None:
    book = openpyxl.Workbook()  # openpyxl writes formulas without results, like the users' tools
    book.active.title = "units"
    for row in UNITS.splitlines():
        book["units"].append(row.split(","))
    ws = book.create_sheet("values")
    ws.append(["code", "year", "indicator", "value"])
    ws.append(["06352", 2024, "ho_dung_dien", "=90+5"])
    ws.append(["06352", 2024, "cau_lac_bo", 3])
    book.save(tmp_path / "dataset.xlsx")
    [p] = problems(tmp_path, "formula_no_value")
    assert (p.file, p.row, p.column, p.value, p.severity) == ("dataset.xlsx [values]", 2, "value", "=90+5", "error")
    assert "D2" in p.message("en") and "save it" in p.fix("en")


# --- 4 invisible characters -------------------------------------------------------------------------


def test_zero_width_characters_are_removed_with_a_warning_that_counts_them(tmp_path: Path) -> None:
    values = "code,year,\u200bindicator,value\n06352,2024,ho_dung_dien,\u200b95\ufeff\n06352,2024,cau_lac_bo,3\u2060\n"
    data = load_dataset(dataset(tmp_path, values=values), catalogue=CAT)
    assert data.values["value"].tolist() == [95.0, 3.0]
    [p] = [p for p in data.problems if p.rule == "invisible_chars"]
    assert p.severity == "warning" and "4 invisible" in p.message("en")


# --- 8 references and damaged files -----------------------------------------------------------------


def test_successor_code_naming_no_unit_is_an_error(tmp_path: Path) -> None:
    units = UNITS.replace("06352,Tân Lập,xã,185,,,", "06352,Tân Lập,xã,185,,2024,06999")
    [p] = problems(dataset(tmp_path, units=units), "successor_missing")
    assert (p.severity, p.row, p.value) == ("error", 3, "06999")


def test_recognition_of_an_unknown_unit_is_an_error(tmp_path: Path) -> None:
    path = dataset(tmp_path, recognitions_csv="code,tier,year\n06353,ntm,2020\n")
    [p] = problems(path, "code_unknown")
    assert (p.file, p.row, p.value) == ("recognitions.csv", 2, "06353")


def test_file_cut_in_the_middle_is_reported_as_truncated(tmp_path: Path) -> None:
    path = dataset(tmp_path, values=VALUES + "06352,2024")  # no line break, two cells missing
    [p] = problems(path, "truncated")
    assert (p.severity, p.row) == ("error", 4) and "missing cells: 2" in p.message("en")


def test_complete_last_row_without_line_break_is_fine(tmp_path: Path) -> None:
    assert problems(dataset(tmp_path, values=VALUES.rstrip("\n")), "truncated") == []


def test_repeated_column_name_is_reported_not_renamed(tmp_path: Path) -> None:
    values = "code,year,indicator,value,value\n06352,2024,ho_dung_dien,95,96\n"
    [p] = problems(dataset(tmp_path, values=values), "column_duplicate")
    assert (p.column, p.row) == ("value", 1) and "columns 4, 5" in p.message("en")


# --- 9 messages that find the fix ---------------------------------------------------------------------


def test_conflicting_duplicate_names_unit_and_indicator(tmp_path: Path) -> None:
    values = VALUES + "06352,2024,ho_dung_dien,97\n"
    [p] = problems(dataset(tmp_path, values=values), "value_conflict")
    assert "06352 Tân Lập" in p.message("en") and "ho_dung_dien" in p.message("en") and "2024" in p.message("en")


@pytest.mark.parametrize("table", ["values", "recognitions"])
def test_code_that_lost_its_leading_zero_suggests_the_padded_code(tmp_path: Path, table: str) -> None:
    extra = {"recognitions_csv": "code,tier,year\n6352,ntm,2020\n"} if table == "recognitions" else {}
    values = VALUES + "6352,2023,cau_lac_bo,2\n" if table == "values" else VALUES
    [p] = problems(dataset(tmp_path, values=values, **extra), "code_unknown")
    assert p.value == "6352" and "Did you mean «06352»?" in p.fix("en")


def test_a_flood_of_one_problem_is_printed_once_with_count_and_first_rows() -> None:
    found = [problem("number_invalid", "values.csv", r, "value", "x") for r in range(2, 6122)]
    text = render_problems(found, "en")
    assert text.count("is not a number") == 3
    assert "6,117 more rows" in text and "rows 5, 6, 7, 8, 9" in text and "--all-problems" in text


def test_all_problems_csv_lists_every_problem(tmp_path: Path) -> None:
    values = "code,year,indicator,value\n" + "".join(f"06352,{y},commune_roads_paved_pct,abc\n" for y in range(2000, 2020))
    out = tmp_path / "out" / "problems.csv"
    result = CliRunner().invoke(app, ["validate", str(dataset(tmp_path, values=values)), "--all-problems", str(out),
                                      "--lang", "en"])
    assert result.exit_code == 2
    table = pd.read_csv(out)
    assert len(table[table["rule"] == "number_invalid"]) == 20 and {"row", "column", "message", "fix"} <= set(table)


@pytest.mark.parametrize("suffix", [".xls", ".ods"])
def test_old_or_other_spreadsheet_formats_are_refused_with_save_as_xlsx(tmp_path: Path, suffix: str) -> None:
    book = tmp_path / f"dataset{suffix}"
    book.write_bytes(b"\xd0\xcf\x11\xe0 not really a workbook")
    result = CliRunner().invoke(app, ["validate", str(book), "--lang", "en"])
    assert result.exit_code == 2 and ".xlsx" in result.output and "Traceback" not in result.output
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "units.csv").write_text(UNITS, encoding="utf-8")
    (folder / f"values{suffix}").write_bytes(b"x")
    assert [p.value for p in problems(folder, "save_as_xlsx")] == [f"values{suffix}"]


def test_import_of_an_xls_file_says_save_as_xlsx(tmp_path: Path) -> None:
    book = tmp_path / "filled.xls"
    book.write_bytes(b"\xd0\xcf\x11\xe0")
    result = CliRunner().invoke(app, ["import", str(book), "--into", str(tmp_path), "--lang", "en"])
    assert result.exit_code == 2 and "save it as «Excel Workbook (.xlsx)»" in result.output


def _units() -> pd.DataFrame:
    return pd.DataFrame({
        "code": ["06325", "06328", "06331", "06352", "06367"],
        "name": ["Bắc Sơn", "Bắc Sơn", "Bắc Sơn", "Tân Lập", "Vũ Lăng"],
        "type": ["Thị trấn", "Xã", "Xã", "Xã", "Xã"], "level": "commune",
        "valid_from": [None, None, 2025, None, None], "valid_to": [None, 2024, None, 2024, None],
        "successor_code": [None, "06331", None, "06367", None]})


def test_ambiguous_name_hint_only_offers_queries_that_resolve() -> None:
    units = _units()
    with pytest.raises(UnitLookupError) as err:
        resolve_unit(units, "Bắc Sơn", year=2024)
    text = err.value.message("en")
    assert "«Thị trấn Bắc Sơn», «Xã Bắc Sơn»" in text
    for hint in ("Thị trấn Bắc Sơn", "Xã Bắc Sơn"):
        assert resolve_unit(units, hint, year=2024) in {"06325", "06328"}


def test_not_found_hint_offers_codes_when_the_name_is_shared() -> None:
    units = _units().assign(type="Xã")  # three "Xã Bắc Sơn": only codes tell them apart
    with pytest.raises(UnitLookupError) as err:
        resolve_unit(units, "Bac Son", year=2024)
    assert "«06325», «06328»" in err.value.message("en")


def test_unit_merged_away_says_into_what_and_when() -> None:
    with pytest.raises(UnitLookupError) as err:
        resolve_unit(_units(), "Tân Lập", year=2025)
    assert "after 2024 it merged into Xã Vũ Lăng (06367). Use «06367» for 2025" in err.value.message("en")


def test_unit_split_away_names_every_successor() -> None:
    units = _units()
    units.loc[units["code"].eq("06352"), "successor_code"] = "06367;06331"
    with pytest.raises(UnitLookupError) as err:
        resolve_unit(units, "Tân Lập", year=2025)
    assert "merged into Xã Vũ Lăng (06367), Xã Bắc Sơn (06331)" in err.value.message("en")
