"""Problems found in a dataset, the error that carries all of them, and the rendering in vi/en.

Every rule reports a ``Problem`` naming file, row (as the user sees it: header = row 1), column and
value, with a message and a fix in Vietnamese and English. Rules never stop at the first problem:
``load_dataset`` collects them all and raises one ``DatasetError``. Types, required columns, allowed
values and ranges are pandera schemas (lazy, so every failure is reported); the cross-row and
cross-table rules (hierarchy, validity, catalogue ids) are vectorised checks below; the rules of the
values table (duplicates, validity of the year, percent ranges...) are ``value_checks.py`` (polars).
The (vi, en) message table of the rules is :mod:`ntm_analysis.io.problem_messages`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Literal

import pandas as pd

from ntm_analysis.admin.reference import SPLIT_SEP
from ntm_analysis.errors import NtmError
from ntm_analysis.i18n import LEVEL_LABELS, fmt, pick
from ntm_analysis.io.problem_messages import MESSAGES

Severity = Literal["error", "warning"]


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


def problems_at(rule: str, file: str, rows: Any, column: str | None, severity: Severity = "error",
                value_col: str | None = None, **columns: str) -> list[Problem]:
    """One Problem per row of ``rows`` (a pandas or polars frame with ``_row``); ``columns`` map
    template fields to columns, other keyword values are used as they are."""
    value_col = value_col or column
    out = []
    records = rows.to_dict("records") if isinstance(rows, pd.DataFrame) else rows.to_dicts()
    for rec in records:  # one per problem row, not per data row
        fields = {k: rec.get(v, v) if isinstance(v, str) and v in rec else v for k, v in columns.items()}
        out.append(problem(rule, file, rec.get("_row"), column, rec.get(value_col) if value_col else None,
                           severity, **fields))
    return out


class DatasetError(NtmError):
    """All problems found in a dataset (errors and warnings); raised when any is an error."""

    def __init__(self, problems: Iterable[Problem], lang: str = "vi"):
        self.problems: list[Problem] = list(problems)
        self.lang = lang
        super().__init__(self.render("vi"), self.render("en"))

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


def isin(s: pd.Series, known: Any) -> pd.Series:
    """``s.isin(known)`` compared as Python objects: pandas' string arrays take ~20x longer."""
    values = known.astype(object) if isinstance(known, pd.Series) else pd.Series(list(known), dtype=object)
    return s.astype(object).isin(values).astype(bool)


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
    known = isin(kids["parent_code"], u["code"])
    out += missing_references(kids, "parent_code", u["code"], "parent_missing", file)
    par = u[["code", "_i", "_f", "_t", "level"]].add_suffix("_p")
    cand = kids.merge(par, left_on="parent_code", right_on="code_p")
    cand = cand[np.maximum(cand["_f"], cand["_f_p"]) <= np.minimum(cand["_t"], cand["_t_p"])].drop_duplicates("_i")
    out += problems_at("parent_not_valid", file, kids[known & ~kids["_i"].isin(cand["_i"])], "parent_code")

    valid = cand[isin(cand["level"], LEVELS) & isin(cand["level_p"], LEVELS)]
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
    bad = df[df[column].notna() & ~isin(df[column], known)]
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


def unknown_ids(df: pd.DataFrame, column: str, known: set[str], rule: str, file: str, catalogue: str,
                 expected: str = "") -> list[Problem]:
    """Rows whose ``column`` is not in ``known``, each with the closest known id suggested."""
    bad = df[df[column].notna() & ~isin(df[column], known)]
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


def check_recognitions(recs: pd.DataFrame, units: pd.DataFrame | None, tiers: list[str] | None,
                       file: str, catalogue: str) -> list[Problem]:
    """Recognised units must exist; tiers must be catalogue tiers (closest one suggested)."""
    out: list[Problem] = []
    if units is not None:
        out += missing_references(recs, "code", units["code"], "code_unknown", file)
    if tiers is not None:
        out += unknown_ids(recs, "tier", set(tiers), "tier_unknown", file, catalogue, expected=", ".join(tiers))
    return out


def check_regions(units: pd.DataFrame, catalogue: Any, file: str) -> list[Problem]:
    """A warning for each distinct ``region`` that names no region of the catalogue (by id or name):
    thresholds set for a region would silently not apply to that unit."""
    regions = catalogue.meta.get("regions") or [] if catalogue is not None else []
    if "region" not in units or not regions:
        return []
    written = units["region"].astype("string").str.strip()
    known = {str(r.get("id")) for r in regions}
    bad = units.assign(_id=catalogue.region_ids(written))
    bad = bad[written.notna() & written.ne("") & ~bad["_id"].isin(known)].drop_duplicates("region")
    expected = ", ".join(f"{r.get('id')} ({r.get('vi')})" for r in regions)
    return problems_at("region_unknown", file, bad, "region", severity="warning",
                       catalogue=str(catalogue.meta.get("id", "")), expected=expected)
