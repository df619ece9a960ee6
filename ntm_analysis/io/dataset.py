"""The Dataset type and loading of a dataset folder (or workbook) into normalised tidy tables.

Reading (``readers.py``) gives every table as a polars text table (cells already NFC, invisible
characters removed). The values table stays polars through normalising (``values.py``: decimal
comma, percent signs, yes/no words, level labels, assessor words) and its rules
(``value_checks.py``), and becomes ``Dataset.values`` (pandas) and the engine's copy only at the
end; the small tables (units, recognitions, groups) are normalised and checked on pandas here and in
``validation.py``. Input files are only ever opened for reading.
See docs/data-format.md for the format and docs/architecture.md for the contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

from ntm_analysis.io import schemas
from ntm_analysis.io import validation as v
from ntm_analysis.io.columnar import CAT, text_frame
from ntm_analysis.io.groups import check_groups, normalised_groups
from ntm_analysis.io.names import level_of, split_type, type_display
from ntm_analysis.io.parsing import BOOL_WORDS, number_column, parse_bool, parse_levels, parse_numbers
from ntm_analysis.io.schemas import COLUMNS, with_columns
from ntm_analysis.io.value_checks import check_values
from ntm_analysis.io.values import ASSESSOR_WORDS, normalise_values
from ntm_analysis.catalogue.model import load_catalogue
from ntm_analysis.catalogue.periods import parse_periods
from ntm_analysis.io.readers import TABLES, read_raw
from ntm_analysis.io.validation import DatasetError, Problem, problem

__all__ = ["ASSESSOR_WORDS", "BOOL_WORDS", "COLUMNS", "Dataset", "dataset_ancestry", "dataset_frame", "latest_year",
           "load_catalogues", "load_dataset", "normalise_units", "normalise_values", "parse_bool", "parse_levels",
           "parse_numbers", "resolve_catalogue", "summarise_dataset"]

@dataclass(frozen=True)
class Dataset:
    """Units (hierarchy, validity, successors), long values, recognitions and metadata."""

    units: pd.DataFrame
    values: pd.DataFrame
    recognitions: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    problems: list[Any] = field(default_factory=list)
    #: groups.csv: ``code``, ``year``, ``group`` (commune group from that year on); empty when absent.
    groups: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"code": pd.Series(dtype="str"), "year": pd.Series(dtype="int64"), "group": pd.Series(dtype="str")}))
    #: The catalogues the values were checked against, loaded once by :func:`load_dataset`, by the
    #: reference that named them (``--catalogue``, a period's of dataset.toml, its ``catalogue`` or
    #: the default's id); ``catalogue.periods.catalogue_for_year`` reuses them. Empty when built by hand.
    catalogues: dict[str, Any] = field(default_factory=dict)
    #: The engine's (polars) copy of ``values``, made once (:func:`dataset_frame`); never copied by
    #: ``dataclasses.replace``. The tables of a Dataset are not changed in place.
    _frames: dict = field(default_factory=dict, init=False, repr=False, compare=False)


def dataset_frame(data: Dataset) -> Any:
    """``data.values`` as the columnar engine reads it (:func:`ntm_analysis.io.columnar.values_frame`),
    converted once per Dataset and kept (the same ``values`` object gives the same frame)."""
    from ntm_analysis.io.columnar import values_frame  # noqa: PLC0415

    held = data._frames.get("values")
    if held is None or held[0] is not data.values or held[1] != len(data.values):
        held = (data.values, len(data.values), values_frame(data.values))
        data._frames["values"] = held
    return held[2]


def dataset_ancestry(data: Dataset) -> tuple[pd.DataFrame, Any]:
    """``units.ancestry(data.units)`` and its polars copy (text keys Categorical, validity Int64),
    computed once per Dataset (the same ``units`` object gives the same tables)."""
    from ntm_analysis.io.columnar import add_validity, to_polars  # noqa: PLC0415
    from ntm_analysis.units import ancestry  # noqa: PLC0415

    held = data._frames.get("ancestry")
    if held is None or held[0] is not data.units or held[1] != len(data.units):
        anc = ancestry(data.units)
        held = (data.units, len(data.units), anc,
                to_polars(add_validity(anc), text=["code", "level", "ancestor", "ancestor_level"]))
        data._frames["ancestry"] = held
    return held[2], held[3]


# --- normalising -----------------------------------------------------------------------------------


def _map_unique(s: pd.Series, func: Any) -> pd.Series:
    """Apply ``func`` once per distinct value (text keys are few; rows are many)."""
    codes, uniq = pd.factorize(s, use_na_sentinel=True)
    mapped = np.array([func(x) for x in uniq] + [np.nan], dtype=object)  # last slot: NA (code -1)
    return pd.Series(mapped[codes], index=s.index, dtype=object)


def _map_text(s: pd.Series, func: Any) -> pd.Series:
    """``_map_unique`` for functions returning text (or None): a ``string`` Series."""
    return _map_unique(s, func).astype("string")


def _pandas_table(frame: pl.DataFrame) -> pd.DataFrame:
    """A small table as pandas: text as ``string`` (NA), whole numbers ``Int64``, ``_row`` int64."""
    out = text_frame(frame).to_pandas()
    for col, dtype in frame.schema.items():
        if col == "_row":
            out[col] = out[col].astype("int64")
        elif dtype == pl.Int64:
            out[col] = out[col].astype("Int64")
        elif not dtype.is_numeric():
            out[col] = out[col].astype("string")
    return out


def normalise_units(df: pl.DataFrame, file: str, out: list[Problem]) -> pd.DataFrame:
    """Levels and type words, names without the type word, numbers and years typed (pandas out)."""
    df = with_columns(df, "units")
    for col in ("households", "population", "valid_from", "valid_to"):
        df = df.with_columns(number_column(df, col, file, True, out))
    df = _pandas_table(df)
    level = _map_text(df["level"], level_of)
    level_type = _map_text(df["level"], type_display)
    df["type"] = _map_text(df["type"], lambda x: type_display(x) or x)
    split = _map_unique(df["name"], lambda x: split_type(x, normalised=True))  # cells are normalised
    prefix = split.map(lambda t: t[0], na_action="ignore").astype("string")
    bare = split.map(lambda t: t[1], na_action="ignore").astype("string")
    strip = (prefix.notna() & (_map_text(prefix, level_of) == level) & (df["type"].isna() | (df["type"] == prefix))).fillna(False)
    df["name"] = df["name"].where(~strip, bare)
    df["type"] = df["type"].where(~(strip & df["type"].isna()), prefix).fillna(level_type)
    df["level"] = level.fillna(df["level"])
    return df


def _text_columns(df: pd.DataFrame, numeric: set[str]) -> pd.DataFrame:
    """Text columns as pandas' default ``str`` dtype (NA kept)."""
    return df.assign(**{c: df[c].astype("str") for c in df.columns if c not in numeric and c != "_row"})


def _values_tables(values: pl.DataFrame) -> tuple[pd.DataFrame, pl.DataFrame]:
    """The checked values as ``Dataset.values`` (pandas: text ``str``, ``year`` int64, numbers
    float64) and as the engine reads them (:func:`columnar.values_frame`: ``code``, ``measure``
    Categorical, ``year`` Int64, numbers Float64), both from one polars table."""
    vals = text_frame(values.drop("kind", "_row")).rechunk()
    numeric = {"year", "value", "numerator", "denominator"}
    out = vals.to_pandas()
    out = out.assign(year=out["year"].astype("int64"),
                     **{c: out[c].astype("float64") for c in ("value", "numerator", "denominator")},
                     **{c: out[c].astype("str") for c in out.columns if c not in numeric})
    frame = vals.select(pl.col("code").cast(CAT), pl.col("year").cast(pl.Int64), pl.col("indicator").cast(CAT).alias("measure"),
                        *[pl.col(c).cast(pl.Float64) for c in ("value", "numerator", "denominator")])
    return out, frame


def load_catalogues(catalogue: Any, meta: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """The catalogues a dataset's values are checked against, each loaded and checked once, by the
    reference that names them: ``catalogue`` when given (a Catalogue: by its id), else every
    period's of ``[catalogues]`` in dataset.toml, else dataset.toml's ``catalogue``, else the default
    (by its id). A catalogue that cannot be loaded is a ``catalogue_failed`` problem, never a
    traceback. ``catalogue.periods.catalogue_for_year`` picks from these (``Dataset.catalogues``)."""
    if catalogue is not None and hasattr(catalogue, "measures"):
        return {str(catalogue.meta.get("id", "")): catalogue}, []
    periods = parse_periods(meta.get("catalogues"))[0] if catalogue is None else []
    if periods:  # one catalogue per period
        refs = [(ref, f"{lo}-{hi}: {ref}", "dataset.toml") for lo, hi, ref in periods]
    else:
        ref = catalogue if catalogue is not None else meta.get("catalogue")
        refs = [(ref, str(ref) if ref is not None else "mặc định / default",
                 "dataset.toml" if catalogue is None and ref else "")]
    loaded: dict[str, Any] = {}
    problems: list[Problem] = []
    for ref, shown, file in refs:
        if ref is not None and str(ref) in loaded:
            continue
        try:
            cat = resolve_catalogue(ref)
        except Exception as exc:  # noqa: BLE001 (CatalogueError or any failure: reported, never a traceback)
            detail = getattr(exc, "render", None)
            problems.append(problem("catalogue_failed", file, value=shown,
                                    detail=detail() if callable(detail) else f"{type(exc).__name__}: {exc}"))
            continue
        loaded[str(ref) if ref is not None else str(cat.meta.get("id", ""))] = cat
    return loaded, problems


def resolve_catalogue(ref: str | Path | None) -> Any:
    """``catalogue.load_catalogue(ref)``: a Catalogue from an id, a YAML path, or None (the default)."""
    return load_catalogue(ref)


def load_dataset(path: str | Path, catalogue: Any = None, lang: str = "vi") -> Dataset:
    """Read, normalise and validate a dataset folder or workbook. Raises ``DatasetError`` with all
    problems when any is an error; warnings are kept on ``Dataset.problems``. ``catalogue`` is a
    Catalogue, a catalogue id or a YAML path; None = the catalogues dataset.toml names (one per
    period of ``[catalogues]``, else ``catalogue``), else the default. Each catalogue is loaded and
    checked once and kept on ``Dataset.catalogues`` (see :func:`load_catalogues`).

    Returns a :class:`Dataset`: ``units`` (``code``, ``name``, ``type``, ``level``, ``parent_code``,
    ``region``, ``group``, ``households``, ``population``, ``valid_from``, ``valid_to``,
    ``successor_code``), ``values`` (``code``, ``year`` int, ``indicator``, ``value`` float, percents
    0-100, yes/no 1.0/0.0, levels as rank; ``numerator``, ``denominator``, ``source``,
    ``assessed_by``, ``note``), ``recognitions`` (``code``, ``tier``, ``year``, ``decision``),
    ``groups``, ``meta`` (dataset.toml), ``catalogues`` (see docs/architecture.md, Dataset contract).
    Raises ``DatasetError`` (every problem: file, row, column, fix); never modifies a file."""
    path = Path(path)
    raw, meta, problems = read_raw(path)
    loaded, cat_problems = load_catalogues(catalogue, meta) if path.exists() else ({}, [])
    problems += cat_problems
    cats = list(loaded.values())
    measures = pd.concat([c.measures for c in cats]).drop_duplicates("measure", keep="last") if cats else None
    cat_id = ", ".join(str(c.meta.get("id", "")) for c in cats)
    tables: dict[str, Any] = dict.fromkeys(TABLES)  # pandas; the values table polars
    files = {t: raw[t][0] if t in raw else f"{t}.csv" for t in TABLES}
    for table in TABLES:
        if table not in raw:
            continue
        file, df = raw[table]
        found = schemas.schema_problems(df, schemas.required_schema(table, "polars"), file, table)
        problems += found
        if any(p.rule == "column_missing" for p in found):
            continue
        df = df.filter(pl.all_horizontal(pl.col(c).is_not_null() for c in schemas.REQUIRED_COLUMNS[table]
                                         if c not in schemas.NULLABLE))
        if table == "values":
            df = normalise_values(df, measures, file, problems)
            problems += schemas.schema_problems(df, schemas.typed_schema(table, "polars"), file, table)
        else:
            if table == "units":
                df = normalise_units(df, file, problems)
            else:
                df = with_columns(df, table)
                df = _pandas_table(df.with_columns(number_column(df, "year", file, True, problems)))
            problems += schemas.schema_problems(df, schemas.typed_schema(table), file, table)
        tables[table] = df
    units, values, recs, groups = tables["units"], tables["values"], tables["recognitions"], tables["groups"]
    if units is not None:
        problems += v.check_units(units, files["units"])
        for one in cats:
            problems += v.check_regions(units, one, files["units"])
    problems += check_groups(units, groups, files["units"], files["groups"])
    if values is not None:
        found, values = check_values(values, units, measures, files["values"], cat_id)
        problems += found
    if recs is not None:
        tiers = list(dict.fromkeys(t for c in cats for t in c.tier_ids())) if cats else None
        problems += v.check_recognitions(recs, units, tiers, files["recognitions"], cat_id)
    if any(p.severity == "error" for p in problems):
        raise DatasetError(problems, lang=lang)
    if not meta.get("catalogue") and not meta.get("catalogues") and cat_id:
        meta["catalogue"] = cat_id
    frame = None
    if values is not None:
        values, frame = _values_tables(values)
    else:  # pragma: no cover (an absent values table is an error)
        values = pd.DataFrame(columns=COLUMNS["values"])
    data = Dataset(
        units=_text_columns(units, {"households", "population", "valid_from", "valid_to"}).drop(columns="_row"),
        values=values,
        recognitions=_text_columns(
            (recs if recs is not None else _pandas_table(with_columns(pl.DataFrame({"_row": pl.Series([], dtype=pl.Int64)}),
                                                                      "recognitions")))
            .assign(year=lambda d: d["year"].astype("int64")), {"year"}).drop(columns="_row").reset_index(drop=True),
        meta=meta, path=Path(path).resolve(), problems=problems,  # absolute: notebooks run elsewhere
        catalogues=loaded,
        **({"groups": normalised_groups(groups)} if groups is not None else {}))
    if frame is not None:  # the engine's copy, made from the same table (see dataset_frame)
        data._frames["values"] = (data.values, len(data.values), frame)
    return data


def latest_year(data: Dataset) -> int | None:
    """The latest year with values in the dataset (None when it has none): what ``ntm report``
    renders when no ``--year`` is given."""
    return int(data.values["year"].max()) if len(data.values) else None


SUMMARY: dict[str, tuple[str, str]] = {
    "ok": ("Dữ liệu hợp lệ: {name}", "Dataset is valid: {name}"),
    "synthetic": ("(dữ liệu giả định, chỉ để thử)", "(synthetic data, for trying out only)"),
    "units": ("Đơn vị theo cấp: {counts}", "Units per level: {counts}"),
    "units_in": ("Đơn vị theo cấp năm {year}: {counts}", "Units per level in {year}: {counts}"),
    "units_other": ("(và {n} dòng đơn vị của các giai đoạn khác, trước hoặc sau sáp nhập, không tính vào năm {year})",
                    "(plus {n} unit rows of other periods, before or after mergers, not counted in {year})"),
    "years": ("Năm có số liệu: {years}", "Years with values: {years}"),
    "indicators": ("Số chỉ tiêu: {n}; số giá trị: {values}", "Indicators: {n}; values: {values}"),
    "recognitions": ("Số quyết định công nhận: {n}", "Recognitions: {n}"),
    "warnings": ("Cảnh báo: {n}", "Warnings: {n}"),
}


def summarise_dataset(data: Dataset, lang: str = "vi") -> str:
    """A short report of a loaded dataset: units per level, years, indicators, values, warnings."""
    from ntm_analysis.i18n import LEVEL_LABELS, fmt, label  # noqa: PLC0415
    from ntm_analysis.io.names import LEVELS  # noqa: PLC0415

    from ntm_analysis.units import valid_in  # noqa: PLC0415

    years = sorted(int(y) for y in data.values["year"].unique().tolist())
    shown = f"{years[0]}–{years[-1]} ({len(years)})" if years else "—"
    # units valid in the latest year with data (codes are reused across mergers: count units of one year)
    live = data.units[valid_in(data.units, years[-1])] if years else data.units
    counts = live.drop_duplicates("code")["level"].value_counts()
    per_level = ", ".join(f"{label(LEVEL_LABELS, lvl, lang)} {counts[lvl]}" for lvl in LEVELS if lvl in counts)
    others = len(data.units) - len(live)
    name = (data.meta.get("name_en" if lang == "en" else "name") or data.meta.get("name")
            or (data.path.name if data.path else ""))
    units_line = (fmt(SUMMARY, "units_in", lang, year=years[-1], counts=per_level or "—") if years
                  else fmt(SUMMARY, "units", lang, counts=per_level or "—"))
    if others:
        units_line += " " + fmt(SUMMARY, "units_other", lang, n=others, year=years[-1])
    lines = [fmt(SUMMARY, "ok", lang, name=name) + (" " + fmt(SUMMARY, "synthetic", lang) if data.meta.get("synthetic") else ""),
             units_line,
             fmt(SUMMARY, "years", lang, years=shown),
             fmt(SUMMARY, "indicators", lang, n=data.values["indicator"].nunique(), values=len(data.values)),
             fmt(SUMMARY, "recognitions", lang, n=len(data.recognitions)),
             fmt(SUMMARY, "warnings", lang, n=len(data.problems))]
    if data.problems:
        lines += ["", v.render_problems(data.problems, lang)]
    return "\n".join(lines)
