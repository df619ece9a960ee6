"""The report context: the dataset, the catalogue in force and the assessment that a report shows,
read, checked and assessed once.

A batch (``ntm report``) loads the dataset and its catalogues once (``io.dataset.load_dataset``;
``catalogue.periods.catalogue_for_year`` reuses the catalogues the dataset was checked against),
assesses it once and writes the result to a pickle in the output folder
(:func:`write_context_cache`); every notebook of the batch then reads that pickle
(:func:`report_context` with ``context_cache=``) instead of loading again. A notebook run on its own
(papermill, Jupyter) loads the dataset itself, once.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from ntm_analysis.assess.attainment import AssessError, assess
from ntm_analysis.catalogue.periods import catalogue_for_year
from ntm_analysis.i18n import check_lang
from ntm_analysis.io.dataset import load_dataset
from ntm_analysis.io.names import resolve_unit
from ntm_analysis.report.views import ReportContext
from ntm_analysis.units import display_name, in_year


def load_context(dataset_path: str | Path, catalogue: Any = None, year: int | None = None, lang: str = "vi",
                 data: Any = None, cat: Any = None) -> tuple[Any, Any, Any]:
    """``(dataset, catalogue, assessment)`` of a report: the dataset read and checked once (``data``
    when already loaded), the catalogue in force in ``year`` (``cat`` when already chosen; else
    ``catalogue_for_year``: ``catalogue`` given, else dataset.toml's for the year, else the
    default) and the assessment of every unit and year under that catalogue.

    Raises ``DatasetError`` (bad dataset), ``CatalogueError`` (a catalogue that cannot be loaded)."""
    ds = data if data is not None else load_dataset(dataset_path, catalogue, lang=lang)
    cat = cat if cat is not None else catalogue_for_year(ds, year, catalogue)
    return ds, cat, assess(ds, cat)


def write_context_cache(dataset_path: Path, catalogue: str | None, out_dir: Path, data: Any = None,
                        cat: Any = None, year: int | None = None) -> Path:
    """Load, validate and assess the dataset once for a whole batch (:func:`load_context`) and write
    it to a temporary pickle in ``out_dir``; the batch's notebooks read it instead of repeating the
    work in every report (see benchmarks/). ``data``/``cat``: the dataset and catalogue already
    loaded from ``dataset_path`` / ``catalogue`` (read here otherwise). Returns the pickle's path
    (the caller removes it after the batch)."""
    ds, cat, assessment = load_context(dataset_path, catalogue, year, data=data, cat=cat)
    out_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".context.", suffix=".pkl", dir=out_dir)
    with os.fdopen(fd, "wb") as fh:
        pickle.dump({"dataset_path": str(Path(dataset_path).resolve()), "dataset": ds, "catalogue": cat,
                     "assessment": assessment}, fh)
    return Path(tmp)


def read_context_cache(context_cache: str | Path | None, dataset_path: str | Path) -> dict[str, Any] | None:
    """The batch's cached ``dataset``, ``catalogue`` and ``assessment`` (:func:`write_context_cache`),
    or None when there is no cache or it was written for another dataset."""
    if not context_cache or not Path(context_cache).exists():
        return None
    with open(context_cache, "rb") as fh:
        cached = pickle.load(fh)  # written by write_context_cache for this batch
    return cached if cached.get("dataset_path") == str(Path(dataset_path).resolve()) else None


def report_context(dataset: str | Path, year: int, unit: str, catalogue: str | None = None, lang: str = "vi",
                   tier: str | None = None, context_cache: str | None = None) -> ReportContext:
    """The context of one report: the batch's cached dataset, catalogue and assessment (else loaded
    here, once: :func:`load_context`), and ``unit`` (name in any Unicode form or tone placement, or
    code) resolved among the units valid in ``year``.

    Raises ``DatasetError``, ``CatalogueError``, ``UnitLookupError`` (unknown or ambiguous unit) and
    ``AssessError`` (a ``tier`` the catalogue does not have)."""
    check_lang(lang)
    cached = read_context_cache(context_cache, dataset)
    if cached:
        ds, cat, assessment = cached["dataset"], cached["catalogue"], cached["assessment"]
    else:
        ds, cat, assessment = load_context(dataset, catalogue, int(year), lang)  # the catalogue in force in the year
    units = ds.units
    valid = in_year(units, year)
    code = resolve_unit(valid, _code_text(unit, valid), year=year)
    if tier is not None and tier not in cat.tier_ids():
        raise AssessError("unknown_tier", lang=lang, tiers=tier, catalogue=cat.meta.get("id", "?"),
                          choices=", ".join(cat.tier_ids()))
    return ReportContext(ds, cat, assessment, code, display_name(units, code, year), int(year), lang, tier or None)


def _code_text(unit: object, units: pd.DataFrame) -> str:
    """The unit as text; a number (papermill's ``-p unit 06352`` arrives as 6352) gets back the
    leading zeros of the code it stands for (GSO codes have 2, 3 or 5 digits)."""
    if isinstance(unit, bool) or not isinstance(unit, int):
        return str(unit)
    codes = set(units["code"].astype(str))
    return next((str(unit).zfill(w) for w in (0, 2, 3, 5) if str(unit).zfill(w) in codes), str(unit))
