"""Trends of one unit: history with changes (slippage), progress toward the plan year, and series
that continue across administrative merges. Methods: docs/methods.md (after the reference methods).

Everything reads an :class:`~ntm_analysis.assess.attainment.Assessment` (or, for merges, the Dataset and
Catalogue tables) and returns tidy DataFrames; ``wide_history`` and ``progress_table`` only reshape
and label for display. Status ids stay in the tables; labels come from ``MESSAGES`` (vi, en).
The module also holds the successor series (section 4 of the issue) so that every "series over
years" rule lives in one place; that is why it is a little over the usual length.
"""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np
import pandas as pd

from ntm_analysis.admin.reference import SPLIT_SEP
from ntm_analysis.assess.attainment import LEVEL_RANK, pick_thresholds
from ntm_analysis.assess.changes import classify_changes
from ntm_analysis.catalogue.model import Catalogue, default_key, key_ids, threshold_by
from ntm_analysis.io.dataset import Dataset
from ntm_analysis.units import descendants, unit_row
from ntm_analysis.i18n import CHANGE_LABELS, STATUS_LABELS, check_lang, fmt, label, number_label, pick

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
    # series flags and break reasons (successor series)
    "own": ("Số liệu của chính đơn vị", "The unit's own value"),
    "combined": ("Cộng gộp từ các đơn vị tiền thân: {members}", "Combined from predecessors: {members}"),
    "break": ("Gián đoạn chuỗi số liệu", "Break in the series"),
    "break_rollup_none": (
        "Chỉ tiêu {measure} không cộng gộp được (quy tắc gộp 'none'{extra}); chuỗi bị gián đoạn trước năm {year}.",
        "Measure {measure} cannot be combined (roll-up rule 'none'{extra}); the series breaks before {year}."),
    "break_no_ratio": (
        "Chỉ tiêu {measure} là tỷ lệ nhưng thiếu tử số/mẫu số ở {members}; không cộng gộp được.",
        "Measure {measure} is a ratio but {members} lack numerator/denominator; cannot be combined."),
    "break_missing": (
        "Thiếu số liệu {measure} của {members}; không cộng gộp được.",
        "{members} have no value for {measure}; cannot be combined."),
    "break_share_true": (
        "Chỉ tiêu {measure} là tỷ lệ đơn vị đạt, không cộng gộp được ở cấp này.",
        "Measure {measure} is a share of units meeting it; cannot be combined at this level."),
    "break_split": (
        "{members} bị chia tách cho nhiều đơn vị mới: không chia được số liệu {measure}; chuỗi bị gián đoạn trước năm {year}.",
        "{members} was split between several new units: its {measure} cannot be divided; the series breaks before {year}."),
    "no_population": (" và thiếu dân số để lấy trọng số", " and no population to weight by"),
    "series_year": ("{year}: số liệu gộp từ {members}: {combined} chỉ tiêu đo gộp được, {broken} gián đoạn (không gộp được).",
                    "{year}: values combined from {members}: {combined} measures combined, {broken} breaks (cannot be combined)."),
    "split_word": ("chia tách", "split"),
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
    mask = frame["code"].eq(code)
    if tier is not None:
        mask &= frame["tier"].isin([tier] if isinstance(tier, str) else list(tier))
    if years is not None:
        mask &= frame["year"].isin(list(years))
    return frame[mask]


def indicator_changes(ind: pd.DataFrame) -> pd.Series:
    """Change of each indicator row vs its previous decided year: the rule of the criteria
    (:func:`ntm_analysis.assess.changes.classify_changes`) per (code, tier, indicator)."""
    return classify_changes(ind, ["code", "tier", "indicator"])


def history(assessment: Any, code: str, tier: str | Iterable[str] | None = None,
            years: Iterable[int] | None = None) -> pd.DataFrame:
    """Tidy history of one unit: one row per criterion and per indicator per year, with its value,
    threshold, status and change vs the previous assessed year (``row_type`` = criterion/indicator).
    ``years`` restricts to one validity period when a code is reused (see :func:`unit_period`)."""
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
    threshold in force in the plan year (income thresholds rise yearly), else the latest one."""
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


# --- series across administrative changes ------------------------------------------------------


def successor_links(units: pd.DataFrame) -> pd.DataFrame:
    """One row per (unit row, successor code): ``pred`` (index label of the row), ``successor_code``,
    ``vt`` (its last year, numeric) and ``split`` (True when the row lists several successors:
    ``06613;06625``, a unit split between new units, whose values can go to none of them)."""
    vt = pd.to_numeric(units["valid_to"], errors="coerce")
    succ = units["successor_code"].dropna().astype(str)
    parts = succ.str.split(SPLIT_SEP)
    out = parts.explode().str.strip().rename("successor_code").to_frame()
    out = out.assign(vt=vt.reindex(out.index), split=parts.str.len().reindex(out.index).gt(1))
    return out.dropna(subset=["vt"]).reset_index(names="pred")


def _members(units: pd.DataFrame, unit_id: int, years: list[int]) -> pd.DataFrame:
    """(``year``, ``row``) pairs: the unit rows (index labels of ``units``) whose territory makes up
    unit row ``unit_id`` in each year: itself while valid, else (and also, for absorbed units) its
    predecessors, walked back through ``successor_code`` and validity."""
    u = units.assign(vf=pd.to_numeric(units["valid_from"], errors="coerce"),
                     vt=pd.to_numeric(units["valid_to"], errors="coerce"))
    # successor row of every unit row: the row with successor_code valid the year after valid_to
    links = successor_links(u)[["pred", "successor_code", "vt"]]
    cand = links.merge(u[["code", "vf", "vt"]].reset_index(names="succ"), left_on="successor_code", right_on="code")
    nxt = cand["vt_x"] + 1
    cand = cand[(cand["vf"].isna() | (cand["vf"] <= nxt)) & (cand["vt_y"].isna() | (cand["vt_y"] >= nxt))]
    cand = cand[cand["pred"] != cand["succ"]][["pred", "succ"]]
    tree, frontier = [pd.DataFrame({"row": [unit_id]})], [unit_id]
    for _ in range(8):  # merges nest at most a few levels; bound stops cycles
        step = cand[cand["succ"].isin(frontier)]
        if step.empty:
            break
        tree.append(pd.DataFrame({"row": step["pred"].to_numpy()}))
        frontier = list(step["pred"])
    rows = pd.concat(tree).drop_duplicates()
    grid = rows.merge(pd.DataFrame({"year": years}), how="cross")
    grid = grid.join(u[["vf", "vt"]], on="row")
    ok = (grid["vf"].isna() | (grid["vf"] <= grid["year"])) & (grid["vt"].isna() | (grid["vt"] >= grid["year"]))
    return grid[ok][["year", "row"]].reset_index(drop=True)


def _values_with_rows(units: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """Values with the unit row they belong to (code + the row valid that year)."""
    u = units[["code"]].assign(vf=pd.to_numeric(units["valid_from"], errors="coerce"),
                               vt=pd.to_numeric(units["valid_to"], errors="coerce")).reset_index(names="row")
    v = values.reset_index(names="vid").merge(u, on="code")
    ok = (v["vf"].isna() | (v["vf"] <= v["year"])) & (v["vt"].isna() | (v["vt"] >= v["year"]))
    return v[ok].drop(columns=["vf", "vt"])


def successor_series(dataset: Dataset, catalogue: Catalogue, code: str, year: int | None = None,
                     lang: str = "vi") -> tuple[Dataset, pd.DataFrame]:
    """The unit with ``code`` that exists in ``year`` (default: its latest period; codes are reused,
    so code + period identifies a unit) as one series over every year
    of the data: before it existed, its predecessors' values are combined by the measure's roll-up
    rule (``ratio``: Σ numerators / Σ denominators; ``sum``; ``all``/``any``; ``none`` on a
    ``number`` measure: population-weighted mean when every predecessor has a population). Lower
    units (villages, hamlets) of the predecessors move under the unit, so ``assess`` rolls them up
    itself. Returns a Dataset holding only the unit and its lower units (assess it as usual) and the
    series table: ``code``, ``valid_from``, ``year``, ``indicator``, ``value``, ``flag`` (``own``,
    ``combined``, ``break``), ``members`` and ``reason`` (why a break)."""
    check_lang(lang)
    units, values = dataset.units, dataset.values
    target = unit_row(units, code, year)
    years = sorted(int(y) for y in values["year"].unique())
    mem = _members(units, target.name, years)
    names = units["name"].astype(str)
    if "type" in units:  # "Thị trấn Bắc Sơn" and "Xã Bắc Sơn" share a name
        names = (units["type"].astype("string").fillna("") + " " + names).str.strip()
    level_rank = LEVEL_RANK.get(str(target["level"]), 2)
    vals = _values_with_rows(units, values)
    mine = vals.merge(mem, on=["row", "year"])
    meas = catalogue.measures[["measure", "kind", "rollup", "level"]].rename(columns={"measure": "indicator", "level": "m_level"})
    mine = mine.merge(meas, on="indicator", how="left")
    per_year = mem.groupby("year")["row"].agg(lambda s: tuple(sorted(s))).rename("rows")
    own_years = per_year[per_year.map(lambda r: r == (target.name,))].index
    own = mine[mine["year"].isin(own_years)].assign(flag="own", reason=pd.NA, members=str(target["name"]))
    split_rows = set(successor_links(units).query("split")["pred"])
    comb = mine[~mine["year"].isin(own_years)].copy()
    pop = pd.to_numeric(units["population"], errors="coerce") if "population" in units else pd.Series(np.nan, index=units.index)
    comb["pop"] = comb["row"].map(pop)
    comb["has_ratio"] = comb["numerator"].notna() & comb["denominator"].notna()
    comb["wv"] = comb["value"] * comb["pop"]
    g = comb.groupby(["year", "indicator"], as_index=False).agg(
        kind=("kind", "first"), rollup=("rollup", "first"), n=("row", "nunique"), n_val=("value", "count"),
        n_ratio=("has_ratio", "sum"), n_pop=("pop", "count"), s_val=("value", "sum"), mn=("value", "min"),
        mx=("value", "max"), s_num=("numerator", "sum"), s_den=("denominator", "sum"),
        s_wv=("wv", "sum"), s_pop=("pop", "sum"))
    expected = g["year"].map(per_year.map(len))
    have = comb.groupby(["year", "indicator"])["row"].agg(lambda s: set(s))
    missing_names = [", ".join(sorted(names[r] for r in set(per_year[y]) - have[(y, i)]))
                     for y, i in zip(g["year"], g["indicator"])]
    all_names = g["year"].map(per_year.map(lambda rs: ", ".join(names[r] for r in rs)))
    rule, kind = g["rollup"].fillna("none"), g["kind"].fillna("")
    complete = g["n"].eq(expected) & g["n_val"].eq(g["n"])
    single = expected.eq(1) & complete
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = 100.0 * g["s_num"] / g["s_den"].where(g["s_den"] > 0)
        weighted = g["s_wv"] / g["s_pop"].where(g["s_pop"] > 0)
    can_pop = rule.eq("none") & kind.eq("number") & g["n_pop"].eq(g["n"])
    conds = [single, ~complete, rule.eq("ratio") & g["n_ratio"].eq(g["n"]), rule.eq("ratio"),
             rule.eq("sum"), rule.eq("all"), rule.eq("any"), rule.eq("share_true"), can_pop]
    g["value"] = np.select(conds, [g["s_val"], np.nan, ratio, np.nan, g["s_val"], g["mn"], g["mx"], np.nan, weighted],
                           default=np.nan)
    why = np.select(conds[1:], ["break_missing", None, "break_no_ratio", None, None, None, "break_share_true", None],
                    default="break_rollup_none")
    why = np.where(single, None, why)
    split_names = g["year"].map(per_year.map(lambda rs: ", ".join(names[r] for r in rs if r in split_rows)))
    why = np.where(split_names.ne(""), "break_split", why)  # never guessed: a split unit is a break
    g["value"] = g["value"].where(split_names.eq(""))
    with_ratio = g["n_ratio"].eq(g["n"]) & g["value"].notna()
    g["numerator"] = g["s_num"].where(with_ratio)
    g["denominator"] = g["s_den"].where(with_ratio)
    g["flag"] = np.where(pd.isna(why), "combined", "break")
    first_own = min(own_years) if len(own_years) else (int(target["valid_from"]) if pd.notna(target["valid_from"]) else max(years) + 1)
    no_pop = kind.eq("number") & rule.eq("none")
    g["reason"] = [None if w is None else fmt(MESSAGES, w, lang, measure=m, year=first_own,
                                                 members=sp if w == "break_split" else mn or an,
                                                 extra=fmt(MESSAGES, "no_population", lang) if p else "")
                   for w, m, mn, an, p, sp in zip(why, g["indicator"], missing_names, all_names, no_pop, split_names)]
    g["members"] = all_names
    # a measure entered below the unit's level rolls up from the moved lower units in assess, so a
    # direct value that cannot be combined is not a break there
    lower_entry = g["indicator"].map(meas.set_index("indicator")["m_level"]).map(LEVEL_RANK).gt(level_rank)
    g = g[~(lower_entry & g["flag"].eq("break") & split_names.eq(""))]
    cols = ["year", "indicator", "value", "numerator", "denominator", "flag", "members", "reason"]
    series = pd.concat([own[cols], g[cols]], ignore_index=True).assign(code=code, valid_from=target["valid_from"])
    series = series[["code", "valid_from", *cols]].sort_values(["year", "indicator"]).reset_index(drop=True)

    # the Dataset: the unit (open validity) + lower units of every member, re-parented where needed
    member_rows = set(mem["row"])
    member_codes = set(units.loc[[r for r in member_rows if r not in split_rows], "code"])
    unit = units.loc[[target.name]].assign(valid_from=pd.NA, valid_to=pd.NA, successor_code=pd.NA)
    unit = unit.astype({c: units[c].dtype for c in ("valid_from", "valid_to", "successor_code")})
    lower = units[~units.index.isin(list(member_rows)) & units["level"].map(LEVEL_RANK).gt(level_rank)]
    tree = pd.concat([units.loc[list(member_rows)], lower])
    below = set().union(*(descendants(tree, c, include_self=False) for c in member_codes))
    lower = lower[lower["code"].isin(below)]
    lower = lower.assign(parent_code=lower["parent_code"].where(~lower["parent_code"].isin(member_codes), code))
    new_units = pd.concat([unit, lower], ignore_index=True)
    ok = series["flag"].ne("break") & series["value"].notna()
    top = series[ok][["year", "indicator", "value", "numerator", "denominator", "flag", "members"]].assign(code=code)
    top["note"] = top["members"].where(top["flag"].eq("combined"))
    top["source"] = top["flag"].where(top["flag"].eq("combined"))
    low = values[values["code"].isin(set(lower["code"]))]
    split_years = set(g.loc[split_names.reindex(g.index).ne(""), "year"])
    low = low[~low["year"].isin(split_years)]  # part of a split unit's villages: never rolled up as the whole
    new_values = pd.concat([top, low], ignore_index=True)
    for col in values.columns:
        if col not in new_values:
            new_values[col] = pd.NA
    new_values = new_values[list(values.columns)].astype(values.dtypes.to_dict())
    rec = dataset.recognitions
    vf, vt = target["valid_from"], target["valid_to"]
    rec = rec[rec["code"].eq(code) & (pd.isna(vf) | rec["year"].ge(vf if pd.notna(vf) else 0))
              & (pd.isna(vt) | rec["year"].le(vt if pd.notna(vt) else 0))]
    ds = Dataset(units=new_units, values=new_values.reset_index(drop=True), recognitions=rec.reset_index(drop=True),
                 meta={**dataset.meta, "successor_of": code}, path=dataset.path, problems=list(dataset.problems))
    return ds, series


def series_summary(series: pd.DataFrame, lang: str = "vi") -> list[str]:
    """One line per year before the unit existed: how many measures were combined from which former
    units and how many break (with the first reasons), from :func:`successor_series`."""
    out = []
    for year, g in series[series["flag"].ne("own")].groupby("year"):
        members = str(g["members"].dropna().iloc[0]) if g["members"].notna().any() else ""
        breaks = g[g["flag"].eq("break")]
        out.append(fmt(MESSAGES, "series_year", lang, year=int(year), members=members,
                       combined=int(g["flag"].eq("combined").sum()), broken=len(breaks)))
        split = breaks["reason"].dropna()
        split = split[split.str.contains(fmt(MESSAGES, "split_word", lang), regex=False)]
        if len(split):
            out.append("  " + str(split.iloc[0]))
    return out


def series_label(flag: str, lang: str = "vi") -> str:
    """Label of a series flag (own, combined, break)."""
    return pick(MESSAGES[flag], lang) if flag in MESSAGES else flag
