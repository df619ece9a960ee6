"""Indicator status, gap and share covered: the one rule that compares a value with its threshold.

``status_columns`` is the rule as polars expressions (used by the assessment on millions of rows);
:func:`indicator_status` applies it to aligned pandas columns (village aids, tests, users' code).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl

#: Tolerance for comparing values computed as ratios with thresholds (floating point noise only).
EPS = 1e-9
#: The indicator statuses, as the engine's Enum (no text is made per row; outputs turn it into text).
STATUSES = ("met", "not_met", "missing", "unknown_threshold", "not_applicable")
STATUS = pl.Enum(list(STATUSES))


def status_columns(value: str = "value", threshold: str = "threshold", comparator: str = "comparator",
                   applicable: str = "applicable") -> list[pl.Expr]:
    """``status``, ``gap`` and ``share_covered`` expressions over the named columns.

    ``status`` (:data:`STATUS`, an Enum): ``not_applicable`` (not ``applicable``), ``missing`` (no value), ``unknown_threshold``
    (no threshold, not a boolean), ``met`` or ``not_met``. The comparator ``true`` (a boolean
    measure) is met by the value 1; ``>=``, ``<=``, ``==`` compare within :data:`EPS` × max(1, |t|).
    Gap is positive while there is still a way to go (threshold − value for ``>=``, value −
    threshold for ``<=``, |value − threshold| for ``==``), 0 once met, null for booleans and for rows
    that are neither met nor not met; ``share_covered`` is the share of the threshold reached (0-1)."""
    # the comparator is compared as it is (String, Categorical or Enum): no text is made per row
    v, t, c = pl.col(value).cast(pl.Float64), pl.col(threshold).cast(pl.Float64), pl.col(comparator)
    is_bool, ge, le, eq = (c == "true").fill_null(False), (c == ">=").fill_null(False), \
        (c == "<=").fill_null(False), (c == "==").fill_null(False)
    tol = EPS * pl.max_horizontal(t.abs(), pl.lit(1.0))
    met = (pl.when(is_bool).then(v == 1.0).when(ge).then(v >= t - tol).when(le).then(v <= t + tol)
           .when(eq).then((v - t).abs() <= tol).otherwise(False)).fill_null(False)
    def word(x: str) -> pl.Expr:
        return pl.lit(x, dtype=STATUS)

    status = (pl.when(~pl.col(applicable).fill_null(False)).then(word("not_applicable"))
              .when(v.is_null()).then(word("missing"))
              .when(~is_bool & t.is_null()).then(word("unknown_threshold"))
              .when(met).then(word("met")).otherwise(word("not_met")))
    decided = pl.col(applicable).fill_null(False) & v.is_not_null() & (is_bool | t.is_not_null())
    gap = (pl.when(met & ~is_bool).then(0.0).when(ge).then((t - v).clip(lower_bound=0.0))
           .when(le).then((v - t).clip(lower_bound=0.0)).when(eq).then((v - t).abs()))
    share = (pl.when(ge).then(pl.when(t > 0).then((v / t).clip(0.0, 1.0)).otherwise(1.0))
             .when(le).then(pl.when(v <= t).then(1.0).when(v > 0).then((t / v).clip(0.0, 1.0)).otherwise(1.0))
             .when(eq).then(pl.when((v - t).abs() <= EPS).then(1.0)
                            .otherwise(pl.min_horizontal(v.abs(), t.abs()) / pl.max_horizontal(v.abs(), t.abs()))))
    return [status.alias("status"), pl.when(decided).then(gap).alias("gap"),
            pl.when(decided).then(share).fill_nan(None).alias("share_covered")]


def indicator_status(value: pd.Series, threshold: pd.Series, comparator: pd.Series,
                     applicable: pd.Series) -> pd.DataFrame:
    """``status``, ``gap`` and ``share_covered`` (see :func:`status_columns`) of aligned pandas
    value/threshold/comparator/applicable columns, on their index."""
    frame = pl.DataFrame({
        "value": value.to_numpy(dtype="float64", na_value=np.nan),
        "threshold": threshold.to_numpy(dtype="float64", na_value=np.nan),
        "comparator": pd.Series(comparator, dtype="string").to_numpy(dtype=object, na_value=None),
        "applicable": pd.Series(applicable).fillna(False).to_numpy(dtype=bool),
    }, schema_overrides={"comparator": pl.String}, nan_to_null=True).select(status_columns())
    return pd.DataFrame({
        "status": pd.Series(frame["status"].cast(pl.String).to_numpy(), index=value.index, dtype="string"),
        "gap": pd.Series(frame["gap"].to_numpy(), index=value.index, dtype="float64"),
        "share_covered": pd.Series(frame["share_covered"].to_numpy(), index=value.index, dtype="float64"),
    })
