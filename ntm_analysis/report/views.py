"""What the report notebooks show: one call per section, so that notebooks stay thin.

Every function takes a :class:`ReportContext` (dataset, catalogue, assessment, unit and year, loaded
once by ``report.context.report_context``) and returns something Jupyter displays: a Markdown/HTML
object, a pandas Styler or a DataFrame.
Nothing is computed here that the analysis modules do not already compute; this module picks,
names and colours. Vietnamese by default, English with ``lang="en"``. Figures live in ``charts.py``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ntm_analysis.i18n import CHANGE_LABELS, CONFIDENCE_LABELS, STATUS_LABELS, THRESHOLD_STATUS_LABELS, fmt, label, pick
from ntm_analysis.io.columnar import as_text
from ntm_analysis.assess.keys import assessment_notices
from ntm_analysis.catalogue.periods import period_notice
from ntm_analysis.units import descendants, valid_in

MESSAGES: dict[str, tuple[str, str]] = {
    "commune_report": ("Báo cáo nông thôn mới: {name}, năm {year}", "New rural development report: {name}, {year}"),
    "parent_overview": ("Tổng quan nông thôn mới: {name}, năm {year}", "New rural development overview: {name}, {year}"),
    "village_map": ("Bản đồ thôn, xóm và khu dân cư kiểu mẫu: {name}, năm {year}",
                    "Villages, hamlets and model residential areas: {name}, {year}"),
    "trends": ("Xu hướng và tiến độ: {name}, đến năm {year}", "Trends and progress: {name}, up to {year}"),
    "commune_plan": ("Dự thảo kế hoạch nông thôn mới: {name}, theo kết quả năm {year}",
                     "Draft new rural development plan: {name}, from the {year} assessment"),
    "subtitle": ("Bộ tiêu chí: {catalogue}. Bộ dữ liệu: {dataset}.", "Criteria set: {catalogue}. Dataset: {dataset}."),
    "synthetic": ("⚠ Dữ liệu tổng hợp (synthetic) — không phải số liệu thật; ranh giới trên bản đồ chỉ mang tính minh họa.",
                  "⚠ Synthetic data — not real figures; map boundaries are illustrative only."),
    "unverified": ("Ngưỡng đánh dấu * chưa được đối chiếu với văn bản quyết định (tạm tính hoặc theo kế hoạch của xã).",
                   "Thresholds marked * are not verified against the decision text (provisional or from the commune plan)."),
    "h_summary": ("Tóm tắt", "Summary"),
    "h_criteria": ("Kết quả theo tiêu chí — {tier}", "Criteria — {tier}"),
    "h_binding": ("Chỉ tiêu còn thiếu — {tier}", "Indicators holding criteria back — {tier}"),
    "h_changes": ("Tiêu chí bị tụt, mới đạt và đạt lại", "Slipped, newly met and recovered criteria"),
    "h_trends": ("Diễn biến qua các năm", "Over the years"),
    "h_map": ("Bản đồ thôn, xóm và khu dân cư kiểu mẫu", "Villages, hamlets and model residential areas"),
    "h_targets": ("Đề xuất mục tiêu năm {next} — {tier}", "Proposed targets for {next} — {tier}"),
    "h_paragraph": ("Đoạn văn dự thảo cho kế hoạch năm {next}", "Draft paragraph for the {next} plan"),
    "h_quality": ("Chất lượng dữ liệu và lưu ý", "Data quality and caveats"),
    "h_matrix": ("Ma trận xã × tiêu chí — {tier}", "Commune × criterion matrix — {tier}"),
    "h_ranking": ("Xếp hạng các xã", "Ranking of communes"),
    "h_tiers": ("Số xã đạt đủ tiêu chí qua các năm", "Communes meeting every criterion of a tier, over the years"),
    "h_commune_map": ("Bản đồ các xã", "Map of communes"),
    "h_slipped": ("Các xã có tiêu chí bị tụt", "Communes with slipped criteria"),
    "h_history": ("Lịch sử tiêu chí — {tier}", "Criteria history — {tier}"),
    "h_progress": ("Tiến độ đến năm {plan} — {tier}", "Progress to {plan} — {tier}"),
    "h_model_areas": ("Khu dân cư nông thôn mới kiểu mẫu", "Model residential areas"),
    "h_indicator_maps": ("Bản đồ theo chỉ tiêu cấp thôn — {tier}", "Village-level indicator maps — {tier}"),
    "h_series": ("Chuỗi số liệu qua sáp nhập đơn vị hành chính", "Series across administrative mergers"),
    "col_tier": ("Hạng", "Tier"),
    "col_met": ("Tiêu chí đạt", "Criteria met"),
    "col_reached": ("Đạt chuẩn", "Standard reached"),
    "col_recognised": ("Năm công nhận", "Recognised"),
    "col_unit": ("Đơn vị", "Unit"),
    "col_criterion": ("Tiêu chí", "Criterion"),
    "col_indicator": ("Chỉ tiêu", "Indicator"),
    "col_name": ("Nội dung", "Name"),
    "col_value": ("Giá trị", "Value"),
    "col_threshold": ("Ngưỡng", "Threshold"),
    "col_gap": ("Còn thiếu", "Gap"),
    "col_covered": ("Đã đạt được (%)", "Way covered (%)"),
    "col_status": ("Kết quả", "Status"),
    "col_threshold_status": ("Tình trạng ngưỡng", "Threshold status"),
    "col_confidence": ("Độ tin cậy", "Confidence"),
    "col_change": ("Thay đổi", "Change"),
    "col_year": ("Năm", "Year"),
    "col_hamlet": ("Xóm", "Hamlet"),
    "col_village": ("Thôn", "Village"),
    "yes": ("Có", "Yes"),
    "no": ("Chưa", "No"),
    "none": ("Không có.", "None."),
    "no_data": ("KHÔNG CÓ SỐ LIỆU năm {year} cho {name}: mọi chỉ tiêu dưới đây là \"thiếu dữ liệu\".",
                "NO DATA for {name} in {year}: every indicator below is \"missing\"."),
    "q_missing": ("{n} chỉ tiêu thiếu dữ liệu năm {year}: {items}.", "{n} indicators without data in {year}: {items}."),
    "q_no_missing": ("Không có chỉ tiêu nào thiếu dữ liệu năm {year}.", "No indicator lacks data in {year}."),
    "q_unverified": ("{n}/{total} ngưỡng được dùng chưa được xác minh với văn bản quyết định ({detail}).",
                     "{n}/{total} thresholds used are not verified against the decision text ({detail})."),
    "q_low": ("{n} chỉ tiêu có độ tin cậy thấp trong bộ tiêu chí.", "{n} indicators have low confidence in the catalogue."),
    "q_conflicts": ("{n} giá trị cấp xã nhập trực tiếp khác với tổng hợp từ thôn (đã dùng số tổng hợp): {items}.",
                    "{n} commune values entered directly disagree with the village roll-up (roll-up used): {items}."),
    "q_synthetic": ("Bộ dữ liệu là dữ liệu tổng hợp: mọi con số chỉ để minh họa cách dùng công cụ.",
                    "The dataset is synthetic: every figure only illustrates how to use the tool."),
    "q_warnings": ("{n} cảnh báo khi nạp dữ liệu (xem `ntm validate`).", "{n} warnings when loading (see `ntm validate`)."),
}


@dataclass(frozen=True)
class ReportContext:
    """Everything a report shows, loaded once: dataset, catalogue, assessment, unit, year, language."""

    dataset: Any
    catalogue: Any
    assessment: Any
    code: str
    name: str
    year: int
    lang: str = "vi"
    #: The tier the report is asked to focus on (its targets); None = the catalogue's rules decide.
    tier: str | None = None

    @property
    def units(self) -> pd.DataFrame:
        """The dataset's units table."""
        return self.dataset.units

    def t(self, key: str, **kwargs: object) -> str:
        """This module's message ``key`` in the report's language."""
        return fmt(MESSAGES, key, self.lang, **kwargs)


# --- headings and text -----------------------------------------------------------------------


def markdown(text: str) -> Any:
    from IPython.display import Markdown  # noqa: PLC0415

    return Markdown(text)


def title(ctx: ReportContext, notebook: str) -> Any:
    """The report's title, the catalogue and dataset it uses and, for synthetic data, a warning.

    Raises ``serves.UnitKindError`` when the unit is of a kind ``notebook`` does not serve (a village
    given to the commune report), naming its kind and the report to run instead."""
    from ntm_analysis.serves import check_serves  # noqa: PLC0415

    check_serves(ctx.units, ctx.code, ctx.year, notebook, ctx.catalogue)
    cat_name = pick(ctx.catalogue.meta.get("name") or {"vi": ctx.catalogue.meta.get("id", "")}, ctx.lang)
    ds_name = ctx.dataset.meta.get("name_en" if ctx.lang == "en" else "name") or ctx.dataset.meta.get("name", "")
    esc = escape_md
    text = (f"# {esc(ctx.t(notebook, name=ctx.name, year=ctx.year))}\n\n"
            f"{esc(ctx.t('subtitle', catalogue=cat_name, dataset=ds_name))}")
    if ctx.dataset.meta.get("synthetic"):
        text += f"\n\n> **{ctx.t('synthetic')}**"
    notices = assessment_notices(ctx.assessment, ctx.lang)  # provisional catalogue, default groups
    earlier = [y for y in ctx.dataset.values["year"].unique() if y <= ctx.year]  # a report shows no later year
    notices += [n for n in [period_notice(ctx.dataset.meta, ctx.catalogue, earlier, ctx.lang)] if n]
    for notice in notices:
        text += f"\n\n> ⚠ **{esc(notice)}**"
    return markdown(text)


def escape_md(text: str) -> str:
    """Text safe inside Markdown: HTML escaped (unit names come from user files) and Markdown
    punctuation that could start a link, emphasis or code neutralised."""
    text = html.escape(str(text), quote=False)
    return "".join("\\" + ch if ch in "\\`*_[]<>|" else ch for ch in text)


def heading(ctx: ReportContext, key: str, level: int = 2, **kwargs: object) -> Any:
    """A section heading in the report's language."""
    return markdown("#" * level + " " + escape_md(ctx.t(key, **kwargs)))


def tier_name(ctx: ReportContext, tier: str) -> str:
    """The catalogue's name of ``tier`` in the report's language."""
    row = ctx.catalogue.tiers.set_index("tier").loc[tier]
    return str(row[f"name_{ctx.lang}"])


def report_tiers(ctx: ReportContext, level: str | None = None) -> list[str]:
    """Tiers whose tables the report shows, in catalogue order: the catalogue's report tiers
    (``report``, default true) that assess units of ``level`` (default: the report unit's level)."""
    if level is None:
        rows = ctx.units[ctx.units["code"].eq(ctx.code) & valid_in(ctx.units, ctx.year)]
        level = str(rows["level"].iloc[0]) if len(rows) else None
    return ctx.catalogue.report_tiers(level)


def unit_tiers(ctx: ReportContext, code: str | None = None) -> list[str]:
    """Tiers assessed for the unit (those of its level), in catalogue order."""
    code = code or ctx.code
    assessed = set(ctx.assessment.units.loc[ctx.assessment.units["code"].eq(code), "tier"])
    return [t for t in ctx.catalogue.tier_ids() if t in assessed]


def summary_text(ctx: ReportContext) -> str:
    """The one-line summary (e.g. 'Tân Lập 2023 — NTM: đạt 18/19 tiêu chí; bị tụt: tiêu chí 1 ...')."""
    from ntm_analysis.report.scorecard import summary_line  # noqa: PLC0415

    return summary_line(ctx.assessment, ctx.code, ctx.year, None, ctx.lang)


class Summary:
    """Summary lines shown as a bold list in the report and as plain text elsewhere (index, tests)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = [line for line in lines if line]

    def _repr_markdown_(self) -> str:
        return "\n".join(f"- **{html.escape(line, quote=False)}**" for line in self.lines)

    def __repr__(self) -> str:
        return "\n".join(self.lines)


def has_data(ctx: ReportContext) -> bool:
    """True when the dataset holds a value of the year for the unit or any unit under it."""
    values = ctx.dataset.values
    below = descendants(ctx.units, ctx.code, ctx.year)
    return bool((values["year"].eq(ctx.year) & values["code"].isin(below)).any())


def summary(ctx: ReportContext) -> Summary:
    """The unit's summary, one line per tier (e.g. 'NTM: đạt 18/19 tiêu chí; bị tụt: tiêu chí 1 ...'),
    headed by a "no data" line when the year has no value for the unit (a commune reached through
    its district or province is reported even then, saying so)."""
    text = summary_text(ctx)
    head, _, rest = text.partition(" — ")
    parts = rest.split(" | ") if rest else [text]
    no_data = [] if has_data(ctx) else [ctx.t("no_data", name=ctx.name, year=ctx.year)]
    return Summary(no_data + [f"{head} — {parts[0]}"] + parts[1:])


def tier_summary(ctx: ReportContext) -> pd.DataFrame:
    """One row per tier: criteria met (18/19), standard reached, recognised year, then the criteria
    newly met, recovered and slipped this year (the words of ``assess.changes``)."""
    u = ctx.assessment.units
    u = as_text(u[u["code"].eq(ctx.code) & u["year"].eq(ctx.year)])  # (a Categorical's map would sort by category)
    order = {t: i for i, t in enumerate(ctx.catalogue.tier_ids())}
    u = u.sort_values("tier", key=lambda s: s.map(order))
    yes, no = ctx.t("yes"), ctx.t("no")
    return pd.DataFrame({
        ctx.t("col_tier"): [tier_name(ctx, t) for t in u["tier"]],
        ctx.t("col_met"): (u["criteria_met"].astype(str) + "/" + u["criteria_total"].astype(str)).to_numpy(),
        ctx.t("col_reached"): [yes if r else no for r in u["reached"]],
        ctx.t("col_recognised"): [("" if pd.isna(r) else str(int(r))) for r in u["recognised"]],
        **{label(CHANGE_LABELS, change, ctx.lang): u[change].fillna("").to_numpy()
           for change in ("newly_met", "recovered", "slipped") if change in u},
    })


def number(value: Any, lang: str = "vi", digits: int | None = None) -> str:
    """A number as text in the report's language (:func:`ntm_analysis.i18n.number_label`)."""
    from ntm_analysis.i18n import DIGITS, number_label  # noqa: PLC0415

    return number_label(value, lang, DIGITS if digits is None else digits)


# --- tables coloured by status ---------------------------------------------------------------


def status_colours() -> dict[str, str]:
    """Status label (both languages) → colour, from the one palette every map and table uses."""
    from ntm_analysis.maps.layers import STATUS_PALETTE  # noqa: PLC0415

    out = {}
    for key, (vi, en) in STATUS_LABELS.items():
        colour = STATUS_PALETTE.get(key, {}).get("color", "#ffffff")
        out[vi] = out[en] = colour
    return out


def _status_css(value: Any, colours: dict[str, str]) -> str:
    colour = colours.get(str(value))
    if not colour:
        return ""
    from ntm_analysis.maps.draw import luminance  # noqa: PLC0415

    text = "#ffffff" if luminance(colour) < 0.45 else "#1a1a1a"
    return f"background-color: {colour}; color: {text}; font-weight: bold"


def styled(frame: pd.DataFrame, status_columns: list[str] | None = None) -> Any:
    """A Styler without index whose status cells take the palette's colour; long text wraps."""
    colours = status_colours()
    cols = [c for c in (status_columns or []) if c in frame.columns]
    sty = frame.style.hide(axis="index").format(escape="html")  # cell text comes from user files
    if cols:
        sty = sty.map(lambda v: _status_css(v, colours), subset=cols)
    return sty.set_properties(**{"text-align": "left", "white-space": "pre-wrap"}).set_table_styles(
        [{"selector": "th", "props": [("text-align", "left"), ("background", "#f2f2f2")]}])


def criteria_view(ctx: ReportContext, tier: str) -> Any:
    """The unit's criteria table for ``tier`` (status coloured, binding indicators, * = unverified)."""
    from ntm_analysis.report.scorecard import MESSAGES as SC, criteria_table  # noqa: PLC0415

    table = criteria_table(ctx.assessment, ctx.code, ctx.year, tier, ctx.lang)
    if table.attrs.get("all_unverified"):
        from IPython.display import display  # noqa: PLC0415

        display(markdown(escape_md(fmt(SC, "all_unverified", ctx.lang))))
    return styled(table, [fmt(SC, "col_status", ctx.lang)])


def binding_table(ctx: ReportContext, tier: str, code: str | None = None) -> pd.DataFrame:
    """Indicators not met (then missing) in ``year``: value, threshold, gap, share of the way covered,
    threshold status and confidence — the numbers behind each criterion not met."""
    from ntm_analysis.report.scorecard import COMPARATOR_SIGNS  # noqa: PLC0415

    code = code or ctx.code
    ind = ctx.assessment.indicators
    ind = as_text(ind[ind["code"].eq(code) & ind["year"].eq(ctx.year) & ind["tier"].eq(tier)
                      & ind["status"].isin(["not_met", "missing", "unknown_threshold"])])
    names = ctx.catalogue.indicators.set_index(["tier", "indicator"])[f"name_{ctx.lang}"]
    from ntm_analysis.i18n import unit_label  # noqa: PLC0415

    units = ctx.catalogue.measures.set_index("measure")["unit"].map(lambda u: unit_label(u, ctx.lang))
    ind = ind.assign(_o=ind["status"].ne("not_met")).sort_values(["_o", "criterion", "indicator"])
    levels = ctx.catalogue.measures.set_index("measure")["levels"] if "levels" in ctx.catalogue.measures else {}

    def is_level(measure: str) -> bool:
        names = levels.get(measure) if hasattr(levels, "get") else None
        return isinstance(names, (list, tuple)) and len(names) > 0

    def shown(v: Any, measure: str) -> str:
        """A level measure's rank as its label (``khá``), other numbers as numbers."""
        names = levels.get(measure) if hasattr(levels, "get") else None
        if isinstance(names, (list, tuple)) and len(names) and not pd.isna(v) and 1 <= int(v) <= len(names):
            from ntm_analysis.i18n import level_value  # noqa: PLC0415

            return level_value(names[int(v) - 1], ctx.lang)
        return number(v, ctx.lang)

    thr = pd.Series([shown(v, m) for v, m in zip(ind["threshold"], ind["measure"])], index=ind.index, dtype=object)
    yes_no = {1.0: label(STATUS_LABELS, "met", ctx.lang), 0.0: label(STATUS_LABELS, "not_met", ctx.lang)}
    value = pd.Series([shown(v, m) for v, m in zip(ind["value"], ind["measure"])], index=ind.index, dtype=object)
    value = value.where(ind["comparator"].ne("true"), ind["value"].map(yes_no).fillna(""))
    return pd.DataFrame({
        ctx.t("col_criterion"): ind["criterion"].to_numpy(),
        ctx.t("col_indicator"): ind["indicator"].to_numpy(),
        ctx.t("col_name"): [names.get((t, i), "") for t, i in zip(ind["tier"], ind["indicator"])],
        ctx.t("col_value"): value.to_numpy(),
        ctx.t("col_threshold"): [
            f"{COMPARATOR_SIGNS.get(c, '')}{th} {'' if is_level(m) else units.get(m, '')}".strip()
            for c, th, m in zip(ind["comparator"], thr, ind["measure"])],
        ctx.t("col_gap"): ind["gap"].map(lambda v: "" if pd.isna(v) or v == 0 else number(v, ctx.lang)).to_numpy(),
        ctx.t("col_covered"): ind["share_covered"].map(lambda v: "" if pd.isna(v) else f"{100 * v:.0f}").to_numpy(),
        ctx.t("col_status"): [label(STATUS_LABELS, s, ctx.lang) for s in ind["status"]],
        ctx.t("col_threshold_status"): [label(THRESHOLD_STATUS_LABELS, s, ctx.lang) for s in ind["threshold_status"]],
        ctx.t("col_confidence"): [label(CONFIDENCE_LABELS, s, ctx.lang) for s in ind["confidence"]],
    })


def binding_view(ctx: ReportContext, tier: str) -> Any:
    """:func:`binding_table` coloured by status."""
    table = binding_table(ctx, tier)
    if table.empty:
        return markdown(ctx.t("none"))
    return styled(table, [ctx.t("col_status")])


def changes_table(ctx: ReportContext) -> pd.DataFrame:
    """Criteria that slipped, recovered or were newly met in ``year``, all tiers."""
    from ntm_analysis.i18n import CHANGE_LABELS  # noqa: PLC0415

    c = ctx.assessment.criteria
    c = as_text(c[c["code"].eq(ctx.code) & c["year"].eq(ctx.year) & c["change"].isin(["slipped", "recovered", "newly_met"])])
    names = ctx.catalogue.criteria.set_index(["tier", "criterion"])[f"name_{ctx.lang}"]
    return pd.DataFrame({
        ctx.t("col_tier"): [tier_name(ctx, t) for t in c["tier"]],
        ctx.t("col_criterion"): [f"{n}. {names.get((t, n), '')}" for t, n in zip(c["tier"], c["criterion"])],
        ctx.t("col_change"): [label(CHANGE_LABELS, s, ctx.lang) for s in c["change"]],
    })


def changes_view(ctx: ReportContext) -> Any:
    """:func:`changes_table` as a table, or a short sentence when nothing changed this year."""
    table = changes_table(ctx)
    return styled(table) if len(table) else markdown(ctx.t("none"))


def data_quality(ctx: ReportContext, code: str | None = None) -> Any:
    """Missing values, unverified thresholds and low-confidence indicators used, roll-up
    conflicts, load warnings, and the synthetic-data note — the report's caveats log."""
    code = code or ctx.code
    a = ctx.assessment
    ind = a.indicators
    # text as str: ``value_counts`` of a Categorical would list categories counted 0
    ind = as_text(ind[ind["code"].eq(code) & ind["year"].eq(ctx.year) & ind["status"].ne("not_applicable")])
    lines = []
    missing = ind[ind["status"].eq("missing")]
    if len(missing):
        items = ", ".join(f"{tier_name(ctx, t)} {i}" for t, i in zip(missing["tier"], missing["indicator"]))
        lines.append(ctx.t("q_missing", n=len(missing), year=ctx.year, items=items))
    else:
        lines.append(ctx.t("q_no_missing", year=ctx.year))
    used = ind[ind["comparator"].ne("true") | ind["threshold"].notna()]
    unverified = used[used["threshold_status"].ne("verified")]
    if len(unverified):
        detail = ", ".join(f"{label(THRESHOLD_STATUS_LABELS, k, ctx.lang)}: {v}"
                           for k, v in unverified["threshold_status"].value_counts().items())
        lines.append(ctx.t("q_unverified", n=len(unverified), total=len(used), detail=detail))
    low = ind[ind["confidence"].eq("low")]
    if len(low):
        lines.append(ctx.t("q_low", n=len(low)))
    conflicts = a.rollup_conflicts
    conflicts = as_text(conflicts[conflicts["code"].eq(code) & conflicts["year"].eq(ctx.year)] if len(conflicts) else conflicts)
    if len(conflicts):
        lines.append(ctx.t("q_conflicts", n=len(conflicts), items=", ".join(conflicts["measure"].astype(str))))
    if ctx.dataset.problems:
        lines.append(ctx.t("q_warnings", n=len(ctx.dataset.problems)))
    if ctx.dataset.meta.get("synthetic"):
        lines.append(ctx.t("q_synthetic"))
    if 0 < len(unverified) < len(used):  # some thresholds marked * in the tables (when all are, none is marked)
        lines.append(ctx.t("unverified"))
    return markdown("\n".join(f"- {html.escape(x, quote=False)}" for x in lines))
