"""Trends of one unit: history with changes (slippage), progress toward the plan year, and series
that continue across administrative merges. Methods: docs/methods.md (after the reference methods).

Everything reads an :class:`~ntm_analysis.assess.attainment.Assessment` (or, for merges, the Dataset and
Catalogue tables) and returns tidy DataFrames; ``wide_history`` and ``progress_table`` only reshape
and label for display. Status ids stay in the tables; labels come from ``MESSAGES`` (vi, en).
The successor series (values combined across administrative merges) live in
:mod:`ntm_analysis.assess.series` and are re-exported here.
"""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np
import pandas as pd

from ntm_analysis.assess.keys import pick_thresholds
from ntm_analysis.assess.changes import classify_changes
from ntm_analysis.assess.series import (  # noqa: F401 (re-exported: the series over years live in series.py)
    MESSAGES as SERIES_MESSAGES, series_label, series_summary, successor_links, successor_series)

__all__ = ["history", "indicator_changes", "progress", "progress_display", "progress_note", "progress_table",
           "series_label", "series_summary", "successor_links", "successor_series", "unit_period", "wide_history"]
from ntm_analysis.catalogue.model import Catalogue, default_key, key_ids, threshold_by
from ntm_analysis.io.columnar import as_text
from ntm_analysis.units import unit_row
from ntm_analysis.i18n import CHANGE_LABELS, STATUS_LABELS, check_lang, fmt, label, number_label

#: R cut-offs of Open SDG's progress measure (methods.md), applied to the linear (SDSN) ratio.
ON_TRACK, ACCELERATE = 0.95, 0.6
#: A projection later than this is reported as "not reached at the current pace".
PROJECTION_CAP = 2050
EPS = 1e-9

MESSAGES: dict[str, tuple[str, str]] = {
    # progress statuses (ids in the ``status`` column of :func:`progress`)
    "achieved": ("Đã đạt", "Achieved"),
    "on_track": ("Đúng tiến độ", "On track"),
    "needs_acceleration": ("Cần tăng tốc", "Needs acceleration"),
    "slow": ("Chậm", "Slow progress"),
    "deteriorating": ("Đi xuống", "Deteriorating"),
    "insufficient_data": ("Chưa đủ dữ liệu", "Insufficient data"),
    "not_achieved": ("Chưa đạt", "Not achieved"),
    "no_threshold": ("Chưa có ngưỡng", "No threshold"),
    # projection notes
    "not_at_current_pace": ("Không đạt với tốc độ hiện tại", "Not reached at the current pace"),
    "projected": ("Dự kiến đạt năm {year}", "Expected in {year}"),
    "col_item": ("Tiêu chí / chỉ tiêu", "Criterion / indicator"),
    "h_tier": ("Hạng", "Tier"), "h_indicator": ("Chỉ tiêu", "Indicator"), "h_unit": ("Đơn vị", "Unit"),
    "h_latest_year": ("Năm gần nhất", "Latest year"), "h_latest_value": ("Giá trị", "Value"),
    "h_target": ("Mục tiêu", "Target"), "h_gap": ("Còn phải", "Still to go"),
    "h_required_per_year": ("Thay đổi cần mỗi năm", "Change needed per year"),
    "h_observed_per_year": ("Thay đổi thực tế mỗi năm", "Observed change per year"),
    "h_ratio": ("Thực tế / cần (R)", "Observed / needed (R)"), "h_status": ("Tiến độ", "Progress"),
    "h_projection": ("Dự báo", "Projection"),
    "gap_up": ("tăng {n}", "rise {n}"), "gap_down": ("giảm {n}", "fall {n}"),
    "yes": ("Có", "Yes"), "no": ("Không", "No"),
    "progress_note": ("«Còn phải»: mức còn phải tăng (hoặc giảm, với chỉ tiêu càng thấp càng tốt như tỷ lệ nghèo) để đạt "
                      "mục tiêu. «Thay đổi cần mỗi năm»: mức thay đổi bình quân mỗi năm từ năm gần nhất đến năm kế hoạch; "
                      "«Thay đổi thực tế mỗi năm»: xu hướng (độ dốc) của các năm đã có số liệu; dấu + là tăng, - là giảm. "
                      "R = thực tế / cần: từ {on_track} trở lên là đúng tiến độ, từ {accelerate} là cần tăng tốc, dưới "
                      "{accelerate} là chậm, âm là đi xuống.",
                      "'Still to go': how much the indicator must still rise (or fall, for an indicator where lower is "
                      "better such as the poverty rate) to reach the target. 'Change needed per year': the average change "
                      "per year from the latest year to the plan year; 'observed change per year': the trend (slope) over "
                      "the years with data; + is a rise, - a fall. R = observed / needed: {on_track} or more is on track, "
                      "{accelerate} or more needs acceleration, below {accelerate} is slow, negative is deteriorating."),
    "hidden_achieved": ("({n} chỉ tiêu đã đạt không hiển thị; xem --format csv)",
                        "({n} indicators already achieved not shown; see --format csv)"),
    **SERIES_MESSAGES,
}

PROGRESS_COLUMNS = [
    "code", "tier", "criterion", "indicator", "measure", "kind", "unit", "comparator", "n_points",
    "first_year", "latest_year", "latest_value", "target", "plan_year", "gap", "required_per_year",
    "observed_per_year", "ratio", "status", "projected_year", "projection",
]
HISTORY_COLUMNS = [
    "code", "tier", "row_type", "criterion", "indicator", "measure", "year", "value", "threshold",
    "status", "change",
]


def _subset(frame: pd.DataFrame, code: str, tier: str | Iterable[str] | None,
            years: Iterable[int] | None) -> pd.DataFrame:
    """The rows of one unit (tiers, years) of an output table, text columns as ``str`` (labelled,
    concatenated and reshaped below)."""
    mask = frame["code"].eq(code)
    if tier is not None:
        mask &= frame["tier"].isin([tier] if isinstance(tier, str) else list(tier))
    if years is not None:
        mask &= frame["year"].isin(list(years))
    return as_text(frame[mask])


def indicator_changes(ind: pd.DataFrame) -> pd.Series:
    """Change of each indicator row vs its previous decided year: the rule of the criteria
    (:func:`ntm_analysis.assess.changes.classify_changes`) per (code, tier, indicator)."""
    return classify_changes(ind, ["code", "tier", "indicator"])


def history(assessment: Any, code: str, tier: str | Iterable[str] | None = None,
            years: Iterable[int] | None = None) -> pd.DataFrame:
    """Tidy history of one unit: one row per criterion and per indicator per year, with its value,
    threshold, status and change vs the previous assessed year (``row_type`` = criterion/indicator).
    ``years`` restricts to one validity period when a code is reused (see :func:`unit_period`).
    Returns :data:`HISTORY_COLUMNS` (empty when the unit has no assessed year); raises nothing."""
    crit = _subset(assessment.criteria, code, tier, years)
    ind = _subset(assessment.indicators, code, tier, years)
    ind = ind.assign(change=indicator_changes(ind), row_type="indicator")
    crit = crit.assign(row_type="criterion", indicator=pd.NA, measure=pd.NA, value=np.nan, threshold=np.nan)
    out = pd.concat([crit[HISTORY_COLUMNS], ind[HISTORY_COLUMNS]], ignore_index=True)
    cat = getattr(assessment, "catalogue", None)
    order = {} if cat is None else dict(zip(cat.tiers["tier"], cat.tiers["order"]))
    out["torder"] = out["tier"].map(order).fillna(99)
    out = out.sort_values(["torder", "tier", "criterion", "row_type", "indicator", "year"], key=_natural, kind="stable")
    return out.drop(columns="torder").reset_index(drop=True).astype({"year": "int64"})


def _natural(col: pd.Series) -> pd.Series:
    """Sort key: indicators such as 2.10 after 2.9; criterion rows before their indicators."""
    if col.name == "indicator":
        parts = col.astype("string").fillna("").str.extract(r"^(\d*)\.?(\d*)")
        return parts[0].replace("", "0").astype(float) * 1000 + parts[1].replace("", "0").astype(float)
    return col


def _criterion_names(catalogue: Catalogue | None, lang: str) -> pd.DataFrame:
    if catalogue is None:
        return pd.DataFrame(columns=["tier", "criterion", "cname"])
    c = catalogue.criteria
    name = c["name_vi"] if lang == "vi" else c["name_en"].fillna(c["name_vi"])
    return pd.DataFrame({"tier": c["tier"], "criterion": c["criterion"], "cname": name})


def wide_history(hist: pd.DataFrame, catalogue: Catalogue | None = None, lang: str = "vi",
                 rows: str = "criterion") -> pd.DataFrame:
    """Display table of :func:`history`: one row per criterion (``rows="criterion"``) or indicator,
    one column per year; cells are the status label, with the change added when it is not
    "kept"/"still not met" (so a slip reads ``Chưa đạt (Bị tụt)``); indicator cells lead with the value."""
    check_lang(lang)
    h = hist[hist["row_type"].eq(rows)].copy()
    if h.empty:
        return pd.DataFrame()
    status = h["status"].map(lambda s: label(STATUS_LABELS, s, lang) if pd.notna(s) else "")
    change = h["change"].map(lambda c: f" ({label(CHANGE_LABELS, c, lang)})"
                             if pd.notna(c) and c not in ("kept", "still_not_met") else "")
    value = h["value"].map(lambda v: "" if pd.isna(v) else number_label(v, lang) + " ")
    if catalogue is not None:  # a yes/no indicator shows its status only, never "0" or "1"
        kinds = dict(zip(catalogue.measures["measure"], catalogue.measures["kind"]))
        value = value.where(~h["measure"].map(kinds).eq("boolean"), "")
    h["cell"] = (value + status + change).str.strip()
    h = h.merge(_criterion_names(catalogue, lang), on=["tier", "criterion"], how="left")
    if rows == "criterion":
        h["item"] = (h["criterion"].astype(str) + ". " + h["cname"].fillna("").astype(str)).str.rstrip(". ")
        h["sort"] = h["criterion"].astype(float)
    else:
        if catalogue is not None:
            inds = catalogue.indicators
            iname = inds["name_vi"] if lang == "vi" else inds["name_en"].fillna(inds["name_vi"])
            h = h.merge(pd.DataFrame({"tier": inds["tier"], "indicator": inds["indicator"], "iname": iname}),
                        on=["tier", "indicator"], how="left")
        else:
            h["iname"] = ""
        h["item"] = (h["indicator"].astype(str) + ". " + h["iname"].fillna("").astype(str)).str.rstrip(". ")
        h["sort"] = _natural(h["indicator"].rename("indicator"))
    order = {} if catalogue is None else dict(zip(catalogue.tiers["tier"], catalogue.tiers["order"]))
    h["torder"] = h["tier"].map(order).fillna(99)
    wide = h.pivot_table(index=["torder", "tier", "sort", "item"], columns="year", values="cell", aggfunc="first")
    wide = wide.reset_index().drop(columns=["torder", "sort"])
    wide.columns = [str(c) for c in wide.columns]
    if catalogue is not None:  # tier names, never the catalogue's ids
        wide["tier"] = wide["tier"].map(dict(zip(catalogue.tiers["tier"], catalogue.tiers[f"name_{lang}"]))).fillna(wide["tier"])
    return wide.rename(columns={"tier": fmt(MESSAGES, "h_tier", lang), "item": fmt(MESSAGES, "col_item", lang)}).fillna("")


# --- progress toward the plan year --------------------------------------------------------------


def unit_period(units: pd.DataFrame, code: str, year: int | None = None) -> tuple[int | None, int | None]:
    """(valid_from, valid_to) of the unit with ``code`` that exists in ``year`` (default: the latest
    period); codes are reused across merges, so (code, period) identifies a unit."""
    row = unit_row(units, code, year)
    as_int = lambda v: None if pd.isna(v) else int(v)  # noqa: E731
    return as_int(row["valid_from"]), as_int(row["valid_to"])


def _plan_targets(rows: pd.DataFrame, catalogue: Catalogue, region: str | None, plan_year: int) -> pd.Series:
    """Threshold in force in ``plan_year`` for each row (tier, indicator); NaN when the catalogue has none."""
    keys = rows[["tier", "indicator"]].assign(year=plan_year, key=region or default_key(catalogue))
    return pick_thresholds(keys, catalogue)


def progress(assessment: Any, catalogue: Catalogue, code: str, plan_year: int | None = None,
             tier: str | Iterable[str] | None = None, years: Iterable[int] | None = None) -> pd.DataFrame:
    """Progress of each indicator of one unit toward its threshold by ``plan_year`` (default: the
    catalogue's ``period_to``), by the linear method of docs/methods.md: required change per year
    (target − latest) / (plan_year − latest_year) (the whole gap when the plan year is not after the
    latest year), observed change = least-squares slope over every year with a value, R = observed /
    required, Open SDG's cut-offs, and the projected year of attainment at the current pace.
    Booleans and levels get only ``achieved`` / ``not_achieved`` (no rate). The target is the
    threshold in force in the plan year (income thresholds rise yearly), else the latest one.
    Returns one row per indicator with :data:`PROGRESS_COLUMNS` (``status``: ``achieved``,
    ``on_track``, ``needs_acceleration``, ``slow``, ``not_achieved``, ``insufficient_data`` or
    ``no_threshold``); raises nothing."""
    plan_year = int(plan_year if plan_year is not None else catalogue.meta["period_to"])
    ind = _subset(assessment.indicators, code, tier, years)
    ind = ind[ind["status"].ne("not_applicable")]
    meas = catalogue.measures[["measure", "kind", "unit"]]
    ind = ind.merge(meas, on="measure", how="left")
    keys = ["code", "tier", "criterion", "indicator"]
    ind["order"] = np.arange(len(ind))
    pts = ind[ind["value"].notna()].sort_values([*keys, "year"])
    x, y = pts["year"].astype("float64"), pts["value"].astype("float64")
    agg = pts.assign(x=x, y=y, xy=x * y, xx=x * x).groupby(keys, as_index=False).agg(
        n_points=("year", "size"), first_year=("year", "min"), latest_year=("year", "max"),
        latest_value=("value", "last"), latest_status=("status", "last"), latest_thr=("threshold", "last"),
        sx=("x", "sum"), sy=("y", "sum"), sxy=("xy", "sum"), sxx=("xx", "sum"))
    base = ind.groupby(keys, as_index=False, sort=False).agg(
        measure=("measure", "first"), kind=("kind", "first"), unit=("unit", "first"),
        comparator=("comparator", "first"), order=("order", "min"))
    out = base.merge(agg, on=keys, how="left")
    region = None
    scope = getattr(assessment, "scope", None)
    by = threshold_by(catalogue)
    if scope is not None and not scope.empty and by in scope:
        reg = key_ids(catalogue, scope.loc[scope["code"].eq(code), by].astype("string")).dropna()
        region = str(reg.iloc[-1]) if len(reg) else None
    target = _plan_targets(out, catalogue, region, plan_year)
    period_end = catalogue.meta.get("period_to")
    if period_end is not None and plan_year > int(period_end):  # beyond the period: its last thresholds
        target = target.fillna(_plan_targets(out, catalogue, region, int(period_end)))
    out["target"] = target.fillna(out["latest_thr"]).astype("float64")
    out["plan_year"] = plan_year

    n = out["n_points"].fillna(0)
    denom = n * out["sxx"] - out["sx"] ** 2
    slope = ((n * out["sxy"] - out["sx"] * out["sy"]) / denom.where(denom.abs() > EPS)).astype("float64")
    comp = out["comparator"].astype("string").fillna("")
    numeric = comp.isin([">=", "<=", "=="]) & out["kind"].ne("level").fillna(True)
    raw = out["target"] - out["latest_value"]
    direction = np.select([comp.eq(">="), comp.eq("<=")], [1.0, -1.0], default=np.where(raw >= 0, 1.0, -1.0))
    gap = (direction * raw).where(numeric)                       # positive = still to go
    years_left = (plan_year - out["latest_year"]).clip(lower=1)   # plan year passed: the whole gap now
    required = (raw / years_left).where(numeric)
    observed = slope.where(numeric & n.ge(2))
    ratio = (direction * observed / required.abs()).where(gap > EPS)
    improving = direction * observed
    b = lambda s: np.asarray(pd.Series(s).fillna(False), dtype=bool)  # noqa: E731
    status = np.select(
        [b(n.eq(0)), b(~numeric & out["latest_status"].eq("met")), b(~numeric), b(out["target"].isna()),
         b(gap <= EPS), b(n.lt(2)), b(ratio >= ON_TRACK), b(ratio >= ACCELERATE), b(ratio >= 0)],
        ["insufficient_data", "achieved", "not_achieved", "no_threshold", "achieved",
         "insufficient_data", "on_track", "needs_acceleration", "slow"],
        default="deteriorating")
    steps = np.ceil((gap / improving.where(improving > EPS)).astype("float64") - 1e-9)
    projected = (out["latest_year"] + steps).where(gap > EPS)
    too_late = projected.gt(PROJECTION_CAP)
    projection = np.select(
        [pd.Series(status).isin(["achieved", "insufficient_data", "not_achieved", "no_threshold"]).to_numpy(),
         projected.notna() & ~too_late],
        [None, "projected"], default="not_at_current_pace")
    done = b(gap <= EPS)
    out = out.assign(gap=gap.clip(lower=0), required_per_year=required.mask(done), observed_per_year=observed, ratio=ratio,
                     status=pd.Series(status, index=out.index, dtype="string"),
                     projected_year=projected.where(~too_late).round().astype("Int64"),
                     projection=pd.Series(projection, index=out.index, dtype="string"))
    out = out.astype({"n_points": "Int64", "first_year": "Int64", "latest_year": "Int64"})
    out["n_points"] = out["n_points"].fillna(0)
    return out.sort_values("order")[PROGRESS_COLUMNS].reset_index(drop=True)


def progress_table(prog: pd.DataFrame, lang: str = "vi", digits: int = 2) -> pd.DataFrame:
    """Display copy of :func:`progress` with status and projection labels in ``lang``."""
    check_lang(lang)
    out = prog.copy()
    out["status"] = out["status"].map(lambda s: fmt(MESSAGES, s, lang) if pd.notna(s) else "")
    out["projection"] = [
        "" if pd.isna(p) else fmt(MESSAGES, p, lang, year=y) for p, y in zip(out["projection"], out["projected_year"])]
    num = ["latest_value", "target", "gap", "required_per_year", "observed_per_year", "ratio"]
    out[num] = out[num].round(digits)
    return out.drop(columns=["projected_year"])


def progress_display(prog: pd.DataFrame, lang: str = "vi", open_only: bool = True,
                     catalogue: Catalogue | None = None) -> tuple[pd.DataFrame, int]:
    """Short display table of :func:`progress` in ``lang``: tier names (from ``catalogue``), units
    translated, numbers as the language writes them, yes/no indicators as yes/no, the gap as the
    change still needed ("giảm 2,6" for a rate that must fall), changes per year signed. With
    ``open_only`` the rows already achieved are left out. Returns the table and the number left out."""
    from ntm_analysis.i18n import unit_label  # noqa: PLC0415

    shown = prog[prog["status"].ne("achieved")] if open_only else prog
    cols = ["tier", "indicator", "unit", "latest_year", "latest_value", "target", "gap", "required_per_year",
            "observed_per_year", "ratio", "status", "projection"]
    table = progress_table(shown, lang)[cols].astype(object)
    boolean = shown["comparator"].eq("true").to_numpy()
    yes_no = {1.0: fmt(MESSAGES, "yes", lang), 0.0: fmt(MESSAGES, "no", lang)}
    num = lambda v: number_label(v, lang)  # noqa: E731
    signed = lambda v: "" if pd.isna(v) else ("+" if v > 0 else "") + number_label(v, lang)  # noqa: E731
    table["latest_value"] = [yes_no.get(float(v), "") if b and pd.notna(v) else num(v)
                             for v, b in zip(shown["latest_value"], boolean)]
    table["target"] = [fmt(MESSAGES, "yes", lang) if b else num(v) for v, b in zip(shown["target"], boolean)]
    down = shown["comparator"].eq("<=").to_numpy()
    table["gap"] = ["" if pd.isna(g) or g <= EPS else fmt(MESSAGES, "gap_down" if d else "gap_up", lang, n=num(g))
                    for g, d in zip(shown["gap"], down)]
    table["required_per_year"] = [signed(v) for v in shown["required_per_year"]]
    table["observed_per_year"] = [signed(v) for v in shown["observed_per_year"]]
    table["ratio"] = [num(v) for v in shown["ratio"]]
    table["unit"] = [unit_label(u, lang) for u in shown["unit"]]
    if catalogue is not None:
        names = dict(zip(catalogue.tiers["tier"], catalogue.tiers[f"name_{lang}"]))
        table["tier"] = [names.get(t, t) for t in shown["tier"]]
    table = table.rename(columns={c: fmt(MESSAGES, f"h_{c}", lang) for c in cols})
    return table.astype("string").fillna(""), len(prog) - len(shown)


def progress_note(lang: str = "vi") -> str:
    """What the progress columns mean (for the line above the table)."""
    return fmt(MESSAGES, "progress_note", lang, on_track=number_label(ON_TRACK, lang),
               accelerate=number_label(ACCELERATE, lang))
