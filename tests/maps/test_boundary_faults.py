"""Boundary layers as users bring them: invalid geometries, legacy Vietnamese encodings in .dbf
files, names shared by two features, layers of which nothing joins (issue 13 items 1, 2, 10)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Polygon, box
from typer.testing import CliRunner

from ntm_analysis.cli import app
from ntm_analysis.maps import boundaries as b
from ntm_analysis.maps import joins as j
from ntm_analysis.maps.dbf import decode_dbf, legacy_font

ROOT = Path(__file__).resolve().parents[2]
BOWTIE = Polygon([(0, 0), (1000, 1000), (1000, 0), (0, 1000)])  # self-intersecting at (500, 500)


def units(codes: list[str], names: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"code": codes, "name": names, "type": "Xã", "level": "commune", "parent_code": "x"})


def layer(tmp_path: Path, geoms: list, **cols: list) -> Path:
    path = tmp_path / "layer.gpkg"
    gpd.GeoDataFrame(cols, geometry=geoms, crs="EPSG:9215").to_file(path, engine="pyogrio")
    return path


def cp1258(text: str) -> bytes:
    """Windows-1258 bytes as Vietnamese GIS software writes them: base letters with ^ ˘ ʼ composed,
    tone marks as separate combining bytes."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out += base.encode("cp1258") + "".join(c for c in parts if c in tones).encode("cp1258")
    return out


def names_only_shapefile(tmp_path: Path, raw_names: list[bytes], cpg: str | None = None) -> Path:
    """A Shapefile with one text field ``ten_xa`` holding exactly ``raw_names`` (bytes), no ``.cpg``
    unless given: written with ASCII placeholders, then the placeholders replaced in the .dbf."""
    marks = [chr(ord("A") + i) * len(raw) for i, raw in enumerate(raw_names)]
    path = tmp_path / "xa.shp"
    geoms = [box(i * 1000, 0, i * 1000 + 900, 900) for i in range(len(raw_names))]
    gpd.GeoDataFrame({"ten_xa": marks}, geometry=geoms, crs="EPSG:9215").to_file(path, engine="pyogrio")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    dbf = path.with_suffix(".dbf").read_bytes()
    for mark, raw in zip(marks, raw_names):
        dbf = dbf.replace(mark.encode(), raw, 1)
    path.with_suffix(".dbf").write_bytes(dbf)
    if cpg is not None:
        path.with_suffix(".cpg").write_text(cpg)
    return path


# --- 1 invalid geometry ---------------------------------------------------------------------------


def test_bowtie_is_repaired_on_reading_and_named_in_the_report(tmp_path: Path) -> None:
    path = layer(tmp_path, [box(2000, 0, 3000, 1000), BOWTIE], code=["01", "02"], name=["Một", "Nà Nâm"])
    gdf = b.read_boundaries(path)
    assert gdf.geometry.is_valid.all()
    assert gdf.geometry.iloc[1].area == pytest.approx(500_000)  # two triangles of 250 000 m²
    _, report = j.join_units(gdf, units(["01", "02"], ["Một", "Nà Nâm"]))
    lines = report.lines("en")
    assert len(lines) == 1 and "#2 (02 Nà Nâm)" in lines[0] and "repaired" in lines[0]


def test_geometry_with_no_area_left_is_listed_like_a_unit_without_geometry(tmp_path: Path) -> None:
    flat = Polygon([(0, 0), (1000, 0), (2000, 0), (0, 0)])  # a ring folded onto a line
    path = layer(tmp_path, [box(2000, 0, 3000, 1000), flat], code=["01", "02"], name=["Một", "Hai"])
    joined, report = j.join_units(b.read_boundaries(path), units(["01", "02"], ["Một", "Hai"]))
    assert joined.set_index("code").geometry.isna().to_dict() == {"01": False, "02": True}
    assert report.units_without_geometry["code"].tolist() == ["02"]
    assert report.unmatched_features["reason"].tolist() == ["unrepairable"]


def test_cli_village_map_with_a_bowtie_village_draws_and_warns(tmp_path: Path) -> None:
    villages = gpd.read_file(ROOT / "maps/sample/villages.gpkg")
    row = villages.index[villages["code"].eq("06352-02")][0]
    x0, y0, x1, y1 = villages.geometry[row].bounds
    villages.loc[row, "geometry"] = Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])
    villages.to_file(tmp_path / "bowtie.gpkg", engine="pyogrio")
    out = tmp_path / "v.png"
    result = CliRunner().invoke(app, ["map", str(ROOT / "data/sample"), "--year", "2023", "--unit", "Tân Lập",
                                      "--level", "village", "--boundaries", str(tmp_path / "bowtie.gpkg"),
                                      "--out", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
    assert "06352-02" in result.output and "repaired" in result.output


# --- 2 legacy encodings ---------------------------------------------------------------------------


def test_cp1258_dbf_without_cpg_is_decoded_to_nfc(tmp_path: Path) -> None:
    path = names_only_shapefile(tmp_path, [cp1258("Tân Lập"), cp1258("Đồng Ý")])
    gdf = b.read_boundaries(path)
    assert gdf["ten_xa"].tolist() == ["Tân Lập", "Đồng Ý"]
    assert unicodedata.is_normalized("NFC", gdf["ten_xa"].iloc[0])
    assert gdf.attrs["encoding"] == "cp1258"


def test_cpg_1258_keeps_the_last_character_of_names_and_values(tmp_path: Path) -> None:
    path = names_only_shapefile(tmp_path, [cp1258("Tân Lập")], cpg="1258")
    gdf = b.read_boundaries(path)
    assert list(gdf.columns[:1]) == ["ten_xa"] and gdf["ten_xa"].iloc[0] == "Tân Lập"


def test_utf8_dbf_without_cpg_is_read_as_utf8(tmp_path: Path) -> None:
    path = names_only_shapefile(tmp_path, ["Vũ Lăng".encode()])
    assert b.read_boundaries(path)["ten_xa"].iloc[0] == "Vũ Lăng"


def test_encoding_option_overrides_the_detection(tmp_path: Path) -> None:
    path = names_only_shapefile(tmp_path, ["Vũ Lăng".encode()])
    assert b.read_boundaries(path, encoding="latin-1")["ten_xa"].iloc[0] == "VÅ© LÄ\x83ng"
    with pytest.raises(b.BoundaryError, match="xyz"):
        b.read_boundaries(path, encoding="xyz")


def test_tcvn3_and_vni_text_are_recognised() -> None:
    assert legacy_font(["T©n LËp", "B¾c S¬n"])[0] == "tcvn3"
    assert legacy_font(["Taân Laäp", "Ñoàng YÙ"])[0] == "vni"
    assert legacy_font(["Tân Lập", "Xuân Dương", "Đồng Ý"])[0] is None


def test_decode_dbf_flags_tcvn3_with_examples(tmp_path: Path) -> None:
    path = names_only_shapefile(tmp_path, [b"T\xa9n L\xcbp", b"B\xbec S\xacn"])
    text = decode_dbf(path.with_suffix(".dbf").read_bytes())
    assert text.legacy == "tcvn3" and len(text.examples) == 2


def test_cli_map_of_a_tcvn3_layer_exits_2_naming_the_encoding(tmp_path: Path) -> None:
    path = names_only_shapefile(tmp_path, [b"T\xa9n L\xcbp", b"B\xbec S\xacn", b"V\xa9n Th\xf9y"])
    result = CliRunner().invoke(app, ["map", str(ROOT / "data/sample"), "--year", "2023", "--boundaries", str(path),
                                      "--out", str(tmp_path / "c.png"), "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert "TCVN3" in result.output and "Unikey" in result.output
    assert not (tmp_path / "c.png").exists()


def test_layer_where_nothing_joins_is_an_error_with_three_examples(tmp_path: Path) -> None:
    path = layer(tmp_path, [box(i * 1000, 0, i * 1000 + 900, 900) for i in range(4)],
                 ten=["Alpha", "Beta", "Gamma", "Delta"])
    gdf = b.read_boundaries(path)
    joined, report = j.join_units(gdf, units(["01", "02"], ["Một", "Hai"]))
    with pytest.raises(b.BoundaryError) as err:
        j.require_joined(joined, report, gdf, "commune")
    text = err.value.message("en")
    assert "«Alpha», «Beta», «Gamma»" in text and "Delta" not in text and "names differ" in text


# --- 10 names shared by two features ----------------------------------------------------------------


def test_two_features_of_one_name_join_neither(tmp_path: Path) -> None:
    path = layer(tmp_path, [box(0, 0, 900, 900), box(1000, 0, 1900, 900), box(2000, 0, 2900, 900)],
                 ten=["Bắc Sơn", "Bắc Sơn", "Vũ Lăng"])
    joined, report = j.join_units(b.read_boundaries(path), units(["06325", "06367"], ["Bắc Sơn", "Vũ Lăng"]))
    assert joined.set_index("code").geometry.isna().to_dict() == {"06325": True, "06367": False}
    assert report.unmatched_features[["row", "reason"]].values.tolist() == [[1, "same_name"], [2, "same_name"]]
    assert "none is joined" in report.lines("en")[0]

