"""Which catalogue is in force in a year: one catalogue per period of a dataset.

A dataset names its catalogues by period in ``dataset.toml``::

    [catalogues]
    "2021-2025" = "lang-son-2022-2025"
    "2026-2030" = "qd51-2026-2030"

:func:`catalogue_for_year` is the one place that decides which catalogue assesses a year; every
command, notebook and export goes through it. Order of precedence: a catalogue given explicitly
(``--catalogue``, a notebook's ``catalogue`` parameter) for every year; else the period of
``[catalogues]`` holding the year; else ``catalogue = ...`` of dataset.toml; else the default
catalogue. Years of different catalogues are assessed separately and never compared as one series
(19 criteria in 2021-2025, 10 from 2026).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable

from ntm_analysis.catalogue.model import DEFAULT_CATALOGUE, Catalogue, load_catalogue

__all__ = ["catalogue_for_year", "catalogue_ref", "catalogues_by_year", "parse_periods",
           "period_catalogues", "period_notice"]

PERIOD = re.compile(r"^\s*(\d{4})\s*[-–]\s*(\d{4})\s*$")


def parse_periods(table: Any) -> tuple[list[tuple[int, int, str]], list[str]]:
    """``[catalogues]`` of dataset.toml → sorted ``(first year, last year, catalogue ref)`` and the
    entries that are not ``"YYYY-YYYY" = "id or path"`` with first ≤ last (as ``key = value`` text)."""
    periods: list[tuple[int, int, str]] = []
    bad: list[str] = []
    if not isinstance(table, dict):
        return periods, ([] if table is None else [repr(table)])
    for key, ref in table.items():
        m = PERIOD.match(str(key))
        if not m or not isinstance(ref, str) or not ref.strip() or int(m.group(1)) > int(m.group(2)):
            bad.append(f"{key} = {ref!r}")
            continue
        periods.append((int(m.group(1)), int(m.group(2)), ref.strip()))
    periods.sort()
    for (lo, hi, _), (lo2, _, _) in zip(periods, periods[1:]):
        if lo2 <= hi:
            bad.append(f"{lo}-{hi} / {lo2}-…")
    return periods, bad


def catalogue_ref(meta: dict[str, Any] | None, year: int | None) -> str | Path | None:
    """The catalogue reference (id or path) a dataset names for ``year`` (see module docstring);
    None = the default catalogue."""
    meta = meta or {}
    periods, _ = parse_periods(meta.get("catalogues"))
    ref: str | None = None
    if year is not None:
        ref = next((r for lo, hi, r in periods if lo <= int(year) <= hi), None)
    return ref or meta.get("catalogue")


def _meta_and_loaded(dataset: Any) -> tuple[dict[str, Any], dict[str, Catalogue]]:
    """dataset.toml's meta and the catalogues already loaded, of a ``Dataset`` or of a meta dict."""
    if dataset is None or isinstance(dataset, dict):
        return dataset or {}, {}
    return getattr(dataset, "meta", None) or {}, getattr(dataset, "catalogues", None) or {}


def catalogue_for_year(dataset: Any, year: int | None, override: Catalogue | str | Path | None = None) -> Catalogue:
    """THE catalogue in force for ``year`` in ``dataset`` (a ``Dataset``, or the meta dict its
    dataset.toml gave): ``override`` when given (a Catalogue, id or path), else by period, else the
    dataset's catalogue, else the default. A catalogue the Dataset was checked against
    (``Dataset.catalogues``) is reused, never loaded again. Raises ``CatalogueError`` when it
    cannot be loaded."""
    if isinstance(override, Catalogue):
        return override
    meta, loaded = _meta_and_loaded(dataset)
    ref = override if override is not None else (catalogue_ref(meta, year) or DEFAULT_CATALOGUE)
    found = loaded.get(str(ref))
    return found if found is not None else load_catalogue(ref)


def catalogues_by_year(dataset: Any, years: Iterable[int],
                       override: Catalogue | str | Path | None = None) -> list[tuple[Catalogue, list[int]]]:
    """The years split by the catalogue in force, in year order: ``[(catalogue, [years]), ...]``
    (one entry per run of consecutive years under the same catalogue). ``dataset``: a ``Dataset``
    (its catalogues are reused) or dataset.toml's meta dict."""
    out: list[tuple[Catalogue, list[int]]] = []
    meta, _ = _meta_and_loaded(dataset)
    loaded: dict[str, Catalogue] = {}
    for year in sorted({int(y) for y in years}):
        ref = override if override is not None else (catalogue_ref(meta, year) or DEFAULT_CATALOGUE)
        key = ref.meta["id"] if isinstance(ref, Catalogue) else str(ref)
        cat = loaded.get(key) or catalogue_for_year(dataset, year, ref)
        loaded[key] = cat
        if out and out[-1][0] is cat:
            out[-1][1].append(year)
        else:
            out.append((cat, [year]))
    return out


def period_catalogues(dataset: Any) -> list[Catalogue]:
    """Every catalogue named in ``[catalogues]`` (empty when the table is absent), in period order;
    ``dataset``: a ``Dataset`` (its catalogues are reused) or dataset.toml's meta dict."""
    meta, _ = _meta_and_loaded(dataset)
    periods, _ = parse_periods(meta.get("catalogues"))
    return [catalogue_for_year(dataset, lo) for lo, _, _ in periods]


PERIOD_NOTICE = (
    "Năm {years} được đánh giá theo bộ tiêu chí khác ({others}); báo cáo này chỉ dùng {id} ({n} tiêu chí, "
    "{lo}-{hi}): số tiêu chí đạt của hai bộ không so sánh với nhau.",
    "Years {years} are assessed under another criteria set ({others}); this report uses only {id} ({n} criteria, "
    "{lo}-{hi}): counts of the two sets are not comparable.",
)


def period_notice(meta: dict[str, Any] | None, catalogue: Catalogue, years: Iterable[int], lang: str = "vi") -> str:
    """The break an output shows when the dataset has years under another catalogue than ``catalogue``
    (e.g. 2021-2025 values in a 2026 report); "" when every year is under ``catalogue``."""
    lo, hi = int(catalogue.meta["period_from"]), int(catalogue.meta["period_to"])
    outside = sorted({int(y) for y in years} - set(range(lo, hi + 1)))
    if not outside:
        return ""
    others = sorted({str(catalogue_ref(meta, y) or DEFAULT_CATALOGUE) for y in outside} - {catalogue.meta["id"]})
    span = f"{outside[0]}-{outside[-1]}" if len(outside) > 1 else str(outside[0])
    return PERIOD_NOTICE[0 if lang == "vi" else 1].format(
        years=span, others=", ".join(others) or "?", id=catalogue.meta["id"],
        n=catalogue.criteria["criterion"].nunique(), lo=lo, hi=hi)
