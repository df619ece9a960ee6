"""Attainment: indicator → criterion → unit summary per tier, with village roll-up and slippage.

Pure functions over the Dataset and Catalogue tables (see docs/architecture.md, "Assessment
contract"); nothing here opens a file. Every step is a merge or a groupby over the whole table:
the only Python loops run over tiers, roll-up rules or the (bounded) depth of the unit hierarchy.

Roll-up: a measure entered below the level it is assessed at (village or hamlet values for a
commune indicator) is aggregated over every lower-level unit under it that is valid that year by
the measure's ``rollup`` rule (``ratio`` = 100 × Σ numerator / Σ denominator, never a mean of
percentages; ``sum``; ``all``; ``any``; ``share_true`` = 100 × share of units whose value is 1).
A roll-up with a lower-level unit lacking its value (or, for ``ratio``, its numerator or
denominator) is missing, never a partial result; ``all``/``any`` are decided early only when one
known value already settles them. The roll-up is used whenever it can be computed; a value given
directly for the unit is used only when no roll-up is possible. When both exist and disagree
(more than 0.5 percentage point, 0.5 % relative for counts and sums, or a different boolean) the
pair is listed in ``rollup_conflicts`` with ``used = "rollup"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import numpy as np
import pandas as pd

import polars as pl

from ntm_analysis.assess import grid, summary
from ntm_analysis.assess.changes import change_column
from ntm_analysis.io.columnar import CATEGORICAL_COLUMNS, add_validity, categorize, to_pandas, to_polars
from ntm_analysis.assess.keys import pick_thresholds, require_groups, unit_keys  # noqa: F401 (pick_thresholds re-exported)
from ntm_analysis.assess.status import indicator_status, status_columns  # noqa: F401 (indicator_status re-exported)
from ntm_analysis.catalogue.model import Catalogue, threshold_by
from ntm_analysis.io.dataset import Dataset, dataset_ancestry, dataset_frame
from ntm_analysis.errors import KeyedError
from ntm_analysis.i18n import check_lang
from ntm_analysis.assess.rollup import CONFLICT_COLUMNS, resolve_values
from ntm_analysis.units import LEVEL_RANK, ancestry, valid_in

MESSAGES: dict[str, tuple[str, str]] = {
    "unknown_unit": (
        "Không có đơn vị mã {codes} trong bảng đơn vị (units) của bộ dữ liệu; kiểm tra mã (giữ các số 0 ở đầu).",
        "No unit with code {codes} in the dataset's units table; check the code (keep leading zeros).",
    ),
    "unknown_tier": (
        "Hạng {tiers} không có trong bộ tiêu chí {catalogue}; chọn trong: {choices}.",
        "Tier {tiers} is not in catalogue {catalogue}; choose from: {choices}.",
    ),
}

INDICATOR_COLUMNS = [
    "code", "year", "tier", "criterion", "indicator", "measure", "value", "threshold", "comparator",
    "status", "gap", "share_covered", "value_source", "threshold_status", "confidence",
]
CRITERIA_COLUMNS = [
    "code", "year", "tier", "criterion", "status", "n_indicators", "n_met", "n_missing", "binding", "change",
]
UNIT_COLUMNS = [
    "code", "year", "tier", "criteria_met", "criteria_total", "criteria_missing", "reached", "recognised", "newly_met",
    "recovered", "slipped", "slipped_since_recognition",
]



class AssessError(KeyedError, ValueError):
    """Bad arguments to :func:`assess` (unknown unit code or tier): message ``key`` of ``MESSAGES``."""

    MESSAGES = MESSAGES


@dataclass(frozen=True, eq=False)
class Assessment:
    """Attainment tables (see the Assessment contract) plus what display helpers need.

    ``scope`` holds the assessed units (``code``, ``name``, ``level``, ``parent_code``, ``region``);
    ``catalogue`` the catalogue used, for names and units of measure.
    """

    indicators: pd.DataFrame
    criteria: pd.DataFrame
    units: pd.DataFrame
    rollup_conflicts: pd.DataFrame
    scope: pd.DataFrame = field(default_factory=pd.DataFrame)
    catalogue: Catalogue | None = None
    #: Region or group each unit was judged by per year (:func:`ntm_analysis.assess.keys.unit_keys`).
    keys: pd.DataFrame = field(default_factory=pd.DataFrame)


# --- scope ------------------------------------------------------------------------------------


def select_units(units: pd.DataFrame, codes: str | Iterable[str] | None, lang: str = "vi",
                 anc: pd.DataFrame | None = None) -> pd.DataFrame:
    """Units named by ``codes`` and every unit under them (a district or province code selects its
    communes, villages and hamlets); all units when ``codes`` is None."""
    if codes is None:
        return units
    wanted = [codes] if isinstance(codes, str) else [str(c) for c in codes]
    unknown = sorted(set(wanted) - set(units.loc[units["code"].isin(wanted), "code"]))
    if unknown:
        raise AssessError("unknown_unit", lang=lang, codes=", ".join(unknown))
    anc = ancestry(units) if anc is None else anc
    return units[units["code"].isin(anc.loc[anc["ancestor"].isin(wanted), "code"])]


def _tier_closure(catalogue: Catalogue, tiers: str | Iterable[str] | None, lang: str) -> list[str]:
    """Requested tiers plus every tier they require (needed to decide ``reached``)."""
    known = catalogue.tier_ids()
    wanted = known if tiers is None else ([tiers] if isinstance(tiers, str) else list(tiers))
    unknown = [t for t in wanted if t not in known]
    if unknown:
        raise AssessError("unknown_tier", lang=lang, tiers=", ".join(unknown),
                          catalogue=catalogue.meta.get("id", "?"), choices=", ".join(known))
    requires = _requires(catalogue)
    out = list(wanted)
    for tier in out:  # grows while iterating: follows the chain of requirements
        req = requires.get(tier)
        if req and req in known and req not in out:
            out.append(req)
    return out


def _requires(catalogue: Catalogue) -> dict[str, str]:
    req = catalogue.tiers.set_index("tier")["requires"]
    return {t: str(r) for t, r in req.items() if pd.notna(r) and str(r).strip()}


# --- indicators ------------------------------------------------------------------------------


def _tier_info(catalogue: Catalogue) -> tuple[dict[str, str], dict[str, str]]:
    """Each tier's required tier and unit level."""
    return _requires(catalogue), catalogue.tiers.set_index("tier")["unit_level"].astype(str).to_dict()


def assess(dataset: Dataset, catalogue: Catalogue, years: int | Iterable[int] | None = None,
           tiers: str | Iterable[str] | None = None, units: str | Iterable[str] | None = None,
           lang: str = "vi") -> Assessment:
    """Assess every selected unit, year and tier against ``catalogue``.

    ``years``: the years to report (default: every year with values in the catalogue's period);
    earlier years of the period with values are assessed too so that ``change``, ``newly_met`` and
    ``slipped`` compare with the previous assessed year (never with a year of another period). ``tiers``: tier ids (default: all; required tiers are assessed as well to decide
    ``reached``). ``units``: codes of communes, villages, hamlets or of a district / province (then
    every unit under it): only those units (and the units under or above them that their values
    and ``reached`` need) are assessed, so one commune of a national dataset answers at once.
    Village and hamlet values roll up as described in the module docstring;
    a direct value is used only when no roll-up is possible, conflicts go to ``rollup_conflicts``.
    Returns an :class:`Assessment` of tidy pandas tables: ``indicators`` (``code``, ``year``, ``tier``,
    ``criterion``, ``indicator``, ``measure``, ``value``, ``threshold``, ``comparator``, ``status``,
    ``gap``, ``share_covered``, ``value_source``, ...), ``criteria`` (``status``, ``binding``,
    ``change`` per code, year, tier, criterion), ``units`` (``criteria_met``, ``criteria_total``,
    ``criteria_missing``, ``reached``, ``recognised``, ``slipped`` ... per code, year, tier) and
    ``rollup_conflicts`` (docs/architecture.md, Assessment contract). Dtypes: the low-cardinality
    text columns (``code``, ``tier``, ``indicator``, ``measure``, ``comparator``, ``status``,
    ``value_source``, ``threshold_status``, ``confidence``, ``change``, ``rollup``, ``used``:
    :data:`~ntm_analysis.io.columnar.CATEGORICAL_COLUMNS`) are unordered pandas ``Categorical`` with
    the sorted ``str`` values present as categories (NaN = missing); ``binding``, ``newly_met``,
    ``recovered``, ``slipped``, ``slipped_since_recognition`` are ``str``; ``year``, ``criterion`` and
    counts int64, ``recognised`` Int64, numbers float64, ``reached`` bool.
    Raises :class:`AssessError` for unknown unit codes or tiers. Runs on polars (see
    :mod:`ntm_analysis.io.columnar`); the tables returned are pandas.
    """
    check_lang(lang)
    want_years = None if years is None else sorted({int(y) for y in ([years] if isinstance(years, int) else years)})
    want_tiers = list(catalogue.tier_ids()) if tiers is None else ([tiers] if isinstance(tiers, str) else list(tiers))
    compute_tiers = _tier_closure(catalogue, want_tiers, lang)
    all_units = dataset.units
    anc, anc_pl = dataset_ancestry(dataset)
    scope = select_units(all_units, units, lang, anc)
    if units is None:
        compute_units = all_units
    else:  # the scope, every unit above it (for ``reached``) and under it (for roll-ups)
        up = anc.loc[anc["code"].isin(scope["code"].unique()), "ancestor"].unique()
        compute_units = all_units[all_units["code"].isin(up)]
    values = dataset_frame(dataset)
    data_years = set(values["year"].unique().to_list())
    horizon = max(want_years) if want_years else None
    lo, hi = catalogue.meta.get("period_from", -10**6), catalogue.meta.get("period_to", 10**6)
    # years of another criteria period are never assessed under this catalogue (no x/19 against x/10)
    years_all = sorted({y for y in data_years if (horizon is None or y <= horizon) and lo <= y <= hi}
                       | set(want_years or []))

    if units is not None:  # values of the units assessed and of those under them only
        below = anc_pl.join(to_polars(compute_units[["code"]].drop_duplicates(), text=["code"]).rename({"code": "ancestor"}),
                            on="ancestor", how="semi").select("code").unique()
        values = values.join(below, on="code", how="semi")
    keys = unit_keys(compute_units, catalogue, years_all, getattr(dataset, "groups", None))
    g = grid.build(compute_units, years_all, catalogue, compute_tiers, keys)
    if threshold_by(catalogue) == "group":  # (a no-op for region catalogues)
        tier_levels = list(catalogue.tiers.loc[catalogue.tiers["tier"].isin(compute_tiers), "unit_level"])
        assessed = g.uy.filter(pl.col("level").cast(pl.String).is_in(tier_levels)).select("code", "year")
        require_groups(keys, to_pandas(assessed), dataset.units, catalogue)

    # the value of each (unit-year, measure) the applicable rows need, once, gathered onto the rows
    meas = to_polars(catalogue.measures[["measure", "level", "rollup", "kind"]].rename(columns={"level": "m_level"}),
                     text=["measure", "m_level", "rollup", "kind"])
    vals, conflicts = resolve_values(g.needed.drop("uy"), values, meas, anc_pl, grid.direct_values(g, values),
                                     pairs=g.pairs.select("level", "measure"))
    vi = g.rows["vi"]
    comparator, applicable, ind_order, cid = g.gather(g.tmpl, ["comparator", "applicable", "ind_order", "cid"], "tid")
    rows = g.rows.select("uy", "tid").with_columns(
        value=vals["value"].gather(vi), value_source=vals["value_source"].gather(vi),
        threshold=grid.thresholds(g, catalogue), comparator=comparator, applicable=applicable)
    rows = rows.with_columns(status_columns()).drop("applicable")

    # criteria: one group per unit-year and (tier, criterion), in output order
    n_cid = max(g.n_cid, 1)
    crit_rows = rows.select("status", _g=(pl.col("uy").cast(pl.Int64) * n_cid + cid).set_sorted(),
                            indicator=g.tmpl["indicator"].gather(rows["tid"]), ind_order=ind_order)
    crit = summary.criteria(crit_rows)
    crit_uy, crit_cid = crit["_g"] // n_cid, crit["_g"] % n_cid
    cid_table = g.tmpl.unique("cid", keep="first", maintain_order=True).sort("cid").select("tier", "criterion")
    crit = crit.with_columns(code=g.uy["code"].gather(crit_uy), year=g.uy["year"].gather(crit_uy),
                             tier=cid_table["tier"].gather(crit_cid), criterion=cid_table["criterion"].gather(crit_cid),
                             _series=g.uy["code_no"].gather(crit_uy) * n_cid + crit_cid)
    crit = change_column(crit, ["_series"]).drop("_series")

    requires, level = _tier_info(catalogue)
    rec = to_polars(dataset.recognitions[["code", "tier", "year"]], text=["code", "tier"]).with_columns(
        pl.col("year").cast(pl.Int64))
    unit_rows = to_polars(add_validity(all_units[["code", *[c for c in ("valid_from", "valid_to") if c in all_units]]]),
                          text=["code"])
    summ = summary.units(crit, unit_rows, rec, anc_pl, requires, level, compute_tiers)

    tier_order = {t: i for i, t in enumerate(catalogue.tier_ids())}
    scope_codes = to_polars(scope[["code"]].drop_duplicates(), text=["code"]) if units is not None else None
    uy_ok = pl.repeat(True, g.uy.height, eager=True)
    if scope_codes is not None:
        uy_ok = g.uy["code"].is_in(scope_codes["code"].implode())
    if want_years is not None:
        uy_ok = uy_ok & g.uy["year"].is_in(want_years)
    tid_ok = g.tmpl["tier"].is_in(want_tiers)

    def keep(frame: pl.DataFrame, cols: list[str], ordered: bool = False, picked: bool = False) -> pd.DataFrame:
        """Rows in the requested scope, years and tiers (``picked``: already), sorted (``ordered``:
        already), as a pandas table."""
        if scope_codes is not None and not picked:
            frame = frame.join(scope_codes, on="code", how="semi", maintain_order="left")
        if "tier" in frame.columns and not picked:
            frame = frame.filter(pl.col("tier").is_in(want_tiers))
        if want_years is not None and not picked:
            frame = frame.filter(pl.col("year").is_in(want_years))
        if not ordered:
            if "tier" in frame.columns:
                frame = frame.with_columns(tier_order=pl.col("tier").cast(pl.String).replace_strict(
                    tier_order, default=-1, return_dtype=pl.Int64))
            sort = [c for c in ("code", "year", "tier_order", "criterion", "measure") if c in frame.columns]
            frame = frame.sort([pl.col(c).cast(pl.String) if c in ("code", "measure") else pl.col(c) for c in sort],
                               maintain_order=True, nulls_last=False)
        return to_pandas(frame.select(cols), ints=["year", "criterion", "criteria_met", "criteria_total",
                                                   "criteria_missing", "n_indicators", "n_met", "n_missing"],
                         nullable_ints=["recognised"], categorical=CATEGORICAL_COLUMNS)

    # the indicator table: the grid rows kept, their text columns gathered from the two small tables
    picked = rows.filter(uy_ok.gather(rows["uy"]) & tid_ok.gather(rows["tid"]))
    ind_cols = ["tier", "criterion", "indicator", "measure", "comparator", "threshold_status", "confidence"]
    indicators = picked.drop("comparator").with_columns(
        [s.alias(c) for c, s in zip(["code", "year"], [g.uy[c].gather(picked["uy"]) for c in ("code", "year")])]
        + [g.tmpl[c].gather(picked["tid"]).alias(c) for c in ind_cols])
    scope_cols = [c for c in ("code", "name", "level", "parent_code", "region", "group", "valid_from", "valid_to")
                  if c in scope]
    return Assessment(
        indicators=keep(indicators, INDICATOR_COLUMNS, ordered=True, picked=True),
        criteria=keep(crit, CRITERIA_COLUMNS, ordered=True),
        units=keep(summ, UNIT_COLUMNS),
        rollup_conflicts=keep(conflicts, CONFLICT_COLUMNS),
        scope=scope[scope_cols].reset_index(drop=True), catalogue=catalogue,
        keys=keep(g.uy.filter(uy_ok).select("code", "year", "key", "key_defaulted"),
                  ["code", "year", "key", "key_defaulted"], ordered=True, picked=True),
    )


#: Roll-up rules of boolean measures: a village's own value is judged "true = met" (comparator ``true``).
BOOLEAN_ROLLUPS = ("share_true", "all", "any")


def assess_villages(dataset: Dataset, catalogue: Catalogue, tier: str, years: int | Iterable[int] | None = None,
                    units: str | Iterable[str] | None = None, lang: str = "vi") -> pd.DataFrame:
    """Each village's own value of the indicators of a commune ``tier`` whose measure is entered per
    village, judged against the threshold its commune is judged by.

    An aid to find the villages where the commune falls short, NOT an official assessment: the
    commune is what is assessed (from the roll-up); a village has no status of its own for these
    indicators. The threshold is the commune's (its region, the year's rule: :func:`pick_thresholds`)
    and the comparison is :func:`indicator_status`. Boolean measures (kind ``boolean`` or rolled up
    by ``share_true``/``all``/``any``, e.g. "≥ 100 % of villages have a cultural house") are judged
    true = met (``comparator`` is ``true``; ``threshold`` keeps the commune's share for reference);
    percents compare the village's percent with the threshold; ``sum`` measures compare the village's
    count with a commune maximum (``<=``, ``==``, e.g. temporary houses == 0) and are
    ``not_applicable`` with ``>=`` (a commune total is no target for one village).

    Returns rows with :data:`INDICATOR_COLUMNS` (``code`` = village code, ``value_source`` ``direct``,
    NA without a value; text columns Categorical as in :func:`assess`): every village valid in the
    year under ``units`` (codes; default all) × year (default: every year with values) × indicator.
    Raises :class:`AssessError` for an unknown tier or code.
    """
    check_lang(lang)
    _tier_closure(catalogue, [tier], lang)  # unknown tier → AssessError
    meas = catalogue.measures[["measure", "level", "kind", "rollup"]].rename(columns={"level": "m_level"})
    inds = catalogue.indicators[catalogue.indicators["tier"].eq(tier)]
    inds = inds.assign(ind_order=np.arange(len(inds))).merge(meas, on="measure")
    inds = inds[inds["m_level"].eq("village") & (inds["unit_level"].map(LEVEL_RANK) < LEVEL_RANK["village"])]
    want = (sorted(set(dataset.values["year"].astype("int64"))) if years is None
            else sorted({int(y) for y in ([years] if isinstance(years, int) else years)}))
    all_units = dataset.units
    anc = ancestry(all_units)
    scope = select_units(all_units, units, lang, anc)
    validity = [c for c in ("valid_from", "valid_to") if c in all_units]
    villages = all_units.loc[all_units["code"].isin(scope["code"]) & all_units["level"].eq("village"), ["code", *validity]]
    rows = villages.merge(pd.DataFrame({"year": np.asarray(want, dtype="int64")}), how="cross")
    rows = rows[valid_in(rows, rows["year"])].drop(columns=validity).drop_duplicates(["code", "year"])
    rows = rows.merge(inds, how="cross")

    # the commune (ancestor at the indicator's level) valid that year gives the region or group
    keys = unit_keys(all_units, catalogue, want, getattr(dataset, "groups", None))
    up = anc.loc[anc["depth"].gt(0), ["code", "ancestor", "ancestor_level"]].drop_duplicates()
    up = rows[["code", "year", "unit_level"]].drop_duplicates().merge(
        up, left_on=["code", "unit_level"], right_on=["code", "ancestor_level"])
    up = up.merge(keys.rename(columns={"code": "ancestor", "key": "up_key"}), on=["ancestor", "year"])
    up = up.drop_duplicates(["code", "year", "unit_level"], keep="last")
    rows = rows.merge(up[["code", "year", "unit_level", "up_key"]], on=["code", "year", "unit_level"], how="left")
    own = keys.rename(columns={"key": "own_key"})[["code", "year", "own_key"]]
    rows = rows.merge(own, on=["code", "year"], how="left")
    region = rows["up_key"].fillna(rows["own_key"]).fillna("")

    vals = dataset.values[["code", "year", "indicator", "value"]].rename(columns={"indicator": "measure"})
    rows = rows.merge(vals.drop_duplicates(["code", "year", "measure"]), on=["code", "year", "measure"], how="left")
    rows["value"] = rows["value"].astype("float64")
    rows["threshold"] = pick_thresholds(rows.assign(key=region), catalogue)
    boolean = rows["kind"].eq("boolean") | rows["rollup"].isin(BOOLEAN_ROLLUPS)
    rows["comparator"] = rows["comparator"].astype("string").where(~boolean, "true")
    applicable = ~(rows["rollup"].eq("sum") & rows["comparator"].eq(">=")).fillna(False).astype(bool)
    rows["value_source"] = pd.Series(np.where(rows["value"].notna(), "direct", None), index=rows.index, dtype="string")
    rows = pd.concat([rows, indicator_status(rows["value"], rows["threshold"], rows["comparator"], applicable)], axis=1)
    out = rows.sort_values(["code", "year", "ind_order"])[INDICATOR_COLUMNS].reset_index(drop=True)
    return categorize(out)
