"""Excel round trip, what an officer types (issue 14): cells stored the way LibreOffice Calc and
Excel store them (0.95 for "95%" in a cell keeping the template's number format, a date serial for
"1/2"), ratio indicators, units checked in the template's year, every problem in one run.

Fixtures: the tiny dataset and catalogue of tests/fixtures/excel (see tests/excel/conftest.py): commune
06352 Tân Lập (poverty_pct 2023 = 14,2 with threshold ≤ 13; income 2023 = 38,5 and 2024 = 41 with
threshold ≥ 40; incidents a count), villages 06352-01 / -02 with water_pct as a ratio measure
(2023: 90/120 and 150/180). Workbooks are built with openpyxl as those programs save them.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from ntm_analysis.errors import NtmError
from ntm_analysis.assess.attainment import assess
from ntm_analysis.excel import ExcelError, apply_import, plan_import, render_preview
from ntm_analysis.excel.template import build_template
from ntm_analysis.io.dataset import load_dataset

from tests.excel.conftest import FIX, YEAR


def addr(wb, sheet, measure, code, field="value"):
    ws = wb[sheet]
    row = next(r for r in range(6, ws.max_row + 1) if ws.cell(r, 1).value == measure)
    col = next(c for c in range(6, ws.max_column + 1) if ws.cell(4, c).value == code)
    return ws.cell(row, col + {"value": 1, "numerator": 2, "denominator": 3}[field]).coordinate


def fill(path, entries, number_format=None):
    """``{(sheet, measure, code, field): value}`` typed into the template; the cell keeps the
    template's number format unless ``number_format`` gives one per key."""
    wb = openpyxl.load_workbook(path)
    for key, value in entries.items():
        c = wb[key[0]][addr(wb, *key)]
        c.value = value
        if number_format and key in number_format:
            c.number_format = number_format[key]
    out = path.with_name("filled.xlsx")
    wb.save(out)
    return out


def refused(workbook, data_dir, cat):
    """The ExcelError of importing ``workbook`` (with --replace); asserts nothing was written."""
    before = {p.name: p.read_bytes() for p in data_dir.iterdir()}
    with pytest.raises(ExcelError) as err:
        apply_import(plan_import(workbook, data_dir, catalogue=cat), replace=True)
    assert {p.name: p.read_bytes() for p in data_dir.iterdir()} == before
    return err.value


def stored(data_dir, cat, code, measure, year=YEAR):
    v = load_dataset(data_dir, catalogue=cat).values
    return v[(v["code"] == code) & (v["indicator"] == measure) & (v["year"] == year)]


# --- item 1: a ratio indicator needs numerator and denominator ------------------------------------


def test_ratio_percent_alone_refused_naming_the_empty_cells(template, data_dir, cat):
    filled = fill(template, {("Thôn", "water_pct", "06352-01", "value"): 91})
    wb = openpyxl.load_workbook(filled)
    err = refused(filled, data_dir, cat)
    text = err.render("vi")
    assert f'ô {addr(wb, "Thôn", "water_pct", "06352-01")}:' in text
    assert addr(wb, "Thôn", "water_pct", "06352-01", "numerator") in text
    assert addr(wb, "Thôn", "water_pct", "06352-01", "denominator") in text and "tử số và mẫu số" in text


def test_ratio_numerator_without_denominator_refused_at_the_empty_cell(template, data_dir, cat):
    filled = fill(template, {("Thôn", "water_pct", "06352-02", "numerator"): 150})
    wb = openpyxl.load_workbook(filled)
    text = refused(filled, data_dir, cat).render("en")
    assert f'cell {addr(wb, "Thôn", "water_pct", "06352-02", "denominator")}:' in text  # the empty one


def test_ratio_parts_keep_stored_parts_and_commune_rollup(template, data_dir, cat):
    filled = fill(template, {("Thôn", "water_pct", "06352-01", "numerator"): 108,
                             ("Thôn", "water_pct", "06352-01", "denominator"): 120,
                             ("Thôn", "water_pct", "06352-02", "numerator"): 162,
                             ("Thôn", "water_pct", "06352-02", "denominator"): 180})
    apply_import(plan_import(filled, data_dir, catalogue=cat))
    row = stored(data_dir, cat, "06352-01", "water_pct").iloc[0]
    assert (row["numerator"], row["denominator"], row["value"]) == (108, 120, pytest.approx(90.0))
    result = assess(load_dataset(data_dir, catalogue=cat), cat, years=[YEAR], units=["06352"])
    ind = result.indicators[(result.indicators["code"] == "06352") & (result.indicators["indicator"] == "1.2")]
    assert ind["value"].iloc[0] == pytest.approx(100 * (108 + 162) / (120 + 180))  # 90 %, not missing


def test_preview_states_the_ratio_rule(template, data_dir, cat):
    filled = fill(template, {("Thôn", "water_pct", "06352-01", "numerator"): 108,
                             ("Thôn", "water_pct", "06352-01", "denominator"): 120})
    assert "cần cả tử số và mẫu số" in render_preview(plan_import(filled, data_dir, catalogue=cat), "vi")


def test_template_says_ratio_needs_both_parts(template):
    wb = openpyxl.load_workbook(template)
    guide = "\n".join(str(c.value) for c in wb["Hướng dẫn"]["A"] if c.value)
    assert "BẮT BUỘC gõ cả tử số và mẫu số" in guide
    assert "cả tử số và mẫu số" in str(wb["Thôn"]["B2"].value)


# --- item 2: "95%" stored as 0.95 -----------------------------------------------------------------


def test_percent_typed_with_sign_in_number_cell_refused_with_fix(template, data_dir, cat):
    filled = fill(template, {("Xã", "poverty_pct", "06352", "value"): 0.95})  # cell format stays 0.0##
    wb = openpyxl.load_workbook(filled)
    text = refused(filled, data_dir, cat).render("vi")
    assert f'ô {addr(wb, "Xã", "poverty_pct", "06352")}:' in text and "Gõ 95, không gõ 95%" in text
    assert "14,2" in text  # the unit's other value that makes 0,95 implausible


def test_fraction_in_percent_formatted_cell_is_read_times_100(template, data_dir, cat):
    key = ("Xã", "poverty_pct", "06352", "value")
    filled = fill(template, {key: 0.095}, number_format={key: "0.0%"})
    apply_import(plan_import(filled, data_dir, catalogue=cat))
    assert stored(data_dir, cat, "06352", "poverty_pct")["value"].iloc[0] == pytest.approx(9.5)


def test_small_percent_below_a_ceiling_threshold_is_a_warning(template, data_dir, cat):
    values = data_dir / "values.csv"  # no other poverty value: only the "≤ 13" threshold is known
    values.write_text("\n".join(l for l in values.read_text().splitlines() if "poverty_pct" not in l) + "\n")
    filled = fill(template, {("Xã", "poverty_pct", "06352", "value"): 0.8})
    plan = plan_import(filled, data_dir, catalogue=cat)
    assert "percent_sign_low" in {w.rule for w in plan.warnings}
    assert "gõ 80" in render_preview(plan, "vi")


def test_preview_lists_added_values_with_their_cells(template, data_dir, cat):
    filled = fill(template, {("Xã", "poverty_pct", "06352", "value"): "9,5"})
    wb = openpyxl.load_workbook(filled)
    text = render_preview(plan_import(filled, data_dir, catalogue=cat), "vi")
    assert f'poverty_pct: 9,5   [Sheet "Xã", ô {addr(wb, "Xã", "poverty_pct", "06352")}]' in text


# --- item 3: dates ---------------------------------------------------------------------------------


def test_date_value_refused_at_the_cell(template, data_dir, cat):
    key = ("Xã", "income", "06352", "value")
    filled = fill(template, {key: dt.datetime(2026, 2, 1)}, number_format={key: "DD/MM/YY"})
    wb = openpyxl.load_workbook(filled)
    text = refused(filled, data_dir, cat).render("vi")
    assert f'ô {addr(wb, *key)}: «01/02/2026» là ngày tháng' in text


def test_date_serial_in_the_template_number_format_refused(template, data_dir, cat):
    filled = fill(template, {("Xã", "income", "06352", "value"): 46024})  # "1/2" in a protected cell
    text = refused(filled, data_dir, cat).render("vi")
    assert "46024 có vẻ là ngày 02/01/2026" in text


# --- item 6: checks the template promises --------------------------------------------------------


def test_fractional_count_refused(template, data_dir, cat):
    filled = fill(template, {("Xã", "incidents", "06352", "value"): "2,5"})
    wb = openpyxl.load_workbook(filled)
    text = refused(filled, data_dir, cat).render("vi")
    assert f'ô {addr(wb, "Xã", "incidents", "06352")}: số lượng phải là số nguyên, không phải 2,5' in text


def test_income_with_thousands_dot_warned_at_the_cell(template, data_dir, cat):
    filled = fill(template, {("Xã", "income", "06352", "value"): "1.234,5"})
    wb = openpyxl.load_workbook(filled)
    plan = plan_import(filled, data_dir, catalogue=cat)
    assert {w.rule for w in plan.warnings} == {"magnitude", "thousands"}
    assert {w.cell for w in plan.warnings} == {addr(wb, "Xã", "income", "06352")}


def test_percent_disagreeing_with_its_parts_refused(template, data_dir, cat):
    filled = fill(template, {("Thôn", "water_pct", "06352-01", "value"): 90,
                             ("Thôn", "water_pct", "06352-01", "numerator"): 96,
                             ("Thôn", "water_pct", "06352-01", "denominator"): 120})  # 96/120 = 80 %
    wb = openpyxl.load_workbook(filled)
    text = refused(filled, data_dir, cat).render("vi")
    assert f'ô {addr(wb, "Thôn", "water_pct", "06352-01")}: tỷ lệ 90 % khác 100 × tử số / mẫu số = 80 %' in text


# --- item 5: the template's units in its year --------------------------------------------------------


def test_renamed_unit_named_in_a_warning(template, data_dir, cat):
    units = data_dir / "units.csv"
    units.write_text(units.read_text().replace("06352,Tân Lập,", "06352,Tân Lập Mới,"))
    filled = fill(template, {("Xã", "poverty_pct", "06352", "value"): 9})
    plan = plan_import(filled, data_dir, catalogue=cat)
    text = render_preview(plan, "vi")
    assert "«Tân Lập»" in text and "«Tân Lập Mới»" in text


def test_unit_no_longer_valid_refused_once(template, data_dir, cat):
    units = data_dir / "units.csv"
    units.write_text(units.read_text().replace("06352-02,Nà Nâm,Thôn,village,06352,mien-nui,180,,,",
                                               "06352-02,Nà Nâm,Thôn,village,06352,mien-nui,180,,,2023"))
    filled = fill(template, {("Thôn", "village_house", "06352-02", "value"): "Đạt",
                             ("Thôn", "water_pct", "06352-02", "numerator"): 150,
                             ("Thôn", "water_pct", "06352-02", "denominator"): 180})
    err = refused(filled, data_dir, cat)
    assert [p.rule for p in err.problems] == ["unit_invalid"]
    assert "Nà Nâm" in err.render("vi") and "…–2023" in err.render("vi")


# --- item 7: every problem in one run, grouped by cause ----------------------------------------------


def test_every_problem_reported_in_one_run(template, data_dir, cat):
    key = ("Xã", "income", "06352", "value")
    filled = fill(template, {key: dt.datetime(2026, 2, 1), ("Xã", "poverty_pct", "06352", "value"): "khoảng 9",
                             ("Xã", "incidents", "06352", "value"): 2.5}, number_format={key: "DD/MM/YY"})
    rules = {p.rule for p in refused(filled, data_dir, cat).problems}
    assert {"date", "number_invalid", "count_fraction"} <= rules


def test_inserted_row_reported_as_one_cause(template, data_dir, cat):
    wb = openpyxl.load_workbook(template)
    wb["Thôn"].insert_rows(6)
    wb["Xã"]["G6"] = "Đạt"
    wb.save(template)
    lines = refused(template, data_dir, cat).render("vi").splitlines()
    assert len(lines) == 2 and "cùng loại ở" in lines[1], lines


def test_same_value_problem_in_many_cells_is_one_line(template, data_dir, cat):
    filled = fill(template, {("Thôn", "village_house", "06352-01", "value"): "có lẽ",
                             ("Thôn", "village_house", "06352-02", "value"): "có lẽ"})
    lines = refused(filled, data_dir, cat).render("en").splitlines()
    assert len(lines) == 2 and "same kind in 1 more cells" in lines[1]


# --- item 4: an existing --out is never silently replaced ----------------------------------------


def test_template_refuses_existing_file_without_force(template, data_dir, cat):
    before = template.read_bytes()
    with pytest.raises(NtmError, match="--force"):
        build_template(load_dataset(data_dir, catalogue=cat), cat, "06352", YEAR, template)
    assert template.read_bytes() == before


def test_cli_force_over_filled_template_says_so_and_keeps_a_copy(template, data_dir, cat):
    from typer.testing import CliRunner

    from ntm_analysis.cli import app

    filled = fill(template, {("Xã", "poverty_pct", "06352", "value"): 9})
    args = ["template", str(data_dir), "--unit", "06352", "--year", str(YEAR), "--out", str(filled),
            "--catalogue", str(FIX / "catalogue.yaml")]
    refused_run = CliRunner().invoke(app, args)
    assert refused_run.exit_code == 2 and "--force" in refused_run.output
    forced = CliRunner().invoke(app, [*args, "--force"])
    assert forced.exit_code == 0 and "có 1 ô đã nhập số liệu" in forced.output
    backups = list(filled.parent.glob("filled.bak-*.xlsx"))
    assert len(backups) == 1 and len(plan_import(backups[0], data_dir, catalogue=cat).diff) == 1


# --- item 10: formula-like text shown as written, never run, no visible apostrophe -----------------


def test_formula_like_text_uses_the_quote_prefix_style(template):
    wb = openpyxl.load_workbook(template)
    dash = next(c for c in wb["Hướng dẫn"]["A"] if isinstance(c.value, str) and "Chèn, xóa" in c.value)
    assert dash.value.startswith("- Chèn") and dash.quotePrefix and dash.data_type == "s"


def test_instructions_show_the_dataset_name_not_a_local_path(template, data_dir):
    wb = openpyxl.load_workbook(template)
    text = "\n".join(str(c.value) for c in wb["Hướng dẫn"]["A"] if c.value)
    assert str(data_dir) not in text and "--into tiny" in text
