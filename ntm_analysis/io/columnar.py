"""The columnar engine's plumbing: pandas tables in, polars inside, pandas tables out.

The loader and the assessment run on polars (issue 16): text keys (codes, tiers, indicators, measures, statuses)
are ``Categorical`` inside (integer codes; joins and group-bys on integers), and become text again
only in the output tables, which stay pandas DataFrames with the documented columns (text as
pandas' Arrow-backed ``str``), so notebooks, maps, Excel and report code do not change.
"""

from __future__ import annotations

from typing import Callable, Iterable

import pandas as pd
import polars as pl

CAT = pl.Categorical


def to_polars(frame: pd.DataFrame, columns: Iterable[str] | None = None, text: Iterable[str] = ()) -> pl.DataFrame:
    """``frame`` (or its ``columns``) as polars; NaN becomes null; the ``text`` columns Categorical."""
    cols = list(frame.columns if columns is None else columns)
    part = frame[cols]
    out = pl.from_pandas(part.reset_index(drop=True), nan_to_null=True) if len(cols) else pl.DataFrame()
    casts = [pl.col(c).cast(pl.String).cast(CAT) for c in text if c in out.columns]
    return out.with_columns(casts) if casts else out


def valid_expr(year: str | pl.Expr = "year", start: str = "valid_from", end: str = "valid_to") -> pl.Expr:
    """True where the row's ``valid_from``/``valid_to`` (inclusive, null = open) hold ``year``: the
    rule of :func:`ntm_analysis.units.valid_in` as a polars expression."""
    y = pl.col(year) if isinstance(year, str) else year
    return ((pl.col(start).is_null() | (pl.col(start) <= y)) & (pl.col(end).is_null() | (y <= pl.col(end))))


def add_validity(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with ``valid_from``/``valid_to`` (nullable years) added when absent (open)."""
    extra = {c: pd.Series(pd.NA, index=frame.index, dtype="Int64") for c in ("valid_from", "valid_to") if c not in frame}
    out = frame.assign(**extra) if extra else frame
    return out.astype({c: "Int64" for c in ("valid_from", "valid_to")})


def to_pandas(frame: pl.DataFrame, ints: Iterable[str] = (), nullable_ints: Iterable[str] = ()) -> pd.DataFrame:
    """The output table: Categorical and String columns as pandas ``str`` (Arrow-backed), ``ints``
    as int64, ``nullable_ints`` as Int64, floats float64 (null → NaN), booleans bool."""
    frame = frame.with_columns([pl.col(c).cast(pl.String) for c, t in frame.schema.items()
                                if t == CAT or isinstance(t, pl.Categorical)])
    out = frame.to_pandas()
    for col, dtype in frame.schema.items():
        if dtype == pl.String:
            out[col] = out[col].astype("str")
        elif col in nullable_ints:
            out[col] = out[col].astype("Int64")
        elif col in ints:
            out[col] = out[col].astype("int64")
        elif dtype.is_float():
            out[col] = out[col].astype("float64")
        elif dtype == pl.Boolean:
            out[col] = out[col].astype(bool)
    return out


def values_frame(values: pd.DataFrame) -> pl.DataFrame:
    """The dataset's values as the engine reads them: ``code``, ``measure`` (the ``indicator``
    column) Categorical, ``year`` Int64, ``value``, ``numerator``, ``denominator`` Float64 (null = none)."""
    cols = ["code", "year", "indicator", "value", "numerator", "denominator"]
    out = to_polars(values, cols, text=["code", "indicator"]).rename({"indicator": "measure"})
    return out.with_columns(pl.col("year").cast(pl.Int64),
                            *[pl.col(c).cast(pl.Float64) for c in ("value", "numerator", "denominator")])


def factor(s: pl.Series) -> tuple[pl.Series, pl.Series]:
    """``s`` factorised: UInt32 codes (null where ``s`` is null) into its distinct non-null values.
    An Enum column (as the readers give text) gives its own categories without any work."""
    if isinstance(s.dtype, pl.Enum):
        return s.to_physical(), s.dtype.categories
    text = s.cast(pl.String)
    uniq = text.drop_nulls().unique()
    return text.cast(pl.Enum(uniq)).to_physical(), uniq


def map_distinct(s: pl.Series, rule: Callable[[pl.Series], pl.Series]) -> pl.Series:
    """``rule`` (a Series of distinct values → one result each, same order) applied once per
    distinct value of ``s`` and mapped back to every row (null rows give null)."""
    codes, uniq = factor(s)
    return rule(uniq).gather(codes).alias(s.name)


def text_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with its Enum and Categorical columns as String (for rows handed to pandas)."""
    casts = [pl.col(c).cast(pl.String) for c, t in frame.schema.items() if isinstance(t, (pl.Enum, pl.Categorical))]
    return frame.with_columns(casts) if casts else frame
