"""Joining boundary features to dataset units: by code, else by normalised name.

Every feature that matches no unit and every unit without geometry is reported in a
:class:`JoinReport`, never dropped silently; a name shared by two features joins neither; a layer of
which nothing joins is an error, never a blank map (:func:`require_joined`). See docs/maps.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ntm_analysis.i18n import fmt
from ntm_analysis.io.names import name_key, split_type
from ntm_analysis.maps.boundaries import CODE_COLUMNS, MESSAGES, NAME_COLUMNS, TYPE_COLUMNS, BoundaryError



@dataclass
class JoinReport:
    """What did not join: ``unmatched_features`` (``row``, ``code``, ``name``, ``reason``) and
    ``units_without_geometry`` (``code``, ``name``, ``level``); and what was changed on reading:
    ``repaired`` features (``row``, ``code``, ``name``, ``why``, ``ok``) and ``legacy`` (the legacy
    font name and example names, when the layer's text looks like TCVN3 or VNI)."""

    unmatched_features: pd.DataFrame = field(default_factory=pd.DataFrame)
    units_without_geometry: pd.DataFrame = field(default_factory=pd.DataFrame)
    matched_by: dict[str, int] = field(default_factory=dict)
    repaired: pd.DataFrame = field(default_factory=pd.DataFrame)
    legacy: tuple[str, list[str]] | None = None
    path: str = ""
    matched_rows: set[int] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        """True when every feature matched a unit and every unit has a geometry."""
        return self.unmatched_features.empty and self.units_without_geometry.empty

    def lines(self, lang: str = "vi") -> list[str]:
        """One message per repaired feature, unmatched feature and unit without geometry."""
        out = []
        if self.legacy:
            out.append(fmt(MESSAGES, "legacy_font", lang, path=self.path, font=self.legacy[0],
                           examples=", ".join(self.legacy[1])))
        out += [fmt(MESSAGES, "repaired", lang, row=r.row, code=r.code, name=r.name, why=r.why)
                for r in self.repaired.itertuples(index=False) if r.ok]
        out += [fmt(MESSAGES, "unmatched_feature", lang, row=r.row, code=r.code, name=r.name,
                    reason=fmt(MESSAGES, f"reason_{r.reason}", lang))
                for r in self.unmatched_features.itertuples(index=False)]
        out += [fmt(MESSAGES, "unit_without_geometry", lang, code=r.code, name=r.name)
                for r in self.units_without_geometry.itertuples(index=False)]
        return out


def _find_column(columns: list[str], candidates: tuple[str, ...], given: str | None) -> str | None:
    """``given`` if set, else the first column whose lower-case name is among ``candidates``."""
    if given:
        return given
    lower = {str(c).lower(): c for c in columns}
    return next((lower[c] for c in candidates if c in lower), None)


def code_key(s: pd.Series) -> pd.Series:
    """Comparable codes: text, trimmed, ``6352.0`` → ``6352``, leading zeros of all-digit codes
    dropped (Shapefiles often store GSO codes as numbers)."""
    text = s.astype("string").str.strip().str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
    digits = text.str.fullmatch(r"\d+").fillna(False).astype(bool)
    return text.where(~digits, text.str.lstrip("0").replace("", "0"))


def _name_keys(names: pd.Series, types: pd.Series | None) -> pd.DataFrame:
    """Bare-name key and type key (from a type column or a leading type word in the name)."""
    split = names.map(lambda n: split_type(n) if isinstance(n, str) else (None, ""))
    prefix = split.map(lambda t: t[0])
    given = types if types is not None else pd.Series(pd.NA, index=names.index)
    kind = given.where(given.notna() & given.astype("string").str.len().gt(0), prefix)
    return pd.DataFrame({"key": split.map(lambda t: name_key(t[1])),
                         "type_key": kind.map(lambda t: name_key(t) if isinstance(t, str) else "")},
                        index=names.index)


def units_in_scope(units: pd.DataFrame, level: str | None = None, year: int | None = None,
                   within: str | None = None) -> pd.DataFrame:
    """Units of ``level`` valid in ``year`` (open ends valid), optionally under unit ``within``."""
    ok = pd.Series(True, index=units.index)
    if level:
        ok &= units["level"].eq(level)
    if year is not None:
        vf = pd.to_numeric(units["valid_from"], errors="coerce") if "valid_from" in units else None
        vt = pd.to_numeric(units["valid_to"], errors="coerce") if "valid_to" in units else None
        if vf is not None:
            ok &= ~(vf > year).fillna(False)
        if vt is not None:
            ok &= ~(vt < year).fillna(False)
    out = units[ok]
    if within:
        codes = out["code"].astype("string")
        out = out[codes.eq(within) | codes.str.startswith(f"{within}-")
                  | out["parent_code"].astype("string").eq(within).fillna(False)]
    return out.copy()


def features_in_year(layer: gpd.GeoDataFrame, year: int | None) -> gpd.GeoDataFrame:
    """Features valid in ``year`` when the layer has ``valid_from``/``valid_to`` columns (a layer may
    hold several periods, e.g. communes before and after the 2020 merges); the layer otherwise."""
    if year is None or not {"valid_from", "valid_to"} & set(layer.columns):
        return layer
    ok = pd.Series(True, index=layer.index)
    if "valid_from" in layer:
        ok &= ~(pd.to_numeric(layer["valid_from"], errors="coerce") > year).fillna(False)
    if "valid_to" in layer:
        ok &= ~(pd.to_numeric(layer["valid_to"], errors="coerce") < year).fillna(False)
    out = layer[ok]
    out.attrs.update(layer.attrs)
    return out


def join_units(layer: gpd.GeoDataFrame, units: pd.DataFrame, year: int | None = None, code_column: str | None = None,
               name_column: str | None = None, type_column: str | None = None) -> tuple[gpd.GeoDataFrame, JoinReport]:
    """Attach each unit of ``units`` to its feature in ``layer``: by code, else by name.

    ``units`` is the scope (e.g. :func:`units_in_scope`): ``code``, ``name``, optionally ``type``.
    With ``year``, only features valid that year take part (see :func:`features_in_year`).
    Codes compare as text with leading zeros ignored for all-digit codes; names compare with
    ``names.name_key`` (NFC/NFD, tone placement and case do not matter; a leading ``Xã``/``Thôn``
    is ignored, but used to tell apart two units of the same name). Returns one row per unit (geometry
    empty when none matched, never dropped) in the layer's CRS, with ``matched_by`` (``code``/``name``/NA),
    and the :class:`JoinReport`.
    """
    if "_row" not in layer.columns:  # feature numbers as in the file, kept through filtering
        layer = layer.assign(_row=np.arange(1, len(layer) + 1))
    layer = features_in_year(layer, year)
    cols = [c for c in layer.columns if c not in (layer.geometry.name, "_row")]
    ccol = _find_column(cols, CODE_COLUMNS, code_column)
    ncol = _find_column(cols, NAME_COLUMNS, name_column)
    tcol = _find_column(cols, TYPE_COLUMNS, type_column)
    if ccol is None and ncol is None:
        raise BoundaryError("no_key_column", path=layer.attrs.get("path", "?"), columns=", ".join(map(str, cols)))
    feats = pd.DataFrame({
        "row": layer["_row"].to_numpy(),
        "f_code": layer[ccol].astype("string") if ccol else pd.Series(pd.NA, index=layer.index, dtype="string"),
        "f_name": layer[ncol].astype("string") if ncol else pd.Series(pd.NA, index=layer.index, dtype="string"),
    }, index=layer.index)
    feats["empty"] = layer.geometry.isna() | layer.geometry.is_empty
    uni = units.reset_index(drop=True)[[c for c in ("code", "name", "type", "level") if c in units.columns]].copy()
    uni["code"] = uni["code"].astype("string")
    uni["ckey"] = code_key(uni["code"])
    feats["ckey"] = code_key(feats["f_code"])

    # 1. by code
    by_code = feats.reset_index().merge(uni[["code", "ckey"]], on="ckey", how="inner")
    by_code = by_code[~by_code["empty"]]
    # 2. by name, for features without a matching code (or without a code at all)
    rest = feats[~feats.index.isin(by_code["index"])]
    ukeys = _name_keys(uni["name"], uni["type"] if "type" in uni else None)
    fkeys = _name_keys(rest["f_name"], layer.loc[rest.index, tcol].astype("string") if tcol else None)
    cand = fkeys.reset_index().merge(ukeys.reset_index(names="u"), on="key", suffixes=("", "_u"))
    cand = cand[cand["key"].ne("")]
    typed = cand["type_key"].ne("") & cand["type_key_u"].ne("")
    cand = cand[~typed | cand["type_key"].eq(cand["type_key_u"])]
    n_cand = cand.groupby("index")["u"].transform("nunique")
    by_name = cand[n_cand.eq(1)].assign(code=lambda c: uni.loc[c["u"], "code"].to_numpy())
    by_name = by_name.merge(feats[["empty"]], left_on="index", right_index=True)
    by_name = by_name[~by_name["empty"]]
    ambiguous = set(cand.loc[n_cand.gt(1), "index"])
    # two features of one name (the town and the former commune both "Bắc Sơn") for one unit:
    # which one is the unit cannot be told from names, so neither is joined
    same_name = by_name["code"].duplicated(keep=False) & ~by_name["code"].isin(by_code["code"])
    shared_name = set(by_name.loc[same_name, "index"])
    by_name = by_name[~same_name]

    matches = pd.concat([by_code[["index", "code"]].assign(matched_by="code"),
                         by_name[["index", "code"]].assign(matched_by="name")], ignore_index=True)
    dup = matches.duplicated("code", keep="first")
    duplicates = set(matches.loc[dup, "index"])
    matches = matches[~dup]

    reason = pd.Series(pd.NA, index=feats.index, dtype="string")
    reason[feats["empty"]] = "empty"
    unmatched = ~feats.index.isin(matches["index"]) & reason.isna()
    reason[unmatched & feats["f_code"].notna() & feats["f_name"].isna()] = "code"
    reason[unmatched & reason.isna()] = "name"
    reason[feats.index.isin(list(ambiguous)) & unmatched] = "ambiguous"
    reason[feats.index.isin(list(duplicates))] = "duplicate"
    reason[feats.index.isin(list(shared_name))] = "same_name"
    fixes = pd.DataFrame(layer.attrs.get("repaired") or [], columns=["row", "why", "ok"])
    fixes = fixes.merge(feats[["row", "f_code", "f_name"]], on="row")  # only features still in the layer
    reason[feats["row"].isin(fixes.loc[~fixes["ok"].astype(bool), "row"]).to_numpy()] = "unrepairable"
    bad = feats[reason.notna()].assign(reason=reason[reason.notna()])
    report_feats = pd.DataFrame({"row": bad["row"].astype("int64"), "code": bad["f_code"].fillna(""),
                                 "name": bad["f_name"].fillna(""),
                                 "reason": bad["reason"]}).reset_index(drop=True)

    geom = gpd.GeoSeries(layer.geometry.loc[matches["index"]].to_numpy(), index=matches["code"].to_numpy(), dtype="geometry")
    out = uni.drop(columns="ckey").merge(matches[["code", "matched_by"]], on="code", how="left")
    geometry = gpd.GeoSeries(geom.reindex(out["code"].to_numpy()).to_numpy(), index=out.index, crs=layer.crs)
    out = gpd.GeoDataFrame(out, geometry=geometry, crs=layer.crs)
    missing = out[out.geometry.isna()]
    report = JoinReport(
        unmatched_features=report_feats,
        units_without_geometry=missing[[c for c in ("code", "name", "level") if c in missing]].reset_index(drop=True),
        matched_by=out["matched_by"].value_counts().to_dict(),
        repaired=pd.DataFrame({"row": fixes["row"].astype("int64"), "code": fixes["f_code"].fillna(""),
                               "name": fixes["f_name"].fillna(""), "why": fixes["why"], "ok": fixes["ok"].astype(bool)}),
        legacy=layer.attrs.get("legacy"), path=str(layer.attrs.get("path", "")),
    )
    report.matched_rows = {int(r) for r in feats.loc[matches["index"], "row"]}
    out.attrs.update(layer.attrs)
    return out, report


def join_scope(layer: gpd.GeoDataFrame, units: pd.DataFrame, level: str, year: int | None,
               within: set[str] | None = None) -> tuple[gpd.GeoDataFrame, JoinReport]:
    """:func:`join_units` for the ``level`` units valid in ``year`` (limited to the codes ``within``).

    Features that belong to a unit of the same level outside ``within`` (other communes' villages)
    are left out quietly; features that match no unit at all stay in the report.
    """
    everyone = units_in_scope(units, level, year)
    scope = everyone if within is None else everyone[everyone["code"].astype(str).isin(within)]
    joined, report = join_units(layer, scope, year=year)
    if within is None or report.unmatched_features.empty:
        return joined, report
    numbered = layer.assign(_row=np.arange(1, len(layer) + 1)) if "_row" not in layer else layer
    rows = set(report.unmatched_features["row"])
    _, outside = join_units(numbered[numbered["_row"].isin(rows)], everyone, year=year)
    still = set(outside.unmatched_features["row"])
    report.unmatched_features = report.unmatched_features[report.unmatched_features["row"].isin(still)].reset_index(drop=True)
    shown = still | report.matched_rows  # repairs of other communes' features are not this map's business
    report.repaired = report.repaired[report.repaired["row"].isin(shown)].reset_index(drop=True)
    return joined, report


#: Signs of UTF-8 or Windows-1258 text decoded with the wrong code page (Ã¢, Æ°, Ä‘, Ã¬...).
_MOJIBAKE = ("Ã", "Â", "Ä", "Æ", "Ð", "\ufffd", "á»", "áº")


def require_joined(joined: gpd.GeoDataFrame, report: JoinReport, layer: gpd.GeoDataFrame, level: str) -> None:
    """Raise :class:`BoundaryError` ``nothing_joined`` when there are units to draw but none of them
    got a geometry from ``layer`` (a blank map must never be written as if it were a result).

    The message names the likely causes (legacy font or wrong code page of the names, codes that
    are not unit codes, names that differ) and three unmatched features as examples."""
    if joined.empty or joined.geometry.notna().any() or layer.empty:
        return
    cols = [c for c in layer.columns if c not in (layer.geometry.name, "_row")]
    ccol, ncol = _find_column(cols, CODE_COLUMNS, None), _find_column(cols, NAME_COLUMNS, None)
    feats = report.unmatched_features
    if feats.empty:
        feats = pd.DataFrame({"code": layer[ccol].astype("string") if ccol else "",
                              "name": layer[ncol].astype("string") if ncol else ""}).fillna("")
    examples = [f"«{' '.join(str(x) for x in (r.code, r.name) if str(x))}»" for r in feats.head(3).itertuples()]
    names = " ".join(feats["name"].astype(str))

    def cause(key: str, **kw: Any) -> tuple[str, str]:
        return fmt(MESSAGES, key, "vi", **kw), fmt(MESSAGES, key, "en", **kw)

    causes = []
    if report.legacy:
        causes.append(cause("cause_legacy", font=report.legacy[0]))
    elif any(m in names for m in _MOJIBAKE) or layer.attrs.get("encoding") not in (None, "utf-8"):
        causes.append(cause("cause_encoding", encoding=layer.attrs.get("encoding") or "UTF-8"))
    if ccol:
        causes.append(cause("cause_codes", column=ccol))
    if ncol:
        causes.append(cause("cause_names"))
    raise BoundaryError("nothing_joined", path=layer.attrs.get("path", "?"), n=len(layer), m=len(joined),
                        level=level, examples=", ".join(examples), causes=_Pair("; ".join(c[0] for c in causes),
                                                                                 "; ".join(c[1] for c in causes)))


@dataclass(frozen=True)
class _Pair:
    """A message part already written in both languages (rendered by :meth:`BoundaryError.message`)."""

    vi: str
    en: str

    def render(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en
