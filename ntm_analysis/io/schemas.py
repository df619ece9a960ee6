"""The pandera schemas of the dataset tables: required columns and cells, types, allowed values
and ranges. Failures are collected lazily and turned into :class:`validation.Problem` at the user's
row (the cross-row and cross-table rules are in ``validation.py`` and ``value_checks.py``).

Each schema is written once with pandera's built-in checks and built for the library of the table
checked: pandas (units after normalising) or polars (the text tables as read, the values table).
"""

from __future__ import annotations

import datetime

import pandas as pd
import pandera.pandas as pa
import pandera.polars as pap
import polars as pl

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
#: The columns of each table after normalising, in order (absent optional ones added empty).
COLUMNS: dict[str, list[str]] = {
    "units": ["code", "name", "type", "level", "parent_code", "region", "group", "households", "population",
              "valid_from", "valid_to", "successor_code"],
    "values": ["code", "year", "indicator", "value", "numerator", "denominator", "source", "assessed_by", "note"],
    "recognitions": ["code", "tier", "year", "decision"],
    "groups": ["code", "year", "group"],
}


def with_columns(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    """``frame`` with the absent columns of :data:`COLUMNS` added empty (text); contract columns
    first, extra columns kept after them."""
    frame = frame.with_columns(pl.lit(None, pl.String).alias(c) for c in COLUMNS[table] if c not in frame.columns)
    return frame.select(COLUMNS[table] + [c for c in frame.columns if c not in COLUMNS[table]])


def year_hi() -> int:
    """Latest plausible year: this year + 10 (plans look ahead)."""
    return datetime.date.today().year + 10


def _schema(columns: dict[str, dict], engine: str) -> pa.DataFrameSchema | pap.DataFrameSchema:
    """A pandera schema of ``columns`` ({name: Column arguments}) for ``engine`` (pandas or polars)."""
    lib = pap if engine == "polars" else pa
    return lib.DataFrameSchema({c: lib.Column(**args) for c, args in columns.items()})


def required_schema(table: str, engine: str = "pandas") -> pa.DataFrameSchema | pap.DataFrameSchema:
    """Required columns present, required cells filled (for ``engine``: pandas or polars frames)."""
    return _schema({c: dict(nullable=c in NULLABLE) for c in REQUIRED_COLUMNS[table]}, engine)


def typed_schema(table: str, engine: str = "pandas") -> pa.DataFrameSchema | pap.DataFrameSchema:
    """Allowed values and ranges of the parsed table; each check's ``error`` is its message key
    (for ``engine``: pandas or polars frames)."""
    years = pa.Check.in_range(YEAR_LO, year_hi(), error="year_range")
    nonneg = pa.Check.ge(0, error="negative")
    opt = dict(nullable=True, required=False)
    cols = {
        "units": {
            "level": dict(checks=pa.Check.isin(list(LEVELS), error="level_unknown"), nullable=True),
            "valid_from": dict(checks=years, **opt), "valid_to": dict(checks=years, **opt),
            "households": dict(checks=nonneg, **opt), "population": dict(checks=nonneg, **opt),
        },
        "values": {
            "year": dict(checks=years, nullable=True),
            "numerator": dict(checks=nonneg, **opt), "denominator": dict(checks=nonneg, **opt),
            "assessed_by": dict(checks=pa.Check.isin(list(ASSESSORS), error="assessed_by_unknown"), **opt),
        },
        "recognitions": {"year": dict(checks=years, nullable=True)},
        "groups": {"year": dict(checks=years, nullable=True)},
    }[table]
    return _schema(cols, engine)


def schema_problems(df: pd.DataFrame | pl.DataFrame, schema: pa.DataFrameSchema | pap.DataFrameSchema, file: str,
                    table: str) -> list[Problem]:
    """Run ``schema`` lazily and turn every failure case into a Problem at the user's row (the
    value is the failing cell; ``df`` a pandas frame with its index, or a polars frame)."""
    try:
        schema.validate(df, lazy=True)
        return []
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    polars = isinstance(df, pl.DataFrame)
    out = []
    if polars:
        records, rows = cases.to_dicts(), (df["_row"] if "_row" in df.columns else None)
    else:
        records, rows = cases.to_dict("records"), (df["_row"] if "_row" in df.columns else pd.Series(dtype="Int64"))
    for rec in records:  # one per failure
        check, column = str(rec["check"]), rec["column"]
        if check == "column_in_dataframe":
            out.append(problem("column_missing", file, 1, str(rec["failure_case"]),
                               expected=", ".join(REQUIRED_COLUMNS[table])))
            continue
        rule = "required_empty" if check == "not_nullable" else check
        if rule not in MESSAGES:
            rule = "number_invalid"
        idx = rec["index"]
        if polars:
            found = idx is not None and rows is not None
            row = rows[idx] if found else None
            value = df[column][idx] if found and column in df.columns else rec["failure_case"]
        else:
            row = rows.get(idx) if idx is not None and not pd.isna(idx) else None
            value = rec["failure_case"]
        out.append(problem(rule, file, row, column, None if rule == "required_empty" else value,
                           lo=YEAR_LO, hi=year_hi()))
    return out
