"""The shipped administrative reference (units of 01/7/2025, predecessors) and ``ntm init``.

Expected numbers are from ../shared/reference/admin-units-README.md and places-and-admin-changes.md
(NQ 1672/NQ-UBTVQH15): Lạng Sơn has 65 commune-level units (61 xã, 4 phường); xã Vũ Lăng 06367 was
formed from the whole of Tân Lập, Tân Hương, Chiêu Vũ and Vũ Lăng.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ntm_analysis.admin.reference import (AdminReferenceError, find_province, predecessors_2025, province_units,
                                          successor_mapping, units_2025)
from ntm_analysis.admin.skeleton import InitRefused, init_dataset
from ntm_analysis.cli import app
from ntm_analysis.io.dataset import load_dataset
from ntm_analysis.io.validation import DatasetError

runner = CliRunner()


def test_shipped_tables_have_the_documented_rows():
    assert len(units_2025()) == 3321
    assert len(predecessors_2025()) == 10571


def test_codes_keep_leading_zeros():
    assert "06367" in set(units_2025()["code"])


def test_gpl_hierarchy_file_is_not_shipped():
    data = Path(__file__).resolve().parents[2] / "ntm_analysis" / "admin" / "data"
    assert not (data / "admin-units-2019-2025.csv").exists()


@pytest.mark.parametrize("query", ["Lạng Sơn", "tỉnh lạng sơn", "Lang Son", "20", 20, unicodedata.normalize("NFD", "Lạng Sơn")])
def test_province_found_by_name_or_code(query):
    assert find_province(query)["province_code"] == "20"


def test_province_with_tone_placement_variant():
    assert find_province("Khánh Hoà")["province_code"] == "56"


def test_unknown_province_names_the_closest():
    with pytest.raises(AdminReferenceError) as err:
        find_province("Lạng Sơnn")
    assert "Lạng Sơn" in err.value.render("en") and "Did you mean" in err.value.render("en")


def test_lang_son_has_65_communes_under_the_province():
    units = province_units("Lạng Sơn")
    communes = units[units["level"] == "commune"]
    assert len(communes) == 65
    assert set(communes["parent_code"]) == {"20"}
    assert communes["type"].value_counts().to_dict() == {"Xã": 61, "Phường": 4}


def test_vu_lang_successor_of_four_whole_communes():
    m = successor_mapping("20")
    into = m[m["successor_code"] == "06367"]
    assert set(into["old_code"]) == {"06352", "06361", "06358", "06367"}
    assert not into["split"].any()


def test_split_unit_lists_every_successor():
    m = successor_mapping("20").set_index("old_code")
    assert m.loc["06622", "successor_code"] == "06613;06625"
    assert bool(m.loc["06622", "split"])


def test_predecessors_have_validity_and_district():
    units = province_units("20", with_predecessors=True)
    tan_lap = units[(units["code"] == "06352")].iloc[0]
    assert (tan_lap["valid_to"], tan_lap["parent_code"], tan_lap["successor_code"]) == (2024, "185", "06367")
    bac_son = units[units["code"] == "185"].iloc[0]
    assert (bac_son["level"], bac_son["valid_to"]) == ("district", 2024)


def test_merged_provinces_keep_the_former_ones():
    units = province_units("Tuyên Quang", with_predecessors=True)
    prov = units[units["level"] == "province"].sort_values("valid_from", na_position="first")
    assert set(prov["code"]) == {"02", "08"}
    assert prov.loc[prov["code"].eq("02"), "successor_code"].iloc[0] == "08"


def test_init_writes_a_dataset_that_validates(tmp_path):
    target = tmp_path / "ls"
    init_dataset(target, "Lạng Sơn")
    data = load_dataset(target)
    assert (data.units["level"] == "commune").sum() == 65
    assert data.values.empty


def test_init_with_predecessors_validates_without_warnings(tmp_path):
    target = tmp_path / "ls"
    init_dataset(target, "20", with_predecessors=True)
    assert load_dataset(target).problems == []


def test_init_names_catalogues_per_period(tmp_path):
    init_dataset(tmp_path / "ls", "20")
    text = (tmp_path / "ls" / "dataset.toml").read_text(encoding="utf-8")
    assert '"2026-2030" = "qd51-2026-2030"' in text


def test_init_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(InitRefused):
        init_dataset(tmp_path, "20")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_init_into_an_empty_folder(tmp_path):
    init_dataset(tmp_path, "20")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dataset.toml", "units.csv", "values.csv"]


def test_cli_init_refusal_exits_2(tmp_path):
    (tmp_path / "units.csv").write_text("x")
    res = runner.invoke(app, ["init", str(tmp_path), "--province", "Lạng Sơn", "--lang", "en"])
    assert res.exit_code == 2 and "not empty" in res.output


def test_cli_init_unknown_province_exits_2_without_writing(tmp_path):
    res = runner.invoke(app, ["init", str(tmp_path / "x"), "--province", "Atlantis"])
    assert res.exit_code == 2 and not (tmp_path / "x").exists()


def test_cli_init_then_template(tmp_path):
    target = tmp_path / "ls"
    assert runner.invoke(app, ["init", str(target), "--province", "Lạng Sơn"]).exit_code == 0
    res = runner.invoke(app, ["template", str(target), "--unit", "Vũ Lăng", "--year", "2025",
                              "--out", str(tmp_path / "vl.xlsx")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "vl.xlsx").is_file()


def test_split_successor_codes_are_each_checked(tmp_path):
    init_dataset(tmp_path / "ls", "20", with_predecessors=True)
    units = pd.read_csv(tmp_path / "ls" / "units.csv", dtype=str)
    units.loc[units["code"].eq("06622"), "successor_code"] = "06613;99999"
    units.to_csv(tmp_path / "ls" / "units.csv", index=False)
    with pytest.raises(DatasetError) as err:  # a successor naming no unit is an error (issue 13 item 8)
        load_dataset(tmp_path / "ls")
    assert [(p.rule, p.value) for p in err.value.problems] == [("successor_missing", "99999")]
