"""The Dataset type and loading of a dataset folder (or workbook) into normalised tidy tables.

Reading (``readers.py``) gives every table as text; it is normalised here (NFC, decimal comma,
percent signs, yes/no words, level labels, Vietnamese level and assessor words), so the rules in
``validation.py`` see typed tables. Input files are only ever opened for reading.
See docs/data-format.md for the format and docs/architecture.md for the contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ntm_analysis.io import schemas
from ntm_analysis.io import validation as v
from ntm_analysis.io.groups import check_groups, normalised_groups
from ntm_analysis.io.names import fold_key, level_of, name_key, split_type, type_display
from ntm_analysis.catalogue.model import load_catalogue
from ntm_analysis.catalogue.periods import parse_periods
from ntm_analysis.io.readers import TABLES, read_raw
from ntm_analysis.io.validation import DatasetError, Problem, problem, problems_at

COLUMNS: dict[str, list[str]] = {
    "units": ["code", "name", "type", "level", "parent_code", "region", "group", "households", "population",
              "valid_from", "valid_to", "successor_code"],
    "values": ["code", "year", "indicator", "value", "numerator", "denominator", "source", "assessed_by", "note"],
    "recognitions": ["code", "tier", "year", "decision"],
    "groups": ["code", "year", "group"],
}
#: Accepted yes/no words (compared without case or diacritics) → 1.0 / 0.0.
BOOL_WORDS: dict[str, float] = {
    **dict.fromkeys(["dat", "co", "x", "yes", "y", "true", "1", "1.0", "v", "✓"], 1.0),
    **dict.fromkeys(["khong dat", "chua dat", "khong", "no", "n", "false", "0", "0.0"], 0.0),
}
ASSESSOR_WORDS: dict[str, str] = {
    "self": "self", "tu danh gia": "self", "xa tu danh gia": "self", "xa": "self",
    "district": "district", "huyen": "district", "province": "province", "tinh": "province",
}


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


def parse_numbers(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers written 95.5, 95,5, 95,5%, 1.234,5, 1,234.5 or 1.234.567 → float64; and the mask of
    cells that are not numbers. A lone comma is a decimal comma (Vietnamese usage).

    Parses each distinct text once (``pd.factorize``) and maps back: columns have few distinct
    cells, and the string steps below run in Python per element."""
    codes, uniq = pd.factorize(s.astype("string"), use_na_sentinel=True)
    num_u, bad_u = _parse_distinct_numbers(pd.Series(uniq, dtype="string"))
    valid = codes >= 0
    take = np.where(valid, codes, 0)
    num = np.where(valid, num_u.to_numpy(dtype="float64", na_value=np.nan)[take] if len(uniq) else np.nan, np.nan)
    bad = valid & (bad_u.to_numpy(dtype=bool)[take] if len(uniq) else False)
    return pd.Series(num, index=s.index, dtype="float64"), pd.Series(bad, index=s.index, dtype=bool)


def _parse_distinct_numbers(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The parsing rules of :func:`parse_numbers`, applied to a Series of text (no NA)."""
    t = s.astype("string").str.replace(r"[\s\u00a0]", "", regex=True).str.rstrip("%")
    has_comma, has_dot = t.str.contains(",", regex=False), t.str.contains(".", regex=False)
    comma_decimal = has_comma & (~has_dot | (t.str.rfind(",") > t.str.rfind(".")))
    out = t.where(~comma_decimal, t.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    out = out.where(~(has_comma & ~comma_decimal), t.str.replace(",", "", regex=False))
    out = out.where(~(~has_comma & (t.str.count(r"\.") > 1)), t.str.replace(".", "", regex=False))
    num = pd.to_numeric(out, errors="coerce").astype("Float64").astype("float64")
    bad = s.notna() & (num.isna() | np.isinf(num))
    return num.where(~bad), bad


def parse_bool(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Đạt/Không đạt, Có/Không, x, yes/no, true/false, 1/0 (any case or accents) → 1.0/0.0."""
    num = _map_unique(s, lambda x: BOOL_WORDS.get(fold_key(x), np.nan)).astype("float64")
    return num, s.notna() & num.isna()


def _labels(levels: Any) -> list[str]:
    """Level labels of a measure (list, array or 'a|b|c' text)."""
    if isinstance(levels, str):
        return [x.strip() for x in levels.replace(";", "|").split("|") if x.strip()]
    if levels is None or (np.ndim(levels) == 0 and pd.isna(levels)):
        return []
    return [str(x) for x in levels]


def parse_levels(s: pd.Series, levels: list[str]) -> tuple[pd.Series, pd.Series]:
    """A level label ("khá"), rank ("3") or "mức (độ) 3" → 1-based rank in ``levels``."""
    ranks = {name_key(lbl): i + 1 for i, lbl in enumerate(levels)}
    ranks |= {fold_key(lbl): i + 1 for i, lbl in enumerate(levels) if fold_key(lbl) not in ranks}

    def rank(x: str) -> float:
        key = fold_key(x)
        found = ranks.get(name_key(x)) or ranks.get(key)
        if found:
            return float(found)
        digits = key.removeprefix("muc do").removeprefix("muc").removeprefix("level").strip()
        try:
            n = float(digits.replace(",", "."))
        except ValueError:
            return np.nan
        return n if n.is_integer() and 1 <= n <= len(levels) else np.nan

    num = _map_unique(s, rank).astype("float64")
    return num, s.notna() & num.isna()


def _numbers(df: pd.DataFrame, col: str, file: str, integer: bool, out: list[Problem]) -> pd.Series:
    """Parse ``col`` as numbers (Int64 when ``integer``), reporting cells that are not."""
    num, bad = parse_numbers(df[col])
    out += problems_at("number_invalid", file, df[bad], col)
    if not integer:
        return num
    frac = num.notna() & (num % 1 != 0)
    out += problems_at("integer_invalid", file, df[frac], col)
    return num.where(~frac).astype("Int64")


def _with_columns(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Add absent optional columns as NA; contract columns first, extra columns kept after."""
    for col in COLUMNS[table]:
        if col not in df.columns:
            df[col] = pd.Series(pd.NA, index=df.index, dtype="string")
    return df[COLUMNS[table] + [c for c in df.columns if c not in COLUMNS[table]]]


def normalise_units(df: pd.DataFrame, file: str, out: list[Problem]) -> pd.DataFrame:
    """Levels and type words, names without the type word, numbers and years typed."""
    df = _with_columns(df.copy(), "units")
    level = _map_text(df["level"], level_of)
    level_type = _map_text(df["level"], type_display)
    df["type"] = _map_text(df["type"], lambda x: type_display(x) or x)
    split = _map_unique(df["name"], split_type)
    prefix = split.map(lambda t: t[0], na_action="ignore").astype("string")
    bare = split.map(lambda t: t[1], na_action="ignore").astype("string")
    strip = (prefix.notna() & (_map_text(prefix, level_of) == level) & (df["type"].isna() | (df["type"] == prefix))).fillna(False)
    df["name"] = df["name"].where(~strip, bare)
    df["type"] = df["type"].where(~(strip & df["type"].isna()), prefix).fillna(level_type)
    df["level"] = level.fillna(df["level"])
    for col in ("households", "population", "valid_from", "valid_to"):
        df[col] = _numbers(df, col, file, True, out)
    return df


def normalise_values(df: pd.DataFrame, measures: pd.DataFrame | None, file: str, out: list[Problem]) -> pd.DataFrame:
    """Years, numbers, yes/no and level values by the measure's kind; assessor words."""
    df = _with_columns(df.copy(), "values")
    df["year"] = _numbers(df, "year", file, True, out)
    df["numerator"] = _numbers(df, "numerator", file, False, out)
    df["denominator"] = _numbers(df, "denominator", file, False, out)
    df["assessed_by"] = _map_text(df["assessed_by"], lambda x: ASSESSOR_WORDS.get(fold_key(x), x))
    kinds = dict(zip(measures["measure"], measures["kind"])) if measures is not None else {}
    df["kind"] = df["indicator"].astype(object).map(kinds).astype("string")
    raw = df["value"]
    value, bad = parse_numbers(raw.where(~df["kind"].isin(["boolean", "level"])))
    if measures is not None:  # a measure the catalogue does not know has no kind: no verdict on its value
        out += problems_at("number_invalid", file, df[bad & df["kind"].notna()], "value")
    is_bool = df["kind"] == "boolean"
    num, bad = parse_bool(raw.where(is_bool))
    out += problems_at("bool_invalid", file, df[bad], "value")
    value = value.where(~is_bool, num)
    if measures is not None:
        for rec in measures[measures["kind"] == "level"].to_dict("records"):  # one per level measure
            labels = _labels(rec.get("levels"))
            mask = df["indicator"] == rec["measure"]
            num, bad = parse_levels(raw.where(mask), labels)
            out += problems_at("level_value_invalid", file, df[bad], "value", indicator=rec["measure"],
                               expected=", ".join(labels), n=len(labels))
            value = value.where(~mask, num)
    ratio = 100 * df["numerator"] / df["denominator"].where(df["denominator"] > 0)
    value = value.where(~(raw.isna() & (df["kind"] == "percent")), ratio)
    out += problems_at("value_empty", file, df[value.isna() & raw.isna()], "value", severity="warning")
    df["value"] = value.astype("float64")
    return df


def _text_columns(df: pd.DataFrame, numeric: set[str]) -> pd.DataFrame:
    """Text columns as pandas' default ``str`` dtype (NA kept)."""
    return df.assign(**{c: df[c].astype("str") for c in df.columns if c not in numeric and c != "_row"})


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
    tables: dict[str, pd.DataFrame | None] = dict.fromkeys(TABLES)
    files = {t: raw[t][0] if t in raw else f"{t}.csv" for t in TABLES}
    for table in TABLES:
        if table not in raw:
            continue
        file, df = raw[table]
        found = schemas.schema_problems(df, schemas.required_schema(table), file, table)
        problems += found
        if any(p.rule == "column_missing" for p in found):
            continue
        df = df[df[[c for c in schemas.REQUIRED_COLUMNS[table] if c not in schemas.NULLABLE]].notna().all(axis=1)]
        if table == "units":
            df = normalise_units(df, file, problems)
        elif table == "values":
            df = normalise_values(df, measures, file, problems)
        else:
            df = _with_columns(df.copy(), table)
            df["year"] = _numbers(df, "year", file, True, problems)
        problems += schemas.schema_problems(df, schemas.typed_schema(table), file, table)
        tables[table] = df
    units, values, recs, groups = tables["units"], tables["values"], tables["recognitions"], tables["groups"]
    if units is not None:
        problems += v.check_units(units, files["units"])
        for one in cats:
            problems += v.check_regions(units, one, files["units"])
    problems += check_groups(units, groups, files["units"], files["groups"])
    if values is not None:
        found, values = v.check_values(values, units, measures, files["values"], cat_id)
        problems += found
    if recs is not None:
        tiers = list(dict.fromkeys(t for c in cats for t in c.tier_ids())) if cats else None
        problems += v.check_recognitions(recs, units, tiers, files["recognitions"], cat_id)
    if any(p.severity == "error" for p in problems):
        raise DatasetError(problems, lang=lang)
    if not meta.get("catalogue") and not meta.get("catalogues") and cat_id:
        meta["catalogue"] = cat_id
    return Dataset(
        units=_text_columns(units, {"households", "population", "valid_from", "valid_to"}).drop(columns="_row"),
        values=_text_columns(values.drop(columns="kind").assign(year=values["year"].astype("int64")),
                             {"year", "value", "numerator", "denominator"}).drop(columns="_row").reset_index(drop=True),
        recognitions=_text_columns(
            (recs if recs is not None else _with_columns(pd.DataFrame({"_row": []}), "recognitions"))
            .assign(year=lambda d: d["year"].astype("int64")), {"year"}).drop(columns="_row").reset_index(drop=True),
        meta=meta, path=Path(path).resolve(), problems=problems,  # absolute: notebooks run elsewhere
        catalogues=loaded,
        **({"groups": normalised_groups(groups)} if groups is not None else {}))


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
