"""The Dataset type and loading of a dataset folder (or workbook) into normalised tidy tables.

Reading accepts CSV (UTF-8 with or without BOM, UTF-16 "Unicode text", ``,`` ``;`` or tab
delimited), one ``.xlsx`` workbook with sheets ``units``/``values``/``recognitions``, or ``.parquet``
files. Every cell is read as text and then normalised here (NFC, decimal comma, percent signs,
yes/no words, level labels, Vietnamese level and assessor words), so the rules in
``validation.py`` see typed tables. Input files are only ever opened for reading.
See docs/data-format.md for the format and docs/architecture.md for the contract.
"""

from __future__ import annotations

import codecs
import io
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ntm_analysis.io import validation as v
from ntm_analysis.io.names import fold_key, level_of, name_key, normalise_series, normalise_text, split_type, type_display
from ntm_analysis.io.validation import DatasetError, Problem, problem, problems_at

TABLES: tuple[str, ...] = ("units", "values", "recognitions")
TEXT_SUFFIXES: tuple[str, ...] = (".csv", ".tsv", ".txt")
WORKBOOK = "dataset.xlsx"
COLUMNS: dict[str, list[str]] = {
    "units": ["code", "name", "type", "level", "parent_code", "region", "households", "population",
              "valid_from", "valid_to", "successor_code"],
    "values": ["code", "year", "indicator", "value", "numerator", "denominator", "source", "assessed_by", "note"],
    "recognitions": ["code", "tier", "year", "decision"],
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


class _ReadError(Exception):
    """A file that cannot be read: carries the message key and detail."""

    def __init__(self, rule: str, detail: str, row: int | None = None):
        super().__init__(detail)
        self.rule, self.detail, self.row = rule, detail, row


# --- reading ---------------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """Text of a CSV file: UTF-8 (BOM optional) or UTF-16 (BOM, or NUL bytes without one)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if len(data) >= 4 and data[1] == 0 and data[3] == 0:
        return data.decode("utf-16-le")
    if len(data) >= 4 and data[0] == 0 and data[2] == 0:
        return data.decode("utf-16-be")
    return data.decode("utf-8")


def sniff_delimiter(text: str) -> str:
    """Tab, ';' or ',' — whichever the header line has most of (the header has no decimal commas)."""
    size = 1 << 16  # look at a growing prefix, not every line of a large file
    while True:
        lines = text[:size].splitlines()
        if size >= len(text):
            break
        if any(line.strip() for line in lines[:-1]):  # the last line of a prefix may be cut
            break
        size *= 4
    header = next((line for line in lines if line.strip()), "")
    counts = {d: header.count(d) for d in ("\t", ";", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _finish(frame: pd.DataFrame, first_row: int) -> pd.DataFrame:
    """Normalise column names, number rows as the user sees them and drop empty rows."""
    frame = frame.copy()
    frame.columns = [normalise_text(str(c).replace("\ufeff", "")).casefold() for c in frame.columns]
    frame = frame.loc[:, [c for c in frame.columns if c and not c.startswith("unnamed:")]]
    for col in frame.columns:
        frame[col] = normalise_series(frame[col])
    frame["_row"] = np.arange(len(frame), dtype="int64") + first_row
    data = frame.drop(columns="_row")
    return frame[data.notna().any(axis=1)].reset_index(drop=True) if len(data.columns) else frame


def read_text_table(path: Path) -> pd.DataFrame:
    """One CSV/TSV/Unicode-text table as text columns plus ``_row`` (header = row 1)."""
    data = path.read_bytes()
    try:
        text = decode_text(data)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _ReadError("encoding", f"byte 0x{data[exc.start]:02x}", line) from None
    if not text or text.isspace():  # same as ``not text.strip()`` without copying a large text
        raise _ReadError("file_unreadable", "tệp rỗng / empty file")
    sep = sniff_delimiter(text)
    utf8 = not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not (
        len(data) >= 4 and (data[1] == 0 and data[3] == 0 or data[0] == 0 and data[2] == 0))
    if utf8:  # parse the bytes: a StringIO of the text would hold a third, 4-byte-per-character copy
        del text
        source: Any = io.BytesIO(data)
    else:
        source = io.StringIO(text)
    try:
        frame = pd.read_csv(source, sep=sep, dtype=str, keep_default_na=False, na_values=[],
                            skip_blank_lines=False, encoding="utf-8-sig" if utf8 else None)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise _ReadError("file_unreadable", str(exc).strip(), int(line.group(1)) if line else None) from None
    return _finish(frame, 2)


def _cell_text(value: Any) -> Any:
    """Text of one Excel cell (whole floats without '.0', booleans as true/false)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def read_workbook(path: Path) -> dict[str, pd.DataFrame]:
    """Sheets ``units``/``values``/``recognitions`` (any case) of a workbook, as text tables."""
    import openpyxl  # noqa: PLC0415 (only needed for workbooks)

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zip, XML or format errors of a broken workbook
        raise _ReadError("file_unreadable", f"{type(exc).__name__}: {exc}") from None
    try:
        sheets = {normalise_text(ws.title).casefold(): ws for ws in book.worksheets}
        out = {}
        for table in TABLES:
            if table not in sheets:
                continue
            rows = list(sheets[table].iter_rows(values_only=True))
            header = [c if c is not None else "" for c in (rows[0] if rows else ())]
            frame = pd.DataFrame(rows[1:], columns=[str(c) for c in header], dtype=object)
            frame = frame.loc[:, [c != "" for c in frame.columns]].map(_cell_text)
            out[table] = _finish(frame, 2)
        return out
    finally:
        book.close()


def read_parquet_table(path: Path) -> pd.DataFrame:
    """One Parquet table as text columns plus ``_row`` (record number, first = 1)."""
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for broken files
        raise _ReadError("file_unreadable", f"{type(exc).__name__}: {exc}") from None
    return _finish(frame.reset_index(drop=True).astype("string"), 1)


def _locate(folder: Path) -> tuple[dict[str, tuple[str, Path]], list[Problem]]:
    """For each table the file to read (kind, path); warns when several files hold one table."""
    found: dict[str, tuple[str, Path]] = {}
    problems: list[Problem] = []
    for table in TABLES:
        files = [folder / f"{table}{s}" for s in (*TEXT_SUFFIXES, ".parquet") if (folder / f"{table}{s}").is_file()]
        if files:
            found[table] = ("parquet" if files[0].suffix == ".parquet" else "text", files[0])
        if len(files) > 1:
            problems.append(problem("several_files", files[0].name, severity="warning", table=table,
                                    value=", ".join(f.name for f in files), used=files[0].name))
    return found, problems


def read_raw(path: Path) -> tuple[dict[str, tuple[str, pd.DataFrame]], dict[str, Any], list[Problem]]:
    """Read every table of a dataset (folder or workbook) as text: {table: (file label, frame)}."""
    problems: list[Problem] = []
    raw: dict[str, tuple[str, pd.DataFrame]] = {}
    if not path.exists():
        return raw, {}, [problem("path_missing", str(path), value=str(path))]
    workbook: Path | None = None
    located: dict[str, tuple[str, Path]] = {}
    if path.is_file():
        if path.suffix.lower() != ".xlsx":
            return raw, {}, [problem("not_dataset", path.name, value=str(path))]
        workbook = path
    else:
        located, problems = _locate(path)
        if (path / WORKBOOK).is_file():
            workbook = path / WORKBOOK
    sheets: dict[str, pd.DataFrame] = {}
    if workbook is not None and len(located) < len(TABLES):
        try:
            sheets = read_workbook(workbook)
        except (_ReadError, OSError) as exc:
            rule, detail = (exc.rule, exc.detail) if isinstance(exc, _ReadError) else ("file_unreadable", str(exc))
            problems.append(problem(rule, workbook.name, detail=detail))
    for table in TABLES:
        if table in located:
            kind, file = located[table]
            try:
                frame = read_parquet_table(file) if kind == "parquet" else read_text_table(file)
                raw[table] = (file.name, frame)
            except _ReadError as exc:
                problems.append(problem(exc.rule, file.name, exc.row, detail=exc.detail))
            except OSError as exc:
                problems.append(problem("file_unreadable", file.name, detail=str(exc)))
        elif table in sheets:
            raw[table] = (f"{workbook.name} [{table}]", sheets[table])
        elif table != "recognitions" and not (workbook is not None and not sheets):
            expected = f"{table}.csv, {table}.parquet, {WORKBOOK} [{table}]"
            problems.append(problem("file_missing", f"{table}.csv", table=table, expected=expected))
    meta, meta_problems = read_meta(path if path.is_dir() else None)
    return raw, meta, problems + meta_problems


def read_meta(folder: Path | None) -> tuple[dict[str, Any], list[Problem]]:
    """``dataset.toml`` (optional) with defaults; checks field types and boundary paths."""
    meta: dict[str, Any] = {"name": None, "province": None, "catalogue": None, "boundaries": {},
                            "notes": None, "synthetic": False}
    file = folder / "dataset.toml" if folder else None
    if file is None or not file.is_file():
        return meta, []
    try:
        given = tomllib.loads(file.read_bytes().decode("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        return meta, [problem("toml_invalid", file.name, detail=str(exc))]
    meta.update({k: normalise_text(x) if isinstance(x, str) else x for k, x in given.items()})
    problems = []
    if not isinstance(meta["synthetic"], bool):
        problems.append(problem("toml_type", file.name, column="synthetic", value=meta["synthetic"], expected="true/false"))
    for key in ("name", "province", "catalogue", "notes"):
        if meta[key] is not None and not isinstance(meta[key], str):
            problems.append(problem("toml_type", file.name, column=key, value=meta[key], expected="text"))
    layers = meta["boundaries"]
    paths = layers.values() if isinstance(layers, dict) else layers if isinstance(layers, list) else [layers]
    roots = [folder, *folder.resolve().parents]  # relative to the dataset folder or the project (maps/...)
    for p in paths:
        if isinstance(p, str) and not any((root / p).exists() for root in roots):
            problems.append(problem("boundary_missing", file.name, column="boundaries", value=p, severity="warning"))
    return meta, problems


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
    if measures is not None:  # without a catalogue the kind is unknown: no verdict on the value
        out += problems_at("number_invalid", file, df[bad], "value")
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


def _catalogue(ref: Any, meta: dict[str, Any]) -> tuple[Any, list[Problem]]:
    """The catalogue object: given, named in dataset.toml, or the default."""
    if ref is not None and hasattr(ref, "measures"):
        return ref, []
    from_meta = ref is None and bool(meta.get("catalogue"))
    ref = ref if ref is not None else meta.get("catalogue")
    try:
        return resolve_catalogue(ref), []
    except Exception as exc:  # CatalogueError or any failure loading it: reported, never a traceback
        shown = str(ref) if ref is not None else "mặc định / default"
        detail = getattr(exc, "render", None)
        text = detail() if callable(detail) else f"{type(exc).__name__}: {exc}"
        return None, [problem("catalogue_failed", "dataset.toml" if from_meta else "", value=shown, detail=text)]


def resolve_catalogue(ref: str | Path | None) -> Any:
    """``catalogue.load_catalogue(ref)`` (imported late so a broken catalogue module is reported)."""
    from ntm_analysis.catalogue.model import load_catalogue  # noqa: PLC0415

    return load_catalogue(ref)


def load_dataset(path: str | Path, catalogue: Any = None, lang: str = "vi") -> Dataset:
    """Read, normalise and validate a dataset folder or workbook. Raises ``DatasetError`` with all
    problems when any is an error; warnings are kept on ``Dataset.problems``. ``catalogue`` is a
    Catalogue, a catalogue id or a YAML path; None = the id in dataset.toml, else the default."""
    path = Path(path)
    raw, meta, problems = read_raw(path)
    cat, cat_problems = _catalogue(catalogue, meta) if path.exists() else (None, [])
    problems += cat_problems
    measures = cat.measures if cat is not None else None
    cat_id = str(cat.meta.get("id", "")) if cat is not None else ""
    tables: dict[str, pd.DataFrame | None] = dict.fromkeys(TABLES)
    files = {t: raw[t][0] if t in raw else f"{t}.csv" for t in TABLES}
    for table in TABLES:
        if table not in raw:
            continue
        file, df = raw[table]
        found = v.schema_problems(df, v.required_schema(table), file, table)
        problems += found
        if any(p.rule == "column_missing" for p in found):
            continue
        df = df[df[[c for c in v.REQUIRED_COLUMNS[table] if c not in v.NULLABLE]].notna().all(axis=1)]
        if table == "units":
            df = normalise_units(df, file, problems)
        elif table == "values":
            df = normalise_values(df, measures, file, problems)
        else:
            df = _with_columns(df.copy(), table)
            df["year"] = _numbers(df, "year", file, True, problems)
        problems += v.schema_problems(df, v.typed_schema(table), file, table)
        tables[table] = df
    units, values, recs = tables["units"], tables["values"], tables["recognitions"]
    if units is not None:
        problems += v.check_units(units, files["units"])
        problems += v.check_regions(units, cat, files["units"])
    if values is not None:
        found, values = v.check_values(values, units, measures, files["values"], cat_id)
        problems += found
    if recs is not None:
        tiers = cat.tier_ids() if cat is not None else None
        problems += v.check_recognitions(recs, units, tiers, files["recognitions"], cat_id)
    if any(p.severity == "error" for p in problems):
        raise DatasetError(problems, lang=lang)
    if not meta.get("catalogue") and cat_id:
        meta["catalogue"] = cat_id
    return Dataset(
        units=_text_columns(units, {"households", "population", "valid_from", "valid_to"}).drop(columns="_row"),
        values=_text_columns(values.drop(columns="kind").assign(year=values["year"].astype("int64")),
                             {"year", "value", "numerator", "denominator"}).drop(columns="_row").reset_index(drop=True),
        recognitions=_text_columns(
            (recs if recs is not None else _with_columns(pd.DataFrame({"_row": []}), "recognitions"))
            .assign(year=lambda d: d["year"].astype("int64")), {"year"}).drop(columns="_row").reset_index(drop=True),
        meta=meta, path=Path(path).resolve(), problems=problems)  # absolute: notebooks run elsewhere


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

    from ntm_analysis.assess.rollup import valid_in  # noqa: PLC0415

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
