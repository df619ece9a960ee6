"""The content of a draft commune NTM plan for year Y+1, assembled from the assessment of year Y.

:func:`build_plan` returns a :class:`PlanContent`: plain text blocks in the order and register of the
reference plan (``seed-plan-tan-lap-2024.txt``): legal bases, I.1 general goal with the targets
paragraph of :func:`ntm_analysis.assess.targets.draft_paragraph`, I.2.1 the tier already reached and
its slipped criteria, I.2.2 the next tier criterion by criterion, the model residential areas, II and
III with placeholders, then the annex table. It decides nothing itself: targets come from
:func:`~ntm_analysis.assess.targets.rank_targets`, statuses and gaps from the assessment. Writing it
to Word is :mod:`ntm_analysis.plan.word`; showing it in a notebook is :mod:`ntm_analysis.plan.preview`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ntm_analysis.assess.targets import MESSAGES as TARGET_MESSAGES
from ntm_analysis.assess.targets import criterion_names, draft_paragraph, rank_targets, required_chain, tier_phrase
from ntm_analysis.catalogue.display import catalogue_banner
from ntm_analysis.catalogue.model import Catalogue
from ntm_analysis.errors import NtmError
from ntm_analysis.i18n import check_lang, fmt, pick, upper_first
from ntm_analysis.plan import annex as annex_mod
from ntm_analysis.plan.texts import MESSAGES, ORG_HEADINGS, TASK_HEADINGS, TASK_MODELS, TASK_TARGETS
from ntm_analysis.units import descendants, unit_label, unit_row

#: Words a legal basis's title starts with (sources that are plans or recollections are not bases).
LEGAL_WORDS = ("Luật", "Nghị quyết", "Nghị định", "Quyết định", "Thông tư", "Chỉ thị")

ERRORS: dict[str, tuple[str, str]] = {
    "no_rows": ("Không có kết quả đánh giá {tier} của {unit} năm {year}: kiểm tra số liệu năm {year} của đơn vị "
                "(values.csv) hoặc chọn --tier khác ({tiers}).",
                "No {tier} assessment of {unit} in {year}: check the unit's {year} values (values.csv) or choose "
                "another --tier ({tiers})."),
}


class PlanError(NtmError, ValueError):
    """A plan cannot be drafted from the data given (the message names the unit, year and fix)."""

    def __init__(self, message_vi: str, message_en: str, lang: str = "vi") -> None:
        super().__init__(message_vi, message_en)
        self.lang = lang


@dataclass(frozen=True)
class Block:
    """One paragraph of the plan body. ``style``: ``h1`` (I. MỤC TIÊU), ``h2`` (1. Mục tiêu chung),
    ``h3`` (2.1. ...), ``para``, ``item`` (a "- " line with a bold ``lead``), ``fill`` (a placeholder
    line). Text between square brackets is a placeholder."""

    style: str
    text: str
    lead: str = ""


@dataclass(frozen=True)
class PlanContent:
    """Everything the Word document and the preview show, already in one language."""

    lang: str
    code: str
    name: str
    year: int
    plan_year: int
    tier: str
    base_tier: str | None  # the tier ``tier`` requires directly (None: it requires none)
    header: dict[str, str]
    title: str
    subtitle: str
    notice: list[str]
    body: list[Block]
    recipients: list[str]
    signature: list[str]
    annex_head: str
    annex_title: str
    annex_sub: str
    annex_columns: list[str]
    annex: pd.DataFrame
    legend: list[str]
    facts: dict[str, Any] = field(default_factory=dict)


def _kind(row: pd.Series, lang: str) -> str:
    """"xã" / "commune" for sentences (the unit's type word, else its level)."""
    from ntm_analysis.i18n import LEVEL_LABELS, label  # noqa: PLC0415

    kind = row.get("type") if lang == "vi" else None
    if not isinstance(kind, str) or not kind.strip():
        kind = label(LEVEL_LABELS, str(row["level"]), lang)
    return kind.strip().lower()


def legal_bases(catalogue: Catalogue, tiers: list[str], lang: str = "vi") -> list[str]:
    """"Căn cứ <title>;" for each source the catalogue marks ``legal_basis: true`` (docs/catalogue.md),
    unless every indicator citing it belongs to another tier (QĐ 319 for a kiểu mẫu plan only), in the
    catalogue's order. A catalogue marking none: the sources cited by ``tiers`` whose title is a legal
    text (starts with one of :data:`LEGAL_WORDS`)."""
    ind = catalogue.indicators
    cited_here = set(ind.loc[ind["tier"].isin(tiers), "source"].dropna())
    cited = set(ind["source"].dropna())
    flagged = {sid for sid, src in catalogue.sources.items() if src.get("legal_basis") is True}
    out = []
    for sid, src in catalogue.sources.items():
        title = str(src.get("title") or "")
        keep = (sid in flagged and (sid in cited_here or sid not in cited)) if flagged else (
            sid in cited_here and title.startswith(LEGAL_WORDS))
        if keep:
            shown = title if lang == "vi" else str(src.get("title_en") or title)
            out.append(fmt(MESSAGES, "basis", lang, title=shown.rstrip(" ;.")))
    return out


def _model_areas(assessment: Any, catalogue: Catalogue, units: pd.DataFrame, code: str, year: int,
                 lang: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(recognised, in progress) model residential areas under ``code``, each as (short, long) text:
    "xóm X, thôn Y" and "xóm X (thôn Y), công nhận năm ..." / "..., đạt 4/5 tiêu chí", for every tier
    of the catalogue assessed below the commune level."""
    from ntm_analysis.maps.layers import model_areas  # noqa: PLC0415

    below = descendants(units, code, year)
    tiers = catalogue.tiers.loc[catalogue.tiers["unit_level"].isin(["village", "hamlet"]), "tier"]
    rec, prog = [], []
    for tier in tiers:  # usually one
        areas = model_areas(assessment.units, year, tier)
        areas = areas[areas["code"].isin(below)]
        summ = assessment.units[assessment.units["tier"].eq(tier) & assessment.units["year"].eq(year)].set_index("code")
        for a in areas.itertuples(index=False):  # a handful of hamlets
            row = unit_row(units, a.code, year)
            parent = units[units["code"].eq(row["parent_code"])]
            village = (f"{_kind(parent.iloc[-1], lang)} {parent['name'].iloc[-1]}" if len(parent) else "")
            hamlet = f"{_kind(row, lang)} {row['name']}"
            short = f"{hamlet}, {village}" if village else hamlet
            if a.model_status == "recognised":
                rec.append((short, fmt(MESSAGES, "model_recognised", lang, hamlet=hamlet, village=village,
                                       year=int(a.recognised))))
            else:
                prog.append((short, fmt(MESSAGES, "model_progress", lang, hamlet=hamlet, village=village,
                                        met=int(summ.at[a.code, "criteria_met"]),
                                        total=int(summ.at[a.code, "criteria_total"]))))
    return rec, prog


def _criterion_blocks(rows: pd.DataFrame, crit: pd.Series, lead_key: str, names: dict[int, str], year: int,
                      lang: str) -> tuple[str, list[str]]:
    """The lead ("Tiêu chí số 1 - Quy hoạch:") and the sentences on each unmet indicator of one criterion."""
    n = int(crit["criterion"])
    lead = fmt(MESSAGES, lead_key, lang, n=n, name=names.get(n, ""))
    held = rows[rows["criterion"].eq(n) & rows["status"].isin(["not_met", "missing", "unknown_threshold"])]
    return lead, [annex_mod.indicator_sentence(r, year, lang) for r in held.itertuples(index=False)]


def build_plan(assessment: Any, catalogue: Catalogue, units: pd.DataFrame, meta: dict[str, Any], code: str,
               year: int, tier: str, count: int | None = None, lang: str = "vi") -> PlanContent:
    """Assemble the draft plan of unit ``code`` for ``year + 1`` from the assessment of ``year``.

    ``assessment``: an :class:`~ntm_analysis.assess.attainment.Assessment` holding the unit (all
    years up to ``year`` for slippage); ``units``/``meta``: the dataset's units table and
    ``dataset.toml`` (name, ``synthetic``); ``tier``: the tier to propose targets in (the tiers it
    requires, e.g. NTM for nâng cao, are those "already reached" of sections I.2.1 ..., with their
    slipped criteria to recover; the annex covers all of them); ``count``: how many criteria to
    propose (default: the 2-5 rule of :func:`rank_targets`). Raises :class:`PlanError` when the
    assessment has no row for the unit, year and tier."""
    lang = check_lang(lang)
    year, plan = int(year), int(year) + 1
    summ = assessment.units[assessment.units["code"].eq(code) & assessment.units["year"].eq(year)]
    row = unit_row(units, code, year)
    name, kind = str(row["name"]), _kind(row, lang)
    ulabel = unit_label(units, code, year, lang)
    if summ[summ["tier"].eq(tier)].empty:
        tiers = ", ".join(sorted(set(summ["tier"])) or catalogue.tier_ids())
        raise PlanError(*(fmt(ERRORS, "no_rows", lg, tier=tier, unit=unit_label(units, code, year, lg), year=year,
                              tiers=tiers) for lg in ("vi", "en")), lang=lang)
    bases = [b for b in required_chain(catalogue, tier) if not summ[summ["tier"].eq(b)].empty]
    base = bases[-1] if bases else None
    tiers = [*bases, tier]
    ranked = rank_targets(assessment, catalogue, code, year, tier=tier, count=count, lang=lang)
    proposed = ranked[ranked["proposed"]]
    rows = annex_mod.indicator_rows(assessment, catalogue, code, year, tiers, lang)
    crit_all = assessment.criteria
    crit_all = crit_all[crit_all["code"].eq(code) & crit_all["year"].eq(year) & crit_all["tier"].isin(tiers)]
    tname = {t: tier_phrase(catalogue, t, lang) for t in tiers}
    names = {t: criterion_names(catalogue, t, lang) for t in tiers}
    period = f"{catalogue.meta.get('period_from')} - {catalogue.meta.get('period_to')}"
    cat_name = pick(catalogue.meta.get("name") or {"vi": catalogue.meta.get("id", "")}, lang)

    def t(key: str, **kw: Any) -> str:
        return fmt(MESSAGES, key, lang, **kw)

    two = (lambda k: f"{int(k):02d}") if lang == "vi" else (lambda k: str(int(k)))
    lead_kind = upper_first(kind) if lang == "vi" else kind  # "Xã tự rà soát ..." / "The commune assessed ..."
    body: list[Block] = [Block("para", b) for b in legal_bases(catalogue, tiers, lang)]
    body += [Block("para", t("basis_fill", unit=ulabel, year=plan)), Block("para", t("basis_close", unit=ulabel, year=plan))]
    # I.1 general goal
    body += [Block("h1", t("h_goals")), Block("h2", t("h_general")), Block("para", t("general", year=plan, unit=ulabel))]
    rec, prog = _model_areas(assessment, catalogue, units, code, year, lang)
    restore = proposed[proposed["role"].eq("restore")]
    goal = [t("goal_restore", year=plan, tier=tname[b]) for b in dict.fromkeys(restore["tier"].astype(str))]
    areas = ([t("models_progress", names="; ".join(a[0] for a in prog))] if prog else []) + (
        [t("models_recognised", names="; ".join(a[0] for a in rec))] if rec else [])
    if areas:
        goal.append(t("goal_models", areas="; ".join(areas)))
    if goal:
        body.append(Block("para", " ".join(goal)))
    n_ind = int(catalogue.indicators["tier"].eq(tier).sum())
    n_crit = int(catalogue.criteria["tier"].eq(tier).sum())
    body.append(Block("para", t("basis_counts", n_crit=n_crit, n_ind=n_ind, catalogue=cat_name) + " "
                      + draft_paragraph(ranked, catalogue, ulabel, year, tier, lang=lang)))
    # I.2 specific goals: the tier already reached, then the next one
    body.append(Block("h2", t("h_specific")))
    for i, tr in enumerate(tiers, start=1):
        s = summ[summ["tier"].eq(tr)].iloc[0]
        met, total = int(s["criteria_met"]), int(s["criteria_total"])
        dated = str(catalogue.meta.get("period_from")) in tname[tr]  # "… (2026-2030)": no second period
        body.append(Block("h3", t("h_tier_dated" if dated else "h_tier", i=i, tier=tname[tr], period=period)))
        crit = crit_all[crit_all["tier"].eq(tr)].sort_values("criterion")
        t_rows = rows[rows["tier"].eq(tr)]
        if tr != tier:
            slipped = set(restore.loc[restore["tier"].eq(tr), "criterion"].astype(int))
            body.append(Block("para", t("reached_line", kind=lead_kind, met=met, total=total,
                                        slipped=t("slipped_part", n=two(len(slipped))) if slipped else "")))
            unmet = crit[~crit["status"].isin(["met", "not_applicable"])]
            for key, part in (("slipped_intro", unmet[unmet["criterion"].isin(slipped)]),
                              ("unmet_intro", unmet[~unmet["criterion"].isin(slipped)])):
                if part.empty:
                    continue
                body.append(Block("para", t(key, kind=kind, tier=tname[tr])))
                for c in part.itertuples(index=False):  # a few criteria
                    lead, sentences = _criterion_blocks(t_rows, pd.Series(c._asdict()), "criterion_lead", names[tr], year, lang)
                    text = t("restore_text", n_met=int(c.n_met), n_ind=int(c.n_indicators), year=year, plan=plan)
                    body.append(Block("item", " ".join([text, *sentences]), lead))
                    body.append(Block("fill", t("solution")))
            continue
        targets = proposed[proposed["role"].eq("target")]
        body.append(Block("para", t("target_line" if len(targets) else "target_line_none", kind=lead_kind,
                                    met=met, total=total, tier=tname[tr], plan=plan, n=two(len(targets)))))
        resource = {int(r.criterion): r.community_share for r in targets.itertuples(index=False)}
        for c in crit.itertuples(index=False):  # ~19 criteria, criterion by criterion
            lead, sentences = _criterion_blocks(t_rows, pd.Series(c._asdict()), "criterion_lead_2", names[tr], year, lang)
            n = int(c.criterion)
            if c.status == "met":
                parts = [t("c_met", n_met=int(c.n_met), n_ind=int(c.n_indicators))]
            elif c.status == "not_applicable":
                parts = [t("c_na")]
            else:
                parts = [t("c_not_met", n_met=int(c.n_met), n_ind=int(c.n_indicators))]
                if c.change == "slipped":
                    parts.append(t("c_slipped", year=year))
                parts += sentences
                if n in resource:
                    res = fmt(TARGET_MESSAGES, "community" if resource[n] >= 0.5 else "public", lang)
                    parts.append(t("c_proposed", plan=plan, resource=res))
                else:
                    parts.append(t("c_later"))
            body.append(Block("item", " ".join(parts), lead))
            if n in resource:
                body.append(Block("fill", t("solution")))
    if rec or prog:
        body.append(Block("para", t("models_head")))
        if rec:
            body.append(Block("item", t("models_keep", names="; ".join(a[1] for a in rec))))
        if prog:
            body.append(Block("item", t("models_build", names="; ".join(a[1] for a in prog))))
    # II tasks and measures, III organisation: headings, a placeholder each; resources of the targets
    body.append(Block("h1", t("h_tasks")))
    fill = Block("fill", t("fill", kind=kind))
    for i, pair in enumerate(TASK_HEADINGS):
        models = pick(TASK_MODELS, lang) if catalogue.tiers["unit_level"].isin(["village", "hamlet"]).any() else ""
        body.append(Block("h2", f"{i + 1}. " + pick(pair, lang).format(tier=tname[tier], models=models)))
        body.append(fill)
        if i == TASK_TARGETS and len(proposed):
            body.append(Block("para", t("proposed_intro", plan=plan)))
            for r in proposed.itertuples(index=False):  # 2-5 criteria plus slipped ones
                res = fmt(TARGET_MESSAGES, "community" if r.community_share >= 0.5 else "public", lang)
                n_unmet = int(r.n_unmet)
                body.append(Block("item", t("resource_line", resource=upper_first(res), n_unmet=n_unmet,
                                            n_comm=int(round(r.community_share * n_unmet))),
                                  f"{upper_first(tname[r.tier])}, "
                                  + t("criterion_lead_2", n=int(r.criterion), name=names[r.tier].get(int(r.criterion), ""))))
    body.append(Block("h1", t("h_org")))
    for i, pair in enumerate(ORG_HEADINGS):
        body.append(Block("h2", f"{i + 1}. " + pick(pair, lang).format(kind=kind)))
        body.append(fill)
    body.append(Block("para", t("closing", year=plan)))
    return _assemble(assessment, catalogue, units, meta, code, year, tier, base, lang, name, kind, ulabel, row,
                     body, rows, crit_all, summ, proposed, tname, names)


def _assemble(assessment: Any, catalogue: Catalogue, units: pd.DataFrame, meta: dict[str, Any], code: str, year: int,
              tier: str, base: str | None, lang: str, name: str, kind: str, ulabel: str, row: pd.Series,
              body: list[Block], rows: pd.DataFrame, crit_all: pd.DataFrame, summ: pd.DataFrame,
              proposed: pd.DataFrame, tname: dict[str, str], names: dict[str, dict[int, str]]) -> PlanContent:
    """Header, notice, closing parts and the annex around the body."""
    plan = year + 1

    def t(key: str, **kw: Any) -> str:
        return fmt(MESSAGES, key, lang, **kw)

    parent = units[units["code"].eq(row.get("parent_code"))]
    parent_label = unit_label(units, str(parent["code"].iloc[-1]), year, lang) if len(parent) else ""
    header = {"body_parent": t("body_parent"), "body_unit": t("body_unit", kind=kind, name=name).upper(),
              "number": t("number"), "motto_1": t("motto_1"), "motto_2": t("motto_2"),
              "place_date": t("place_date", place=name, year=plan)}
    used = rows[rows["status"].ne("not_applicable")]
    unverified = int(used["threshold_status"].ne("verified").sum())
    notice = [t("notice_source", year=year, dataset=str(meta.get("name" if lang == "vi" else "name_en")
                                                        or meta.get("name") or ""),
                catalogue=pick(catalogue.meta.get("name") or {"vi": catalogue.meta.get("id", "")}, lang),
                version=catalogue.meta.get("version", ""))]
    if catalogue_banner(catalogue, lang):  # e.g. the provisional 2026-2030 levels
        notice.insert(0, catalogue_banner(catalogue, lang))
    if meta.get("synthetic"):
        notice.append(t("notice_synthetic"))
    if unverified:
        notice.append(t("notice_unverified", n=unverified, total=len(used)))
    by = str(catalogue.meta.get("threshold_by") or "")
    if by and by != "region" and by in row and pd.notna(row.get(by)):
        notice.append(t("notice_group", group=t("group_name", group=row.get(by))))
    vt = pd.to_numeric(pd.Series([row.get("valid_to")]), errors="coerce").iloc[0]
    succ = row.get("successor_code")
    if pd.notna(vt) and int(vt) < plan and isinstance(succ, str) and succ and (units["code"] == succ).any():
        notice.append(t("notice_successor", year=int(vt) + 1, unit=ulabel,
                        successor=unit_label(units, succ, int(vt) + 1, lang)))
    notice.append(t("notice_fill"))
    keys = {(str(r.tier), int(r.criterion)) for r in proposed.itertuples(index=False)}
    crit_names = {(tr, n): nm for tr, d in names.items() for n, nm in d.items()}
    table = annex_mod.annex_table(rows, crit_all, summ, keys, {k: upper_first(v) for k, v in tname.items()},
                                  crit_names, year, lang)
    facts = {
        "criteria": {tr: (int(summ.loc[summ["tier"].eq(tr), "criteria_met"].iloc[0]),
                          int(summ.loc[summ["tier"].eq(tr), "criteria_total"].iloc[0])) for tr in tname},
        "restore": [int(c) for c in proposed.loc[proposed["role"].eq("restore"), "criterion"]],
        "targets": [int(c) for c in proposed.loc[proposed["role"].eq("target"), "criterion"]],
        "unverified": unverified, "synthetic": bool(meta.get("synthetic")),
    }
    return PlanContent(
        lang=lang, code=code, name=name, year=year, plan_year=plan, tier=tier, base_tier=base, header=header,
        title=t("title"), subtitle=t("subtitle", unit=ulabel, year=plan), notice=notice, body=body,
        recipients=[t("recipients"), *t("recipient_lines", parent=parent_label, unit=ulabel).split("|")],
        signature=[t("sign_1"), t("sign_2"), t("sign_name")],
        annex_head=t("annex_head"), annex_title=t("annex_title", year=year, plan=plan, unit=ulabel),
        annex_sub=t("annex_sub", plan=plan, unit=ulabel), annex_columns=annex_mod.annex_headers(year, plan, lang),
        annex=table, legend=annex_mod.legend(used, plan, lang), facts=facts)
