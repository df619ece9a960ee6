"""Catalogue authoring in Excel: a criteria catalogue as a workbook (reading it back to a validated
YAML file: ``catalogue_import.py``).

A province officer who has a decision's tables fills a workbook instead of editing YAML:
``catalogue_workbook(catalogue, out)`` writes one sheet per table of the catalogue format
(docs/catalogue.md) with dropdowns where the values are fixed; ``import_catalogue_workbook(path,
out)`` reads it back, checks it with the catalogue rules (``catalogue.schema.check_catalogue``) and
writes the YAML only when there is no problem. Every problem is named by sheet and cell.

Sheets (row 1 = column ids, never renamed; one row per item from row 2):
``catalogue`` (``key``/``value`` pairs; ``note`` may repeat), ``sources``, ``regions``, ``groups``,
``tiers``, ``measures`` (``levels`` as ``label | label``), ``criteria``, ``indicators``,
``thresholds`` (``tier``, ``code``, ``region`` or ``group`` per ``threshold_by``, ``year_from``,
``year_to``, ``value``: a number, or a label of a level measure; empty years = the whole period).
A round trip of a catalogue loses no table, key or value (tests/excel/test_catalogue_book.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ntm_analysis.catalogue.model import Catalogue
from ntm_analysis.catalogue.schema import (COMPARATORS, CONFIDENCES, KINDS, MEASURE_LEVELS, RESOURCES, ROLLUPS, THRESHOLD_BY,
                                           THRESHOLD_STATUSES, UNIT_LEVELS)
from ntm_analysis.excel.common import neutralise, save_workbook

META_KEYS = ["schema_version", "id", "version", "name_vi", "name_en", "province", "period_from", "period_to",
             "threshold_by", "default_region", "default_group", "banner_vi", "banner_en", "map_tiers"]
COLUMNS: dict[str, list[str]] = {
    "sources": ["id", "title", "title_en", "note", "url", "legal_basis"],
    "regions": ["id", "vi", "en"],
    "groups": ["id", "vi", "en", "definition", "definition_en", "source", "confidence"],
    "tiers": ["id", "name_vi", "name_en", "short_vi", "short_en", "unit_level", "requires", "report"],
    "measures": ["id", "name_vi", "name_en", "kind", "unit", "level", "rollup", "levels"],
    "criteria": ["tier", "criterion", "name_vi", "name_en", "source", "confidence", "notes"],
    "indicators": ["tier", "criterion", "code", "measure", "name_vi", "name_en", "comparator", "unit_level", "resource",
                   "source", "confidence", "threshold_status", "notes"],
    "thresholds": ["tier", "code", "key", "year_from", "year_to", "value"],
}
#: Fixed value lists offered as dropdowns: (sheet, column) → allowed values.
CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("groups", "confidence"): CONFIDENCES, ("tiers", "unit_level"): UNIT_LEVELS, ("measures", "kind"): KINDS,
    ("measures", "level"): MEASURE_LEVELS, ("measures", "rollup"): ROLLUPS, ("criteria", "confidence"): CONFIDENCES,
    ("indicators", "comparator"): COMPARATORS, ("indicators", "unit_level"): UNIT_LEVELS,
    ("indicators", "resource"): RESOURCES, ("indicators", "confidence"): CONFIDENCES,
    ("indicators", "threshold_status"): THRESHOLD_STATUSES, ("tiers", "report"): ("true", "false"),
    ("sources", "legal_basis"): ("true", "false"),
}
#: Columns whose dropdown lists the ids of another sheet: (sheet, column) → sheet holding the ids.
ID_CHOICES: dict[tuple[str, str], str] = {
    ("indicators", "measure"): "measures", ("indicators", "tier"): "tiers", ("criteria", "tier"): "tiers",
    ("thresholds", "tier"): "tiers", ("indicators", "source"): "sources", ("criteria", "source"): "sources",
}
INT_COLUMNS = {("criteria", "criterion"), ("indicators", "criterion"), ("thresholds", "year_from"), ("thresholds", "year_to")}
HEAD = PatternFill("solid", fgColor="DDEBF7")

MESSAGES: dict[str, tuple[str, str]] = {
    "guide": ("Bộ tiêu chí {id}. Mỗi sheet là một bảng của tệp bộ tiêu chí (docs/catalogue.md); hàng 1 là tên cột, "
              "không đổi tên, không xóa. Thêm hàng để thêm mục. Ngưỡng: một hàng cho mỗi (hạng, mã chỉ tiêu, {by}, "
              "khoảng năm); để trống năm = cả giai đoạn. Xong thì chạy: ntm catalogue import TỆP.xlsx --out BỘ.yaml",
              "Catalogue {id}. Each sheet is one table of the catalogue file (docs/catalogue.md); row 1 holds the column "
              "ids: do not rename or delete them. Add rows to add items. Thresholds: one row per (tier, indicator code, "
              "{by}, year range); empty years = the whole period. Then run: ntm catalogue import FILE.xlsx --out SET.yaml"),
    "not_found": ("không tìm thấy tệp {path}.", "file {path} not found."),
    "unreadable": ("không mở được {path} như một sổ tính .xlsx ({detail}).", "cannot open {path} as an .xlsx workbook ({detail})."),
    "sheet_missing": ("thiếu sheet «{sheet}»; tạo lại mẫu bằng «ntm catalogue template».",
                      "sheet «{sheet}» is missing; make a new workbook with «ntm catalogue template»."),
    "column_missing": ("thiếu cột «{column}» ở hàng 1.", "column «{column}» is missing from row 1."),
    "integer": ("«{value}» không phải số nguyên.", "«{value}» is not a whole number."),
    "unknown_key": ("khóa «{value}» không có trong định dạng; dùng: {allowed}.", "key «{value}» is not part of the format; use: {allowed}."),
    "no_indicator": ("ngưỡng cho chỉ tiêu {tier} {code} không có trong sheet «indicators».",
                     "threshold for indicator {tier} {code}, which is not in sheet «indicators»."),
    "no_criterion": ("chỉ tiêu thuộc tiêu chí {tier} {criterion}, không có trong sheet «criteria».",
                     "indicator of criterion {tier} {criterion}, which is not in sheet «criteria»."),
    "rule": ("{message} Cách sửa: {fix}", "{message} Fix: {fix}"),
}


# --- writing ----------------------------------------------------------------------------------


def _catalogue_rows(cat: Catalogue) -> dict[str, list[list[Any]]]:
    """The catalogue's tables as sheet rows (values only, in COLUMNS order)."""
    m = cat.meta
    by = m.get("threshold_by") or "region"
    meta = {"schema_version": m.get("schema_version", 1), "id": m["id"], "version": m["version"],
            "name_vi": m["name"]["vi"], "name_en": m["name"]["en"], "province": m["province"],
            "period_from": m["period_from"], "period_to": m["period_to"], "threshold_by": by,
            "default_region": m.get("default_region") or None, "default_group": m.get("default_group"),
            "banner_vi": (m.get("banner") or {}).get("vi"), "banner_en": (m.get("banner") or {}).get("en"),
            "map_tiers": "; ".join(f"{k}={v}" for k, v in (m.get("map_tiers") or {}).items()) or None}
    rows: dict[str, list[list[Any]]] = {"catalogue": [[k, meta[k]] for k in META_KEYS] + [["note", n] for n in m["notes"]]}
    rows["sources"] = [[sid, *[src.get(k) for k in COLUMNS["sources"][1:]]] for sid, src in cat.sources.items()]
    rows["regions"] = [[r["id"], r["vi"], r["en"]] for r in m.get("regions") or []]
    rows["groups"] = [[g["id"], g["vi"], g["en"], g.get("definition"), g.get("definition_en"), g.get("source"),
                       g.get("confidence")] for g in m.get("groups") or []]
    rows["tiers"] = [[t.tier, t.name_vi, t.name_en, getattr(t, "short_vi", None), getattr(t, "short_en", None),
                      t.unit_level, t.requires or None, "true" if getattr(t, "report", True) else "false"]
                     for t in cat.tiers.sort_values("order").itertuples()]
    rows["measures"] = [[r.measure, r.name_vi, r.name_en, r.kind, r.unit, r.level, r.rollup, " | ".join(r.levels or [])]
                        for r in cat.measures.itertuples()]
    rows["criteria"] = [[r.tier, int(r.criterion), r.name_vi, r.name_en, r.source, r.confidence, r.notes]
                        for r in cat.criteria.itertuples()]
    rows["indicators"] = [[r.tier, int(r.criterion), r.indicator, r.measure, r.name_vi, r.name_en, r.comparator,
                           r.unit_level, r.resource, r.source, r.confidence, r.threshold_status, r.notes]
                          for r in cat.indicators.itertuples()]
    levels = dict(zip(cat.measures["measure"], cat.measures["levels"]))
    measure_of = dict(zip(zip(cat.indicators["tier"], cat.indicators["indicator"]), cat.indicators["measure"]))
    rows["thresholds"] = []
    for r in cat.thresholds.itertuples():  # a few hundred config rows
        lv = levels.get(measure_of.get((r.tier, r.indicator))) or []
        value = lv[int(r.threshold) - 1] if lv and float(r.threshold).is_integer() and 1 <= r.threshold <= len(lv) else r.threshold
        whole = (r.year_from, r.year_to) == (m["period_from"], m["period_to"])
        rows["thresholds"].append([r.tier, r.indicator, getattr(r, by, "") or None, None if whole else int(r.year_from),
                                   None if whole else int(r.year_to), value])
    return rows


def catalogue_workbook(cat: Catalogue, out: str | Path, lang: str = "vi") -> Path:
    """Write ``cat`` as an authoring workbook at ``out`` (an .xlsx path; written atomically)."""
    rows = _catalogue_rows(cat)
    by = cat.meta.get("threshold_by") or "region"
    wb = Workbook()
    guide = wb.active
    guide.title = "huong-dan" if lang == "vi" else "guide"
    guide["A1"] = MESSAGES["guide"][0 if lang == "vi" else 1].format(id=cat.meta["id"], by=by)
    guide.column_dimensions["A"].width = 140
    sheets = {"catalogue": ["key", "value"], **COLUMNS}
    for name, cols in sheets.items():
        ws = wb.create_sheet(name)
        cols = [by if c == "key" and name == "thresholds" else c for c in cols]
        ws.append(cols)
        for cell in ws[1]:
            cell.font, cell.fill = Font(bold=True), HEAD
        for row in rows[name]:
            ws.append([_text(v) for v in row])
        for i, col in enumerate(cols, 1):
            ws.column_dimensions[get_column_letter(i)].width = 14 if col in ("id", "tier", "code", "criterion") else 28
            allowed = CHOICES.get((name, col))
            if name == "catalogue" and col == "value":
                continue
            if allowed or (name == "thresholds" and col == by):
                items = allowed or [str(k["id"]) for k in cat.meta.get(f"{by}s") or []]
                if items:
                    _dropdown(ws, i, f'"{",".join(items)}"')
            elif (name, col) in ID_CHOICES:
                _dropdown(ws, i, f"={ID_CHOICES[(name, col)]}!$A$2:$A$2000")
        ws.freeze_panes = "A2"
    ws = wb["catalogue"]
    ws["A1"].comment = Comment("threshold_by: " + ", ".join(THRESHOLD_BY), "ntm")
    return save_workbook(wb, Path(out))


def _text(value: Any) -> Any:
    """Text safe in a cell: formula-like text and text starting with an apostrophe get a leading
    apostrophe (removed again on import, so a leading apostrophe of the text itself survives)."""
    if isinstance(value, str) and value.startswith("'"):
        return "'" + value
    return neutralise(value) if isinstance(value, str) else value


def _dropdown(ws: Any, col: int, formula: str) -> None:
    letter = get_column_letter(col)
    dv = DataValidation(type="list", formula1=formula, allow_blank=True)
    dv.add(f"{letter}2:{letter}2000")
    ws.add_data_validation(dv)


__all__ = ["catalogue_workbook"]
