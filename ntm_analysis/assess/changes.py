"""One vocabulary for what happened to a criterion or an indicator between two assessed years.

``classify_changes`` is the one rule; criteria (``assess``), indicators (``trends.history``),
the unit summary columns (``newly_met``, ``recovered``, ``slipped``), summary lines and tables
all use its words, labelled by ``i18n.CHANGE_LABELS``:

- ``newly_met``: met now, not met the year before, never met earlier in the series;
- ``recovered``: met now, not met the year before, met in some earlier year (a slip made good);
- ``slipped``: not met now, met the year before;
- ``kept``: met now and the year before;
- ``still_not_met``: not met now nor the year before.

"The year before" is the previous year in which the same unit had a decided status (met or not
met) for the same item; years without data are skipped. The first decided year and undecided rows
(missing data, no threshold, not applicable) have no change (NA): no data is no proof of slipping.
"""

from __future__ import annotations

import pandas as pd
import polars as pl

#: The change words, in the order they are listed in summaries.
CHANGES: tuple[str, ...] = ("slipped", "newly_met", "recovered", "kept", "still_not_met")


def change_column(frame: pl.DataFrame, keys: list[str], name: str = "change") -> pl.DataFrame:
    """``frame`` (polars; columns ``keys`` + ``year`` + ``status``) with a String column ``name``:
    the change of each row vs the previous decided year of the same ``keys`` (one of
    :data:`CHANGES` or null, see the module docstring). Row order is kept."""
    decided = pl.col("status").is_in(["met", "not_met"]).fill_null(False)
    # only rows of the same keys need to be next to each other, sorted by year: the keys are sorted
    # by their integer codes (a text key's category number), not as text
    ids = [_as_integer(frame, k).alias(f"_k{i}") for i, k in enumerate(keys)]
    id_names = [f"_k{i}" for i in range(len(keys))]
    seen = (frame.with_row_index("_row").filter(decided)
            .select("_row", *ids, "year", met=(pl.col("status") == "met").cast(pl.Float64))
            .sort([*id_names, "year"], maintain_order=True))
    # sorted by keys: a row continues its group when every key equals the row before's
    same = pl.all_horizontal([(pl.col(k) == pl.col(k).shift(1)).fill_null(False) for k in id_names])
    # met in an earlier year of the group: the running count of met rows, less the count at the
    # group's first row (rows are sorted by group: no per-group window)
    met_before = pl.col("met").cum_sum() - pl.col("met")
    seen = seen.with_columns(_same=same).with_columns(
        _start=pl.when(~pl.col("_same")).then(met_before).forward_fill())
    seen = seen.with_columns(_prev=pl.when(pl.col("_same")).then(pl.col("met").shift(1)),
                             _ever=pl.when(pl.col("_same")).then(
                                 (met_before - pl.col("_start") > 0).cast(pl.Float64)))
    now, p, e = pl.col("met") == 1.0, pl.col("_prev"), pl.col("_ever")
    change = (pl.when(p.is_null()).then(None).when(now & (p == 1.0)).then(pl.lit("kept"))
              .when(now & (e == 1.0)).then(pl.lit("recovered")).when(now).then(pl.lit("newly_met"))
              .when(p == 1.0).then(pl.lit("slipped")).otherwise(pl.lit("still_not_met")))
    seen = seen.select("_row", change.cast(pl.String).alias(name))
    column = pl.repeat(None, frame.height, dtype=pl.String, eager=True).alias(name)
    if seen.height:  # put each decided row's change back at its position (no join)
        column = column.scatter(seen["_row"], seen[name])
    return frame.with_columns(column)


def _as_integer(frame: pl.DataFrame, key: str) -> pl.Expr:
    """``key`` as integers that are equal exactly where the key is: a Categorical's or Enum's
    category numbers, a text column's as a Categorical's; other columns as they are."""
    dtype = frame.schema[key]
    if dtype == pl.String:
        return pl.col(key).cast(pl.Categorical).to_physical()
    if isinstance(dtype, (pl.Categorical, pl.Enum)):
        return pl.col(key).to_physical()
    return pl.col(key)


def classify_changes(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Change of each row of ``frame`` (columns ``keys`` + ``year`` + ``status``) vs the previous
    decided year of the same ``keys`` (e.g. ``["code", "tier", "criterion"]``): one of
    :data:`CHANGES` or NA (see the module docstring; the rule itself is :func:`change_column`).
    Returns a ``string`` Series on ``frame``'s index."""
    from ntm_analysis.io.columnar import to_polars  # noqa: PLC0415

    cols = [*dict.fromkeys([*keys, "year", "status"])]
    text = [c for c in cols if c != "year" and not pd.api.types.is_numeric_dtype(frame[c])]
    got = change_column(to_polars(frame, cols, text), keys)["change"]
    return pd.Series(pd.arrays.ArrowStringArray(got.to_arrow()), index=frame.index, dtype="string")
