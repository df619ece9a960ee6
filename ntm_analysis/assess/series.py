"""Series that continue across administrative merges: a unit's values over every year of the data,
its predecessors' values combined by the measure's roll-up rule before it existed (or an explicit
break when they cannot be combined). Methods: docs/methods.md. Re-exported by
:mod:`ntm_analysis.assess.trends`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ntm_analysis.admin.reference import SPLIT_SEP
from ntm_analysis.catalogue.model import Catalogue
from ntm_analysis.i18n import check_lang, fmt, pick
from ntm_analysis.io.dataset import Dataset
from ntm_analysis.units import LEVEL_RANK, descendants, unit_row

MESSAGES: dict[str, tuple[str, str]] = {
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
}


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
