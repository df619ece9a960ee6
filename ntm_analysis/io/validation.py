"""Problems found in a dataset, the error that carries all of them, and the rendering in vi/en.

Every rule reports a ``Problem`` naming file, row (as the user sees it: header = row 1), column and
value, with a message and a fix in Vietnamese and English. Rules never stop at the first problem:
``load_dataset`` collects them all and raises one ``DatasetError``. Types, required columns, allowed
values and ranges are pandera schemas (lazy, so every failure is reported); the cross-row and
cross-table rules (hierarchy, duplicates, validity, catalogue ids) are vectorised checks below.
Longer than most modules because the (vi, en) message table lives next to the rules that use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Literal

import pandas as pd

from ntm_analysis.admin.reference import SPLIT_SEP
from ntm_analysis.i18n import LEVEL_LABELS, fmt, pick
from ntm_analysis.io.cells import READ_MESSAGES

Severity = Literal["error", "warning"]

#: ``key`` is the message, ``key.fix`` the fix; each a (vi, en) pair formatted with the problem's fields.
MESSAGES: dict[str, tuple[str, str]] = {
    "path_missing": ("Không tìm thấy thư mục hay tệp dữ liệu «{value}».", "Dataset folder or file «{value}» not found."),
    "path_missing.fix": ("Kiểm tra lại đường dẫn; bộ dữ liệu là một thư mục chứa units.csv và values.csv, hoặc một tệp .xlsx.",
                         "Check the path; a dataset is a folder holding units.csv and values.csv, or one .xlsx workbook."),
    "not_dataset": ("«{value}» không phải thư mục dữ liệu hay sổ tính .xlsx.", "«{value}» is neither a dataset folder nor an .xlsx workbook."),
    "not_dataset.fix": ("Chỉ đường dẫn tới thư mục bộ dữ liệu hoặc tới tệp .xlsx.", "Give the dataset folder or the .xlsx workbook."),
    "file_missing": ("Thiếu bảng «{table}»: không có {expected}.", "Table «{table}» is missing: none of {expected} found."),
    "file_missing.fix": ("Thêm tệp {table}.csv (hoặc .parquet, hoặc trang tính «{table}» trong dataset.xlsx).",
                         "Add {table}.csv (or .parquet, or a sheet «{table}» in dataset.xlsx)."),
    "several_files": ("Có nhiều tệp cho bảng «{table}» ({value}); chỉ dùng {used}.", "Several files hold table «{table}» ({value}); only {used} is used."),
    "several_files.fix": ("Xóa hoặc đổi tên các tệp thừa.", "Remove or rename the other files."),
    "file_unreadable": ("Không đọc được tệp: {detail}", "Cannot read the file: {detail}"),
    "file_unreadable.fix": ("Mở tệp bằng Excel và lưu lại (CSV UTF-8 hoặc .xlsx); kiểm tra số cột ở mỗi dòng.",
                            "Open the file in Excel and save it again (CSV UTF-8 or .xlsx); check every line has the same number of columns."),
    "encoding": ("Tệp không phải UTF-8 hay UTF-16 ({detail}).", "The file is neither UTF-8 nor UTF-16 ({detail})."),
    "encoding.fix": ("Trong Excel chọn Lưu thành «CSV UTF-8 (phân cách bằng dấu phẩy)» hoặc «Văn bản Unicode».",
                     "In Excel, save as «CSV UTF-8 (Comma delimited)» or «Unicode Text»."),
    "toml_invalid": ("dataset.toml không hợp lệ: {detail}", "dataset.toml is not valid: {detail}"),
    "toml_invalid.fix": ("Sửa cú pháp TOML (xem docs/data-format.md).", "Fix the TOML syntax (see docs/data-format.md)."),
    "toml_type": ("Trường «{column}» phải là {expected}, nhận được «{value}».", "Field «{column}» must be {expected}, got «{value}»."),
    "toml_type.fix": ("Ví dụ: synthetic = true, catalogue = \"lang-son-2022-2025\".", "For example: synthetic = true, catalogue = \"lang-son-2022-2025\"."),
    "boundary_missing": ("Không thấy lớp ranh giới «{value}».", "Boundary layer «{value}» not found."),
    "boundary_missing.fix": ("Kiểm tra đường dẫn trong dataset.toml (tương đối so với thư mục dữ liệu).",
                             "Check the path in dataset.toml (relative to the dataset folder)."),
    "catalogue_failed": ("Không nạp được bộ tiêu chí «{value}»: {detail}", "Cannot load the criteria catalogue «{value}»: {detail}"),
    "catalogue_failed.fix": ("Dùng mã bộ tiêu chí có sẵn (ntm catalogue show) hoặc đường dẫn tới tệp YAML.",
                             "Use a shipped catalogue id (ntm catalogue show) or a path to a YAML file."),
    "column_missing": ("Thiếu cột bắt buộc «{column}».", "Required column «{column}» is missing."),
    "column_missing.fix": ("Thêm cột «{column}» vào dòng tiêu đề (dòng 1). Các cột bắt buộc: {expected}.",
                           "Add a «{column}» column to the header (row 1). Required columns: {expected}."),
    "required_empty": ("Ô bắt buộc «{column}» đang trống.", "Required cell «{column}» is empty."),
    "required_empty.fix": ("Điền giá trị hoặc xóa cả dòng.", "Fill it in or delete the row."),
    "level_unknown": ("Cấp hành chính «{value}» không hợp lệ.", "Unknown administrative level «{value}»."),
    "level_unknown.fix": ("Dùng một trong: tỉnh, huyện, xã (thị trấn), thôn (bản), xóm; hoặc province, district, commune, village, hamlet.",
                          "Use one of: province, district, commune, village, hamlet (or tỉnh, huyện, xã, thị trấn, thôn, bản, xóm)."),
    "code_duplicate": ("Mã «{value}» trùng với dòng {other} trong cùng thời kỳ hiệu lực.", "Code «{value}» duplicates row {other} within the same validity period."),
    "code_duplicate.fix": ("Xóa dòng trùng; nếu mã được dùng lại sau sáp nhập, ghi valid_from/valid_to để hai thời kỳ không chồng nhau.",
                           "Delete the duplicate; if the code was reused after a merge, set valid_from/valid_to so the periods do not overlap."),
    "validity_order": ("valid_from ({value}) lớn hơn valid_to ({other}).", "valid_from ({value}) is after valid_to ({other})."),
    "validity_order.fix": ("Đổi chỗ hai năm hoặc sửa năm sai.", "Swap the two years or correct the wrong one."),
    "parent_missing": ("Đơn vị cấp trên «{value}» không có trong bảng units.", "Parent unit «{value}» is not in the units table."),
    "parent_missing.fix": ("{suggestion}Thêm đơn vị cấp trên vào units hoặc sửa parent_code (để trống nếu là cấp cao nhất).",
                           "{suggestion}Add the parent unit to units or correct parent_code (leave empty for the top unit)."),
    "parent_not_valid": ("Đơn vị cấp trên «{value}» không còn hiệu lực trong thời kỳ của đơn vị này.", "Parent unit «{value}» is not valid during this unit's period."),
    "parent_not_valid.fix": ("Chỉ tới đơn vị cấp trên có hiệu lực (xem valid_from/valid_to).", "Point to a parent valid at that time (see valid_from/valid_to)."),
    "parent_cycle": ("Quan hệ cấp trên tạo thành vòng lặp: {detail}.", "The parent chain loops: {detail}."),
    "parent_cycle.fix": ("Sửa parent_code để mỗi chuỗi cấp trên kết thúc ở tỉnh (hoặc ô trống).", "Fix parent_code so every chain ends at a province (or an empty cell)."),
    "level_order": ("Đơn vị cấp {level} không thể trực thuộc đơn vị cấp {other} («{value}»).", "A {level} cannot sit directly under a {other} («{value}»)."),
    "level_order.fix": ("Xóm thuộc thôn, thôn thuộc xã, xã thuộc huyện (hoặc tỉnh từ 01/7/2025), huyện thuộc tỉnh.",
                        "Hamlet under village, village under commune, commune under district (or province from 1/7/2025), district under province."),
    "number_invalid": ("Không đọc được số «{value}».", "«{value}» is not a number."),
    "number_invalid.fix": ("Ghi một số, ví dụ 95,5 hoặc 95.5 hoặc 95,5%; hàng nghìn: 1.234,5.", "Write a number such as 95,5 or 95.5 or 95,5%; thousands: 1.234,5."),
    "integer_invalid": ("«{value}» không phải số nguyên.", "«{value}» is not a whole number."),
    "integer_invalid.fix": ("Ghi số nguyên, ví dụ 2024.", "Write a whole number, e.g. 2024."),
    "year_range": ("Năm {value} nằm ngoài khoảng hợp lý {lo}–{hi}.", "Year {value} is outside the plausible range {lo}–{hi}."),
    "year_range.fix": ("Ghi năm đủ 4 chữ số, ví dụ 2024.", "Write the four-digit year, e.g. 2024."),
    "negative": ("Số lượng không được âm ({value}).", "A count cannot be negative ({value})."),
    "negative.fix": ("Sửa thành số không âm.", "Correct it to zero or more."),
    "percent_range": ("Tỷ lệ {value}% nằm ngoài khoảng 0–100.", "Percentage {value} is outside 0–100."),
    "percent_range.fix": ("Ghi tỷ lệ phần trăm từ 0 đến 100 (ví dụ 95,5).", "Write a percentage between 0 and 100 (e.g. 95.5)."),
    "percent_fraction": ("Mọi giá trị của «{indicator}» cho đơn vị {code} đều trong 0–1 ({n} dòng), có vẻ ghi dạng phân số.",
                         "Every value of «{indicator}» for unit {code} is within 0–1 ({n} rows); they look like fractions."),
    "percent_fraction.fix": ("Nhân với 100 (0,955 → 95,5) nếu đó là phân số.", "Multiply by 100 (0.955 → 95.5) if they are fractions."),
    "num_gt_den": ("Tử số {value} lớn hơn mẫu số {other}.", "Numerator {value} is greater than denominator {other}."),
    "num_gt_den.fix": ("Kiểm tra lại: tử số là phần đạt, mẫu số là tổng.", "Check them: numerator is the part, denominator the total."),
    "indicator_unknown": ("Mã chỉ tiêu «{value}» không có trong bộ tiêu chí {catalogue}.", "Indicator «{value}» is not in catalogue {catalogue}."),
    "indicator_unknown.fix": ("{suggestion}Xem các mã bằng «ntm catalogue show».", "{suggestion}List the ids with «ntm catalogue show»."),
    "value_conflict": ("Đơn vị {code}{name}, chỉ tiêu «{indicator}», năm {year}: trùng với dòng {other} nhưng khác giá trị "
                       "({value} ≠ {other_value}).",
                       "Unit {code}{name}, indicator «{indicator}», year {year}: same as row {other} with a different "
                       "value ({value} ≠ {other_value})."),
    "value_conflict.fix": ("Giữ một dòng với giá trị đúng (xóa dòng kia).", "Keep one row with the right value (delete the other)."),
    "value_duplicate": ("Dòng lặp lại y hệt dòng {other}; chỉ dùng một lần.", "Row repeats row {other} exactly; used once."),
    "value_duplicate.fix": ("Xóa dòng lặp.", "Delete the repeated row."),
    "region_unknown": ("Vùng «{value}» không có trong bộ tiêu chí {catalogue}: các ngưỡng riêng theo vùng (như thu nhập) "
                       "sẽ không áp dụng được.",
                       "Region «{value}» is not in catalogue {catalogue}: region-specific thresholds (such as income) "
                       "cannot apply."),
    "region_unknown.fix": ("Dùng mã hoặc tên vùng của bộ tiêu chí: {expected}; để trống để dùng vùng mặc định.",
                           "Use a region id or name of the catalogue: {expected}; leave it empty for the default region."),
    "group_invalid": ("Nhóm xã «{value}» không hợp lệ.", "Commune group «{value}» is not valid."),
    "group_invalid.fix": ("Ghi 1, 2 hoặc 3 (hoặc «nhóm 1»...); để trống nếu chưa xếp nhóm.",
                          "Write 1, 2 or 3 (or «nhóm 1»...); leave it empty when the unit has no group yet."),
    "indicator_unused": ("Chỉ tiêu đo «{value}» ({n} giá trị) không dùng trong bộ tiêu chí {catalogue}: giữ nguyên, bỏ qua khi đánh giá.",
                         "Measure «{value}» ({n} values) is not used by catalogue {catalogue}: kept, ignored in the assessment."),
    "indicator_unused.fix": ("Không cần sửa nếu đây là chỉ tiêu của giai đoạn khác; nếu không, kiểm tra mã bằng «ntm catalogue show».",
                             "Nothing to do if it belongs to another period's catalogue; otherwise check the id with «ntm catalogue show»."),
    "tier_unused": ("Hạng «{value}» ({n} quyết định) không có trong bộ tiêu chí {catalogue}: giữ nguyên, không dùng khi đánh giá.",
                    "Tier «{value}» ({n} recognitions) is not in catalogue {catalogue}: kept, not used in the assessment."),
    "tier_unused.fix": ("Không cần sửa nếu đây là hạng của giai đoạn khác (ví dụ nâng cao 2021-2025).",
                        "Nothing to do if it is a tier of another period (e.g. nâng cao 2021-2025)."),
    "code_unknown": ("Mã đơn vị «{value}» không có trong bảng units.", "Unit code «{value}» is not in the units table."),
    "code_unknown.fix": ("{suggestion}Thêm đơn vị vào units hoặc sửa mã (giữ số 0 ở đầu, ví dụ 06352).", "{suggestion}Add the unit to units or fix the code (keep leading zeros, e.g. 06352)."),
    "outside_validity": ("Đơn vị «{value}» không có hiệu lực năm {year} (hiệu lực {detail}).", "Unit «{value}» is not valid in {year} (valid {detail})."),
    "outside_validity.fix": ("Sửa năm, hoặc ghi giá trị cho đơn vị kế thừa{successor}.", "Fix the year, or enter the value for the successor unit{successor}."),
    "bool_invalid": ("«{value}» không phải giá trị đạt/không đạt.", "«{value}» is not a yes/no value."),
    "bool_invalid.fix": ("Dùng Đạt/Không đạt, Có/Không, x, 1/0 (hoặc yes/no, true/false).", "Use Đạt/Không đạt, Có/Không, x, 1/0 (or yes/no, true/false)."),
    "level_value_invalid": ("«{value}» không phải một mức của «{indicator}».", "«{value}» is not a level of «{indicator}»."),
    "level_value_invalid.fix": ("Dùng một trong: {expected} (hoặc số thứ tự 1–{n}, «mức độ 2»).", "Use one of: {expected} (or the rank 1–{n}, «mức độ 2»)."),
    "value_empty": ("Ô giá trị trống; coi là thiếu dữ liệu.", "The value is empty; treated as missing data."),
    "value_empty.fix": ("Điền giá trị (hoặc tử số và mẫu số), hoặc xóa dòng.", "Fill in the value (or numerator and denominator), or delete the row."),
    "assessed_by_unknown": ("Người đánh giá «{value}» không hợp lệ.", "Unknown assessor «{value}»."),
    "assessed_by_unknown.fix": ("Dùng self (tự đánh giá), district (huyện) hoặc province (tỉnh).", "Use self (tự đánh giá), district (huyện) or province (tỉnh)."),
    "tier_unknown": ("Hạng «{value}» không có trong bộ tiêu chí {catalogue}.", "Tier «{value}» is not in catalogue {catalogue}."),
    "tier_unknown.fix": ("{suggestion}Các hạng: {expected}.", "{suggestion}Tiers: {expected}."),
    "successor_missing": ("Đơn vị kế thừa «{value}» không có trong bảng units.", "Successor unit «{value}» is not in the units table."),
    "successor_missing.fix": ("{suggestion}Thêm đơn vị kế thừa vào units hoặc sửa successor_code.",
                              "{suggestion}Add the successor to units or correct successor_code."),
    "suggest": ("Có phải «{value}»? ", "Did you mean «{value}»? "),
}

MESSAGES.update(READ_MESSAGES)  # faults of files made by other programs: written next to their rules

REPORT: dict[str, tuple[str, str]] = {
    "summary": ("Bộ dữ liệu có {errors} lỗi và {warnings} cảnh báo.", "The dataset has {errors} errors and {warnings} warnings."),
    "error": ("Lỗi", "Error"),
    "warning": ("Cảnh báo", "Warning"),
    "row": ("dòng {row}", "row {row}"),
    "column": ("cột {column}", "column {column}"),
    "value": ("giá trị «{value}»", "value «{value}»"),
    "fix": ("Cách sửa: {fix}", "Fix: {fix}"),
    "general": ("(chung)", "(general)"),
    "more": ("… cùng lỗi này ở {n} dòng khác ({rows}). Danh sách đầy đủ: thêm --all-problems problems.csv vào lệnh "
             "ntm validate.",
             "… the same problem in {n} more rows ({rows}). The full list: add --all-problems problems.csv to "
             "ntm validate."),
    "rows": ("dòng {rows}", "rows {rows}"),
}
#: A rule found in more than this many rows of one file is shown for its first rows, then counted.
FLOOD = 5
SHOWN = 3


@dataclass(frozen=True)
class Problem:
    """One problem in one place of one file; ``rule`` is the message key (stable, for tests)."""

    severity: Severity
    file: str
    row: int | None
    column: str | None
    value: str | None
    message_vi: str
    message_en: str
    fix_vi: str
    fix_en: str
    rule: str = ""

    def message(self, lang: str = "vi") -> str:
        """Message in ``lang``."""
        return self.message_vi if lang == "vi" else self.message_en

    def fix(self, lang: str = "vi") -> str:
        """Fix in ``lang``."""
        return self.fix_vi if lang == "vi" else self.fix_en

    def render(self, lang: str = "vi") -> str:
        """One line: severity, row, column, value, message, then the fix."""
        where = [fmt(REPORT, "row", lang, row=self.row)] if self.row is not None else []
        if self.column:
            where.append(fmt(REPORT, "column", lang, column=self.column))
        if self.value is not None and self.value != "":
            where.append(fmt(REPORT, "value", lang, value=self.value))
        head = pick(REPORT[self.severity], lang) + (" — " + ", ".join(where) if where else "")
        return f"{head}: {self.message(lang)}\n    {fmt(REPORT, 'fix', lang, fix=self.fix(lang))}"


def _text(v: Any) -> str | None:
    """Display text of a cell value; None for NA."""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def problem(rule: str, file: str, row: Any = None, column: str | None = None, value: Any = None,
            severity: Severity = "error", **fields: Any) -> Problem:
    """Build a Problem from message key ``rule``; ``fields`` fill the message and fix templates."""
    text = _text(value)
    args = {"value": text if text is not None else "", "column": column or "", "other": "", "detail": "",
            "expected": "", "suggestion": "", **{k: (_text(v) if not isinstance(v, str) else v) or "" for k, v in fields.items()}}
    row_int = None if row is None or pd.isna(row) else int(row)
    return Problem(severity, file, row_int, column, text,
                   fmt(MESSAGES, rule, "vi", **args), fmt(MESSAGES, rule, "en", **args),
                   fmt(MESSAGES, rule + ".fix", "vi", **args), fmt(MESSAGES, rule + ".fix", "en", **args), rule)


def problems_at(rule: str, file: str, rows: pd.DataFrame, column: str | None, severity: Severity = "error",
                value_col: str | None = None, **columns: str) -> list[Problem]:
    """One Problem per row of ``rows`` (needs ``_row``); ``columns`` map template fields to columns,
    other keyword values are used as they are."""
    value_col = value_col or column
    out = []
    for rec in rows.to_dict("records"):  # one per problem row, not per data row
        fields = {k: rec.get(v, v) if isinstance(v, str) and v in rec else v for k, v in columns.items()}
        out.append(problem(rule, file, rec.get("_row"), column, rec.get(value_col) if value_col else None,
                           severity, **fields))
    return out


class DatasetError(Exception):
    """All problems found in a dataset (errors and warnings); raised when any is an error."""

    def __init__(self, problems: Iterable[Problem], lang: str = "vi"):
        self.problems: list[Problem] = list(problems)
        self.lang = lang
        super().__init__(self.render(lang))

    @property
    def errors(self) -> list[Problem]:
        """The problems of severity ``error``."""
        return [p for p in self.problems if p.severity == "error"]

    def render(self, lang: str = "vi") -> str:
        """Readable report grouped by file, rows in order, Vietnamese by default."""
        return render_problems(self.problems, lang)


def _number(n: int, lang: str) -> str:
    """6120 → ``6.120`` (vi) or ``6,120`` (en)."""
    return f"{n:,}".replace(",", "." if lang == "vi" else ",")


def render_problems(problems: Iterable[Problem], lang: str = "vi") -> str:
    """Problems grouped by file and sorted by row, with a one-line summary first. A rule that
    fails in more than ``FLOOD`` rows of a file is shown for its first ``SHOWN`` rows, then once
    with the count and the next rows (the full list: :func:`problems_table`)."""
    problems = list(problems)
    n_err = sum(p.severity == "error" for p in problems)
    lines = [fmt(REPORT, "summary", lang, errors=n_err, warnings=len(problems) - n_err)]
    files = list(dict.fromkeys(p.file for p in problems))
    for file in files:
        lines.append("")
        lines.append(file or pick(REPORT["general"], lang))
        group = sorted((p for p in problems if p.file == file), key=lambda p: (p.row is not None, p.row or 0))
        total: dict[tuple[str, str], int] = {}
        for p in group:
            total[(p.rule, p.severity)] = total.get((p.rule, p.severity), 0) + 1
        seen: dict[tuple[str, str], int] = {}
        for p in group:
            key = (p.rule, p.severity)
            seen[key] = seen.get(key, 0) + 1
            if total[key] <= FLOOD or seen[key] <= SHOWN:
                lines.append("  " + p.render(lang))
            if total[key] > FLOOD and seen[key] == SHOWN:
                rest = [q.row for q in group if (q.rule, q.severity) == key and q.row is not None][SHOWN:SHOWN + 5]
                rows = fmt(REPORT, "rows", lang, rows=", ".join(map(str, rest)) + (", …" if total[key] > SHOWN + 5 else ""))
                lines.append("  " + fmt(REPORT, "more", lang, n=_number(total[key] - SHOWN, lang), rows=rows))
    return "\n".join(lines)


def problems_table(problems: Iterable[Problem], lang: str = "vi") -> pd.DataFrame:
    """Every problem, one row each: ``severity``, ``file``, ``row``, ``column``, ``value``, ``rule``,
    ``message`` and ``fix`` in ``lang`` (for ``--all-problems``)."""
    return pd.DataFrame([{"severity": p.severity, "file": p.file, "row": p.row, "column": p.column, "value": p.value,
                          "rule": p.rule, "message": p.message(lang), "fix": p.fix(lang)} for p in problems],
                        columns=["severity", "file", "row", "column", "value", "rule", "message", "fix"]).astype({"row": "Int64"})


import difflib  # noqa: E402

import numpy as np  # noqa: E402

from ntm_analysis.io.names import LEVELS  # noqa: E402

#: Level of a unit → levels its parent may have (communes sit under the province from 01/7/2025).
ALLOWED_PARENTS: dict[str, tuple[str, ...]] = {
    "hamlet": ("village",), "village": ("commune",), "commune": ("district", "province"),
    "district": ("province",), "province": (),
}
_ALLOWED_PAIRS = pd.MultiIndex.from_tuples([(c, p) for c, ps in ALLOWED_PARENTS.items() for p in ps])


# --- cross-row and cross-table rules (vectorised) --------------------------------------------------


def _period(df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Validity as floats with open ends as ±inf."""
    lo = df["valid_from"].astype("Float64").astype("float64").fillna(-np.inf)
    hi = df["valid_to"].astype("Float64").astype("float64").fillna(np.inf)
    return lo, hi


def check_units(units: pd.DataFrame, file: str) -> list[Problem]:
    """Duplicate code within a validity period, validity order, parent missing / not valid,
    level order, cycles, and unknown successors."""
    lo, hi = _period(units)
    u = units.assign(_f=lo.to_numpy(), _t=hi.to_numpy(), _i=np.arange(len(units)))
    out = problems_at("validity_order", file, u[u["_f"] > u["_t"]], "valid_from", other="valid_to")

    pairs = u[["code", "_i", "_f", "_t", "_row"]].merge(u[["code", "_i", "_f", "_t", "_row"]], on="code", suffixes=("", "_b"))
    pairs = pairs[(pairs["_i"] > pairs["_i_b"]) & (np.maximum(pairs["_f"], pairs["_f_b"]) <= np.minimum(pairs["_t"], pairs["_t_b"]))]
    out += problems_at("code_duplicate", file, pairs.drop_duplicates("_i"), "code", other="_row_b")

    kids = u[u["parent_code"].notna() & (u["_f"] <= u["_t"])]
    known = kids["parent_code"].isin(u["code"])
    out += missing_references(kids, "parent_code", u["code"], "parent_missing", file)
    par = u[["code", "_i", "_f", "_t", "level"]].add_suffix("_p")
    cand = kids.merge(par, left_on="parent_code", right_on="code_p")
    cand = cand[np.maximum(cand["_f"], cand["_f_p"]) <= np.minimum(cand["_t"], cand["_t_p"])].drop_duplicates("_i")
    out += problems_at("parent_not_valid", file, kids[known & ~kids["_i"].isin(cand["_i"])], "parent_code")

    valid = cand[cand["level"].isin(LEVELS) & cand["level_p"].isin(LEVELS)]
    bad_order = ~pd.MultiIndex.from_frame(valid[["level", "level_p"]]).isin(_ALLOWED_PAIRS)
    shown = {lvl: f"{LEVEL_LABELS[lvl][0].lower()} ({lvl})" for lvl in LEVELS}
    wrong = valid[bad_order].assign(_lv=lambda d: d["level"].map(shown), _lp=lambda d: d["level_p"].map(shown))
    out += problems_at("level_order", file, wrong, "parent_code", level="_lv", other="_lp")

    parent = np.full(len(u), -1)
    parent[cand["_i"].to_numpy()] = cand["_i_p"].to_numpy()
    jump = parent.copy()
    for _ in range(int(np.ceil(np.log2(len(u) + 1))) + 1):  # pointer doubling: jump = parent^(2^k)
        jump = np.where(jump >= 0, jump[np.maximum(jump, 0)], -1)
    on_cycle = np.unique(jump[jump >= 0])
    codes = u["code"].to_numpy()
    chains = {}
    for i in on_cycle:  # only rows on a cycle: build the chain text for the message
        seq, j = [codes[i]], parent[i]
        while j != i and len(seq) <= len(on_cycle):
            seq.append(codes[j])
            j = parent[j]
        chains[i] = " → ".join([*seq, codes[i]])
    cyc = u.iloc[on_cycle].assign(_chain=[chains[i] for i in on_cycle])
    out += problems_at("parent_cycle", file, cyc, "parent_code", detail="_chain")

    # a unit split between several new units lists them all: "06613;06625" (admin.reference.SPLIT_SEP)
    each = u["successor_code"].dropna().str.split(SPLIT_SEP).explode().str.strip()
    succ = u.loc[each.index].assign(successor_code=each.to_numpy())  # one row per successor named
    out += missing_references(succ, "successor_code", u["code"], "successor_missing", file)
    return out


def _hinted(p: Problem, close: str) -> Problem:
    """``p`` with «Did you mean «close»?» before its fix."""
    vi, en = fmt(MESSAGES, "suggest", "vi", value=close), fmt(MESSAGES, "suggest", "en", value=close)
    return Problem(p.severity, p.file, p.row, p.column, p.value, p.message_vi, p.message_en,
                   vi + p.fix_vi, en + p.fix_en, p.rule)


def missing_references(df: pd.DataFrame, column: str, known: pd.Series, rule: str, file: str,
                       severity: Severity = "error") -> list[Problem]:
    """Rows whose ``column`` names no code of ``known``; a code that lost its leading zeros
    (``6358`` typed for ``06358``, or read as a number by a spreadsheet) suggests the padded one."""
    bad = df[df[column].notna() & ~df[column].isin(known)]
    if bad.empty:
        return []
    codes = pd.Series(known.dropna().astype(str).unique())
    padded = codes[codes.str.fullmatch(r"0+\d+")]
    by_digits = dict(zip(padded.str.lstrip("0"), padded))
    out = []
    for rec in bad.to_dict("records"):  # one per problem row
        p = problem(rule, file, rec["_row"], column, rec[column], severity=severity)
        value = str(rec[column])
        close = by_digits.get(value.lstrip("0")) if value.isdigit() else None
        out.append(_hinted(p, close) if close else p)
    return out


#: At most this many characters changed, added, removed or swapped from a known measure id make an
#: unknown id a typo (an error with a hint, per row); a farther id is another catalogue's measure
#: (kept, ignored, one warning per measure): field_roads_hard_pct is not a typo of field_roads_pct.
TYPO_EDITS = 2


def edits(a: str, b: str) -> int:
    """Characters to change between ``a`` and ``b`` (difflib's non-equal blocks, each counted by
    its longer side): 1 for a dropped letter, 2 for two swapped letters."""
    if abs(len(a) - len(b)) > TYPO_EDITS:
        return TYPO_EDITS + 1
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in ops if tag != "equal")


def suggestion(value: str, known: Iterable[str]) -> str:
    """``Có phải «x»?``-style hint (vi and en joined by the caller) from difflib; '' when nothing is close."""
    close = difflib.get_close_matches(str(value), sorted(known), n=1, cutoff=0.5)
    return close[0] if close else ""


def _unknown_ids(df: pd.DataFrame, column: str, known: set[str], rule: str, file: str, catalogue: str,
                 expected: str = "") -> list[Problem]:
    """Rows whose ``column`` is not in ``known``, each with the closest known id suggested."""
    bad = df[df[column].notna() & ~df[column].isin(known)]
    out = []
    close_to = {x: suggestion(x, known) for x in bad[column].unique()}  # a few distinct ids
    if rule in ("indicator_unknown", "tier_unknown"):  # a typo: an error per row; another catalogue's id: one warning
        typo = {x: any(edits(str(x), k) <= TYPO_EDITS for k in known) for x in close_to}
        far = bad[~bad[column].map(typo).astype(bool)]
        counts = far.groupby(column).size()
        unused = "indicator_unused" if rule == "indicator_unknown" else "tier_unused"
        out += problems_at(unused, file, far.drop_duplicates(column).assign(_n=far[column].map(counts)),
                           column, severity="warning", catalogue=catalogue, n="_n")
        bad = bad[bad[column].map(typo).astype(bool)]
    for rec in bad.to_dict("records"):
        close = close_to[rec[column]]
        p = problem(rule, file, rec["_row"], column, rec[column], catalogue=catalogue, expected=expected)
        out.append(_hinted(p, close) if close else p)
    return out


def _year_text(s: pd.Series) -> pd.Series:
    """Years as text, open ends as '…'."""
    return s.map(lambda x: "…" if np.isinf(x) else str(int(x))).astype("str")


def check_values(values: pd.DataFrame, units: pd.DataFrame | None, measures: pd.DataFrame | None,
                 file: str, catalogue: str) -> tuple[list[Problem], pd.DataFrame]:
    """Catalogue ids, unit codes and validity, duplicates, percent range and fraction hint,
    numerator ≤ denominator, negative counts. Returns the problems and the values with identical
    duplicate rows dropped. ``values`` carries a ``kind`` column (NA when unknown)."""
    out: list[Problem] = []
    if measures is not None:
        out += _unknown_ids(values, "indicator", set(measures["measure"]), "indicator_unknown", file, catalogue)

    if units is not None:
        known = values["code"].isin(units["code"])
        out += missing_references(values, "code", units["code"], "code_unknown", file)
        lo, hi = _period(units)
        per = units[["code", "successor_code"]].assign(_f=lo.to_numpy(), _t=hi.to_numpy())
        m = values.loc[known, ["code", "year", "_row"]].reset_index().merge(per, on="code")
        yr = m["year"].astype("Float64").astype("float64")
        m["_in"] = (yr >= m["_f"]) & (yr <= m["_t"])
        fits = m.groupby("index")["_in"].any()
        outside = m[m["index"].isin(fits.index[~fits]) & m["year"].notna()].drop_duplicates("index")
        outside = outside.assign(
            _detail=_year_text(outside["_f"]) + "–" + _year_text(outside["_t"]),
            _succ=(" (" + outside["successor_code"].astype("str") + ")").fillna(""))
        out += problems_at("outside_validity", file, outside, "year", value_col="code",
                           year="year", detail="_detail", successor="_succ")

    key = ["code", "year", "indicator"]
    dup = values[values.duplicated(key, keep=False) & values[key].notna().all(axis=1)]
    if len(dup):
        first = dup.drop_duplicates(key)[key + ["value", "_row"]].rename(columns={"value": "_v0", "_row": "_r0"})
        later = dup[dup.duplicated(key, keep="first")].reset_index().merge(first, on=key)
        same = (later["value"] == later["_v0"]) | (later["value"].isna() & later["_v0"].isna())
        names = units.drop_duplicates("code").set_index("code")["name"] if units is not None else pd.Series(dtype=str)
        clash = later[~same].assign(_name=lambda d: (" " + d["code"].map(names).astype("string")).fillna(""))
        out += problems_at("value_conflict", file, clash, "value", other="_r0", other_value="_v0", code="code",
                           name="_name", indicator="indicator", year="year")
        out += problems_at("value_duplicate", file, later[same], "value", severity="warning", other="_r0")
        values = values.drop(index=later.loc[same, "index"])

    over = values["numerator"] > values["denominator"]
    pct = values[(values["kind"] == "percent") & ~over.fillna(False)]
    out += problems_at("percent_range", file, pct[(pct["value"] < 0) | (pct["value"] > 100)], "value")
    pv = pct[pct["value"].notna()]
    keys = [pv["indicator"], pv["code"]]
    frac = (pv["value"].groupby(keys).transform("max") <= 1) & (
        ((pv["value"] > 0) & (pv["value"] < 1)).groupby(keys).transform("any"))
    hint = pv[frac].assign(_n=pv["value"].groupby(keys).transform("size")[frac]).drop_duplicates(["indicator", "code"])
    out += problems_at("percent_fraction", file, hint, "value", severity="warning",
                       indicator="indicator", code="code", n="_n")

    both = values[values["numerator"].notna() & values["denominator"].notna()]
    out += problems_at("num_gt_den", file, both[both["numerator"] > both["denominator"]], "numerator", other="denominator")
    cnt = values[(values["kind"] == "count") & (values["value"] < 0)]
    out += problems_at("negative", file, cnt, "value")
    return out, values


def check_recognitions(recs: pd.DataFrame, units: pd.DataFrame | None, tiers: list[str] | None,
                       file: str, catalogue: str) -> list[Problem]:
    """Recognised units must exist; tiers must be catalogue tiers (closest one suggested)."""
    out: list[Problem] = []
    if units is not None:
        out += missing_references(recs, "code", units["code"], "code_unknown", file)
    if tiers is not None:
        out += _unknown_ids(recs, "tier", set(tiers), "tier_unknown", file, catalogue, expected=", ".join(tiers))
    return out


def check_regions(units: pd.DataFrame, catalogue: Any, file: str) -> list[Problem]:
    """A warning for each distinct ``region`` that names no region of the catalogue (by id or name):
    thresholds set for a region would silently not apply to that unit."""
    from ntm_analysis.catalogue.model import region_ids  # noqa: PLC0415

    regions = catalogue.meta.get("regions") or [] if catalogue is not None else []
    if "region" not in units or not regions:
        return []
    written = units["region"].astype("string").str.strip()
    known = {str(r.get("id")) for r in regions}
    bad = units.assign(_id=region_ids(catalogue, written))
    bad = bad[written.notna() & written.ne("") & ~bad["_id"].isin(known)].drop_duplicates("region")
    expected = ", ".join(f"{r.get('id')} ({r.get('vi')})" for r in regions)
    return problems_at("region_unknown", file, bad, "region", severity="warning",
                       catalogue=str(catalogue.meta.get("id", "")), expected=expected)
