"""Boundary layers: reading (any vector format GDAL reads), CRS checks, projected CRS choice, and
joining features to dataset units by code, else by normalised name.

A layer must declare its CRS: a missing CRS is an error that names the file and suggests the likely
CRS from the coordinate range, never a silent guess. Areas, label points and scale bars are computed
in a projected CRS (VN-2000 / TM-3 of the province, e.g. EPSG:9215 for Lạng Sơn). Every feature that
matches no unit and every unit without geometry is reported in a :class:`JoinReport`, never dropped
silently. See docs/maps.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from ntm_analysis.maps.crs import (  # noqa: F401 - re-exported: the CRS helpers belong to reading layers
    LANG_SON_CRS, UTM_ZONES, VN2000_ZONES, WGS84, CrsGuess, lang_son_crs, projected_crs, province_crs,
    suggest_crs, zone_table,
)
from ntm_analysis.errors import KeyedError
from ntm_analysis.i18n import fmt
from ntm_analysis.io.names import name_key, split_type
from ntm_analysis.units import in_year, valid_in

#: Column names recognised as unit code / unit name in boundary layers (compared case-insensitively).
CODE_COLUMNS = ("code", "ma", "ma_dvhc", "ma_xa", "ma_thon", "ma_xom", "gso_code", "gso_code_2019", "unit_code")
NAME_COLUMNS = ("name", "ten", "ten_dvhc", "ten_xa", "ten_thon", "ten_xom", "name_vi", "name_3", "varname_3")
TYPE_COLUMNS = ("type", "loai", "type_vi", "type_3")
#: Words that mark a layer as illustrative (in its description, metadata or a note column).
ILLUSTRATIVE_WORDS = ("illustrative", "minh họa", "minh hoạ", "synthetic", "tổng hợp")

MESSAGES: dict[str, tuple[str, str]] = {
    "missing_file": (
        "Không tìm thấy tệp ranh giới {path}. Kiểm tra đường dẫn (tương đối so với thư mục bộ dữ liệu "
        "hoặc thư mục hiện tại) hoặc dùng --boundaries.",
        "Boundary file {path} not found. Check the path (relative to the dataset folder or the current "
        "directory) or pass --boundaries.",
    ),
    "unreadable": (
        "Không đọc được tệp ranh giới {path}: {error}. Dùng GeoPackage, GeoJSON hoặc Shapefile (có thể nén .zip).",
        "Cannot read boundary file {path}: {error}. Use GeoPackage, GeoJSON or Shapefile (zipped is fine).",
    ),
    "no_crs": (
        "Tệp ranh giới {path} không khai báo hệ tọa độ (CRS). Tọa độ trong khoảng x {xmin:.6g}..{xmax:.6g}, "
        "y {ymin:.6g}..{ymax:.6g}: {guess}. Cách sửa: gán hệ tọa độ đúng rồi lưu lại, ví dụ trong QGIS "
        "(Layer > Set CRS) hoặc `ogr2ogr -a_srs {epsg} ra.gpkg {name}`; với Shapefile, thêm tệp .prj.",
        "Boundary file {path} declares no coordinate reference system (CRS). Coordinates range over x "
        "{xmin:.6g}..{xmax:.6g}, y {ymin:.6g}..{ymax:.6g}: {guess}. Fix: assign the right CRS and save, e.g. "
        "in QGIS (Layer > Set CRS) or `ogr2ogr -a_srs {epsg} out.gpkg {name}`; for a Shapefile add the .prj file.",
    ),
    "empty": ("Tệp ranh giới {path} không có đối tượng nào.", "Boundary file {path} has no features."),
    "no_key_column": (
        "Tệp ranh giới {path} không có cột mã (code, ma_xa...) hay cột tên (name, ten...); các cột: {columns}.",
        "Boundary file {path} has no code column (code, ma_xa...) nor name column (name, ten...); columns: {columns}.",
    ),
    "unmatched_feature": (
        "Đối tượng #{row} ({code} {name}) không ứng với đơn vị nào: {reason}",
        "Feature #{row} ({code} {name}) matches no unit: {reason}",
    ),
    "reason_code": ("không có mã này trong bảng đơn vị", "no unit with this code"),
    "reason_name": ("không có tên này trong bảng đơn vị", "no unit with this name"),
    "reason_ambiguous": ("tên ứng với nhiều đơn vị, hãy thêm cột mã", "the name matches several units; add a code column"),
    "reason_duplicate": ("đơn vị đã có ranh giới ở đối tượng khác", "the unit already has a geometry from another feature"),
    "reason_empty": ("hình học rỗng", "empty geometry"),
    "unit_without_geometry": (
        "Đơn vị {code} {name} không có ranh giới trong lớp bản đồ.",
        "Unit {code} {name} has no geometry in the boundary layer.",
    ),
}


class BoundaryError(KeyedError, ValueError):
    """A boundary layer that cannot be used; the message ``key`` of this module's ``MESSAGES``
    (a CRS guess among the arguments is rendered in the same language)."""

    MESSAGES = MESSAGES


# --- reading --------------------------------------------------------------------------------------


def _vsi_path(path: Path) -> str:
    """Path GDAL opens: zipped layers through ``/vsizip/``."""
    return f"/vsizip/{path}" if path.suffix.lower() == ".zip" else str(path)


def layer_is_illustrative(gdf: gpd.GeoDataFrame, metadata: dict[str, Any] | None = None) -> bool:
    """True when the layer says it is illustrative / synthetic: in its metadata or a ``note`` column."""
    texts = [str(v) for v in (metadata or {}).values()]
    for col in gdf.columns:
        if str(col).lower() in ("note", "ghi_chu", "ghichu", "notes"):
            texts += [str(v) for v in gdf[col].dropna().unique()]
    if str((metadata or {}).get("illustrative", "")).lower() in ("1", "true", "yes"):
        return True
    joined = " ".join(texts).casefold()
    return any(word.casefold() in joined for word in ILLUSTRATIVE_WORDS)


def read_boundaries(path: str | Path, layer: str | None = None, province: str | None = None) -> gpd.GeoDataFrame:
    """Read a boundary layer (GeoPackage, GeoJSON, Shapefile, zipped Shapefile...) with pyogrio.

    Raises :class:`BoundaryError` when the file is missing or unreadable, has no features, or
    declares no CRS (the message suggests the likely CRS from the coordinate range). The result's
    ``attrs`` hold ``path``, ``illustrative`` (bool) and ``description``.
    """
    path = Path(path)
    if not path.exists():
        raise BoundaryError("missing_file", path=path)
    source = _vsi_path(path)
    try:
        info = pyogrio.read_info(source, layer=layer)
        gdf = gpd.read_file(source, layer=layer, engine="pyogrio")
    except Exception as exc:  # GDAL's own message is the useful part
        raise BoundaryError("unreadable", path=path, error=str(exc).strip()) from None
    if gdf.empty:
        raise BoundaryError("empty", path=path)
    if gdf.crs is None:
        xmin, ymin, xmax, ymax = (float(v) for v in gdf.total_bounds)
        guesses = suggest_crs((xmin, ymin, xmax, ymax), province=province)
        raise BoundaryError("no_crs", path=path, name=path.name, xmin=xmin, xmax=xmax, ymin=ymin, ymax=ymax,
                            guess=CrsGuess(guesses), epsg=guesses[0] if guesses else "EPSG:xxxx")
    meta = {**(info.get("dataset_metadata") or {}), **(info.get("layer_metadata") or {})}
    gdf.attrs.update(path=str(path), illustrative=layer_is_illustrative(gdf, meta),
                     description=str(meta.get("DESCRIPTION", "")))
    return gdf


# --- joining --------------------------------------------------------------------------------------


@dataclass
class JoinReport:
    """What did not join: ``unmatched_features`` (``row``, ``code``, ``name``, ``reason``) and
    ``units_without_geometry`` (``code``, ``name``, ``level``)."""

    unmatched_features: pd.DataFrame = field(default_factory=pd.DataFrame)
    units_without_geometry: pd.DataFrame = field(default_factory=pd.DataFrame)
    matched_by: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when every feature matched a unit and every unit has a geometry."""
        return self.unmatched_features.empty and self.units_without_geometry.empty

    def lines(self, lang: str = "vi") -> list[str]:
        """One message per unmatched feature and per unit without geometry."""
        out = [fmt(MESSAGES, "unmatched_feature", lang, row=r.row, code=r.code, name=r.name,
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


def features_in_year(layer: gpd.GeoDataFrame, year: int | None) -> gpd.GeoDataFrame:
    """Features valid in ``year`` when the layer has ``valid_from``/``valid_to`` columns (a layer may
    hold several periods, e.g. communes before and after the 2020 merges); the layer otherwise."""
    if year is None or not {"valid_from", "valid_to"} & set(layer.columns):
        return layer
    out = layer[valid_in(layer, year)]
    out.attrs.update(layer.attrs)
    return out


def join_units(layer: gpd.GeoDataFrame, units: pd.DataFrame, year: int | None = None, code_column: str | None = None,
               name_column: str | None = None, type_column: str | None = None) -> tuple[gpd.GeoDataFrame, JoinReport]:
    """Attach each unit of ``units`` to its feature in ``layer``: by code, else by name.

    ``units`` is the scope (e.g. ``units.in_year``): ``code``, ``name``, optionally ``type``.
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
    )
    out.attrs.update(layer.attrs)
    return out, report


def join_scope(layer: gpd.GeoDataFrame, units: pd.DataFrame, level: str, year: int | None,
               within: set[str] | None = None) -> tuple[gpd.GeoDataFrame, JoinReport]:
    """:func:`join_units` for the ``level`` units valid in ``year`` (limited to the codes ``within``).

    Features that belong to a unit of the same level outside ``within`` (other communes' villages)
    are left out quietly; features that match no unit at all stay in the report.
    """
    everyone = in_year(units, year)
    everyone = everyone[everyone["level"].eq(level)].copy()
    scope = everyone if within is None else everyone[everyone["code"].astype(str).isin(within)]
    joined, report = join_units(layer, scope, year=year)
    if within is None or report.unmatched_features.empty:
        return joined, report
    numbered = layer.assign(_row=np.arange(1, len(layer) + 1)) if "_row" not in layer else layer
    rows = set(report.unmatched_features["row"])
    _, outside = join_units(numbered[numbered["_row"].isin(rows)], everyone, year=year)
    still = set(outside.unmatched_features["row"])
    report.unmatched_features = report.unmatched_features[report.unmatched_features["row"].isin(still)].reset_index(drop=True)
    return joined, report


def resolve_boundary_path(value: str | Path, dataset_path: str | Path | None = None) -> Path:
    """Where a boundary path from ``dataset.toml`` or ``--boundaries`` points: absolute as given; else
    the first existing of: the dataset folder, the dataset folder's parent's parent (the repository
    root for ``data/sample``), the current directory. The first candidate when none exists."""
    path = Path(value)
    if path.is_absolute():
        return path
    candidates = []
    if dataset_path is not None:
        folder = Path(dataset_path) if Path(dataset_path).is_dir() else Path(dataset_path).parent
        candidates += [folder / path, folder.parent.parent / path]
    candidates.append(Path.cwd() / path)
    return next((c for c in candidates if c.exists()), candidates[0])


def load_layers(levels: list[str], meta_boundaries: dict[str, Any] | None, dataset_path: str | Path | None = None,
                override: str | Path | None = None, override_level: str | None = None,
                province: str | None = None) -> dict[str, gpd.GeoDataFrame]:
    """Boundary layers for ``levels``: ``override`` for ``override_level``, else the dataset's
    ``[boundaries]`` table. A level with no path is left out (the map then reports it)."""
    layers: dict[str, gpd.GeoDataFrame] = {}
    for level in dict.fromkeys(levels):
        value = override if override is not None and level == override_level else (meta_boundaries or {}).get(level)
        if value:
            path = Path(value) if override is not None and level == override_level else resolve_boundary_path(value, dataset_path)
            layers[level] = read_boundaries(path, province=province)
    return layers
