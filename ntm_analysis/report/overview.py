"""The sections of the parent overview (``parent_overview`` notebook): a province's or a district's
communes in the report's year: summary, commune × criterion matrix, ranking, tiers reached over the
years, map of communes and slipped criteria. Each is one notebook call; shared helpers and messages
are in ``sections.py``, headings and tables in ``views.py``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ntm_analysis.io.columnar import as_text
from ntm_analysis.report import charts
from ntm_analysis.report.sections import commune_tiers, is_synthetic, t, unit_map
from ntm_analysis.report.views import MESSAGES as VIEW_MESSAGES
from ntm_analysis.report.views import ReportContext, markdown, styled, tier_name
from ntm_analysis.units import display_name, expand


def communes_in_year(ctx: ReportContext) -> list[str]:
    """Codes of the commune-level units under the context's unit valid in the year, with or without data."""
    u = ctx.units
    return expand(u, ctx.code, ctx.year, level="commune")


def communes_of(ctx: ReportContext) -> dict[str, str]:
    """Commune-level units under the context's unit (a district) with values in the year: code → name."""
    u = ctx.units
    from ntm_analysis.io.names import sort_key, split_type  # noqa: PLC0415

    has = set(ctx.dataset.values.loc[ctx.dataset.values["year"].eq(ctx.year), "code"])
    names = {c: display_name(u, c, ctx.year) for c in expand(u, ctx.code, ctx.year, level="commune") if c in has}
    return dict(sorted(names.items(), key=lambda kv: sort_key(split_type(kv[1])[1])))  # Vietnamese order


def district_summary(ctx: ReportContext) -> Any:
    """'Huyện Bắc Sơn 2024: 17/18 xã có dữ liệu', then per tier the communes that meet every criterion
    this year beside those recognised (a recognised commune may be at 18/19 this year)."""
    from ntm_analysis.report.views import Summary  # noqa: PLC0415

    communes = communes_of(ctx)
    u = ctx.assessment.units
    u = as_text(u[u["code"].isin(communes) & u["year"].eq(ctx.year)])
    recognised = u["recognised"].notna() & (u["recognised"].fillna(9999).astype(int) <= ctx.year)
    parts = [t(ctx, "tier_counts", tier=name, reached=int((u["reached"].astype(bool) & u["tier"].eq(tier)).sum()),
               recognised=int((recognised & u["tier"].eq(tier)).sum()), year=ctx.year)
             for tier, name in commune_tiers(ctx).items()]
    head = t(ctx, "district_head", name=ctx.name, year=ctx.year, n=len(communes), total=len(communes_in_year(ctx)))
    return Summary([head] + parts)


def matrix_chart(ctx: ReportContext, tier: str) -> Any:
    """Commune × criterion heat map for ``tier``."""
    fig = charts.criteria_matrix(ctx.assessment.criteria, communes_of(ctx), ctx.year, tier, tier_name(ctx, tier),
                                 ctx.lang, is_synthetic(ctx))
    return charts.to_image(fig, caption=charts.caption("cap_matrix", ctx.lang, tier=tier_name(ctx, tier), year=ctx.year))


def ranking(ctx: ReportContext) -> Any:
    """Communes ranked by criteria met (NTM, then nâng cao), with tiers reached and slips; under a
    group-based catalogue each commune's group (``scorecard.group_label``)."""
    communes = communes_of(ctx)
    u = ctx.assessment.units
    u = as_text(u[u["code"].isin(communes) & u["year"].eq(ctx.year)])
    tiers = commune_tiers(ctx)
    wide = u.pivot_table(index="code", columns="tier", values="criteria_met", aggfunc="first")
    total = u.pivot_table(index="code", columns="tier", values="criteria_total", aggfunc="first")
    reached = u[u["reached"].astype(bool)].groupby("code")["tier"].agg(list)
    from ntm_analysis.report.scorecard import tier_label  # noqa: PLC0415

    slip = u[u["slipped"].fillna("").astype(str).ne("")]
    slip = slip.assign(text=[f"{tier_label(ctx.assessment, tr, ctx.lang)}: {x}" for tr, x in zip(slip["tier"], slip["slipped"])])
    slipped = slip.groupby("code")["text"].agg("; ".join)
    keys = [tier for tier in tiers if tier in wide.columns]
    wide = wide.reindex(list(communes)).sort_values(keys, ascending=False, kind="stable")  # ties: Vietnamese order
    out = pd.DataFrame({t(ctx, "rank"): range(1, len(wide) + 1), t(ctx, "commune"): [communes[c] for c in wide.index]})
    from ntm_analysis.report.scorecard import group_label  # noqa: PLC0415

    groups = [group_label(ctx.assessment, c, ctx.year, ctx.lang) for c in wide.index]
    if any(groups):  # thresholds by commune group (QĐ 51): each commune's group beside its counts
        out[t(ctx, "group")] = groups
    for tier in keys:
        out[tiers[tier]] = [f"{int(wide.loc[c, tier])}/{int(total.loc[c, tier])}" for c in wide.index]
    best = [max((tiers[x] for x in reached.get(c, []) if x in tiers), key=list(tiers.values()).index, default="")
            for c in wide.index]
    out[t(ctx, "reached")] = best
    rec = u[u["recognised"].notna() & (u["recognised"].fillna(9999).astype(int) <= ctx.year)]
    rec = rec.groupby("code")["tier"].agg(list)
    out[t(ctx, "recognised")] = [
        max((tiers[x] for x in rec.get(c, []) if x in tiers), key=list(tiers.values()).index, default="")
        for c in wide.index]
    out[t(ctx, "slipped")] = [slipped.get(c, "") for c in wide.index]
    return styled(out)


def tier_counts_chart(ctx: ReportContext) -> Any:
    """Communes reaching each tier per year, up to the report's year (a report shows no later year)."""
    upto = ctx.assessment.units[ctx.assessment.units["year"].le(ctx.year)]
    fig = charts.tier_counts(upto, list(communes_of(ctx)), commune_tiers(ctx), ctx.lang,
                             is_synthetic(ctx))
    return charts.to_image(fig, caption=charts.caption("cap_tiers", ctx.lang))


def commune_map(ctx: ReportContext) -> Any:
    """Criteria met per commune of the district (the catalogue's map tier of communes)."""
    return unit_map(ctx, "commune", ctx.code)


def slipped_communes(ctx: ReportContext) -> Any:
    """Communes with a criterion that slipped in ``year``, per tier, with the criteria named."""
    from ntm_analysis.i18n import CHANGE_LABELS, label  # noqa: PLC0415

    communes = communes_of(ctx)
    c = ctx.assessment.criteria
    c = as_text(c[c["code"].isin(communes) & c["year"].eq(ctx.year) & c["change"].eq("slipped")])
    if c.empty:
        return markdown(t(ctx, "no_slips", year=ctx.year))
    names = ctx.catalogue.criteria.set_index(["tier", "criterion"])[f"name_{ctx.lang}"]
    out = pd.DataFrame({
        t(ctx, "commune"): [communes[x] for x in c["code"]],
        VIEW_MESSAGES["col_tier"][0 if ctx.lang == "vi" else 1]: [tier_name(ctx, x) for x in c["tier"]],
        VIEW_MESSAGES["col_criterion"][0 if ctx.lang == "vi" else 1]:
            [f"{n}. {names.get((tr, n), '')}" for tr, n in zip(c["tier"], c["criterion"])],
        VIEW_MESSAGES["col_change"][0 if ctx.lang == "vi" else 1]: [label(CHANGE_LABELS, "slipped", ctx.lang)] * len(c),
    })
    return styled(out)
