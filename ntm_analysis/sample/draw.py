"""Drawing the sample's values: for one unit and year, the value of every indicator such that
exactly the chosen criteria are met (constraints per indicator from the catalogue's thresholds),
written the way an officer would type them. Used by ``generate`` (2021-2025) and ``reform``
(the communes of 01/7/2025 and the 2026-2030 set)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ntm_analysis.catalogue.model import Catalogue
from ntm_analysis.sample.values import Constraint, feasible, pick_value, rng_for, village_rows

#: Criteria that depend mostly on public investment fail first in weak communes (used for ordering).
_HARD_FIRST = [2, 3, 5, 10, 11, 13, 17, 12, 9, 6, 14, 15, 4, 7, 8, 18, 16, 19, 1]


def indicator_thresholds(cat: Catalogue, region: str, year: int) -> pd.DataFrame:
    """Indicators of every tier with the threshold that applies in ``region`` (or commune group,
    when the catalogue's thresholds are keyed by group) and ``year`` (a specific row wins over a
    generic one); NaN threshold for boolean indicators."""
    th = cat.thresholds
    th = th[(th["year_from"] <= year) & (th["year_to"] >= year)]
    by = "group" if cat.meta.get("threshold_by") == "group" and "group" in th else "region"
    region_col = th[by].fillna("").astype(str)
    th = th[(region_col == "") | (region_col == region)].assign(_specific=region_col != "")
    th = th.sort_values("_specific", ascending=False).drop_duplicates(["tier", "indicator"])
    out = cat.indicators.merge(th[["tier", "indicator", "threshold"]], on=["tier", "indicator"], how="left")
    return out.merge(cat.measures[["measure", "kind", "level", "rollup"]], on="measure", how="left",
                     suffixes=("", "_measure"))


def choose_criteria(all_criteria: list[int], k: int, forced_fail: list[int], forced_meet: list[int],
                     order: list[int], excluded: set[int]) -> set[int]:
    """The set of criteria met: forced ones first, then by ``order`` (strongest first), k in all."""
    met = [c for c in forced_meet if c in all_criteria and c not in excluded]
    for c in order:
        if len(met) >= k:
            break
        if c not in met and c not in forced_fail and c not in excluded and c in all_criteria:
            met.append(c)
    return set(met)


# --- values ----------------------------------------------------------------------------------


def criteria_order(code: str, criteria: list[int]) -> list[int]:
    """Criteria from strongest to weakest for one commune: investment-heavy ones tend to be weak."""
    rng = rng_for("order", code)
    rank = {c: (_HARD_FIRST.index(c) if c in _HARD_FIRST else len(_HARD_FIRST)) + rng.normal(0, 4)
            for c in criteria}
    return sorted(criteria, key=lambda c: -rank[c])


def _position(code: str, measure: str, year_index: int, lower_is_better: bool) -> float:
    """Where inside its band a value sits: a stable per-unit level that improves a little each year."""
    rng = rng_for("pos", code, measure)
    base, trend = rng.uniform(0.2, 0.6), rng.uniform(0.0, 0.08)
    noise = rng_for("pos", code, measure, year_index).normal(0, 0.03)
    pos = float(np.clip(base + trend * year_index + noise, 0.05, 0.95))
    return 1.0 - pos if lower_is_better else pos


def _constraints_for(ind: pd.DataFrame, met: dict[tuple[str, int], bool], code: str, year: int,
                     n_levels: dict[str, int], kinds: dict[str, str]) -> dict[str, list[Constraint]]:
    """Constraints per measure so that exactly the criteria in ``met`` pass: every indicator of a
    met criterion passes; one feasible indicator of each failed criterion fails."""
    cons: dict[str, list[Constraint]] = {}
    usable = ind[(ind["comparator"] == "true") | ind["threshold"].notna()]
    for row in usable.itertuples(index=False):
        if met.get((row.tier, row.criterion)):
            cons.setdefault(row.measure, []).append(Constraint(row.comparator, float(row.threshold), True))
    for (tier, crit), ok in sorted(met.items()):
        if ok:
            continue
        rows = usable[(usable["tier"] == tier) & (usable["criterion"] == crit)]
        order = rng_for("fail", code, year, tier, crit).permutation(len(rows))
        for i in order:
            row = rows.iloc[int(i)]
            trial = cons.get(row.measure, []) + [Constraint(row.comparator, float(row.threshold), False)]
            if feasible(trial, kinds[row.measure], n_levels.get(row.measure, 0)):
                cons[row.measure] = trial
                break
    return cons


def format_value(value: float, kind: str, levels: list[str] | None) -> str:
    """Write a value the way an officer would type it (Đạt/Không đạt, level names, plain numbers)."""
    if kind == "boolean":
        return "Đạt" if value == 1.0 else "Không đạt"
    if kind == "level" and levels:
        return str(levels[int(value) - 1])
    if kind == "count" or float(value).is_integer():
        return str(int(round(value)))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def draw_unit_year(cat: Catalogue, ind: pd.DataFrame, met: dict[tuple[str, int], bool], code: str, year: int,
                   yi: int, villages: pd.DataFrame, households: int, pass_free: bool = False) -> list[dict[str, Any]]:
    """values.csv rows of one commune and year such that exactly the criteria in ``met`` pass under
    the thresholds in ``ind`` (``indicator_thresholds``); measures entered per village are written
    for ``villages`` (rolled up to the commune by the assessment), ratios with ``households`` as the
    denominator. ``yi``: years since the first sample year (values improve a little each year).
    ``pass_free``: a measure left free (its criterion fails on another indicator) meets its threshold
    instead of taking any value (a set with one tier leaves many such measures)."""
    measures = cat.measures.set_index("measure")
    kinds = measures["kind"].where(measures["rollup"] != "share_true", "percent").to_dict()
    entered_kinds = measures["kind"].to_dict()
    levels = {m: list(v) for m, v in measures["levels"].items() if isinstance(v, (list, tuple)) and len(v)}
    n_levels = {m: len(v) for m, v in levels.items()}
    lower_better = set(cat.indicators.loc[cat.indicators["comparator"] == "<=", "measure"])
    cons = _constraints_for(ind, met, code, year, n_levels, kinds)
    if pass_free:
        usable = ind[(ind["comparator"] == "true") | ind["threshold"].notna()]
        for r in usable.itertuples(index=False):
            if r.measure not in cons:
                cons[r.measure] = [Constraint(r.comparator, float(r.threshold), True)]
    rows: list[dict[str, Any]] = []
    for measure in sorted(set(ind["measure"])):
        kind = kinds[measure]
        value = pick_value(cons.get(measure, []), kind, n_levels.get(measure, 0),
                            _position(code, measure, yi, measure in lower_better),
                            rng_for("pick", code, measure, year))
        m = measures.loc[measure]
        base = dict(year=year, indicator=measure, source="Báo cáo tự đánh giá của xã (tổng hợp)",
                    assessed_by="self")
        if m["level"] in ("village", "hamlet") and len(villages) and m["rollup"] != "none":
            for r in village_rows(code, year, measure, m["rollup"], value, cons.get(measure, []), villages):
                rows.append(base | r | dict(value=format_value(r["value"], entered_kinds[measure], levels.get(measure)),
                                            source="Báo cáo của thôn (tổng hợp)"))
            continue
        row = base | dict(code=code, value=format_value(value, kind, levels.get(measure)))
        if m["rollup"] == "ratio":
            row |= dict(numerator=int(round(value / 100 * households)), denominator=households)
            row["value"] = format_value(round(100 * row["numerator"] / households, 1), kind, None)
        rows.append(row)
    return rows
