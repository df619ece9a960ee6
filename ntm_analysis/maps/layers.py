"""Static maps of attainment (communes, villages, model residential areas) and the GeoPackage export.

Maps colour what :func:`ntm_analysis.assess.attainment.assess` decided; nothing here recomputes attainment.
One status palette (:data:`STATUS_PALETTE`, data, Okabe-Ito colours safe for colour-blind readers)
is used by every map and year. Boundaries are read and joined in ``boundaries.py``; drawing
primitives live in ``map_draw.py``. Print-ready: A4 portrait, 300 dpi, PNG or PDF. See docs/maps.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from ntm_analysis.maps import draw
from ntm_analysis.errors import KeyedError
from ntm_analysis.outputs import atomic_write
from ntm_analysis.maps.joins import JoinReport
from ntm_analysis.maps.crs import crs_label
from ntm_analysis.i18n import check_lang, fmt, number_label
from ntm_analysis.io.columnar import as_text

#: Colour and hatch of each status, the same in every map, year and output (legend set).
STATUS_PALETTE: dict[str, dict[str, str]] = {
    "met": {"color": "#009E73", "hatch": ""},
    "not_met": {"color": "#D55E00", "hatch": ""},
    "missing": {"color": "#D9D9D9", "hatch": "////"},
    "not_applicable": {"color": "#FFFFFF", "hatch": ""},
    "unknown_threshold": {"color": "#F0E442", "hatch": "..."},
}
#: Sequential colour scale for "number of criteria met" (light = few, dark = many).
COUNT_CMAP = "YlGn"
#: Outline and marker of model residential areas (khu dân cư NTM kiểu mẫu).
MODEL_STYLE: dict[str, dict[str, Any]] = {
    "recognised": {"edgecolor": "#000000", "linewidth": 2.6, "linestyle": "-", "marker": "*",
                   "markerfacecolor": "#000000"},
    "in_progress": {"edgecolor": "#000000", "linewidth": 1.8, "linestyle": (0, (4, 2)), "marker": "o",
                    "markerfacecolor": "#ffffff"},
}
#: The warning on maps of synthetic data or illustrative boundaries, (vi, en).
SYNTHETIC_NOTES = ("Dữ liệu tổng hợp (synthetic) — ranh giới minh họa, không phải ranh giới chính thức",
                   "Synthetic data — illustrative boundaries, not official ones")
SYNTHETIC_NOTE = SYNTHETIC_NOTES[0]

MESSAGES: dict[str, tuple[str, str]] = {
    "title_criteria": ("Số tiêu chí đạt — {tier}", "Criteria met — {tier}"),
    "title_indicator": ("Chỉ tiêu {indicator}: {name}", "Indicator {indicator}: {name}"),
    "subtitle": ("{place} — năm {year}", "{place} — {year}"),
    "legend_count": ("Số tiêu chí đạt (trên {total})", "Criteria met (of {total})"),
    "legend_status": ("Tình trạng chỉ tiêu", "Indicator status"),
    "no_data": ("Không có dữ liệu", "No data"),
    "context": ("{level} (đường viền, tên)", "{level} (outline, name)"),
    "model_recognised": ("KDC NTM kiểu mẫu đã công nhận", "Model residential area, recognised"),
    "model_in_progress": ("KDC NTM kiểu mẫu đang xây dựng", "Model residential area, in progress"),
    "recognised_year": ("công nhận {year}", "recognised {year}"),
    "threshold": ("Ngưỡng: {comparator} {threshold}", "Threshold: {comparator} {threshold}"),
    "unverified": ("Lưu ý về ngưỡng: {status}.", "Note on the threshold: {status}."),
    "source": ("Nguồn dữ liệu: {source}. Ranh giới: {boundaries}.", "Data source: {source}. Boundaries: {boundaries}."),
    "no_geometry": ("Không có ranh giới, không vẽ ({n}): {units}", "Without geometry, not drawn ({n}): {units}"),
    "unmatched": ("Đối tượng bản đồ không khớp đơn vị ({n}): {features}", "Map features matching no unit ({n}): {features}"),
    "crs": ("Hệ tọa độ: {crs}", "CRS: {crs}"),
    "all_district": ("Toàn bộ đơn vị", "All units"),
    "bool_yes": ("có", "yes"),
    "bool_no": ("không", "no"),
    "unknown_indicator": (
        "Không có chỉ tiêu {indicator} trong hạng {tier} của kết quả đánh giá; có: {choices}.",
        "Indicator {indicator} is not in tier {tier} of the assessment; available: {choices}.",
    ),
    "tier_level": (
        "Hạng {tier} được đánh giá cho cấp {tier_level}, không vẽ được ở cấp {level}; dùng --level {tier_level} "
        "hoặc một hạng của cấp dưới ({choices}).",
        "Tier {tier} is assessed for {tier_level} units and cannot be mapped at {level} level; use --level "
        "{tier_level} or a tier of a lower level ({choices}).",
    ),
    "title_village": ("Chỉ tiêu {indicator} theo từng thôn: {name}", "Indicator {indicator} village by village: {name}"),
    "legend_village": ("Giá trị của thôn so với ngưỡng của xã", "Village value against the commune threshold"),
    "village_threshold": ("Ngưỡng xã phải đạt: {comparator} {threshold}", "Threshold the commune must meet: {comparator} {threshold}"),
    "pct_villages": ("% số thôn", "% of villages"),
    "village_boolean": ("Mỗi thôn: có = đạt, không = chưa đạt.", "Each village: yes = met, no = not met."),
    "village_aid": (
        "Mỗi thôn được so với ngưỡng xã phải đạt để tìm nơi xã còn thiếu; đây không phải kết quả đánh giá "
        "chính thức của thôn (xã được đánh giá theo giá trị tổng hợp các thôn).",
        "Each village is compared with the threshold the commune must meet, to find where the commune falls "
        "short; this is not an official assessment of the village (the commune is assessed on the roll-up).",
    ),
    "commune_value": ("Giá trị đánh giá của {place}: {value} — {status}", "Assessed value of {place}: {value} — {status}"),
    "indicator_level": (
        "Chỉ tiêu {indicator} của hạng {tier} không nhập theo thôn, không vẽ được ở cấp thôn; "
        "các chỉ tiêu nhập theo thôn: {choices}.",
        "Indicator {indicator} of tier {tier} is not entered per village and cannot be mapped at village level; "
        "indicators entered per village: {choices}.",
    ),
    "no_village_rows": (
        "Chưa có giá trị từng thôn của chỉ tiêu {indicator}; truyền village_rows=assess_villages(...).",
        "No village values for indicator {indicator}; pass village_rows=assess_villages(...).",
    ),
    "no_layer": (
        "Chưa có lớp ranh giới cấp {level}; khai báo [boundaries] {level} trong dataset.toml hoặc dùng --boundaries.",
        "No boundary layer for level {level}; set [boundaries] {level} in dataset.toml or pass --boundaries.",
    ),
}


class MapError(KeyedError, ValueError):
    """A map that cannot be drawn from the given arguments: message ``key`` of this module's ``MESSAGES``."""

    MESSAGES = MESSAGES


# --- data layers --------------------------------------------------------------------------------


def classify(layer: gpd.GeoDataFrame, statuses: pd.DataFrame) -> gpd.GeoDataFrame:
    """Attach ``status`` (by ``code``; ``missing`` when a unit has no row) and its palette ``color``
    and ``hatch`` to every unit of ``layer``; other columns of ``statuses`` are kept."""
    out = layer.merge(as_text(statuses), on="code", how="left")  # the layer's columns stay text
    out["status"] = out["status"].astype("string").fillna("missing")
    unknown = set(out["status"]) - set(STATUS_PALETTE)
    if unknown:
        raise ValueError(f"status not in STATUS_PALETTE: {sorted(unknown)}")
    out["color"] = out["status"].map({k: v["color"] for k, v in STATUS_PALETTE.items()}).astype(str)
    out["hatch"] = out["status"].map({k: v["hatch"] for k, v in STATUS_PALETTE.items()}).astype(str)
    return out


def count_classes(total: int) -> list[tuple[int, int]]:
    """Classes ``(lo, hi)`` of "criteria met" shown on a map, inclusive, lowest first: one class per
    count up to 10 criteria; above, ``0..n/2-1``, ``n/2..3n/4-1``, ``3n/4..n-2``, then ``n-1`` and
    ``n`` alone, so that one criterion short (18/19) never looks like all met (19/19)."""
    total = max(int(total), 0)
    if total <= 10:
        return [(k, k) for k in range(total + 1)]
    half, three_q = total // 2, (3 * total) // 4
    return [(0, half - 1), (half, three_q - 1), (three_q, total - 2), (total - 1, total - 1), (total, total)]


def count_class_label(lo: int, hi: int, total: int) -> str:
    """``18/19`` for one count, ``14–17/19`` for a class of several."""
    return f"{lo}/{total}" if lo == hi else f"{lo}–{hi}/{total}"


def count_colors(met: pd.Series, total: int) -> pd.Series:
    """Colour of each count ``met`` (0..total): the colour of its class (:func:`count_classes`) on
    the sequential scale, the top class darkest; the missing colour for NA. The map and its legend
    use these same classes."""
    cmap = colormaps[COUNT_CMAP]
    classes = count_classes(total)
    n = len(classes)
    shades = [to_hex(cmap(0.12 + 0.88 * i / max(n - 1, 1))) for i in range(n)]
    values = pd.to_numeric(met, errors="coerce")

    def colour(v: float) -> str:
        if pd.isna(v):
            return STATUS_PALETTE["missing"]["color"]
        return next((shades[i] for i, (lo, hi) in enumerate(classes) if lo <= v <= hi), shades[-1])

    return values.map(colour).astype(str)


def criteria_layer(joined: gpd.GeoDataFrame, units_table: pd.DataFrame, year: int, tier: str) -> gpd.GeoDataFrame:
    """Units with ``criteria_met``/``criteria_total``/``reached``/``recognised`` of ``tier`` in ``year``,
    a sequential ``color`` (no-data colour and hatch when the unit was not assessed) and a ``value_label``."""
    rows = as_text(units_table[(units_table["year"] == year) & (units_table["tier"] == tier)])
    if "criteria_missing" in rows:  # a unit with no data at all (e.g. a town) is "no data", not 0/19
        rows = rows[rows["criteria_missing"].lt(rows["criteria_total"])]
    out = joined.merge(rows[["code", "criteria_met", "criteria_total", "reached", "recognised"]], on="code", how="left")
    total = int(pd.to_numeric(out["criteria_total"], errors="coerce").max()) if out["criteria_total"].notna().any() else 0
    out["color"] = count_colors(out["criteria_met"], total)
    out["hatch"] = np.where(out["criteria_met"].isna(), STATUS_PALETTE["missing"]["hatch"], "")
    met = pd.to_numeric(out["criteria_met"], errors="coerce")
    tot = pd.to_numeric(out["criteria_total"], errors="coerce")
    out["value_label"] = (met.astype("Int64").astype("string") + "/" + tot.astype("Int64").astype("string")).fillna("–")
    out.attrs["count_total"] = total
    return out


def format_value(value: pd.Series, kind: pd.Series | str, lang: str = "vi",
                 levels: pd.Series | None = None, unit: pd.Series | str = "") -> pd.Series:
    """Values as labels: booleans as có/không, levels by name, numbers with a decimal comma in vi."""
    kind = pd.Series(kind, index=value.index) if isinstance(kind, str) else kind
    unit = pd.Series(unit, index=value.index) if isinstance(unit, str) else unit.fillna("")
    num = value.map(lambda v: number_label(v, lang))  # the one number rule of every output
    pct = unit.astype(str).str.startswith("%")
    out = num.where(~pct | num.eq(""), num + "%")
    yes, no = fmt(MESSAGES, "bool_yes", lang), fmt(MESSAGES, "bool_no", lang)
    out = out.mask(kind.eq("boolean") & value.eq(1), yes).mask(kind.eq("boolean") & value.eq(0), no)
    if levels is not None:
        named = pd.Series([lv[int(v) - 1] if isinstance(lv, (list, tuple)) and pd.notna(v) and 1 <= v <= len(lv) else None
                           for v, lv in zip(value, levels)], index=value.index)
        out = out.mask(kind.eq("level") & named.notna(), named)
    return out.fillna("")


def indicator_layer(joined: gpd.GeoDataFrame, indicators: pd.DataFrame, year: int, tier: str, indicator: str,
                    measures: pd.DataFrame | None = None, lang: str = "vi") -> gpd.GeoDataFrame:
    """Units coloured by the status of one indicator (met / not met / no data ...), with the value as
    ``value_label``. Raises :class:`MapError` when the indicator is not in the assessment for ``tier``."""
    rows = as_text(indicators[(indicators["year"] == year) & (indicators["tier"] == tier)])
    if not rows["indicator"].astype(str).eq(str(indicator)).any():
        choices = ", ".join(sorted(rows["indicator"].astype(str).unique(), key=_indicator_order)[:40])
        raise MapError("unknown_indicator", indicator=indicator, tier=tier, choices=choices)
    rows = rows[rows["indicator"].astype(str) == str(indicator)]
    keep = ["code", "status", "value", "threshold", "comparator", "measure", "threshold_status"]
    out = classify(joined, rows[[c for c in keep if c in rows]])
    meas = (measures.set_index("measure") if measures is not None and not measures.empty else pd.DataFrame())
    m = out["measure"].map(lambda k: meas.loc[k] if k in meas.index else None) if not meas.empty else None
    kind = out["measure"].map(meas["kind"]) if m is not None else pd.Series("number", index=out.index)
    unit = out["measure"].map(meas["unit"]) if m is not None else ""
    levels = out["measure"].map(meas["levels"]) if m is not None and "levels" in meas else None
    if levels is not None:  # the levels' names in the map's language
        from ntm_analysis.i18n import level_value  # noqa: PLC0415

        levels = levels.map(lambda lv: [level_value(x, lang) for x in lv] if isinstance(lv, (list, tuple)) else lv)
    out["value_label"] = format_value(out["value"], kind.fillna("number"), lang, levels, unit)
    return out


def _indicator_order(code: str) -> tuple:
    """Sort key for indicator codes such as ``2.10`` after ``2.9``."""
    return tuple(int(p) if p.isdigit() else 0 for p in str(code).split("."))


def model_areas(units_table: pd.DataFrame, year: int, tier: str, max_gap: int = 1) -> pd.DataFrame:
    """Model residential areas in ``year`` (units of the hamlet-level ``tier``, e.g. the catalogue's
    ``map_tier("village")``): ``recognised`` (recognised in or before ``year``) or ``in_progress``
    (not recognised, at most ``max_gap`` criteria still to meet). Columns ``code``,
    ``model_status``, ``recognised``."""
    rows = as_text(units_table[(units_table["year"] == year) & (units_table["tier"] == tier)]).copy()
    gap = pd.to_numeric(rows["criteria_total"]) - pd.to_numeric(rows["criteria_met"])
    status = np.select([rows["recognised"].notna(), gap.le(max_gap)], ["recognised", "in_progress"], default="")
    rows["model_status"] = status
    return rows.loc[rows["model_status"].ne(""), ["code", "model_status", "recognised"]].reset_index(drop=True)


def save_figure(fig: Figure, path: str | Path, fmt_: str | None = None, dpi: int = draw.DPI) -> Path:
    """Save ``fig`` as PNG or PDF (from ``fmt_`` or the suffix) at ``dpi``, atomically."""
    path = Path(path)
    kind = (fmt_ or path.suffix.lstrip(".") or "png").lower()
    return atomic_write(path, lambda tmp: fig.savefig(tmp, format=kind, dpi=dpi, metadata=None if kind == "png" else {}))


# --- the map ------------------------------------------------------------------------------------


@dataclass
class MapResult:
    """A drawn map, the layer it coloured (projected CRS) and what did not join."""

    figure: Figure
    layer: gpd.GeoDataFrame
    report: JoinReport
    context_report: JoinReport | None = None


def tier_info(catalogue: Any, tier: str, lang: str) -> tuple[str, str]:
    """Display name and unit level of ``tier`` (the id and ``commune`` without a catalogue)."""
    if catalogue is None or tier not in set(catalogue.tiers["tier"]):
        return tier, "commune"
    row = catalogue.tiers.set_index("tier").loc[tier]
    return str(row["name_vi"] if lang == "vi" else row["name_en"]), str(row["unit_level"])


def village_indicators(catalogue: Any, tier: str) -> list[str]:
    """Codes of the indicators of a commune ``tier`` whose measure is entered per village (each
    village's own value can be mapped against the commune threshold, see ``assess.assess_villages``)."""
    if catalogue is None:
        return []
    ind = catalogue.indicators.merge(catalogue.measures[["measure", "level"]].rename(columns={"level": "m_level"}),
                                     on="measure")
    ok = ind["tier"].eq(tier) & ind["m_level"].eq("village") & ind["unit_level"].isin(["province", "district", "commune"])
    return ind.loc[ok, "indicator"].astype(str).tolist()


def village_indicator_map(catalogue: Any, level: str, tier: str | None, indicator: str | None) -> bool:
    """True when the map colours villages by their own value of an indicator of a commune tier."""
    tier = tier or catalogue.map_tier(level)
    return (indicator is not None and level == "village"
            and tier_info(catalogue, tier, "vi")[1] in ("province", "district", "commune"))


def map_levels(catalogue: Any, level: str, tier: str | None = None, indicator: str | None = None) -> tuple[str, str]:
    """``(tier, fill_level)``: the tier mapped (default per level) and the level whose units are
    coloured (the hamlets of a hamlet-level tier on a village map; the villages themselves for an
    indicator of a commune tier entered per village; else ``level``). Without ``tier``: the
    catalogue's map tier of ``level`` (``Catalogue.map_tier``); a village map of an indicator that
    tier lacks maps the indicator of the communes' map tier entered per village."""
    if tier is None and level == "village" and indicator is not None and catalogue is not None:
        own = catalogue.indicators.loc[catalogue.indicators["tier"].eq(catalogue.map_tier(level)), "indicator"].astype(str)
        commune_tier = catalogue.map_tier("commune")
        if str(indicator) not in set(own) and str(indicator) in village_indicators(catalogue, commune_tier):
            tier = commune_tier
    tier = tier or catalogue.map_tier(level)
    _, tier_level = tier_info(catalogue, tier, "vi")
    if village_indicator_map(catalogue, level, tier, indicator):
        choices = village_indicators(catalogue, tier)
        if str(indicator) not in choices:
            raise MapError("indicator_level", indicator=indicator, tier=tier, choices=", ".join(choices) or "—")
        return tier, "village"
    fill = tier_level if level in ("village", "hamlet") and tier_level in ("village", "hamlet") else level
    if tier_level != fill:
        lower = [t for t, lv in (catalogue.tier_levels().items() if catalogue is not None else ())
                 if lv in ("village", "hamlet")]
        raise MapError("tier_level", tier=tier, tier_level=tier_level, level=level, choices=", ".join(lower) or "—")
    return tier, fill


def default_output(dataset_name: str, year: int, level: str, tier: str, unit: str | None,
                   indicator: str | None, ext: str) -> Path:
    """``<dataset>-<level>-<unit|all>-<year>-<tier>[-i<indicator>].<ext>`` in the current directory."""
    parts = [dataset_name, level, unit or "all", str(year), tier] + ([f"i{indicator}"] if indicator else [])
    return Path("-".join(parts).replace("/", "_") + f".{ext}")
