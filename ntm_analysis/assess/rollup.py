"""Village roll-up used by the assessment: the value each unit is judged by.

The hierarchy itself (``ancestry``, ``valid_in``) lives in :mod:`ntm_analysis.units`.
``resolve_values`` picks the value each (unit, year, measure) is judged by: the roll-up of
the lower-level units by the measure's rule (``ratio`` = 100 × Σ numerator / Σ denominator, never a
mean of percentages; ``sum``; ``all``; ``any``; ``share_true``) when it can be computed, else the
value entered directly; where both exist and disagree, the pair is reported as a conflict.
"""

from __future__ import annotations

import polars as pl

from ntm_analysis.io.columnar import CAT, valid_expr
from ntm_analysis.assess.status import EPS  # noqa: F401 (re-exported: the tolerance of the roll-up rules)
from ntm_analysis.units import LEVEL_RANK

#: Conflict tolerance between a direct value and a roll-up: percentage points / relative share.
CONFLICT_PP = 0.5
CONFLICT_REL = 0.005
#: Where an indicator's value comes from (``value_source``), as the engine's Enum.
VALUE_SOURCE = pl.Enum(["direct", "rollup"])
CONFLICT_COLUMNS = [
    "code", "year", "measure", "rollup", "direct_value", "rollup_value", "n_villages", "used",
]


# --- values: direct and rolled up ---------------------------------------------------------------


def _rank(col: str) -> pl.Expr:
    return pl.col(col).cast(pl.String).replace_strict(LEVEL_RANK, default=None, return_dtype=pl.Int64)


def _rollup(todo: pl.DataFrame, values: pl.DataFrame, anc: pl.DataFrame) -> pl.DataFrame:
    """Rolled-up value per (code, year, measure) of ``todo``: the needed rows whose measure is
    entered below the unit (``code``, ``year``, ``measure``, ``m_level`` = entry level of the
    measure, ``rollup``); ``values`` the dataset's values (``code``, ``year``, ``measure``,
    ``value``, ``numerator``, ``denominator``); ``anc`` :func:`units.ancestry`.
    Returns ``code``, ``year``, ``measure``, ``rollup``, ``rollup_value``, ``n_villages``.

    The lower-level units valid each year under each unit (``n_villages``: all of them, with a value
    or not) and the sums over the values they have are computed from the values side (joins with
    small tables only), one entry level at a time, then matched with the needed rows."""
    parts = []
    for child_level in todo["m_level"].cast(pl.String).unique().to_list():
        want = todo.filter(pl.col("m_level").cast(pl.String) == child_level).drop("m_level")
        kids = (anc.filter((pl.col("depth") > 0) & (pl.col("level").cast(pl.String) == child_level))
                .select(child="code", code="ancestor", valid_from="valid_from", valid_to="valid_to")
                .join(want.select("code").unique(), on="code", how="semi"))  # under the units needing it only
        # each (unit, year) → its lower-level units valid that year (a pair once)
        kid_years = (kids.join(want.select("year").unique(), how="cross").filter(valid_expr())
                     .unique(["code", "year", "child"], keep="first", maintain_order=True)
                     .select("code", "year", "child"))
        counts = kid_years.group_by("code", "year").agg(n_villages=pl.len())
        v = pl.col("value")
        measures = want["measure"].unique().implode()
        sums = (values.filter(pl.col("measure").is_in(measures))
                .select(child="code", year="year", measure="measure", value="value", numerator="numerator",
                        denominator="denominator")
                .join(kid_years, on=["child", "year"], how="inner")
                .group_by("code", "year", "measure").agg(
                    n_value=v.is_not_null().sum(), n_true=(v == 1.0).fill_null(False).sum(),
                    n_false=(v.is_not_null() & (v != 1.0)).fill_null(False).sum(),
                    n_ratio=(pl.col("numerator").is_not_null() & pl.col("denominator").is_not_null()).sum(),
                    sum_value=v.sum(), sum_num=pl.col("numerator").sum(), sum_den=pl.col("denominator").sum()))
        parts.append(want.join(counts, on=["code", "year"], how="inner")
                     .join(sums, on=["code", "year", "measure"], how="left")
                     .with_columns([pl.col(c).fill_null(0) for c in ("n_value", "n_true", "n_false", "n_ratio")]))
    if not parts:
        return pl.DataFrame(schema={"code": todo.schema["code"], "year": pl.Int64, "measure": todo.schema["measure"],
                                    "rollup": todo.schema["rollup"], "rollup_value": pl.Float64,
                                    "n_villages": pl.Float64})
    g = pl.concat(parts, how="diagonal_relaxed")
    n, rule = pl.col("n_villages"), pl.col("rollup").cast(pl.String)
    complete = pl.col("n_value") == n
    ratio = pl.when(pl.col("sum_den") > 0).then(100.0 * pl.col("sum_num") / pl.col("sum_den"))
    value = (pl.when((rule == "ratio") & (pl.col("n_ratio") == n)).then(ratio)
             .when((rule == "sum") & complete).then(pl.col("sum_value"))
             .when((rule == "all") & (pl.col("n_false") > 0)).then(0.0)
             .when((rule == "all") & (pl.col("n_true") == n)).then(1.0)
             .when((rule == "any") & (pl.col("n_true") > 0)).then(1.0)
             .when((rule == "any") & complete).then(0.0)
             .when((rule == "share_true") & complete).then(100.0 * pl.col("n_true") / n))
    return g.select("code", "year", "measure", "rollup", value.cast(pl.Float64).alias("rollup_value"),
                    pl.col("n_villages").cast(pl.Float64))


def resolve_values(needed: pl.DataFrame, values: pl.DataFrame, measures: pl.DataFrame,
                   anc: pl.DataFrame, direct: pl.Series, pairs: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Value used per (``code``, ``year``, ``measure``) of ``needed`` (which also has ``level``):
    the roll-up when it can be computed, else the direct value.

    ``measures``: the catalogue's ``measure``, ``m_level``, ``rollup``, ``kind``. ``direct``: the
    value given for each row of ``needed`` itself (:func:`ntm_analysis.assess.grid.direct_values`,
    the one home of "the first row of a value given twice"); ``pairs``: the distinct (``level``,
    ``measure``) of ``needed``. Returns the values (``code``, ``year``, ``measure``, ``value``,
    ``value_source`` = :data:`VALUE_SOURCE` rollup / direct / null), one row per row of ``needed``
    in its order, and the roll-up conflicts (:data:`CONFLICT_COLUMNS`, ``used`` = rollup)."""
    keys = ["code", "year", "measure"]
    out = needed.select(*keys, "level").with_columns(direct_value=direct)
    # which (level, measure) pairs roll up: decided on the distinct pairs, not per row
    rolls = (pairs.with_columns(pl.col("level").cast(pl.String).cast(CAT))
             .join(measures, on="measure", how="inner")
             .filter((_rank("m_level") > _rank("level")).fill_null(False)
                     & (pl.col("rollup").cast(pl.String) != "none").fill_null(False)))
    todo = (out.select(*keys, level=pl.col("level").cast(CAT))
            .join(rolls.select("level", "measure", "m_level", "rollup"), on=["level", "measure"], how="inner")
            .drop("level"))
    rolled = _rollup(todo, values, anc).drop("rollup")
    out = out.join(rolled, on=keys, how="left", maintain_order="left")
    use_rollup = pl.col("rollup_value").is_not_null()
    out = out.with_columns(
        value=pl.when(use_rollup).then(pl.col("rollup_value")).otherwise(pl.col("direct_value")).cast(pl.Float64),
        value_source=pl.when(use_rollup).then(pl.lit("rollup", dtype=VALUE_SOURCE))
        .when(pl.col("direct_value").is_not_null()).then(pl.lit("direct", dtype=VALUE_SOURCE)))
    # conflicts: the few pairs with both a direct value and a roll-up, judged by the measure's rule
    both = out.filter(use_rollup & pl.col("direct_value").is_not_null()).join(
        measures.select("measure", "rollup", "kind"), on="measure", how="left", maintain_order="left")
    rule, kind = pl.col("rollup").cast(pl.String), pl.col("kind").cast(pl.String)
    diff = (pl.col("direct_value") - pl.col("rollup_value")).abs()
    boolean = (rule.is_in(["all", "any"]) | (kind == "boolean")).fill_null(False)
    percent = (rule.is_in(["ratio", "share_true"]) | (kind == "percent")).fill_null(False)
    conflict = (pl.when(boolean).then(diff > EPS).when(percent).then(diff > CONFLICT_PP + EPS)
                .otherwise(diff > CONFLICT_REL * pl.col("rollup_value").abs() + EPS))
    conflicts = both.filter(conflict).with_columns(used=pl.lit("rollup").cast(CAT)).select(CONFLICT_COLUMNS)
    return out.select("code", "year", "measure", "value", "value_source"), conflicts
