"""Deterministic generator of the ILLUSTRATIVE sample boundaries in ``maps/sample/``.

These are not official boundaries (ranh giới minh họa, không phải ranh giới chính thức). They are
drawn from one approximate point and area per 2019 commune of Bắc Sơn district
(``data/sample-inputs/bac-son-communes-2019.csv``, from GADM 4.1 level 3):

1. a district outline: the union of one disc per commune (radius ∝ √area), closed by a 3 km buffer
   out and back in, scaled (bisection) so that its area matches the sum of the approximate areas;
2. communes as of 2019: Voronoi cells of the 20 points clipped to the outline;
3. communes 2020-2024: the 2020 merges dissolved (Quỳnh Sơn 06334 → Bắc Quỳnh 06343, Hữu Vĩnh 06346
   → Thị trấn Bắc Sơn 06325); communes from 2025: the dissolve of their predecessors;
4. villages: the commune cell split by Voronoi cells of seeded random points (Lloyd-relaxed);
   a village that moved to a commune of 2025 (a second row in units.csv) keeps the same ground;
   hamlets: their village split the same way.

Each feature carries ``valid_from``/``valid_to`` (the 2019, 2020-2024 and 2025 communes share codes)
and a ``note``; each layer carries a GeoPackage description and metadata ``illustrative=true``.
Output CRS: EPSG:9215 (VN-2000 / TM-3 107°15′, Lạng Sơn). Run:
``python -m ntm_analysis.sample.geometry maps/sample``.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPoint, Point, Polygon
from shapely.ops import unary_union

from ntm_analysis.maps.crs import WGS84, lang_son_crs

ROOT = Path(__file__).resolve().parents[2]
POINTS_CSV = ROOT / "data" / "sample-inputs" / "bac-son-communes-2019.csv"
UNITS_CSV = ROOT / "data" / "sample" / "units.csv"
NOTE = ("Ranh giới minh họa (tổng hợp), không phải ranh giới chính thức / "
        "illustrative boundaries (synthetic), not official")
SOURCE = ("Sinh từ điểm và diện tích gần đúng của GADM 4.1 cấp 3 (2019) / generated from GADM 4.1 "
          "level-3 approximate points and areas (2019)")
MERGES_2020 = {"06334": "06343", "06346": "06325"}
#: Commune of 2025 (code) → its 2020-2024 predecessors (Resolution 1672/NQ-UBTVQH15).
COMMUNES_2025 = {
    "06325": ["06325", "06328", "06343"], "06337": ["06331", "06337", "06340"], "06349": ["06349", "06370"],
    "06367": ["06352", "06358", "06361", "06367"], "06364": ["06355", "06364", "06373"],
    "06376": ["06376", "06379", "06382"],
}
COLUMNS = ["code", "name", "type", "level", "parent_code", "valid_from", "valid_to", "area_km2", "note", "source"]


def _seed(*parts: object) -> int:
    """A stable 32-bit seed from text (Python's ``hash`` is salted per process)."""
    return int.from_bytes(hashlib.sha256("|".join(map(str, parts)).encode()).digest()[:4], "big")


def read_points(path: Path = POINTS_CSV) -> gpd.GeoDataFrame:
    """The 2019 points and approximate areas, projected to EPSG:9215."""
    df = pd.read_csv(path, dtype={"gso_code_2019": str})
    pts = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon_inside"], df["lat_inside"]), crs=WGS84)
    return pts.to_crs(lang_son_crs())


def outline(points: gpd.GeoDataFrame, close_m: float = 3000.0) -> Polygon:
    """A smooth district outline whose area matches the sum of the approximate areas (±1 %)."""
    radius = np.sqrt(points["area_km2_approx"].to_numpy() * 1e6 / np.pi)
    target = points["area_km2_approx"].sum() * 1e6

    def shape(k: float) -> Polygon:
        discs = unary_union([p.buffer(k * r, 32) for p, r in zip(points.geometry, radius)])
        return unary_union([discs, MultiPoint(list(points.geometry)).convex_hull.buffer(-close_m)]) \
            .buffer(close_m, 32).buffer(-close_m, 32)

    lo, hi = 0.3, 3.0
    for _ in range(40):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if shape(mid).area < target else (lo, mid)
        if abs(shape(mid).area - target) < 0.005 * target:
            break
    geom = shape((lo + hi) / 2)
    if geom.geom_type == "MultiPolygon":  # keep the main body
        geom = max(geom.geoms, key=lambda g: g.area)
    return shapely.set_precision(Polygon(geom.exterior), 0.01)


def voronoi_split(region: Polygon, seeds: list[Point]) -> list[Polygon]:
    """Voronoi cells of ``seeds`` clipped to ``region``, in the order of ``seeds`` (each cell is the
    part containing its seed; detached slivers go to the neighbour sharing the longest border)."""
    if len(seeds) == 1:
        return [region]
    cells = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=region.buffer(region.length))
    by_seed: list[Polygon] = []
    spare: list[Polygon] = []
    for seed in seeds:
        cell = next(c for c in cells.geoms if c.contains(seed)).intersection(region)
        parts = list(getattr(cell, "geoms", [cell]))
        main = next((p for p in parts if p.buffer(1).contains(seed)), max(parts, key=lambda p: p.area))
        by_seed.append(main)
        spare += [p for p in parts if p is not main and p.area > 0]
    for piece in spare:
        i = max(range(len(by_seed)), key=lambda j: piece.buffer(1).intersection(by_seed[j]).area)
        by_seed[i] = by_seed[i].union(piece)
    return [shapely.set_precision(c, 0.01) for c in by_seed]


def random_seeds(region: Polygon, n: int, seed: int, relax: int = 8) -> list[Point]:
    """``n`` well-spread points inside ``region``: seeded rejection sampling, then Lloyd relaxation."""
    rng = np.random.default_rng(seed)
    xmin, ymin, xmax, ymax = region.bounds
    min_d = 0.5 * np.sqrt(region.area / max(n, 1))
    pts: list[Point] = []
    tries = 0
    while len(pts) < n:
        p = Point(rng.uniform(xmin, xmax), rng.uniform(ymin, ymax))
        tries += 1
        if region.contains(p) and (tries > 5000 or all(p.distance(q) >= min_d for q in pts)):
            pts.append(p)
    for _ in range(relax):
        cells = voronoi_split(region, pts)
        pts = [c.representative_point() if not region.contains(c.centroid) else c.centroid for c in cells]
    return pts


def _order_west_to_east(seeds: list[Point]) -> list[Point]:
    """Seeds sorted north-west first, so that village 01 is at the top left (stable across runs)."""
    return sorted(seeds, key=lambda p: (-round(p.y, -3), p.x))


def build(points_csv: Path = POINTS_CSV, units_csv: Path = UNITS_CSV) -> dict[str, gpd.GeoDataFrame]:
    """The three layers ``communes``, ``villages``, ``hamlets`` (EPSG:9215), deterministic."""
    pts = read_points(points_csv)
    units = pd.read_csv(units_csv, dtype=str, keep_default_na=False)
    area = outline(pts)
    cells19 = dict(zip(pts["gso_code_2019"], voronoi_split(area, list(pts.geometry))))

    def unit_row(code: str, level: str, valid_from: str = "", valid_to: str = "") -> pd.Series:
        sel = units[(units["code"] == code) & (units["level"] == level)]
        sel = sel[(sel["valid_from"] == valid_from) & (sel["valid_to"] == valid_to)] if len(sel) > 1 else sel
        return sel.iloc[0]

    rows = []
    for code, geom in cells19.items():  # 2019: 20 units
        name = pts.set_index("gso_code_2019").loc[code]
        rows.append(dict(code=code, name=name["name_vi"], type=name["type_vi"], level="commune",
                         parent_code="185", valid_from="", valid_to="2019", geometry=geom))
    cells20: dict[str, Polygon] = {}
    for code, geom in cells19.items():
        target = MERGES_2020.get(code, code)
        cells20[target] = unary_union([cells20[target], geom]) if target in cells20 else geom
    for code, geom in cells20.items():
        u = unit_row(code, "commune", "2020" if code == "06343" else "", "2024")
        rows.append(dict(code=code, name=u["name"], type=u["type"], level="commune", parent_code=u["parent_code"],
                         valid_from="2020", valid_to="2024", geometry=shapely.set_precision(geom, 0.01)))
    for code, parts in COMMUNES_2025.items():
        u = unit_row(code, "commune", "2025", "")
        rows.append(dict(code=code, name=u["name"], type=u["type"], level="commune", parent_code=u["parent_code"],
                         valid_from="2025", valid_to="", geometry=shapely.set_precision(
                             unary_union([cells20[c] for c in parts]), 0.01)))
    communes = rows

    def subdivide(parent_geom: Polygon, children: pd.DataFrame, level: str) -> list[dict]:
        seeds = _order_west_to_east(random_seeds(parent_geom, len(children), _seed(level, *children["code"])))
        return [dict(code=c.code, name=c.name, type=c.type, level=level, parent_code=c.parent_code,
                     valid_from=c.valid_from, valid_to=c.valid_to, geometry=g)
                for c, g in zip(children.sort_values("code").itertuples(index=False), voronoi_split(parent_geom, seeds))]

    villages, hamlets = [], []
    village_rows = units[units["level"] == "village"]
    moved = village_rows["valid_from"].ne("") & village_rows["code"].duplicated(keep=False)
    for parent, kids in village_rows[~moved].groupby("parent_code", sort=True):
        villages += subdivide(cells20[parent], kids, "village")
    vgeom = {v["code"]: v["geometry"] for v in villages}
    for v in village_rows[moved].itertuples(index=False):  # a village moved to a 2025 commune keeps its ground
        villages.append(dict(code=v.code, name=v.name, type=v.type, level="village", parent_code=v.parent_code,
                             valid_from=v.valid_from, valid_to=v.valid_to, geometry=vgeom[v.code]))
    for parent, kids in units[units["level"] == "hamlet"].groupby("parent_code", sort=True):
        hamlets += subdivide(vgeom[parent], kids, "hamlet")

    crs = lang_son_crs()
    out = {}
    for name, recs in (("communes", communes), ("villages", villages), ("hamlets", hamlets)):
        gdf = gpd.GeoDataFrame(recs, geometry="geometry", crs=crs)
        gdf["area_km2"] = (gdf.geometry.area / 1e6).round(3)
        gdf["note"], gdf["source"] = NOTE, SOURCE
        for col in ("valid_from", "valid_to"):
            gdf[col] = pd.to_numeric(gdf[col].replace("", pd.NA)).astype("Int64")
        out[name] = gdf[[*COLUMNS, "geometry"]].reset_index(drop=True)
    return out


def write(out_dir: Path, layers: dict[str, gpd.GeoDataFrame] | None = None) -> list[Path]:
    """Write ``<layer>.gpkg`` per layer (temp file, then rename) with the illustrative metadata."""
    layers = layers if layers is not None else build()
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, gdf in layers.items():
        path = out_dir / f"{name}.gpkg"
        tmp = path.with_name(f".tmp-{path.name}")
        tmp.unlink(missing_ok=True)
        gdf.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio",
                    layer_options={"DESCRIPTION": NOTE, "IDENTIFIER": f"{name} (illustrative)"},
                    layer_metadata={"illustrative": "true", "note": NOTE, "source": SOURCE})
        tmp.replace(path)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m ntm_analysis.sample.geometry [OUT_DIR]`` (default ``maps/sample``)."""
    parser = argparse.ArgumentParser(description="Sinh ranh giới minh họa / write illustrative sample boundaries")
    parser.add_argument("out", type=Path, nargs="?", default=ROOT / "maps" / "sample")
    args = parser.parse_args(argv)
    for path in write(args.out):
        print(path)


if __name__ == "__main__":  # pragma: no cover
    main()
