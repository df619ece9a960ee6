"""Excel round trip, shared part: the template's version marker and structure hash, text
neutralisation against formula injection, problems located at a sheet and cell. Reading a filled
template back is ``reading.py``.

The entry template is built by ``template.py``, read back and imported by
``importer.py`` (typed cells: ``cells.py``), the summary annex written by ``annex.py`` (see docs/excel.md). Their
public functions are re-exported by ``ntm_analysis.excel``.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from ntm_analysis.errors import NtmError
from ntm_analysis.i18n import fmt

#: Name of the very hidden sheet holding the version marker; the defined name points at its hash.
MARKER_SHEET = "_ntm"
MARKER_NAME = "NTM_TEMPLATE_HASH"
TEMPLATE_FORMAT = "ntm-entry-template/1"
#: Characters that make a spreadsheet (or a CSV opened in one) read text as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
VALUE_COLUMNS = ["code", "year", "indicator", "value", "numerator", "denominator", "source", "assessed_by", "note"]
ENTRY_FIELDS = ("value", "numerator", "denominator")
KEY = ["code", "year", "indicator"]

MESSAGES: dict[str, tuple[str, str]] = {
    "where": ('Sheet "{sheet}", ô {cell}: {message}', 'Sheet "{sheet}", cell {cell}: {message}'),
    "cell_ref": ('Sheet "{sheet}", ô {cell}', 'Sheet "{sheet}", cell {cell}'),
    "where_sheet": ('Sheet "{sheet}": {message}', 'Sheet "{sheet}": {message}'),
    "where_file": ("Tệp {file}: {message}", "File {file}: {message}"),
    "errors": ("Không nhập được {file}: {n} lỗi; bộ dữ liệu không thay đổi.", "Cannot import {file}: {n} errors; the dataset was not changed."),
    "same_kind": (" — cùng loại ở {n} ô khác: {cells}", " — same kind in {n} more cells: {cells}"),
    "warning": ("Cảnh báo: ", "Warning: "),
    "not_found": ("không tìm thấy tệp.", "file not found."),
    "unreadable": ("không mở được như một sổ tính .xlsx ({detail}).", "cannot be opened as an .xlsx workbook ({detail})."),
    "save_as_xlsx": ("định dạng {suffix} không đọc được. Mở bằng Excel hoặc LibreOffice, chọn Lưu thành «Sổ làm việc Excel "
                     "(.xlsx)», rồi nhập tệp .xlsx đó.",
                     "the {suffix} format is not read. Open it in Excel or LibreOffice, save it as «Excel Workbook (.xlsx)», "
                     "then import that .xlsx file."),
    "no_marker": ("không có dấu phiên bản của mẫu nhập liệu (sheet ẩn «{marker}»): đây không phải mẫu do «ntm template» tạo, "
                  "hoặc sổ tính trống. Tạo mẫu mới bằng «ntm template».",
                  "no entry-template version marker (hidden sheet «{marker}»): this is not a workbook made by «ntm template», "
                  "or it is empty. Make a new one with «ntm template»."),
    "marker_field": ("dấu phiên bản thiếu hoặc hỏng trường «{field}».", "the version marker lacks or has a damaged field «{field}»."),
    "format": ("định dạng mẫu «{value}» không được hỗ trợ (cần {expected}); tạo mẫu mới bằng «ntm template».",
               "template format «{value}» is not supported (need {expected}); make a new one with «ntm template»."),
    "hash": ("mã kiểm tra cấu trúc không khớp: dấu phiên bản đã bị sửa. Tạo mẫu mới bằng «ntm template».",
             "the structure hash does not match: the version marker was edited. Make a new one with «ntm template»."),
    "sheet_missing": ("thiếu sheet «{name}» (bị xóa hoặc đổi tên). Không đổi tên, xóa hay di chuyển sheet của mẫu.",
                      "sheet «{name}» is missing (deleted or renamed). Do not rename, delete or move the template's sheets."),
    "moved": ("cần «{expected}», thấy «{value}»: hàng hoặc cột đã bị xóa, chèn hay di chuyển. Dùng mẫu gốc, chỉ nhập vào ô màu vàng.",
              "expected «{expected}», found «{value}»: a row or column was deleted, inserted or moved. Use the original "
              "template and type only into the yellow cells."),
    "merged": ("ô gộp {range} nằm trong vùng nhập liệu; bỏ gộp ô (mỗi ô một giá trị).",
               "merged range {range} lies in the entry area; unmerge it (one value per cell)."),
    "empty": ("chưa nhập giá trị nào vào các ô màu vàng; không có gì để nhập.", "no value was entered in the yellow cells; nothing to import."),
}



# --- neutralising text --------------------------------------------------------------------------


def formula_like(value: Any) -> bool:
    """True for text that a spreadsheet (or a CSV opened in one) would read as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def put(ws: Any, row: int, col: int, value: Any) -> Any:
    """Write ``value`` into a cell and return the cell. Formula-like text (``=``, ``+``, ``-``, ``@``
    first) is stored as text with the cell's quote-prefix style (``quotePrefix``, what a spreadsheet
    sets when one types a leading apostrophe): shown exactly as written, never run, no visible
    apostrophe."""
    cell = ws.cell(row, col)
    cell.value = value
    if formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def neutralise(value: Any) -> Any:
    """For plain-text outputs (CSV): formula-like text gets a leading apostrophe; anything else is
    returned unchanged. Workbook cells use :func:`put` (quote-prefix style) instead."""
    return "'" + value if formula_like(value) else value


def unneutralise(value: Any) -> Any:
    """Text read back from a cell: NFC, trimmed, one leading apostrophe (written by older
    templates, or typed) removed."""
    if not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFC", value).strip()
    return text[1:].strip() if text.startswith("'") else text


# --- marker and structure hash ----------------------------------------------------------------


def structure_hash(marker: dict[str, Any]) -> str:
    """SHA-256 over the fields that fix the structure (format, catalogue, unit, year, layout)."""
    keys = ("format", "catalogue_id", "catalogue_version", "unit_code", "year", "layout")
    canon = json.dumps({k: marker.get(k) for k in keys}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()


def tool_version() -> str:
    """Installed version of ntm-analysis (``0+unknown`` outside an install)."""
    try:
        from importlib.metadata import version  # noqa: PLC0415

        return version("ntm-analysis")
    except Exception:  # noqa: BLE001 (any metadata failure)
        return "0+unknown"


# --- cell-located problems --------------------------------------------------------------------


@dataclass(frozen=True)
class CellProblem:
    """A problem at one sheet and cell of a workbook (``cell`` may be a range or empty); ``rule``
    names its cause (problems of one cause on one sheet are reported together)."""

    sheet: str | None
    cell: str | None
    message_vi: str
    message_en: str
    severity: str = "error"
    rule: str = ""

    def render(self, lang: str = "vi") -> str:
        """``Sheet "Thôn", ô D14: …`` in ``lang``."""
        msg = self.message_vi if lang == "vi" else self.message_en
        if self.sheet and self.cell:
            return fmt(MESSAGES, "where", lang, sheet=self.sheet, cell=self.cell, message=msg)
        if self.sheet:
            return fmt(MESSAGES, "where_sheet", lang, sheet=self.sheet, message=msg)
        return msg


def cell_problem(messages: dict[str, tuple[str, str]], key: str, sheet: str | None = None, cell: str | None = None,
                 severity: str = "error", rule: str = "", **args: Any) -> CellProblem:
    """Build a CellProblem from message ``key`` of a module's ``messages`` (``rule`` defaults to ``key``)."""
    return CellProblem(sheet, cell, fmt(messages, key, "vi", **args), fmt(messages, key, "en", **args), severity, rule or key)


def cell_ranges(cells: Iterable[str]) -> str:
    """Cell addresses as a short list: runs in one column joined (``A7:A91, G9, K9``)."""
    from openpyxl.utils import column_index_from_string, coordinate_to_tuple  # noqa: PLC0415

    parsed = []
    for c in dict.fromkeys(cells):
        try:
            r, col = coordinate_to_tuple(c)
            parsed.append((column_index_from_string(c.rstrip("0123456789")), r, c))
        except (ValueError, TypeError):
            parsed.append((10**6, 0, c))
    parsed.sort()
    out, i = [], 0
    while i < len(parsed):
        j = i
        while j + 1 < len(parsed) and parsed[j + 1][0] == parsed[i][0] < 10**6 and parsed[j + 1][1] == parsed[j][1] + 1:
            j += 1
        out.append(parsed[i][2] if j == i else f"{parsed[i][2]}:{parsed[j][2]}")
        i = j + 1
    return ", ".join(out)


def group_problems(problems: Iterable[CellProblem], lang: str = "vi", mark_warnings: bool = True) -> list[str]:
    """One line per cause: problems of one rule and severity on one sheet become the first one's
    message followed by the other cells (``— cùng loại ở 84 ô khác: A8:A91``); errors first,
    warnings marked as such unless ``mark_warnings`` is False (a list of warnings only)."""
    groups: dict[tuple, list[CellProblem]] = {}
    for p in problems:
        key = (p.severity != "error", p.sheet or "", p.rule or p.message_vi) if p.cell else (p.severity != "error", id(p))
        groups.setdefault(key, []).append(p)
    lines = []
    for _, ps in sorted(groups.items(), key=lambda kv: kv[0][0]):
        line = ps[0].render(lang)
        if len(ps) > 1:
            line += fmt(MESSAGES, "same_kind", lang, n=len(ps) - 1, cells=cell_ranges(p.cell for p in ps[1:]))
        mark = mark_warnings and ps[0].severity != "error"
        lines.append((fmt(MESSAGES, "warning", lang) if mark else "") + line)
    return lines


class ExcelError(NtmError):
    """Every problem that stops an import or export; nothing was written when it is raised."""

    def __init__(self, problems: Iterable[CellProblem], file: str = "", lang: str = "vi"):
        self.problems = list(problems)
        self.file = file
        self.lang = lang
        super().__init__(self.render("vi"), self.render("en"))

    def render(self, lang: str = "vi") -> str:
        """A header line, then one line per cause (:func:`group_problems`)."""
        errors = [p for p in self.problems if p.severity == "error"]
        head = fmt(MESSAGES, "errors", lang, file=self.file, n=len(errors))
        return "\n".join([head, *("  " + line for line in group_problems(self.problems, lang))])


def number_text(x: float) -> str:
    """A float as text for values.csv: dot decimal, no grouping, no float noise (``95.5``, ``80``)."""
    text = f"{round(x, 10):.10f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def save_workbook(wb: Any, out: Path) -> Path:
    """Save ``wb`` to ``out`` through a temporary file and a rename (``outputs.atomic_write``): never
    a half-written workbook; an unwritable place is an ``OutputError`` naming the path and the fix."""
    from ntm_analysis.outputs import atomic_write  # noqa: PLC0415

    return atomic_write(Path(out), wb.save)
