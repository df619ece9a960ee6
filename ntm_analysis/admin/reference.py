"""The commune-level units of Vietnam from 01/7/2025 and the former units each was formed from.

Two reference tables ship with the package (``ntm_analysis/admin/data/``, source and licence in its
README.md: GSO Official Letter 1027/CTK-CSCL and the 34 resolutions of 16/06/2025 of the National
Assembly Standing Committee, as republished under the MIT License by github:dvhcvn/20250701):

- ``units_2025()``: 3,321 rows, one per commune-level unit (xã, phường, đặc khu) in force from
  01/7/2025: ``province_code``, ``province_name``, ``province_type``, ``code``, ``name`` (without the
  type word), ``type`` (lower case), ``full_name``, ``formation``, ``resolution``, ``resolution_item``,
  ``n_predecessors``, ``code_reused_from``, ``note`` ...
- ``predecessors_2025()``: 10,571 rows, one per (new unit, former unit) pair: ``new_code``,
  ``old_code``, ``old_name``, ``old_type``, ``old_district_code``/``_name``/``_type``,
  ``old_province_code``/``_name``, ``whole_or_part`` (``whole`` | ``part``: a former unit named
  ``part`` was split between two to five new units), ``portion_text``, ``resolution`` ...

Every cell is text (codes keep their leading zeros). ``successor_mapping`` turns the second table into
the successors of each former unit, the split ones marked; ``province_units`` writes a province's
units in the ``units.csv`` layout (docs/data-format.md). The years: the former units hold the
assessments up to 2024, the new ones from the 2025 year-end assessment on (``LAST_FORMER_YEAR``).
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

from ntm_analysis.i18n import fmt
from ntm_analysis.io.names import fold_key, name_key, split_type

#: Last assessment year of the former units; the units of 01/7/2025 hold the 2025 assessment.
LAST_FORMER_YEAR = 2024
#: Separator between the successors of a former unit split between several new units.
SPLIT_SEP = ";"
NOTE_DISTRICT = "Cấp huyện chấm dứt hoạt động từ 01/7/2025"
DATA = "data"

MESSAGES: dict[str, tuple[str, str]] = {
    "province_unknown": ("Không có tỉnh, thành phố «{query}» trong danh mục từ 01/7/2025 (34 tỉnh, thành phố).{hint}",
                         "No province «{query}» in the list of 01/7/2025 (34 provinces and cities).{hint}"),
    "hint": (" Có phải: {names}?", " Did you mean: {names}?"),
    "arranged": ("Đơn vị mới từ 01/7/2025 ({resolution}, khoản {item})", "New unit from 01/7/2025 ({resolution}, item {item})"),
    "not_arranged": ("Không thực hiện sắp xếp ({resolution}, khoản {item})", "Not rearranged ({resolution}, item {item})"),
    "renamed": ("Đổi tên từ 01/7/2025 ({resolution}, khoản {item})", "Renamed from 01/7/2025 ({resolution}, item {item})"),
    "split": ("Chia tách: một phần vào {codes}", "Split: parts went to {codes}"),
}


class AdminReferenceError(LookupError):
    """A province (or unit) that is not in the reference tables; ``render(lang)`` gives the message."""

    def __init__(self, key: str, **fields: str):
        super().__init__(fmt(MESSAGES, key, "vi", **fields))
        self.key, self.fields = key, fields

    def render(self, lang: str = "vi") -> str:
        """The message in ``lang``."""
        fields = dict(self.fields)
        if fields.get("names"):
            fields["hint"] = fmt(MESSAGES, "hint", lang, names=fields["names"])
        return fmt(MESSAGES, self.key, lang, **fields)


def _read(name: str) -> pd.DataFrame:
    """One shipped CSV, every column as text, empty cells as empty strings."""
    with resources.files("ntm_analysis.admin").joinpath(DATA, name).open("rb") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False, encoding="utf-8")


def units_2025() -> pd.DataFrame:
    """The 3,321 commune-level units in force from 01/7/2025 (columns in the module docstring)."""
    return _read("admin-units-2025.csv")


def predecessors_2025() -> pd.DataFrame:
    """The 10,571 (new unit, former unit) pairs of the 2025 reform (columns in the module docstring)."""
    return _read("admin-units-2025-predecessors.csv")


def provinces_2025(units: pd.DataFrame | None = None) -> pd.DataFrame:
    """The 34 provinces of 01/7/2025: ``province_code``, ``province_name``, ``province_type``, ``n_units``."""
    units = units_2025() if units is None else units
    return (units.groupby(["province_code", "province_name", "province_type"], sort=True)
            .size().rename("n_units").reset_index())


def find_province(query: str | int, units: pd.DataFrame | None = None) -> pd.Series:
    """The province row (``provinces_2025``) named by ``query``: its GSO code (``20``, ``"20"``, 20)
    or its name with or without the type word, in any Unicode form, tone placement or case
    (``Lạng Sơn``, ``tỉnh lang sơn``, ``Thành phố Huế``). Raises ``AdminReferenceError`` naming the
    closest names when nothing matches."""
    provinces = provinces_2025(units)
    text = str(query).strip()
    if text.isdigit():
        hit = provinces[provinces["province_code"].eq(text.zfill(2))]
        if len(hit):
            return hit.iloc[0]
    bare = split_type(text)[1]
    for prefix in ("thành phố ", "tp. ", "tp "):  # the type word of the five cities
        if name_key(bare).startswith(name_key(prefix)):
            bare = bare[len(prefix):]
    keys = provinces["province_name"].map(name_key)
    hit = provinces[keys.eq(name_key(bare))]
    if len(hit):
        return hit.iloc[0]
    folded = provinces[provinces["province_name"].map(fold_key).eq(fold_key(bare))]  # typed without accents
    if len(folded) == 1:
        return folded.iloc[0]
    import difflib  # noqa: PLC0415

    close = difflib.get_close_matches(name_key(bare), list(keys), n=3, cutoff=0.6)
    names = ", ".join(provinces.loc[keys.isin(close), "province_name"])
    raise AdminReferenceError("province_unknown", query=text, names=names, hint="")


def successor_mapping(province_code: str | None = None) -> pd.DataFrame:
    """One row per former unit (of the new ``province_code``, or of the whole country): ``old_code``,
    ``old_name``, ``old_type``, ``old_district_code``, ``old_province_code``, ``successor_code`` (the
    new unit; for a split unit every new unit, ``;``-separated in list order), ``n_successors`` and
    ``split`` (True when the former unit went partly into several new units: its figures cannot be
    carried to any one of them). A former unit is identified here by its 01/03/2025 code."""
    pairs = predecessors_2025()
    if province_code is not None:
        pairs = pairs[pairs["province_code"].eq(province_code)]
    keys = ["old_code", "old_name", "old_type", "old_district_code", "old_province_code"]
    g = pairs.groupby(keys, sort=False)
    out = g["new_code"].agg(lambda s: SPLIT_SEP.join(dict.fromkeys(s))).rename("successor_code").reset_index()
    out["n_successors"] = g["new_code"].nunique().to_numpy()
    out["split"] = g["whole_or_part"].agg(lambda s: bool(s.eq("part").any())).to_numpy()
    return out


def _display_type(word: str) -> str:
    """``thị trấn`` → ``Thị trấn``, ``thành phố`` → ``Thành phố`` (first letter upper case)."""
    return word[:1].upper() + word[1:] if word else word


def province_units(province: str | int, with_predecessors: bool = False, lang: str = "vi") -> pd.DataFrame:
    """The units of one province in the ``units.csv`` layout (``code``, ``name``, ``type``, ``level``,
    ``parent_code``, ``region``, ``group``, ``households``, ``population``, ``valid_from``,
    ``valid_to``, ``successor_code``, ``note``): the province, then its commune-level units of
    01/7/2025 directly under it (``valid_from`` = 2025). With ``with_predecessors``, also the former
    provinces (when the province was formed from several), their districts and every former commune
    (``valid_to`` = ``LAST_FORMER_YEAR``, ``successor_code`` = the new unit; a unit split between
    several new units lists them all, ``;``-separated, with a note). ``region``, ``group``,
    ``households`` and ``population`` are left empty for the user to fill. Raises
    ``AdminReferenceError`` for an unknown province."""
    all_units = units_2025()
    prov = find_province(province, all_units)
    pcode = prov["province_code"]
    new = all_units[all_units["province_code"].eq(pcode)]
    mapping = successor_mapping(pcode) if with_predecessors else None
    old_provinces = (predecessors_2025().loc[lambda d: d["province_code"].eq(pcode), ["old_province_code", "old_province_name"]]
                     .drop_duplicates() if with_predecessors else pd.DataFrame())
    changed = with_predecessors and not (len(old_provinces) == 1 and old_provinces["old_province_code"].iloc[0] == pcode)
    rows = [dict(code=pcode, name=prov["province_name"], type=_display_type(prov["province_type"]), level="province",
                 valid_from=LAST_FORMER_YEAR + 1 if changed else None)]
    for r in new.itertuples(index=False):
        rows.append(dict(code=r.code, name=r.name, type=_display_type(r.type), level="commune", parent_code=pcode,
                         valid_from=LAST_FORMER_YEAR + 1,
                         note=fmt(MESSAGES, r.formation, lang, resolution=r.resolution, item=r.resolution_item)))
    if with_predecessors:
        pairs = predecessors_2025()
        pairs = pairs[pairs["province_code"].eq(pcode)]
        if changed:
            types = dict(zip(provinces_2025(all_units)["province_code"], provinces_2025(all_units)["province_type"]))
            for r in old_provinces.itertuples(index=False):  # every merged-away province was a tỉnh
                kind = _display_type(types.get(r.old_province_code, "tỉnh"))
                rows.append(dict(code=r.old_province_code, name=r.old_province_name, type=kind, level="province",
                                 valid_to=LAST_FORMER_YEAR, successor_code=pcode))
        districts = pairs[["old_district_code", "old_district_name", "old_district_type", "old_province_code"]].drop_duplicates("old_district_code")
        districts = districts[~districts["old_district_code"].isin(pairs.loc[pairs["old_type"].eq("huyện"), "old_code"])]
        for r in districts.itertuples(index=False):
            rows.append(dict(code=r.old_district_code, name=r.old_district_name, type=_display_type(r.old_district_type),
                             level="district", parent_code=r.old_province_code, valid_to=LAST_FORMER_YEAR,
                             note=NOTE_DISTRICT))
        for r in mapping.itertuples(index=False):
            level = "district" if r.old_type == "huyện" else "commune"  # the five districts without communes
            parent = r.old_province_code if level == "district" else r.old_district_code
            note = (fmt(MESSAGES, "split", lang, codes=r.successor_code.replace(SPLIT_SEP, ", ")) if r.split
                    else NOTE_DISTRICT if level == "district" else None)
            rows.append(dict(code=r.old_code, name=r.old_name, type=_display_type(r.old_type), level=level,
                             parent_code=parent, valid_to=LAST_FORMER_YEAR, successor_code=r.successor_code, note=note))
    cols = ["code", "name", "type", "level", "parent_code", "region", "group", "households", "population",
            "valid_from", "valid_to", "successor_code", "note"]
    out = pd.DataFrame(rows).reindex(columns=cols)
    for col in ("valid_from", "valid_to"):
        out[col] = out[col].astype("Int64")
    return out
