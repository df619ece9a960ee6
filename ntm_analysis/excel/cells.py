"""Typed cells of a filled entry template: what a cell holds (as the text written to values.csv)
and the checks that need the template's context, each reported at its sheet and cell.

LibreOffice Calc and Excel store what an officer types, not what he meant: ``95%`` typed into a
cell that keeps the template's number format ``0.0##`` is stored as 0.95 with nothing marking it a
percent; ``1/2`` becomes a date serial (46 024); ``1.234,5`` becomes 1234.5. The checks here are
the ones only the template can make (the loader, ``io.dataset.load_dataset``, knows nothing of cells
and formats; every other value rule is the loader's and is reported at the cell by the importer):

- a formula without a stored result, a date or time value, a cell with a date/time number format,
  or a whole number in the range of date serials of 2000-2100 where the unit's other values and the
  thresholds of the measure are far smaller (``date_serial``): refused;
- a ratio measure (``rollup: ratio``, roll-up = 100 × Σ numerator / Σ denominator) entered without
  both numerator and denominator: refused, so that nothing stored is lost and the commune's roll-up
  stays computable (``ratio_parts``);
- a percent in (0, 1] in a cell not formatted as a percent, where the unit's other values of the
  measure or a "≥" threshold are above 1: refused with the fix "type 95, not 95%" (``percent_sign``);
  where the measure only has "≤" thresholds (a poverty rate of 0,8 % is plausible) it is a warning;
- a count that is not a whole number (``count_fraction``), a percentage that differs from 100 ×
  numerator / denominator by more than :data:`RATIO_TOLERANCE` points (``ratio_mismatch``): refused;
- a number at least 10 × the largest of the unit's other values and the thresholds (``magnitude``,
  e.g. an income typed ``1.234,5``) and a number typed as text with a thousands dot (``thousands``):
  warnings shown with the preview.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

import numpy as np
import pandas as pd

from ntm_analysis.excel.common import ENTRY_FIELDS, CellProblem, cell_problem, number_text
from ntm_analysis.i18n import fmt
from ntm_analysis.io.cells import uncalculated_formula

#: Whole numbers in this range are date serials of 2000-01-01 .. 2100-12-31 (1900 date system).
DATE_SERIALS = (36526, 73415)
#: Largest difference, in percentage points, between a typed percentage and 100 × numerator /
#: denominator taken as rounding (a percentage rounded to a whole number).
RATIO_TOLERANCE = 0.5
#: A value this many times the largest of the unit's other values and the thresholds is questioned.
MAGNITUDE = 10.0
THOUSANDS_TEXT = re.compile(r"^\s*-?\d{1,3}(\.\d{3})+(,\d+)?\s*%?\s*$")

MESSAGES: dict[str, tuple[str, str]] = {
    "date": ("«{value}» là ngày tháng, không phải số (gõ dấu / thì Excel, LibreOffice đổi thành ngày). "
             "Gõ lại số, ví dụ 95,5.",
             "«{value}» is a date, not a number (Excel and LibreOffice turn text with / into a date). "
             "Type the number again, e.g. 95.5."),
    "date_format": ("ô có định dạng ngày/giờ «{format}» (giá trị {value}): gõ dấu / làm ô thành ngày tháng. "
                    "Xóa ô và gõ lại số, ví dụ 95,5.",
                    "the cell has a date/time format «{format}» (value {value}): typing / turned it into a date. "
                    "Clear the cell and type the number again, e.g. 95.5."),
    "date_serial": ("{value} có vẻ là ngày {date} (gõ dấu / thì ô thành ngày tháng), trong khi giá trị khác của "
                    "đơn vị và ngưỡng không quá {ref}. Gõ lại số, ví dụ 0,5 thay cho 1/2.",
                    "{value} looks like the date {date} (typing / turns a cell into a date) while the unit's other "
                    "values and the thresholds are at most {ref}. Type the number again, e.g. 0.5 instead of 1/2."),
    "formula": ("ô chứa công thức «{value}» chưa được tính; mở tệp bằng Excel hoặc LibreOffice và lưu lại, hoặc gõ số.",
                "the cell holds a formula «{value}» that was never calculated; open and save the file in Excel or "
                "LibreOffice, or type the number."),
    "not_number": ("«{value}» không phải là số.", "«{value}» is not a number."),
    "ratio_parts": ("chỉ tiêu tính theo tỷ lệ: cần cả tử số (ô {num}) và mẫu số (ô {den}); {missing} còn trống. "
                    "Chỉ có tỷ lệ thì không cộng dồn được lên xã và tử số, mẫu số đã có sẽ bị mất. "
                    "Gõ tử số và mẫu số (ô tỷ lệ có thể để trống: chương trình tự tính).",
                    "ratio indicator: both the numerator (cell {num}) and the denominator (cell {den}) are needed; "
                    "{missing} is empty. A percent alone cannot be rolled up to the commune and would erase the "
                    "stored numerator and denominator. Type both (the percent cell may stay empty: it is computed)."),
    "percent_sign": ("«{value}» nằm trong 0-1 nhưng chỉ tiêu tính theo % ({context}): LibreOffice/Excel lưu "
                         "«95%» thành 0,95. Gõ 95, không gõ 95%.",
                         "«{value}» is within 0-1 but the indicator is a percentage ({context}): LibreOffice/Excel "
                         "store «95%» as 0.95. Type 95, not 95%."),
    "percent_sign_low": ("«{value}» nằm trong 0-1 ({context}); được nhập là {value} %. Nếu ý là {x100} %, gõ {x100} "
                             "(không gõ dấu %).",
                             "«{value}» is within 0-1 ({context}); imported as {value} %. If you meant {x100} %, "
                             "type {x100} (without the % sign)."),
    "context_others": ("giá trị các năm khác của đơn vị: {values}", "the unit's values in other years: {values}"),
    "context_threshold": ("ngưỡng {values}", "threshold {values}"),
    "magnitude": ("{value} lớn gấp {times} lần giá trị lớn nhất khác của đơn vị và ngưỡng ({ref}); kiểm tra dấu chấm, "
                  "dấu phẩy (1.234,5 là một nghìn hai trăm ba mươi tư phẩy năm).",
                  "{value} is {times} times the unit's largest other value and threshold ({ref}); check the dots and "
                  "commas (1.234,5 is one thousand two hundred thirty-four point five)."),
    "thousands": ("«{text}» có dấu chấm phân cách hàng nghìn: đọc là {value}. Nếu không đúng, gõ lại không có dấu chấm "
                  "(dấu phẩy là dấu thập phân).",
                  "«{text}» has a thousands dot: read as {value}. If that is wrong, type it without the dot "
                  "(the comma is the decimal mark)."),
    "unit_invalid": ("mẫu lập cho {name} ({code}) năm {year}, nhưng trong bộ dữ liệu mã {code} {detail}. Không nhập số liệu "
                     "của đơn vị này; tạo mẫu mới bằng «ntm template» với đơn vị hiện hành.",
                     "the template was made for {name} ({code}) in {year}, but in the dataset code {code} {detail}. "
                     "Its values are not imported; make a new template with «ntm template» for the current unit."),
    "unit_absent": ("không có", "does not exist"),
    "unit_period": ("chỉ có hiệu lực {period}{successor}", "is valid only in {period}{successor}"),
    "successor": (" (đơn vị kế thừa: {code})", " (successor: {code})"),
    "unit_renamed": ("mẫu ghi đơn vị «{name}», bộ dữ liệu năm {year} gọi mã {code} là «{current}». Kiểm tra đúng đơn vị; "
                     "số liệu được nhập theo mã {code}.",
                     "the template names the unit «{name}», the dataset calls code {code} «{current}» in {year}. Check "
                     "that it is the right unit; values are imported by code {code}."),
    "count_fraction": ("số lượng phải là số nguyên, không phải {value}. Gõ số nguyên (dấu phẩy là dấu thập phân).",
                       "a count must be a whole number, not {value}. Type a whole number (a comma is a decimal mark)."),
    "ratio_mismatch": ("tỷ lệ {value} % khác 100 × tử số / mẫu số = {computed} % (ô {num}, {den}). Sửa cho khớp, hoặc để "
                       "trống ô tỷ lệ để tính từ tử số và mẫu số.",
                       "the percentage {value} differs from 100 × numerator / denominator = {computed} (cells {num}, "
                       "{den}). Make them agree, or leave the percentage empty to compute it."),
    "both": ("tử số và mẫu số", "numerator and denominator"),
    "num": ("tử số", "numerator"),
    "den": ("mẫu số", "denominator"),
}


def _number_format_kind(fmt_text: str | None) -> str:
    """``percent``, ``date`` or ``number`` for an Excel number format (quoted text and colours ignored)."""
    from openpyxl.styles.numbers import is_date_format  # noqa: PLC0415

    text = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", fmt_text or "")
    if "%" in text:
        return "percent"
    return "date" if fmt_text and is_date_format(fmt_text) else "number"


def read_cell(cell: Any, formula_cell: Any, kind: str, field_name: str, sheet: str) -> tuple[Any, bool, CellProblem | None]:
    """The content of an entry cell as the text to store in values.csv (NA when empty), whether
    the cell is formatted as a percent, and the problem (or None).

    Numbers are written with a dot and no grouping (``95.5``); a number in a percent-formatted cell
    (Excel and LibreOffice store ``95,5%`` as 0.955 and switch the format) is scaled back to 0-100;
    text is kept as typed for the loader (NFC, trimmed, one leading apostrophe removed)."""
    v, raw = cell.value, formula_cell.value
    where = dict(sheet=sheet, cell=cell.coordinate)
    fkind = _number_format_kind(cell.number_format)
    if uncalculated_formula(v, raw):
        return pd.NA, False, cell_problem(MESSAGES, "formula", value=raw, rule="formula", **where)
    if v is None:
        return pd.NA, False, None
    if isinstance(v, (dt.datetime, dt.date, dt.time)):
        shown = v.strftime("%d/%m/%Y") if isinstance(v, (dt.datetime, dt.date)) else v.isoformat()
        return pd.NA, False, cell_problem(MESSAGES, "date", value=shown, rule="date", **where)
    if isinstance(v, bool):
        if kind == "boolean" and field_name == "value":
            return ("Đạt" if v else "Không đạt"), False, None
        return pd.NA, False, cell_problem(MESSAGES, "not_number", value=v, rule="not_number", **where)
    if isinstance(v, (int, float)):
        if fkind == "date":
            return pd.NA, False, cell_problem(MESSAGES, "date_format", format=cell.number_format, value=number_text(float(v)),
                                              rule="date", **where)
        x = float(v)
        percent_cell = kind == "percent" and field_name == "value" and fkind == "percent"
        return number_text(x * 100 if percent_cell else x), percent_cell, None
    text = unicodedata.normalize("NFC", str(v)).strip()
    text = text[1:].strip() if text.startswith("'") else text
    return (text if text else pd.NA), False, None


def _num(x: float | list[float], lang: str) -> str:
    """A number (or a list of numbers) in ``lang``: decimal comma and ``;`` between numbers in
    Vietnamese, decimal point and ``,`` in English; no float noise."""
    if isinstance(x, (list, tuple)):
        return ("; " if lang == "vi" else ", ").join(_num(v, lang) for v in x)
    text = number_text(float(x))
    return text.replace(".", ",") if lang == "vi" else text


def _problem(key: str, sheet: str | None, cell: str | None, severity: str = "error", rule: str = "",
             nums: dict[str, Any] | None = None, **args: Any) -> CellProblem:
    """A CellProblem of message ``key``; ``nums`` are numbers (or lists) shown in each language's way."""
    texts = [MESSAGES[key][k].format(**args, **{n: _num(v, lang) for n, v in (nums or {}).items()})
             for k, lang in ((0, "vi"), (1, "en"))]
    return CellProblem(sheet, cell, texts[0], texts[1], severity, rule or key)


def entry_checks(entries: pd.DataFrame, measures: pd.DataFrame, others: pd.DataFrame,
                 thresholds: pd.DataFrame) -> list[CellProblem]:
    """Problems of entered cells that need the template's context (module docstring).

    ``entries``: ``read_template`` rows (``code``, ``year``, ``indicator``, ``value``, ``numerator``,
    ``denominator`` as text, ``percent_cell``, ``sheet``, ``cell_*``); ``measures``: the catalogue's
    (``measure``, ``kind``, ``rollup``); ``others``: the dataset's stored values (``code``, ``year``,
    ``indicator``, ``value``) of the same units; ``thresholds``: per measure, ``comparator`` and
    numeric ``threshold`` of every indicator using it in the year."""
    from ntm_analysis.io.dataset import parse_numbers  # noqa: PLC0415

    if entries.empty:
        return []
    meas = measures.set_index("measure")
    kind = entries["indicator"].map(meas["kind"])
    rollup = entries["indicator"].map(meas["rollup"])
    value = parse_numbers(entries["value"].where(kind.isin(["percent", "number", "count"])))[0]
    num, den = parse_numbers(entries["numerator"])[0], parse_numbers(entries["denominator"])[0]
    typed = {f: entries[f].notna() for f in ENTRY_FIELDS}
    prior = others[(others["year"] != entries["year"].iloc[0]) & others["value"].notna()]
    prior_max = prior.groupby(["code", "indicator"])["value"].max()
    prior_list = prior.sort_values("year").groupby(["code", "indicator"])["value"].agg(lambda s: list(s[-3:]))
    thr = thresholds[pd.to_numeric(thresholds["threshold"], errors="coerce").notna()].astype({"threshold": "float64"})
    thr_max = thr.groupby("measure")["threshold"].max()
    ge_max = thr[thr["comparator"].isin([">=", "=="])].groupby("measure")["threshold"].max()
    thr_list = thr.groupby("measure")["threshold"].agg(lambda s: list(dict.fromkeys(s)))
    out: list[CellProblem] = []
    for i, e in enumerate(entries.itertuples(index=False)):  # entered cells of one workbook
        key = (e.code, e.indicator)
        x = value.iloc[i]
        where = dict(sheet=e.sheet, cell=e.cell_value)
        if rollup.iloc[i] == "ratio" and not (typed["numerator"].iloc[i] and typed["denominator"].iloc[i]):
            missing = "both" if not (typed["numerator"].iloc[i] or typed["denominator"].iloc[i]) else (
                "num" if not typed["numerator"].iloc[i] else "den")
            empty = e.cell_numerator if missing != "den" else e.cell_denominator
            first = e.cell_value if typed["value"].iloc[i] else empty
            out.append(CellProblem(e.sheet, first, *(
                MESSAGES["ratio_parts"][k].format(num=e.cell_numerator, den=e.cell_denominator, missing=MESSAGES[missing][k])
                for k in (0, 1)), rule="ratio_parts"))
        if pd.isna(x) or not typed["value"].iloc[i]:
            continue
        if kind.iloc[i] == "count" and not float(x).is_integer():
            out.append(_problem("count_fraction", nums=dict(value=x), **where))
            continue
        if kind.iloc[i] == "percent" and den.iloc[i] > 0 and abs(x - 100 * num.iloc[i] / den.iloc[i]) > RATIO_TOLERANCE:
            out.append(_problem("ratio_mismatch", nums=dict(value=x, computed=round(100 * num.iloc[i] / den.iloc[i], 2)),
                                num=e.cell_numerator, den=e.cell_denominator, **where))
            continue
        ref_other = prior_max.get(key, np.nan)
        ref_thr = thr_max.get(e.indicator, np.nan)
        ref = np.nanmax([ref_other, ref_thr, 0.0])
        ctx = [("context_others", prior_list[key]) if key in prior_list.index else None,
               ("context_threshold", thr_list[e.indicator]) if e.indicator in thr_list.index else None]
        context = tuple("; ".join(MESSAGES[c][k].format(values=_num(v, lang)) for c, v in filter(None, ctx))
                        for k, lang in ((0, "vi"), (1, "en")))
        if kind.iloc[i] == "percent" and 0 < x <= 1 and not e.percent_cell and ref > 1:
            strong = (ref_other > 1) or (ge_max.get(e.indicator, 0) > 1)
            rule = "percent_sign" if strong else "percent_sign_low"
            out.append(CellProblem(e.sheet, e.cell_value, *(
                MESSAGES[rule][k].format(value=_num(x, lang), context=context[k], x100=_num(x * 100, lang))
                for k, lang in ((0, "vi"), (1, "en"))), severity="error" if strong else "warning", rule=rule))
            continue
        if kind.iloc[i] in ("number", "count") and float(x).is_integer() and DATE_SERIALS[0] <= x <= DATE_SERIALS[1] \
                and 0 < ref < x / 100:
            date = (dt.date(1899, 12, 30) + dt.timedelta(days=int(x))).strftime("%d/%m/%Y")
            out.append(_problem("date_serial", rule="date", nums=dict(value=x, ref=ref), date=date, **where))
            continue
        if ref > 0 and abs(x) >= MAGNITUDE * ref:
            out.append(_problem("magnitude", severity="warning", nums=dict(value=x, ref=ref), times=f"{abs(x) / ref:.0f}",
                                **where))
        text = str(e.value)
        if THOUSANDS_TEXT.match(text):
            out.append(_problem("thousands", severity="warning", text=text, nums=dict(value=x), **where))
    return out


def unit_checks(marker: dict[str, Any], units: pd.DataFrame) -> tuple[list[CellProblem], set[str]]:
    """Every unit of the template checked against the dataset's units table in the template's
    year: a code that does not exist then is an error (its values are left out, so its cells are
    named once, not once per value); a name that differs from the one the template shows is a
    warning. Returns the problems and the codes left out."""
    from ntm_analysis.assess.rollup import valid_in  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    year = int(marker["year"])
    out: list[CellProblem] = []
    invalid: set[str] = set()
    seen: set[str] = set()
    for sheet in marker["layout"]["sheets"]:
        for b in sheet["blocks"]:
            code = b["code"]
            shown = b.get("name") or (marker.get("unit_name") if code == marker["unit_code"] else None)
            if code in seen:
                continue
            seen.add(code)
            where = dict(sheet=sheet["name"], cell=f"{get_column_letter(b['col'])}{sheet['code_row']}")
            rows = units[units["code"] == code]
            live = rows[valid_in(rows, year)]
            if live.empty:
                if rows.empty:
                    detail = (MESSAGES["unit_absent"][0], MESSAGES["unit_absent"][1])
                else:
                    last = rows.iloc[-1]
                    period = f"{_year(last.get('valid_from'))}–{_year(last.get('valid_to'))}"
                    succ = last.get("successor_code")
                    detail = tuple(fmt(MESSAGES, "unit_period", lang, period=period, successor=fmt(
                        MESSAGES, "successor", lang, code=succ) if isinstance(succ, str) and succ else "") for lang in ("vi", "en"))
                args = dict(name=shown or code, code=code, year=year)
                out.append(CellProblem(where["sheet"], where["cell"], fmt(MESSAGES, "unit_invalid", "vi", detail=detail[0], **args),
                                       fmt(MESSAGES, "unit_invalid", "en", detail=detail[1], **args), "error", "unit_invalid"))
                invalid.add(code)
            elif shown and str(live.iloc[-1]["name"]) != str(shown):
                out.append(cell_problem(MESSAGES, "unit_renamed", severity="warning", name=shown, current=live.iloc[-1]["name"],
                                        code=code, year=year, **where))
    return out, invalid


def _year(x: Any) -> str:
    """A validity year as text ('…' when open)."""
    return "…" if x is None or pd.isna(x) else str(int(x))


def template_thresholds(catalogue: Any, units: pd.DataFrame, marker: dict[str, Any]) -> pd.DataFrame:
    """``measure``, ``comparator``, ``threshold`` of every indicator in the template's year, for the
    region (threshold attribute) of the template's unit."""
    attr = catalogue.meta.get("threshold_by") or "region"
    root = units[units["code"] == marker["unit_code"]]
    region = root[attr].dropna().iloc[-1] if attr in root and root[attr].notna().any() else None
    thr = catalogue.threshold_table(int(marker["year"]), region or catalogue.meta.get("default_region") or "")
    ind = catalogue.indicators[["tier", "indicator", "measure", "comparator"]]
    return ind.merge(thr[["tier", "indicator", "threshold"]], on=["tier", "indicator"])

