"""A catalogue as people read it: threshold texts, the table of ``ntm catalogue show``, the summary
of ``ntm catalogue check``, commune-group definitions and the banner of a provisional catalogue, in
Vietnamese or English. The catalogue itself (loading, tables, rules) is ``model.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ntm_analysis.catalogue.model import Catalogue, default_key, threshold_by
from ntm_analysis.i18n import THRESHOLD_STATUS_LABELS, check_lang, label, level_value, pick

__all__ = ["catalogue_banner", "catalogue_to_frame", "group_definition", "summarise_catalogue", "threshold_text"]

LABELS: dict[str, tuple[str, str]] = {
    "met_if_true": ("Đạt", "Met"),
    "no_threshold": ("chưa có ngưỡng", "no threshold"),
}

def _number(x: float) -> str:
    return f"{x:g}"


def threshold_text(catalogue: Catalogue, lang: str = "vi") -> pd.Series:
    """Readable threshold per indicator row of ``catalogue.indicators`` (same index), e.g.
    ``>= 70``, ``>= khá``, ``Đạt``, ``>= 36 (2021); >= 39 (2022)``. Regions other than the default
    region are named in brackets."""
    inds = catalogue.indicators
    thr = catalogue.thresholds.merge(inds[["tier", "indicator", "measure", "comparator"]], on=["tier", "indicator"])
    thr = thr.merge(catalogue.measures[["measure", "levels"]], on="measure", how="left")
    lo, hi = catalogue.meta["period_from"], catalogue.meta["period_to"]
    by = threshold_by(catalogue)
    default = default_key(catalogue)
    rank = thr["threshold"].round().astype("int64") - 1
    shown = [level_value(lv[r], lang) if isinstance(lv, list) and len(lv) > r >= 0 else _number(t)
             for lv, r, t in zip(thr["levels"], rank, thr["threshold"])]  # labels of a few config rows
    span = np.where((thr["year_from"] == lo) & (thr["year_to"] == hi), "",
                    np.where(thr["year_from"] == thr["year_to"], " (" + thr["year_from"].astype(str) + ")",
                             " (" + thr["year_from"].astype(str) + "-" + thr["year_to"].astype(str) + ")"))
    key = thr[by].astype("str") if by in thr else pd.Series("", index=thr.index)
    thr = thr.assign(text=thr["comparator"] + " " + pd.Series(shown, index=thr.index, dtype="str") + span, key=key)
    if by == "group":  # one level for several groups is written once: ">= 70 [nhóm 1, 2, 3]"
        thr = thr.groupby(["tier", "indicator", "text"], sort=False, as_index=False)["key"].agg(
            lambda k: ", ".join(x for x in k if x))
        named = pick(GROUP_WORD, lang) + " " + thr["key"]
        thr["text"] = thr["text"] + np.where(thr["key"].eq(""), "", " [" + named + "]")
    else:
        thr["text"] = thr["text"] + np.where(key.isin(["", default]), "", " [" + key + "]")
    joined = thr.groupby(["tier", "indicator"], sort=False)["text"].agg("; ".join)
    keys = pd.MultiIndex.from_frame(inds[["tier", "indicator"]])
    text = pd.Series(joined.reindex(keys).to_numpy(), index=inds.index, dtype="str")
    met = pick(LABELS["met_if_true"], lang)
    none = pick(LABELS["no_threshold"], lang)
    return text.where(text.notna(), np.where(inds["comparator"].eq("true"), met, none)).astype("str")


def catalogue_to_frame(catalogue: Catalogue, tier: str | None = None, lang: str = "vi") -> pd.DataFrame:
    """One display row per indicator: tier, criterion and its name, indicator code and name, measure,
    comparator, threshold text, unit, threshold_status, confidence, resource, source (ids kept for
    statuses so that CSV output stays machine-readable)."""
    lang = check_lang(lang)
    inds = catalogue.indicators.assign(threshold=threshold_text(catalogue, lang))
    if tier is not None:
        inds = inds[inds["tier"].eq(tier)]
    crit = catalogue.criteria[["tier", "criterion", f"name_{lang}"]].rename(columns={f"name_{lang}": "criterion_name"})
    meas = catalogue.measures[["measure", "unit"]]
    out = inds.merge(crit, on=["tier", "criterion"], how="left").merge(meas, on="measure", how="left")
    out = out.rename(columns={f"name_{lang}": "name"})
    cols = ["tier", "criterion", "criterion_name", "indicator", "name", "measure", "comparator", "threshold", "unit",
            "threshold_status", "confidence", "resource", "source"]
    return out[cols].reset_index(drop=True)


THRESHOLD_BY_LABELS: dict[str, tuple[str, str]] = {"region": ("vùng", "region"), "group": ("nhóm xã", "commune group")}
GROUP_WORD = ("nhóm", "group")
SUMMARY: dict[str, tuple[str, str]] = {
    "head": ("Bộ tiêu chí {id} (phiên bản {version}): {name}", "Catalogue {id} (version {version}): {name}"),
    "period": ("Giai đoạn {lo}-{hi}; ngưỡng theo {by}; mặc định: {region}; {n_measures} chỉ tiêu đo (measure).",
               "Period {lo}-{hi}; thresholds by {by}; default: {region}; {n_measures} measures."),
    "groups": ("Nhóm xã ({n}):", "Commune groups ({n}):"),
    "group": ("- {name}: {definition}", "- {name}: {definition}"),
    "no_default": ("không có (đơn vị thiếu nhóm là lỗi)", "none (a unit without a group is an error)"),
    "tier": ("- {tier} ({name}): {n_crit} tiêu chí, {n_ind} chỉ tiêu; ngưỡng chưa xác minh: {n_unverified} ({statuses})",
             "- {tier} ({name}): {n_crit} criteria, {n_ind} indicators; unverified thresholds: {n_unverified} ({statuses})"),
    "ok": ("Hợp lệ.", "Valid."),
}


def summarise_catalogue(catalogue: Catalogue, lang: str = "vi") -> str:
    """Short text summary: tiers, criteria and indicators per tier, thresholds not verified."""
    lang = check_lang(lang)
    m = catalogue.meta
    inds = catalogue.indicators
    n_crit = catalogue.criteria.groupby("tier").size()
    n_ind = inds.groupby("tier").size()
    unver = inds[inds["threshold_status"].ne("verified")]
    status = unver.groupby(["tier", "threshold_status"]).size()
    lines = [pick(SUMMARY["head"], lang).format(id=m["id"], version=m["version"], name=m["name"][lang]),
             pick(SUMMARY["period"], lang).format(lo=m["period_from"], hi=m["period_to"], by=label(THRESHOLD_BY_LABELS, m["threshold_by"], lang),
                                                   region=default_key(catalogue) or pick(SUMMARY["no_default"], lang),
                                                   n_measures=len(catalogue.measures))]
    banner = catalogue_banner(catalogue, lang)
    if banner:
        lines.insert(1, banner)
    if m.get("groups"):
        lines.append(pick(SUMMARY["groups"], lang).format(n=len(m["groups"])))
        lines += [pick(SUMMARY["group"], lang).format(id=g["id"], name=g[lang], definition=group_definition(g, lang))
                  for g in m["groups"]]
    for t in catalogue.tiers.sort_values("order").itertuples():  # a handful of tiers
        st = status.get(t.tier, pd.Series(dtype="int64"))
        lines.append(pick(SUMMARY["tier"], lang).format(
            tier=t.tier, name=getattr(t, f"name_{lang}"), n_crit=int(n_crit.get(t.tier, 0)),
            n_ind=int(n_ind.get(t.tier, 0)), n_unverified=int(st.sum()),
            statuses="; ".join(f"{label(THRESHOLD_STATUS_LABELS, k, lang)}: {int(v)}" for k, v in st.items()) or "-"))
    lines.append(pick(SUMMARY["ok"], lang))
    return "\n".join(lines)


def group_definition(group: dict[str, str], lang: str = "vi") -> str:
    """A commune group's published definition in ``lang`` (the Vietnamese text when no English one)."""
    return (group.get("definition_en") if lang == "en" else None) or group.get("definition") or ""


def catalogue_banner(catalogue: Catalogue | None, lang: str = "vi") -> str:
    """The one warning every output using ``catalogue`` shows first (its ``banner:`` in ``lang``,
    e.g. that the 2026-2030 levels are provisional, carried over from 2021-2025); "" when none."""
    if catalogue is None:
        return ""
    banner = catalogue.meta.get("banner")
    return str(banner.get(lang) or banner.get("vi") or "") if banner else ""
