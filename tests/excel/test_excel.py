"""Excel round trip: entry template, import with preview/refusal/backup, summary annex.

Fixtures: tests/fixtures/excel/catalogue.yaml (one measure of each kind, a village ratio measure, a
hamlet tier) and tests/fixtures/excel/tiny/ (commune 06352 with villages 06352-01, 06352-02 and
hamlet 06352-01-01 named "=cmd"; values for 2023 and one 2024 value: income = 41). Every test works in a
temporary copy of the dataset; the fixture itself is never written.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from ntm_analysis.assess.attainment import assess
from ntm_analysis.io.dataset import load_dataset
from ntm_analysis.excel.common import MARKER_SHEET
from ntm_analysis.excel import (
    ExcelError,
    ImportRefused,
    apply_import,
    neutralise,
    plan_import,
    read_template,
    unneutralise,
)
from ntm_analysis.excel.annex import export_annex

from tests.excel.conftest import YEAR


def cell_of(wb, sheet, measure, code, field="value"):
    """Address of the entry cell of ``measure`` × unit ``code`` (found by the visible labels)."""
    ws = wb[sheet]
    row = next(r for r in range(6, ws.max_row + 1) if ws.cell(r, 1).value == measure)
    col = next(c for c in range(6, ws.max_column + 1) if ws.cell(4, c).value == code)
    offset = {"prev": 0, "value": 1, "numerator": 2, "denominator": 3}[field]
    return ws.cell(row, col + offset).coordinate


def fill(path, entries, out=None):
    """Write ``{(sheet, measure, code, field): value}`` into the template; returns the saved path."""
    wb = openpyxl.load_workbook(path)
    for (sheet, measure, code, field), value in entries.items():
        wb[sheet][cell_of(wb, sheet, measure, code, field)] = value
    out = out or path.with_name("filled.xlsx")
    wb.save(out)
    return out


def import_(workbook, data_dir, cat, replace=False):
    return apply_import(plan_import(workbook, data_dir, catalogue=cat), replace=replace)


def values_of(data_dir, cat):
    v = load_dataset(data_dir, catalogue=cat).values
    return v[v["year"] == YEAR].set_index(["code", "indicator"])


FULL = {  # every entry cell of the template, with the value the dataset must hold afterwards
    ("Xã", "market", "06352", "value"): ("Không đạt", 0.0),
    ("Xã", "income", "06352", "value"): (43.25, 43.25),
    ("Xã", "poverty_pct", "06352", "value"): ("12,5", 12.5),
    ("Xã", "incidents", "06352", "value"): (0, 0.0),
    ("Xã", "rating", "06352", "value"): ("khá", 3.0),
    ("Thôn", "water_pct", "06352-01", "value"): (80, 80.0),
    ("Thôn", "water_pct", "06352-01", "numerator"): (96, 96.0),
    ("Thôn", "water_pct", "06352-01", "denominator"): (120, 120.0),
    ("Thôn", "water_pct", "06352-02", "numerator"): (153, 153.0),
    ("Thôn", "water_pct", "06352-02", "denominator"): (180, 180.0),
    ("Thôn", "village_house", "06352-01", "value"): ("Đạt", 1.0),
    ("Thôn", "village_house", "06352-02", "value"): ("Đạt", 1.0),
    ("Xóm", "kdc_clean", "06352-01-01", "value"): ("Không đạt", 0.0),
}


# --- template --------------------------------------------------------------------------------------


def test_template_has_level_sheets_instructions_and_hidden_marker(template):
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == ["Hướng dẫn", "Xã", "Thôn", "Xóm", MARKER_SHEET]
    assert wb[MARKER_SHEET].sheet_state == "veryHidden"
    marker = {r[0]: r[1] for r in wb[MARKER_SHEET].iter_rows(values_only=True)}
    assert (marker["catalogue_id"], marker["catalogue_version"], marker["unit_code"], marker["year"]) == (
        "excel-test", "2", "06352", "2024")
    assert len(marker["structure_hash"]) == 64 and marker["tool_version"]
    assert "NTM_TEMPLATE_HASH" in wb.defined_names
    assert wb.security.lockStructure


def test_template_rows_show_threshold_flag_and_last_year(template):
    wb = openpyxl.load_workbook(template)
    ws = wb["Xã"]
    rows = {ws.cell(r, 1).value: r for r in range(6, ws.max_row + 1)}
    assert set(rows) == {"market", "income", "poverty_pct", "incidents", "rating"}
    assert ws.cell(rows["income"], 5).value == "NTM 2.1: ≥ 40 triệu đồng"  # verified: no flag
    assert ws.cell(rows["poverty_pct"], 5).value.startswith("NTM 2.2: ≤ 13 % ⚠")
    assert ws.cell(rows["rating"], 5).value.startswith("NTM 3.2: ≥ khá")
    assert ws[cell_of(wb, "Xã", "poverty_pct", "06352", "prev")].value == pytest.approx(14.2)
    assert ws[cell_of(wb, "Xã", "rating", "06352", "prev")].value == "trung bình"
    th = wb["Thôn"]
    assert [th.cell(4, c).value for c in (6, 10)] == ["06352-01", "06352-02"]  # villages as columns
    assert [th.cell(5, c).value for c in range(6, 10)] == ["Năm 2023", "Năm 2024", "Tử số 2024", "Mẫu số 2024"]


def test_template_locks_everything_but_entry_cells(template):
    wb = openpyxl.load_workbook(template)
    ws = wb["Thôn"]
    assert ws.protection.sheet and not ws.protection.password
    assert not ws[cell_of(wb, "Thôn", "water_pct", "06352-01", "numerator")].protection.locked
    assert not ws[cell_of(wb, "Thôn", "water_pct", "06352-01")].protection.locked
    assert ws[cell_of(wb, "Thôn", "water_pct", "06352-01", "prev")].protection.locked
    assert ws[cell_of(wb, "Thôn", "village_house", "06352-01", "numerator")].protection.locked  # not a ratio
    assert ws["A6"].protection.locked and ws["E6"].protection.locked


def test_template_validations_by_kind(template):
    wb = openpyxl.load_workbook(template)
    ws = wb["Xã"]

    def rule(coord):
        return next(dv for dv in ws.data_validations.dataValidation if coord in dv.sqref)

    assert rule(cell_of(wb, "Xã", "market", "06352")).formula1 == '"Đạt,Không đạt"'
    assert rule(cell_of(wb, "Xã", "rating", "06352")).formula1 == '"yếu,trung bình,khá,tốt"'
    pct = rule(cell_of(wb, "Xã", "poverty_pct", "06352"))
    assert (pct.type, pct.formula1, pct.formula2) == ("decimal", "0", "100")
    assert rule(cell_of(wb, "Xã", "incidents", "06352")).type == "whole"


# --- import: round trip ----------------------------------------------------------------------------


def test_round_trip_loses_nothing(template, data_dir, cat):
    filled = fill(template, {k: v[0] for k, v in FULL.items()})
    plan = plan_import(filled, data_dir, catalogue=cat)
    # income 2024 already is 41 → changed; every other (unit, measure) is new
    assert (plan.count("added"), plan.count("changed"), plan.count("unchanged")) == (9, 1, 0)  # 10 units × measures
    apply_import(plan, replace=True)
    got = values_of(data_dir, cat)
    for (sheet, measure, code, field), (_, expected) in FULL.items():
        assert got.loc[(code, measure), field] == pytest.approx(expected), (measure, code, field)


def test_empty_cells_are_no_value_not_zero(template, data_dir, cat):
    filled = fill(template, {("Xã", "poverty_pct", "06352", "value"): 9})
    import_(filled, data_dir, cat)
    got = values_of(data_dir, cat)
    assert set(got.index) == {("06352", "poverty_pct"), ("06352", "income")}


def test_decimal_comma_and_percent_sign_accepted(template, data_dir, cat):
    filled = fill(template, {("Xã", "poverty_pct", "06352", "value"): "12,5%",
                             ("Xã", "income", "06352", "value"): "1.041,5"})
    import_(filled, data_dir, cat, replace=True)
    got = values_of(data_dir, cat)
    assert got.loc[("06352", "poverty_pct"), "value"] == pytest.approx(12.5)
    assert got.loc[("06352", "income"), "value"] == pytest.approx(1041.5)


def test_excel_percent_format_is_scaled_back(template, data_dir, cat):
    wb = openpyxl.load_workbook(template)
    c = wb["Xã"][cell_of(wb, "Xã", "poverty_pct", "06352")]
    c.value, c.number_format = 0.125, "0.0%"  # what Excel stores when 12,5% is typed
    wb.save(template)
    import_(template, data_dir, cat)
    assert values_of(data_dir, cat).loc[("06352", "poverty_pct"), "value"] == pytest.approx(12.5)


def test_unchanged_values_are_counted_and_not_rewritten(template, data_dir, cat):
    filled = fill(template, {("Xã", "income", "06352", "value"): "41,0"})
    before = (data_dir / "values.csv").read_bytes()
    plan = plan_import(filled, data_dir, catalogue=cat)
    assert (plan.count("added"), plan.count("changed"), plan.count("unchanged")) == (0, 0, 1)
    apply_import(plan)
    assert (data_dir / "values.csv").read_bytes() == before
    assert not list(data_dir.glob("values.csv.bak-*"))


# --- import: refusals that change nothing ------------------------------------------------------------


def assert_refused(workbook, data_dir, cat, *fragments):
    before = {p.name: p.read_bytes() for p in data_dir.iterdir()}
    with pytest.raises(ExcelError) as err:
        import_(workbook, data_dir, cat, replace=True)
    text = err.value.render("vi")
    for f in fragments:
        assert f in text, text
    assert {p.name: p.read_bytes() for p in data_dir.iterdir()} == before
    return err.value


def test_text_in_number_cell_named_with_sheet_and_cell(template, data_dir, cat):
    filled = fill(template, {("Thôn", "water_pct", "06352-02", "value"): "khoảng 80",
                             ("Xã", "income", "06352", "value"): 50})
    wb = openpyxl.load_workbook(filled)
    where = cell_of(wb, "Thôn", "water_pct", "06352-02")
    err = assert_refused(filled, data_dir, cat, f'Sheet "Thôn", ô {where}:', "«khoảng 80»")
    assert f'Sheet "Thôn", cell {where}:' in err.render("en") and "not a number" in err.render("en")


def test_deleted_row_rejected(template, data_dir, cat):
    wb = openpyxl.load_workbook(template)
    wb["Xã"].delete_rows(7)  # the "income" row
    wb["Xã"]["G6"] = "Đạt"
    wb.save(template)
    assert_refused(template, data_dir, cat, 'Sheet "Xã", ô A7:', "«income»")


def test_renamed_sheet_rejected(template, data_dir, cat):
    wb = openpyxl.load_workbook(template)
    wb["Thôn"].title = "Thon"
    wb.save(template)
    assert_refused(template, data_dir, cat, 'Sheet "Thôn"', "thiếu sheet")


def test_deleted_column_rejected(template, data_dir, cat):
    wb = openpyxl.load_workbook(template)
    wb["Thôn"].delete_cols(7)
    wb.save(template)
    assert_refused(template, data_dir, cat, 'Sheet "Thôn", ô')


def test_merged_entry_cells_rejected(template, data_dir, cat):
    wb = openpyxl.load_workbook(template)
    a = cell_of(wb, "Xã", "market", "06352")
    b = cell_of(wb, "Xã", "income", "06352")
    wb["Xã"].merge_cells(f"{a}:{b}")
    wb.save(template)
    assert_refused(template, data_dir, cat, f'Sheet "Xã", ô {a}:{b}:', "ô gộp")


def test_empty_workbook_rejected(tmp_path, data_dir, cat):
    path = tmp_path / "trong.xlsx"
    openpyxl.Workbook().save(path)
    assert_refused(path, data_dir, cat, f'Sheet "{MARKER_SHEET}", ô A1:', "ntm template")


def test_unfilled_template_rejected(template, data_dir, cat):
    assert_refused(template, data_dir, cat, 'Sheet "Xã", ô G6:', "chưa nhập giá trị")


def test_edited_marker_rejected(template, data_dir, cat):
    wb = openpyxl.load_workbook(template)
    ws = wb[MARKER_SHEET]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "year")
    ws.cell(row, 2).value = "2025"
    wb["Xã"]["G6"] = "Đạt"
    wb.save(template)
    assert_refused(template, data_dir, cat, f'Sheet "{MARKER_SHEET}"', "mã kiểm tra cấu trúc")


def test_second_import_of_different_values_refused_without_replace(template, data_dir, cat):
    import_(fill(template, {("Xã", "poverty_pct", "06352", "value"): 10}), data_dir, cat)
    before = (data_dir / "values.csv").read_bytes()
    second = fill(template, {("Xã", "poverty_pct", "06352", "value"): 11}, template.with_name("second.xlsx"))
    plan = plan_import(second, data_dir, catalogue=cat)
    with pytest.raises(ImportRefused, match="--replace"):
        apply_import(plan)
    assert (data_dir / "values.csv").read_bytes() == before
    changed = plan.diff[plan.diff["change"] == "changed"]
    assert changed[["indicator", "old", "new"]].values.tolist() == [["poverty_pct", "10", "11"]]


def test_replace_keeps_backup_of_old_file(template, data_dir, cat):
    before = (data_dir / "values.csv").read_bytes()
    filled = fill(template, {("Xã", "income", "06352", "value"): 45})
    lines = import_(filled, data_dir, cat, replace=True)
    backups = list(data_dir.glob("values.csv.bak-*"))
    assert len(backups) == 1 and backups[0].read_bytes() == before
    assert any(str(backups[0]) in line for line in lines)
    assert values_of(data_dir, cat).loc[("06352", "income"), "value"] == 45
    assert not list(data_dir.glob(".values.csv.*"))  # no temporary file left


def test_cli_import_refusal_exit_2_changes_nothing(template, data_dir, cat, monkeypatch):
    from ntm_analysis import cli
    from ntm_analysis.io import dataset

    monkeypatch.setattr(dataset, "resolve_catalogue", lambda ref: cat)  # the fixture catalogue by id
    filled = fill(template, {("Xã", "income", "06352", "value"): 45})
    before = (data_dir / "values.csv").read_bytes()
    res = CliRunner().invoke(cli.app, ["import", str(filled), "--into", str(data_dir)])
    assert res.exit_code == 2
    assert "41 → 45" in res.output and "--replace" in res.output
    assert (data_dir / "values.csv").read_bytes() == before
    res = CliRunner().invoke(cli.app, ["import", str(filled), "--into", str(data_dir), "--replace", "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "Backup:" in res.output


# --- neutralising ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=cmd", "+1", "-2+3", "@SUM(A1)"])
def test_neutralise_round_trip(text):
    assert neutralise(text) == "'" + text
    assert unneutralise(neutralise(text)) == text


def test_plain_text_and_numbers_not_neutralised():
    assert neutralise("Tân Lập") == "Tân Lập"
    assert neutralise(-5) == -5


# --- export ------------------------------------------------------------------------------------------


@pytest.fixture()
def annex(template, data_dir, cat, tmp_path):
    import_(fill(template, {k: v[0] for k, v in FULL.items()}), data_dir, cat, replace=True)
    data = load_dataset(data_dir, catalogue=cat)
    result = assess(data, cat, years=[YEAR], units=["06352"])
    return export_annex(result, data, cat, YEAR, tmp_path / "phu-luc.xlsx"), result


def test_export_criteria_grid(annex):
    path, result = annex
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["NTM", "KDC kiểu mẫu", "Chỉ tiêu"]
    ws = wb["NTM"]
    heads = [c.value for c in ws[4]]
    assert heads[:6] == ["STT", "Mã", "Đơn vị", "TC 1 ⚠", "TC 2 ⚠", "TC 3 ⚠"]  # each has an unverified threshold
    row = [c.value for c in ws[5]]
    assert row[1:3] == ["06352", "Tân Lập"]
    # market "Không đạt" → criterion 1 not met; income 43.25 ≥ 40 but poverty 12.5 ≤ 13 → criterion 2 met;
    # incidents 0 == 0 and rating khá ≥ khá → criterion 3 met
    assert row[3:6] == ["-", "Đ", "Đ"]
    assert row[heads.index("Số TC đạt")] == 2 and row[heads.index("Tổng số TC")] == 3
    assert ws.cell(5, 4).fill.fgColor.rgb.endswith("FFC7CE")
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$4:$4" and ws.freeze_panes == "D5"
    assert ws.page_setup.scale >= 75 and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)  # never below 8 pt


def test_export_indicator_sheet_and_neutralised_text(annex):
    path, _ = annex
    ws = openpyxl.load_workbook(path)["Chỉ tiêu"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=5, max_row=ws.max_row)]
    income = next(r for r in rows if r[0] == "06352" and r[4] == "2.1")
    assert income[6] == pytest.approx(43.25) and income[8] == "≥ 40" and income[9] == "Đạt"
    poverty = next(r for r in rows if r[0] == "06352" and r[4] == "2.2")
    assert poverty[12].startswith("⚠") and income[12] in (None, "")
    names = {r[1] for r in rows if r[0] == "06352-01-01"}
    assert names == {"=cmd"}  # a unit named "=cmd" is shown as written ...
    cells = [c for r in ws.iter_rows() for c in r if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)  # ... as text, never a formula


def test_export_english_labels(data_dir, cat, tmp_path):
    data = load_dataset(data_dir, catalogue=cat)
    result = assess(data, cat, years=[2023], units=["06352"])
    path = export_annex(result, data, cat, 2023, tmp_path / "annex.xlsx", lang="en")
    ws = openpyxl.load_workbook(path)["NTM"]
    assert [c.value for c in ws[4]][:4] == ["No.", "Code", "Unit", "C1 ⚠"]  # C1 has an unverified threshold


def test_read_template_lists_entries_with_cells(template):
    filled = fill(template, {("Thôn", "water_pct", "06352-01", "numerator"): 5,
                             ("Thôn", "water_pct", "06352-01", "denominator"): 10})
    entries = read_template(filled).entries
    assert len(entries) == 1
    e = entries.iloc[0]
    assert (e["code"], e["indicator"], e["numerator"], e["denominator"]) == ("06352-01", "water_pct", "5", "10")
    assert pd.isna(e["value"]) and e["sheet"] == "Thôn"


# --- the whole round trip on a copy of the sample, through the CLI ------------------------------------

SAMPLE = Path(__file__).parents[2] / "data" / "sample"


def _status(runner, folder):
    from ntm_analysis import cli

    res = runner.invoke(cli.app, ["status", str(folder), "--year", "2024", "--unit", "Tân Lập", "--tier", "ntm",
                                  "--format", "csv"])
    assert res.exit_code == 0, res.output
    frame = pd.read_csv(__import__("io").StringIO(res.output), dtype={"code": str})
    return frame[frame["code"] == "06352"].set_index("measure")


@pytest.mark.skipif(not (SAMPLE / "values.csv").is_file(), reason="data/sample/values.csv not generated yet")
def test_sample_template_import_status_cli(tmp_path):
    from ntm_analysis import cli

    runner = CliRunner()
    copy = Path(shutil.copytree(SAMPLE, tmp_path / "sample"))
    mau = tmp_path / "tan-lap-2024.xlsx"
    res = runner.invoke(cli.app, ["template", str(copy), "--unit", "Tân Lập", "--year", "2024", "--out", str(mau)])
    assert res.exit_code == 0, res.output
    before = _status(runner, copy)
    assert before.loc["commune_roads_paved_pct", "value"] != 55.5
    filled = fill(mau, {("Xã", "commune_roads_paved_pct", "06352", "value"): "55,5",
                        ("Xã", "master_plan_approved", "06352", "value"): "Không đạt"})
    res = runner.invoke(cli.app, ["import", str(filled), "--into", str(copy), "--replace"])
    assert res.exit_code == 0, res.output
    after = _status(runner, copy)
    assert after.loc["commune_roads_paved_pct", "value"] == 55.5
    assert after.loc["master_plan_approved", "status"] == "not_met"
    assert set(after.loc[["commune_roads_paved_pct", "master_plan_approved"], "criterion_status"]) == {"not_met"}

    written = (copy / "values.csv").read_bytes()
    second = fill(mau, {("Xã", "commune_roads_paved_pct", "06352", "value"): 70}, tmp_path / "second.xlsx")
    res = runner.invoke(cli.app, ["import", str(second), "--into", str(copy)])
    assert res.exit_code == 2
    assert "55,5 → 70" in res.output and "--replace" in res.output
    assert (copy / "values.csv").read_bytes() == written
    assert (SAMPLE / "values.csv").read_bytes() != written  # the sample itself was never touched
