"""The rules that read a cell as a number, a yes/no word or a level label: the one home of each.

Each rule is written once, on polars, and applied once per DISTINCT cell (a column of millions of
rows has a few thousand distinct cells), then mapped back to every row
(:func:`ntm_analysis.io.columnar.map_distinct`). The pandas entry points :func:`parse_numbers`,
:func:`parse_bool` and :func:`parse_levels` (used by ``excel/cells.py`` and re-exported by
``io.dataset``) convert and call the same rules. :func:`number_column` parses one column of a table
and reports its cells that are not (whole) numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import polars as pl

from ntm_analysis.io.columnar import map_distinct
from ntm_analysis.io.validation import Problem, problems_at
from ntm_analysis.text import fold_key, name_key

#: Accepted yes/no words (compared without case or diacritics) → 1.0 / 0.0.
BOOL_WORDS: dict[str, float] = {
    **dict.fromkeys(["dat", "co", "x", "yes", "y", "true", "1", "1.0", "v", "✓"], 1.0),
    **dict.fromkeys(["khong dat", "chua dat", "khong", "no", "n", "false", "0", "0.0"], 0.0),
}
#: Spaces inside a number (Python's ``\s``: Unicode white space and the separators U+001C-U+001F).
_SPACES = "[\\s\x1c-\x1f]"


def _number_texts(t: pl.Series) -> pl.Series:
    """Numbers (Float64, null when not a finite number) of distinct texts: 95.5, 95,5, 95,5%,
    1.234,5, 1,234.5 or 1.234.567. A lone comma is a decimal comma (Vietnamese usage); a comma
    after the last dot is the decimal mark (dots before it group thousands); commas before a dot
    group thousands; several dots and no comma group thousands."""
    frame = pl.DataFrame({"t": t.cast(pl.String)})
    x = pl.col("t").str.replace_all(_SPACES, "").str.strip_chars_end("%")
    comma_decimal = x.str.contains(r",[^.]*$")
    text = (pl.when(comma_decimal).then(x.str.replace_all(".", "", literal=True).str.replace_all(",", ".", literal=True))
            .when(x.str.contains(",", literal=True)).then(x.str.replace_all(",", "", literal=True))
            .when(x.str.count_matches(".", literal=True) > 1).then(x.str.replace_all(".", "", literal=True))
            .otherwise(x))
    num = text.cast(pl.Float64, strict=False)
    return frame.select(pl.when(num.is_finite()).then(num).alias("n"))["n"]


def _bool_texts(t: pl.Series) -> pl.Series:
    """1.0 / 0.0 (Float64, null when no yes/no word) of distinct texts (:data:`BOOL_WORDS`)."""
    return pl.Series([BOOL_WORDS.get(fold_key(x)) for x in t.to_list()], dtype=pl.Float64)


def _level_texts(levels: list[str]) -> Any:
    """The rule reading a level label ("khá"), rank ("3") or "mức (độ) 3" as its 1-based rank in
    ``levels`` (Float64, null otherwise), for distinct texts."""
    ranks = {name_key(lbl): i + 1 for i, lbl in enumerate(levels)}
    ranks |= {fold_key(lbl): i + 1 for i, lbl in enumerate(levels) if fold_key(lbl) not in ranks}

    def rank(x: str) -> float | None:
        key = fold_key(x)
        found = ranks.get(name_key(x)) or ranks.get(key)
        if found:
            return float(found)
        digits = key.removeprefix("muc do").removeprefix("muc").removeprefix("level").strip()
        try:
            n = float(digits.replace(",", "."))
        except ValueError:
            return None
        return n if n.is_integer() and 1 <= n <= len(levels) else None

    return lambda t: pl.Series([rank(x) for x in t.to_list()], dtype=pl.Float64)


def numbers(s: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Text cells as numbers (Float64, null when empty or not a number) and the mask (Boolean) of
    cells that are not numbers; each distinct cell parsed once."""
    num = map_distinct(s, _number_texts)
    return num, s.is_not_null() & num.is_null()


def bools(s: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Đạt/Không đạt, Có/Không, x, yes/no, true/false, 1/0 (any case or accents) → 1.0/0.0, and the
    mask of cells that are none of these."""
    num = map_distinct(s, _bool_texts)
    return num, s.is_not_null() & num.is_null()


def levels(s: pl.Series, labels: list[str]) -> tuple[pl.Series, pl.Series]:
    """Level cells as their 1-based rank in ``labels`` (see :func:`_level_texts`) and the mask of
    cells that are no level."""
    num = map_distinct(s, _level_texts(labels))
    return num, s.is_not_null() & num.is_null()


def _pandas(rule: Any, s: pd.Series, *args: Any) -> tuple[pd.Series, pd.Series]:
    """``rule`` applied to a pandas Series: (float64 values, bool mask) on the Series' index."""
    text = pl.from_pandas(s.astype("string").reset_index(drop=True)).cast(pl.String)
    num, bad = rule(text, *args)
    return (pd.Series(num.to_numpy(), index=s.index, dtype="float64"),
            pd.Series(bad.to_numpy(), index=s.index, dtype=bool))


def parse_numbers(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers written 95.5, 95,5, 95,5%, 1.234,5, 1,234.5 or 1.234.567 → float64; and the mask of
    cells that are not numbers (the rule of :func:`numbers`, on pandas)."""
    return _pandas(numbers, s)


def parse_bool(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Đạt/Không đạt, Có/Không, x, yes/no, true/false, 1/0 (any case or accents) → 1.0/0.0 and the
    mask of other cells (the rule of :func:`bools`, on pandas)."""
    return _pandas(bools, s)


def parse_levels(s: pd.Series, labels: list[str]) -> tuple[pd.Series, pd.Series]:
    """A level label ("khá"), rank ("3") or "mức (độ) 3" → 1-based rank in ``labels``, and the mask
    of other cells (the rule of :func:`levels`, on pandas)."""
    return _pandas(levels, s, labels)


def level_labels(levels_: Any) -> list[str]:
    """Level labels of a measure (list, array or 'a|b|c' text)."""
    if isinstance(levels_, str):
        return [x.strip() for x in levels_.replace(";", "|").split("|") if x.strip()]
    if levels_ is None or (np.ndim(levels_) == 0 and pd.isna(levels_)):
        return []
    return [str(x) for x in levels_]


#: Whole numbers from this size on are not stored exactly (float64 has 53 bits of mantissa).
MAX_EXACT_INTEGER = 2.0 ** 53


def number_column(frame: pl.DataFrame, col: str, file: str, integer: bool, out: list[Problem]) -> pl.Series:
    """``col`` of ``frame`` (text, with ``_row``) parsed as numbers: Float64, or Int64 when
    ``integer``; a cell that is not a number is a ``number_invalid`` problem, a fraction where a
    whole number is due an ``integer_invalid`` one, a whole number too large to hold exactly
    (≥ 2^53, e.g. ``1e30``) an ``integer_too_large`` one (all at the cell; the cell then counts as empty)."""
    num, bad = numbers(frame[col])
    if bad.any():
        out += problems_at("number_invalid", file, frame.filter(bad), col)
    if not integer:
        return num
    frac = num.is_not_null() & (num % 1 != 0)
    if frac.any():
        out += problems_at("integer_invalid", file, frame.filter(frac), col)
    # beyond 2^53 a float is no exact whole number and beyond 2^63 no Int64: never stored as empty
    huge = (num.is_not_null() & ~frac & (num.abs() >= MAX_EXACT_INTEGER)).fill_null(False)
    if huge.any():
        out += problems_at("integer_too_large", file, frame.filter(huge), col)
    return pl.select(pl.when(~frac & ~huge).then(num)).to_series().cast(pl.Int64, strict=False).alias(col)
