"""The assessment grid: unit-years × the indicator rows of their level, held as integer ids.

The indicator table of a national assessment has millions of rows (every commune × year × tier ×
indicator), but only two things vary per row: which unit-year it is and which catalogue row. So the
assessment keeps, per row, two integer ids into two small tables and builds everything else by
gathering (:meth:`Grid.gather`) instead of joining text keys:

- ``uy``: the unit-years assessed (``code``, ``level``, ``year``, ``key``, ``key_defaulted``), one
  row per unit valid in the year at a level some tier (or indicator) is assessed at, **sorted by
  code (as text) and year**; its row number is the ``uy`` id;
- ``tmpl``: per level, the indicator rows a unit at that level gets (``tier``, ``criterion``,
  ``indicator``, ``measure``, ``comparator``, ``threshold_status``, ``confidence``, ``applicable``
  = the indicator's own level is this level), **sorted by tier order, criterion and catalogue
  order**; its row number is the ``tid`` id; ``cid`` numbers the (tier, criterion) pairs in that order.

``rows`` (``uy``, ``tid``) lists, for each unit-year in order, the template rows of its level in
order: the grid is therefore already in the output order of the indicator table (code, year, tier,
criterion, catalogue order), and the criteria, grouped by ``uy × n_cid + cid``, come out in theirs.
``needed`` lists each (unit-year, measure) whose value the applicable rows need, once, in (``uy``,
measure) order; ``vi`` (per row) is the position of the row's (unit-year, measure) in ``needed``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import polars as pl

from ntm_analysis.assess.keys import thresholds_for
from ntm_analysis.catalogue.model import Catalogue
from ntm_analysis.io.columnar import add_validity, to_polars, valid_expr

#: Catalogue columns the indicator table keeps (names, sources and notes are read from the catalogue).
TEMPLATE_TEXT = ["tier", "indicator", "measure", "comparator", "threshold_status", "confidence", "level", "unit_level"]


@dataclass(frozen=True)
class Grid:
    """The unit-years, the template, the grid rows and the values each needs (module docstring)."""

    uy: pl.DataFrame
    tmpl: pl.DataFrame
    rows: pl.DataFrame
    needed: pl.DataFrame
    n_cid: int
    #: (``level``, ``measure``) → ``mpos``, the position of the measure among its level's needed ones.
    pairs: pl.DataFrame
    #: Per unit-year, the position of its first row in ``needed``.
    offset: pl.Series

    def gather(self, frame: pl.DataFrame, columns: list[str], by: str) -> list[pl.Series]:
        """``columns`` of the small table ``frame`` (``uy`` or ``tmpl``) for each row of the grid,
        looked up by its id column ``by`` (``uy`` or ``tid``) of ``self.rows``."""
        idx = self.rows[by]
        return [frame[c].gather(idx) for c in columns]


def template(catalogue: Catalogue, tiers: list[str]) -> pl.DataFrame:
    """Per level, the indicator rows of ``tiers`` a unit at that level gets (module docstring), with
    ``tid``, ``cid``, ``ind_order`` (catalogue order among the tiers' indicators) and ``applicable``."""
    tier_ids = list(catalogue.tier_ids())
    tiers_t = catalogue.tiers.loc[catalogue.tiers["tier"].isin(tiers), ["tier", "unit_level"]]
    inds = catalogue.indicators[catalogue.indicators["tier"].isin(tiers)]
    inds = inds.assign(ind_order=np.arange(len(inds), dtype="int64"))
    keep = ["tier", "criterion", "indicator", "measure", "comparator", "threshold_status", "confidence",
            "unit_level", "ind_order"]
    inds = inds[[c for c in keep if c in inds]]
    levels = (pd.concat([tiers_t, inds[["tier", "unit_level"]]]).drop_duplicates()
              .rename(columns={"unit_level": "level"}))
    levels = levels[levels["level"].notna()]
    t = levels.merge(inds, on="tier")
    t = t.assign(tier_order=t["tier"].map({x: i for i, x in enumerate(tier_ids)}).fillna(-1).astype("int64"),
                 applicable=(t["unit_level"].astype("string") == t["level"].astype("string")).fillna(False).astype(bool))
    t = t.sort_values(["level", "tier_order", "criterion", "ind_order", "measure"], kind="stable").reset_index(drop=True)
    pairs = t[["tier_order", "criterion"]].drop_duplicates().sort_values(["tier_order", "criterion"])
    cid = {(a, b): i for i, (a, b) in enumerate(pairs.itertuples(index=False, name=None))}
    t = t.assign(cid=[cid[(a, b)] for a, b in zip(t["tier_order"], t["criterion"])])
    out = to_polars(t, text=[c for c in TEMPLATE_TEXT if c in t])
    return out.with_columns(pl.col("criterion").cast(pl.Int64), pl.col("cid").cast(pl.Int64),
                            pl.col("ind_order").cast(pl.Int64)).with_row_index("tid")


def unit_years(units: pd.DataFrame, years: list[int], levels: set[str], keys: pd.DataFrame) -> pl.DataFrame:
    """The unit-years at ``levels``: each unit of ``units`` valid in each of ``years``, with its
    ``key``/``key_defaulted`` (:func:`ntm_analysis.assess.keys.unit_keys`), sorted by code (as
    text) and year, numbered ``uy``; ``code_no`` numbers the distinct codes in that order."""
    uy = add_validity(units[["code", "level", *[c for c in ("valid_from", "valid_to") if c in units]]])
    uy = uy[uy["level"].isin(levels)]
    uy = to_polars(uy, text=["code", "level"]).join(
        pl.DataFrame({"year": sorted(years)}, schema={"year": pl.Int64}), how="cross")
    uy = uy.filter(valid_expr()).drop("valid_from", "valid_to")
    k = to_polars(keys, text=["code"]).with_columns(pl.col("year").cast(pl.Int64))
    uy = (uy.join(k, on=["code", "year"], how="left", maintain_order="left")
          .sort(pl.col("code").cast(pl.String), "year", maintain_order=True))
    same = pl.col("code") == pl.col("code").shift(1)
    return uy.with_row_index("uy").with_columns(code_no=(~same.fill_null(False)).cum_sum().cast(pl.Int64) - 1)


def build(units: pd.DataFrame, years: list[int], catalogue: Catalogue, tiers: list[str],
          keys: pd.DataFrame) -> Grid:
    """The grid of ``units`` (the units to compute: ``code``, ``level``, validity) over ``years``
    for ``tiers`` (module docstring)."""
    tmpl = template(catalogue, tiers)
    uy = unit_years(units, years, set(tmpl["level"].cast(pl.String).unique().to_list()), keys)
    by_level = tmpl.select("tid", "level").with_columns(pl.col("level").cast(pl.String))
    rows = (uy.select("uy", pl.col("level").cast(pl.String))
            .join(by_level, on="level", how="inner", maintain_order="left_right").select("uy", "tid"))
    # (level, measure) pairs the applicable rows need, numbered within their level
    pairs = (tmpl.filter(pl.col("applicable")).select(pl.col("level").cast(pl.String), "measure")
             .unique(maintain_order=True).with_columns(mpos=pl.int_range(pl.len()).over("level").cast(pl.Int64)))
    counts = pairs.group_by("level").agg(n=pl.len().cast(pl.Int64))
    uy_n = uy.select("uy", pl.col("level").cast(pl.String)).join(counts, on="level", how="left", maintain_order="left")
    offset = (uy_n["n"].fill_null(0).cum_sum() - uy_n["n"].fill_null(0))  # first position of each unit-year
    needed = (uy.select("uy", "code", "level", "year", lvl=pl.col("level").cast(pl.String))
              .join(pairs.rename({"level": "lvl"}), on="lvl", how="inner", maintain_order="left_right")
              .drop("lvl", "mpos"))
    mpos = (tmpl.select("tid", "applicable", lvl=pl.col("level").cast(pl.String), measure="measure")
            .join(pairs.rename({"level": "lvl"}), on=["lvl", "measure"], how="left", maintain_order="left")
            .select(pl.when(pl.col("applicable")).then(pl.col("mpos")).alias("mpos"))["mpos"])
    rows = rows.with_columns(vi=offset.gather(rows["uy"]) + mpos.gather(rows["tid"]))
    return Grid(uy=uy, tmpl=tmpl, rows=rows, needed=needed,
                n_cid=int(tmpl["cid"].max() or 0) + 1 if tmpl.height else 0, pairs=pairs, offset=offset)


def direct_values(grid: Grid, values: pl.DataFrame) -> pl.Series:
    """The value given directly for each row of ``grid.needed`` (null when none), from ``values``
    (``code``, ``year``, ``measure``, ``value``): each value row finds its unit-year (a join with
    the small ``uy`` table) and its measure's position, then lands at its place; a value given
    twice (identical rows): the first one."""
    at = (values.select("code", "year", "measure", "value")
          .join(grid.uy.select("code", "year", "uy", lvl=pl.col("level").cast(pl.String)), on=["code", "year"],
                how="inner", maintain_order="left")
          .join(grid.pairs.rename({"level": "lvl"}), on=["lvl", "measure"], how="inner", maintain_order="left"))
    at = at.select(pos=grid.offset.gather(at["uy"]) + at["mpos"], value="value")
    if at.height and at["pos"].n_unique() < at.height:
        at = at.unique("pos", keep="first", maintain_order=True)
    out = pl.repeat(None, grid.needed.height, dtype=pl.Float64, eager=True).alias("direct_value")
    return out.scatter(at["pos"], at["value"]) if at.height else out


def thresholds(grid: Grid, catalogue: Catalogue) -> pl.Series:
    """The threshold of every grid row by :func:`ntm_analysis.assess.keys.thresholds_for` (the rule),
    decided once per distinct (tier, indicator) × (year, key) and gathered back."""
    yk = grid.uy.select("year", pl.col("key").cast(pl.String)).unique(maintain_order=True).with_row_index("yk")
    ti = grid.tmpl.select("tier", "indicator").unique(maintain_order=True).with_row_index("ti")
    combos = thresholds_for(ti.join(yk, how="cross").sort("yk", "ti", maintain_order=True), catalogue)["threshold"]
    uy_yk = grid.uy.select("year", pl.col("key").cast(pl.String)).join(
        yk, on=["year", "key"], how="left", nulls_equal=True, maintain_order="left")["yk"].cast(pl.Int64)
    tmpl_ti = grid.tmpl.select("tier", "indicator").join(ti, on=["tier", "indicator"], how="left",
                                                         maintain_order="left")["ti"].cast(pl.Int64)
    idx = uy_yk.gather(grid.rows["uy"]) * ti.height + tmpl_ti.gather(grid.rows["tid"])
    return combos.gather(idx)


__all__ = ["Grid", "build", "direct_values", "template", "thresholds", "unit_years"]
