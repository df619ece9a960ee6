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

from ntm_analysis.assess.keys import pick_thresholds, require_groups, unit_keys  # noqa: F401 (pick_thresholds re-exported)
from ntm_analysis.catalogue.model import Catalogue
from ntm_analysis.io.dataset import Dataset
from ntm_analysis.errors import KeyedError
from ntm_analysis.i18n import check_lang, fmt
from ntm_analysis.assess.changes import classify_changes
from ntm_analysis.assess.rollup import CONFLICT_COLUMNS, EPS, resolve_values
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
TEXT_COLUMNS = {
    "code", "tier", "indicator", "measure", "comparator", "status", "value_source", "threshold_status",
    "confidence", "binding", "change", "newly_met", "recovered", "slipped", "slipped_since_recognition", "rollup", "used",
}



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
    unknown = sorted(set(wanted) - set(units["code"]))
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


def indicator_status(value: pd.Series, threshold: pd.Series, comparator: pd.Series,
                     applicable: pd.Series) -> pd.DataFrame:
    """``status``, ``gap`` and ``share_covered`` of aligned value/threshold/comparator columns.

    Gap is positive while there is still a way to go (threshold − value for ``>=``, value −
    threshold for ``<=``, |value − threshold| for ``==``), 0 once met, NaN for booleans."""
    v, t = value.astype("float64"), threshold.astype("float64")
    comp = comparator.astype("string").fillna("")
    is_bool, ge, le, eq = comp.eq("true"), comp.eq(">="), comp.eq("<="), comp.eq("==")
    met = np.select(
        [is_bool, ge, le, eq],
        [v.eq(1.0), v >= t - EPS * t.abs().clip(lower=1), v <= t + EPS * t.abs().clip(lower=1),
         (v - t).abs() <= EPS * t.abs().clip(lower=1)],
        default=False,
    ).astype(bool)
    status = np.select(
        [~applicable, v.isna(), ~is_bool & t.isna(), met],
        ["not_applicable", "missing", "unknown_threshold", "met"],
        default="not_met",
    )
    gap = np.select([ge, le, eq], [(t - v).clip(lower=0), (v - t).clip(lower=0), (v - t).abs()], default=np.nan)
    gap = np.where(met & ~is_bool, 0.0, gap)
    with np.errstate(divide="ignore", invalid="ignore"):
        share_ge = np.where(t > 0, (v / t).clip(0, 1), 1.0)
        share_le = np.where(v <= t, 1.0, np.where(v > 0, (t / v).clip(0, 1), 1.0))
        share_eq = np.where((v - t).abs() <= EPS, 1.0,
                            np.minimum(v.abs(), t.abs()) / np.maximum(v.abs(), t.abs()))
    share = np.select([ge, le, eq], [share_ge, share_le, share_eq], default=np.nan)
    bad = np.asarray(status != "met") & np.asarray(status != "not_met")
    return pd.DataFrame({
        "status": pd.Series(status, index=value.index, dtype="string"),
        "gap": pd.Series(np.where(bad, np.nan, gap), index=value.index, dtype="float64"),
        "share_covered": pd.Series(np.where(bad, np.nan, share), index=value.index, dtype="float64"),
    })


def _indicator_rows(dataset: Dataset, catalogue: Catalogue, compute_units: pd.DataFrame,
                    years: list[int], tiers: list[str]) -> pd.DataFrame:
    """One row per (unit, year, tier, indicator) for units whose level the tier (or one of its
    indicators) is assessed at; ``applicable`` says whether the indicator's own level matches."""
    tiers_t = catalogue.tiers.loc[catalogue.tiers["tier"].isin(tiers), ["tier", "unit_level"]]
    inds = catalogue.indicators[catalogue.indicators["tier"].isin(tiers)].copy()
    inds["ind_order"] = np.arange(len(inds))
    # only the columns the assessment keeps: names, sources and notes would be copied to every
    # unit × year × indicator row (millions at national scale) and are read from the catalogue instead
    inds = inds[[c for c in inds if c in INDICATOR_COLUMNS or c in ("unit_level", "ind_order")]]
    levels = pd.concat([tiers_t, inds[["tier", "unit_level"]]]).drop_duplicates()
    levels = levels.rename(columns={"unit_level": "level"})
    cols = ["code", "level", *[c for c in ("valid_from", "valid_to") if c in compute_units]]
    uy = compute_units[cols].merge(pd.DataFrame({"year": np.asarray(years, dtype="int64")}), how="cross")
    uy = uy[valid_in(uy, uy["year"])].drop(columns=[c for c in ("valid_from", "valid_to") if c in uy])
    keys = unit_keys(compute_units, catalogue, years, getattr(dataset, "groups", None))
    require_groups(keys, uy[uy["level"].isin(tiers_t["unit_level"])], dataset.units, catalogue)
    rows = uy.merge(keys, on=["code", "year"], how="left").merge(levels, on="level").merge(inds, on="tier")
    rows["applicable"] = rows["unit_level"].eq(rows["level"]).fillna(False).astype(bool)
    return rows.reset_index(drop=True)


def _criteria(rows: pd.DataFrame) -> pd.DataFrame:
    """Criterion status, counts and binding indicators from the indicator rows."""
    keys = ["code", "year", "tier", "criterion"]
    st = rows["status"]
    flags = rows[keys].assign(
        app=st.ne("not_applicable"), met=st.eq("met"), not_met=st.eq("not_met"),
        miss=st.isin(["missing", "unknown_threshold"]),
    )
    crit = flags.groupby(keys, as_index=False).agg(
        n_indicators=("app", "sum"), n_met=("met", "sum"), n_not_met=("not_met", "sum"),
        n_missing=("miss", "sum"))
    crit["status"] = pd.Series(np.select(
        [crit["n_indicators"].eq(0), crit["n_not_met"].gt(0), crit["n_missing"].gt(0)],
        ["not_applicable", "not_met", "missing"], default="met"), index=crit.index, dtype="string")
    held = rows.assign(first=np.where(flags["not_met"], 0, 1))[flags["not_met"] | flags["miss"]]
    held = held.sort_values([*keys, "first", "ind_order"])
    binding = _join_sorted(held, keys, "indicator")
    crit = crit.merge(binding.rename(columns={"indicator": "binding"}), on=keys, how="left")
    crit["binding"] = crit["binding"].astype("str").fillna("")
    for col in ("n_indicators", "n_met", "n_missing"):
        crit[col] = crit[col].astype("int64")
    return crit


def _changes(crit: pd.DataFrame) -> pd.DataFrame:
    """``change`` of each criterion vs the previous decided year (:func:`changes.classify_changes`)."""
    crit = crit.sort_values(["code", "tier", "criterion", "year"])
    return crit.assign(change=classify_changes(crit, ["code", "tier", "criterion"]).astype("str"))


def _join_numbers(frame: pd.DataFrame, mask: pd.Series, keys: list[str], name: str) -> pd.DataFrame:
    """Comma-separated criterion numbers of the rows in ``mask``, per ``keys``."""
    sel = frame[mask].sort_values([*keys, "criterion"])
    return _join_sorted(sel, keys, "criterion").rename(columns={"criterion": name})


def _join_sorted(sel: pd.DataFrame, keys: list[str], col: str) -> pd.DataFrame:
    """``keys`` plus ``col`` joined with ", " per group of ``sel`` (already sorted by ``keys``), in
    row order: the same as ``groupby(keys)[col].agg(lambda s: ", ".join(s.astype(str)))`` but
    vectorised (Arrow list join), because there are millions of groups at national scale."""
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.compute as pc  # noqa: PLC0415

    if sel.empty:
        return pd.DataFrame({**{k: sel[k] for k in keys}, col: pd.Series(dtype="str")})
    k = sel[keys].reset_index(drop=True)
    new = np.zeros(len(k), dtype=bool)
    new[0] = True
    for key in keys:  # a group starts where any key differs from the row before
        a = k[key].to_numpy()
        new[1:] |= a[1:] != a[:-1]
    starts = np.flatnonzero(new)
    offsets = pa.array(np.append(starts, len(k)).astype("int32"))
    texts = pa.array(sel[col].astype(str).to_numpy(dtype=object), pa.string())
    joined = pc.binary_join(pa.ListArray.from_arrays(offsets, texts), ", ")
    out = k.iloc[starts].reset_index(drop=True)
    out[col] = pd.Series(joined.to_numpy(zero_copy_only=False), dtype="str")
    return out


def _units(crit: pd.DataFrame, dataset: Dataset, catalogue: Catalogue, anc: pd.DataFrame,
           tiers: list[str]) -> pd.DataFrame:
    """Unit summary per (code, year, tier): counts, reached, recognised, newly met and slipped."""
    keys = ["code", "year", "tier"]
    app = crit[crit["status"].ne("not_applicable")]
    summ = app.assign(met=app["status"].eq("met"), miss=app["status"].eq("missing")).groupby(
        keys, as_index=False).agg(criteria_met=("met", "sum"), criteria_total=("criterion", "size"),
                                  criteria_missing=("miss", "sum"))
    summ = summ.astype({"criteria_met": "int64", "criteria_total": "int64", "criteria_missing": "int64"})
    summ["all_met"] = summ["criteria_total"].gt(0) & summ["criteria_met"].eq(summ["criteria_total"])
    summ = _reached(summ, catalogue, anc, tiers)

    rec = dataset.recognitions[["code", "tier", "year"]].rename(columns={"year": "rec_year"})
    rec = summ[keys].merge(rec, on=["code", "tier"])
    # a code is reused across mergers: a recognition counts only for the unit row it was given to
    rows = dataset.units[["code", *[c for c in ("valid_from", "valid_to") if c in dataset.units]]]
    rec = rec.merge(rows, on="code", how="left")
    rec = rec[valid_in(rec, rec["year"]) & valid_in(rec, rec["rec_year"])]
    rec = rec[rec["rec_year"] <= rec["year"]].groupby(keys, as_index=False)["rec_year"].max()
    summ = summ.merge(rec.rename(columns={"rec_year": "recognised"}), on=keys, how="left")
    summ["recognised"] = summ["recognised"].astype("Int64")

    newly = crit["change"].eq("newly_met").fillna(False).astype(bool)
    recovered = crit["change"].eq("recovered").fillna(False).astype(bool)
    slipped = crit["change"].eq("slipped").fillna(False).astype(bool)
    at_rec = crit[["code", "tier", "criterion", "year", "status"]].rename(
        columns={"year": "recognised", "status": "rec_status"}).astype({"recognised": "Int64"})
    since = crit.merge(summ[[*keys, "recognised"]], on=keys, how="left")
    since = since.merge(at_rec, on=["code", "tier", "criterion", "recognised"], how="left")
    lost = (since["rec_status"].eq("met") & since["status"].eq("not_met")
            & (since["year"] > since["recognised"])).fillna(False).astype(bool)
    for frame, mask, name in ((crit, newly, "newly_met"), (crit, recovered, "recovered"), (crit, slipped, "slipped"),
                              (since, lost, "slipped_since_recognition")):
        summ = summ.merge(_join_numbers(frame, mask, keys, name), on=keys, how="left")
        summ[name] = summ[name].astype("string").fillna("")
    return summ


def _reached(summ: pd.DataFrame, catalogue: Catalogue, anc: pd.DataFrame, tiers: list[str]) -> pd.DataFrame:
    """``reached`` = all criteria met and the required tier reached the same year (by the unit
    itself, or by its ancestor when the required tier is assessed at another level)."""
    requires = _requires(catalogue)
    level = catalogue.tiers.set_index("tier")["unit_level"].to_dict()
    summ = summ.assign(reached=False)
    done: set[str] = set()
    pending = list(tiers)
    while pending:  # loop over tiers only, required tiers first
        ready = [t for t in pending if requires.get(t) not in pending or requires.get(t) == t]
        for tier in ready or pending[:1]:
            pending.remove(tier)
            mask = summ["tier"].eq(tier)
            req = requires.get(tier)
            if not req or req not in done:
                summ.loc[mask, "reached"] = summ.loc[mask, "all_met"]
                done.add(tier)
                continue
            part = summ.loc[mask, ["code", "year", "all_met"]]
            if level.get(req) == level.get(tier):
                part = part.assign(key=part["code"])
            else:
                up = anc.loc[anc["ancestor_level"].eq(level.get(req)), ["code", "ancestor", "valid_from", "valid_to"]]
                part = part.reset_index().merge(up, on="code", how="left")
                part = part[valid_in(part, part["year"])].drop_duplicates("index").set_index("index")  # the ancestor that year
                part = part.rename(columns={"ancestor": "key"}).drop(columns=["valid_from", "valid_to"])
            ok = summ.loc[summ["tier"].eq(req), ["code", "year", "reached"]].rename(
                columns={"code": "key", "reached": "req_ok"})
            merged = part.reset_index().merge(ok, on=["key", "year"], how="left").set_index("index")
            summ.loc[merged.index, "reached"] = merged["all_met"] & merged["req_ok"].fillna(False).astype(bool)
            done.add(tier)
    summ["reached"] = summ["reached"].astype(bool)
    return summ


def assess(dataset: Dataset, catalogue: Catalogue, years: int | Iterable[int] | None = None,
           tiers: str | Iterable[str] | None = None, units: str | Iterable[str] | None = None,
           lang: str = "vi") -> Assessment:
    """Assess every selected unit, year and tier against ``catalogue``.

    ``years``: the years to report (default: every year with values in the catalogue's period);
    earlier years of the period with values are assessed too so that ``change``, ``newly_met`` and
    ``slipped`` compare with the previous assessed year (never with a year of another period). ``tiers``: tier ids (default: all; required tiers are assessed as well to decide
    ``reached``). ``units``: codes of communes, villages, hamlets or of a district / province (then
    every unit under it). Village and hamlet values roll up as described in the module docstring;
    a direct value is used only when no roll-up is possible, conflicts go to ``rollup_conflicts``.
    Raises :class:`AssessError` for unknown unit codes or tiers.
    """
    check_lang(lang)
    want_years = None if years is None else sorted({int(y) for y in ([years] if isinstance(years, int) else years)})
    want_tiers = list(catalogue.tier_ids()) if tiers is None else ([tiers] if isinstance(tiers, str) else list(tiers))
    compute_tiers = _tier_closure(catalogue, want_tiers, lang)
    all_units = dataset.units
    anc = ancestry(all_units)
    scope = select_units(all_units, units, lang, anc)
    compute_units = all_units if units is None else all_units[
        all_units["code"].isin(anc.loc[anc["code"].isin(scope["code"].unique()), "ancestor"].unique())]
    data_years = set(dataset.values["year"].astype("int64"))
    horizon = max(want_years) if want_years else None
    lo, hi = catalogue.meta.get("period_from", -10**6), catalogue.meta.get("period_to", 10**6)
    # years of another criteria period are never assessed under this catalogue (no x/19 against x/10)
    years_all = sorted({y for y in data_years if (horizon is None or y <= horizon) and lo <= y <= hi}
                       | set(want_years or []))

    rows = _indicator_rows(dataset, catalogue, compute_units, years_all, compute_tiers)
    needed = rows.loc[rows["applicable"], ["code", "level", "year", "measure"]].drop_duplicates()
    vals, conflicts = resolve_values(needed, dataset, catalogue, anc)
    rows = rows.merge(vals, on=["code", "year", "measure"], how="left")
    rows["threshold"] = pick_thresholds(rows, catalogue)
    rows["value"] = rows["value"].where(rows["applicable"]).astype("float64")
    rows["value_source"] = rows["value_source"].where(rows["applicable"])
    rows = pd.concat([rows, indicator_status(rows["value"], rows["threshold"], rows["comparator"],
                                             rows["applicable"])], axis=1)

    crit = _criteria(rows)
    crit = _changes(crit)
    summ = _units(crit, dataset, catalogue, anc, compute_tiers)

    tier_order = {t: i for i, t in enumerate(catalogue.tier_ids())}

    def keep(frame: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
        """Rows in the requested scope, years and tiers, sorted, text columns as ``str``."""
        # (Arrow-backed text: ``isin``/``map`` with many values walk them in Python; a whole-dataset
        # scope needs no mask, and the tier order comes from categorical codes)
        mask = (pd.Series(True, index=frame.index) if units is None
                else frame["code"].isin(scope["code"].unique()))
        if "tier" in frame:
            order = pd.Categorical(frame["tier"], categories=list(tier_order)).codes
            mask &= pd.Series(np.isin(order, [tier_order[t] for t in want_tiers if t in tier_order]), index=frame.index)
            frame = frame.assign(tier_order=order)
        if want_years is not None:
            mask &= frame["year"].isin(want_years)
        sort = [c for c in ("code", "year", "tier_order", "criterion", "ind_order", "measure") if c in frame]
        out = frame[mask].sort_values(sort)[cols].reset_index(drop=True)
        text = [c for c in out if c in TEXT_COLUMNS]
        return out.astype({c: "str" for c in text})

    scope_cols = [c for c in ("code", "name", "level", "parent_code", "region", "group", "valid_from", "valid_to")
                  if c in scope]
    return Assessment(
        indicators=keep(rows, INDICATOR_COLUMNS),
        criteria=keep(crit, CRITERIA_COLUMNS),
        units=keep(summ, UNIT_COLUMNS),
        rollup_conflicts=keep(conflicts, CONFLICT_COLUMNS),
        scope=scope[scope_cols].reset_index(drop=True), catalogue=catalogue,
        keys=keep(rows[["code", "year", "key", "key_defaulted"]].drop_duplicates(["code", "year"]),
                  ["code", "year", "key", "key_defaulted"]),
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
    NA without a value): every village valid in the year under ``units`` (codes; default all) × year
    (default: every year with values) × indicator. Raises :class:`AssessError` for an unknown tier or code.
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
    return out.astype({c: "str" for c in out if c in TEXT_COLUMNS})
