"""Catalogue authoring in Excel: a criteria catalogue as a workbook and back to a validated YAML file.

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
A round trip of a catalogue loses no table, key or value (tests/test_catalogue_book.py).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ntm_analysis.catalogue.model import Catalogue
from ntm_analysis.catalogue.schema import (COMPARATORS, CONFIDENCES, KINDS, MEASURE_LEVELS, RESOURCES, ROLLUPS, THRESHOLD_BY,
                                           THRESHOLD_STATUSES, UNIT_LEVELS, check_catalogue)
from ntm_analysis.excel.common import CellProblem, ExcelError, cell_problem, neutralise, save_workbook, unneutralise

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


# --- reading ----------------------------------------------------------------------------------


def _cell_value(value: Any) -> Any:
    if isinstance(value, str):
        value = unneutralise(value)
        return value or None
    return value


def _int(value: Any, sheet: str, ref: str, problems: list[CellProblem]) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and float(value).is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    problems.append(cell_problem(MESSAGES, "integer", sheet, ref, value=value))
    return None


def _number(value: Any) -> Any:
    """A threshold as typed: numbers stay numbers (ints as int), text is a level label or a number
    written as text (decimal comma accepted); anything else goes to the catalogue checks as typed."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.replace(",", ".")
        try:
            num = float(text)
            return int(num) if num.is_integer() else num
        except ValueError:
            return value
    return value


def _read_sheets(wb: Any, problems: list[CellProblem]) -> dict[str, list[dict[str, Any]]]:
    """Each sheet's rows as dicts with ``_ref`` = {column: cell address}; empty rows skipped."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name, cols in {"catalogue": ["key", "value"], **COLUMNS}.items():
        if name not in wb.sheetnames:
            if name not in ("regions", "groups"):
                problems.append(cell_problem(MESSAGES, "sheet_missing", name, None, sheet=name))
            out[name] = []
            continue
        ws = wb[name]
        head = [_cell_value(c.value) for c in ws[1]]
        pos = {}
        for col in cols:
            want = ("region", "group") if col == "key" and name == "thresholds" else (col,)
            found = next((head.index(w) for w in want if w in head), None)
            if found is None:
                problems.append(cell_problem(MESSAGES, "column_missing", name, f"{get_column_letter(len(head) + 1)}1",
                                             column=" / ".join(want)))
            else:
                pos[col] = found
        rows = []
        for r, cells in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
            rec = {col: _cell_value(cells[i]) if i < len(cells) else None for col, i in pos.items()}
            if all(v is None for v in rec.values()):
                continue
            rec["_ref"] = {col: f"{get_column_letter(i + 1)}{r}" for col, i in pos.items()}
            rec["_row"] = r
            for col in cols:
                if (name, col) in INT_COLUMNS and col in rec:
                    rec[col] = _int(rec[col], name, rec["_ref"][col], problems)
            rows.append(rec)
        out[name] = rows
    return out


def _name(rec: dict[str, Any]) -> dict[str, str]:
    name = {"vi": rec.get("name_vi")}
    if rec.get("name_en"):
        name["en"] = rec["name_en"]
    return name


def _put(obj: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        obj[key] = value


def workbook_document(sheets: dict[str, list[dict[str, Any]]], problems: list[CellProblem]
                      ) -> tuple[dict[str, Any], dict[str, tuple[str, str]]]:
    """The catalogue document (as the YAML would hold it) and, for each place in it
    (``criteria[3].indicators[1].comparator``), the (sheet, cell) it came from."""
    where: dict[str, tuple[str, str]] = {}
    doc: dict[str, Any] = {}
    notes: list[str] = []
    meta = {}
    for rec in sheets["catalogue"]:
        key, ref = rec.get("key"), rec["_ref"].get("value")
        if key == "note":
            if rec.get("value") is not None:
                notes.append(str(rec["value"]))
        elif key in META_KEYS:
            meta[key] = (rec.get("value"), ref)
        else:
            problems.append(cell_problem(MESSAGES, "unknown_key", "catalogue", rec["_ref"].get("key"), value=key,
                                         allowed=", ".join(META_KEYS + ["note"])))
    val = {k: v for k, (v, _) in meta.items()}
    for k in ("schema_version", "period_from", "period_to"):
        if k in meta:
            val[k] = _int(val[k], "catalogue", meta[k][1], problems)
    for key in ("schema_version", "id", "version"):
        _put(doc, key, val.get(key) if key != "version" or val.get(key) is None else str(val[key]))
        where[key] = ("catalogue", meta.get(key, (None, "B1"))[1])
    doc["name"] = {"vi": val.get("name_vi")}
    _put(doc["name"], "en", val.get("name_en"))
    where["name"] = where["name.vi"] = ("catalogue", meta.get("name_vi", (None, "B1"))[1])
    _put(doc, "province", val.get("province"))
    doc["period"] = {"from": val.get("period_from"), "to": val.get("period_to")}
    where["period"] = ("catalogue", meta.get("period_from", (None, "B1"))[1])
    for key in ("province", "threshold_by", "default_region", "default_group"):
        _put(doc, key, val.get(key))
        where[key] = ("catalogue", meta.get(key, (None, "B1"))[1])
    if val.get("default_group") is not None:
        doc["default_group"] = str(_number(doc["default_group"]))
    if val.get("banner_vi") or val.get("banner_en"):
        doc["banner"] = {"vi": val.get("banner_vi")}
        _put(doc["banner"], "en", val.get("banner_en"))
        where["banner"] = ("catalogue", meta.get("banner_vi", (None, "B1"))[1])
    if notes:
        doc["notes"] = notes
    by = doc.get("threshold_by") or "region"

    def items(sheet: str, key: str, build: Any) -> list[dict[str, Any]]:
        out = []
        for i, rec in enumerate(sheets[sheet]):
            out.append(build(rec))
            for col, ref in rec["_ref"].items():
                field = {"name_vi": "name.vi", "name_en": "name.en"}.get(col, col)
                where[f"{key}[{i}].{field}"] = (sheet, ref)
            where[f"{key}[{i}]"] = (sheet, f"A{rec['_row']}")
        return out

    def source(r: dict[str, Any]) -> dict[str, Any]:
        src = {k: r[k] for k in COLUMNS["sources"] if r.get(k) is not None}
        if isinstance(src.get("legal_basis"), str):  # typed as text: true / false
            src["legal_basis"] = src["legal_basis"].strip().lower() in ("true", "1", "yes", "có")
        return src

    doc["sources"] = items("sources", "sources", source)
    if sheets["regions"]:
        doc["regions"] = items("regions", "regions", lambda r: {k: r[k] for k in COLUMNS["regions"] if r.get(k) is not None})
    if sheets["groups"]:
        doc["groups"] = items("groups", "groups", lambda r: {k: (str(_number(r[k])) if k == "id" else r[k])
                                                          for k in COLUMNS["groups"] if r.get(k) is not None})
    def tier(r: dict[str, Any]) -> dict[str, Any]:
        t = {"id": r.get("id"), "name": _name(r)}
        if r.get("short_vi") or r.get("short_en"):
            t["short"] = {"vi": r.get("short_vi") or r.get("name_vi")}
            _put(t["short"], "en", r.get("short_en"))
        t.update({"unit_level": r.get("unit_level"), "requires": r.get("requires")})
        if r.get("report") is not None:
            t["report"] = str(r["report"]).strip().lower() not in ("false", "0", "no", "không")
        return t

    doc["tiers"] = items("tiers", "tiers", tier)
    if val.get("map_tiers"):
        pairs = [p.split("=", 1) for p in str(val["map_tiers"]).split(";") if p.strip()]
        doc["map_tiers"] = {k.strip(): v.strip() for k, v in (p if len(p) == 2 else (p[0], "") for p in pairs)}
        where["map_tiers"] = ("catalogue", meta["map_tiers"][1])

    def measure(r: dict[str, Any]) -> dict[str, Any]:
        m = {"id": r.get("id"), "name": _name(r), "kind": r.get("kind"), "unit": r.get("unit") or "",
             "level": r.get("level"), "rollup": r.get("rollup")}
        if r.get("levels"):
            m["levels"] = [x.strip() for x in str(r["levels"]).split("|")]
        return m

    doc["measures"] = items("measures", "measures", measure)
    _criteria(doc, sheets, by, where, problems)
    return doc, where


def _criteria(doc: dict[str, Any], sheets: dict[str, list[dict[str, Any]]], by: str,
              where: dict[str, tuple[str, str]], problems: list[CellProblem]) -> None:
    """Criteria with their indicators and thresholds nested, places recorded in ``where``."""
    crits: list[dict[str, Any]] = []
    index: dict[tuple[Any, Any], int] = {}
    for rec in sheets["criteria"]:
        c = {"tier": rec.get("tier"), "criterion": rec.get("criterion"), "name": _name(rec)}
        for k in ("source", "confidence", "notes"):
            _put(c, k, rec.get(k))
        c["indicators"] = []
        index[(rec.get("tier"), rec.get("criterion"))] = i = len(crits)
        crits.append(c)
        for col, ref in rec["_ref"].items():
            where[f"criteria[{i}].{ {'name_vi': 'name.vi', 'name_en': 'name.en'}.get(col, col)}"] = ("criteria", ref)
        where[f"criteria[{i}]"] = ("criteria", f"A{rec['_row']}")
    inds: dict[tuple[Any, str], tuple[dict[str, Any], str]] = {}
    for rec in sheets["indicators"]:
        key = (rec.get("tier"), rec.get("criterion"))
        if key not in index:
            problems.append(cell_problem(MESSAGES, "no_criterion", "indicators", rec["_ref"].get("criterion"),
                                         tier=key[0], criterion=key[1]))
            continue
        i = index[key]
        ind = {"code": None if rec.get("code") is None else str(_number(rec["code"]) if not isinstance(rec["code"], str)
                                                                   else rec["code"]),
               "measure": rec.get("measure"), "name": _name(rec), "comparator": rec.get("comparator")}
        for k in ("unit_level", "resource", "source", "confidence", "threshold_status", "notes"):
            _put(ind, k, rec.get(k))
        j = len(crits[i]["indicators"])
        crits[i]["indicators"].append(ind)
        base = f"criteria[{i}].indicators[{j}]"
        for col, ref in rec["_ref"].items():
            where[f"{base}.{ {'name_vi': 'name.vi', 'name_en': 'name.en'}.get(col, col)}"] = ("indicators", ref)
        where[base] = ("indicators", f"A{rec['_row']}")
        inds[(rec.get("tier"), ind["code"])] = (ind, base)
    for rec in sheets["thresholds"]:
        code = rec.get("code")
        code = None if code is None else (code if isinstance(code, str) else str(_number(code)))
        found = inds.get((rec.get("tier"), code))
        if found is None:
            problems.append(cell_problem(MESSAGES, "no_indicator", "thresholds", rec["_ref"].get("code"),
                                         tier=rec.get("tier"), code=code))
            continue
        ind, base = found
        thr: dict[str, Any] = {"value": _number(rec.get("value"))}
        if rec.get("key") is not None:
            thr[by] = str(_number(rec["key"])) if by == "group" else rec["key"]
        if rec.get("year_from") is not None or rec.get("year_to") is not None:
            thr["years"] = [rec.get("year_from"), rec.get("year_to")]
        k = len(ind.setdefault("thresholds", []))
        ind["thresholds"].append(thr)
        tb = f"{base}.thresholds[{k}]"
        where[tb] = ("thresholds", f"A{rec['_row']}")
        for col, ref in rec["_ref"].items():
            field = {"key": by, "year_from": "years", "year_to": "years"}.get(col, col)
            where.setdefault(f"{tb}.{field}", ("thresholds", ref))
    doc["criteria"] = crits


def _parent(loc: str) -> str:
    """``a[1].b[2]`` → ``a[1].b`` → ``a[1]`` → ``a`` → ``""``."""
    if loc.endswith("]"):
        return loc[:loc.rindex("[")]
    return loc.rsplit(".", 1)[0] if "." in loc else ""


def _located(problem: Any, where: dict[str, tuple[str, str]]) -> CellProblem:
    """A catalogue-rule problem placed at the sheet and cell of its nearest recorded place."""
    loc = problem.location
    while loc and loc not in where:
        loc = _parent(loc)
    sheet, cell = where.get(loc, ("catalogue", None))
    return CellProblem(sheet, cell,
                       MESSAGES["rule"][0].format(message=problem.message("vi"), fix=problem.fix("vi")),
                       MESSAGES["rule"][1].format(message=problem.message("en"), fix=problem.fix("en")))


def import_catalogue_workbook(path: str | Path, out: str | Path) -> Path:
    """Read a filled authoring workbook, check it with the catalogue rules and write ``out`` (YAML,
    atomically). Raises :class:`ExcelError` naming every problem by sheet and cell; nothing is
    written then. The input is only read."""
    path, out = Path(path), Path(out)
    if not path.is_file():
        raise ExcelError([cell_problem(MESSAGES, "not_found", path=path)], str(path))
    try:
        wb = load_workbook(path, data_only=True, read_only=False)
    except Exception as exc:  # noqa: BLE001 (zip, XML or openpyxl errors: any unreadable file)
        raise ExcelError([cell_problem(MESSAGES, "unreadable", path=path, detail=f"{type(exc).__name__}: {exc}")],
                         str(path)) from None
    problems: list[CellProblem] = []
    sheets = _read_sheets(wb, problems)
    if problems:
        raise ExcelError(problems, path.name)
    doc, where = workbook_document(sheets, problems)
    problems += [_located(p, where) for p in check_catalogue(doc, path.name)]
    if problems:
        raise ExcelError(problems, path.name)
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=200)
    header = f"# Criteria catalogue {doc.get('id')} imported from {path.name} by «ntm catalogue import». Format: docs/catalogue.md\n"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        tmp.write_text(header + text, encoding="utf-8")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


__all__ = ["catalogue_workbook", "import_catalogue_workbook", "workbook_document"]
