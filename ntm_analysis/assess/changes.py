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
    seen = (frame.with_row_index("_row").filter(decided)
            .select("_row", *keys, "year", met=(pl.col("status") == "met").cast(pl.Float64))
            .sort([*keys, "year"], maintain_order=True))
    # sorted by keys: a row continues its group when every key equals the row before's
    same = pl.all_horizontal([(pl.col(k) == pl.col(k).shift(1)).fill_null(False) for k in keys])
    seen = seen.with_columns(_same=same).with_columns(_gid=(~pl.col("_same")).cum_sum())
    seen = seen.with_columns(_prev=pl.when(pl.col("_same")).then(pl.col("met").shift(1)),
                             _ever=pl.when(pl.col("_same")).then(pl.col("met").cum_max().over("_gid").shift(1)))
    now, p, e = pl.col("met") == 1.0, pl.col("_prev"), pl.col("_ever")
    change = (pl.when(p.is_null()).then(None).when(now & (p == 1.0)).then(pl.lit("kept"))
              .when(now & (e == 1.0)).then(pl.lit("recovered")).when(now).then(pl.lit("newly_met"))
              .when(p == 1.0).then(pl.lit("slipped")).otherwise(pl.lit("still_not_met")))
    seen = seen.select("_row", change.cast(pl.String).alias(name))
    column = pl.repeat(None, frame.height, dtype=pl.String, eager=True).alias(name)
    if seen.height:  # put each decided row's change back at its position (no join)
        column = column.scatter(seen["_row"], seen[name])
    return frame.with_columns(column)


def classify_changes(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Change of each row of ``frame`` (columns ``keys`` + ``year`` + ``status``) vs the previous
    decided year of the same ``keys`` (e.g. ``["code", "tier", "criterion"]``): one of
    :data:`CHANGES` or NA (see the module docstring; the rule itself is :func:`change_column`).
    Returns a ``string`` Series on ``frame``'s index."""
    from ntm_analysis.io.columnar import to_polars  # noqa: PLC0415

    cols = [*dict.fromkeys([*keys, "year", "status"])]
    text = [c for c in cols if c != "year" and not pd.api.types.is_numeric_dtype(frame[c])]
    got = change_column(to_polars(frame, cols, text), keys)["change"]
    return pd.Series(got.to_pandas().to_numpy(dtype=object), index=frame.index, dtype="string")
