"""The unit hierarchy and village roll-up used by the assessment.

``ancestry`` lists every (unit, ancestor) pair so that "every village under this commune" is a merge,
not a walk. ``resolve_values`` picks the value each (unit, year, measure) is judged by: the roll-up of
the lower-level units by the measure's rule (``ratio`` = 100 × Σ numerator / Σ denominator, never a
mean of percentages; ``sum``; ``all``; ``any``; ``share_true``) when it can be computed, else the
value entered directly; where both exist and disagree, the pair is reported as a conflict.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ntm_analysis.catalogue.model import Catalogue
from ntm_analysis.io.dataset import Dataset

#: Depth of each administrative level; roll-up runs from a deeper level to a shallower one.
LEVEL_RANK: dict[str, int] = {"province": 0, "district": 1, "commune": 2, "village": 3, "hamlet": 4}
#: Tolerance for comparing values computed as ratios with thresholds (floating point noise only).
EPS = 1e-9
#: Conflict tolerance between a direct value and a roll-up: percentage points / relative share.
CONFLICT_PP = 0.5
CONFLICT_REL = 0.005
CONFLICT_COLUMNS = [
    "code", "year", "measure", "rollup", "direct_value", "rollup_value", "n_villages", "used",
]


def ancestry(units: pd.DataFrame) -> pd.DataFrame:
    """Every (unit, ancestor) pair, the unit itself included: ``code``, ``level``, ``ancestor``,
    ``ancestor_level``, ``depth`` (0 = itself), and ``valid_from``/``valid_to``: the years in which
    the pair holds (the overlap of the validity of every row on the chain; NA = open). Codes are
    reused across periods (a village under Tân Lập until 2024 and under the new xã Vũ Lăng from
    2025 keeps its code), so a pair is only true in its years: filter with ``valid_in``.
    Walks ``parent_code`` a bounded number of times."""
    def years(col: str, open_end: float) -> np.ndarray:
        if col not in units:
            return np.full(len(units), open_end)
        y = pd.to_numeric(units[col], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        return np.where(np.isnan(y), open_end, y)

    rows = units[["code", "level", "parent_code"]].assign(_f=years("valid_from", -np.inf), _t=years("valid_to", np.inf))
    parents = rows.rename(columns={"code": "ancestor", "level": "ancestor_level", "parent_code": "next",
                                   "_f": "_pf", "_t": "_pt"})
    step = rows.assign(ancestor=rows["code"], ancestor_level=rows["level"], depth=0).rename(columns={"parent_code": "next"})
    cols = ["code", "level", "ancestor", "ancestor_level", "depth", "_f", "_t"]
    parts = [step[cols]]
    for depth in range(1, len(LEVEL_RANK) + 3):  # deeper than any real hierarchy; stops cycles
        step = step[["code", "level", "next", "_f", "_t"]].dropna(subset=["next"]).rename(columns={"next": "ancestor"})
        step = step.merge(parents, on="ancestor")
        step = step.assign(_f=np.maximum(step["_f"], step["_pf"]), _t=np.minimum(step["_t"], step["_pt"]), depth=depth)
        step = step[step["_f"] <= step["_t"]]
        if step.empty:
            break
        parts.append(step[cols])
    out = pd.concat(parts, ignore_index=True)
    years = {"valid_from": out["_f"].where(np.isfinite(out["_f"])), "valid_to": out["_t"].where(np.isfinite(out["_t"]))}
    out = out.drop(columns=["_f", "_t"]).assign(**{k: v.astype("Int64") for k, v in years.items()})
    return out.drop_duplicates(ignore_index=True)


def valid_in(frame: pd.DataFrame, year: pd.Series | int) -> pd.Series:
    """True where the unit row (``valid_from``/``valid_to``, NA = open) exists in ``year``."""
    ok = pd.Series(True, index=frame.index)
    if "valid_from" in frame:
        ok &= (frame["valid_from"].isna() | (frame["valid_from"] <= year)).fillna(True).astype(bool)
    if "valid_to" in frame:
        ok &= (frame["valid_to"].isna() | (frame["valid_to"] >= year)).fillna(True).astype(bool)
    return ok


# --- values: direct and rolled up ---------------------------------------------------------------


def _rollup(needed: pd.DataFrame, values: pd.DataFrame, units: pd.DataFrame,
            anc: pd.DataFrame) -> pd.DataFrame:
    """Rolled-up value per needed (code, year, measure) whose measure is entered below the unit.

    ``needed`` has ``code``, ``year``, ``measure``, ``level`` (of the unit), ``m_level`` (entry
    level of the measure) and ``rollup``. Returns ``code``, ``year``, ``measure``, ``rollup_value``,
    ``n_villages``.
    """
    levels = list(LEVEL_RANK)  # categorical codes: a dict ``map`` over Arrow text runs in Python
    deeper = (pd.Categorical(needed["m_level"], categories=levels).codes
              > pd.Categorical(needed["level"], categories=levels).codes)
    todo = needed[deeper & needed["rollup"].ne("none") & needed["rollup"].notna()]
    kids = anc[anc["depth"] > 0].rename(columns={"code": "child", "level": "child_level", "ancestor": "code"})
    kids = todo.merge(kids[["child", "child_level", "code", "valid_from", "valid_to"]], on="code")
    kids = kids[kids["child_level"] == kids["m_level"]]
    kids = kids[valid_in(kids, kids["year"])].drop_duplicates(["code", "year", "measure", "child"])  # pair valid that year
    vals = values.rename(columns={"code": "child", "indicator": "measure"})
    kids = kids.merge(vals[["child", "year", "measure", "value", "numerator", "denominator"]],
                      on=["child", "year", "measure"], how="left")
    kids = kids.assign(
        has_value=kids["value"].notna(),
        is_true=kids["value"].eq(1.0).fillna(False).astype(bool),
        has_ratio=(kids["numerator"].notna() & kids["denominator"].notna()),
    )
    kids["is_false"] = kids["has_value"] & ~kids["is_true"]
    g = kids.groupby(["code", "year", "measure", "rollup"], as_index=False).agg(
        n_villages=("child", "size"), n_value=("has_value", "sum"), n_true=("is_true", "sum"),
        n_false=("is_false", "sum"), n_ratio=("has_ratio", "sum"), sum_value=("value", "sum"),
        sum_num=("numerator", "sum"), sum_den=("denominator", "sum"),
    )
    n, complete = g["n_villages"], g["n_value"].eq(g["n_villages"])
    rule = g["rollup"]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = 100.0 * g["sum_num"] / g["sum_den"].where(g["sum_den"] > 0)
    g["rollup_value"] = np.select(
        [
            rule.eq("ratio") & g["n_ratio"].eq(n),
            rule.eq("sum") & complete,
            rule.eq("all") & g["n_false"].gt(0),
            rule.eq("all") & g["n_true"].eq(n),
            rule.eq("any") & g["n_true"].gt(0),
            rule.eq("any") & complete,
            rule.eq("share_true") & complete,
        ],
        [ratio, g["sum_value"], 0.0, 1.0, 1.0, 0.0, 100.0 * g["n_true"] / n],
        default=np.nan,
    ).astype("float64")
    return g[["code", "year", "measure", "rollup", "rollup_value", "n_villages"]]


def resolve_values(needed: pd.DataFrame, dataset: Dataset, catalogue: Catalogue,
                   anc: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Value used per (``code``, ``year``, ``measure``) of ``needed`` (which also has ``level``):
    the roll-up when it can be computed, else the direct value. Returns the values (``value``,
    ``value_source``) and the roll-up conflicts table."""
    meas = catalogue.measures[["measure", "level", "rollup", "kind"]].rename(columns={"level": "m_level"})
    needed = needed.merge(meas, on="measure", how="left")
    direct = dataset.values[["code", "year", "indicator", "value"]].rename(
        columns={"indicator": "measure", "value": "direct_value"}).drop_duplicates(["code", "year", "measure"])
    out = needed.merge(direct, on=["code", "year", "measure"], how="left")
    rolled = _rollup(needed, dataset.values, dataset.units, anc)
    out = out.merge(rolled.drop(columns="rollup"), on=["code", "year", "measure"], how="left")
    use_rollup = out["rollup_value"].notna()
    out["value"] = out["rollup_value"].where(use_rollup, out["direct_value"]).astype("float64")
    out["value_source"] = pd.Series(np.where(use_rollup, "rollup", np.where(out["direct_value"].notna(), "direct", None)),
                                    index=out.index, dtype="string")
    both = out[use_rollup & out["direct_value"].notna()].copy()
    diff = (both["direct_value"] - both["rollup_value"]).abs()
    boolean = both["rollup"].isin(["all", "any"]) | both["kind"].eq("boolean")
    percent = both["rollup"].isin(["ratio", "share_true"]) | both["kind"].eq("percent")
    conflict = np.where(boolean, diff > EPS,
                        np.where(percent, diff > CONFLICT_PP + EPS,
                                 diff > CONFLICT_REL * both["rollup_value"].abs() + EPS))
    conflicts = both[conflict].assign(used="rollup")[CONFLICT_COLUMNS]
    return out[["code", "year", "measure", "value", "value_source"]], conflicts.reset_index(drop=True)
