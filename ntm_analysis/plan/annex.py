"""The indicator rows of a draft plan: value, requirement, gap and target as text, and the annex table.

Nothing is recomputed: statuses, gaps and thresholds come from the
:class:`~ntm_analysis.assess.attainment.Assessment`; names, units of measure and level labels from the
catalogue; numbers are written by the report's one number formatter (decimal comma in Vietnamese).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ntm_analysis.catalogue.model import Catalogue
from ntm_analysis.i18n import STATUS_LABELS, THRESHOLD_STATUS_LABELS, fmt, label, level_value, pick, unit_label
from ntm_analysis.io.columnar import as_text
from ntm_analysis.plan.texts import MESSAGES, THRESHOLD_SHORT
from ntm_analysis.report.scorecard import COMPARATOR_SIGNS, number_series

NBSP = "\u00a0"
#: Columns of :func:`indicator_rows` (besides the assessment's own).
TEXT_COLUMNS = ["indicator_name", "uom", "value_text", "req_text", "gap_text", "threshold_short"]
#: Columns of :func:`annex_table`: ``row`` is ``tier``, ``criterion`` or ``indicator``.
ANNEX_COLUMNS = ["row", "no", "code", "name", "uom", "req", "value", "status", "target", "gap", "threshold",
                 "status_key"]


def _indicator_sort(code: str) -> tuple:
    """Sort key for codes such as ``2.10`` after ``2.9`` (and ``KM.1``)."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in str(code).split("."))


def indicator_rows(assessment: Any, catalogue: Catalogue, code: str, year: int, tiers: list[str],
                   lang: str = "vi") -> pd.DataFrame:
    """The assessment's indicator rows of unit ``code`` in ``year`` for ``tiers`` (every indicator,
    not-applicable ones included), in catalogue order, with display text: ``indicator_name``,
    ``uom`` (unit of measure in ``lang``; ``%`` for a share of units meeting a yes/no measure), ``value_text``
    (number, Có/Không or the level's name; empty when missing), ``req_text`` (comparator and
    threshold, "Có" for a yes/no indicator), ``gap_text`` (how much is missing, for numbers only)
    and ``threshold_short`` (the annex mark of ``threshold_status``)."""
    ind = assessment.indicators
    rows = as_text(ind[ind["code"].eq(code) & ind["year"].eq(int(year)) & ind["tier"].isin(tiers)])  # text is formatted
    cols = list(dict.fromkeys(["tier", "indicator", f"name_{lang}", "name_vi"]))
    names = catalogue.indicators[cols].drop_duplicates(["tier", "indicator"])
    rows = rows.merge(names, on=["tier", "indicator"], how="left")
    rows["indicator_name"] = rows[f"name_{lang}"].fillna(rows["name_vi"]).fillna("").astype(str)
    meas = catalogue.measures.set_index("measure")
    kind = rows["measure"].map(meas["kind"]).fillna("number")
    levels = rows["measure"].map(meas["levels"])
    share = kind.eq("boolean") & rows["comparator"].ne("true")
    rows["uom"] = rows["measure"].map(meas["unit"]).map(lambda u: unit_label(u, lang)).astype(str).where(~share, "%")
    yes, no = fmt(MESSAGES, "yes", lang), fmt(MESSAGES, "no", lang)

    def level_name(values: pd.Series) -> pd.Series:
        return pd.Series([level_value(lv[int(v) - 1], lang) if isinstance(lv, (list, tuple)) and pd.notna(v) and 1 <= int(v) <= len(lv)
                          else None for v, lv in zip(values, levels)], index=values.index, dtype=object)

    is_bool = rows["comparator"].eq("true")
    is_level = kind.eq("level")
    value = number_series(rows["value"], lang).where(~is_level, level_name(rows["value"]))
    value = value.where(~is_bool, rows["value"].map({1.0: yes, 0.0: no}))
    rows["value_text"] = value.where(rows["value"].notna(), "").fillna("").astype(str)
    sign = rows["comparator"].map(COMPARATOR_SIGNS).fillna("").str.replace(" ", NBSP)
    req = sign + number_series(rows["threshold"], lang).where(~is_level, level_name(rows["threshold"])).fillna("")
    req = req.where(rows["threshold"].notna(), fmt(MESSAGES, "no_threshold", lang))
    rows["req_text"] = req.where(~is_bool, yes).astype(str)
    numeric = ~is_bool & ~is_level & rows["status"].eq("not_met") & rows["gap"].gt(0)
    rows["gap_text"] = number_series(rows["gap"], lang).where(numeric, "").fillna("").astype(str)
    rows["threshold_short"] = rows["threshold_status"].map(lambda s: label(THRESHOLD_SHORT, s, lang))
    order = {(t, i): k for k, (t, i) in enumerate(zip(catalogue.indicators["tier"], catalogue.indicators["indicator"]))}
    rows["_order"] = [order.get((t, i), 10**6) for t, i in zip(rows["tier"], rows["indicator"])]
    tier_rank = {t: k for k, t in enumerate(tiers)}
    rows["_tier"] = rows["tier"].map(tier_rank)
    return rows.sort_values(["_tier", "criterion", "_order"]).drop(columns=["_order", "_tier"]).reset_index(drop=True)


def with_unit(text: str, uom: str) -> str:
    """``86,8`` + ``% (km)`` → ``86,8 % (km)`` (a no-break space: never "86,8" at a line's end and
    "%" on the next); text alone when there is no unit or no number."""
    return f"{text}{NBSP}{uom}" if text and uom and text[-1:].isdigit() else text


def indicator_sentence(row: Any, year: int, lang: str = "vi") -> str:
    """One plain sentence on an indicator that is not met (value, requirement, what is missing)."""
    args = dict(code=row.indicator, name=row.indicator_name, value=with_unit(row.value_text, row.uom),
                req=with_unit(row.req_text, row.uom), gap=with_unit(row.gap_text, row.uom), year=year)
    if row.status == "missing":
        return fmt(MESSAGES, "i_missing", lang, **args)
    if row.status == "unknown_threshold":
        return fmt(MESSAGES, "i_unknown", lang, **args)
    if row.gap_text:
        return fmt(MESSAGES, "i_not_met_le" if row.comparator == "<=" else "i_not_met", lang, **args)
    return fmt(MESSAGES, "i_not_met_bool", lang, **args)


def annex_table(rows: pd.DataFrame, criteria: pd.DataFrame, units: pd.DataFrame, proposed: set[tuple[str, int]],
                tier_names: dict[str, str], crit_names: dict[tuple[str, int], str], year: int,
                lang: str = "vi") -> pd.DataFrame:
    """The annex: per tier a heading row (criteria met), per criterion a heading row (its status),
    then one row per indicator (``row == "indicator"``): number, code, name, unit of measure,
    requirement, value in ``year``, result, target for the plan year (the requirement of an unmet
    indicator of a criterion in ``proposed``, "Duy trì" for its met ones; empty elsewhere), gap and
    threshold status. ``criteria``/``units``: the assessment's rows of the unit and year."""
    out: list[dict[str, Any]] = []
    keep = fmt(MESSAGES, "keep", lang)
    n = 0
    for tier, t_rows in rows.groupby("tier", sort=False):  # two tiers at most
        summ = units[units["tier"].eq(tier)]
        met, total = (int(summ["criteria_met"].iloc[0]), int(summ["criteria_total"].iloc[0])) if len(summ) else ("?", "?")
        out.append({"row": "tier", "name": fmt(MESSAGES, "row_tier", lang, tier=tier_names.get(tier, tier), met=met,
                                                total=total, year=year)})
        for crit, c_rows in t_rows.groupby("criterion", sort=False):  # ~19 criteria
            c = criteria[criteria["tier"].eq(tier) & criteria["criterion"].eq(crit)]
            status = label(STATUS_LABELS, str(c["status"].iloc[0]), lang) if len(c) else ""
            out.append({"row": "criterion", "name": fmt(MESSAGES, "row_criterion", lang, n=int(crit),
                                                        name=crit_names.get((tier, int(crit)), ""), status=status)})
            is_proposed = (tier, int(crit)) in proposed
            for r in c_rows.itertuples(index=False):  # one annex line per indicator
                n += 1
                target = ""
                if is_proposed and r.status in ("not_met", "missing"):
                    target = r.req_text
                elif is_proposed and r.status == "met":
                    target = keep
                out.append({"row": "indicator", "no": str(n), "code": str(r.indicator), "name": r.indicator_name,
                            "uom": r.uom, "req": r.req_text if r.status != "not_applicable" else "",
                            "value": r.value_text, "status": label(STATUS_LABELS, r.status, lang), "target": target,
                            "gap": r.gap_text, "threshold": r.threshold_short if r.status != "not_applicable" else "",
                            "status_key": r.status})
    return pd.DataFrame(out, columns=ANNEX_COLUMNS).fillna("")


def annex_headers(year: int, plan_year: int, lang: str = "vi") -> list[str]:
    """Column headings of the annex table, in :data:`ANNEX_COLUMNS` order after ``row``."""
    keys = ["col_no", "col_code", "col_name", "col_unit", "col_req", "col_value", "col_status", "col_target",
            "col_gap", "col_threshold"]
    return [fmt(MESSAGES, k, lang, year=year, plan=plan_year) for k in keys]


def legend(rows: pd.DataFrame, plan_year: int, lang: str = "vi") -> list[str]:
    """The annex legend: each threshold status used, short mark and meaning; what the target column holds."""
    used = [s for s in THRESHOLD_SHORT if s in set(rows["threshold_status"])]
    lines = [fmt(MESSAGES, "legend_head", lang)]
    lines += [fmt(MESSAGES, "legend_item", lang, short=pick(THRESHOLD_SHORT[s], lang),
                  long=label(THRESHOLD_STATUS_LABELS, s, lang)) for s in used]
    lines.append(fmt(MESSAGES, "legend_target", lang, plan=plan_year))
    return lines
