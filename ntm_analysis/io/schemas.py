"""The pandera schemas of the dataset tables: required columns and cells, types, allowed values
and ranges. Failures are collected lazily and turned into :class:`validation.Problem` at the user's
row (the cross-row and cross-table rules are in ``validation.py``).
"""

from __future__ import annotations

import datetime

import pandas as pd
import pandera.pandas as pa

from ntm_analysis.io.names import LEVELS
from ntm_analysis.io.validation import MESSAGES, Problem, problem


YEAR_LO = 1990
ASSESSORS: tuple[str, ...] = ("self", "district", "province")
#: Columns every table must have (cells of ``parent_code`` and ``value`` may be empty).
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "units": ("code", "name", "level", "parent_code"),
    "values": ("code", "year", "indicator", "value"),
    "recognitions": ("code", "tier", "year"),
    "groups": ("code", "year", "group"),
}
NULLABLE = {"parent_code", "value"}

def year_hi() -> int:
    """Latest plausible year: this year + 10 (plans look ahead)."""
    return datetime.date.today().year + 10


def required_schema(table: str) -> pa.DataFrameSchema:
    """Required columns present, required cells filled."""
    return pa.DataFrameSchema({c: pa.Column(nullable=c in NULLABLE) for c in REQUIRED_COLUMNS[table]})


def typed_schema(table: str) -> pa.DataFrameSchema:
    """Allowed values and ranges of the parsed table; each check's ``error`` is its message key."""
    years = pa.Check(lambda s: s.between(YEAR_LO, year_hi()), error="year_range")
    nonneg = pa.Check(lambda s: s >= 0, error="negative")
    opt = dict(nullable=True, required=False)
    cols = {
        "units": {
            "level": pa.Column(checks=pa.Check(lambda s: s.isin(LEVELS), error="level_unknown"), nullable=True),
            "valid_from": pa.Column(checks=years, **opt), "valid_to": pa.Column(checks=years, **opt),
            "households": pa.Column(checks=nonneg, **opt), "population": pa.Column(checks=nonneg, **opt),
        },
        "values": {
            "year": pa.Column(checks=years, nullable=True),
            "numerator": pa.Column(checks=nonneg, **opt), "denominator": pa.Column(checks=nonneg, **opt),
            "assessed_by": pa.Column(checks=pa.Check(lambda s: s.isin(ASSESSORS), error="assessed_by_unknown"), **opt),
        },
        "recognitions": {"year": pa.Column(checks=years, nullable=True)},
        "groups": {"year": pa.Column(checks=years, nullable=True)},
    }[table]
    return pa.DataFrameSchema(cols)


def schema_problems(df: pd.DataFrame, schema: pa.DataFrameSchema, file: str, table: str) -> list[Problem]:
    """Run ``schema`` lazily and turn every failure case into a Problem at the user's row."""
    try:
        schema.validate(df, lazy=True)
        return []
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    out = []
    rows = df["_row"] if "_row" in df.columns else pd.Series(dtype="Int64")
    for rec in cases.to_dict("records"):  # one per failure
        check, column = str(rec["check"]), rec["column"]
        if check == "column_in_dataframe":
            out.append(problem("column_missing", file, 1, str(rec["failure_case"]),
                               expected=", ".join(REQUIRED_COLUMNS[table])))
            continue
        rule = "required_empty" if check == "not_nullable" else check
        if rule not in MESSAGES:
            rule = "number_invalid"
        idx = rec["index"]
        row = rows.get(idx) if idx is not None and not pd.isna(idx) else None
        value = None if rule == "required_empty" else rec["failure_case"]
        out.append(problem(rule, file, row, column, value, lo=YEAR_LO, hi=year_hi()))
    return out
