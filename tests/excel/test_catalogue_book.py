"""Catalogue authoring in Excel: template → workbook → import → YAML (ntm catalogue template/import)."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from ntm_analysis.catalogue.model import load_catalogue, shipped_catalogues
from ntm_analysis.cli import app
from ntm_analysis.excel.catalogue_book import catalogue_workbook
from ntm_analysis.excel.catalogue_import import import_catalogue_workbook
from ntm_analysis.excel.common import ExcelError

runner = CliRunner()
GROUPS_DATA = Path(__file__).parents[1] / "fixtures" / "datasets" / "groups"


@pytest.mark.parametrize("cid", shipped_catalogues())
def test_round_trip_of_each_shipped_catalogue_loses_nothing(cid, tmp_path):
    cat = load_catalogue(cid)
    catalogue_workbook(cat, tmp_path / "c.xlsx")
    back = load_catalogue(import_catalogue_workbook(tmp_path / "c.xlsx", tmp_path / "c.yaml"))
    for table in ("tiers", "measures", "criteria", "indicators", "thresholds"):
        pd.testing.assert_frame_equal(getattr(cat, table), getattr(back, table))
    assert {k: v for k, v in cat.meta.items() if k != "path"} == {k: v for k, v in back.meta.items() if k != "path"}
    assert cat.sources == back.sources


def _thresholds_sheet(path: Path):
    wb = load_workbook(path)
    return wb, wb["thresholds"]


def _row(ws, **match) -> int:
    head = [c.value for c in ws[1]]
    for r in range(2, ws.max_row + 1):
        if all(str(ws.cell(r, head.index(k) + 1).value) == v for k, v in match.items()):
            return r
    raise AssertionError(match)


def test_problem_is_named_by_sheet_and_cell(tmp_path):
    catalogue_workbook(load_catalogue("qd51-2026-2030"), tmp_path / "c.xlsx")
    wb = load_workbook(tmp_path / "c.xlsx")
    ws = wb["indicators"]
    ws["G3"] = "=>"  # comparator of the second indicator
    wb.save(tmp_path / "c.xlsx")
    with pytest.raises(ExcelError) as info:
        import_catalogue_workbook(tmp_path / "c.xlsx", tmp_path / "c.yaml")
    assert [(p.sheet, p.cell) for p in info.value.problems] == [("indicators", "G3")]
    assert not (tmp_path / "c.yaml").exists()


def test_text_threshold_is_named_by_its_cell(tmp_path):
    catalogue_workbook(load_catalogue("qd51-2026-2030"), tmp_path / "c.xlsx")
    wb, ws = _thresholds_sheet(tmp_path / "c.xlsx")
    r = _row(ws, code="3.1", group="3")
    ws.cell(r, 6).value = "48 triệu"
    wb.save(tmp_path / "c.xlsx")
    with pytest.raises(ExcelError) as info:
        import_catalogue_workbook(tmp_path / "c.xlsx", tmp_path / "c.yaml")
    assert [(p.sheet, p.cell) for p in info.value.problems] == [("thresholds", f"F{r}")]


def test_filled_group_3_level_reaches_check_and_status(tmp_path):
    book, yml = tmp_path / "qd51.xlsx", tmp_path / "qd51-mine.yaml"
    assert runner.invoke(app, ["catalogue", "template", "--catalogue", "qd51-2026-2030", "--out", str(book)]).exit_code == 0
    wb, ws = _thresholds_sheet(book)
    ws.cell(_row(ws, code="3.1", group="3"), 6).value = 40  # income, group 3: 48 → 40
    wb.save(book)
    imported = runner.invoke(app, ["catalogue", "import", str(book), "--out", str(yml)])
    assert imported.exit_code == 0, imported.output
    assert runner.invoke(app, ["catalogue", "check", str(yml)]).exit_code == 0
    args = ["status", str(GROUPS_DATA), "--year", "2026", "--unit", "Nhất Hòa", "--format", "csv"]
    before = runner.invoke(app, [*args, "--catalogue", "qd51-2026-2030"])
    after = runner.invoke(app, [*args, "--catalogue", str(yml)])
    assert _income(before.stdout) == (48.0, "not_met")  # Nhất Hòa (group 3) has 45
    assert _income(after.stdout) == (40.0, "met")


def _income(csv_text: str) -> tuple[float, str]:
    rows = pd.read_csv(io.StringIO(csv_text), dtype={"indicator": str})
    row = rows[rows["indicator"].eq("3.1")].iloc[0]
    return float(row["threshold"]), row["status"]
