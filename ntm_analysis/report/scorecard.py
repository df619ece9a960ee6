"""Display helpers over an :class:`~ntm_analysis.assess.attainment.Assessment`: a unit's criteria table, a
one-line summary and the tidy criterion + indicator rows for CSV/JSON export.

Nothing is recomputed here: statuses, gaps and changes come from the assessment; this module only
adds names (catalogue, units) and labels in Vietnamese (default) or English. Thresholds whose
``threshold_status`` is not ``verified`` are marked with ``*`` (see :data:`MESSAGES` ``footnote``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ntm_analysis.assess.attainment import Assessment
from ntm_analysis.i18n import CHANGE_LABELS, STATUS_LABELS, check_lang, fmt, label, level_value, pick
from ntm_analysis.io.columnar import as_text
from ntm_analysis.units import name_in_year, valid_in

MESSAGES: dict[str, tuple[str, str]] = {
    "col_no": ("TT", "No."),
    "col_criterion": ("Tiêu chí", "Criterion"),
    "col_status": ("Kết quả", "Status"),
    "col_change": ("Thay đổi", "Change"),
    "col_indicators": ("Chỉ tiêu đạt", "Indicators met"),
    "col_binding": ("Chỉ tiêu chưa đạt: giá trị / ngưỡng (còn)", "Binding: value / threshold (gap)"),
    "col_unverified": ("Chưa xác minh", "Unverified"),
    "head": ("{name} {year}", "{name} {year}"),
    "head_group": ("{name} {year} ({group})", "{name} {year} ({group})"),
    "group_defaulted": ("{group}: nhóm mặc định của bộ tiêu chí, chưa khai báo", "{group}: the catalogue's default, none given"),
    "tier_part": ("{tier}: đạt {met}/{total} tiêu chí", "{tier}: {met}/{total} criteria met"),
    "reached": ("đạt chuẩn", "standard reached"),
    "no_data": ("{tier}: không có dữ liệu", "{tier}: no data"),
    "recognised": ("công nhận năm {year}", "recognised in {year}"),
    "change": ("{change}: {items}", "{change}: {items}"),
    "since_recognition": ("tụt so với năm công nhận {year}: {items}", "slipped since recognition ({year}): {items}"),
    "criterion_items": ("tiêu chí {items}", "criterion {items}"),
    "no_rows": ("Không có kết quả đánh giá cho {code} năm {year}.", "No assessment for {code} in {year}."),
    "gap": ("còn {gap}", "gap {gap}"),
    "no_threshold": ("chưa có ngưỡng", "no threshold"),
    "yes": ("Có", "Yes"),
    "no": ("Không", "No"),
    "no_year": (
        "Bộ dữ liệu không có giá trị nào cho năm {year}; các năm có dữ liệu: {years}.",
        "The dataset has no values for {year}; years with values: {years}.",
    ),
    "all_unverified": (
        "Không ngưỡng nào trong bảng này đã được đối chiếu với văn bản quyết định: bộ tiêu chí được lập từ nguồn thứ cấp "
        "(ngưỡng tạm tính hoặc theo kế hoạch của xã), nên không đánh dấu từng dòng.",
        "No threshold in this table is verified against the decision text: the catalogue was assembled from secondary "
        "sources (provisional thresholds or those stated in the commune plan), so no row is marked."),
    "footnote": (
        "* Ngưỡng chưa được đối chiếu với văn bản quyết định (tạm tính hoặc theo kế hoạch của xã).",
        "* Threshold not verified against the decision text (provisional or taken from the commune plan).",
    ),
}

COMPARATOR_SIGNS = {">=": "≥ ", "<=": "≤ ", "==": "= ", "true": ""}


def number_series(values: pd.Series, lang: str) -> pd.Series:
    """Numbers as short text in ``lang`` (:func:`ntm_analysis.i18n.number_label`: one rounding everywhere)."""
    from ntm_analysis.i18n import number_label  # noqa: PLC0415

    return values.map(lambda v: number_label(v, lang)).astype(object)


def tier_label(assessment: Assessment, tier: str, lang: str = "vi") -> str:
    """Short display label of ``tier`` (the catalogue's ``short``, else its name; the id without a
    catalogue)."""
    cat = assessment.catalogue
    return cat.tier_label(tier, lang, short=True) if cat is not None else str(tier)


def _unit_name(assessment: Assessment, code: str, year: int | None = None) -> str:
    scope = assessment.scope
    if "name" not in scope:
        return code
    return name_in_year(scope, code, None if year is None else int(year))


def _named_indicators(assessment: Assessment, lang: str) -> pd.DataFrame:
    """Indicator rows with names, units of measure and display text for value and threshold."""
    cat = assessment.catalogue
    rows = as_text(assessment.indicators, ["comparator", "status"])  # formatted and labelled below
    meas = cat.measures[["measure", "kind", "unit", "levels"]]
    inds = cat.indicators[["tier", "indicator", f"name_{lang}"]].rename(columns={f"name_{lang}": "indicator_name"})
    rows = rows.merge(inds, on=["tier", "indicator"], how="left").merge(meas, on="measure", how="left")
    # level measures: show the label of the rank instead of the number
    lv = meas[meas["kind"].eq("level")][["measure", "levels"]].explode("levels").dropna()
    lv = lv.assign(rank=lv.groupby("measure").cumcount().astype("float64") + 1.0)
    lv = lv.rename(columns={"levels": "label"})[["measure", "rank", "label"]]
    lv["label"] = lv["label"].map(lambda x: level_value(x, lang))
    rows = rows.merge(lv.rename(columns={"rank": "value", "label": "value_label"}), on=["measure", "value"], how="left")
    rows = rows.merge(lv.rename(columns={"rank": "threshold", "label": "threshold_label"}),
                      on=["measure", "threshold"], how="left")
    # a boolean measure compared with a number is a share of units (share_true roll-up): percent
    from ntm_analysis.i18n import unit_label  # noqa: PLC0415

    unit = rows["unit"].map(lambda u: unit_label(u, lang)).where(~(rows["kind"].eq("boolean") & rows["comparator"].ne("true")), "%")
    unit = (" " + unit).str.rstrip()
    is_level = rows["kind"].eq("level")
    value_text = number_series(rows["value"], lang).where(~is_level, rows["value_label"]) + unit.where(~is_level, "")
    value_text = value_text.where(~rows["comparator"].eq("true"),
                                  np.where(rows["value"].eq(1.0), fmt(MESSAGES, "yes", lang), fmt(MESSAGES, "no", lang)))
    star = np.where(rows["threshold_status"].ne("verified"), "*", "")
    thr = number_series(rows["threshold"], lang).where(~is_level, rows["threshold_label"])
    thr_text = rows["comparator"].map(COMPARATOR_SIGNS).fillna("") + thr + star + unit.where(~is_level, "")
    thr_text = thr_text.where(rows["threshold"].notna(), fmt(MESSAGES, "no_threshold", lang))
    rows["value_text"] = value_text.where(rows["value"].notna(), "")
    rows["threshold_text"] = thr_text.where(~rows["comparator"].eq("true"), fmt(MESSAGES, "yes", lang) + pd.Series(star, index=rows.index))
    rows["status_label"] = rows["status"].map({k: pick(v, lang) for k, v in STATUS_LABELS.items()})
    return rows


def tidy_table(assessment: Assessment, year: int | None = None, codes: list[str] | None = None,
               tiers: list[str] | None = None, lang: str = "vi") -> pd.DataFrame:
    """Criterion + indicator rows (one per indicator) with names, for CSV/JSON export: ids for
    machines (``tier``, statuses) beside the names a reader reads (``tier_name``: the catalogue's
    tier name in ``lang``, ``unit_name``, ``criterion_name``, ``indicator_name``)."""
    check_lang(lang)
    rows = _named_indicators(assessment, lang)
    crit = assessment.criteria.rename(columns={"status": "criterion_status", "binding": "criterion_binding",
                                               "change": "criterion_change"})
    rows = rows.merge(crit[["code", "year", "tier", "criterion", "criterion_status", "criterion_binding",
                            "criterion_change"]], on=["code", "year", "tier", "criterion"], how="left")
    names = assessment.catalogue.criteria[["tier", "criterion", f"name_{lang}"]].rename(
        columns={f"name_{lang}": "criterion_name"})
    rows = rows.merge(names, on=["tier", "criterion"], how="left")
    cols = [c for c in ("code", "name", "valid_from", "valid_to") if c in assessment.scope]
    scope = assessment.scope[cols].rename(columns={"name": "unit_name"})
    rows = rows.reset_index(drop=True).reset_index(names="_r").merge(scope, on="code", how="left")
    rows = rows[valid_in(rows, rows["year"]) | rows["unit_name"].isna()].drop_duplicates("_r")
    rows = rows.drop(columns=[c for c in ("_r", "valid_from", "valid_to") if c in rows])
    rows["tier_name"] = rows["tier"].map(lambda t: assessment.catalogue.tier_label(t, lang))  # the id is for machines
    mask = pd.Series(True, index=rows.index)
    if year is not None:
        mask &= rows["year"].eq(int(year))
    if codes is not None:
        mask &= rows["code"].isin(codes)
    if tiers is not None:
        mask &= rows["tier"].isin(tiers)
    cols = ["code", "unit_name", "year", "tier", "tier_name", "criterion", "criterion_name", "criterion_status",
            "criterion_change", "criterion_binding", "indicator", "indicator_name", "measure", "value",
            "threshold", "comparator", "unit", "status", "gap", "share_covered", "value_source",
            "threshold_status", "confidence"]
    return rows.loc[mask, cols].reset_index(drop=True)


def criteria_table(assessment: Assessment, code: str, year: int, tier: str, lang: str = "vi") -> pd.DataFrame:
    """Display table of one unit, year and tier: one row per criterion with its status, change,
    indicators met, the binding indicators with value / threshold (gap) and an unverified flag (``*``).
    When every row would carry the flag, the column and the stars are left out and
    ``attrs["all_unverified"]`` is True: say it once above the table (``MESSAGES["all_unverified"]``)."""
    check_lang(lang)
    rows = _named_indicators(assessment, lang)
    rows = as_text(rows[rows["code"].eq(code) & rows["year"].eq(int(year)) & rows["tier"].eq(tier)])
    crit = assessment.criteria
    crit = as_text(crit[crit["code"].eq(code) & crit["year"].eq(int(year)) & crit["tier"].eq(tier)])
    held = rows[rows["status"].isin(["not_met", "missing", "unknown_threshold"])].copy()
    gap = (" (" + held["gap"].pipe(number_series, lang).radd(fmt(MESSAGES, "gap", lang, gap="")) + ")").where(
        held["gap"].gt(0), "")
    detail = (held["value_text"] + " / " + held["threshold_text"] + gap).where(
        held["status"].ne("missing"), held["status_label"])
    held["text"] = held["indicator"] + ": " + detail
    held["first"] = np.where(held["status"].eq("not_met"), 0, 1)
    binding = held.sort_values(["criterion", "first"]).groupby("criterion")["text"].agg("; ".join)
    unverified = rows.assign(u=rows["threshold_status"].ne("verified") & rows["status"].ne("not_applicable"))
    unverified = unverified.groupby("criterion")["u"].any()
    names = assessment.catalogue.criteria
    names = names[names["tier"].eq(tier)].set_index("criterion")[f"name_{lang}"]
    change = crit["change"].map({k: pick(v, lang) for k, v in CHANGE_LABELS.items()})
    out = pd.DataFrame({
        fmt(MESSAGES, "col_no", lang): crit["criterion"].to_numpy(),
        fmt(MESSAGES, "col_criterion", lang): crit["criterion"].map(names).astype(object).fillna("").to_numpy(),
        fmt(MESSAGES, "col_status", lang): crit["status"].map({k: pick(v, lang) for k, v in STATUS_LABELS.items()}).to_numpy(),
        fmt(MESSAGES, "col_change", lang): change.fillna("").to_numpy(),
        fmt(MESSAGES, "col_indicators", lang): (crit["n_met"].astype(str) + "/" + crit["n_indicators"].astype(str)).to_numpy(),
        fmt(MESSAGES, "col_binding", lang): crit["criterion"].map(binding).astype(object).fillna("").to_numpy(),
        fmt(MESSAGES, "col_unverified", lang): np.where(crit["criterion"].map(unverified).fillna(False).astype(bool), "*", ""),
    })
    if len(out) and out.iloc[:, -1].eq("*").all():  # every threshold unverified: say it once, mark nothing
        out = out.iloc[:, :-1]
        binding_col = fmt(MESSAGES, "col_binding", lang)
        out[binding_col] = out[binding_col].str.replace("*", "", regex=False)
        out.attrs["all_unverified"] = True
    return out


def _criterion_items(assessment: Assessment, tier: str, numbers: str, lang: str) -> str:
    """'tiêu chí 1 (Quy hoạch), 3 (Thu nhập)' from '1, 3'."""
    names = assessment.catalogue.criteria
    names = names[names["tier"].eq(tier)]
    names = dict(zip(names["criterion"].astype(str), names[f"name_{lang}"].astype(str)))
    parts = [f"{n} ({names[n]})" if n in names else n for n in numbers.split(", ")]
    return fmt(MESSAGES, "criterion_items", lang, items=", ".join(parts))


def summary_line(assessment: Assessment, code: str, year: int, tier: str | None = None, lang: str = "vi") -> str:
    """One line per unit and year, e.g. "Tân Lập 2023 — NTM: đạt 18/19 tiêu chí; bị tụt: tiêu chí 1
    (Quy hoạch)"; all tiers of the unit (separated by " | ") when ``tier`` is None. Under a
    group-based catalogue the head names the commune group (:func:`group_label`): "Vũ Lăng 2026
    (Nhóm 3) — …"."""
    check_lang(lang)
    u = assessment.units
    u = u[u["code"].eq(code) & u["year"].eq(int(year))]
    if tier is not None:
        u = u[u["tier"].eq(tier)]
    if u.empty:
        return fmt(MESSAGES, "no_rows", lang, code=code, year=year)
    parts = []
    for row in u.itertuples(index=False):  # one row per tier (a handful), display only
        if row.criteria_total and getattr(row, "criteria_missing", 0) == row.criteria_total:
            parts.append(fmt(MESSAGES, "no_data", lang, tier=tier_label(assessment, row.tier, lang)))
            continue
        bits = [fmt(MESSAGES, "tier_part", lang, tier=tier_label(assessment, row.tier, lang),
                    met=row.criteria_met, total=row.criteria_total)]
        if row.reached:
            bits.append(fmt(MESSAGES, "reached", lang))
        if pd.notna(row.recognised):
            bits.append(fmt(MESSAGES, "recognised", lang, year=int(row.recognised)))
        for change in ("slipped", "newly_met", "recovered"):  # the words of assess.changes, as in the tables
            numbers = getattr(row, change, "")
            if isinstance(numbers, str) and numbers:
                bits.append(fmt(MESSAGES, "change", lang, change=label(CHANGE_LABELS, change, lang).lower(),
                                items=_criterion_items(assessment, row.tier, numbers, lang)))
        if row.slipped_since_recognition:
            bits.append(fmt(MESSAGES, "since_recognition", lang, year=int(row.recognised),
                            items=_criterion_items(assessment, row.tier, row.slipped_since_recognition, lang)))
        parts.append("; ".join(bits))
    group = group_label(assessment, code, year, lang)
    head = fmt(MESSAGES, "head_group" if group else "head", lang, name=_unit_name(assessment, code, year), year=year,
               group=group)
    return head + " — " + " | ".join(parts)


def group_label(assessment: Assessment, code: str, year: int, lang: str = "vi") -> str:
    """The commune group ``code`` was judged by in ``year`` under a group-based catalogue (QĐ 51:
    "Nhóm 3" / "Group 3", the catalogue's name of the group), flagged when it is the catalogue's
    ``default_group`` given for want of one (``assess.keys``); "" under a region-based catalogue."""
    from ntm_analysis.catalogue.model import threshold_by  # noqa: PLC0415

    cat, keys = assessment.catalogue, getattr(assessment, "keys", None)
    if cat is None or threshold_by(cat) != "group" or keys is None or keys.empty:
        return ""
    row = keys[keys["code"].eq(code) & keys["year"].eq(int(year))]
    if row.empty or not str(row["key"].iloc[0]):
        return ""
    key = str(row["key"].iloc[0])
    names = {str(g["id"]): g for g in cat.meta.get("groups") or []}
    name = pick(names[key], lang) if key in names else key
    return fmt(MESSAGES, "group_defaulted", lang, group=name) if bool(row["key_defaulted"].iloc[0]) else name
