"""Report sections that combine a figure or a table from the analysis modules (charts, maps,
targets, trends) with the report context; each is one notebook call. See ``views.py`` for the
headings and the commune tables, ``overview.py`` for the sections of the parent (province or
district) overview."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ntm_analysis.report import charts
from ntm_analysis.io.columnar import as_text
from ntm_analysis.units import descendants, display_name, name_in_year, unit_row, valid_in
from ntm_analysis.report.views import MESSAGES as VIEW_MESSAGES
from ntm_analysis.report.views import ReportContext, markdown, number, styled, tier_name, unit_tiers

MESSAGES: dict[str, tuple[str, str]] = {
    "no_boundaries": ("Bộ dữ liệu không có lớp ranh giới cấp {level}: không vẽ được bản đồ.",
                      "The dataset has no {level} boundary layer: no map drawn."),
    "map_failed": ("Không vẽ được bản đồ: {error}", "Map not drawn: {error}"),
    "all_met": ("Mọi chỉ tiêu định lượng của {tier} đều đạt năm {year}.", "Every numeric indicator of {tier} is met in {year}."),
    "no_targets": ("Không còn tiêu chí nào của {tier} chưa đạt năm {year}.", "No criterion of {tier} left unmet in {year}."),
    "rank": ("Thứ hạng", "Rank"),
    "district_head": ("{name} năm {year}: {n}/{total} xã có dữ liệu", "{name}, {year}: {n} of {total} communes with data"),
    "tier_counts": ("{tier}: {reached} xã đạt đủ tiêu chí năm {year}; {recognised} xã đã được công nhận",
                    "{tier}: {reached} communes meet every criterion in {year}; {recognised} recognised"),
    "commune": ("Xã", "Commune"),
    "met": ("Tiêu chí đạt", "Criteria met"),
    "reached": ("Đạt đủ tiêu chí năm nay", "Meets every criterion this year"),
    "slipped": ("Bị tụt", "Slipped"),
    "yes": ("Có", "Yes"),
    "no_slips": ("Không xã nào có tiêu chí bị tụt năm {year}.", "No commune has a slipped criterion in {year}."),
    "no_hamlets": ("Không có xóm nào được đánh giá khu dân cư kiểu mẫu.", "No hamlet assessed as a model residential area."),
    "hamlet": ("Xóm", "Hamlet"),
    "village": ("Thôn", "Village"),
    "recognised": ("Công nhận", "Recognised"),
    "status": ("Tình trạng", "Status"),
    "model_recognised": ("Đã công nhận", "Recognised"),
    "model_in_progress": ("Đang duy trì, nâng cao", "Being brought up to standard"),
    "model_other": ("Chưa đạt", "Not yet"),
    "no_village_indicators": ("Không có chỉ tiêu cấp thôn nào cho {tier}.", "No village-level indicator in {tier}."),
    "plan_year": ("Năm kế hoạch: {plan}.", "Plan year: {plan}."),
    "map_criteria_commune": ("số tiêu chí {tier} đạt của từng xã thuộc {name}",
                             "{tier} criteria met by each commune of {name}"),
    "map_criteria_village": ("số tiêu chí {tier} đạt của từng thôn, xóm thuộc {name}",
                             "{tier} criteria met by each village and hamlet of {name}"),
    "map_criteria_hamlet": ("số tiêu chí {tier} đạt của từng xóm thuộc {name}", "{tier} criteria met by each hamlet of {name}"),
    "map_indicator_commune": ("chỉ tiêu {indicator} ({tier}) của từng xã thuộc {name}",
                              "indicator {indicator} ({tier}) in each commune of {name}"),
    "map_indicator_village": ("chỉ tiêu {indicator} ({tier}) của từng thôn thuộc {name}, so với ngưỡng của xã",
                              "indicator {indicator} ({tier}) in each village of {name}, against the commune threshold"),
    "map_indicator_hamlet": ("chỉ tiêu {indicator} ({tier}) của từng xóm thuộc {name}",
                             "indicator {indicator} ({tier}) in each hamlet of {name}"),
    "plan_before_year": ("Năm kế hoạch {plan} trước năm báo cáo {year}: năm kế hoạch phải từ {year} trở đi.",
                         "Plan year {plan} is before the report year {year}: the plan year must be {year} or later."),
    "hidden": ("({n} chỉ tiêu đã đạt không hiện.)", "({n} indicators already met not shown.)"),
    "series_split": ("Từ năm {year}, {name} được chia cho nhiều đơn vị mới ({codes}): số liệu của đơn vị không chia được, "
                     "chuỗi số liệu dừng ở đây (không ước đoán phần của từng đơn vị mới).",
                     "From {year}, {name} was split between several new units ({codes}): its values cannot be divided, "
                     "so its series ends here (no share is guessed for each new unit)."),
    "series_text": ("Từ năm {year}, {name} thuộc {successor} ({code}), gồm: {members}. Chuỗi số liệu của đơn vị mới "
                    "qua các năm trước: {combined} chỉ tiêu ghép được (cộng tử số và mẫu số, hoặc cộng dồn), {broken} "
                    "chỉ tiêu bị gián đoạn vì không cộng gộp được; chỉ tiêu cấp thôn được tổng hợp lại từ các thôn.",
                    "From {year}, {name} is part of {successor} ({code}), formed from: {members}. The new unit's series "
                    "over earlier years: {combined} indicators combined (numerators and denominators, or sums), {broken} "
                    "broken because they cannot be combined; village-level indicators roll up again from the villages."),
    "group": ("Nhóm xã", "Commune group"),
    "series_formed": ("{name} được thành lập năm {year}, gồm: {members}. Chuỗi số liệu các năm trước của đơn vị: "
                      "{combined} chỉ tiêu ghép được từ các đơn vị cũ (cộng tử số và mẫu số, hoặc cộng dồn), {broken} chỉ "
                      "tiêu bị gián đoạn vì không cộng gộp được (xem lệnh ntm trends).",
                      "{name} was formed in {year} from: {members}. Its series over the earlier years: {combined} "
                      "indicators combined from the former units (numerators and denominators added, or sums), "
                      "{broken} broken because they cannot be combined (see ntm trends)."),
    "series_none": ("Đơn vị không có đơn vị tiền thân hay kế tục nào trong bộ dữ liệu.",
                    "The unit has no predecessor or successor in the dataset."),
}


def error_text(exc: BaseException, lang: str) -> str:
    """An error's message in ``lang``: ``render(lang)`` or ``message(lang)`` of the package's errors,
    else the exception's text (never the other language's message)."""
    for method in ("render", "message"):
        fn = getattr(exc, method, None)
        if callable(fn):
            try:
                return _escape(str(fn(lang)))
            except TypeError:
                continue
    return _escape(str(exc))


def _escape(text: str) -> str:
    from ntm_analysis.report.views import escape_md  # noqa: PLC0415

    return escape_md(text)


def t(ctx: ReportContext, key: str, **kwargs: object) -> str:
    """This module's message ``key`` in the report's language."""
    from ntm_analysis.i18n import fmt  # noqa: PLC0415

    return fmt(MESSAGES, key, ctx.lang, **kwargs)


def commune_tiers(ctx: ReportContext) -> dict[str, str]:
    """The catalogue's commune tiers in order: id → name in the report's language."""
    tiers = ctx.catalogue.tiers
    commune = tiers[tiers["unit_level"].eq("commune")].sort_values("order")["tier"]
    return {tier: tier_name(ctx, tier) for tier in commune}


def is_synthetic(ctx: ReportContext) -> bool:
    """Whether the dataset says it is synthetic (figures then carry the warning)."""
    return bool(ctx.dataset.meta.get("synthetic"))


# --- commune report --------------------------------------------------------------------------


def history_chart(ctx: ReportContext) -> Any:
    """Criteria met per tier over the years, slipped years ringed; when the years up to the report's
    cross a change of criteria set (2025 → 2026), one panel per set with the break marked
    (``assess.periods.units_across_periods``)."""
    from ntm_analysis.catalogue.periods import period_notice  # noqa: PLC0415

    tiers = {k: v for k, v in commune_tiers(ctx).items() if k in unit_tiers(ctx)}
    upto = ctx.assessment.units[ctx.assessment.units["year"].le(ctx.year)]  # a report shows no later year
    periods = None
    earlier = [int(y) for y in ctx.dataset.values["year"].unique() if int(y) <= ctx.year]
    if period_notice(ctx.dataset.meta, ctx.catalogue, earlier, ctx.lang):
        from ntm_analysis.assess.periods import units_across_periods  # noqa: PLC0415

        upto, cats = units_across_periods(ctx.dataset, ctx.code, ctx.year, lang=ctx.lang)
        periods = []
        for cat in cats:
            rows = cat.tiers[cat.tiers["unit_level"].eq("commune")].sort_values("order")
            shown = set(upto.loc[upto["catalogue"].eq(cat.meta["id"]), "tier"])
            names = {str(k): str(v) for k, v in zip(rows["tier"], rows[f"name_{ctx.lang}"]) if k in shown}
            title = charts.caption("period_panel", ctx.lang, lo=cat.meta.get("period_from"),
                                   hi=cat.meta.get("period_to"), n=cat.criteria["criterion"].nunique())
            periods.append((str(cat.meta["id"]), title, names))
    fig = charts.criteria_history(upto, ctx.code, ctx.name, tiers, ctx.lang, is_synthetic(ctx), periods=periods)
    return charts.to_image(fig, caption=charts.caption("cap_history", ctx.lang, name=ctx.name))


def indicator_trend_chart(ctx: ReportContext, tier: str | None = None) -> Any:
    """The numeric indicators of ``tier`` (default :func:`target_tier`) not met this year, their
    values over the years and threshold."""
    tier = tier or target_tier(ctx)
    names = ctx.catalogue.indicators
    names = names[names["tier"].eq(tier)].set_index("indicator")[f"name_{ctx.lang}"].to_dict()
    upto = ctx.assessment.indicators[ctx.assessment.indicators["year"].le(ctx.year)]
    from ntm_analysis.i18n import unit_label  # noqa: PLC0415

    cat_ind = ctx.catalogue.indicators[ctx.catalogue.indicators["tier"].eq(tier)]
    measure_unit = ctx.catalogue.measures.set_index("measure")["unit"]
    units = {i: unit_label(measure_unit.get(m, ""), ctx.lang) for i, m in zip(cat_ind["indicator"], cat_ind["measure"])}
    fig = charts.indicator_trends(upto, ctx.code, ctx.year, tier, ctx.name, tier_name(ctx, tier), names, ctx.lang,
                                  synthetic=is_synthetic(ctx), indicator_units=units)
    if fig is None:
        return markdown(t(ctx, "all_met", tier=tier_name(ctx, tier), year=ctx.year))
    return charts.to_image(fig, caption=charts.caption("cap_trends", ctx.lang, tier=tier_name(ctx, tier), year=ctx.year))


def unit_map(ctx: ReportContext, level: str, code: str | None, tier: str | None = None,
         indicator: str | None = None, village_rows: pd.DataFrame | None = None) -> Any:
    """A map of ``level`` units under ``code`` drawn by ``maps.compose.make_map`` (lower dpi for HTML);
    ``village_rows`` (``assess.assess_villages``) for a village map of a commune tier's indicator."""
    from ntm_analysis.maps.boundaries import load_layers  # noqa: PLC0415
    from ntm_analysis.maps.compose import make_map  # noqa: PLC0415
    from ntm_analysis.maps.layers import map_levels  # noqa: PLC0415

    try:
        tier_id, fill = map_levels(ctx.catalogue, level, tier, indicator)
        layers = load_layers([fill, level], ctx.dataset.meta.get("boundaries"), ctx.dataset.path,
                             province=ctx.dataset.meta.get("province"))
        if fill not in layers or level not in layers:
            return markdown(t(ctx, "no_boundaries", level=level))
        source = ctx.dataset.meta.get("name_en" if ctx.lang == "en" else "name") or ""
        result = make_map(ctx.assessment, ctx.units, layers, ctx.year, level=level, tier=tier_id,
                          indicator=indicator, unit=code, lang=ctx.lang, synthetic=is_synthetic(ctx), source=source,
                          province=ctx.dataset.meta.get("province"), village_rows=village_rows)
    except Exception as exc:  # noqa: BLE001 - a map problem must not lose the rest of the report
        return markdown(t(ctx, "map_failed", error=error_text(exc, ctx.lang)))
    what = t(ctx, f"map_{'indicator' if indicator else 'criteria'}_{level}", indicator=indicator or "",
             tier=tier_name(ctx, tier_id), name=ctx.name)
    return charts.to_image(result.figure, dpi=90, caption=charts.caption("cap_map", ctx.lang, what=what, year=ctx.year),
                           kind="map")


def model_area_tier(ctx: ReportContext) -> str | None:
    """The tier of model residential areas: the catalogue's map tier of villages when it assesses
    hamlets (``map_tiers``), else None (the catalogue has no such tier)."""
    tier = ctx.catalogue.map_tier("village")
    return tier if ctx.catalogue.tier_levels().get(tier) == "hamlet" else None


def village_map(ctx: ReportContext) -> Any:
    """The unit's villages and hamlets, model residential areas highlighted by name; for a commune
    without assessed hamlets, its villages on the village-level indicator of the communes' map tier
    (:func:`indicator_map_tier`) most of them miss."""
    from ntm_analysis.assess.attainment import assess_villages  # noqa: PLC0415

    below = descendants(ctx.units, ctx.code, ctx.year)
    u = ctx.assessment.units
    model = model_area_tier(ctx)
    if model and (u["code"].isin(below) & u["tier"].eq(model) & u["year"].eq(ctx.year)).any():
        return unit_map(ctx, "village", ctx.code, tier=model)
    tier = indicator_map_tier(ctx)
    try:
        rows = assess_villages(ctx.dataset, ctx.catalogue, tier, years=ctx.year, units=ctx.code, lang=ctx.lang)
    except Exception as exc:  # noqa: BLE001 - a map problem must not lose the rest of the report
        return markdown(t(ctx, "map_failed", error=error_text(exc, ctx.lang)))
    if rows.empty:
        return unit_map(ctx, "village", ctx.code) if model else markdown(t(ctx, "no_village_indicators", tier=tier_name(ctx, tier)))
    short = as_text(rows[rows["status"].eq("not_met")]).groupby("indicator", sort=False).size()  # catalogue order
    code = str(short.idxmax()) if len(short) else str(rows["indicator"].iloc[0])
    return unit_map(ctx, "village", ctx.code, tier=tier, indicator=code, village_rows=rows)


def target_tier(ctx: ReportContext) -> str | None:
    """The tier the report's targets are for: the report's ``tier`` parameter when given, else the
    rule of :func:`ntm_analysis.assess.targets.default_target_tier` (next tier not reached)."""
    from ntm_analysis.assess.targets import default_target_tier  # noqa: PLC0415

    return ctx.tier or default_target_tier(ctx.assessment, ctx.catalogue, ctx.code, ctx.year)


def targets_view(ctx: ReportContext, tier: str | None = None) -> Any:
    """Ranked criteria of ``tier`` (default :func:`target_tier`) the unit could reach next year,
    with their reasons; criteria of lower tiers to restore first."""
    from ntm_analysis.assess.targets import rank_targets, ranked_display, score_note  # noqa: PLC0415

    tier = tier or target_tier(ctx)
    ranked = rank_targets(ctx.assessment, ctx.catalogue, ctx.code, ctx.year, tier, lang=ctx.lang)
    if ranked.empty:
        return markdown(t(ctx, "no_targets", tier=tier_name(ctx, tier), year=ctx.year))
    from IPython.display import display  # noqa: PLC0415

    display(markdown(score_note(ctx.lang)))
    return styled(ranked_display(ranked, ctx.catalogue, ctx.lang))


def draft_view(ctx: ReportContext, tier: str | None = None) -> Any:
    """The draft paragraph for next year's plan (style of the plan's section I.2), to paste; for
    ``tier`` (default :func:`target_tier`)."""
    from ntm_analysis.assess.targets import draft_paragraph, rank_targets  # noqa: PLC0415

    tier = tier or target_tier(ctx)
    ranked = rank_targets(ctx.assessment, ctx.catalogue, ctx.code, ctx.year, tier, lang=ctx.lang)
    name = name_in_year(ctx.units, ctx.code, ctx.year)  # a reused code: the name of that year
    text = draft_paragraph(ranked, ctx.catalogue, str(name), ctx.year, tier, ctx.lang)
    from ntm_analysis.report.views import escape_md  # noqa: PLC0415

    return markdown("> " + escape_md(text).replace("\n", "\n> "))


# --- village map -----------------------------------------------------------------------------


def model_areas_table(ctx: ReportContext, tier: str | None = None) -> Any:
    """Hamlets of the unit assessed as model residential areas (``tier``, default
    :func:`model_area_tier`): criteria met, recognised, status."""
    from ntm_analysis.maps.layers import model_areas  # noqa: PLC0415

    tier = tier or model_area_tier(ctx)
    below = descendants(ctx.units, ctx.code)
    u = ctx.assessment.units
    u = as_text(u[u["code"].isin(below) & u["year"].eq(ctx.year) & u["tier"].eq(tier)])
    if u.empty:
        return markdown(t(ctx, "no_hamlets"))
    status = model_areas(ctx.assessment.units, ctx.year, tier).set_index("code")["model_status"]
    label_of = {"recognised": t(ctx, "model_recognised"), "in_progress": t(ctx, "model_in_progress")}
    u = u.assign(_s=u["code"].map(status).map({"recognised": 0, "in_progress": 1}).fillna(2)).sort_values(
        ["_s", "criteria_met"], ascending=[True, False])
    out = pd.DataFrame({
        t(ctx, "hamlet"): [name_in_year(ctx.units, c, ctx.year) for c in u["code"]],
        t(ctx, "village"): [name_in_year(ctx.units, str(unit_row(ctx.units, c, ctx.year)["parent_code"]), ctx.year)
                            for c in u["code"]],
        VIEW_MESSAGES["col_met"][0 if ctx.lang == "vi" else 1]:
            (u["criteria_met"].astype(str) + "/" + u["criteria_total"].astype(str)).to_numpy(),
        t(ctx, "recognised"): ["" if pd.isna(r) else str(int(r)) for r in u["recognised"]],
        t(ctx, "status"): [label_of.get(status.get(c, ""), t(ctx, "model_other")) for c in u["code"]],
    })
    return styled(out)


def hamlet_map(ctx: ReportContext) -> Any:
    """Hamlets coloured by model-residential-area criteria met, recognised ones highlighted; None
    (nothing shown) when the catalogue has no model-area tier (:func:`model_area_tier`)."""
    model = model_area_tier(ctx)
    return unit_map(ctx, "village", ctx.code, tier=model) if model else None


def indicator_map_tier(ctx: ReportContext) -> str:
    """The commune tier whose village-level indicators the village maps show: the report's ``tier``
    parameter when given, else the catalogue's map tier for communes (``map_tiers``)."""
    return ctx.tier or ctx.catalogue.map_tier("commune")


def village_indicators(ctx: ReportContext, tier: str | None = None) -> list[str]:
    """Indicator codes of ``tier`` (default :func:`indicator_map_tier`) whose measure is entered per
    village (mappable village by village)."""
    tier = tier or indicator_map_tier(ctx)
    ind = ctx.catalogue.indicators.merge(ctx.catalogue.measures[["measure", "level"]], on="measure")
    return list(ind.loc[ind["tier"].eq(tier) & ind["level"].eq("village"), "indicator"])


def village_indicator_maps(ctx: ReportContext, tier: str | None = None) -> list[Any]:
    """One village map per village-level indicator of ``tier``: each village of the unit coloured by
    its own value against the commune threshold (met / not met / no data, values as labels), from
    ``assess.assess_villages`` — an aid to find where the commune falls short, not an official result."""
    from ntm_analysis.assess.attainment import assess_villages  # noqa: PLC0415

    tier = tier or indicator_map_tier(ctx)
    codes = village_indicators(ctx, tier)
    if not codes:
        return [markdown(t(ctx, "no_village_indicators", tier=tier_name(ctx, tier)))]
    try:
        rows = assess_villages(ctx.dataset, ctx.catalogue, tier, years=ctx.year, units=ctx.code, lang=ctx.lang)
    except Exception as exc:  # noqa: BLE001 - a map problem must not lose the rest of the report
        return [markdown(t(ctx, "map_failed", error=error_text(exc, ctx.lang)))]
    return [unit_map(ctx, "village", ctx.code, tier=tier, indicator=code, village_rows=rows) for code in codes]


# --- trends ------------------------------------------------------------------------------------


def history_view(ctx: ReportContext, tier: str) -> Any:
    """Criteria of ``tier`` by year, with slips marked (from ``trends.history``)."""
    from ntm_analysis.assess.trends import history, wide_history  # noqa: PLC0415

    hist = history(ctx.assessment, ctx.code, tier)
    hist = hist[hist["year"].le(ctx.year)]
    wide = wide_history(hist, ctx.catalogue, ctx.lang).reset_index(drop=True)
    return styled(wide.iloc[:, 1:])  # one tier, named in the heading: no tier column


def progress_view(ctx: ReportContext, tier: str | None = None, plan_year: int | None = None) -> list[Any]:
    """Numeric indicators of ``tier`` (default :func:`target_tier`) not yet met: needed vs observed
    change per year, status, projected year."""
    from ntm_analysis.assess.trends import progress, progress_display, progress_note  # noqa: PLC0415

    tier = tier or target_tier(ctx)
    if plan_year is not None and int(plan_year) < ctx.year:
        raise ValueError(t(ctx, "plan_before_year", plan=plan_year, year=ctx.year))
    prog = progress(ctx.assessment, ctx.catalogue, ctx.code, plan_year=plan_year, tier=tier)
    prog = prog[prog["latest_year"].le(ctx.year)] if "latest_year" in prog else prog
    table, hidden = progress_display(prog, ctx.lang, catalogue=ctx.catalogue)
    plan = plan_year or ctx.catalogue.meta.get("period_to")
    table = table.drop(columns=table.columns[0])  # one tier, named in the heading
    return [markdown(t(ctx, "plan_year", plan=plan) + " " + t(ctx, "hidden", n=hidden) + "\n\n" + progress_note(ctx.lang)),
            styled(table)]


def series_view(ctx: ReportContext) -> list[Any]:
    """Where the unit goes at the next administrative change, and how the successor's series over
    the data years is built: combined from the predecessors' numerators and denominators where the
    roll-up rule allows it, an explicit break otherwise (``trends.successor_series``)."""
    from ntm_analysis.admin.reference import SPLIT_SEP  # noqa: PLC0415
    from ntm_analysis.assess.trends import successor_series  # noqa: PLC0415

    u = ctx.units
    mine = u[u["code"].eq(ctx.code) & valid_in(u, ctx.year)]
    succ = mine["successor_code"].dropna()
    start = pd.to_numeric(mine["valid_from"], errors="coerce").max() if "valid_from" in mine else float("nan")
    formed = u[u["successor_code"].astype("string").eq(ctx.code) & u["code"].ne(ctx.code)] if pd.notna(start) else u.iloc[:0]
    if succ.empty and len(formed):  # a unit formed from earlier ones (a commune of 1/7/2025): its own series
        _, series = successor_series(ctx.dataset, ctx.catalogue, ctx.code, ctx.year, ctx.lang)
        flags = series.groupby("flag")["indicator"].nunique()
        members = str(series["members"].dropna().iloc[0]) if series["members"].notna().any() else ""
        return [markdown(t(ctx, "series_formed", name=ctx.name, year=int(start), members=members,
                           combined=int(flags.get("combined", 0)), broken=int(flags.get("break", 0))))]
    if succ.empty:
        return [markdown(t(ctx, "series_none"))]
    succ_code = str(succ.iloc[0])
    if SPLIT_SEP in succ_code:
        codes = [c.strip() for c in succ_code.split(SPLIT_SEP)]
        names = ", ".join(f"{display_name(u, c, int(ctx.year) + 1)} ({c})" for c in codes)
        end = pd.to_numeric(mine["valid_to"], errors="coerce").max()
        return [markdown(t(ctx, "series_split", year=int(end) + 1 if pd.notna(end) else "", name=ctx.name, codes=names))]
    later = u[u["code"].eq(succ_code) & u["valid_from"].fillna(0).gt(ctx.year)]
    succ_year = int(later["valid_from"].min()) if len(later) else None
    _, series = successor_series(ctx.dataset, ctx.catalogue, succ_code, succ_year, ctx.lang)
    flags = series.groupby("flag")["indicator"].nunique()
    members = str(series["members"].dropna().iloc[0]) if series["members"].notna().any() else ""
    text = t(ctx, "series_text", name=ctx.name, year=succ_year or "", successor=display_name(u, succ_code, succ_year or ctx.year),
             code=succ_code, members=members, combined=int(flags.get("combined", 0)), broken=int(flags.get("break", 0)))
    combined = series[series["flag"].eq("combined")]
    if combined.empty:
        return [markdown(text)]
    wide = combined.pivot_table(index="indicator", columns="year", values="value", aggfunc="first")
    wide = wide.map(lambda v: number(v, ctx.lang))
    names = ctx.catalogue.measures.set_index("measure")[f"name_{ctx.lang}"]
    wide.index = [names.get(m, m) for m in wide.index]
    wide = wide.rename_axis(VIEW_MESSAGES["col_indicator"][0 if ctx.lang == "vi" else 1]).reset_index()
    wide.columns = [str(c) for c in wide.columns]
    return [markdown(text), styled(wide)]


__all__ = [name for name in dir() if not name.startswith("_")] + ["number"]
