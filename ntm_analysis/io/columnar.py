"""The columnar engine's plumbing: pandas tables in, polars inside, pandas tables out.

The loader and the assessment run on polars (issue 16): text keys (codes, tiers, indicators, measures, statuses)
are ``Categorical`` inside (integer codes; joins and group-bys on integers). The output tables
stay pandas DataFrames with the documented columns; their low-cardinality text columns
(:data:`CATEGORICAL_COLUMNS`: codes, tiers, indicators, statuses ...) are pandas ``Categorical``
with sorted ``str`` categories (one byte or two a cell instead of 13-30: issue 16, a national
``indicators`` table of 6.5 M rows), the free text made by joining (:data:`FREE_TEXT_COLUMNS`)
pandas' Arrow-backed ``str``. :func:`to_pandas` (``categorical=``) and :func:`categorize` are the
one place that conversion is made; :func:`as_text` turns them back to ``str`` for display code.
"""

from __future__ import annotations

from typing import Callable, Iterable

import numpy as np
import pandas as pd
import polars as pl

CAT = pl.Categorical

#: Text columns of the assessment's output tables (``indicators``, ``criteria``, ``units``,
#: ``rollup_conflicts``, :func:`~ntm_analysis.assess.attainment.assess_villages`) that are pandas
#: ``Categorical``: unordered, categories the values present as ``str``, sorted (so ``sort_values``
#: orders them as text would), missing = NaN.
CATEGORICAL_COLUMNS = frozenset({
    "code", "tier", "indicator", "measure", "comparator", "status", "value_source", "threshold_status",
    "confidence", "change", "rollup", "used",
})
#: Text columns of those tables made by joining (comma-separated codes or criterion numbers): many
#: distinct values, pandas ``str``.
FREE_TEXT_COLUMNS = frozenset({"binding", "newly_met", "recovered", "slipped", "slipped_since_recognition"})


def to_polars(frame: pd.DataFrame, columns: Iterable[str] | None = None, text: Iterable[str] = ()) -> pl.DataFrame:
    """``frame`` (or its ``columns``) as polars; NaN becomes null; the ``text`` columns Categorical."""
    cols = list(frame.columns if columns is None else columns)
    part = frame[cols]
    out = pl.from_pandas(part.reset_index(drop=True), nan_to_null=True) if len(cols) else pl.DataFrame()
    casts = [pl.col(c).cast(pl.String).cast(CAT) for c in text  # (a pandas Categorical arrives as one)
             if c in out.columns and not isinstance(out.schema[c], pl.Categorical)]
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


def as_categorical(series: pd.Series) -> pd.Series:
    """``series`` as an unordered pandas ``Categorical`` whose categories are the values present,
    ``str``, sorted; missing values (None, NaN, NA) become NaN (code -1). The rule is
    :func:`_categorical_from_polars`'s (one home), applied to the column's text."""
    text = pl.from_pandas(series.astype("str").reset_index(drop=True), nan_to_null=True)
    return pd.Series(_categorical_from_polars(text), index=series.index, name=series.name)


def categorize(frame: pd.DataFrame, categorical: Iterable[str] = CATEGORICAL_COLUMNS,
               text: Iterable[str] = FREE_TEXT_COLUMNS) -> pd.DataFrame:
    """A pandas output table with its ``categorical`` columns as :func:`as_categorical` and its
    ``text`` columns as pandas ``str`` (columns absent from ``frame`` are ignored)."""
    cat, txt = set(categorical), set(text)
    conv = {c: as_categorical(frame[c]) for c in frame.columns if c in cat}
    conv.update({c: frame[c].astype("str") for c in frame.columns if c in txt and c not in cat})
    return frame.assign(**conv) if conv else frame


def as_text(frame: pd.DataFrame, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """``frame`` with its Categorical columns (or those of ``columns`` that are) as pandas ``str``
    (missing stays NaN): for display code that joins, fills or formats the text of a (filtered)
    output table, where a Categorical would refuse a value outside its categories."""
    cols = frame.columns if columns is None else [c for c in columns if c in frame.columns]
    conv = {c: frame[c].astype("str") for c in cols if isinstance(frame[c].dtype, pd.CategoricalDtype)}
    return frame.assign(**conv) if conv else frame


def _categorical_from_polars(s: pl.Series) -> pd.Categorical:
    """A polars text column (String, Categorical or Enum) as the pandas ``Categorical`` of
    :func:`as_categorical` (categories the values present, ``str``, sorted; null → NaN), made from
    the column's integer codes: the text of each distinct value is looked at once, never per row."""
    if not isinstance(s.dtype, (pl.Categorical, pl.Enum)):
        s = s.cast(pl.String).cast(pl.Categorical)
    present = s.drop_nulls().unique().cast(pl.String).sort()
    dtype = pd.CategoricalDtype(pd.Index(present.to_list(), dtype="str"), ordered=False)
    if present.len() == 0:
        return pd.Categorical.from_codes(np.full(s.len(), -1, dtype=np.int8), dtype=dtype)
    present_codes = present.cast(s.dtype).to_physical().to_numpy().astype(np.int64)
    lookup = np.full(int(present_codes.max()) + 2, -1, dtype=np.int32)  # last slot: null
    lookup[present_codes] = np.arange(len(present_codes), dtype=np.int32)
    codes = lookup[s.to_physical().cast(pl.Int64).fill_null(len(lookup) - 1).to_numpy()]
    return pd.Categorical.from_codes(codes, dtype=dtype)


def to_pandas(frame: pl.DataFrame, ints: Iterable[str] = (), nullable_ints: Iterable[str] = (),
              categorical: Iterable[str] = ()) -> pd.DataFrame:
    """The output table: the ``categorical`` text columns (e.g. :data:`CATEGORICAL_COLUMNS`; polars
    String, Categorical or Enum) as pandas ``Categorical`` (:func:`as_categorical`: sorted ``str`` categories, null → NaN), the
    other Categorical and String columns as pandas ``str`` (Arrow-backed), ``ints`` as int64,
    ``nullable_ints`` as Int64, floats float64 (null → NaN), booleans bool."""
    categorical = {c for c, t in frame.schema.items() if c in set(categorical)
                   and (t in (pl.String, pl.Null) or isinstance(t, (pl.Categorical, pl.Enum)))}
    cats = {c: _categorical_from_polars(frame[c]) for c in categorical}  # straight from the codes
    frame = frame.with_columns([pl.col(c).cast(pl.String) for c, t in frame.schema.items()
                                if isinstance(t, (pl.Categorical, pl.Enum)) and c not in categorical])
    out = frame.drop(list(categorical)).to_pandas()
    out = pd.concat([out, pd.DataFrame(cats, index=out.index)], axis=1)[frame.columns] if cats else out
    for col, dtype in frame.schema.items():
        if col in categorical:
            continue
        elif dtype == pl.String:
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
