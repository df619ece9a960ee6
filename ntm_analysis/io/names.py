"""Vietnamese text normalisation, name keys and unit look-up by name or code.

Names arrive in NFC or NFD (macOS, some Excel exports) and with the tone mark in either the "old"
or the "new" place (Hòa / Hoà, Thủy / Thuỷ). ``name_key`` maps all of these to one key so that
look-ups and joins by name do not depend on how a file was typed. Different tones stay different
names (Khuê is not Khuế); ``đ`` stays distinct from ``d``.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

from ntm_analysis.errors import NtmError
from ntm_analysis.i18n import fmt
from ntm_analysis.text import INVISIBLE, fold_key, name_key, normalise_text
from ntm_analysis.units import valid_in

#: Combining marks that carry the tone (huyền, sắc, ngã, hỏi, nặng).

#: Administrative levels in order, highest first.
LEVELS: tuple[str, ...] = ("province", "district", "commune", "village", "hamlet")

#: Type words written before a unit name: display form and the level they belong to.
#: ``bản``, ``làng`` and ``ấp`` are accepted as levels but never stripped from names, because
#: they are often part of the name itself (thôn Bản Đăng).
TYPE_WORDS: dict[str, tuple[str, str]] = {
    "tỉnh": ("Tỉnh", "province"),
    "huyện": ("Huyện", "district"),
    "quận": ("Quận", "district"),
    "thị xã": ("Thị xã", "district"),
    "xã": ("Xã", "commune"),
    "thị trấn": ("Thị trấn", "commune"),
    "phường": ("Phường", "commune"),
    "đặc khu": ("Đặc khu", "commune"),
    "thôn": ("Thôn", "village"),
    "tổ dân phố": ("Tổ dân phố", "village"),
    "xóm": ("Xóm", "hamlet"),
}
#: Words accepted in the ``level`` column (compared without case or diacritics).
LEVEL_WORDS: dict[str, str] = {
    **{lvl: lvl for lvl in LEVELS},
    **{word: lvl for word, (_, lvl) in TYPE_WORDS.items()},
    "bản": "village",
    "làng": "village",
    "ấp": "village",
}

MESSAGES: dict[str, tuple[str, str]] = {
    "not_found": (
        "Không tìm thấy đơn vị «{query}».",
        "No unit matches «{query}».",
    ),
    "suggest": ("Có phải: {names}?", "Did you mean: {names}?"),
    "ambiguous": (
        "Tên «{query}» ứng với {n} đơn vị: {names}. Hãy ghi một trong: {queries}.",
        "«{query}» matches {n} units: {names}. Write one of: {queries}.",
    ),
    "merged": (
        "Đơn vị «{query}» ({code}) không còn năm {year}: sau năm {valid_to} đã nhập vào {successors}. "
        "Dùng {codes} cho năm {year}, hoặc chọn năm đến {valid_to}.",
        "Unit «{query}» ({code}) no longer exists in {year}: after {valid_to} it merged into {successors}. "
        "Use {codes} for {year}, or a year up to {valid_to}.",
    ),
    "not_yet": (
        "Đơn vị «{query}» ({code}) chỉ có từ năm {valid_from}.",
        "Unit «{query}» ({code}) only exists from {valid_from}.",
    ),
}


class UnitLookupError(NtmError, LookupError):
    """A unit query that matched no unit or several; carries vi and en messages and candidates."""

    def __init__(self, message_vi: str, message_en: str, candidates: pd.DataFrame | None = None):
        super().__init__(message_vi, message_en)
        self.candidates = candidates if candidates is not None else pd.DataFrame()


#: Cells already in normal form: printable ASCII words separated by single spaces.
_PLAIN = r"^[\x21-\x7e]+(?: [\x21-\x7e]+)*$"
#: Cells ``normalise_text`` may change apart from NFC: white space other than single inner spaces
#: (Python's ``\s`` also holds U+001C-U+001F) and invisible characters.
_SPACING = "[\x1c-\x1f]|[^\\S ]|  |^ | $|" + INVISIBLE


def normalise_column(s: pl.Series) -> tuple[pl.Series, int]:
    """``normalise_text`` of every cell of a text column (polars), worked out once per DISTINCT
    cell and mapped back: an Enum column of the normalised texts (empty cells become null) and the
    number of invisible characters removed, counting every row (for the ``invisible_chars`` warning).
    Cells of printable ASCII with single spaces are already normal and are not looked at again."""
    text = s.cast(pl.String)
    uniq = text.drop_nulls().unique()
    enum = text.cast(pl.Enum(uniq))
    plain = uniq.str.contains(_PLAIN)
    if plain.all():
        return enum, 0
    texts = uniq.to_list()
    spacing = (~plain & uniq.str.contains(_SPACING)).to_list()
    norm = [(normalise_text(t) if sp or not unicodedata.is_normalized("NFC", t) else t) or None if not p else t
            for t, p, sp in zip(texts, plain.to_list(), spacing)]
    invisible = uniq.str.count_matches(INVISIBLE).to_numpy()
    removed = 0
    if invisible.any():
        rows = np.bincount(enum.to_physical().drop_nulls().to_numpy(), minlength=len(texts))
        removed = int(rows @ invisible)
    if norm == texts:
        return enum, removed
    new = list(dict.fromkeys(t for t in norm if t is not None))
    at = {t: i for i, t in enumerate(new)}
    remap = pl.Series([at.get(t) if t is not None else None for t in norm], dtype=pl.UInt32)
    cats = pl.Series(new, dtype=pl.String).cast(pl.Enum(new))
    return cats.gather(remap.gather(enum.to_physical())).alias(s.name), removed


_LEVEL_BY_FOLD = {fold_key(word): lvl for word, lvl in LEVEL_WORDS.items()}
_TYPE_BY_KEY = {name_key(word): word for word in TYPE_WORDS}
_TYPE_BY_FOLD = {fold_key(word): word for word in TYPE_WORDS}


def level_of(word: Any) -> str | None:
    """Canonical level (``commune`` ...) of a level word in any language, case or diacritics form."""
    return _LEVEL_BY_FOLD.get(fold_key(word)) if isinstance(word, str) else None


def type_display(word: Any) -> str | None:
    """Display form (``Thị trấn``) of a type word, or None when ``word`` is not one."""
    if not isinstance(word, str):
        return None
    found = _TYPE_BY_KEY.get(name_key(word)) or _TYPE_BY_FOLD.get(fold_key(word))
    return TYPE_WORDS[found][0] if found else None


@lru_cache(maxsize=1 << 14)
def _word_key(word: str) -> str:
    """``name_key`` of one word (names repeat their first words: Thôn, Xã, Bản ...)."""
    return name_key(word)


#: Keys of the first words of the type words: a name whose first word is none of them has no type word.
_TYPE_FIRST = {name_key(word.split(" ")[0]) for word in TYPE_WORDS}


def split_type(name: Any, normalised: bool = False) -> tuple[str | None, str]:
    """Split a leading type word off a name: ``"Thị trấn Bắc Sơn"`` → ``("Thị trấn", "Bắc Sơn")``.
    ``normalised``: the name is already ``normalise_text``-ed (as the readers give cells)."""
    text = (name if normalised else normalise_text(name)) if isinstance(name, str) else ""
    words = text.split(" ")
    if len(words) < 2 or _word_key(words[0]) not in _TYPE_FIRST:
        return None, text
    for n in (3, 2, 1):  # longest type word first (tổ dân phố, thị trấn, xã)
        if len(words) > n:  # the key of words joined by one space is their keys joined (name_key)
            word = _TYPE_BY_KEY.get(" ".join(_word_key(w) for w in words[:n]))
            if word:
                return TYPE_WORDS[word][0], " ".join(words[n:])
    return None, text


def _unit_keys(units: pd.DataFrame) -> pd.DataFrame:
    """Name key and type key of every unit (type from the ``type`` column or the name's prefix)."""
    split = units["name"].map(split_type)
    prefix = split.map(lambda t: t[0])
    bare = split.map(lambda t: t[1])
    given_type = units["type"] if "type" in units.columns else pd.Series(pd.NA, index=units.index)
    unit_type = given_type.where(given_type.notna(), prefix)
    return pd.DataFrame(
        {"key": bare.map(name_key), "type_key": unit_type.map(name_key)}, index=units.index
    )


def find_units(
    units: pd.DataFrame, query: str, level: str | None = None, year: int | None = None
) -> pd.DataFrame:
    """Units whose code equals ``query`` or whose name matches it (any NFC/NFD, tone placement
    or case; with or without a type word such as ``xã``/``thị trấn``), filtered by level and year."""
    text = normalise_text(str(query))
    ok = valid_in(units, year)
    if level is not None:
        ok &= units["level"] == (level_of(level) or level)
    by_code = units["code"].astype("string") == text
    if (by_code & ok).any():
        return units[by_code & ok].copy()
    unit_type, bare = split_type(text)
    keys = _unit_keys(units)
    match = keys["key"] == name_key(bare)
    if unit_type is not None:
        type_level = TYPE_WORDS[_TYPE_BY_KEY[name_key(unit_type)]][1]
        typed = keys["type_key"] == name_key(unit_type)
        untyped = (keys["type_key"] == "") & (units["level"] == type_level)
        match &= typed | untyped
    both = units[match & ok]
    if both.empty and unit_type is not None:  # "Xóm Mới" may be the whole name
        both = units[(keys["key"] == name_key(text)) & ok]
    return both.copy()


def _describe(units: pd.DataFrame, lang: str = "vi") -> str:
    """``Thị trấn Bắc Sơn (06325, xã)`` / ``Thị trấn Bắc Sơn (06325, commune)``-style list of units,
    the level in ``lang``."""
    from ntm_analysis.i18n import LEVEL_LABELS, label  # noqa: PLC0415

    keys = units["type"] if "type" in units.columns else pd.Series(pd.NA, index=units.index)
    labels = [
        f"{t + ' ' if isinstance(t, str) else ''}{n} ({c}, {label(LEVEL_LABELS, str(lv), lang).lower()})"
        for t, n, c, lv in zip(keys, units["name"], units["code"], units["level"])
    ]
    return "; ".join(labels)


def _label(unit: pd.Series) -> str:
    """``Thị trấn Bắc Sơn``: the type word (if any) and the name of one unit row."""
    t = unit.get("type")
    return f"{t} {unit['name']}" if isinstance(t, str) and t else str(unit["name"])


def _queries(units: pd.DataFrame, found: pd.DataFrame, level: str | None, year: int | None) -> str:
    """For each unit of ``found``, a query that names it alone in ``year``: its type and name when
    that resolves to it, else its code (a hint must never suggest a name that then fails)."""
    out = []
    for _, unit in found.drop_duplicates("code").iterrows():  # a handful of candidates
        label = _label(unit)
        hits = find_units(units, label, level=level, year=year)["code"].astype("string").unique()
        out.append(f"«{label}»" if len(hits) == 1 and hits[0] == str(unit["code"]) else f"«{unit['code']}»")
    return ", ".join(out)


def _out_of_period(units: pd.DataFrame, query: str, level: str | None, year: int) -> UnitLookupError | None:
    """The error for a unit that exists, but not in ``year``: merged away (into what, after which
    year) or not yet created; None when ``query`` names no unit in any year or several."""
    found = find_units(units, query, level=level).drop_duplicates("code")
    if len(found) != 1:
        return None
    unit = found.iloc[0]
    valid_to = pd.to_numeric(pd.Series([unit.get("valid_to")]), errors="coerce").iloc[0]
    valid_from = pd.to_numeric(pd.Series([unit.get("valid_from")]), errors="coerce").iloc[0]
    succ = unit.get("successor_code")
    if pd.notna(valid_to) and valid_to < year and isinstance(succ, str) and succ:
        named = []
        for one in [c.strip() for c in succ.split(";") if c.strip()]:  # a split unit lists each (admin.SPLIT_SEP)
            rows = units[units["code"].astype("string").eq(one)]
            valid = rows[valid_in(rows, year)]
            named.append((_label((valid if len(valid) else rows).iloc[-1]) + f" ({one})") if len(rows) else one)
        codes = ", ".join(f"«{c.strip()}»" for c in succ.split(";") if c.strip())
        args = dict(query=query, code=unit["code"], year=year, successors=", ".join(named), codes=codes,
                    valid_to=int(valid_to))
        return UnitLookupError(fmt(MESSAGES, "merged", "vi", **args), fmt(MESSAGES, "merged", "en", **args), found)
    if pd.notna(valid_from) and valid_from > year:
        args = dict(query=query, code=unit["code"], valid_from=int(valid_from))
        return UnitLookupError(fmt(MESSAGES, "not_yet", "vi", **args), fmt(MESSAGES, "not_yet", "en", **args), found)
    return None


def resolve_unit(
    units: pd.DataFrame, query: str, level: str | None = None, year: int | None = None
) -> str:
    """The code of the one unit ``query`` names; ``UnitLookupError`` when none or several match.

    A unit that exists in other years only says so (merged into which unit after which year); the
    names suggested for a near miss or an ambiguous name are only ones that resolve in ``year``."""
    found = find_units(units, query, level=level, year=year)
    codes = found["code"].astype("string").unique()
    if len(codes) == 1:
        return str(codes[0])
    if len(codes) == 0:
        if year is not None and (err := _out_of_period(units, query, level, year)) is not None:
            raise err
        vi, en = fmt(MESSAGES, "not_found", "vi", query=query), fmt(MESSAGES, "not_found", "en", query=query)
        scope = units[valid_in(units, year)]
        if level is not None:
            scope = scope[scope["level"] == (level_of(level) or level)]
        keys = scope["name"].map(lambda n: name_key(split_type(n)[1]))
        close = difflib.get_close_matches(name_key(split_type(query)[1]), list(keys.unique()), n=3, cutoff=0.6)
        if close:
            names = _queries(units, scope[keys.isin(close)], level, year)
            vi += " " + fmt(MESSAGES, "suggest", "vi", names=names)
            en += " " + fmt(MESSAGES, "suggest", "en", names=names)
        raise UnitLookupError(vi, en, found)
    name = split_type(query)[1]
    args = dict(query=query, n=len(codes), name=name,
                queries=_queries(units, found, level, year))
    raise UnitLookupError(fmt(MESSAGES, "ambiguous", "vi", names=_describe(found.drop_duplicates("code"), "vi"), **args),
                          fmt(MESSAGES, "ambiguous", "en", names=_describe(found.drop_duplicates("code"), "en"), **args),
                          found)


# --- Vietnamese sort order ----------------------------------------------------------------------

#: The Vietnamese alphabet (with the Latin letters it lacks at their Latin places): ă, â after a,
#: đ after d, ê after e, ô, ơ after o, ư after u.
_ALPHABET = {ch: i for i, ch in enumerate("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")}
#: Vowel marks that make a new letter (breve, circumflex, horn) and the letter they make.
_LETTER_MARKS = {("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê", ("o", "\u0302"): "ô",
                 ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư"}
#: Tone order of Vietnamese dictionaries: level, huyền, hỏi, ngã, sắc, nặng.
_TONE_ORDER = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def sort_key(text: Any) -> tuple:
    """Key that sorts names the Vietnamese way (the one collation rule of the package): letters by
    the Vietnamese alphabet (``Dương`` < ``Đồng Ý``; ``Chiến Thắng`` < ``Chiêu Vũ``), tones only to
    break ties (level < huyền < hỏi < ngã < sắc < nặng), case last; numbers in numeric order
    (``Thôn 2`` < ``Thôn 10``). Use as ``sorted(names, key=sort_key)`` or
    ``frame.sort_values("name", key=lambda s: s.map(sort_key))``."""
    raw = normalise_text(text) if isinstance(text, str) else ("" if text is None else str(text))
    letters: list[tuple[int, Any]] = []
    tones: list[int] = []
    for part in re.split(r"(\d+)", unicodedata.normalize("NFD", raw).casefold()):
        if part.isdigit():
            letters.append((1, int(part)))
            continue
        for ch in part:
            if unicodedata.combining(ch):
                prev = letters[-1] if letters else None
                made = _LETTER_MARKS.get((prev[2], ch)) if prev is not None and len(prev) > 2 else None
                if made is not None:
                    letters[-1] = (2, _ALPHABET[made], made)
                elif ch in _TONE_ORDER and tones:
                    tones[-1] = _TONE_ORDER[ch]
                continue
            if ch.isspace():
                letters.append((0, 0))
                tones.append(0)
            elif ch in _ALPHABET:
                letters.append((2, _ALPHABET[ch], ch))
                if not tones:
                    tones.append(0)
            else:
                letters.append((3, ord(ch)))
    primary = tuple(x[:2] for x in letters)
    return primary, tuple(tones), raw

