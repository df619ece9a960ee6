"""Administrative units: the one home of the rules about them.

A dataset's ``units`` table has one row per unit and period: ``code``, ``name``, ``type`` (the type
word, e.g. ``Xã``, ``Thị trấn``), ``level`` (:data:`LEVELS`), ``parent_code``, ``valid_from`` /
``valid_to`` (years, inclusive, NA = open) and ``successor_code``. Codes are reused across mergers
(06343 is Xã Bắc Sơn until 2019 and Xã Bắc Quỳnh from 2020; 06325 the town until 2024 and a new
commune under the province from 2025), so (code, year) identifies a unit, never the code alone.

Rules kept here and nowhere else:

- the order of the levels (:data:`LEVELS`, :data:`LEVEL_RANK`);
- whether a row exists in a year (:func:`valid_in`, :func:`in_year`);
- the hierarchy: every (unit, ancestor) pair (:func:`ancestry`) and the units under any ancestor
  (:func:`descendants`, :func:`expand`): a province, a district or a commune (for its villages)
  expands the same way, to every unit under it valid in the year;
- the row, name, type word and display name of a code in a year (:func:`unit_row`,
  :func:`name_in_year`, :func:`unit_kind`, :func:`display_name`, :func:`unit_label`).
"""

from __future__ import annotations

from typing import ClassVar, Iterable, Mapping

import numpy as np
import pandas as pd

from ntm_analysis.errors import KeyedError
from ntm_analysis.i18n import LEVEL_LABELS, label

#: Administrative levels from the top down; roll-up runs from a deeper level to a shallower one.
LEVELS: tuple[str, ...] = ("province", "district", "commune", "village", "hamlet")
#: Depth of each level (0 = province).
LEVEL_RANK: dict[str, int] = {level: i for i, level in enumerate(LEVELS)}



class UnitNotFound(KeyedError, LookupError):
    """No unit with the code (in the year asked for)."""

    MESSAGES: ClassVar[Mapping[str, tuple[str, str]]] = {
        "unknown_unit": ("Không có đơn vị mã {code}{period} trong bảng đơn vị.",
                         "No unit with code {code}{period} in the units table."),
    }


def _years(column: pd.Series) -> pd.Series:
    """A validity column as numbers (layers read from files may hold them as text)."""
    if pd.api.types.is_numeric_dtype(column):
        return column
    return pd.to_numeric(column, errors="coerce")


def valid_in(frame: pd.DataFrame, year: pd.Series | int | None) -> pd.Series:
    """True where the row (``valid_from``/``valid_to``, inclusive; NA = open) exists in ``year``.

    ``year``: one year, a Series aligned with ``frame`` (one year per row) or None (every row).
    A frame without the columns is valid in every year."""
    ok = pd.Series(True, index=frame.index)
    if year is None:
        return ok
    if "valid_from" in frame:
        vf = _years(frame["valid_from"])
        ok &= (vf.isna() | (vf <= year)).fillna(True).astype(bool)
    if "valid_to" in frame:
        vt = _years(frame["valid_to"])
        ok &= (vt.isna() | (vt >= year)).fillna(True).astype(bool)
    return ok


def in_year(units: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """The rows of ``units`` valid in ``year`` (all rows when ``year`` is None)."""
    return units[valid_in(units, year)]


def ancestry(units: pd.DataFrame) -> pd.DataFrame:
    """Every (unit, ancestor) pair, the unit itself included: ``code``, ``level``, ``ancestor``,
    ``ancestor_level``, ``depth`` (0 = itself), and ``valid_from``/``valid_to``: the years in which
    the pair holds (the overlap of the validity of every row on the chain; NA = open). Codes are
    reused across periods (a village under Tân Lập until 2024 and under the new xã Vũ Lăng from
    2025 keeps its code), so a pair is only true in its years: filter with ``valid_in``.
    Walks ``parent_code`` a bounded number of times."""
    def years(col: str, open_end: float) -> np.ndarray:
        if col not in units:
            return np.full(len(units), open_end)
        y = pd.to_numeric(units[col], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        return np.where(np.isnan(y), open_end, y)

    rows = units[["code", "level", "parent_code"]].assign(_f=years("valid_from", -np.inf), _t=years("valid_to", np.inf))
    parents = rows.rename(columns={"code": "ancestor", "level": "ancestor_level", "parent_code": "next",
                                   "_f": "_pf", "_t": "_pt"})
    step = rows.assign(ancestor=rows["code"], ancestor_level=rows["level"], depth=0).rename(columns={"parent_code": "next"})
    cols = ["code", "level", "ancestor", "ancestor_level", "depth", "_f", "_t"]
    parts = [step[cols]]
    for depth in range(1, len(LEVELS) + 3):  # deeper than any real hierarchy; stops cycles
        step = step[["code", "level", "next", "_f", "_t"]].dropna(subset=["next"]).rename(columns={"next": "ancestor"})
        step = step.merge(parents, on="ancestor")
        step = step.assign(_f=np.maximum(step["_f"], step["_pf"]), _t=np.minimum(step["_t"], step["_pt"]), depth=depth)
        step = step[step["_f"] <= step["_t"]]
        if step.empty:
            break
        parts.append(step[cols])
    out = pd.concat(parts, ignore_index=True)
    years = {"valid_from": out["_f"].where(np.isfinite(out["_f"])), "valid_to": out["_t"].where(np.isfinite(out["_t"]))}
    out = out.drop(columns=["_f", "_t"]).assign(**{k: v.astype("Int64") for k, v in years.items()})
    return out.drop_duplicates(ignore_index=True)


def descendants(units: pd.DataFrame, code: str, year: int | None = None, include_self: bool = True) -> set[str]:
    """Codes of every unit under ``code`` (via ``parent_code``) among the rows valid in ``year``
    (every row when None), ``code`` itself included unless ``include_self`` is False.
    Loops over the depth of the hierarchy only."""
    live = in_year(units, year)
    parent = live["parent_code"].astype("string")
    child = live["code"].astype("string")
    found, frontier = {str(code)}, {str(code)}
    for _ in range(len(LEVELS) + 2):  # bounded: a cycle in parent_code cannot loop forever
        frontier = set(child[parent.isin(frontier).fillna(False)]) - found
        if not frontier:
            break
        found |= frontier
    return found if include_self else found - {str(code)}


def expand(units: pd.DataFrame, codes: str | Iterable[str], year: int | None = None,
           level: str | None = None) -> list[str]:
    """``codes`` and every unit under each of them valid in ``year``, in ``units`` order, each code
    once; with ``level`` only the units of that level (a unit of that level stands for itself).

    The one expansion of an ancestor used by every command: a province or a district expands to all
    its communes (``level="commune"``), a commune to its villages (``level="village"``)."""
    wanted = [codes] if isinstance(codes, str) else [str(c) for c in codes]
    live = in_year(units, year)
    below: set[str] = set()
    for code in wanted:
        below |= descendants(live, code)
    rows = live[live["code"].astype("string").isin(below).fillna(False)]
    if level is not None:
        rows = rows[rows["level"].eq(level)]
    return list(dict.fromkeys(rows["code"].astype(str)))


def unit_row(units: pd.DataFrame, code: str, year: int | None = None) -> pd.Series:
    """The row of the unit with ``code`` that exists in ``year`` (default: its latest period).

    Raises :class:`UnitNotFound` (a ``LookupError`` of the package's error family) when there is none."""
    rows = units[units["code"].eq(code)]
    if year is not None:
        rows = rows[valid_in(rows, year)]
    if rows.empty:
        period = "" if year is None else f" ({year})"
        raise UnitNotFound("unknown_unit", code=code, period=period)
    if len(rows) == 1:
        return rows.iloc[0]
    start = _years(rows["valid_from"]).fillna(-1) if "valid_from" in rows else pd.Series(0, index=rows.index)
    return rows.loc[start.sort_values(kind="stable").index[-1]]


def _row_or_latest(units: pd.DataFrame, code: str, year: int | None) -> pd.Series:
    """The row valid in ``year``, else the code's latest row (a name is still shown for a unit
    asked for outside its period)."""
    try:
        return unit_row(units, code, year)
    except LookupError:
        return unit_row(units, code)


def name_in_year(units: pd.DataFrame, code: str, year: int | None = None) -> str:
    """The name (without type word) of the unit with ``code`` in ``year`` (default: its latest
    period); the code itself when the table has no such unit."""
    try:
        return str(_row_or_latest(units, code, year)["name"])
    except LookupError:
        return str(code)


def names_in_year(units: pd.DataFrame, codes: pd.Series, years: pd.Series | int) -> pd.Series:
    """The name of each (code, year) pair (``codes`` and ``years`` aligned, or one year for all):
    the row valid that year, NA where there is none. Vectorised :func:`name_in_year`."""
    keys = pd.DataFrame({"code": codes.to_numpy(), "year": years if isinstance(years, int) else years.to_numpy()})
    keys = keys.reset_index(names="_k")
    cols = ["code", "name", *[c for c in ("valid_from", "valid_to") if c in units]]
    rows = keys.merge(units[cols], on="code", how="left")
    rows = rows[valid_in(rows, rows["year"]) & rows["name"].notna()].drop_duplicates("_k", keep="last")
    out = keys[["_k"]].merge(rows[["_k", "name"]], on="_k", how="left")["name"]
    return pd.Series(out.to_numpy(), index=codes.index, name="name")


def unit_kind(units: pd.DataFrame, code: str, year: int | None = None) -> str | None:
    """The type word of the unit (``Xã``, ``Thị trấn``, ``Phường``, ``Thôn`` ...) in ``year`` from
    the ``type`` column; None when the table gives none."""
    try:
        kind = _row_or_latest(units, code, year).get("type")
    except LookupError:
        return None
    return str(kind) if isinstance(kind, str) and kind.strip() else None


def display_name(units: pd.DataFrame, code: str, year: int | None = None, lang: str | None = None) -> str:
    """``Xã Tân Lập``-style name of the unit with ``code`` valid in ``year``: type word + name.

    Without a type word: the level's name in ``lang`` + name when ``lang`` is given, else the name
    alone; the code when the table has no such unit."""
    name = name_in_year(units, code, year)
    kind = unit_kind(units, code, year)
    if kind is None and lang is not None:
        try:
            kind = label(LEVEL_LABELS, str(_row_or_latest(units, code, year)["level"]), lang)
        except LookupError:
            kind = None
    return f"{kind} {name}" if kind else name


def unit_label(units: pd.DataFrame, code: str, year: int | None = None, lang: str = "vi") -> str:
    """The unit in running text: ``xã Tân Lập`` (type word lower-cased, else the level's name) /
    ``Tân Lập commune`` (the level's English name), for the unit with ``code`` valid in ``year``.
    Raises :class:`UnitNotFound` when the code has no unit in ``year``."""
    row = unit_row(units, code, year)
    name = str(row["name"])
    if lang == "vi":
        kind = row.get("type")
        kind = kind if isinstance(kind, str) and kind.strip() else label(LEVEL_LABELS, str(row["level"]), "vi")
        return f"{kind.lower()} {name}"
    return f"{name} {label(LEVEL_LABELS, str(row['level']), 'en').lower()}"
