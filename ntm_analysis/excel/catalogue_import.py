"""A filled catalogue workbook (``excel.catalogue_book``: sheets, columns, dropdowns) back to a
validated catalogue YAML file: ``import_catalogue_workbook(path, out)`` reads every sheet, builds the
catalogue document, checks it with the catalogue rules (``catalogue.schema.check_catalogue``) and
writes the YAML only when there is no problem. Every problem is named by sheet and cell.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ntm_analysis.catalogue.schema import check_catalogue
from ntm_analysis.excel.catalogue_book import COLUMNS, INT_COLUMNS, MESSAGES, META_KEYS
from ntm_analysis.excel.common import CellProblem, ExcelError, cell_problem, unneutralise

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


__all__ = ["import_catalogue_workbook", "workbook_document"]
