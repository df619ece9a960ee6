"""Report figures (matplotlib): criteria met over the years, indicator trends against thresholds,
the commune × criterion matrix and communes per tier. Colours come from the one status palette
of ``maps.STATUS_PALETTE``; text uses DejaVu Sans, which renders every Vietnamese diacritic."""

from __future__ import annotations

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from ntm_analysis.i18n import STATUS_LABELS, fmt, label  # noqa: E402
from ntm_analysis.io.columnar import as_text  # noqa: E402

FONT = "DejaVu Sans"
TIER_COLOURS = ["#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]

MESSAGES: dict[str, tuple[str, str]] = {
    "history_title": ("{name}: số tiêu chí đạt qua các năm", "{name}: criteria met over the years"),
    "history_y": ("Số tiêu chí đạt", "Criteria met"),
    "missing_some": ("năm thiếu dữ liệu một số tiêu chí", "a year with criteria lacking data"),
    "set_change": ("Đổi bộ tiêu chí từ năm {year}", "Criteria set changes in {year}"),
    "period_panel": ("Bộ tiêu chí {lo}-{hi} ({n} tiêu chí)", "{lo}-{hi} criteria set ({n} criteria)"),
    "year": ("Năm", "Year"),
    "slipped": ("có tiêu chí bị tụt", "a criterion slipped"),
    "trend_title": ("{name}: các chỉ tiêu chưa đạt năm {year} ({tier})", "{name}: indicators not met in {year} ({tier})"),
    "threshold": ("ngưỡng", "threshold"),
    "matrix_title": ("Kết quả theo tiêu chí năm {year} — {tier}", "Criteria status in {year} — {tier}"),
    "matrix_x": ("Tiêu chí", "Criterion"),
    "slip_mark": ("↓ = bị tụt so với năm trước", "↓ = slipped since the previous year"),
    "tiers_title": ("Số xã đạt đủ tiêu chí của mỗi hạng, theo năm", "Communes meeting every criterion of each tier, by year"),
    "tiers_y": ("Số xã", "Communes"),
    "synthetic": ("Dữ liệu tổng hợp (synthetic)", "Synthetic data"),
    "cap_history": ("Hình: số tiêu chí đạt của {name} qua các năm, mỗi đường một hạng; vòng tròn đỏ: năm có tiêu chí "
                    "bị tụt.", "Figure: criteria met by {name} over the years, one line per tier; red ring: a year "
                    "in which a criterion slipped."),
    "cap_trends": ("Hình: các chỉ tiêu {tier} chưa đạt năm {year}, giá trị qua các năm (đường liền) và ngưỡng "
                   "(đường đứt).", "Figure: the {tier} indicators not met in {year}, their values over the years "
                   "(solid line) and threshold (dashed)."),
    "cap_matrix": ("Hình: kết quả từng tiêu chí ({tier}) của mỗi xã năm {year}; ↓: bị tụt so với năm trước.",
                   "Figure: each commune's status per criterion ({tier}) in {year}; ↓: slipped since the year before."),
    "cap_tiers": ("Hình: số xã đạt đủ tiêu chí của mỗi hạng, theo năm.",
                  "Figure: communes meeting every criterion of each tier, by year."),
    "cap_map": ("Bản đồ: {what}, năm {year}.", "Map: {what}, {year}."),
}


def _style() -> None:
    plt.rcParams.update({"font.family": FONT, "font.size": 9, "axes.spines.top": False,
                         "axes.spines.right": False})


def _palette() -> dict[str, str]:
    from ntm_analysis.maps.layers import STATUS_PALETTE  # noqa: PLC0415

    return {k: v["color"] for k, v in STATUS_PALETTE.items()}


def _footer(fig: Figure, synthetic: bool, lang: str) -> None:
    if synthetic:
        fig.text(0.99, 0.005, fmt(MESSAGES, "synthetic", lang), ha="right", va="bottom", fontsize=7, color="#b42318")


class FigureImage:
    """A figure for a report: the PNG embedded in the HTML (no file, no CDN), with the caption shown
    under it and used as the image's alternative text, both in the report's language. ``kind``
    (``chart`` or ``map``) is the figure's CSS class ``ntm-chart``/``ntm-map``: the print layout
    gives a chart at most a third of an A4 page and a map most of one (``html.PRINT_CSS``)."""

    def __init__(self, png: bytes, caption: str, kind: str = "chart") -> None:
        self.png, self.caption, self.kind = png, caption, kind
        self.data = png  # as IPython's Image: the PNG bytes

    def _repr_html_(self) -> str:
        import base64  # noqa: PLC0415
        import html  # noqa: PLC0415

        data = base64.b64encode(self.png).decode("ascii")
        text = html.escape(self.caption)
        return (f'<figure class="ntm-figure ntm-{self.kind}"><img src="data:image/png;base64,{data}" alt="{text}" '
                f'style="max-width:100%"><figcaption>{text}</figcaption></figure>')


def to_image(fig: Figure, dpi: int = 110, caption: str = "", kind: str = "chart") -> FigureImage:
    """The figure as an embedded PNG with ``caption`` (closed afterwards to free memory); ``kind``:
    ``chart`` or ``map`` (see :class:`FigureImage`)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return FigureImage(buf.getvalue(), caption, kind)


def caption(key: str, lang: str = "vi", **kwargs: object) -> str:
    """Caption ``key`` of :data:`MESSAGES` in ``lang``."""
    return fmt(MESSAGES, key, lang, **kwargs)


def _history_panel(ax: Any, u: pd.DataFrame, tier_names: dict[str, str], lang: str) -> list[Any]:
    """One criteria set's lines on ``ax`` (its own y axis: 0 … its largest criteria count); returns the
    legend handles. A year with criteria lacking data is drawn hollow (its count is not a full count)."""
    handles, labelled = [], set()
    for i, (tier, tname) in enumerate(tier_names.items()):
        t = u[u["tier"].eq(tier)].sort_values("year")
        if t.empty:
            continue
        colour = TIER_COLOURS[i % len(TIER_COLOURS)]  # the n-th tier of each set in the same colour
        total = int(t["criteria_total"].max())
        line, = ax.plot(t["year"], t["criteria_met"], marker="o", color=colour, label=f"{tname} (/{total})")
        handles.append(line)
        if "criteria_missing" in t:
            part = t[pd.to_numeric(t["criteria_missing"], errors="coerce").fillna(0).gt(0)]
            ax.scatter(part["year"], part["criteria_met"], s=36, facecolors="white", edgecolors=colour, zorder=4)
        for y, m in zip(t["year"], t["criteria_met"]):  # above the ring drawn round a slipped year
            if (y, m) in labelled:  # two tiers at the same point: one number, not two on top of each other
                continue
            labelled.add((y, m))
            ax.annotate(f"{int(m)}", (y, m), textcoords="offset points", xytext=(0, 10), ha="center",
                        fontsize=8, color=colour, zorder=6)
        slipped = t[t["slipped"].fillna("").astype(str).str.len() > 0]
        ax.scatter(slipped["year"], slipped["criteria_met"], s=160, facecolors="none", edgecolors="#D55E00",
                   linewidths=1.8, zorder=5)
    years = sorted(u["year"].unique())
    ax.set_xticks(years)
    ax.yaxis.get_major_locator().set_params(integer=True)
    top = int(u["criteria_total"].max()) if len(u) else 19
    ax.set_ylim(0, top + max(2, round(top * 0.15)))
    if years:
        ax.set_xlim(years[0] - 0.4, years[-1] + 0.4)
    ax.set_xlabel(fmt(MESSAGES, "year", lang))
    ax.grid(axis="y", alpha=0.3)
    return handles


def criteria_history(units_table: pd.DataFrame, code: str, name: str, tier_names: dict[str, str],
                     lang: str = "vi", synthetic: bool = False,
                     periods: list[tuple[str, str, dict[str, str]]] | None = None) -> Figure:
    """Criteria met per tier and year for one unit; years with a slipped criterion are ringed, years
    with criteria lacking data are hollow.

    ``periods``: when the years cross a change of criteria set, ``[(catalogue id, panel title,
    tier names)]`` in year order, and ``units_table`` has the ``catalogue`` column of
    ``assess.periods.units_across_periods``: then one panel per set, each with its own y axis
    (0 … its criteria count: x/19 and x/10 are never drawn on one axis), separated by a dashed line
    labelled with the year the set changes."""
    _style()
    u = as_text(units_table[units_table["code"].eq(code)])
    if periods and "catalogue" in u and u["catalogue"].nunique() > 1:
        panels = [(u[u["catalogue"].eq(cid)], title, names) for cid, title, names in periods
                  if u["catalogue"].eq(cid).any()]
    else:
        panels = [(u, None, tier_names)]
    ratios = [max(p[0]["year"].nunique(), 1) + 1.0 for p in panels]
    fig, axes = plt.subplots(1, len(panels), figsize=(7.5 + 1.2 * (len(panels) - 1), 3.6), squeeze=False,
                             gridspec_kw={"width_ratios": ratios})
    handles = []
    for k, (ax, (pu, title, names)) in enumerate(zip(axes[0], panels)):
        handles += _history_panel(ax, pu, names, lang)
        if title:
            ax.set_title(title, loc="left", fontsize=8.5)
        if k == 0:
            ax.set_ylabel(fmt(MESSAGES, "history_y", lang))
    ring = plt.Line2D([], [], marker="o", linestyle="none", markersize=11, markerfacecolor="none",
                      markeredgecolor="#D55E00", markeredgewidth=1.8, label=fmt(MESSAGES, "slipped", lang))
    handles.append(ring)
    if "criteria_missing" in u and pd.to_numeric(u["criteria_missing"], errors="coerce").fillna(0).gt(0).any():
        handles.append(plt.Line2D([], [], marker="o", linestyle="none", markerfacecolor="white",
                                  markeredgecolor="#555555", label=fmt(MESSAGES, "missing_some", lang)))
    title = fmt(MESSAGES, "history_title", lang, name=name)
    if len(panels) == 1:
        ax = axes[0][0]
        ax.set_title(title, loc="left", fontweight="bold")
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
        _footer(fig, synthetic, lang)
        fig.tight_layout()
        return fig
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=10)
    fig.legend(handles=handles, loc="lower center", ncol=2, fontsize=8, frameon=False)
    _footer(fig, synthetic, lang)
    fig.tight_layout(rect=(0, 0.2, 1, 0.9), w_pad=3.0)
    for left, right, (pu, _, _) in zip(axes[0][:-1], axes[0][1:], panels[1:]):  # the visible break
        x = (left.get_position().x1 + right.get_position().x0) / 2
        fig.add_artist(plt.Line2D([x, x], [0.2, 0.9], transform=fig.transFigure, linestyle="--",
                                  color="#b42318", linewidth=1.2, gid="set-change"))
        fig.text(x, 0.905, fmt(MESSAGES, "set_change", lang, year=int(pu["year"].min())), ha="center",
                 va="bottom", fontsize=7.5, color="#b42318")
    return fig


def indicator_trends(indicators: pd.DataFrame, code: str, year: int, tier: str, name: str, tier_name: str,
                     indicator_names: dict[str, str], lang: str = "vi", max_panels: int = 6,
                     synthetic: bool = False, indicator_units: dict[str, str] | None = None) -> Figure | None:
    """Small multiples: each numeric indicator of ``tier`` not met in ``year``, its value over the
    years and its threshold (dashed); None when every numeric indicator is met. Panel titles wrap
    (never cut); the y axis names the unit (``indicator_units``: indicator → unit in ``lang``)."""
    import textwrap  # noqa: PLC0415

    _style()
    ind = as_text(indicators[indicators["code"].eq(code) & indicators["tier"].eq(tier) & indicators["comparator"].ne("true")])
    open_now = ind[ind["year"].eq(year) & ind["status"].eq("not_met")].sort_values("share_covered")
    keys = list(open_now["indicator"].head(max_panels))
    if not keys:
        return None
    cols = min(3, len(keys))
    rows = int(np.ceil(len(keys) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 3.0 * rows), squeeze=False)
    palette = _palette()
    for ax, key in zip(axes.flat, keys):
        s = ind[ind["indicator"].eq(key)].sort_values("year")
        ax.plot(s["year"], s["value"], marker="o", color="#0072B2")
        ax.plot(s["year"], s["threshold"], linestyle="--", color="#555555", label=fmt(MESSAGES, "threshold", lang))
        for y, v, st in zip(s["year"], s["value"], s["status"]):
            ax.scatter([y], [v], color=palette.get(st, "#999999"), zorder=5, s=36)
        title = f"{key} {indicator_names.get(key, '')}".strip()
        lines = textwrap.wrap(title, 40)
        ax.set_title("\n".join(lines[:3]) + ("…" if len(lines) > 3 else ""), fontsize=7.5, loc="left")
        unit_text = (indicator_units or {}).get(key, "")
        if unit_text:
            ax.set_ylabel(unit_text, fontsize=7)
        ax.set_xticks(sorted(s["year"].unique()))
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(keys):]:
        ax.axis("off")
    handles = [Patch(color=palette[k], label=label(STATUS_LABELS, k, lang)) for k in ("met", "not_met")]
    handles.append(plt.Line2D([], [], linestyle="--", color="#555555", label=fmt(MESSAGES, "threshold", lang)))
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=8, frameon=False)
    fig.suptitle(fmt(MESSAGES, "trend_title", lang, name=name, year=year, tier=tier_name), x=0.01, ha="left",
                 fontweight="bold", fontsize=10)
    _footer(fig, synthetic, lang)
    fig.tight_layout(rect=(0, 0.06, 1, 0.95))
    return fig


def criteria_matrix(criteria: pd.DataFrame, names: dict[str, str], year: int, tier: str, tier_name: str,
                    lang: str = "vi", synthetic: bool = False) -> Figure:
    """Heat map of communes (rows, most criteria met first) × criteria (columns) coloured by status;
    slipped cells carry ↓."""
    _style()
    c = as_text(criteria[criteria["year"].eq(year) & criteria["tier"].eq(tier) & criteria["code"].isin(names)])
    met = c[c["status"].eq("met")].groupby("code").size().reindex(list(names), fill_value=0)
    from ntm_analysis.io.names import sort_key, split_type  # noqa: PLC0415

    order = sorted(names, key=lambda k: (-met[k], sort_key(split_type(names[k])[1])))
    crits = sorted(c["criterion"].unique())
    palette = _palette()
    grid = c.pivot_table(index="code", columns="criterion", values="status", aggfunc="first").reindex(
        index=order, columns=crits)
    change = c.pivot_table(index="code", columns="criterion", values="change", aggfunc="first").reindex(
        index=order, columns=crits)
    fig, ax = plt.subplots(figsize=(max(6.0, 0.42 * len(crits) + 3), 0.34 * len(order) + 1.8))
    for i, code in enumerate(order):
        for j, crit in enumerate(crits):
            st = grid.loc[code, crit]
            colour = palette.get(st if isinstance(st, str) else "missing", "#eeeeee")
            ax.add_patch(plt.Rectangle((j, i), 0.95, 0.9, color=colour))
            if change.loc[code, crit] == "slipped":
                ax.text(j + 0.47, i + 0.47, "↓", ha="center", va="center", color="white", fontsize=9,
                        fontweight="bold")
        ax.text(len(crits) + 0.2, i + 0.47, f"{met[code]}/{len(crits)}", va="center", fontsize=8)
    ax.set_xlim(0, len(crits) + 1.2)
    ax.set_ylim(len(order), 0)
    ax.set_xticks(np.arange(len(crits)) + 0.47, [str(x) for x in crits], fontsize=8)
    ax.set_yticks(np.arange(len(order)) + 0.47, [names[k] for k in order], fontsize=8)
    ax.tick_params(length=0)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel(fmt(MESSAGES, "matrix_x", lang))
    ax.set_title(fmt(MESSAGES, "matrix_title", lang, year=year, tier=tier_name), loc="left", fontweight="bold")
    handles = [Patch(color=palette[k], label=label(STATUS_LABELS, k, lang)) for k in ("met", "not_met", "missing")]
    handles.append(Patch(color="none", label=fmt(MESSAGES, "slip_mark", lang)))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.6 / max(len(order), 1) - 0.06),
              ncol=4, fontsize=8, frameon=False)
    _footer(fig, synthetic, lang)
    fig.tight_layout()
    return fig


def tier_counts(units_table: pd.DataFrame, codes: list[str], tier_names: dict[str, str], lang: str = "vi",
                synthetic: bool = False) -> Figure:
    """Grouped bars: number of communes that reach each tier, per year."""
    _style()
    u = as_text(units_table[units_table["code"].isin(codes) & units_table["tier"].isin(list(tier_names))])
    counts = u[u["reached"].astype(bool)].groupby(["year", "tier"]).size().unstack(fill_value=0)
    years = sorted(u["year"].unique())
    counts = counts.reindex(index=years, columns=list(tier_names), fill_value=0)
    fig, ax = plt.subplots(figsize=(7.5, 3.4))
    width = 0.8 / max(len(tier_names), 1)
    for i, (tier, tname) in enumerate(tier_names.items()):
        x = np.arange(len(years)) + i * width
        bars = ax.bar(x, counts[tier], width=width, color=TIER_COLOURS[i % len(TIER_COLOURS)], label=tname)
        ax.bar_label(bars, fontsize=8)
    ax.set_xticks(np.arange(len(years)) + width * (len(tier_names) - 1) / 2, [str(y) for y in years])
    top = int(counts.to_numpy().max()) if counts.size else 0
    ax.set_ylim(0, max(top, 1) * 1.15)  # counts of communes: from 0, whole numbers, never a -0.04 axis
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(fmt(MESSAGES, "year", lang))
    ax.set_ylabel(fmt(MESSAGES, "tiers_y", lang))
    ax.set_title(fmt(MESSAGES, "tiers_title", lang), loc="left", fontweight="bold")
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.grid(axis="y", alpha=0.3)
    _footer(fig, synthetic, lang)
    fig.tight_layout()
    return fig
