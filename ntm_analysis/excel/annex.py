"""The summary annex (``ntm export``): units × criteria per tier as in a plan annex, and the
indicator sheet with values, thresholds, gaps and confidence flags, set up for A4 landscape.

It only formats an :class:`~ntm_analysis.assess.attainment.Assessment` (never recomputes attainment). Every
text cell is written with :func:`ntm_analysis.excel.common.put` (quote-prefix style), so a name such as ``=cmd`` is shown
as text, never run as a formula.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from ntm_analysis.excel.common import number_text, put, save_workbook
from ntm_analysis.excel.printing import A4_LANDSCAPE_PT, FONT, MIN_SCALE, SAFETY, column_pt, fit_rows, setup
from ntm_analysis.errors import NtmError
from ntm_analysis.i18n import CONFIDENCE_LABELS, STATUS_LABELS, THRESHOLD_STATUS_LABELS, check_lang, fmt, label, pick

#: Symbol of a criterion status in the annex grid (as plan annexes write it).
SYMBOLS: dict[str, tuple[str, str]] = {"met": ("Đ", "✓"), "not_met": ("-", "-"), "missing": ("?", "?"),
                                       "unknown_threshold": ("?", "?"), "not_applicable": ("", "")}
FILLS = {"met": "C6EFCE", "not_met": "FFC7CE", "missing": "FFEB9C", "unknown_threshold": "FFEB9C"}
HEAD_FILL = "DDEBF7"
COMPARATORS = {">=": "≥", "<=": "≤", "==": "="}
HEADER_ROW = 4

MESSAGES: dict[str, tuple[str, str]] = {
    "title": ("Phụ lục: kết quả thực hiện {tier} năm {year}", "Annex: {tier}, results {year}"),
    "title_ind": ("Phụ lục: kết quả từng chỉ tiêu năm {year}", "Annex: indicator results {year}"),
    "subtitle": ("Bộ dữ liệu: {dataset}. Bộ tiêu chí: {catalogue} (phiên bản {version}).",
                 "Dataset: {dataset}. Catalogue: {catalogue} (version {version})."),
    "synthetic": (" DỮ LIỆU TỔNG HỢP (synthetic), không phải số liệu thật.", " SYNTHETIC DATA, not real figures."),
    "no": ("STT", "No."), "code": ("Mã", "Code"), "unit": ("Đơn vị", "Unit"), "crit": ("TC {n}", "C{n}"),
    "met_count": ("Số TC đạt", "Criteria met"), "total": ("Tổng số TC", "Total criteria"),
    "reached": ("Đạt chuẩn", "Reached"), "recognised": ("Năm công nhận", "Recognised"),
    "slipped": ("TC bị tụt", "Slipped"), "yes": ("Đạt", "Yes"), "no_": ("Chưa đạt", "No"),
    "legend": ("Ký hiệu: Đ = đạt; - = chưa đạt; ? = thiếu số liệu hoặc chưa có ngưỡng; ô trống = không áp dụng.",
               "Legend: ✓ = met; - = not met; ? = missing data or no threshold; empty = not applicable."),
    "crit_flag": ("TC ⚠: tiêu chí có ngưỡng chưa xác minh với quyết định của tỉnh; đối chiếu trước khi dùng cho báo cáo chính thức.",
                  "C ⚠: criterion with a threshold not verified against the provincial decision; check before official use."),
    "ind_sheet": ("Chỉ tiêu", "Indicators"),
    "tier": ("Hạng", "Tier"), "criterion": ("TC", "Crit."), "indicator": ("Chỉ tiêu", "Indicator"),
    "name": ("Tên chỉ tiêu", "Indicator name"), "value": ("Giá trị", "Value"), "uom": ("Đơn vị tính", "Unit of measure"),
    "threshold": ("Ngưỡng", "Threshold"), "status": ("Kết quả", "Result"), "gap": ("Còn thiếu", "Gap"),
    "confidence": ("Độ tin cậy", "Confidence"), "threshold_status": ("Tình trạng ngưỡng", "Threshold status"),
    "unverified": ("⚠ {label}", "⚠ {label}"),
    "flag_note": ("⚠: ngưỡng chưa xác minh với quyết định của tỉnh; đối chiếu trước khi dùng cho báo cáo chính thức.",
                  "⚠: threshold not verified against the provincial decision; check before official use."),
    "empty": ("Không có kết quả đánh giá cho năm {year} và đơn vị đã chọn.", "No assessment results for {year} and the selected units."),
    "written": ("Đã ghi phụ lục: {path} ({n} đơn vị, năm {year}).", "Annex written: {path} ({n} units, {year})."),
    "page": ("Trang &P/&N", "Page &P/&N"),
}


def _sheet_name(text: str, used: set[str]) -> str:
    """A valid, unique sheet name (≤ 31 characters, none of []:*?/\\)."""
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in str(text)).strip()[:31] or "Sheet"
    name, n = clean, 1
    while name in used:
        n += 1
        name = f"{clean[:28]} {n}"
    used.add(name)
    return name


def _print_setup(ws: Any, widths: list[float], freeze: str, lang: str, note: str) -> None:
    """A4 landscape at the scale that fits the columns one page wide (never below 75 %: no text
    under 8 pt), header row repeated, frozen panes; footer on every page: ``note`` (legend or
    footnote) on the left, page numbers on the right."""
    scale = max(MIN_SCALE, min(100, math.floor(100 * A4_LANDSCAPE_PT * SAFETY / sum(column_pt(w) for w in widths))))
    setup(ws, landscape=True, scale=scale)
    size = max(9, math.ceil(8.5 * 100 / scale))  # the footer is scaled with the page
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.freeze_panes = freeze
    ws.oddFooter.left.text, ws.oddFooter.left.size, ws.oddFooter.left.font = note, size, FONT
    ws.oddFooter.right.text, ws.oddFooter.right.size, ws.oddFooter.right.font = pick(MESSAGES["page"], lang), size, FONT
    ws.page_margins.bottom = 0.9  # room for a two-line footer


def _titles(ws: Any, title: str, sub: str, widths: list[float]) -> None:
    """Title (row 1) and subtitle (row 2), each merged across the table and wrapped, so that a long
    line never widens the printed page."""
    from openpyxl.styles import Alignment, Font  # noqa: PLC0415

    for r, text, font in ((1, title, Font(name=FONT, bold=True, size=13)), (2, sub, Font(name=FONT, italic=True))):
        c = put(ws, r, 1, text)
        c.font, c.alignment = font, Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(widths))
    fit_rows(ws, [1], {}, {(1, 1): sum(widths) / 1.25}, line_pt=18)  # 13 pt bold: wider letters, taller lines
    fit_rows(ws, [2], {}, {(2, 1): sum(widths)})


def _note(ws: Any, row: int, text: str, widths: list[float]) -> None:
    """A note under the table (legend, footnote), merged across it and wrapped."""
    from openpyxl.styles import Alignment  # noqa: PLC0415

    put(ws, row, 1, text).alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(widths))
    fit_rows(ws, [row], {}, {(row, 1): sum(widths)})


def _header(ws: Any, heads: list[str], widths: list[float]) -> None:
    """Bold, filled, wrapped header cells in HEADER_ROW with column widths, the row as tall as its
    longest label."""
    from openpyxl.styles import Alignment, Font, PatternFill  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    for j, (h, w) in enumerate(zip(heads, widths), start=1):
        c = put(ws, HEADER_ROW, j, h)
        c.font, c.fill = Font(name=FONT, bold=True), PatternFill("solid", fgColor=HEAD_FILL)
        c.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        ws.column_dimensions[get_column_letter(j)].width = w
    fit_rows(ws, [HEADER_ROW], {j: w / 1.1 for j, w in enumerate(widths, start=1)})  # bold


def _tier_sheet(wb: Any, result: Any, catalogue: Any, tier: Any, year: int, names: pd.Series, sub: str,
                lang: str, used: set[str]) -> None:
    """Units × criteria grid of one tier, with counts, reached, recognition and slipped criteria."""
    from openpyxl.styles import Alignment, Border, PatternFill, Side  # noqa: PLC0415

    tname = getattr(tier, f"name_{lang}")
    ws = wb.create_sheet(_sheet_name(catalogue.tier_label(tier.tier, lang, short=True), used))
    crits = sorted(catalogue.criteria.loc[catalogue.criteria["tier"] == tier.tier, "criterion"].astype(int))
    inds = catalogue.indicators[catalogue.indicators["tier"] == tier.tier]
    flagged = set(inds.loc[inds["threshold_status"] != "verified", "criterion"].astype(int))
    units = result.units[(result.units["tier"] == tier.tier) & (result.units["year"] == year)]
    heads = [pick(MESSAGES[k], lang) for k in ("no", "code", "unit")]
    heads += [fmt(MESSAGES, "crit", lang, n=c) + (" ⚠" if c in flagged else "") for c in crits]
    heads += [pick(MESSAGES[k], lang) for k in ("met_count", "total", "reached", "recognised", "slipped")]
    widths = [4, 9, 18] + [4.5] * len(crits) + [7, 7, 8, 9, 9]
    _titles(ws, fmt(MESSAGES, "title", lang, tier=tname, year=year), sub, widths)
    _header(ws, heads, widths)
    grid = (result.criteria[(result.criteria["tier"] == tier.tier) & (result.criteria["year"] == year)]
            .pivot_table(index="code", columns="criterion", values="status", aggfunc="first"))
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    fills = {k: PatternFill("solid", fgColor=v) for k, v in FILLS.items()}
    center = Alignment(horizontal="center")
    for i, u in enumerate(units.itertuples(index=False), start=1):  # one row per unit shown
        r = HEADER_ROW + i
        row = [i, str(u.code), str(names.get(u.code, u.code))]
        statuses = [grid.at[u.code, c] if u.code in grid.index and c in grid.columns else "not_applicable" for c in crits]
        row += [pick(SYMBOLS.get(s, ("?", "?")), lang) if isinstance(s, str) else "" for s in statuses]
        rec = None if pd.isna(u.recognised) else int(u.recognised)
        row += [int(u.criteria_met), int(u.criteria_total), pick(MESSAGES["yes" if u.reached else "no_"], lang), rec,
                str(u.slipped or "")]
        for j, v in enumerate(row, start=1):
            put(ws, r, j, v).border = box
        for k, s in enumerate(statuses):
            c = ws.cell(r, 4 + k)
            c.alignment = center
            if s in fills:
                c.fill = fills[s]
        ws.cell(r, 4 + len(crits) + 2).alignment = center
    legend = pick(MESSAGES["legend"], lang) + (" " + pick(MESSAGES["crit_flag"], lang) if flagged else "")
    _note(ws, HEADER_ROW + len(units) + 2, legend, widths)
    _print_setup(ws, widths, ws.cell(HEADER_ROW + 1, 4).coordinate, lang, legend)
    ws.print_title_cols = "A:C"  # a catalogue with many criteria: the unit columns on every page


def _value_text(value: float, kind: str, levels: Any) -> Any:
    """An indicator value as shown: Đạt/Không đạt, the level name, or the number."""
    if pd.isna(value):
        return None
    if kind == "boolean":
        return STATUS_LABELS["met"][0] if value == 1.0 else "Không đạt"
    if kind == "level" and isinstance(levels, (list, tuple)) and 1 <= int(value) <= len(levels):
        return levels[int(value) - 1]
    return float(value)


def _indicator_sheet(wb: Any, result: Any, catalogue: Any, year: int, names: pd.Series, sub: str,
                     lang: str, used: set[str]) -> None:
    """One row per unit × tier × applicable indicator: value, threshold, status, gap, flags."""
    from openpyxl.styles import Alignment, Border, PatternFill, Side  # noqa: PLC0415

    ws = wb.create_sheet(_sheet_name(pick(MESSAGES["ind_sheet"], lang), used))
    heads = [pick(MESSAGES[k], lang) for k in ("code", "unit", "tier", "criterion", "indicator", "name", "value", "uom",
                                              "threshold", "status", "gap", "confidence", "threshold_status")]
    widths = [11, 16, 12, 5, 7, 44, 9, 10, 10, 11, 8, 10, 21]
    _titles(ws, fmt(MESSAGES, "title_ind", lang, year=year), sub, widths)
    _header(ws, heads, widths)
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    decimal = "," if lang == "vi" else "."
    ind = result.indicators[(result.indicators["year"] == year) & (result.indicators["status"] != "not_applicable")]
    meas = catalogue.measures.set_index("measure")
    inames = catalogue.indicators.set_index(["tier", "indicator"])[f"name_{lang}"]
    tiers = {t: catalogue.tier_label(t, lang, short=True) for t in catalogue.tier_ids()}
    measure = ind["measure"].astype(str)  # (Categorical: its ``map`` would make categories of the levels' lists)
    ind = ind.assign(kind=measure.map(meas["kind"]), levels=measure.map(meas["levels"]),
                     uom=measure.map(meas["unit"]).fillna(""))
    fills = {k: PatternFill("solid", fgColor=v) for k, v in FILLS.items()}
    wrap, top = Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
    center = Alignment(horizontal="center", vertical="top")  # "TC" and indicator never run together
    for i, r in enumerate(ind.itertuples(index=False), start=1):  # formatting rows of one report
        row_n = HEADER_ROW + i
        thr = "" if r.comparator == "true" or pd.isna(r.threshold) else (
            f"{COMPARATORS.get(r.comparator, r.comparator)} "
            f"{_value_text(r.threshold, r.kind, r.levels) if r.kind == 'level' else number_text(r.threshold).replace('.', decimal)}")
        flag = "" if r.threshold_status == "verified" else fmt(
            MESSAGES, "unverified", lang, label=label(THRESHOLD_STATUS_LABELS, r.threshold_status, lang))
        row = [str(r.code), str(names.get(r.code, r.code)), str(tiers.get(r.tier, r.tier)), int(r.criterion),
               str(r.indicator), str(inames.get((r.tier, r.indicator), "")), _value_text(r.value, r.kind, r.levels),
               str(r.uom), thr, label(STATUS_LABELS, r.status, lang), None if pd.isna(r.gap) else float(r.gap),
               label(CONFIDENCE_LABELS, r.confidence, lang), flag]
        for j, v in enumerate(row, start=1):
            c = put(ws, row_n, j, v)
            c.border = box
            c.alignment = wrap if j in (2, 6, 13) else center if j in (4, 5) else top
        if r.status in fills:
            ws.cell(row_n, 10).fill = fills[r.status]
        for j in (7, 11):
            ws.cell(row_n, j).number_format = "0.0##"
    fit_rows(ws, range(HEADER_ROW + 1, HEADER_ROW + len(ind) + 1), {2: widths[1], 6: widths[5], 13: widths[12]})
    note = pick(MESSAGES["flag_note"], lang)
    _note(ws, HEADER_ROW + len(ind) + 2, note, widths)
    ws.auto_filter.ref = f"A{HEADER_ROW}:M{HEADER_ROW + max(len(ind), 1)}"
    _print_setup(ws, widths, ws.cell(HEADER_ROW + 1, 3).coordinate, lang, note)


def export_annex(result: Any, dataset: Any, catalogue: Any, year: int, out: Path, lang: str = "vi") -> Path:
    """Write the annex workbook for ``year`` of an Assessment to ``out`` (temporary file, then
    rename): one sheet per tier with units, then the indicator sheet. Raises ValueError when the
    assessment holds nothing for ``year``."""
    from openpyxl import Workbook  # noqa: PLC0415

    lang = check_lang(lang)
    out = Path(out)
    if result.units.empty or not (result.units["year"] == year).any():
        raise NtmError(fmt(MESSAGES, "empty", "vi", year=year), fmt(MESSAGES, "empty", "en", year=year))
    from ntm_analysis.units import valid_in  # noqa: PLC0415

    live = dataset.units[valid_in(dataset.units, year)]  # a reused code: its name in ``year``
    names = live.drop_duplicates("code", keep="last").set_index("code")["name"]
    meta = dataset.meta or {}
    sub = fmt(MESSAGES, "subtitle", lang, dataset=meta.get("name") or (Path(dataset.path).name if dataset.path else ""),
              catalogue=pick(catalogue.meta.get("name") or {"vi": catalogue.meta.get("id", "")}, lang),
              version=catalogue.meta.get("version", ""))
    if meta.get("synthetic"):
        sub += pick(MESSAGES["synthetic"], lang)
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    shown = set(result.units.loc[result.units["year"] == year, "tier"])
    for tier in catalogue.tiers.sort_values("order").itertuples(index=False):  # a handful of tiers
        if tier.tier in shown:
            _tier_sheet(wb, result, catalogue, tier, year, names, sub, lang, used)
    _indicator_sheet(wb, result, catalogue, year, names, sub, lang, used)
    return save_workbook(wb, out)

