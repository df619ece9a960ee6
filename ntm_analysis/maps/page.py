"""One map page: the coloured layer, outlines, labels, model residential areas, legend, title,
notes, scale bar, north arrow and the data-source line, laid out for printing (A4, 300 dpi).

:func:`render` draws what :func:`ntm_analysis.maps.compose.make_map` prepared; nothing here joins or
classifies data. Drawing primitives (page, scale bar, labels) are in ``map_draw.py``.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ntm_analysis.maps import draw
from ntm_analysis.maps.joins import JoinReport
from ntm_analysis.i18n import LEVEL_LABELS, STATUS_LABELS, THRESHOLD_STATUS_LABELS, fmt, label, number_label, pick, unit_label
from ntm_analysis.maps.layers import (MESSAGES, MODEL_STYLE, STATUS_PALETTE, SYNTHETIC_NOTES, count_class_label,
                                      count_classes, count_colors, format_value)
from ntm_analysis.units import display_name, in_year

def commune_note(indicators: pd.DataFrame, units: pd.DataFrame, year: int, tier: str, indicator: str,
                  unit: str | None, measures: pd.DataFrame | None, lang: str) -> list[str]:
    """The mapped commune's own (rolled-up) value and status of ``indicator``, as assessed."""
    rows = indicators[indicators["code"].eq(str(unit)) & (indicators["year"] == year)  # (eq on the Categorical:
                      & (indicators["tier"] == tier) & indicators["indicator"].eq(str(indicator))]  # no text copy)
    if unit is None or rows.empty:
        return []
    r = rows.iloc[:1]
    meas = measures.set_index("measure") if measures is not None and not measures.empty else pd.DataFrame()
    m = meas.loc[r["measure"].iloc[0]] if r["measure"].iloc[0] in meas.index else {}
    kind = "percent" if m.get("rollup") in ("ratio", "share_true") else str(m.get("kind", "number"))
    unit_of = "%" if m.get("rollup") == "share_true" else str(m.get("unit", "") or "")
    value = format_value(r["value"].reset_index(drop=True), kind, lang, unit=unit_of).iloc[0]
    if value and not unit_of.startswith("%") and unit_of:
        value = f"{value} {unit_of}"
    return [fmt(MESSAGES, "commune_value", lang, place=_place(units, unit, year, lang), value=value or "–",
                status=label(STATUS_LABELS, str(r["status"].iloc[0]), lang))]


def render(data: gpd.GeoDataFrame, context: gpd.GeoDataFrame | None, report: JoinReport,
           context_report: JoinReport | None, *, year: int, tier: str, tier_name: str, level: str, fill_level: str,
           indicator: str | None, cat: Any, units: pd.DataFrame, unit: str | None, lang: str, synthetic: bool,
           source: str, boundaries: str, crs_name: str, by_village: bool = False,
           extra_notes: list[str] | None = None) -> Figure:
    """Lay out one map page from a prepared layer (see :func:`make_map`)."""
    fig, ax, panel = draw.new_page()
    drawn = data[data.geometry.notna() & ~data.geometry.is_empty]
    for hatch, part in drawn.groupby("hatch", sort=True):
        part.plot(ax=ax, color=part["color"].tolist(), edgecolor="#4d4d4d", linewidth=0.5, hatch=hatch or None)
    if context is not None:
        ctx = context[context.geometry.notna()]
        ctx.boundary.plot(ax=ax, color="#1a1a1a", linewidth=1.3, zorder=5)
    for status, style in MODEL_STYLE.items():
        sel = drawn[drawn["model_status"].eq(status).fillna(False)]
        if not sel.empty:
            sel.boundary.plot(ax=ax, color=style["edgecolor"], linewidth=style["linewidth"], linestyle=style["linestyle"], zorder=8)
    ax.set_aspect("equal")
    frames = [g.total_bounds for g in (drawn, context) if g is not None and g.geometry.notna().any()]
    xmin, ymin, xmax, ymax = (min(b[0] for b in frames), min(b[1] for b in frames), max(b[2] for b in frames),
                              max(b[3] for b in frames)) if frames else (0, 0, 1, 1)
    padx, pady = (xmax - xmin) * 0.06 + 1, (ymax - ymin) * 0.09 + 1
    ax.set_xlim(xmin - padx, xmax + padx)
    ax.set_ylim(ymin - pady, ymax + pady)

    # labels: unit name and value; model areas get their marker; context (villages) in bold caps
    pts = drawn.geometry.representative_point()
    mark = drawn["model_status"].map({"recognised": "★ ", "in_progress": "◯ "}).fillna("")
    rec = pd.to_numeric(drawn["recognised"], errors="coerce") if "recognised" in drawn else pd.Series(np.nan, index=drawn.index)
    rec_text = rec.map(lambda y: "" if pd.isna(y) else " · " + fmt(MESSAGES, "recognised_year", lang, year=int(y)))
    rec_text = rec_text.where(drawn["model_status"].eq("recognised").fillna(False), "").astype(str)
    mark = mark.astype(str)  # text even when no unit is drawn (an empty map keeps numeric dtypes)
    texts = (mark + drawn["name"].astype(str) + "\n" + drawn["value_label"].astype(str) + rec_text).tolist()
    colors = [draw.TEXT_LIGHT if draw.luminance(c) < 0.35 else draw.TEXT_DARK for c in drawn["color"]]
    avoid = []
    if context is not None:
        ctx = context[context.geometry.notna()]
        cpts = ctx.geometry.representative_point()
        has_fill = ctx.geometry.map(lambda g: drawn.geometry.intersects(g.buffer(-1)).any())
        # a village with coloured hamlets inside is named at its top edge, others at their centre
        top = [draw_point_top(g) if f else p for g, p, f in zip(ctx.geometry, cpts, has_fill)]
        # on a crowded page (a whole district) only the villages holding coloured units are named
        names = [n.upper() if f or len(ctx) <= 40 else "" for n, f in zip(ctx["name"].astype(str), has_fill)]
        avoid = draw.place_labels(ax, fig, gpd.GeoSeries(top), names, ["#1a1a1a"] * len(ctx),
                                  fontsize=6.8 if len(ctx) <= 40 else 5.5, weight="bold")
    draw.place_labels(ax, fig, pts, texts, colors, fontsize=6.6 if len(drawn) > 12 else 7.5, avoid=avoid)

    page = _page(data, context, report, context_report, year=year, tier=tier, tier_name=tier_name, level=level,
                 fill_level=fill_level, indicator=indicator, cat=cat, units=units, unit=unit, lang=lang,
                 synthetic=synthetic, source=source, boundaries=boundaries, crs_name=crs_name,
                 by_village=by_village, extra_notes=extra_notes)
    draw.finish_page(fig, ax, panel, page)
    return fig


def draw_point_top(geom: Any) -> Any:
    """A point inside ``geom`` near its top edge (for a village name above its hamlets)."""
    from shapely.geometry import LineString
    minx, miny, maxx, maxy = geom.bounds
    y = maxy - (maxy - miny) * 0.12
    chord = LineString([(minx - 1, y), (maxx + 1, y)]).intersection(geom)
    return chord.centroid if not chord.is_empty else geom.representative_point()


def _place(units: pd.DataFrame, unit: str | None, year: int, lang: str) -> str:
    """``Xã Tân Lập (06352)``-style name of the mapped area, or "all units"."""
    if not unit:
        return fmt(MESSAGES, "all_district", lang)
    if in_year(units[units["code"].astype(str) == str(unit)], year).empty:
        return str(unit)
    return f"{display_name(units, str(unit), year, lang)} ({unit})"


def _page(data: gpd.GeoDataFrame, context: Any, report: JoinReport, context_report: JoinReport | None, *,
          year: int, tier: str, tier_name: str, level: str, fill_level: str, indicator: str | None, cat: Any,
          units: pd.DataFrame, unit: str | None, lang: str, synthetic: bool, source: str, boundaries: str,
          crs_name: str, by_village: bool = False, extra_notes: list[str] | None = None) -> draw.Page:
    """Titles, legend entries and footnotes of a map page."""
    place = _place(units, unit, year, lang)
    legend: list[Any] = []
    notes: list[str] = []
    if indicator is None:
        total = int(data.attrs.get("count_total", 0))
        title = fmt(MESSAGES, "title_criteria", lang, tier=tier_name)
        legend_title = fmt(MESSAGES, "legend_count", lang, total=total)
        classes = count_classes(total)
        for (lo, hi), c in zip(classes, count_colors(pd.Series([lo for lo, _ in classes], dtype="float64"), total)):
            legend.append(draw.patch(c, count_class_label(lo, hi, total)))
    else:
        ind = cat.indicators if cat is not None else pd.DataFrame()
        row = ind[(ind["tier"] == tier) & (ind["indicator"].astype(str) == str(indicator))] if not ind.empty else ind
        name = pick((row["name_vi"].iloc[0], row["name_en"].iloc[0]), lang) if len(row) else str(indicator)
        title = fmt(MESSAGES, "title_village" if by_village else "title_indicator", lang, indicator=indicator, name=name)
        legend_title = fmt(MESSAGES, "legend_village" if by_village else "legend_status", lang) + f" — {tier_name}"
        present = set(data["status"])
        for status, style in STATUS_PALETTE.items():
            if status in present or status in ("met", "not_met", "missing"):
                legend.append(draw.patch(style["color"], label(STATUS_LABELS, status, lang), style["hatch"]))
        thr = data.dropna(subset=["threshold"]) if "threshold" in data else data.iloc[0:0]
        if len(thr):
            t = thr.iloc[0]
            value = number_label(t["threshold"], lang)
            comp = str(row["comparator"].iloc[0]) if by_village and len(row) else str(t["comparator"])
            comparator = {">=": "≥", "<=": "≤", "==": "="}.get(comp, comp)
            meas = cat.measures.set_index("measure") if cat is not None else pd.DataFrame()
            unit_of = unit_label(meas["unit"].get(t["measure"], ""), lang) if "unit" in meas else ""
            boolean = by_village and str(t["comparator"]) == "true"
            unit_of = (fmt(MESSAGES, "pct_villages", lang) if boolean and unit_of.startswith("%")
                       else "%" if unit_of.startswith("%") else unit_of)
            notes.append(fmt(MESSAGES, "village_threshold" if by_village else "threshold", lang, comparator=comparator,
                             threshold=value).rstrip()
                         + (f"{'' if unit_of.startswith('%') else ' '}{unit_of}" if unit_of else "")
                         + (". " + fmt(MESSAGES, "village_boolean", lang) if boolean else ""))
        elif by_village and data["comparator"].eq("true").any():
            notes.append(fmt(MESSAGES, "village_boolean", lang))
        if by_village:
            notes = [*(extra_notes or []), *notes, fmt(MESSAGES, "village_aid", lang)]
        ts = data["threshold_status"].dropna() if "threshold_status" in data else pd.Series(dtype=str)
        if len(ts) and ts.ne("verified").any():
            notes.append(fmt(MESSAGES, "unverified", lang, status=label(THRESHOLD_STATUS_LABELS, ts[ts.ne("verified")].iloc[0], lang)))
    if data["hatch"].astype(bool).any() and indicator is None:
        legend.append(draw.patch(STATUS_PALETTE["missing"]["color"], fmt(MESSAGES, "no_data", lang), STATUS_PALETTE["missing"]["hatch"]))
    if context is not None:
        legend.append(draw.patch("none", fmt(MESSAGES, "context", lang, level=label(LEVEL_LABELS, level, lang)), edge="#1a1a1a"))
    for status in ("recognised", "in_progress"):
        if data["model_status"].eq(status).any():
            legend.append(draw.line_handle(fmt(MESSAGES, f"model_{status}", lang), MODEL_STYLE[status]))

    missing = [r for rep in (report, context_report) if rep is not None for r in rep.units_without_geometry.itertuples(index=False)]
    if missing:
        listed = "; ".join(f"{r.code} {r.name}" for r in missing[:25]) + (" …" if len(missing) > 25 else "")
        notes.append(fmt(MESSAGES, "no_geometry", lang, n=len(missing), units=listed))
    unmatched = [r for rep in (report, context_report) if rep is not None for r in rep.unmatched_features.itertuples(index=False)]
    if unmatched:
        listed = "; ".join(f"#{r.row} {r.code} {r.name}".strip() for r in unmatched[:15])
        notes.append(fmt(MESSAGES, "unmatched", lang, n=len(unmatched), features=listed))
    notes.append(fmt(MESSAGES, "source", lang, source=source or "—", boundaries=boundaries or "—")
                 + " " + fmt(MESSAGES, "crs", lang, crs=crs_name))
    subtitle = fmt(MESSAGES, "subtitle", lang, place=place, year=year)
    return draw.Page(title=title, subtitle=subtitle, legend_title=legend_title, legend=legend, notes=notes,
                     warning=pick(SYNTHETIC_NOTES, lang) if synthetic else "")
