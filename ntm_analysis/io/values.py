"""Normalising the values table on polars (issue 16): years and numbers parsed, values read by the
kind of their measure (number, percent, yes/no, level), assessor words, percent from numerator and
denominator. Every rule runs once per distinct cell (``parsing.py``) and problems are built from the
failing rows only. The cross-row rules of the values are ``value_checks.py``.
"""

from __future__ import annotations

import pandas as pd
import polars as pl

from ntm_analysis.io.columnar import map_distinct
from ntm_analysis.io.parsing import bools, level_labels, levels, number_column, numbers
from ntm_analysis.io.schemas import with_columns
from ntm_analysis.io.validation import Problem, problems_at
from ntm_analysis.text import fold_key

ASSESSOR_WORDS: dict[str, str] = {
    "self": "self", "tu danh gia": "self", "xa tu danh gia": "self", "xa": "self",
    "district": "district", "huyen": "district", "province": "province", "tinh": "province",
}


def _texts(rule: object, dtype: pl.DataType = pl.String) -> object:
    """A per-distinct rule (text → text) as a Series function for ``map_distinct``."""
    return lambda t: pl.Series([rule(x) for x in t.to_list()], dtype=dtype)  # type: ignore[operator]


def normalise_values(df: pl.DataFrame, measures: pd.DataFrame | None, file: str, out: list[Problem]) -> pl.DataFrame:
    """Years (Int64), numbers (Float64), yes/no and level values by the measure's kind (``kind``
    column added: the measure's kind, null when the catalogue lacks it); assessor words. Problems of
    cells that cannot be read go to ``out`` at their row, in the order of the columns."""
    df = with_columns(df, "values")
    df = df.with_columns(number_column(df, "year", file, True, out))
    df = df.with_columns(number_column(df, "numerator", file, False, out))
    df = df.with_columns(number_column(df, "denominator", file, False, out))
    df = df.with_columns(map_distinct(df["assessed_by"], _texts(lambda x: ASSESSOR_WORDS.get(fold_key(x), x))))
    kinds = dict(zip(measures["measure"], measures["kind"])) if measures is not None else {}
    df = df.with_columns(map_distinct(df["indicator"], _texts(kinds.get)).alias("kind"))
    raw, kind = df["value"], df["kind"]
    is_bool, is_level = (kind == "boolean").fill_null(False), (kind == "level").fill_null(False)
    value, bad = numbers(raw)
    if measures is not None:  # a measure the catalogue does not know has no kind: no verdict on its value
        bad_number = bad & kind.is_not_null() & ~is_bool & ~is_level
        if bad_number.any():
            out += problems_at("number_invalid", file, df.filter(bad_number), "value")
    if is_bool.any():
        flag, bad = bools(raw)
        if (bad & is_bool).any():
            out += problems_at("bool_invalid", file, df.filter(bad & is_bool), "value")
        value = pl.select(pl.when(is_bool).then(flag).otherwise(value)).to_series()
    if measures is not None:
        for rec in measures[measures["kind"] == "level"].to_dict("records"):  # one per level measure
            mask = (df["indicator"] == rec["measure"]).fill_null(False)
            if not mask.any():
                continue
            labels = level_labels(rec.get("levels"))
            rank, bad = levels(raw, labels)
            if (bad & mask).any():
                out += problems_at("level_value_invalid", file, df.filter(bad & mask), "value", indicator=rec["measure"],
                                   expected=", ".join(labels), n=len(labels))
            value = pl.select(pl.when(mask).then(rank).otherwise(value)).to_series()
    # a measure the catalogue lacks (kind null) is kept but not read: its value is empty, or the
    # percent of numerator and denominator when the cell is empty (as a percent measure's)
    num, den, unread = pl.col("numerator"), pl.col("denominator"), pl.col("kind").is_null()
    df = df.with_columns(pl.when(unread).then(None).otherwise(value).alias("_v")).with_columns(
        pl.when(pl.col("value").is_null() & ((pl.col("kind") == "percent") | unread))
        .then(100 * num / pl.when(den > 0).then(den)).otherwise(pl.col("_v")).alias("_v"))
    empty = df.filter(pl.col("_v").is_null() & pl.col("value").is_null())
    if not empty.is_empty():
        out += problems_at("value_empty", file, empty.with_columns(pl.col("_v").alias("value")), "value",
                           severity="warning")
    return df.with_columns(pl.col("_v").cast(pl.Float64).alias("value")).drop("_v")
