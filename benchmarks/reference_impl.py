"""A straightforward per-row Python reference of the attainment rules, for the benchmarks.

Written the way one would without pandas: loops over rows held in dicts. For every commune, year and
commune tier it picks the threshold of each indicator (the unit's region row wins over a generic one,
then the latest ``year_from``), rolls village values up (``ratio`` = 100 × Σ numerator / Σ
denominator, ``sum``, ``all``, ``any``, ``share_true``; missing when any village lacks its value;
the commune's own value only when no roll-up is possible), compares with the comparator, decides each
criterion (not met if any indicator is not met, else missing if any is missing or has no threshold,
else met), counts the criteria met per unit and decides ``reached`` (all criteria met and the
required tier reached that year). It is a check of ``ntm_analysis.assess.attainment`` (the benchmark compares
both on a slice) and the yardstick of its speed; it is not used by the package.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any, Iterable

EPS = 1e-9
LEVEL_RANK = {"province": 0, "district": 1, "commune": 2, "village": 3, "hamlet": 4}


def _nan(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def prepare(dataset: Any, catalogue: Any, communes: Iterable[str]) -> dict:
    """Plain Python inputs for :func:`reference_assess`: unit, value, recognition and catalogue rows
    as lists of dicts, for ``communes`` and the units under them (done once, not timed)."""
    communes = set(communes)
    units = dataset.units
    under = set(communes)
    frontier = set(communes)
    while frontier:  # walk down the hierarchy (village, hamlet)
        kids = set(units.loc[units["parent_code"].isin(frontier), "code"])
        frontier = kids - under
        under |= kids
    unit_rows = units[units["code"].isin(under)].to_dict("records")
    vals = dataset.values
    value_rows = vals[vals["code"].isin(under)][["code", "year", "indicator", "value", "numerator", "denominator"]]
    return dict(units=unit_rows, values=value_rows.to_dict("records"), communes=sorted(communes),
                tiers=catalogue.tiers.to_dict("records"), measures=catalogue.measures.to_dict("records"),
                indicators=catalogue.indicators.to_dict("records"),
                thresholds=catalogue.thresholds.to_dict("records"), meta=dict(catalogue.meta))


def reference_assess(inp: dict) -> tuple[dict, dict]:
    """Criterion status per (code, year, tier, criterion) and unit summary per (code, year, tier)
    (``criteria_met``, ``criteria_total``, ``reached``) for the communes of ``inp``."""
    meta = inp["meta"]
    default_region = str(meta.get("default_region") or "")
    key = meta.get("threshold_by") or "region"
    p_from, p_to = meta.get("period_from", -10**6), meta.get("period_to", 10**6)

    units: dict[str, dict] = {}
    children: dict[str, list[str]] = defaultdict(list)
    for u in inp["units"]:
        units[u["code"]] = u
        if not _nan(u.get("parent_code")):
            children[u["parent_code"]].append(u["code"])

    values: dict[tuple, dict] = {}
    years: set[int] = set()
    for r in inp["values"]:
        values.setdefault((r["code"], int(r["year"]), r["indicator"]), r)
        years.add(int(r["year"]))

    measures = {m["measure"]: m for m in inp["measures"]}
    thresholds: dict[tuple, list[dict]] = defaultdict(list)
    for t in inp["thresholds"]:
        thresholds[(t["tier"], t["indicator"])].append(t)
    tiers = sorted((t for t in inp["tiers"] if t["unit_level"] == "commune"), key=lambda t: t["order"])
    indicators = defaultdict(list)
    for ind in inp["indicators"]:
        indicators[ind["tier"]].append(ind)

    def valid(code: str, year: int) -> bool:
        u = units[code]
        lo, hi = u.get("valid_from"), u.get("valid_to")
        return (_nan(lo) or lo <= year) and (_nan(hi) or hi >= year)

    def descendants(code: str, level: str) -> list[str]:
        out, stack = [], list(children.get(code, []))
        while stack:
            c = stack.pop()
            if units[c]["level"] == level:
                out.append(c)
            elif LEVEL_RANK.get(units[c]["level"], 9) < LEVEL_RANK[level]:
                stack.extend(children.get(c, []))
        return out

    def threshold(tier: str, indicator: str, year: int, region: str) -> float | None:
        best, best_key = None, None
        for t in thresholds.get((tier, indicator), []):
            yf = p_from if _nan(t.get("year_from")) else t["year_from"]
            yt = p_to if _nan(t.get("year_to")) else t["year_to"]
            t_region = "" if _nan(t.get("region")) else str(t["region"]).strip()
            if not (yf <= year <= yt) or (t_region and t_region != region):
                continue
            k = (t_region != "", yf)
            if best_key is None or k > best_key:
                best, best_key = t["threshold"], k
        return None if best is None or _nan(best) else float(best)

    def rollup(code: str, year: int, m: dict) -> float | None:
        kids = [c for c in descendants(code, m["level"]) if valid(c, year)]
        if not kids:
            return None
        rows = [values.get((c, year, m["measure"])) for c in kids]
        vals = [None if r is None or _nan(r["value"]) else r["value"] for r in rows]
        rule = m["rollup"]
        if rule == "ratio":
            if any(r is None or _nan(r["numerator"]) or _nan(r["denominator"]) for r in rows):
                return None
            num, den = sum(r["numerator"] for r in rows), sum(r["denominator"] for r in rows)
            return 100.0 * num / den if den > 0 else None
        if rule == "sum":
            return None if any(v is None for v in vals) else float(sum(vals))
        if rule == "all":
            if any(v is not None and v != 1.0 for v in vals):
                return 0.0
            return 1.0 if all(v == 1.0 for v in vals) else None
        if rule == "any":
            if any(v == 1.0 for v in vals):
                return 1.0
            return 0.0 if all(v is not None for v in vals) else None
        if rule == "share_true":
            return None if any(v is None for v in vals) else 100.0 * sum(v == 1.0 for v in vals) / len(vals)
        return None

    def value_of(code: str, year: int, measure: str) -> float | None:
        m = measures[measure]
        if LEVEL_RANK[m["level"]] > LEVEL_RANK[units[code]["level"]] and m["rollup"] not in (None, "none"):
            v = rollup(code, year, m)
            if v is not None:
                return v
        r = values.get((code, year, measure))
        return None if r is None or _nan(r["value"]) else float(r["value"])

    def status(v: float | None, t: float | None, comp: str) -> str:
        if v is None:
            return "missing"
        if comp == "true":
            return "met" if v == 1.0 else "not_met"
        if t is None:
            return "unknown_threshold"
        tol = EPS * max(abs(t), 1.0)
        ok = {">=": v >= t - tol, "<=": v <= t + tol, "==": abs(v - t) <= tol}.get(comp, False)
        return "met" if ok else "not_met"

    criteria: dict[tuple, str] = {}
    summary: dict[tuple, dict] = {}
    for code in inp["communes"]:
        unit = units[code]
        region = unit.get(key)
        region = default_region if _nan(region) or not str(region).strip() else str(region).strip()
        for year in sorted(years):
            if not valid(code, year):
                continue
            for tier in tiers:
                crit_ind: dict[Any, list[str]] = defaultdict(list)
                for ind in indicators[tier["tier"]]:
                    if ind["unit_level"] != unit["level"]:
                        continue  # not applicable at this level
                    v = value_of(code, year, ind["measure"])
                    t = threshold(tier["tier"], ind["indicator"], year, region)
                    crit_ind[ind["criterion"]].append(status(v, t, ind["comparator"]))
                n_met = 0
                for crit, sts in crit_ind.items():
                    s = "not_met" if "not_met" in sts else (
                        "missing" if any(x in ("missing", "unknown_threshold") for x in sts) else "met")
                    criteria[(code, year, tier["tier"], crit)] = s
                    n_met += s == "met"
                total = len(crit_ind)
                all_met = total > 0 and n_met == total
                req = tier.get("requires") or ""
                reached = all_met and (not req or summary.get((code, year, req), {}).get("reached", False))
                summary[(code, year, tier["tier"])] = dict(criteria_met=n_met, criteria_total=total, reached=reached)
    return criteria, summary


def compare(criteria: dict, summary: dict, assessment: Any) -> dict:
    """Agreement of the reference with an Assessment on the reference's keys: counts of keys
    compared, missing from the assessment and differing (criterion status; criteria met, total,
    reached)."""
    crit = assessment.criteria
    crit = crit[crit["code"].isin({k[0] for k in summary})]
    got_c = {(c, int(y), t, cr): s for c, y, t, cr, s in
             zip(crit["code"], crit["year"], crit["tier"], crit["criterion"], crit["status"])}
    units = assessment.units
    units = units[units["code"].isin({k[0] for k in summary})]
    got_u = {(c, int(y), t): (int(m), int(n), bool(r)) for c, y, t, m, n, r in
             zip(units["code"], units["year"], units["tier"], units["criteria_met"], units["criteria_total"],
                 units["reached"])}
    diff_c = [k for k, s in criteria.items() if got_c.get(k) != s]
    diff_u = [k for k, s in summary.items()
              if got_u.get(k) != (s["criteria_met"], s["criteria_total"], s["reached"])]
    return dict(criteria=len(criteria), criteria_differ=len(diff_c), units=len(summary), units_differ=len(diff_u),
                extra_in_assessment=len(set(got_u) - set(summary)), examples=(diff_c[:3] + diff_u[:3]))
