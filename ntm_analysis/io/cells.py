"""Rules about cells of files made by other programs, shared by every reader, and the messages of
the reading faults (``READ_MESSAGES``, part of ``validation.MESSAGES``).

- Invisible format characters (zero-width space U+200B, zero-width non-joiner/joiner U+200C/D,
  word joiner U+2060, byte-order mark U+FEFF) come with text pasted from web pages, Word or chat
  applications. They make ``indicator`` differ from ``​indicator`` and ``​100`` not a number while
  the user sees nothing: they are removed on input and counted, so the reader can warn.
- A formula cell of a workbook written by a program that does not calculate (scripts, some
  converters) has no stored result: read as values it looks empty. It must be refused at the cell,
  never read as missing data (the same rule for the dataset reader and the Excel entry import).
"""

from __future__ import annotations

from typing import Any

#: (vi, en) message and fix of a formula cell without a stored result; ``{value}`` is the formula.
FORMULA_MESSAGE = ("Ô chứa công thức «{value}» nhưng không có kết quả đã tính (tệp được ghi bởi một chương trình "
                   "không tính công thức), nên đọc ra là ô trống.",
                   "The cell holds the formula «{value}» but no calculated result (the file was written by a program "
                   "that does not calculate), so it would read as empty.")
FORMULA_FIX = ("Mở tệp bằng Excel hoặc LibreOffice rồi lưu lại (để tính công thức), hoặc gõ thẳng giá trị vào ô.",
               "Open the file in Excel or LibreOffice and save it (so the formulas are calculated), or type the value "
               "into the cell.")


def uncalculated_formula(value: Any, formula: Any) -> bool:
    """True when a cell holds a formula (``formula``: its content read without ``data_only``) but
    no stored result (``value``: read with ``data_only=True``)."""
    return isinstance(formula, str) and formula.startswith("=") and value is None


#: Messages (vi, en) of the faults found when reading files, added to ``validation.MESSAGES``.
READ_MESSAGES: dict[str, tuple[str, str]] = {
    "formula_no_value": ("Ô {cell}: " + FORMULA_MESSAGE[0][0].lower() + FORMULA_MESSAGE[0][1:],
                         "Cell {cell}: " + FORMULA_MESSAGE[1][0].lower() + FORMULA_MESSAGE[1][1:]),
    "formula_no_value.fix": FORMULA_FIX,
    "invisible_chars": ("Đã xóa {n} ký tự vô hình (khoảng trắng độ rộng 0 U+200B, U+200C, U+200D, U+2060, BOM U+FEFF) "
                        "khỏi tiêu đề và các ô.",
                        "Removed {n} invisible characters (zero-width space U+200B, U+200C, U+200D, U+2060, BOM U+FEFF) "
                        "from the header and cells."),
    "invisible_chars.fix": ("Không cần làm gì; để có tệp sạch, tìm và thay các ký tự này (thường do dán từ web hay Word).",
                            "Nothing to do; for a clean file, find and replace them (they usually come from text pasted "
                            "from the web or Word)."),
    "column_duplicate": ("Cột «{column}» xuất hiện {n} lần trong dòng tiêu đề (cột thứ {detail}); chỉ cột đầu được đọc.",
                         "Column «{column}» appears {n} times in the header (columns {detail}); only the first is read."),
    "column_duplicate.fix": ("Xóa cột thừa hoặc đổi tên cho đúng, để mỗi tên cột chỉ có một lần.",
                             "Delete the extra column or rename it, so that each column name appears once."),
    "truncated": ("Dòng cuối chỉ có {detail} trong {other} ô và tệp không kết thúc bằng dấu xuống dòng: tệp có vẻ bị cắt "
                  "giữa chừng (thiếu {n} ô, có thể cả các dòng sau).",
                  "The last row has only {detail} of {other} cells and the file does not end with a line break: it looks "
                  "cut in the middle (missing cells: {n}, maybe whole rows too)."),
    "truncated.fix": ("Lấy lại tệp đầy đủ (tải hoặc sao chép lại), rồi kiểm tra dòng cuối.",
                      "Get the complete file again (download or copy it again), then check its last row."),
    "save_as_xlsx": ("«{value}» là định dạng bảng tính cũ hoặc khác (.xls, .ods...), không đọc được.",
                     "«{value}» is an older or other spreadsheet format (.xls, .ods...), which is not read."),
    "save_as_xlsx.fix": ("Mở bằng Excel hoặc LibreOffice, chọn Lưu thành «Sổ làm việc Excel (.xlsx)» ({stem}.xlsx).",
                         "Open it in Excel or LibreOffice and save it as «Excel Workbook (.xlsx)» ({stem}.xlsx)."),
}
