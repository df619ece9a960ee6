"""Reading a dataset's files as text tables: CSV (UTF-8 with or without BOM, UTF-16 "Unicode
text", ``,`` ``;`` or tab delimited), one ``.xlsx`` workbook with sheets ``units``/``values``/
``recognitions``, ``.parquet`` files, and ``dataset.toml``.

Faults of files made by other programs are found here and handed on as problems: invisible
characters (removed, counted), formulas without a stored result, a column name given twice, a file
cut in the middle, spreadsheet formats that are not read (.xls, .ods: "save as .xlsx"). Tables are
polars frames: text columns as Enum (each distinct cell normalised once), ``_row`` the row the user
sees. Normalising and validating them is ``dataset.py``, ``values.py`` and the rule modules. Files
are only opened for reading.
"""

from __future__ import annotations

import codecs
import csv
import io
import tomllib
from pathlib import Path
from typing import Any

import polars as pl

from ntm_analysis.io.cells import uncalculated_formula
from ntm_analysis.catalogue.periods import parse_periods
from ntm_analysis.text import strip_invisible_text
from ntm_analysis.io.names import normalise_column, normalise_text
from ntm_analysis.io.validation import Problem, problem

TABLES: tuple[str, ...] = ("units", "values", "recognitions", "groups")
#: Tables a dataset may leave out: recognitions, and groups.csv (a commune's group from a year on).
OPTIONAL_TABLES: tuple[str, ...] = ("recognitions", "groups")
TEXT_SUFFIXES: tuple[str, ...] = (".csv", ".tsv", ".txt")
#: Spreadsheet formats that are not read: the user is told to save them as .xlsx.
OTHER_SHEETS: tuple[str, ...] = (".xls", ".ods", ".xlsb", ".numbers", ".et")
WORKBOOK = "dataset.xlsx"

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


def _finish(frame: pl.DataFrame, header: list[str], first_row: int,
            faults: list[dict[str, Any]] | None = None) -> tuple[pl.DataFrame, list[dict[str, Any]]]:
    """The text table of ``frame`` (text columns in the order of ``header``, its names): column
    names normalised, cells normalised once per distinct cell (:func:`names.normalise_column`:
    Enum columns, invisible characters removed and counted), rows numbered as the user sees them
    (``_row``) and empty rows dropped. Returns the table and the faults found on the way (a column
    name given twice, invisible characters, and those of the caller in ``faults``) as dicts of
    :func:`validation.problem` arguments."""
    faults = list(faults or [])
    removed: list[int] = []
    names = []
    for c in header:
        text, n = strip_invisible_text(str(c))
        removed.append(n)
        names.append(normalise_text(text).casefold())
    keep = [bool(c) and not c.startswith("unnamed:") for c in names]
    seen: dict[str, list[int]] = {}
    for i, (c, k) in enumerate(zip(names, keep)):
        if k:
            seen.setdefault(c, []).append(i)
    for c, pos in seen.items():
        if len(pos) > 1:
            faults.append(dict(rule="column_duplicate", row=first_row - 1, column=c, n=len(pos),
                               detail=", ".join(str(i + 1) for i in pos)))
    first = [i for i, k in enumerate(keep) if k and seen[names[i]][0] == i]
    columns = []
    for i in first:
        col, n = normalise_column(frame.to_series(i))
        removed.append(n)
        columns.append(col.alias(names[i]))
    if sum(removed):
        faults.append(dict(rule="invisible_chars", severity="warning", n=sum(removed)))
    out = pl.DataFrame(columns, height=frame.height).with_columns(
        pl.int_range(first_row, first_row + frame.height, dtype=pl.Int64).alias("_row"))
    if columns:
        out = out.filter(pl.any_horizontal(pl.col(c.name).is_not_null() for c in columns))
    return out, faults


def _header_and_last_line(head: str, raw: bytes, sep: str) -> tuple[list[str], list[str] | None]:
    """The header's fields (from ``head``, the decoded start of the file) and, when the file
    (``raw``, its UTF-8 bytes) does not end with a line break, the last line's."""
    first = head[: head.find("\n")] if "\n" in head else head
    header = next(csv.reader([first.rstrip("\r").lstrip("\ufeff")], delimiter=sep), [])
    if raw.endswith((b"\n", b"\r")) or raw.find(b"\n") < 0:
        return header, None
    last = raw[raw.rfind(b"\n") + 1:].decode("utf-8", "replace")
    return header, next(csv.reader([last], delimiter=sep), [])


def _is_utf16(data: bytes) -> bool:
    """UTF-16 text: a UTF-16 byte-order mark, or NUL bytes in the first characters."""
    return data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
        len(data) >= 4 and (data[1] == 0 and data[3] == 0 or data[0] == 0 and data[2] == 0))


def _head(raw: bytes) -> str:
    """The start of a UTF-8 file, decoded, long enough to hold its first non-blank line (for the
    delimiter and the header), without decoding a large file whole."""
    size = 1 << 20
    while size < len(raw):
        text = raw[:size].decode("utf-8", "replace")
        if any(line.strip() for line in text.splitlines()[:-1]):
            return text
        size *= 4
    return raw.decode("utf-8", "replace")


def _decode(data: bytes) -> str:
    """:func:`decode_text`, a byte that is not UTF-8 reported as an ``encoding`` fault at its line."""
    try:
        return decode_text(data)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _ReadError("encoding", f"byte 0x{data[exc.start]:02x}", line) from None


#: Files up to this size are decoded whole before parsing; larger UTF-8 files are checked by the
#: CSV reader (decoded whole only when it fails, to name the line).
_SMALL = 1 << 20


def _first_ragged_line(text: str, sep: str, width: int) -> tuple[int | None, int]:
    """Line number and field count of the first record with more than ``width`` fields."""
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    try:
        for fields in reader:
            if len(fields) > width:
                return reader.line_num, len(fields)
    except csv.Error:  # a cell over the csv module's size limit: polars' own message is given
        pass
    return None, 0


def read_text_table(path: Path) -> tuple[pl.DataFrame, list[dict[str, Any]]]:
    """One CSV/TSV/Unicode-text table as text columns plus ``_row`` (header = row 1), and its
    reading faults (see :func:`_finish`).

    Parsed by polars' CSV reader (every cell as text; empty cells and blank lines kept, so rows are
    numbered as the user sees them): UTF-8 bytes are parsed as they are (a large file is not decoded
    by Python unless the reader fails), other encodings (UTF-16) after decoding."""
    data = path.read_bytes()
    text = _decode(data) if _is_utf16(data) or len(data) <= _SMALL else None
    if text is not None and (not text or text.isspace()):
        raise _ReadError("file_unreadable", "tệp rỗng / empty file")
    if _is_utf16(data):
        raw = text.encode("utf-8")
    else:
        raw = data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data
        if text is None and (not raw or raw.isspace()):  # isspace stops at the first other byte
            raise _ReadError("file_unreadable", "tệp rỗng / empty file")
    head = text if text is not None else _head(raw)
    sep = sniff_delimiter(head)
    header, last = _header_and_last_line(head, raw, sep)
    del head
    try:
        frame = pl.read_csv(io.BytesIO(raw), separator=sep, has_header=False, infer_schema=False,
                            empty_string_is_null=False, raise_if_empty=False)
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError, ValueError) as exc:
        text = text if text is not None else _decode(data)  # a byte that is not UTF-8 is named first
        line, n = _first_ragged_line(text, sep, len(header))
        detail = (f"Expected {len(header)} fields in line {line}, saw {n}" if line else str(exc).splitlines()[0])
        raise _ReadError("file_unreadable", detail, line) from None
    del text, raw
    if frame.width < len(header) or frame.height == 0:
        frame = frame.with_columns(pl.lit(None, pl.String).alias(f"_c{i}") for i in range(frame.width, len(header)))
    frame = frame.slice(1)
    names = header if len(header) == frame.width else list(frame.columns)
    faults = []
    if last is not None and 0 < len(last) < len(header) and frame.height:  # a file cut in the middle
        faults.append(dict(rule="truncated", row=frame.height + 1, n=len(header) - len(last), detail=len(last),
                           other=len(header)))
    return _finish(frame, names, 2, faults)


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


def _sheet_rows(ws: Any) -> tuple[list[list[Any]], list[tuple[int, int, str]]]:
    """Cell values of a sheet read without ``data_only`` and its formula cells (row, column, text)."""
    rows, formulas = [], []
    for r, cells in enumerate(ws.iter_rows(), start=1):
        values = []
        for c, cell in enumerate(cells, start=1):
            if getattr(cell, "data_type", None) == "f":
                formulas.append((r, c, str(cell.value)))
            values.append(cell.value)
        rows.append(values)
    return rows, formulas


def read_workbook(path: Path) -> dict[str, tuple[pl.DataFrame, list[dict[str, Any]]]]:
    """Sheets ``units``/``values``/``recognitions`` (any case) of a workbook, as text tables with
    their reading faults (see :func:`_finish`).

    Formula cells are read as their stored result; a formula without one (the workbook was
    written by a program that does not calculate) is a fault at its cell (``cells.uncalculated_formula``),
    never an empty value."""
    import openpyxl  # noqa: PLC0415 (only needed for workbooks)
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # zip, XML or format errors of a broken workbook
        raise _ReadError("file_unreadable", f"{type(exc).__name__}: {exc}") from None
    try:
        sheets = {normalise_text(ws.title).casefold(): ws for ws in book.worksheets}
        read = {t: _sheet_rows(sheets[t]) for t in TABLES if t in sheets}
        titles = {t: sheets[t].title for t in read}
    finally:
        book.close()
    faults: dict[str, list[dict[str, Any]]] = {t: [] for t in read}
    if any(f for _, f in read.values()):
        cached = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            for table, (rows, formulas) in read.items():
                if not formulas:
                    continue
                values = [list(r) for r in cached[titles[table]].iter_rows(values_only=True)]
                for r, c, formula in formulas:
                    value = values[r - 1][c - 1] if r <= len(values) and c <= len(values[r - 1]) else None
                    rows[r - 1][c - 1] = value
                    if uncalculated_formula(value, formula):
                        head = rows[0][c - 1] if rows and c <= len(rows[0]) else None
                        faults[table].append(dict(rule="formula_no_value", row=r, value=formula,
                                                  column=normalise_text(str(head or get_column_letter(c))).casefold(),
                                                  cell=f"{get_column_letter(c)}{r}"))
        finally:
            cached.close()
    out = {}
    for table, (rows, _) in read.items():
        header = [c if c is not None else "" for c in (rows[0] if rows else ())]
        width = len(header)
        body = [list(r[:width]) + [None] * (width - len(r)) for r in rows[1:]]
        named = [j for j, c in enumerate(header) if str(c) != ""]
        frame = pl.DataFrame([pl.Series(f"_c{j}", [_cell_text(r[j]) for r in body], dtype=pl.String) for j in named],
                             height=len(body))
        out[table] = _finish(frame, [str(header[j]) for j in named], 2, faults[table])
    return out


def read_parquet_table(path: Path) -> tuple[pl.DataFrame, list[dict[str, Any]]]:
    """One Parquet table as text columns plus ``_row`` (record number, first = 1), and its reading
    faults; read by polars, every column as text (numbers as polars writes them: ``95.5``)."""
    try:
        frame = pl.read_parquet(path)
    except Exception as exc:  # polars raises several types for broken files
        raise _ReadError("file_unreadable", f"{type(exc).__name__}: {exc}") from None
    return _finish(frame.with_columns(pl.all().cast(pl.String)), list(frame.columns), 1)


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


def read_raw(path: Path) -> tuple[dict[str, tuple[str, pl.DataFrame]], dict[str, Any], list[Problem]]:
    """Read every table of a dataset (folder or workbook) as text: {table: (file label, frame)},
    ``dataset.toml`` and the problems found reading. Each frame has the normalised column names,
    Enum text columns (cells normalised, empty = null) and ``_row`` (the row the user sees)."""
    problems: list[Problem] = []
    raw: dict[str, tuple[str, pl.DataFrame]] = {}
    if not path.exists():
        return raw, {}, [problem("path_missing", str(path), value=str(path))]
    workbook: Path | None = None
    located: dict[str, tuple[str, Path]] = {}
    if path.is_file():
        if path.suffix.lower() in OTHER_SHEETS:
            return raw, {}, [problem("save_as_xlsx", path.name, value=path.name, stem=path.stem)]
        if path.suffix.lower() != ".xlsx":
            return raw, {}, [problem("not_dataset", path.name, value=str(path))]
        workbook = path
    else:
        located, problems = _locate(path)
        if (path / WORKBOOK).is_file():
            workbook = path / WORKBOOK
    sheets: dict[str, tuple[pl.DataFrame, list[dict[str, Any]]]] = {}
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
                frame, faults = read_parquet_table(file) if kind == "parquet" else read_text_table(file)
                raw[table] = (file.name, frame)
                problems += _faults(faults, file.name)
            except _ReadError as exc:
                problems.append(problem(exc.rule, file.name, exc.row, detail=exc.detail))
            except OSError as exc:
                problems.append(problem("file_unreadable", file.name, detail=str(exc)))
        elif table in sheets:
            raw[table] = (f"{workbook.name} [{table}]", sheets[table][0])
            problems += _faults(sheets[table][1], raw[table][0])
        elif other := _other_sheet(path, table):
            problems.append(problem("save_as_xlsx", other.name, value=other.name, stem=other.stem))
        elif table not in OPTIONAL_TABLES and not (workbook is not None and not sheets):
            expected = f"{table}.csv, {table}.parquet, {WORKBOOK} [{table}]"
            problems.append(problem("file_missing", f"{table}.csv", table=table, expected=expected))
    meta, meta_problems = read_meta(path if path.is_dir() else None)
    return raw, meta, problems + meta_problems


def _faults(faults: list[dict[str, Any]], file: str) -> list[Problem]:
    """The reading faults a reader returned (:func:`_finish`) as Problems of ``file``."""
    return [problem(f.pop("rule"), file, f.pop("row", None), f.pop("column", None), f.pop("value", None),
                    severity=f.pop("severity", "error"), **f) for f in map(dict, faults)]


def _other_sheet(folder: Path, table: str) -> Path | None:
    """A workbook in a format that is not read (``values.xls``, ``dataset.ods``...) holding ``table``."""
    if not folder.is_dir():
        return None
    names = [f"{table}{s}" for s in (*OTHER_SHEETS, ".xlsx")] + [f"dataset{s}" for s in OTHER_SHEETS]
    return next((folder / n for n in names if (folder / n).is_file()), None)


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
    for bad in parse_periods(meta.get("catalogues"))[1]:
        problems.append(problem("toml_type", file.name, column="catalogues", value=bad,
                                expected='"2021-2025" = "lang-son-2022-2025" (periods not overlapping)'))
    layers = meta["boundaries"]
    paths = layers.values() if isinstance(layers, dict) else layers if isinstance(layers, list) else [layers]
    roots = [folder, *folder.resolve().parents]  # relative to the dataset folder or the project (maps/...)
    for p in paths:
        if isinstance(p, str) and not any((root / p).exists() for root in roots):
            problems.append(problem("boundary_missing", file.name, column="boundaries", value=p, severity="warning"))
    return meta, problems
