# Over 400 lines on purpose: one job, the template layout that ntm import checks, written and described in one place.
"""The Excel entry template (``ntm template``): one sheet per level, indicators as rows, units as
column blocks, validated and protected entry cells, instructions and a hidden version marker.

Layout of every data sheet (``Xã``, ``Thôn``, ``Xóm``): rows 3-4 carry each unit's name and code
above its block of columns, row 5 the column labels, rows from 6 one measure each. The fixed
columns A-E hold the measure id, indicator code, name, unit of measure and threshold text; each
unit's block holds last year's value (locked) and this year's value, plus numerator and
denominator on sheets with ratio measures. Only the yellow entry cells are unlocked. The layout
(which row is which measure, which column which unit and field) is written to the very hidden
sheet ``_ntm`` with a hash, so ``ntm import`` can refuse a workbook whose structure changed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pandas as pd

from ntm_analysis.excel.common import (
    MARKER_NAME,
    MARKER_SHEET,
    TEMPLATE_FORMAT,
    put,
    save_workbook,
    structure_hash,
    tool_version,
)
from ntm_analysis.excel.printing import FONT, fit_rows, page_layout, setup, spare_chars
from ntm_analysis.errors import NtmError
from ntm_analysis.i18n import LEVEL_LABELS, THRESHOLD_STATUS_LABELS, fmt, label

TITLE_ROW, NOTE_ROW, NAME_ROW, CODE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3, 4, 5, 6
FIXED = ["measure", "indicator", "name", "unit", "threshold"]
FIRST_BLOCK_COL = len(FIXED) + 1
SHEETS = {"commune": "Xã", "village": "Thôn", "hamlet": "Xóm"}
INSTRUCTIONS = "Hướng dẫn"
YES, NO = "Đạt", "Không đạt"
ENTRY_FILL, LOCKED_FILL, HEAD_FILL = "FFF2CC", "EDEDED", "DDEBF7"
COMPARATORS = {">=": "≥", "<=": "≤", "==": "="}

MESSAGES: dict[str, tuple[str, str]] = {
    "title": ("Phiếu nhập số liệu chỉ tiêu nông thôn mới năm {year}: {unit} ({code}) - cấp {level}",
              "NTM indicator entry form {year}: {unit} ({code}) - {level} level"),
    "note": ("Chỉ nhập vào ô màu vàng. Ô để trống nghĩa là chưa có số liệu (không phải 0). "
             "Không chèn, xóa hay di chuyển hàng, cột, sheet.",
             "Type only into the yellow cells. An empty cell means no data (not zero). "
             "Do not insert, delete or move rows, columns or sheets."),
    "note_ratio": (" Chỉ tiêu tính theo tỷ lệ: gõ cả tử số và mẫu số (ô tỷ lệ có thể để trống).",
                   " Ratio indicators: type both the numerator and the denominator (the percent may stay empty)."),
    "unit_level": ("Cấp đơn vị «{level}» không có mẫu nhập liệu; chọn một xã, thôn hoặc xóm.",
                   "There is no entry template for a «{level}»; choose a commune, village or hamlet."),
    "no_measures": ("Bộ tiêu chí không có chỉ tiêu nào nhập ở cấp của {unit} ({code}).",
                    "The catalogue has no indicator entered at the level of {unit} ({code})."),
    "written": ("Đã ghi mẫu nhập liệu: {path} ({sheets}).", "Entry template written: {path} ({sheets})."),
    "exists": ("Tệp {path} đã có; không ghi đè (có thể là mẫu đã điền). Chọn tên khác cho --out, hoặc thêm --force.",
               "{path} exists; not overwritten (it may be a filled template). Choose another --out, or add --force."),
    "replaced": ("Chú ý: tệp cũ {path} {why}; bản cũ được giữ ở {backup}.",
                 "Note: the old {path} {why}; it was kept as {backup}."),
    "why_filled": ("có {n} ô đã nhập số liệu", "held {n} entered cells"),
    "why_modified": ("đã được sửa sau khi tạo ({when})", "was modified after it was generated ({when})"),
    "not_xlsx": ("Tệp kết quả phải có đuôi .xlsx: {path}", "The output file must end in .xlsx: {path}"),
}
HEADERS = {"measure": "Mã chỉ tiêu đo", "indicator": "Chỉ tiêu", "name": "Tên chỉ tiêu", "unit": "Đơn vị tính",
           "threshold": "Yêu cầu (ngưỡng) năm {year}"}
FIELD_LABELS = {"prev": "Năm {prev}", "value": "Năm {year}", "numerator": "Tử số {year}", "denominator": "Mẫu số {year}"}
WIDTHS = {"measure": 22, "indicator": 7, "name": 38, "unit": 10, "threshold": 32}
#: Width of each column of a unit block (last year, this year, numerator, denominator).
FIELD_WIDTH = 10
#: Width of the instructions column: one A4 portrait page wide at 100 %.
GUIDE_WIDTH = 92

INSTRUCTION_LINES = """\
PHIẾU NHẬP SỐ LIỆU CHỈ TIÊU NÔNG THÔN MỚI
Đơn vị: {unit} (mã {code}) - năm đánh giá: {year}
Bộ tiêu chí: {catalogue} (mã {catalogue_id}, phiên bản {catalogue_version})
Bộ dữ liệu: {dataset}{synthetic}

CÁCH NHẬP
1. Mỗi sheet «Xã», «Thôn», «Xóm» là một cấp: mỗi hàng là một chỉ tiêu, mỗi nhóm cột là một đơn vị (tên và mã ở hàng 3-4).
2. Chỉ nhập vào ô màu vàng (cột «Năm {year}», và «Tử số»/«Mẫu số» với chỉ tiêu tính theo tỷ lệ). Cột «Năm {prev}» là số liệu năm trước, chỉ để tham khảo.
3. Ô để trống nghĩa là chưa có số liệu, KHÔNG phải số 0. Nếu giá trị đúng là 0, hãy gõ 0.
4. Chỉ tiêu Đạt/Không đạt: chọn trong danh sách thả xuống. Chỉ tiêu theo mức (ví dụ yếu/trung bình/khá/tốt): chọn mức trong danh sách.
5. Tỷ lệ (%): gõ số từ 0 đến 100, ví dụ 95,5 (dấu phẩy là dấu thập phân). Gõ 95, KHÔNG gõ 95%: Excel/LibreOffice lưu «95%» thành 0,95 và lệnh nhập sẽ từ chối ô đó.
6. Chỉ tiêu tính theo tỷ lệ (có cột «Tử số», «Mẫu số»): BẮT BUỘC gõ cả tử số và mẫu số; ô tỷ lệ có thể để trống, chương trình tự tính 100 × tử số / mẫu số và cộng dồn lên xã. Chỉ gõ tỷ lệ sẽ bị từ chối (tử số, mẫu số đã có sẽ không bị xóa).
7. Số lượng (vụ, hộ...) là số nguyên. Không dùng dấu chấm phân cách hàng nghìn (gõ 1234,5, không gõ 1.234,5). Không gõ dấu / (ô sẽ thành ngày tháng và bị từ chối).
8. Cột «Yêu cầu (ngưỡng)» ghi ngưỡng của từng hạng (NTM, NTM nâng cao, NTM kiểu mẫu...). Ngưỡng có dấu ⚠ là chưa xác minh với quyết định của tỉnh: đối chiếu trước khi dùng.

KHÔNG ĐƯỢC
- Chèn, xóa, di chuyển hàng hoặc cột; đổi tên, xóa hay di chuyển sheet; gộp ô trong vùng nhập liệu.
- Các sheet được khóa cấu trúc, KHÔNG có mật khẩu (Review/Xem lại > Unprotect Sheet/Bỏ bảo vệ trang tính). Nếu bỏ khóa và sửa cấu trúc, lệnh nhập sẽ từ chối tệp.

NHẬP VÀO BỘ DỮ LIỆU
   ntm import TÊN_TỆP.xlsx --into {folder}
Lệnh in bản xem trước (thêm mới / thay đổi / không đổi). Giá trị khác với giá trị đã có chỉ được ghi đè khi thêm --replace
(bản sao lưu values.csv.bak-NĂMTHÁNGNGÀY-GIỜPHÚTGIÂY được giữ lại). Lỗi được báo theo sheet và ô, ví dụ: Sheet "Thôn", ô G8.

Mẫu do ntm-analysis {tool} tạo; mã kiểm tra cấu trúc: {hash}.
"""


def _natural(code: Any) -> tuple:
    """Sort key of indicator codes such as ``2.10`` after ``2.9``."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"[.\-]", str(code)))


def sheet_measures(catalogue: Any, level: str, unit_attr: str | None, year: int) -> pd.DataFrame:
    """Measures entered at ``level`` that an indicator of the catalogue uses, in catalogue order
    (first tier, criterion, indicator), with ``indicator`` (first code), ``threshold_text`` (one
    line per tier using it, with the threshold for ``unit_attr`` and ``year``) and ``ratio``."""
    meas = catalogue.measures[catalogue.measures["level"] == level]
    inds = catalogue.indicators[catalogue.indicators["measure"].isin(meas["measure"])].copy()
    if inds.empty:
        return meas.iloc[0:0].assign(indicator="", threshold_text="", ratio=False)
    order = {t: i for i, t in enumerate(catalogue.tier_ids())}
    inds["_key"] = [(order.get(t, 99), int(c), _natural(i)) for t, c, i in zip(inds["tier"], inds["criterion"], inds["indicator"])]
    inds = inds.sort_values("_key", kind="stable")
    region = unit_attr or catalogue.meta.get("default_region") or ""
    thr = catalogue.threshold_table(year, region)[["tier", "indicator", "threshold"]]
    inds = inds.merge(thr, on=["tier", "indicator"], how="left")
    levels = meas.set_index("measure")["levels"].to_dict()
    units = meas.set_index("measure")["unit"].to_dict()

    def line(r: Any) -> str:
        """``NTM 2.2: ≥ 70 % ⚠ tạm tính, chưa xác minh``."""
        head = f"{catalogue.tier_label(r.tier, 'vi', short=True)} {r.indicator}: "
        if r.comparator == "true":
            body = YES
        elif pd.isna(r.threshold):
            body = "chưa có ngưỡng"
        else:
            lv = list(levels.get(r.measure) or [])
            shown = lv[int(r.threshold) - 1] if lv and 1 <= int(r.threshold) <= len(lv) else f"{r.threshold:g}".replace(".", ",")
            unit = units.get(r.measure) or ""
            body = f"{COMPARATORS.get(r.comparator, r.comparator)} {shown}{' ' + unit if unit and not lv else ''}"
        flag = "" if r.threshold_status == "verified" else f" ⚠ {label(THRESHOLD_STATUS_LABELS, r.threshold_status)}"
        return head + body + flag

    inds["_line"] = [line(r) for r in inds.itertuples(index=False)]  # a few dozen catalogue rows
    per = inds.groupby("measure", sort=False).agg(indicator=("indicator", "first"), threshold_text=("_line", "\n".join))
    out = per.join(meas.set_index("measure"), how="inner").reset_index()
    out["ratio"] = out["rollup"].eq("ratio")
    return out


def template_units(units: pd.DataFrame, code: str, year: int) -> dict[str, pd.DataFrame]:
    """The unit and the units under it valid in ``year``, by level (commune, village, hamlet)."""
    vf = pd.to_numeric(units["valid_from"], errors="coerce")
    vt = pd.to_numeric(units["valid_to"], errors="coerce")
    live = units[~(vf > year).fillna(False) & ~(vt < year).fillna(False)].drop_duplicates("code")
    root = live[live["code"] == code]
    if root.empty:
        root = units[units["code"] == code].drop_duplicates("code")
    out = {"commune": root[root["level"] == "commune"], "village": root[root["level"] == "village"],
           "hamlet": root[root["level"] == "hamlet"]}
    if not out["commune"].empty:
        out["village"] = live[(live["level"] == "village") & (live["parent_code"] == code)].sort_values("code")
    if not out["village"].empty:
        kids = live[(live["level"] == "hamlet") & live["parent_code"].isin(out["village"]["code"])]
        out["hamlet"] = pd.concat([out["hamlet"], kids]).drop_duplicates("code").sort_values("code")
    return out


def _prev_values(values: pd.DataFrame, codes: pd.Series, year: int) -> dict[tuple[str, str], float]:
    """Last year's values of ``codes`` keyed by (code, measure)."""
    prev = values[(values["year"] == year - 1) & values["code"].isin(codes)]
    return {(c, m): v for c, m, v in zip(prev["code"], prev["indicator"], prev["value"])}


def _prev_display(value: float, kind: str, levels: list[str]) -> Any:
    """Last year's value as shown: Đạt/Không đạt, the level name, or the number."""
    if value is None or pd.isna(value):
        return None
    if kind == "boolean":
        return YES if value == 1.0 else NO
    if kind == "level" and levels and 1 <= int(value) <= len(levels):
        return levels[int(value) - 1]
    return float(value)


def _validation(kind: str, levels: list[str], field: str) -> dict[str, Any]:
    """DataValidation arguments for an entry cell of ``kind`` (``field`` numerator/denominator: ≥ 0)."""
    msg = dict(showErrorMessage=True, allow_blank=True, errorTitle="Giá trị không hợp lệ")
    if field in ("numerator", "denominator"):
        return msg | dict(type="decimal", operator="greaterThanOrEqual", formula1="0", error="Gõ một số không âm.")
    if kind == "boolean":
        return msg | dict(type="list", formula1=f'"{YES},{NO}"', error=f"Chọn {YES} hoặc {NO}.")
    if kind == "level":
        return msg | dict(type="list", formula1='"' + ",".join(levels) + '"', error="Chọn một mức trong danh sách.")
    if kind == "percent":
        return msg | dict(type="decimal", operator="between", formula1="0", formula2="100", error="Gõ tỷ lệ từ 0 đến 100.")
    if kind == "count":
        return msg | dict(type="whole", operator="greaterThanOrEqual", formula1="0", error="Gõ một số nguyên không âm.")
    return msg | dict(type="decimal", operator="between", formula1="-1000000000000", formula2="1000000000000",
                      error="Gõ một số.")


def _write_sheet(wb: Any, level: str, units: pd.DataFrame, measures: pd.DataFrame, values: pd.DataFrame,
                 names: dict[str, str], year: int, root: pd.Series) -> dict[str, Any]:
    """One data sheet; returns its layout entry for the marker."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415
    from openpyxl.worksheet.datavalidation import DataValidation  # noqa: PLC0415
    from openpyxl.worksheet.protection import SheetProtection  # noqa: PLC0415

    name = SHEETS[level]
    ws = wb.create_sheet(name)
    ratio_sheet = bool(measures["ratio"].any())
    fields = ["prev", "value"] + (["numerator", "denominator"] if ratio_sheet else [])
    labels = {f: FIELD_LABELS[f].format(year=year, prev=year - 1) for f in fields}
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    bold, wrap = Font(name=FONT, bold=True), Alignment(wrap_text=True, vertical="top")
    head_fill = PatternFill("solid", fgColor=HEAD_FILL)
    # title and note from column B: column A (measure ids, for the import) is not printed
    put(ws, TITLE_ROW, 2, fmt(MESSAGES, "title", "vi", year=year, unit=root["name"], code=root["code"],
                              level=LEVEL_LABELS[level][0].lower())).font = Font(name=FONT, bold=True, size=13)
    note = fmt(MESSAGES, "note", "vi") + (fmt(MESSAGES, "note_ratio", "vi") if ratio_sheet else "")
    put(ws, NOTE_ROW, 2, note).font = Font(name=FONT, italic=True, color="C00000")
    ws.merge_cells(start_row=NOTE_ROW, start_column=2, end_row=NOTE_ROW, end_column=len(FIXED))
    ws.cell(NOTE_ROW, 2).alignment = Alignment(wrap_text=True, vertical="top")
    for j, key in enumerate(FIXED, start=1):
        c = ws.cell(HEADER_ROW, j, HEADERS[key].format(year=year))
        c.font, c.fill, c.border, c.alignment = bold, head_fill, box, wrap
        ws.column_dimensions[get_column_letter(j)].width = WIDTHS[key]
    blocks = []
    col = FIRST_BLOCK_COL
    for u in units.itertuples(index=False):
        shown = u.name if level != "hamlet" else f"{u.name} (thôn {names.get(u.parent_code, u.parent_code)})"
        put(ws, NAME_ROW, col, f"{LEVEL_LABELS[level][0]} {shown}")
        put(ws, CODE_ROW, col, str(u.code))
        for r in (NAME_ROW, CODE_ROW):
            ws.merge_cells(start_row=r, start_column=col, end_row=r, end_column=col + len(fields) - 1)
            ws.cell(r, col).font, ws.cell(r, col).fill = bold, head_fill
            ws.cell(r, col).alignment = Alignment(horizontal="center", wrap_text=True)
        cols = {f: col + k for k, f in enumerate(fields)}
        for f, c in cols.items():
            cell = ws.cell(HEADER_ROW, c, labels[f])
            cell.font, cell.fill, cell.border, cell.alignment = bold, head_fill, box, wrap
            ws.column_dimensions[get_column_letter(c)].width = FIELD_WIDTH
        blocks.append({"code": str(u.code), "name": str(u.name), "col": col, "fields": cols})
        col += len(fields)
    prev = _prev_values(values, units["code"], year)
    entry_fill, locked_fill = PatternFill("solid", fgColor=ENTRY_FILL), PatternFill("solid", fgColor=LOCKED_FILL)
    validations: dict[str, Any] = {}
    rows = []
    for i, m in enumerate(measures.itertuples(index=False)):  # tens of catalogue rows
        r = FIRST_ROW + i
        levels = list(m.levels) if isinstance(m.levels, (list, tuple)) else []
        texts = [m.measure, m.indicator, m.name_vi, m.unit or "", m.threshold_text]
        for j, text in enumerate(texts, start=1):
            c = put(ws, r, j, str(text))
            c.border, c.alignment = box, wrap
        rows.append({"row": r, "measure": m.measure, "kind": m.kind, "ratio": bool(m.ratio)})
        for b in blocks:
            for f, c in b["fields"].items():
                cell = ws.cell(r, c)
                cell.border = box
                entry = f == "value" or (f in ("numerator", "denominator") and m.ratio)
                if f == "prev":
                    put(ws, r, c, _prev_display(prev.get((b["code"], m.measure)), m.kind, levels))
                if entry:
                    cell.protection, cell.fill = Protection(locked=False), entry_fill
                    cell.number_format = "0" if m.kind == "count" and f == "value" else "0.0##"
                    key = f"{m.kind}|{'|'.join(levels)}|{f if f != 'value' else ''}"
                    if key not in validations:
                        validations[key] = DataValidation(**_validation(m.kind, levels, f))
                        ws.add_data_validation(validations[key])
                    validations[key].add(cell.coordinate)
                else:
                    cell.fill = locked_fill
                    if f == "prev":
                        cell.number_format = "0.0##"
    ws.freeze_panes = ws.cell(FIRST_ROW, FIRST_BLOCK_COL)
    _print_setup(ws, blocks, len(fields), FIRST_ROW + len(measures) - 1)
    ws.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False, password=None)
    return {"name": name, "level": level, "code_row": CODE_ROW, "header_row": HEADER_ROW, "labels": labels,
            "rows": rows, "blocks": blocks}


def guard_output(out: Path, force: bool, lang: str = "vi", now: dt.datetime | None = None) -> str | None:
    """Protect an existing ``out``: without ``force`` raise NtmError (vi and en); with ``force``,
    when the file is a template holding entered cells, or was modified after it was generated
    (file time later than the marker's ``generated``), copy it to ``NAME.bak-YYYYmmdd-HHMMSS.xlsx``
    and return the message saying so (None when nothing needed saying)."""
    from ntm_analysis.excel.reading import read_template  # noqa: PLC0415

    out = Path(out)
    if not out.exists():
        return None
    if not force:
        raise NtmError(fmt(MESSAGES, "exists", "vi", path=out), fmt(MESSAGES, "exists", "en", path=out))
    try:
        tpl = read_template(out, strict=False)
        n, generated = len(tpl.entries), tpl.marker.get("generated")
    except Exception:  # noqa: BLE001 (not a template, or an empty one: treated as modified)
        n, generated = 0, None
    mtime = dt.datetime.fromtimestamp(out.stat().st_mtime)
    try:
        modified = generated is None or mtime > dt.datetime.fromisoformat(str(generated)) + dt.timedelta(minutes=1)
    except ValueError:
        modified = True
    if not n and not modified:
        return None
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    backup = out.with_name(f"{out.stem}.bak-{stamp}{out.suffix}")
    shutil.copy2(out, backup)
    why = fmt(MESSAGES, "why_filled", lang, n=n) if n else fmt(MESSAGES, "why_modified", lang, when=mtime.strftime("%d/%m/%Y %H:%M"))
    return fmt(MESSAGES, "replaced", lang, path=out, why=why, backup=backup)


def _print_setup(ws: Any, blocks: list[dict[str, Any]], n_fields: int, last_row: int) -> None:
    """Row heights for the wrapped cells (names, thresholds, unit names, labels); A4 landscape at
    ≥ 75 % (no text below 8 pt), the indicator columns B-E and rows 3-5 repeated on every page,
    units split over pages when they do not fit; column A (measure ids) is not printed."""
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    widths = {j: WIDTHS[k] for j, k in enumerate(FIXED, start=1) if k != "measure"}
    spare = spare_chars(list(widths.values()), [[FIELD_WIDTH] * n_fields for _ in blocks])
    for j in (FIXED.index("name") + 1, FIXED.index("threshold") + 1):  # a narrow sheet: wider text, fewer lines
        widths[j] += int(spare / 2)
        ws.column_dimensions[get_column_letter(j)].width = widths[j]
    block_w = FIELD_WIDTH * n_fields
    fit_rows(ws, range(FIRST_ROW, last_row + 1), widths)
    fit_rows(ws, [NAME_ROW], {}, {(NAME_ROW, b["col"]): block_w for b in blocks})
    fit_rows(ws, [HEADER_ROW], {**widths, **{c: FIELD_WIDTH for b in blocks for c in b["fields"].values()}})
    fit_rows(ws, [NOTE_ROW], {}, {(NOTE_ROW, 2): sum(widths.values())})
    page_layout(ws, list(widths.values()), [[FIELD_WIDTH] * n_fields for _ in blocks], FIRST_BLOCK_COL)
    ws.print_title_rows = f"{NAME_ROW}:{HEADER_ROW}"
    ws.print_title_cols = f"B:{get_column_letter(len(FIXED))}"
    last_col = FIRST_BLOCK_COL + n_fields * len(blocks) - 1
    ws.print_area = f"B{TITLE_ROW}:{get_column_letter(last_col)}{last_row}"


def build_template(dataset: Any, catalogue: Any, code: str, year: int, out: Path, overwrite: bool = False) -> Path:
    """Write the entry workbook for unit ``code`` (commune, village or hamlet) and ``year`` to
    ``out`` (temporary file, then rename). Raises ValueError with a (vi) message on bad input,
    and when ``out`` exists unless ``overwrite`` (see :func:`guard_output` for ``--force``)."""
    from openpyxl import Workbook  # noqa: PLC0415
    from openpyxl.styles import Alignment, Font  # noqa: PLC0415
    from openpyxl.workbook.defined_name import DefinedName  # noqa: PLC0415
    from openpyxl.workbook.protection import WorkbookProtection  # noqa: PLC0415

    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise NtmError(fmt(MESSAGES, "not_xlsx", "vi", path=out), fmt(MESSAGES, "not_xlsx", "en", path=out))
    if out.exists() and not overwrite:
        raise NtmError(fmt(MESSAGES, "exists", "vi", path=out), fmt(MESSAGES, "exists", "en", path=out))
    by_level = template_units(dataset.units, code, year)
    from ntm_analysis.units import valid_in  # noqa: PLC0415

    root_rows = dataset.units[dataset.units["code"] == code]
    in_year = root_rows[valid_in(root_rows, year)]
    root = (in_year if len(in_year) else root_rows).iloc[-1]  # a reused code: the unit of ``year``
    if root["level"] not in SHEETS:
        level = LEVEL_LABELS.get(root["level"], (root["level"],) * 2)
        raise NtmError(fmt(MESSAGES, "unit_level", "vi", level=level[0]), fmt(MESSAGES, "unit_level", "en", level=level[1]))
    attr = catalogue.meta.get("threshold_by") or "region"
    attr_value = root.get(attr) if attr in root.index and not pd.isna(root.get(attr)) else None
    live = dataset.units[valid_in(dataset.units, year)]
    names = dict(zip(live["code"], live["name"]))
    wb = Workbook()
    guide = wb.active
    guide.title = INSTRUCTIONS
    layout = []
    for level in SHEETS:
        units = by_level[level]
        measures = sheet_measures(catalogue, level, attr_value, year)
        if units.empty or measures.empty:
            continue
        layout.append(_write_sheet(wb, level, units, measures, dataset.values, names, year, root))
    if not layout:
        raise NtmError(fmt(MESSAGES, "no_measures", "vi", unit=root["name"], code=code), fmt(MESSAGES, "no_measures", "en", unit=root["name"], code=code))
    marker: dict[str, Any] = {
        "format": TEMPLATE_FORMAT, "tool_version": tool_version(), "catalogue_id": str(catalogue.meta.get("id", "")),
        "catalogue_version": str(catalogue.meta.get("version", "")), "unit_code": str(code),
        "unit_name": str(root["name"]), "year": int(year), "layout": {"sheets": layout},
        "generated": dt.datetime.now().isoformat(timespec="seconds"),
    }
    marker["structure_hash"] = structure_hash(marker)
    meta = dataset.meta or {}
    folder = Path(dataset.path).name if dataset.path else "THƯ_MỤC_DỮ_LIỆU"  # never the local absolute path
    text = INSTRUCTION_LINES.format(
        unit=root["name"], code=code, year=year, prev=year - 1, catalogue=(catalogue.meta.get("name") or {}).get("vi", ""),
        catalogue_id=marker["catalogue_id"], catalogue_version=marker["catalogue_version"],
        dataset=meta.get("name") or folder, folder=folder, tool=marker["tool_version"], hash=marker["structure_hash"][:16],
        synthetic=" - DỮ LIỆU TỔNG HỢP (synthetic), không phải số liệu thật" if meta.get("synthetic") else "")
    for i, line in enumerate(text.splitlines(), start=1):
        c = put(guide, i, 1, line)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        if line.isupper() or i == 1:
            c.font = Font(name=FONT, bold=True)
    guide.column_dimensions["A"].width = GUIDE_WIDTH
    fit_rows(guide, range(1, i + 1), {1: GUIDE_WIDTH})
    setup(guide, landscape=False, fit_width=True)
    guide.protection.sheet = True
    ms = wb.create_sheet(MARKER_SHEET)
    for i, (k, val) in enumerate(marker.items(), start=1):
        ms.cell(i, 1, k)
        ms.cell(i, 2, json.dumps(val, ensure_ascii=False, sort_keys=True) if k == "layout" else str(val)).data_type = "s"
    ms.sheet_state = "veryHidden"
    ms.protection.sheet = True
    hash_row = list(marker).index("structure_hash") + 1
    wb.defined_names[MARKER_NAME] = DefinedName(MARKER_NAME, attr_text=f"'{MARKER_SHEET}'!$B${hash_row}")
    wb.security = WorkbookProtection(lockStructure=True)
    return save_workbook(wb, out)
