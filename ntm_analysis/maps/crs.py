"""Coordinate reference systems for Vietnamese boundary layers: VN-2000 TM-3 zones by province,
UTM zones, a guess of the CRS of a layer that declares none, and the projected CRS used for
areas, label points and scale bars.

EPSG:9215 (VN-2000 / TM-3 107°15′, Lạng Sơn) is in the PROJ database shipped with pyproj 3.7;
:func:`lang_son_crs` falls back to an equivalent proj string if an older database lacks it.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from pyproj import CRS

from ntm_analysis.i18n import fmt
from ntm_analysis.io.names import name_key, split_type

WGS84 = "EPSG:4326"
#: VN-2000 / TM-3 zone 107°15′ (Lạng Sơn): the default projected CRS of this project.
LANG_SON_CRS = "EPSG:9215"
#: Fallback definition of EPSG:9215 if a PROJ database lacks it: transverse Mercator, central
#: meridian 107°15′, scale 0.9999, false easting 500 km, WGS 84 ellipsoid; the datum shift is the EPSG
#: transformation "VN-2000 to WGS 84 (2)" written in the position-vector convention of +towgs84
#: (EPSG gives it in the coordinate-frame convention: the rotation signs are flipped here).
LANG_SON_PROJ = (
    "+proj=tmerc +lat_0=0 +lon_0=107.25 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 "
    "+towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278 "
    "+units=m +no_defs"
)

#: VN-2000 projected CRSs: EPSG code, central meridian (°E) and the provinces (as before 01/7/2025)
#: whose official TM-3 zone it is, as given by the EPSG area of use (TM-3 zones: Circular
#: 973/2001/TT-TCĐC). UTM zones 48N/49N (EPSG:3405/3406) cover the whole country west/east of 108°E.
VN2000_ZONES: tuple[tuple[int, float, str], ...] = (
    (9205, 103.0, "Điện Biên, Lai Châu"),
    (9206, 104.0, "Sơn La"),
    (9207, 104.5, "Cà Mau, Kiên Giang"),
    (9208, 104.75, "An Giang, Lào Cai, Nghệ An, Phú Thọ, Yên Bái"),
    (5897, 105.0, "Hà Nội, Hà Nam, Ninh Bình, Thanh Hóa, Vĩnh Phúc, Cần Thơ, Bạc Liêu, Đồng Tháp, Hậu Giang"),
    (9209, 105.5, "Bắc Ninh, Hà Giang, Hà Tĩnh, Hải Dương, Hưng Yên, Nam Định, Sóc Trăng, Tây Ninh, "
                  "Thái Bình, Trà Vinh, Vĩnh Long"),
    (9210, 105.75, "Hải Phòng, Hồ Chí Minh, Bến Tre, Bình Dương, Cao Bằng, Long An, Tiền Giang"),
    (9211, 106.0, "Hòa Bình, Quảng Bình, Tuyên Quang"),
    (9212, 106.25, "Bình Phước, Quảng Trị"),
    (9213, 106.5, "Bắc Kạn, Thái Nguyên"),
    (9214, 107.0, "Bắc Giang, Thừa Thiên Huế"),
    (9215, 107.25, "Lạng Sơn"),
    (9216, 107.5, "Kon Tum"),
    (5899, 107.75, "Quảng Ninh, Đà Nẵng, Quảng Nam, Bà Rịa - Vũng Tàu, Đồng Nai, Lâm Đồng"),
    (5898, 108.0, "Quảng Ngãi"),
    (9217, 108.25, "Bình Định, Khánh Hòa, Ninh Thuận"),
    (9218, 108.5, "Bình Thuận, Đắk Lắk, Đắk Nông, Gia Lai, Phú Yên"),
)
UTM_ZONES: tuple[tuple[int, float], ...] = ((3405, 105.0), (3406, 111.0))

MESSAGES: dict[str, tuple[str, str]] = {
    "guess_degrees": (
        "có vẻ là kinh độ/vĩ độ WGS 84 (EPSG:4326)",
        "this looks like WGS 84 longitude/latitude (EPSG:4326)",
    ),
    "guess_projected": (
        "có vẻ là mét trong VN-2000, khả năng cao nhất {best} ({best_name}); cũng có thể {others}",
        "this looks like metres in VN-2000, most likely {best} ({best_name}); possibly {others}",
    ),
    "guess_unknown": (
        "không nhận ra khoảng tọa độ này (không phải độ, không phải VN-2000/UTM ở Việt Nam)",
        "this range is not recognised (neither degrees nor VN-2000/UTM metres in Viet Nam)",
    ),
}


def lang_son_crs() -> CRS:
    """EPSG:9215 from the PROJ database, or the documented proj string if the database lacks it."""
    try:
        return CRS.from_epsg(9215)
    except Exception:  # pragma: no cover - depends on the installed PROJ database
        return CRS.from_proj4(LANG_SON_PROJ)


def crs_label(crs: CRS | None) -> str:
    """The CRS as its layer defines it, for a map's footer: its name (``VN-2000 / TM-3 zone 107-15``);
    for a custom proj string without a name, the EPSG code PROJ recognises it as, else the string's
    main parameters (``tmerc lon_0=107.25 k=0.9999 x_0=500000 ellps=WGS84``); ``"—"`` for none."""
    if crs is None:
        return "—"
    name = str(crs.name or "")
    if name and name.lower() != "unknown":
        return name
    try:
        epsg = crs.to_epsg(min_confidence=70)
    except Exception:  # noqa: BLE001 - identification is best effort
        epsg = None
    if epsg:
        return f"EPSG:{epsg} {CRS.from_epsg(epsg).name}"
    params = crs.to_dict()
    keys = ("lon_0", "lat_0", "k", "x_0", "y_0", "zone", "ellps", "datum", "units")
    shown = [str(params.get("proj", ""))] + [f"{k}={params[k]}" for k in keys if k in params]
    if "towgs84" in params:
        shown.append("towgs84")
    return " ".join(x for x in shown if x) or crs.to_string()


def zone_table() -> pd.DataFrame:
    """The VN-2000 TM-3 zones and UTM zones as a table: ``epsg``, ``kind``, ``central_meridian``, ``provinces``."""
    tm3 = pd.DataFrame(VN2000_ZONES, columns=["epsg", "central_meridian", "provinces"]).assign(kind="TM-3")
    utm = pd.DataFrame(UTM_ZONES, columns=["epsg", "central_meridian"]).assign(kind="UTM", provinces="")
    return pd.concat([tm3, utm], ignore_index=True)[["epsg", "kind", "central_meridian", "provinces"]]


def province_crs(province: str | None) -> str | None:
    """``EPSG:nnnn`` of a province's VN-2000 TM-3 zone (name in any NFC/NFD/tone form), or None."""
    if not province:
        return None
    key = name_key(split_type(province)[1])
    for epsg, _, provinces in VN2000_ZONES:
        if key in {name_key(p.strip()) for p in provinces.split(",")}:
            return f"EPSG:{epsg}"
    return None


def suggest_crs(bounds: tuple[float, float, float, float], province: str | None = None,
                near_lon: float | None = None) -> list[str]:
    """Likely CRSs (``EPSG:nnnn``, best first) for coordinates within ``bounds`` (xmin, ymin, xmax, ymax).

    Degrees within ±180/±90 → EPSG:4326. Eastings of 100-900 km with northings of 0.9-2.7 million m
    → VN-2000 metres: the TM-3 zone of ``province`` first, else the TM-3 zone whose central meridian is
    closest to ``near_lon`` (default 107.25°, Lạng Sơn), then the UTM zone. Empty when unrecognised.
    """
    xmin, ymin, xmax, ymax = bounds
    if -180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90:
        return [WGS84]
    if 100_000 <= xmin <= xmax <= 900_000 and 900_000 <= ymin <= ymax <= 2_700_000:
        zones = zone_table()
        lon = near_lon if near_lon is not None else 107.25
        first = province_crs(province)
        tm3 = zones[zones["kind"] == "TM-3"].assign(d=lambda z: (z["central_meridian"] - lon).abs())
        ordered = [f"EPSG:{e}" for e in tm3.sort_values(["d", "epsg"])["epsg"]]
        utm = "EPSG:3405" if lon < 108 else "EPSG:3406"
        out = ([first] if first else []) + ordered[:2] + [utm]
        return list(dict.fromkeys(out))
    return []


def projected_crs(gdf: gpd.GeoDataFrame, province: str | None = None) -> CRS:
    """A projected CRS in metres for areas, label points and scale bars.

    The layer's own CRS if projected; else the province's VN-2000 TM-3 zone; else the TM-3 zone with
    the most specific EPSG area of use containing the layer's centre; else its UTM zone.
    """
    if gdf.crs is not None and gdf.crs.is_projected:
        return gdf.crs
    chosen = province_crs(province)
    if chosen:
        return lang_son_crs() if chosen == LANG_SON_CRS else CRS.from_user_input(chosen)
    lon, lat = _centre_lonlat(gdf)
    best: tuple[float, CRS] | None = None
    for epsg, _, _ in VN2000_ZONES:
        crs = CRS.from_epsg(epsg)
        area = crs.area_of_use
        if area and area.west <= lon <= area.east and area.south <= lat <= area.north:
            size = (area.east - area.west) * (area.north - area.south)
            if best is None or size < best[0]:
                best = (size, crs)
    if best is not None:
        return best[1]
    return gpd.GeoSeries(gdf.geometry).set_crs(gdf.crs).estimate_utm_crs()


def _centre_lonlat(gdf: gpd.GeoDataFrame) -> tuple[float, float]:
    """Centre of the layer's bounds in longitude/latitude."""
    xmin, ymin, xmax, ymax = gdf.to_crs(WGS84).total_bounds
    return (xmin + xmax) / 2, (ymin + ymax) / 2


class CrsGuess:
    """A list of likely CRSs, rendered as a sentence in either language (used in error messages)."""

    def __init__(self, guesses: list[str]):
        self.guesses = guesses

    def render(self, lang: str) -> str:
        if not self.guesses:
            return fmt(MESSAGES, "guess_unknown", lang)
        if self.guesses == [WGS84]:
            return fmt(MESSAGES, "guess_degrees", lang)
        names = {f"EPSG:{e}": CRS.from_epsg(e).name for e, *_ in (*VN2000_ZONES, *UTM_ZONES)}
        best = self.guesses[0]
        others = ", ".join(f"{g} ({names.get(g, g)})" for g in self.guesses[1:])
        return fmt(MESSAGES, "guess_projected", lang, best=best, best_name=names.get(best, best), others=others)
