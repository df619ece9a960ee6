"""Next year's targets: which unmet criteria a unit could reach next, and a draft plan paragraph.

Follows the seed plan's own rule (reference methods.md, "What to choose next"): recover slipped
criteria first, then prefer criteria that are nearly there and depend on the community rather than
on the state budget; propose 2-5 of them. The score is documented in docs/methods.md.

Which tier the targets are for is decided here, once (:func:`default_target_tier`), from the
catalogue's tier order and ``requires`` and the unit's assessment; every command and report that
proposes targets calls it (``--tier`` / a report's ``tier`` parameter still force a tier).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ntm_analysis.catalogue.model import Catalogue
from ntm_analysis.i18n import check_lang, fmt, number_label
from ntm_analysis.io.columnar import as_text

#: Weights of the score (lower = easier): n_unmet + W_GAP × mean gap share + W_RESOURCE × share not community.
W_GAP, W_RESOURCE = 0.5, 0.25
#: Criteria scoring below this (at most one indicator left, or ...) are proposed, within MIN..MAX.
SCORE_CUTOFF = 2.0
MIN_COUNT, MAX_COUNT = 2, 5
UNMET = ("not_met", "missing", "unknown_threshold")

MESSAGES: dict[str, tuple[str, str]] = {
    "slipped_in": ("bị tụt năm {year}", "slipped in {year}"),
    "slipped_since_rec": ("bị tụt so với năm được công nhận", "lost since the year of recognition"),
    "unmet": ("còn {n} chỉ tiêu chưa đạt ({codes})", "{n} indicator(s) not yet met ({codes})"),
    "missing": ("trong đó {n} chỉ tiêu thiếu số liệu", "{n} of them without data"),
    "covered": ("trung bình đã đạt {pct}% mức yêu cầu", "on average {pct}% of the way there"),
    "community": ("chủ yếu dựa vào cộng đồng", "mainly community effort"),
    "public": ("cần nguồn lực đầu tư công", "needs public investment"),
    "restore": ("khôi phục tiêu chí bị tụt", "recover a slipped criterion"),
    "item": ("Tiêu chí {n}: {name}", "Criterion {n}: {name}"),
    "focus_item": ("tiêu chí {n} {name}", "criterion {n} ({name})"),
    "p_restore": ("Năm {year}, {unit} phấn đấu khôi phục tiêu chí bị tụt theo bộ tiêu chí {base} ({items}).",
                  "In {year}, {unit} aims to recover the slipped {base} criteria ({items})."),
    "p_targets_first": ("Năm {year}, {unit} phấn đấu thực hiện đạt {n} tiêu chí {tier}, đó là ({items}); "
                        "tập trung chú trọng thực hiện đạt {focus}.",
                        "In {year}, {unit} aims to reach {n} {tier} criteria: ({items}); focusing on {focus}."),
    "p_targets": ("Phấn đấu thực hiện đạt {n} tiêu chí {tier}, đó là ({items}); tập trung chú trọng thực hiện đạt {focus}.",
                  "It also aims to reach {n} {tier} criteria: ({items}); focusing on {focus}."),
    "p_total": ("Nâng tổng số tiêu chí đạt từ {met}/{total} lên {new}/{total} tiêu chí.",
                "This raises the number of criteria met from {met}/{total} to {new}/{total}."),
    "p_all_met": ("Năm {year}, {unit} duy trì và nâng cao chất lượng {met}/{total} tiêu chí {tier} đã đạt.",
                  "In {year}, {unit} keeps and improves the {met}/{total} {tier} criteria already met."),
    "h_rank": ("TT", "Rank"), "h_tier": ("Hạng", "Tier"), "h_criterion": ("Tiêu chí", "Criterion"),
    "h_proposed": ("Đề xuất", "Proposed"), "h_score": ("Điểm", "Score"), "h_reasons": ("Lý do", "Reasons"),
    "yes": ("Có", "Yes"), "no": ("", ""), "restore_rank": ("khôi phục", "recover"),
    "score_note": ("Điểm càng thấp càng dễ đạt: số chỉ tiêu chưa đạt + {w_gap} × phần khoảng cách còn lại (0 đến 1) + "
                   "{w_res} × phần chỉ tiêu cần nguồn lực đầu tư công; tiêu chí bị tụt xếp trước; đề xuất các tiêu chí có "
                   "điểm dưới {cutoff} (2 đến 5 tiêu chí).",
                   "The lower the score, the easier the criterion: indicators not met + {w_gap} × share of the gap left "
                   "(0 to 1) + {w_res} × share of indicators needing public investment; slipped criteria come first; "
                   "criteria scoring below {cutoff} are proposed (2 to 5 of them)."),
    "p_nothing": ("Không có dữ liệu đánh giá tiêu chí {tier} để đề xuất mục tiêu.",
                  "No assessment of the {tier} criteria to propose targets from."),
}

RANK_COLUMNS = [
    "code", "year", "tier", "criterion", "role", "rank", "proposed", "slipped", "slipped_year", "n_unmet",
    "n_missing", "unmet", "gap_share", "community_share", "score", "reasons", "criteria_met", "criteria_total",
]


def _candidates(assessment: Any, catalogue: Catalogue, code: str, year: int, tier: str) -> pd.DataFrame:
    """Unmet criteria of ``tier`` in ``year`` with their unmet indicators, gap, resource and slip."""
    crit = assessment.criteria
    crit = as_text(crit[crit["code"].eq(code) & crit["tier"].eq(tier)])  # one unit: the ranked table's text is str
    now = crit[crit["year"].eq(year) & ~crit["status"].isin(["met", "not_applicable"])]
    ind = assessment.indicators
    ind = as_text(ind[ind["code"].eq(code) & ind["tier"].eq(tier) & ind["year"].eq(year) & ind["status"].isin(UNMET)])
    res = catalogue.indicators[["tier", "indicator", "resource"]].drop_duplicates(["tier", "indicator"])
    ind = ind.merge(res, on=["tier", "indicator"], how="left")
    ind = ind.assign(
        gap_share=(1.0 - ind["share_covered"]).where(ind["status"].eq("not_met")).fillna(1.0).clip(0.0, 1.0),
        community=ind["resource"].eq("community").fillna(False).astype(float),
        is_missing=ind["status"].ne("not_met"), has_share=ind["share_covered"].notna(),
    )
    agg = ind.groupby("criterion", as_index=False).agg(
        n_unmet=("indicator", "size"), n_missing=("is_missing", "sum"), gap_share=("gap_share", "mean"),
        community_share=("community", "mean"), any_share=("has_share", "any"),
        unmet=("indicator", lambda s: ", ".join(s.astype(str))))
    out = now[["code", "year", "tier", "criterion"]].merge(agg, on="criterion", how="left")
    out["n_unmet"] = out["n_unmet"].fillna(0).astype("int64")
    out["n_missing"] = out["n_missing"].fillna(0).astype("int64")
    out["gap_share"] = out["gap_share"].fillna(1.0)
    out["community_share"] = out["community_share"].fillna(0.0)
    out["any_share"] = out["any_share"].fillna(False).astype(bool)
    slips = crit[crit["year"].le(year) & crit["change"].eq("slipped").fillna(False)]
    slips = slips.groupby("criterion", as_index=False)["year"].max().rename(columns={"year": "slipped_year"})
    out = out.merge(slips, on="criterion", how="left")
    out["slipped_year"] = out["slipped_year"].astype("Int64")
    since = _since_recognition(assessment, code, year, tier)
    out["slipped"] = (out["slipped_year"].notna() | out["criterion"].isin(since)).astype(bool)
    out["score"] = out["n_unmet"] + W_GAP * out["gap_share"] + W_RESOURCE * (1.0 - out["community_share"])
    units = assessment.units
    summ = units[units["code"].eq(code) & units["tier"].eq(tier) & units["year"].eq(year)]
    out["criteria_met"] = int(summ["criteria_met"].iloc[0]) if len(summ) else pd.NA
    out["criteria_total"] = int(summ["criteria_total"].iloc[0]) if len(summ) else pd.NA
    return out.astype({"criteria_met": "Int64", "criteria_total": "Int64"})


def _since_recognition(assessment: Any, code: str, year: int, tier: str) -> set[int]:
    """Criterion numbers met at recognition and not met in ``year`` (units.slipped_since_recognition)."""
    u = assessment.units
    if "slipped_since_recognition" not in u:
        return set()
    row = u.loc[u["code"].eq(code) & u["tier"].eq(tier) & u["year"].eq(year), "slipped_since_recognition"]
    text = ",".join(str(x) for x in row.dropna())
    return {int(x) for x in text.replace(" ", "").split(",") if x.isdigit()}


def _reasons(c: pd.DataFrame, lang: str) -> list[str]:
    """One sentence per candidate row (few rows: a comprehension is clearer than vector string ops)."""
    out = []
    for r in c.itertuples(index=False):
        parts = []
        if r.slipped:
            parts.append(fmt(MESSAGES, "slipped_in", lang, year=r.slipped_year) if pd.notna(r.slipped_year)
                         else fmt(MESSAGES, "slipped_since_rec", lang))
        if r.n_unmet:
            parts.append(fmt(MESSAGES, "unmet", lang, n=r.n_unmet, codes=r.unmet))
        if r.n_missing:
            parts.append(fmt(MESSAGES, "missing", lang, n=r.n_missing))
        if r.any_share and r.gap_share < 1.0:
            parts.append(fmt(MESSAGES, "covered", lang, pct=int(round(100 * (1 - r.gap_share)))))
        parts.append(fmt(MESSAGES, "community" if r.community_share >= 0.5 else "public", lang))
        out.append("; ".join(parts))
    return out


def _standing(assessment: Any, code: str, year: int) -> pd.DataFrame:
    """The unit's rows of ``assessment.units`` in ``year``, one per tier assessed for it, with
    ``held`` = reached this year or recognised (a recognition in or before ``year``)."""
    u = assessment.units
    rows = u[u["code"].eq(code) & u["year"].eq(int(year))]
    reached = rows["reached"].fillna(False).astype(bool) if "reached" in rows else pd.Series(False, index=rows.index)
    recognised = rows["recognised"].notna() if "recognised" in rows else pd.Series(False, index=rows.index)
    return rows.assign(reached=reached, held=reached | recognised, lost=recognised & ~reached)


def default_target_tier(assessment: Any, catalogue: Catalogue, code: str, year: int) -> str | None:
    """The tier a unit's targets for ``year + 1`` are for, when no tier is asked for.

    Rule (issue 12, from the catalogue's tier order and ``requires``; one home for every command and
    report): among the tiers assessed for the unit in ``year`` (those of its level), the first in
    catalogue order that the unit does not hold and whose required tier it holds (or that requires
    none). A tier is *held* when it is reached in ``year`` or recognised (``recognitions.csv``, in or
    before ``year``): a unit that lost a recognised tier (criteria slipped since) still holds it, so
    its targets are for the next tier, and :func:`rank_targets` puts the unmet criteria of the lost
    tier first (``role = "restore"``); slipped criteria of other held tiers come first the same way.
    When every tier is held, the last one in order (targets: keep it). ``None`` when the unit has no
    assessment in ``year``.

    ``assessment``: an :class:`~ntm_analysis.assess.attainment.Assessment` (uses ``units``: ``code``,
    ``year``, ``tier``, ``reached``, ``recognised``). Example (sample, 2024, shipped catalogue):
    Trấn Yên, 11/19 NTM, never recognised → the NTM tier; Tân Lập, NTM reached, nâng cao 10/19 →
    nâng cao; Vũ Lăng, recognised NTM but 18/19 → nâng cao, NTM criterion 17 restored first; Hưng
    Vũ, nâng cao reached → kiểu mẫu.
    """
    rows = _standing(assessment, code, year)
    if rows.empty:
        return None
    tiers = [t for t in catalogue.tier_ids() if t in set(rows["tier"])]
    held = set(rows.loc[rows["held"], "tier"])
    requires = catalogue.requires()
    for tier in tiers:
        req = requires.get(tier)
        if tier not in held and (not req or req in held or req not in tiers):
            return tier
    open_ = [t for t in tiers if t not in held]
    return open_[0] if open_ else tiers[-1]


def required_chain(catalogue: Catalogue, tier: str) -> list[str]:
    """The tiers ``tier`` requires, directly or through others, lowest first."""
    requires, chain = catalogue.requires(), []
    cur = requires.get(tier)
    while cur and cur not in chain and cur != tier:
        chain.append(cur)
        cur = requires.get(cur)
    return chain[::-1]


def rank_targets(assessment: Any, catalogue: Catalogue, code: str, year: int, tier: str | None = None,
                 count: int | None = None, lang: str = "vi") -> pd.DataFrame:
    """Unmet criteria of ``tier`` in ``year`` ranked for the next year (``role = "target"``): slipped
    criteria first, then by score (fewer unmet indicators, smaller gaps, community resource; see
    docs/methods.md), ties by criterion number; ``proposed`` marks the first ``count`` (default: the
    plan's 2-5 rule: those scoring below ``SCORE_CUTOFF`` or slipped, at least 2, at most 5).
    ``tier`` defaults to :func:`default_target_tier`. Criteria of the tiers it requires come first as
    ``role = "restore"`` (rank 0, always proposed, outside the count): every unmet criterion of a
    recognised tier the unit lost, and the slipped criteria of the others (e.g. NTM criterion 1 for a
    commune working on nâng cao). ``reasons`` is a sentence in ``lang``. The tier used is in
    ``attrs["tier"]``. Columns: :data:`RANK_COLUMNS`."""
    check_lang(lang)
    if tier is None:
        tier = default_target_tier(assessment, catalogue, code, year) or (catalogue.tier_ids() or [""])[0]
    cand = _candidates(assessment, catalogue, code, year, tier)
    cand = cand.sort_values(["slipped", "score", "criterion"], ascending=[False, True, True]).reset_index(drop=True)
    cand["rank"] = np.arange(1, len(cand) + 1)
    if count is None:
        easy = int((cand["slipped"] | cand["score"].lt(SCORE_CUTOFF)).sum())
        count = min(max(easy, MIN_COUNT), MAX_COUNT)
    cand["proposed"] = cand["rank"].le(count)
    cand["role"] = "target"
    lost = set(_standing(assessment, code, year).query("lost")["tier"])
    parts = []
    for base in required_chain(catalogue, tier):
        restore = _candidates(assessment, catalogue, code, year, base)
        restore = restore[restore["slipped"] | (base in lost)].sort_values("criterion")
        parts.append(restore.assign(role="restore", rank=0, proposed=True))
    parts.append(cand)
    out = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else cand
    out["reasons"] = pd.Series(_reasons(out, lang), index=out.index, dtype="string")
    if len(out) and (out["role"] == "restore").any():
        restore_msg = fmt(MESSAGES, "restore", lang)
        out.loc[out["role"].eq("restore"), "reasons"] = restore_msg + "; " + out.loc[out["role"].eq("restore"), "reasons"]
    out = out.astype({"rank": "int64", "proposed": bool, "slipped": bool})[RANK_COLUMNS].reset_index(drop=True)
    u = assessment.units
    summ = u[u["code"].eq(code) & u["tier"].eq(tier) & u["year"].eq(year)]
    if len(summ):  # for the paragraph when nothing is left to rank
        out.attrs.update(criteria_met=int(summ["criteria_met"].iloc[0]), criteria_total=int(summ["criteria_total"].iloc[0]))
    out.attrs["tier"] = tier
    return out


def ranked_display(ranked: pd.DataFrame, catalogue: Catalogue, lang: str = "vi") -> pd.DataFrame:
    """Display table of :func:`rank_targets` with criterion names and headers in ``lang``."""
    check_lang(lang)
    names = {(t, n): name for t in ranked["tier"].unique() for n, name in criterion_names(catalogue, t, lang).items()}
    out = pd.DataFrame({
        "rank": np.where(ranked["role"].eq("restore"), fmt(MESSAGES, "restore_rank", lang), ranked["rank"].astype(str)),
        "tier": [tier_phrase(catalogue, t, lang, lower=False) for t in ranked["tier"]],
        "criterion": [f"{n}. {names.get((t, int(n)), '')}" for t, n in zip(ranked["tier"], ranked["criterion"])],
        "proposed": np.where(ranked["proposed"], fmt(MESSAGES, "yes", lang), fmt(MESSAGES, "no", lang)),
        "score": [number_label(v, lang) for v in ranked["score"]],
        "reasons": ranked["reasons"],
    })
    return out.rename(columns={c: fmt(MESSAGES, f"h_{c}", lang) for c in out.columns})


def criterion_names(catalogue: Catalogue, tier: str, lang: str) -> dict[int, str]:
    """Criterion number → name in ``lang`` for ``tier``."""
    c = catalogue.criteria[catalogue.criteria["tier"].eq(tier)]
    names = c["name_vi"] if lang == "vi" else c["name_en"].fillna(c["name_vi"])
    return dict(zip(c["criterion"].astype(int), names.astype(str)))


def tier_phrase(catalogue: Catalogue, tier: str, lang: str, lower: bool = True) -> str:
    t = catalogue.tiers[catalogue.tiers["tier"].eq(tier)]
    if t.empty:
        return tier
    name = str(t["name_vi"].iloc[0] if lang == "vi" else t["name_en"].iloc[0])
    return _lower_first(name) if lower else name


def score_note(lang: str = "vi") -> str:
    """What the score of :func:`rank_targets` means, for the line above the table (docs/methods.md)."""
    return fmt(MESSAGES, "score_note", lang, w_gap=number_label(W_GAP, lang), w_res=number_label(W_RESOURCE, lang),
               cutoff=number_label(SCORE_CUTOFF, lang))


def _lower_first(text: str) -> str:
    """"Y tế" → "y tế" as inside a sentence; acronyms such as "NTM" stay."""
    return text[:1].lower() + text[1:] if len(text) > 1 and not text[1].isupper() else text


def draft_paragraph(ranked: pd.DataFrame, catalogue: Catalogue, unit_name: str, year: int, tier: str | None = None,
                    lang: str = "vi") -> str:
    """Paragraph in the style of the seed plan's section I (e.g. "Năm 2024, xã Tân Lập phấn đấu thực
    hiện đạt 03 tiêu chí nông thôn mới nâng cao, đó là (...); tập trung chú trọng thực hiện đạt ...
    Nâng tổng số tiêu chí đạt từ 08/19 lên 11/19 tiêu chí."). ``year`` is the assessed year of
    ``ranked``; the paragraph is for ``year + 1``. Slipped criteria of the required tier come first;
    the focus is the two best-ranked targets; counts are written with two digits as in the plan.
    ``tier`` defaults to the tier :func:`rank_targets` ranked (``ranked.attrs["tier"]``)."""
    check_lang(lang)
    tier = tier or ranked.attrs.get("tier") or ""
    plan_year = int(year) + 1
    two = (lambda n: f"{int(n):02d}") if lang == "vi" else (lambda n: str(int(n)))
    sentences = []
    restore = ranked[ranked["role"].eq("restore")]
    for base in dict.fromkeys(restore["tier"].astype(str)):  # lowest tier first, one sentence each
        names = criterion_names(catalogue, base, lang)
        items = "; ".join(fmt(MESSAGES, "item", lang, n=n, name=names.get(int(n), ""))
                          for n in restore.loc[restore["tier"].eq(base), "criterion"])
        sentences.append(fmt(MESSAGES, "p_restore", lang, year=plan_year, unit=unit_name,
                             base=tier_phrase(catalogue, base, lang), items=items))
    targets = ranked[ranked["role"].eq("target") & ranked["proposed"]].sort_values("rank")
    tier_name = tier_phrase(catalogue, tier, lang)
    names = criterion_names(catalogue, tier, lang)
    info = ranked[ranked["role"].eq("target")]
    met, total = (info["criteria_met"].iloc[0], info["criteria_total"].iloc[0]) if len(info) else (pd.NA, pd.NA)
    if len(targets):
        items = "; ".join(fmt(MESSAGES, "item", lang, n=n, name=names.get(int(n), "")) for n in targets["criterion"])
        focus = ", ".join(fmt(MESSAGES, "focus_item", lang, n=n, name=_lower_first(names.get(int(n), "")))
                          for n in targets["criterion"].head(2))
        key = "p_targets" if sentences else "p_targets_first"
        sentences.append(fmt(MESSAGES, key, lang, year=plan_year, unit=unit_name, n=two(len(targets)),
                             tier=tier_name, items=items, focus=focus))
        if pd.notna(met) and pd.notna(total):
            sentences.append(fmt(MESSAGES, "p_total", lang, met=two(met), total=two(total),
                                 new=two(met + len(targets))))
    elif not sentences:
        met, total = ranked.attrs.get("criteria_met"), ranked.attrs.get("criteria_total")
        if total and met == total:
            sentences.append(fmt(MESSAGES, "p_all_met", lang, year=plan_year, unit=unit_name, met=two(met),
                                 total=two(total), tier=tier_name))
        else:
            sentences.append(fmt(MESSAGES, "p_nothing", lang, tier=tier_name))
    return " ".join(sentences)
