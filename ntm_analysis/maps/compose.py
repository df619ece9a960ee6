"""A whole map: the one entry point that joins units to boundaries, projects, and lays out the page.

``make_map`` composes the stages of the map package: :mod:`~ntm_analysis.maps.layers` (data layers,
colours, levels), :mod:`~ntm_analysis.maps.boundaries` (joining units to features) and
:mod:`~ntm_analysis.maps.page` (the page). It lives apart from them so that the page may use the
layer helpers without an import circle.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import geopandas as gpd
import pandas as pd

from ntm_analysis.i18n import check_lang
from ntm_analysis.maps.boundaries import projected_crs
from ntm_analysis.maps.joins import join_scope, require_joined
from ntm_analysis.maps.layers import (
    MapError, MapResult, criteria_layer, indicator_layer, map_levels, model_areas, tier_info, village_indicator_map,
)
from ntm_analysis.maps.page import commune_note, render
from ntm_analysis.units import descendants


def make_map(assessment: Any, units: pd.DataFrame, layers: Mapping[str, gpd.GeoDataFrame], year: int,
             level: str = "commune", tier: str | None = None, indicator: str | None = None, unit: str | None = None,
             lang: str = "vi", synthetic: bool = False, source: str = "", province: str | None = None,
             village_rows: pd.DataFrame | None = None) -> MapResult:
    """Draw the criteria-met map (``indicator`` None) or the indicator map of ``level`` units.

    ``units``: the dataset's units table; ``layers``: boundary layers by level (as read by
    ``boundaries.read_boundaries``). A ``village`` map colours the hamlets of a hamlet-level tier
    (by default the catalogue's hamlet-level map tier) inside village outlines and names, and highlights model residential
    areas. ``unit`` limits the map to a unit and everything under it. Units without geometry are
    listed on the page, never dropped silently.

    A ``village`` map of an ``indicator`` of a commune tier whose measure is entered per village
    colours each village by its own value against the commune threshold: ``village_rows`` from
    ``assess.assess_villages`` (else village rows already in ``assessment.indicators``).

    Returns a ``MapResult``: ``figure`` (matplotlib, A4 page), ``layer`` (the coloured units, projected
    CRS), ``report``/``context_report`` (units and features that did not join). Raises ``MapError``
    (no layer for a level, no village rows for a village indicator map); save with
    ``maps.layers.save_figure``.
    """
    check_lang(lang)
    cat = getattr(assessment, "catalogue", None)
    tier, fill_level = map_levels(cat, level, tier, indicator)
    by_village = village_indicator_map(cat, level, tier, indicator)
    tier_name, tier_level = tier_info(cat, tier, lang)
    for lvl in {fill_level, level}:
        if lvl not in layers:
            raise MapError("no_layer", level=lvl)
    within = descendants(units, unit, year) if unit else None
    joined, report = join_scope(layers[fill_level], units, fill_level, year, within)
    require_joined(joined, report, layers[fill_level], fill_level)
    crs = projected_crs(layers[fill_level], province)
    joined = joined.to_crs(crs)
    context, context_report = None, None
    if level != fill_level:
        context, context_report = join_scope(layers[level], units, level, year, within)
        context = context.to_crs(crs)

    if indicator is None:
        data = criteria_layer(joined, assessment.units, year, tier)
    else:
        measures = cat.measures if cat is not None else None
        rows = assessment.indicators
        if by_village:
            rows = village_rows if village_rows is not None else rows[rows["code"].isin(joined["code"])]
            if not (rows["indicator"].astype(str).eq(str(indicator)) & rows["year"].eq(year)).any():
                raise MapError("no_village_rows", indicator=indicator)
        data = indicator_layer(joined, rows, year, tier, indicator, measures, lang)

    notes = commune_note(assessment.indicators, units, year, tier, indicator, unit, measures, lang) if by_village else []
    models = model_areas(assessment.units, year, tier) if tier_level == "hamlet" else pd.DataFrame(columns=["code", "model_status", "recognised"])
    total = data.attrs.get("count_total", 0)
    data = data.merge(models[["code", "model_status"]], on="code", how="left")
    data.attrs.update(joined.attrs, count_total=total)

    fig = render(data, context, report, context_report, year=year, tier=tier, tier_name=tier_name, level=level,
                 fill_level=fill_level, indicator=indicator, cat=cat, units=units, unit=unit, lang=lang,
                 by_village=by_village, extra_notes=notes,
                 synthetic=synthetic or bool(layers[fill_level].attrs.get("illustrative")), source=source,
                 boundaries=", ".join(dict.fromkeys(Path(str(layers[lv].attrs.get("path", ""))).name
                                                    for lv in (level, fill_level))), crs_name=crs.name)
    return MapResult(fig, data, report, context_report)
