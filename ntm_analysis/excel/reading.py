"""Reading a filled entry template back: the version marker and structure hash, sheets, row and
column labels and merged cells checked (every problem named by sheet and cell), then the entered
cells of every intact sheet as typed text (``cells.read_cell``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ntm_analysis.excel.cells import read_cell
from ntm_analysis.excel.common import (ENTRY_FIELDS, MARKER_SHEET, MESSAGES, TEMPLATE_FORMAT, CellProblem, ExcelError,
                                       cell_problem, structure_hash, unneutralise)
from ntm_analysis.i18n import fmt


@dataclass(frozen=True)
class TemplateEntries:
    """What a filled template holds: its marker and one row per entered unit × measure
    (``code``, ``year``, ``indicator``, ``value``, ``numerator``, ``denominator`` as typed text or NA,
    ``percent_cell`` (the value cell is formatted as a percent), ``sheet``, and
    ``cell_value``/``cell_numerator``/``cell_denominator`` addresses); ``problems``: the cells that
    could not be read (with ``strict=False``), their fields left out of ``entries``."""

    marker: dict[str, Any]
    entries: pd.DataFrame
    problems: list[CellProblem] = field(default_factory=list)


def _read_marker(wb: Any, file: str) -> dict[str, Any]:
    """The key/value marker of the hidden sheet, checked against its structure hash."""
    if MARKER_SHEET not in wb.sheetnames:
        raise ExcelError([cell_problem(MESSAGES, "no_marker", MARKER_SHEET, "A1", marker=MARKER_SHEET)], file)
    ws = wb[MARKER_SHEET]
    marker: dict[str, Any] = {}
    rows: dict[str, int] = {}
    for row in ws.iter_rows(min_col=1, max_col=2):
        k, v = row[0].value, row[1].value
        if isinstance(k, str):
            marker[k], rows[k] = v, row[0].row
    for k in ("format", "catalogue_id", "unit_code", "year", "layout", "structure_hash"):
        if marker.get(k) in (None, ""):
            raise ExcelError([cell_problem(MESSAGES, "marker_field", MARKER_SHEET, f"B{rows.get(k, 1)}", field=k)], file)
    if marker["format"] != TEMPLATE_FORMAT:
        raise ExcelError([cell_problem(MESSAGES, "format", MARKER_SHEET, f"B{rows['format']}", value=marker["format"],
                                       expected=TEMPLATE_FORMAT)], file)
    try:
        marker["layout"] = json.loads(marker["layout"])
        marker["year"] = int(marker["year"])
    except (TypeError, ValueError):
        raise ExcelError([cell_problem(MESSAGES, "marker_field", MARKER_SHEET, f"B{rows['layout']}", field="layout")], file) from None
    if structure_hash(marker) != marker["structure_hash"]:
        raise ExcelError([cell_problem(MESSAGES, "hash", MARKER_SHEET, f"B{rows['structure_hash']}")], file)
    return marker


def read_template(path: Path, strict: bool = True) -> TemplateEntries:
    """Read a filled entry template: check marker, sheets, row and column labels and merged cells
    (every problem named with sheet and cell), then collect the entered cells of every sheet whose
    structure is intact (:func:`ntm_analysis.excel.cells.read_cell`). Raises ExcelError for a file
    that is not a readable template; for any other problem too when ``strict``, else returns them
    in ``problems`` so that the importer reports every problem of the workbook in one run."""
    from openpyxl import load_workbook  # noqa: PLC0415

    from openpyxl.utils import get_column_letter, range_boundaries  # noqa: PLC0415

    path = Path(path)
    file = path.name
    if not path.is_file():
        raise ExcelError([CellProblem(None, None, fmt(MESSAGES, "where_file", "vi", file=file, message=fmt(MESSAGES, "not_found", "vi")),
                                      fmt(MESSAGES, "where_file", "en", file=file, message=fmt(MESSAGES, "not_found", "en")))], file)
    if path.suffix.lower() in (".xls", ".ods", ".xlsb", ".numbers", ".et"):
        raise ExcelError([CellProblem(None, None, *(fmt(MESSAGES, "where_file", lang, file=file, message=fmt(
            MESSAGES, "save_as_xlsx", lang, suffix=path.suffix)) for lang in ("vi", "en")))], file)
    try:
        wb_values = load_workbook(path, data_only=True)
        wb_raw = load_workbook(path, data_only=False)
    except Exception as exc:  # noqa: BLE001 (zip, xml, or not a workbook at all)
        raise ExcelError([CellProblem(None, None, fmt(MESSAGES, "where_file", "vi", file=file,
                                                      message=fmt(MESSAGES, "unreadable", "vi", detail=type(exc).__name__)),
                                      fmt(MESSAGES, "where_file", "en", file=file,
                                          message=fmt(MESSAGES, "unreadable", "en", detail=type(exc).__name__)))], file) from None
    marker = _read_marker(wb_raw, file)
    year = marker["year"]
    problems: list[CellProblem] = []
    records: list[dict[str, Any]] = []
    for sheet in marker["layout"]["sheets"]:
        name = sheet["name"]
        if name not in wb_values.sheetnames:
            problems.append(cell_problem(MESSAGES, "sheet_missing", name, None, name=name))
            continue
        ws, ws_raw = wb_values[name], wb_raw[name]
        bad_layout = False
        for r in sheet["rows"]:  # row labels: measure ids in column A
            cell = ws.cell(r["row"], 1)
            if unneutralise(cell.value) != r["measure"]:
                problems.append(cell_problem(MESSAGES, "moved", name, cell.coordinate, expected=r["measure"], value=cell.value or ""))
                bad_layout = True
        for b in sheet["blocks"]:  # column labels: unit code above each block, field labels below
            cell = ws.cell(sheet["code_row"], b["col"])
            if unneutralise(cell.value) != b["code"]:
                problems.append(cell_problem(MESSAGES, "moved", name, cell.coordinate, expected=b["code"], value=cell.value or ""))
                bad_layout = True
            for fld, col in b["fields"].items():
                cell = ws.cell(sheet["header_row"], col)
                if unneutralise(cell.value) != sheet["labels"][fld]:
                    problems.append(cell_problem(MESSAGES, "moved", name, cell.coordinate, expected=sheet["labels"][fld],
                                                 value=cell.value or ""))
                    bad_layout = True
        entry_cols = {c for b in sheet["blocks"] for f, c in b["fields"].items() if f in ENTRY_FIELDS}
        rows = {r["row"] for r in sheet["rows"]}
        for rng in ws_raw.merged_cells.ranges:
            c0, r0, c1, r1 = range_boundaries(str(rng))
            if any(c0 <= c <= c1 for c in entry_cols) and any(r0 <= r <= r1 for r in rows):
                problems.append(cell_problem(MESSAGES, "merged", name, str(rng), range=str(rng)))
                bad_layout = True
        if bad_layout:
            continue
        for r in sheet["rows"]:
            fields = ENTRY_FIELDS if r["ratio"] else ("value",)
            for b in sheet["blocks"]:
                rec: dict[str, Any] = {"code": b["code"], "year": year, "indicator": r["measure"], "sheet": name}
                for fld in ENTRY_FIELDS:
                    rec[fld], rec[f"cell_{fld}"] = pd.NA, None
                rec["percent_cell"] = False
                for fld in fields:
                    col = b["fields"][fld]
                    text, pct, prob = read_cell(ws.cell(r["row"], col), ws_raw.cell(r["row"], col), r["kind"], fld, name)
                    rec[fld], rec[f"cell_{fld}"] = text, f"{get_column_letter(col)}{r['row']}"
                    rec["percent_cell"] |= pct
                    if prob:
                        problems.append(prob)
                if any(not pd.isna(rec[f]) for f in ENTRY_FIELDS):
                    records.append(rec)
    if problems and strict:
        raise ExcelError(problems, file)
    cols = ["code", "year", "indicator", *ENTRY_FIELDS, "percent_cell", "sheet", *(f"cell_{f}" for f in ENTRY_FIELDS)]
    entries = pd.DataFrame(records, columns=cols)
    if entries.empty and not problems:
        first = marker["layout"]["sheets"][0]
        col = first["blocks"][0]["fields"]["value"] if first["blocks"] else 1
        raise ExcelError([cell_problem(MESSAGES, "empty", first["name"], f"{get_column_letter(col)}{first['rows'][0]['row']}"
                                       if first["rows"] else None)], file)
    return TemplateEntries(marker, entries.astype({"year": "int64", "percent_cell": bool}), problems)
