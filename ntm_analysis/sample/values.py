"""Drawing synthetic values that meet or miss given thresholds, for the sample generator.

A value is constrained by every indicator that uses its measure (pass ``>= 70`` for NTM, fail
``>= 80`` for nâng cao, ...): :func:`feasible` tells whether such constraints can all hold and
:func:`pick_value` draws one value inside the feasible band. Village values are drawn so that
their roll-up (numerators and denominators, share of villages, sums) meets the commune's
constraints. Every draw is seeded from a stable key, so the sample is identical on every run.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

SEED = 20240301

def rng_for(*key: object) -> np.random.Generator:
    """A generator seeded from SEED and a stable key, so each draw is independent of draw order."""
    text = "|".join(str(k) for k in key)
    return np.random.default_rng([SEED, zlib.crc32(text.encode("utf-8"))])



@dataclass
class Constraint:
    comparator: str
    threshold: float
    want: bool  # True: must pass, False: must fail


def _passes(value: float, comparator: str, threshold: float) -> bool:
    if comparator == "true":
        return value == 1.0
    if comparator == ">=":
        return value >= threshold - 1e-9
    if comparator == "<=":
        return value <= threshold + 1e-9
    return abs(value - threshold) < 1e-9


def _interval(cons: list[Constraint], lo: float, hi: float) -> tuple[float, float, bool, bool, float | None] | None:
    """Feasible interval (lo, hi, lo_open, hi_open, fixed) for numeric constraints, or None."""
    lo_open = hi_open = False
    fixed: float | None = None
    avoid: list[float] = []
    for c in cons:
        t = c.threshold
        if c.comparator == ">=" and c.want or c.comparator == "<=" and not c.want:
            opened = not c.want  # failing "<= t" means value > t
            if t > lo:
                lo, lo_open = t, opened
            elif t == lo:
                lo_open = lo_open or opened
        elif c.comparator == "<=" and c.want or c.comparator == ">=" and not c.want:
            opened = not c.want  # failing ">= t" means value < t
            if t < hi:
                hi, hi_open = t, opened
            elif t == hi:
                hi_open = hi_open or opened
        elif c.comparator == "==":
            if c.want:
                fixed = t if fixed is None or fixed == t else math.nan
            else:
                avoid.append(t)
    if fixed is not None:
        if math.isnan(fixed) or fixed in avoid or not (lo <= fixed <= hi) or \
                (lo_open and fixed == lo) or (hi_open and fixed == hi):
            return None
        return fixed, fixed, False, False, fixed
    if lo > hi or (lo == hi and (lo_open or hi_open)):
        return None
    if avoid and lo == hi and lo in avoid:
        return None
    return lo, hi, lo_open, hi_open, None


def _domain(kind: str, n_levels: int) -> tuple[float, float]:
    if kind == "percent":
        return 0.0, 100.0
    if kind == "level":
        return 1.0, float(max(n_levels, 1))
    return 0.0, math.inf


def feasible(cons: list[Constraint], kind: str, n_levels: int) -> bool:
    if kind == "boolean" or all(c.comparator == "true" for c in cons):
        wants = {c.want for c in cons}
        return len(wants) <= 1
    lo, hi = _domain(kind, n_levels)
    iv = _interval(cons, lo, hi)
    if iv is None:
        return False
    lo, hi, lo_open, hi_open, fixed = iv
    if kind in ("count", "level") and fixed is None:  # integers: need one integer inside
        first = math.floor(lo) + 1 if lo_open else math.ceil(lo)
        return first < hi or (first == hi and not hi_open)
    avoid = [c.threshold for c in cons if c.comparator == "==" and not c.want]
    return not (fixed is None and lo == hi and lo in avoid)


def pick_value(cons: list[Constraint], kind: str, n_levels: int, position: float,
                rng: np.random.Generator) -> float:
    """A value satisfying ``cons``, placed at relative ``position`` (0..1) of the feasible band."""
    if kind == "boolean" or (cons and all(c.comparator == "true" for c in cons)):
        return 1.0 if (cons[0].want if cons else position > 0.3) else 0.0
    dlo, dhi = _domain(kind, n_levels)
    iv = _interval(cons, dlo, dhi)
    assert iv is not None, "infeasible constraints reached pick_value"
    lo, hi, lo_open, hi_open, fixed = iv
    if fixed is not None:
        return fixed
    avoid = [c.threshold for c in cons if c.comparator == "==" and not c.want]
    integer = kind in ("count", "level")
    if math.isinf(hi):  # open above: a band of plausible width over the lower bound
        width = {"count": 4.0}.get(kind, max(abs(lo) * 0.35, 5.0))
        hi, hi_open = lo + width, False
    if lo == dlo and not lo_open and hi < math.inf and not math.isinf(dlo):
        # only an upper bound from a failed ">=": a near miss most of the time, sometimes far
        width = (hi - lo)
        if kind == "percent":
            width = min(width, float(rng.choice([2.0, 4.0, 6.0, 12.0], p=[0.35, 0.3, 0.2, 0.15])))
        elif kind == "number":
            width = min(width, hi * float(rng.choice([0.04, 0.08, 0.15], p=[0.45, 0.35, 0.2])))
        lo = hi - width
    value = lo + position * (hi - lo)
    if integer:
        candidates = [v for v in range(math.ceil(lo), math.floor(hi) + 1)
                      if not (lo_open and v == lo) and not (hi_open and v == hi) and v not in avoid]
        if not candidates:
            candidates = [math.ceil(lo) + (1 if lo_open else 0)]
        return float(candidates[min(int(position * len(candidates)), len(candidates) - 1)])
    decimals = 1 if kind == "percent" else 2
    value = round(value, decimals)
    step = 10 ** -decimals
    for _ in range(1000):  # nudge off an open bound or an avoided value after rounding
        if lo_open and value <= lo:
            value = round(value + step, decimals)
        elif hi_open and value >= hi:
            value = round(value - step, decimals)
        elif value in avoid:
            value = round(value - step, decimals)
        else:
            break
    return value


def _split_total(total: float, dens: np.ndarray, step: float, rng: np.random.Generator) -> np.ndarray:
    """Split ``total`` over villages (each at most its denominator) in multiples of ``step``."""
    weights = dens * rng.uniform(0.85, 1.15, len(dens))
    share = np.minimum(dens, np.floor(total * weights / weights.sum() / step) * step)
    remainder = round((total - share.sum()) / step)
    idx = 0
    while remainder > 0 and idx < 100 * len(dens):
        i = idx % len(dens)
        if share[i] + step <= dens[i] + 1e-9:
            share[i] += step
            remainder -= 1
        idx += 1
    return np.round(share, 1)


def village_rows(code: str, year: int, measure: str, rollup: str, value: float,
                  cons: list[Constraint], villages: pd.DataFrame) -> list[dict[str, Any]]:
    """Village values whose roll-up by ``rollup`` gives a commune value meeting ``cons``."""
    rng = rng_for("village", code, year, measure)
    n = len(villages)
    ok = (lambda v: all(_passes(v, c.comparator, c.threshold) == c.want for c in cons))
    rows: list[dict[str, Any]] = []
    if rollup == "ratio":
        km = "road" in measure
        step = 0.1 if km else 1.0
        dens = (np.round(rng_for("km", code, measure).uniform(1.5, 6.0, n), 1) if km
                else villages["households"].to_numpy(dtype=float))
        total_den = dens.sum()
        target = round(value / 100 * total_den / step) * step
        candidates = sorted({round(target + k * step, 1) for k in range(-60, 61)}, key=lambda t: abs(t - target))
        total = next((t for t in candidates if 0 <= t <= total_den and ok(100 * t / total_den)), target)
        nums = _split_total(total, dens, step, rng)
        for vcode, num, den in zip(villages["code"], nums, dens):
            rows.append(dict(code=vcode, value=round(100 * num / den, 1), numerator=num, denominator=den))
    elif rollup == "share_true":
        best = min((k for k in range(n + 1) if ok(100 * k / n)), key=lambda k: abs(100 * k / n - value),
                   default=round(value / 100 * n))
        flags = np.zeros(n)
        flags[rng.permutation(n)[:best]] = 1
        rows += [dict(code=c, value=f) for c, f in zip(villages["code"], flags)]
    elif rollup in ("all", "any"):
        flags = np.ones(n) if value == 1.0 else np.zeros(n)
        if rollup == "all" and value != 1.0:
            flags[:] = 1
            flags[rng.permutation(n)[: int(rng.integers(1, min(3, n) + 1))]] = 0
        if rollup == "any" and value == 1.0:
            flags[:] = 0
            flags[rng.permutation(n)[: int(rng.integers(1, n + 1))]] = 1
        rows += [dict(code=c, value=f) for c, f in zip(villages["code"], flags)]
    elif rollup == "sum":
        parts = _split_total(value, np.full(n, max(value, 1.0)), 1.0, rng)
        rows += [dict(code=c, value=p) for c, p in zip(villages["code"], parts)]
    return rows
