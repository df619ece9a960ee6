"""Boundaries (reading, CRS, joins), map layers and rendering, GeoPackage export, sample geometry."""

from __future__ import annotations

import unicodedata
import zipfile
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import shapely
import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pyogrio
import pytest

pytestmark = pytest.mark.filterwarnings("ignore:'crs' was not provided:UserWarning")
from matplotlib.colors import to_rgb
from pyproj import CRS
from shapely.geometry import box

from ntm_analysis.maps import boundaries as b
from ntm_analysis.maps import joins as j
from ntm_analysis.maps import crs as vncrs
from ntm_analysis.maps import export as map_export
from ntm_analysis.maps import layers as maps
from ntm_analysis.maps.compose import make_map
from ntm_analysis.sample import geometry as sg

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "maps"


def units_table() -> pd.DataFrame:
    """Four communes of the fixture (NFC names as a dataset holds them), one without a feature."""
    return pd.DataFrame({
        "code": ["06376", "06331", "06352", "06367"],
        "name": ["Nhất Hòa", "Vạn Thủy", "Tân Lập", "Vũ Lăng"],
        "type": ["Xã"] * 4, "level": ["commune"] * 4, "parent_code": ["185"] * 4,
        "valid_from": [pd.NA] * 4, "valid_to": [2024] * 4,
    })


def squares(codes: list[str], names: list[str], crs: str = "EPSG:9215", size: float = 1000.0) -> gpd.GeoDataFrame:
    """Side-by-side squares (``size`` metres) west to east, south of Bắc Sơn in EPSG:9215."""
    geoms = [box(400_000 + i * size, 2_410_000, 400_000 + (i + 1) * size, 2_410_000 + size) for i in range(len(codes))]
    return gpd.GeoDataFrame({"code": codes, "name": names}, geometry=geoms, crs=crs)


# --- joining ----------------------------------------------------------------------------------


def test_join_by_name_tolerates_nfd_and_tone_placement() -> None:
    layer = b.read_boundaries(FIXTURES / "communes_nfd.geojson")
    assert unicodedata.is_normalized("NFD", layer["ten_xa"].iloc[0]) and "Hoà" in unicodedata.normalize("NFC", layer["ten_xa"].iloc[0])
    joined, report = j.join_units(layer, units_table())
    got = joined.set_index("code")
    assert got.loc[["06376", "06331", "06352"], "matched_by"].tolist() == ["name"] * 3
    # each unit got the square whose name it has (Nhất Hòa is the south-west square)
    assert got.loc["06376", "geometry"].bounds == pytest.approx((106.26, 21.76, 106.28, 21.78))


def test_unmatched_features_and_units_without_geometry_are_reported() -> None:
    layer = b.read_boundaries(FIXTURES / "communes_nfd.geojson")
    joined, report = j.join_units(layer, units_table())
    assert report.unmatched_features[["row", "reason"]].values.tolist() == [[4, "name"]]
    assert report.units_without_geometry["code"].tolist() == ["06367"]
    assert len(joined) == 4 and joined.set_index("code").loc["06367", "geometry"] is None  # kept, not dropped
    assert not report.ok
    assert any("Vũ Lăng" in line for line in report.lines("vi"))
    assert any("matches no unit" in line for line in report.lines("en"))


def test_join_by_code_ignores_leading_zeros_lost_in_numeric_columns() -> None:
    layer = squares(["06376", "06331"], ["x", "y"]).assign(code=[6376, 6331])
    joined, report = j.join_units(layer, units_table().iloc[:2])
    assert joined["matched_by"].tolist() == ["code", "code"] and report.ok


def test_same_name_at_two_units_needs_the_type() -> None:
    units = pd.DataFrame({"code": ["06325", "06343"], "name": ["Bắc Sơn", "Bắc Sơn"], "type": ["Thị trấn", "Xã"],
                          "level": ["commune", "commune"]})
    typed = squares(["", ""], ["Thị trấn Bắc Sơn", "xã Bắc Sơn"]).drop(columns="code")
    joined, report = j.join_units(typed, units)
    assert report.ok
    assert joined.set_index("code").loc["06325", "geometry"].bounds[0] == 400_000
    bare = squares(["", ""], ["Bắc Sơn", "Bắc Sơn"]).drop(columns="code")
    _, report = j.join_units(bare, units)
    assert set(report.unmatched_features["reason"]) == {"ambiguous"}


def test_layer_reprojected_to_vn2000_joins_and_measures_the_same() -> None:
    wgs = b.read_boundaries(FIXTURES / "communes_nfd.geojson")
    tm3 = wgs.to_crs("EPSG:9215")
    j1, r1 = j.join_units(wgs, units_table())
    j2, r2 = j.join_units(tm3, units_table())
    assert j1[["code", "matched_by"]].equals(j2[["code", "matched_by"]])
    assert r1.unmatched_features.equals(r2.unmatched_features)
    crs = b.projected_crs(j1.dropna(subset=["geometry"]), province="Lạng Sơn")
    assert crs.to_epsg() == 9215
    a1 = j1.dropna(subset=["geometry"]).to_crs(crs).area.to_numpy()
    a2 = j2.dropna(subset=["geometry"]).area.to_numpy()
    assert a1 == pytest.approx(a2, rel=1e-6)
    assert a2[0] / 1e6 == pytest.approx(2.07 * 2.22, rel=0.05)  # 0.02° ≈ 2.07 km E-W × 2.22 km N-S at 21.8°N


def test_zipped_shapefile_is_read(tmp_path: Path) -> None:
    squares(["06376"], ["Nhất Hòa"]).to_file(tmp_path / "xa.shp")
    with zipfile.ZipFile(tmp_path / "xa.zip", "w") as z:
        for part in tmp_path.glob("xa.*"):
            if part.suffix != ".zip":
                z.write(part, part.name)
    layer = b.read_boundaries(tmp_path / "xa.zip")
    assert layer.crs.to_epsg() == 9215 and layer["name"].tolist() == ["Nhất Hòa"]


# --- CRS --------------------------------------------------------------------------------------


def test_layer_without_crs_gets_an_error_suggesting_vn2000(tmp_path: Path) -> None:
    path = tmp_path / "ranh_gioi.shp"
    squares(["06376"], ["Nhất Hòa"]).set_crs(None, allow_override=True).to_file(path)
    with pytest.raises(b.BoundaryError) as err:
        b.read_boundaries(path, province="Lạng Sơn")
    vi, en = err.value.render("vi"), err.value.render("en")
    assert "ranh_gioi.shp" in vi and "không khai báo hệ tọa độ" in vi and "EPSG:9215" in vi
    assert "declares no coordinate reference system" in en and "most likely EPSG:9215" in en and "-a_srs EPSG:9215" in en


def test_layer_without_crs_in_degrees_suggests_wgs84(tmp_path: Path) -> None:
    path = tmp_path / "do.shp"
    b.read_boundaries(FIXTURES / "communes_nfd.geojson").set_crs(None, allow_override=True).to_file(path)
    with pytest.raises(b.BoundaryError) as err:
        b.read_boundaries(path)
    assert "EPSG:4326" in err.value.render("en")


def test_suggest_crs_by_range_and_province() -> None:
    assert vncrs.suggest_crs((106.1, 21.7, 106.4, 21.95)) == ["EPSG:4326"]
    assert vncrs.suggest_crs((380_000, 2_397_000, 414_000, 2_430_000), province="Lạng Sơn")[0] == "EPSG:9215"
    # without a province: the TM-3 zone whose central meridian is closest to the given longitude
    assert vncrs.suggest_crs((380_000, 2_397_000, 414_000, 2_430_000), near_lon=106.4)[0] == "EPSG:9213"
    assert "EPSG:3405" in vncrs.suggest_crs((380_000, 2_397_000, 414_000, 2_430_000), near_lon=106.4)
    assert vncrs.suggest_crs((5e6, 0, 6e6, 1)) == []


def test_fallback_proj_string_equals_epsg_9215() -> None:
    from pyproj import Transformer

    ours = Transformer.from_crs("EPSG:4326", CRS.from_proj4(vncrs.LANG_SON_PROJ), always_xy=True)
    epsg = Transformer.from_crs("EPSG:4326", "EPSG:9215", always_xy=True)
    for lon, lat in ((106.3, 21.87), (107.0, 22.3)):
        assert ours.transform(lon, lat) == pytest.approx(epsg.transform(lon, lat), abs=0.01)


def test_province_crs_ignores_unicode_form_and_type_word() -> None:
    assert vncrs.province_crs(unicodedata.normalize("NFD", "Tỉnh Lạng Sơn")) == "EPSG:9215"
    assert vncrs.province_crs("Hoà Bình") == "EPSG:9211"
    assert vncrs.province_crs("Atlantis") is None


def test_zone_table_agrees_with_pyproj() -> None:
    assert CRS.from_epsg(9215).name == "VN-2000 / TM-3 107-15"
    for row in vncrs.zone_table().itertuples(index=False):
        params = {p.name: p.value for p in CRS.from_epsg(int(row.epsg)).coordinate_operation.params}
        assert params["Longitude of natural origin"] == pytest.approx(row.central_meridian), row.epsg


def test_resolve_boundary_path_prefers_the_dataset_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ds = tmp_path / "repo" / "data" / "ds"
    (ds / "maps").mkdir(parents=True)
    (tmp_path / "repo" / "maps").mkdir()
    (tmp_path / "repo" / "maps" / "x.gpkg").write_text("root")
    monkeypatch.chdir(tmp_path)
    assert b.resolve_boundary_path("maps/x.gpkg", ds) == tmp_path / "repo" / "maps" / "x.gpkg"
    (ds / "maps" / "x.gpkg").write_text("local")
    assert b.resolve_boundary_path("maps/x.gpkg", ds) == ds / "maps" / "x.gpkg"


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(b.BoundaryError) as err:
        b.read_boundaries(tmp_path / "khong_co.gpkg")
    assert "khong_co.gpkg" in err.value.render("vi") and "not found" in err.value.render("en")


# --- classification and rendering -------------------------------------------------------------


def test_classify_gives_each_status_its_palette_colour() -> None:
    layer = squares(["A", "B", "C", "D"], ["a", "b", "c", "d"])
    statuses = pd.DataFrame({"code": ["A", "B", "D"], "status": ["met", "not_met", "unknown_threshold"]})
    out = maps.classify(layer, statuses).set_index("code")
    assert out.loc["A", "color"] == "#009E73" and out.loc["B", "color"] == "#D55E00"
    assert out.loc["C", "status"] == "missing" and out.loc["C", "hatch"] == "////"
    assert out.loc["D", "color"] == maps.STATUS_PALETTE["unknown_threshold"]["color"]


def tiny_assessment(codes: list[str], statuses: list[str]) -> SimpleNamespace:
    """An Assessment-shaped object with one indicator (1.1) of tier ntm in 2023."""
    n = len(codes)
    indicators = pd.DataFrame({
        "code": codes, "year": [2023] * n, "tier": ["ntm"] * n, "criterion": [1] * n, "indicator": ["1.1"] * n,
        "measure": ["roads"] * n, "value": [90.0 if s == "met" else 40.0 for s in statuses], "threshold": [70.0] * n,
        "comparator": [">="] * n, "status": statuses, "threshold_status": ["verified"] * n,
    })
    criteria = indicators[["code", "year", "tier", "criterion", "status"]]
    units = pd.DataFrame({"code": codes, "year": [2023] * n, "tier": ["ntm"] * n,
                          "criteria_met": [int(s == "met") for s in statuses], "criteria_total": [1] * n,
                          "reached": [s == "met" for s in statuses], "recognised": pd.array([pd.NA] * n, dtype="Int64")})
    return SimpleNamespace(indicators=indicators, criteria=criteria, units=units, catalogue=None)


def test_rendered_png_has_the_status_colour_inside_each_unit(tmp_path: Path) -> None:
    units = units_table().iloc[:2]
    layer = squares(list(units["code"]), list(units["name"]))
    result = make_map(tiny_assessment(list(units["code"]), ["met", "not_met"]), units, {"commune": layer},
                           2023, tier="ntm", indicator="1.1", synthetic=True)
    path = maps.save_figure(result.figure, tmp_path / "m.png", dpi=100)
    img = mpimg.imread(path)[:, :, :3]
    ax = result.figure.axes[0]
    for code, status in (("06376", "met"), ("06331", "not_met")):
        geom = result.layer.set_index("code").loc[code, "geometry"]
        x0, y0, _, _ = geom.bounds
        px, py = ax.transData.transform((x0 + 150, y0 + 150))  # inside, away from the label
        pixel = img[img.shape[0] - int(round(py)), int(round(px))]
        assert np.allclose(pixel, to_rgb(maps.STATUS_PALETTE[status]["color"]), atol=0.03), (code, pixel)
    texts = [t.get_text() for t in result.figure.findobj(lambda o: hasattr(o, "get_text"))]
    assert maps.SYNTHETIC_NOTE in " ".join(t.replace("\n", " ") for t in texts)


def test_units_without_geometry_are_listed_on_the_page() -> None:
    units = units_table().iloc[:3]
    layer = squares(["06376", "06331"], ["Nhất Hòa", "Vạn Thủy"])
    result = make_map(tiny_assessment(list(units["code"]), ["met", "not_met", "met"]), units,
                           {"commune": layer}, 2023, tier="ntm", lang="en")
    text = " ".join(t.get_text().replace("\n", " ") for t in result.figure.findobj(lambda o: hasattr(o, "get_text")))
    assert "Without geometry, not drawn (1): 06352 Tân Lập" in text
    assert result.report.units_without_geometry["code"].tolist() == ["06352"]


def test_model_areas_recognised_and_in_progress() -> None:
    table = pd.DataFrame({"code": ["H1", "H2", "H3"], "year": [2023] * 3, "tier": ["kdc-kieu-mau"] * 3,
                          "criteria_met": [5, 4, 2], "criteria_total": [5, 5, 5],
                          "recognised": pd.array([2022, pd.NA, pd.NA], dtype="Int64")})
    got = maps.model_areas(table, 2023, "kdc-kieu-mau")
    assert got[["code", "model_status"]].values.tolist() == [["H1", "recognised"], ["H2", "in_progress"]]


def test_value_labels_use_a_decimal_comma_in_vietnamese() -> None:
    """Map labels round as every table does (i18n.number_label: 2 decimals), so a value reads the same."""
    v = pd.Series([85.25, 1.0, 2.0])
    kinds = pd.Series(["percent", "boolean", "level"])
    levels = pd.Series([None, None, ["yếu", "khá"]])
    assert maps.format_value(v, kinds, "vi", levels, pd.Series(["%", "", ""])).tolist() == ["85,25%", "có", "khá"]
    assert maps.format_value(v, kinds, "en", levels, pd.Series(["%", "", ""])).tolist() == ["85.25%", "yes", "khá"]


# --- GeoPackage export ------------------------------------------------------------------------


def test_attainment_gpkg_has_status_columns_per_criterion_and_tier(tmp_path: Path) -> None:
    units = units_table().iloc[:2]
    joined, _ = j.join_units(squares(list(units["code"]), list(units["name"])), units)
    asmt = tiny_assessment(list(units["code"]), ["met", "not_met"])
    asmt.indicators.loc[1, "threshold_status"] = "provisional"
    layer = map_export.attainment_layer(joined, asmt, 2023)
    path = map_export.export_gpkg(layer, tmp_path / "out.gpkg")
    back = gpd.read_file(path).set_index("code")
    assert {"ntm_c01", "ntm_met", "ntm_total", "ntm_reached", "ntm_unverified", "year"} <= set(back.columns)
    assert back.loc["06376", "ntm_c01"] == "met" and back.loc["06331", "ntm_c01"] == "not_met"
    assert back["ntm_met"].tolist() == [1, 0] and back["ntm_total"].tolist() == [1, 1]
    assert back["ntm_unverified"].tolist() == [False, True]
    assert back.crs.to_epsg() == 9215
    assert not list(tmp_path.glob(".out-*"))  # no temporary file left behind


# --- sample geometry --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_layers() -> dict[str, gpd.GeoDataFrame]:
    return sg.build()


def test_sample_geometry_is_deterministic(sample_layers: dict[str, gpd.GeoDataFrame]) -> None:
    again = sg.build()
    for name, gdf in sample_layers.items():
        pd.testing.assert_frame_equal(pd.DataFrame(gdf.drop(columns="geometry")),
                                      pd.DataFrame(again[name].drop(columns="geometry")))
        assert gdf.geometry.geom_equals_exact(again[name].geometry, tolerance=0).all(), name


def test_sample_geometry_has_the_merges_and_nests(sample_layers: dict[str, gpd.GeoDataFrame]) -> None:
    com = sample_layers["communes"]
    period = com[com["valid_to"].eq(2024)]
    assert len(period) == 18 and period["code"].is_unique
    old = com[com["valid_to"].eq(2019)].set_index("code").geometry
    bac_quynh = period.set_index("code").loc["06343", "geometry"]
    assert bac_quynh.area == pytest.approx(old["06343"].area + old["06334"].area, rel=1e-6)
    assert len(com[com["valid_from"].eq(2025)]) == 6
    assert period.union_all().area == pytest.approx(com[com["valid_to"].eq(2019)].union_all().area, rel=1e-6)
    cells = period.set_index("code").geometry
    vil = sample_layers["villages"]
    vil = vil[vil["valid_from"].isna() | vil["valid_from"].le(2024)]  # the 2021-2024 rows (a moved village has a 2025 row too)
    assert all(cells[p].buffer(1).contains(g) for p, g in zip(vil["parent_code"], vil.geometry))
    every_village = sample_layers["villages"].groupby("code").geometry
    # a village moved to a 2025 commune keeps its ground: its two rows have one geometry
    assert all(len(set(shapely.to_wkb(list(g)))) == 1 for _, g in every_village)
    ham = sample_layers["hamlets"]
    # a hamlet lies inside its village (every row of it: Lân Riều inside Nà Nâm in 2024 and in 2025)
    assert all(all(v.buffer(1).contains(g) for v in every_village.get_group(p)) for p, g in zip(ham["parent_code"], ham.geometry))
    assert {"06352-02-01", "06352-01-01"} <= set(ham["code"])


def test_sample_gpkg_carries_the_illustrative_mark(tmp_path: Path, sample_layers: dict[str, gpd.GeoDataFrame]) -> None:
    sg.write(tmp_path, {"communes": sample_layers["communes"]})
    info = pyogrio.read_info(tmp_path / "communes.gpkg")
    assert "illustrative" in info["layer_metadata"]["DESCRIPTION"]
    layer = b.read_boundaries(tmp_path / "communes.gpkg")
    assert layer.attrs["illustrative"] and layer.crs.to_epsg() == 9215


def test_committed_sample_files_match_the_generator(sample_layers: dict[str, gpd.GeoDataFrame]) -> None:
    for name, gdf in sample_layers.items():
        committed = gpd.read_file(ROOT / "maps" / "sample" / f"{name}.gpkg")
        assert committed["code"].tolist() == gdf["code"].tolist(), name
        assert committed.geometry.geom_equals_exact(gdf.geometry, tolerance=0.01).all(), name


# --- command line ------------------------------------------------------------------------------


def test_cli_map_writes_png_and_reports_bad_boundaries(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from ntm_analysis.cli import app

    runner = CliRunner()
    out = tmp_path / "tan-lap.png"
    ok = runner.invoke(app, ["map", str(ROOT / "data" / "sample"), "--year", "2023", "--unit", "Tân Lập",
                             "--level", "village", "--out", str(out), "--gpkg", str(tmp_path / "a.gpkg")])
    assert ok.exit_code == 0, ok.output
    assert out.exists() and (tmp_path / "a.gpkg").exists()
    bad = tmp_path / "nocrs.shp"
    squares(["06376"], ["Nhất Hòa"]).set_crs(None, allow_override=True).to_file(bad)
    res = runner.invoke(app, ["map", str(ROOT / "data" / "sample"), "--year", "2023", "--boundaries", str(bad),
                              "--lang", "en", "--out", str(tmp_path / "x.png")])
    assert res.exit_code == 2 and "declares no coordinate reference system" in res.output
    assert not (tmp_path / "x.png").exists()


# --- village maps of a commune tier's indicator entered per village -------------------------------


def _tiny():
    import importlib.util

    spec = importlib.util.spec_from_file_location("tiny_assess", ROOT / "tests" / "fixtures" / "tiny_assess.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def test_village_indicator_map_colours_each_village_by_its_own_status(tmp_path: Path) -> None:
    from ntm_analysis.assess.attainment import assess, assess_villages

    tiny = _tiny()
    cat, ds = tiny.catalogue(), tiny.dataset()
    rows = assess_villages(ds, cat, "ntm", years=2022, units="06352")
    layer = squares(["V1", "V2"], ["Nà Yêu", "Nà Nâm"])
    # 2.1 in 2022 (Tân Lập threshold 60): V1 90 → met, V2 20 → not met
    result = make_map(assess(ds, cat, years=2022), ds.units, {"village": layer}, 2022, level="village",
                           tier="ntm", indicator="2.1", unit="06352", village_rows=rows, synthetic=True)
    got = result.layer.set_index("code")
    assert got.loc["V1", "color"] == maps.STATUS_PALETTE["met"]["color"]
    assert got.loc["V2", "color"] == maps.STATUS_PALETTE["not_met"]["color"]
    assert got["value_label"].tolist() == ["90%", "20%"]
    img = mpimg.imread(maps.save_figure(result.figure, tmp_path / "v.png", dpi=100))[:, :, :3]
    ax = result.figure.axes[0]
    for code, status in (("V1", "met"), ("V2", "not_met")):
        x0, y0, _, _ = got.loc[code, "geometry"].bounds
        px, py = ax.transData.transform((x0 + 150, y0 + 150))
        pixel = img[img.shape[0] - int(round(py)), int(round(px))]
        assert np.allclose(pixel, to_rgb(maps.STATUS_PALETTE[status]["color"]), atol=0.03), (code, pixel)
    text = " ".join(t.get_text().replace("\n", " ") for t in result.figure.findobj(lambda o: hasattr(o, "get_text")))
    assert "theo từng thôn" in text and "Ngưỡng xã phải đạt: ≥ 60%" in text
    assert "không phải kết quả đánh giá chính thức" in text


def test_village_map_of_a_share_true_indicator_labels_yes_no(tmp_path: Path) -> None:
    from ntm_analysis.assess.attainment import assess, assess_villages

    tiny = _tiny()
    cat, ds = tiny.catalogue(), tiny.dataset()
    rows = assess_villages(ds, cat, "ntm", years=2022)
    result = make_map(assess(ds, cat, years=2022), ds.units, {"village": squares(["V1", "V2"], ["a", "b"])},
                           2022, level="village", tier="ntm", indicator="5.2", unit="06352", village_rows=rows,
                           lang="en")
    got = result.layer.set_index("code")
    assert got.loc[["V1", "V2"], "status"].tolist() == ["met", "not_met"]
    assert got.loc[["V1", "V2"], "value_label"].tolist() == ["yes", "no"]


def test_village_map_of_a_commune_indicator_or_without_village_rows_is_an_error() -> None:
    from ntm_analysis.assess.attainment import assess

    tiny = _tiny()
    cat, ds = tiny.catalogue(), tiny.dataset()
    with pytest.raises(maps.MapError) as err:
        maps.map_levels(cat, "village", "ntm", "3.1")  # thu_nhap is entered per commune
    assert err.value.key == "indicator_level" and "2.1" in err.value.render("en")
    assert maps.map_levels(cat, "village", "ntm", "2.1") == ("ntm", "village")
    with pytest.raises(maps.MapError) as err:
        make_map(assess(ds, cat, years=2022), ds.units, {"village": squares(["V1", "V2"], ["a", "b"])}, 2022,
                      level="village", tier="ntm", indicator="2.1", unit="06352")
    assert err.value.key == "no_village_rows"


def test_cli_village_map_of_an_ntm_indicator(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from ntm_analysis.cli import app

    out = tmp_path / "v22.png"
    res = CliRunner().invoke(app, ["map", str(ROOT / "data" / "sample"), "--year", "2023", "--level", "village",
                                   "--unit", "Tân Lập", "--indicator", "2.2", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert out.exists()


def test_a_unit_without_any_data_is_no_data_on_the_criteria_map_not_zero() -> None:
    import geopandas as gpd
    from shapely.geometry import box

    from ntm_analysis.maps.layers import STATUS_PALETTE, criteria_layer

    joined = gpd.GeoDataFrame({"code": ["A", "B"], "name": ["An", "Bình"]},
                              geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs="EPSG:9215")
    units = pd.DataFrame({"code": ["A", "B"], "year": [2023, 2023], "tier": ["ntm", "ntm"],
                          "criteria_met": [0, 0], "criteria_total": [19, 19], "criteria_missing": [19, 2],
                          "reached": [False, False], "recognised": [pd.NA, pd.NA]})
    layer = criteria_layer(joined, units, 2023, "ntm").set_index("code")
    assert layer.loc["A", "value_label"] == "–"
    assert layer.loc["A", "hatch"] == STATUS_PALETTE["missing"]["hatch"]
    assert layer.loc["B", "value_label"] == "0/19"


def test_count_classes_keep_one_short_apart_from_all_met() -> None:
    """19 criteria: 18/19 and 19/19 are classes of their own, coloured differently, as the legend shows."""
    classes = maps.count_classes(19)
    assert classes[-2:] == [(18, 18), (19, 19)]
    assert classes[0][0] == 0 and all(a[1] + 1 == b[0] for a, b in zip(classes, classes[1:]))
    colours = maps.count_colors(pd.Series([17.0, 18.0, 19.0]), 19)
    assert colours[0] != colours[1] != colours[2]


def test_count_class_colours_are_those_of_the_legend_classes() -> None:
    colours = maps.count_colors(pd.Series([14.0, 17.0]), 19)  # both in the class 14–17
    assert colours[0] == colours[1]
    assert maps.count_class_label(14, 17, 19) == "14–17/19" and maps.count_class_label(19, 19, 19) == "19/19"


def test_custom_proj_string_is_named_by_its_parameters_not_unknown() -> None:
    crs = CRS.from_proj4("+proj=tmerc +lat_0=0 +lon_0=107.25 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 "
                         "+towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,"
                         "0.252906278 +units=m +no_defs")
    text = vncrs.crs_label(crs)
    assert "unknown" not in text.lower()
    assert "tmerc" in text and "lon_0=107.25" in text
    assert vncrs.crs_label(CRS.from_epsg(9215)) == CRS.from_epsg(9215).name
