"""Boundary layers: reading (any vector format GDAL reads), text decoding, geometry repair, CRS
checks and projected CRS choice; the messages of reading and joining (joining itself:
:mod:`ntm_analysis.maps.joins`).

A layer must declare its CRS: a missing CRS is an error that names the file and suggests the likely
CRS from the coordinate range, never a silent guess. Areas, label points and scale bars are computed
in a projected CRS (VN-2000 / TM-3 of the province, e.g. EPSG:9215 for Lạng Sơn). Every feature that
matches no unit and every unit without geometry is reported in a :class:`JoinReport`, never dropped
silently. See docs/maps.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from ntm_analysis.maps.crs import (  # noqa: F401 - re-exported: the CRS helpers belong to reading layers
    LANG_SON_CRS, UTM_ZONES, VN2000_ZONES, WGS84, CrsGuess, lang_son_crs, projected_crs, province_crs,
    suggest_crs, zone_table,
)
from ntm_analysis.errors import KeyedError
from ntm_analysis.i18n import fmt
from ntm_analysis.io.names import name_key, split_type
from ntm_analysis.maps.dbf import LEGACY_NAMES, decode_dbf, dbf_source

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
    "reason_unrepairable": ("hình học không hợp lệ, không sửa được", "invalid geometry that could not be repaired"),
    "reason_same_name": ("nhiều đối tượng cùng tên ứng với một đơn vị, không nối đối tượng nào; hãy thêm cột mã",
                         "several features with this name match one unit, none is joined; add a code column"),
    "repaired": (
        "Đối tượng #{row} ({code} {name}) có hình học không hợp lệ ({why}); đã tự sửa (shapely.make_valid). "
        "Nên kiểm tra lại ranh giới này trong QGIS (Vector > Geometry Tools > Check Validity).",
        "Feature #{row} ({code} {name}) had an invalid geometry ({why}); repaired automatically (shapely.make_valid). "
        "Check this boundary in QGIS (Vector > Geometry Tools > Check Validity).",
    ),
    "legacy_font": (
        "Tên trong {path} có vẻ viết bằng bảng mã cũ {font}, không phải Unicode (ví dụ: {examples}). Cách sửa: "
        "chuyển mã sang Unicode (Unikey: Ctrl+Shift+F6, nguồn {font}, đích Unicode) rồi lưu lại, hoặc thêm cột mã đơn vị.",
        "Names in {path} look written in the legacy {font} encoding, not Unicode (e.g. {examples}). Fix: convert "
        "them to Unicode (Unikey: Ctrl+Shift+F6, source {font}, target Unicode) and save, or add a unit code column.",
    ),
    "encoding_bad": (
        "Không giải mã được bảng thuộc tính của {path} theo bảng mã {encoding} ({source}). Cách sửa: ghi đúng bảng mã "
        "bằng --encoding (ví dụ cp1258 hoặc utf-8) hoặc sửa tệp .cpg.",
        "Cannot decode the attribute table of {path} as {encoding} ({source}). Fix: give the right encoding with "
        "--encoding (e.g. cp1258 or utf-8) or correct the .cpg file.",
    ),
    "encoding_unknown": (
        "Không biết bảng mã «{encoding}». Dùng ví dụ cp1258 (Windows-1258), utf-8 hoặc latin-1.",
        "Unknown encoding «{encoding}». Use e.g. cp1258 (Windows-1258), utf-8 or latin-1.",
    ),
    "nothing_joined": (
        "Không đối tượng nào trong {path} ({n} đối tượng) ứng với một đơn vị cấp {level} nào cần vẽ ({m} đơn vị): "
        "bản đồ sẽ trống nên không vẽ. Nguyên nhân có thể: {causes}. Ví dụ đối tượng không khớp: {examples}.",
        "No feature of {path} ({n} features) matches any of the {m} {level} units to draw: the map would be blank, "
        "so none is drawn. Likely causes: {causes}. Unmatched features, e.g.: {examples}.",
    ),
    "cause_encoding": (
        "bảng mã của tên (đã đọc theo {encoding}; nếu chữ trong ví dụ bị lỗi, dùng --encoding)",
        "the encoding of the names (read as {encoding}; if the examples look garbled, use --encoding)",
    ),
    "cause_legacy": ("tên viết bằng bảng mã cũ {font}, cần chuyển sang Unicode (Unikey: Ctrl+Shift+F6, nguồn {font}, "
                     "đích Unicode) rồi lưu lại",
                     "names written in the legacy {font} encoding, to be converted to Unicode (Unikey: Ctrl+Shift+F6, "
                     "source {font}, target Unicode) and saved"),
    "cause_codes": ("mã trong cột «{column}» không phải mã đơn vị trong units.csv (mất số 0 ở đầu? mã của hệ khác?)",
                    "the codes in column «{column}» are not unit codes of units.csv (leading zeros lost? another code system?)"),
    "cause_names": ("tên không trùng tên đơn vị trong units.csv (lớp của cấp khác, năm khác hay vùng khác?)",
                    "the names differ from the unit names in units.csv (a layer of another level, year or area?)"),
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


def _shapefile_text(gdf: gpd.GeoDataFrame, path: Path, encoding: str | None) -> gpd.GeoDataFrame:
    """Replace a Shapefile's field names and text values (recoded by GDAL) by the ones decoded from
    the ``.dbf`` bytes (:mod:`ntm_analysis.maps.dbf`); other formats are returned as read."""
    data, cpg = dbf_source(path)
    if data is None:
        return gdf
    try:
        text = decode_dbf(data, cpg, encoding)
    except LookupError:
        raise BoundaryError("encoding_unknown", encoding=encoding) from None
    except UnicodeDecodeError as exc:
        source = "--encoding" if encoding else ".cpg"
        raise BoundaryError("encoding_bad", path=path, encoding=exc.encoding, source=source) from None
    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    if len(columns) != len(text.names) or any(len(v) != len(gdf) for v in text.text.values()):
        return gdf  # GDAL saw another table (should not happen): keep what it read
    out = gdf.copy()
    for i, values in text.text.items():
        out[columns[i]] = pd.Series(values, index=gdf.index, dtype="string")
    out = out.rename(columns=dict(zip(columns, text.names)))
    out.attrs.update(encoding=text.encoding, encoding_source=text.source,
                     legacy=(LEGACY_NAMES[text.legacy], text.examples) if text.legacy else None)
    return out


def _polygonal(geom: Any) -> Any:
    """The polygon parts of a repaired geometry (``make_valid`` may add lines or points), None if none."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else None


def repair_geometries(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Invalid geometries (self-intersecting "bow-ties", rings touching themselves...) repaired
    with ``shapely.make_valid``; in a polygon layer only the polygon parts are kept, and a geometry
    with none left becomes empty (then listed like a unit without geometry). ``attrs["repaired"]``
    lists each repaired feature: ``row`` (1-based, as in the file), ``why`` (GEOS's reason) and
    ``ok`` (False when nothing usable was left)."""
    geom = gdf.geometry
    invalid = (geom.notna() & ~geom.is_empty & ~geom.is_valid).to_numpy()
    if not invalid.any():
        gdf.attrs["repaired"] = []
        return gdf
    why = [shapely.is_valid_reason(g) for g in geom.to_numpy()[invalid]]
    fixed = shapely.make_valid(geom.to_numpy()[invalid])
    polygons = geom[~invalid].geom_type.isin(["Polygon", "MultiPolygon"]).all()
    fixed = [_polygonal(g) if polygons else (None if g.is_empty else g) for g in fixed]
    out = gdf.copy()
    values = out.geometry.to_numpy().copy()
    values[invalid] = fixed
    out = out.set_geometry(gpd.GeoSeries(values, index=out.index, crs=gdf.crs), crs=gdf.crs)
    rows = np.flatnonzero(invalid) + 1
    out.attrs.update(gdf.attrs, repaired=[{"row": int(r), "why": w.split("[")[0].strip(), "ok": g is not None}
                                          for r, w, g in zip(rows, why, fixed)])
    return out


def read_boundaries(path: str | Path, layer: str | None = None, province: str | None = None,
                    encoding: str | None = None) -> gpd.GeoDataFrame:
    """Read a boundary layer (GeoPackage, GeoJSON, Shapefile, zipped Shapefile...) with pyogrio.

    A Shapefile's text is decoded from the ``.dbf`` bytes: ``encoding`` (e.g. ``cp1258``), else its
    ``.cpg``, else UTF-8 or Windows-1258 (see :mod:`ntm_analysis.maps.dbf`). Invalid geometries are
    repaired (:func:`repair_geometries`). Raises :class:`BoundaryError` when the file is missing or
    unreadable, its text cannot be decoded, it has no features, or it declares no CRS (the message
    suggests the likely CRS from the coordinate range). The result's ``attrs`` hold ``path``,
    ``illustrative`` (bool), ``description``, ``repaired`` and, for Shapefiles, ``encoding`` and
    ``legacy`` (the legacy font name and examples, or None).
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
    gdf = repair_geometries(_shapefile_text(gdf, path, encoding))
    meta = {**(info.get("dataset_metadata") or {}), **(info.get("layer_metadata") or {})}
    gdf.attrs.update(path=str(path), illustrative=layer_is_illustrative(gdf, meta),
                     description=str(meta.get("DESCRIPTION", "")))
    return gdf


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
                province: str | None = None, encoding: str | None = None) -> dict[str, gpd.GeoDataFrame]:
    """Boundary layers for ``levels``: ``override`` for ``override_level``, else the dataset's
    ``[boundaries]`` table. A level with no path is left out (the map then reports it). ``encoding``
    applies to Shapefile text (see :func:`read_boundaries`). Returns ``{level: GeoDataFrame}`` (the
    file's columns and ``geometry``, CRS as read). Raises ``BoundaryError`` (missing, unreadable or
    empty file, no CRS, wrong text encoding)."""
    layers: dict[str, gpd.GeoDataFrame] = {}
    for level in dict.fromkeys(levels):
        value = override if override is not None and level == override_level else (meta_boundaries or {}).get(level)
        if value:
            path = Path(value) if override is not None and level == override_level else resolve_boundary_path(value, dataset_path)
            layers[level] = read_boundaries(path, province=province, encoding=encoding)
    return layers
