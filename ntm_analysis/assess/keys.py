"""The region or commune group each unit is judged by, per year: the key of its thresholds.

A catalogue keys its thresholds by ``region`` (2021-2025: the seven socio-economic regions) or by
``group`` (2026-2030, QĐ 51/2025/QĐ-TTg: xã nhóm 1, 2, 3); ``threshold_by`` says which. The key of
a unit comes from units.csv (column ``region`` or ``group``; "nhóm 1", "Nhóm 1" and 1 all mean
group ``"1"``), and for groups from groups.csv (``code``, ``year``, ``group``: the group from that
year on, until a later row), which wins over units.csv. A unit without one gets the catalogue's
``default_region`` / ``default_group``; with ``default_group`` the row is flagged
(``key_defaulted``) so that every output can say so; a group catalogue without ``default_group``
makes a unit without a group an error (:class:`MissingGroupError`, naming the units).
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd
import polars as pl

from ntm_analysis.units import valid_in
from ntm_analysis.catalogue.model import Catalogue, default_key, key_ids, threshold_by
from ntm_analysis.i18n import fmt

KEY_COLUMNS = ["code", "year", "key", "key_defaulted"]

MESSAGES: dict[str, tuple[str, str]] = {
    "missing_group": (
        "Bộ tiêu chí {catalogue} đặt ngưỡng theo nhóm xã, nhưng {n} đơn vị chưa có nhóm trong năm {years}: {units}. "
        "Cách sửa: ghi nhóm (1, 2 hoặc 3) vào cột 'group' của units.csv, hoặc thêm dòng (code, year, group) vào groups.csv.",
        "Catalogue {catalogue} sets thresholds by commune group, but {n} units have no group in {years}: {units}. "
        "Fix: write the group (1, 2 or 3) in the 'group' column of units.csv, or add rows (code, year, group) to groups.csv.",
    ),
    "defaulted": (
        "{n} đơn vị chưa có nhóm xã, được tạm xếp nhóm {group} (nhóm mặc định của bộ tiêu chí): {units}.",
        "{n} units have no commune group and were placed in group {group} (the catalogue's default): {units}.",
    ),
}


class MissingGroupError(ValueError):
    """Units assessed under a group-based catalogue without a group and without ``default_group``;
    the message (one language) names them and the fix."""


def unit_keys(units: pd.DataFrame, catalogue: Catalogue, years: Iterable[int],
              groups: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per (unit valid in the year, year): ``code``, ``year``, ``key`` (region or group id,
    "" when none and no default), ``key_defaulted`` (bool: the catalogue's default group was given to
    a unit at the level a tier assesses).

    ``units``: the dataset's units (``code``, optional ``valid_from``/``valid_to``, ``region``,
    ``group``); ``groups``: optional (``code``, ``year``, ``group``) rows, used by group catalogues."""
    by = threshold_by(catalogue)
    validity = [c for c in ("valid_from", "valid_to") if c in units]
    raw = units[by] if by in units else pd.Series(pd.NA, index=units.index, dtype="string")
    tier_level = (units["level"].isin(set(catalogue.tiers["unit_level"])) if "level" in units
                  else pd.Series(True, index=units.index))
    base = units[["code", *validity]].assign(key=key_ids(catalogue, raw.astype("string")).replace("", pd.NA),
                                             _tl=tier_level.to_numpy())
    uy = base.merge(pd.DataFrame({"year": np.asarray(sorted(set(years)), dtype="int64")}), how="cross")
    uy = uy[valid_in(uy, uy["year"])].drop(columns=validity).drop_duplicates(["code", "year"], keep="last")
    if by == "group" and groups is not None and not groups.empty and not uy.empty:
        later = groups[["code", "year", "group"]].dropna(subset=["code", "year", "group"])
        later = later.assign(year=later["year"].astype("int64"), g=key_ids(catalogue, later["group"].astype("string")))
        later = later.sort_values("year")[["code", "year", "g"]]
        uy = pd.merge_asof(uy.sort_values("year"), later, on="year", by="code", direction="backward")
        uy["key"] = uy["g"].astype("string").fillna(uy["key"])
        uy = uy.drop(columns="g")
    default = default_key(catalogue)
    missing = uy["key"].isna() | uy["key"].eq("")
    uy = uy.assign(key_defaulted=(missing & uy["_tl"] & bool(default) & (by == "group")).astype(bool),
                   key=uy["key"].astype("string").mask(missing, default).fillna(default).astype("str"))
    return uy.sort_values(["code", "year"])[KEY_COLUMNS].reset_index(drop=True)


def threshold_table(catalogue: Catalogue) -> pl.DataFrame:
    """The catalogue's thresholds as polars: ``tier``, ``indicator`` (Categorical), ``t_key`` (the
    region or group the row is for, "" = generic), ``year_from``/``year_to`` (open ends filled with
    the catalogue's period), ``threshold``."""
    from ntm_analysis.io.columnar import CAT  # noqa: PLC0415

    thr, meta, by = catalogue.thresholds, catalogue.meta, threshold_by(catalogue)
    key = (thr[by] if by in thr else pd.Series("", index=thr.index)).astype("string").fillna("").str.strip()
    return pl.DataFrame({
        "tier": thr["tier"].astype("string").to_numpy(dtype=object, na_value=None),
        "indicator": thr["indicator"].astype("string").to_numpy(dtype=object, na_value=None),
        "t_key": key.to_numpy(dtype=object),
        "year_from": pd.to_numeric(thr["year_from"]).fillna(meta.get("period_from", -10**6)).to_numpy(dtype="int64"),
        "year_to": pd.to_numeric(thr["year_to"]).fillna(meta.get("period_to", 10**6)).to_numpy(dtype="int64"),
        "threshold": pd.to_numeric(thr["threshold"]).to_numpy(dtype="float64"),
    }, schema_overrides={"tier": pl.String, "indicator": pl.String, "t_key": pl.String}).with_columns(
        pl.col("tier").cast(CAT), pl.col("indicator").cast(CAT))


def thresholds_for(rows: pl.DataFrame, catalogue: Catalogue) -> pl.DataFrame:
    """``rows`` (polars: ``tier``, ``indicator`` Categorical, ``year``, ``key`` = the unit's region
    or commune group, see the module docstring) with a ``threshold`` column: among the catalogue's
    rows with ``year_from <= year <= year_to``, a row for the unit's key wins over a generic one
    (empty key), then the most recent ``year_from``; null when none applies. Decided once per
    distinct (tier, indicator, year, key) and joined back (row order kept)."""
    combos = rows.select("tier", "indicator", "year", pl.col("key").cast(pl.String)).unique()
    cand = combos.join(threshold_table(catalogue), on=["tier", "indicator"])
    cand = cand.filter((pl.col("year_from") <= pl.col("year")) & (pl.col("year") <= pl.col("year_to"))
                       & ((pl.col("t_key") == "") | (pl.col("t_key") == pl.col("key")).fill_null(False)))
    best = (cand.sort(["tier", "indicator", "year", "key", pl.col("t_key") != "", "year_from"],
                      descending=[False, False, False, False, True, True], nulls_last=True, maintain_order=True)
            .unique(["tier", "indicator", "year", "key"], keep="first", maintain_order=True)
            .select("tier", "indicator", "year", "key", "threshold"))
    out = rows.with_columns(pl.col("key").cast(pl.String).alias("_key"))
    best = best.rename({"key": "_key"})
    return out.join(best, on=["tier", "indicator", "year", "_key"], how="left", nulls_equal=True,
                    maintain_order="left").drop("_key")


def pick_thresholds(rows: pd.DataFrame, catalogue: Catalogue) -> pd.Series:
    """Threshold for each row of ``rows`` (``tier``, ``indicator``, ``year``, ``key``), aligned to its
    index, by the rule of :func:`thresholds_for`; NaN when none applies."""
    from ntm_analysis.io.columnar import to_polars  # noqa: PLC0415

    frame = to_polars(rows.assign(key=rows["key"].astype("string")), ["tier", "indicator", "year", "key"],
                      ["tier", "indicator"]).with_columns(pl.col("year").cast(pl.Int64))
    got = thresholds_for(frame, catalogue)["threshold"]
    return pd.Series(got.to_numpy().astype("float64"), index=rows.index)


def _shown(units: pd.DataFrame, codes: Iterable[str], n: int = 12) -> str:
    names = units.drop_duplicates("code", keep="last").set_index("code")["name"]
    codes = sorted(set(codes))
    out = [f"{names.get(c, '')} ({c})".strip() for c in codes[:n]]
    return ", ".join(out) + (f", … (+{len(codes) - n})" if len(codes) > n else "")


def require_groups(keys: pd.DataFrame, assessed: pd.DataFrame, units: pd.DataFrame, catalogue: Catalogue,
                   lang: str = "vi") -> None:
    """Raise :class:`MissingGroupError` when a group catalogue has no group for a unit it assesses.

    ``keys``: :func:`unit_keys`; ``assessed``: (``code``, ``year``) pairs that get thresholds (the
    units at a tier's level)."""
    if threshold_by(catalogue) != "group":
        return
    need = assessed[["code", "year"]].drop_duplicates().merge(keys, on=["code", "year"], how="left")
    bad = need[need["key"].isna() | need["key"].eq("")]
    if bad.empty:
        return
    years = ", ".join(str(y) for y in sorted(set(bad["year"])))
    raise MissingGroupError(fmt(MESSAGES, "missing_group", lang, catalogue=catalogue.meta.get("id", "?"),
                                n=bad["code"].nunique(), years=years, units=_shown(units, bad["code"])))


def defaulted_notice(keys: pd.DataFrame | None, units: pd.DataFrame, catalogue: Catalogue | None,
                     lang: str = "vi") -> str:
    """The flag every output shows when units were given the catalogue's ``default_group``; "" when none."""
    if keys is None or catalogue is None or keys.empty or not keys["key_defaulted"].any():
        return ""
    codes = keys.loc[keys["key_defaulted"], "code"]
    return fmt(MESSAGES, "defaulted", lang, n=codes.nunique(), group=default_key(catalogue), units=_shown(units, codes))


def assessment_notices(assessment: object, lang: str = "vi") -> list[str]:
    """What every output of an assessment shows first: the catalogue's banner (e.g. provisional
    2026-2030 levels) and which units were given the catalogue's default group. Empty when none."""
    from ntm_analysis.catalogue.display import catalogue_banner  # noqa: PLC0415

    cat = getattr(assessment, "catalogue", None)
    scope = getattr(assessment, "scope", None)
    units = scope if scope is not None and "name" in scope else pd.DataFrame({"code": [], "name": []})
    out = [catalogue_banner(cat, lang), defaulted_notice(getattr(assessment, "keys", None), units, cat, lang)]
    return [x for x in out if x]
