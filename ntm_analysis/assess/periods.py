"""A unit's attainment over years that cross a change of criteria set (2021-2025 → 2026-2030).

Each year is assessed under the catalogue in force that year (``catalogue.periods.catalogues_by_year``,
the one rule of which catalogue assesses a year) and the rows keep the catalogue's id and a period
number, so that outputs can show the break and never compare counts of two sets as one series
(x/19 against x/10). A unit formed from earlier ones (a commune of 1/7/2025) follows its
predecessors combined by ``trends.successor_series``, as ``ntm trends`` does.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ntm_analysis.assess.attainment import assess
from ntm_analysis.catalogue.model import Catalogue
from ntm_analysis.catalogue.periods import catalogue_for_year, catalogues_by_year
from ntm_analysis.io.columnar import as_text
from ntm_analysis.units import unit_row


def units_across_periods(dataset: Any, code: str, year_to: int, override: Any = None,
                         lang: str = "vi") -> tuple[pd.DataFrame, list[Catalogue]]:
    """The unit summary rows (the columns of ``Assessment.units``: ``code``, ``year``, ``tier``,
    ``criteria_met``, ``criteria_total``, ``reached``, ``slipped`` …) of the unit with ``code`` that
    exists in ``year_to``, for every data year up to ``year_to``, each under the catalogue in force
    that year, plus ``catalogue`` (the catalogue's id) and ``period`` (0, 1, … in year order); and
    the catalogues of the periods, in year order.

    ``dataset``: a loaded :class:`~ntm_analysis.io.dataset.Dataset`; ``override``: a catalogue (or
    id/path) forced for every year (then there is one period). Before the unit existed, its
    predecessors' values are combined where the roll-up rule allows (``successor_series``). Raises
    ``LookupError`` (``UnitNotFound``) when no unit with ``code`` exists in ``year_to``."""
    years = sorted(int(y) for y in dataset.values["year"].unique() if int(y) <= int(year_to))
    row = unit_row(dataset.units, code, year_to)
    start = pd.to_numeric(pd.Series([row.get("valid_from")]), errors="coerce").iloc[0]
    source = dataset
    if years and pd.notna(start) and years[0] < int(start):  # formed from earlier units: follow them
        from ntm_analysis.assess.trends import successor_series  # noqa: PLC0415

        first = catalogue_for_year(dataset, years[0], override)  # the roll-up rules of the earlier years
        source, _ = successor_series(dataset, first, code, year_to, lang)
    frames, cats = [], []
    for period, (cat, pyears) in enumerate(catalogues_by_year(dataset, years, override)):
        res = assess(source, cat, years=pyears, units=[code], lang=lang)
        u = res.units[res.units["code"].eq(code) & res.units["year"].isin(pyears)]
        # text as str: periods' tiers differ, so their categoricals would not concatenate as one
        frames.append(as_text(u).assign(catalogue=str(cat.meta["id"]), period=period))
        cats.append(cat)
    if not frames:
        return pd.DataFrame(columns=["code", "year", "tier", "criteria_met", "criteria_total", "catalogue", "period"]), []
    return pd.concat(frames, ignore_index=True), cats


__all__ = ["units_across_periods"]
