"""ntm_analysis.units: validity, hierarchy expansion and names of reused codes (a small hand-made table)."""

import pandas as pd
import pytest

from ntm_analysis import units as U

NA = pd.NA


@pytest.fixture()
def table() -> pd.DataFrame:
    """A province, a district ending 2024, a town (no type word for one village), a commune code
    reused after a merger (06343: Bắc Sơn until 2019, Bắc Quỳnh 2020-2024) and a 2025 commune
    under the province reusing the town's code."""
    rows = [
        ("20", "Lạng Sơn", "Tỉnh", "province", NA, NA, NA),
        ("185", "Bắc Sơn", "Huyện", "district", "20", NA, 2024),
        ("06325", "Bắc Sơn", "Thị trấn", "commune", "185", NA, 2024),
        ("06343", "Bắc Sơn", "Xã", "commune", "185", NA, 2019),
        ("06343", "Bắc Quỳnh", "Xã", "commune", "185", 2020, 2024),
        ("06343-01", "Nà Lay", NA, "village", "06343", NA, 2024),
        ("06343-01-a", "Xóm Cốc", "Xóm", "hamlet", "06343-01", NA, 2024),
        ("06325", "Bắc Sơn", "Xã", "commune", "20", 2025, NA),
    ]
    frame = pd.DataFrame(rows, columns=["code", "name", "type", "level", "parent_code", "valid_from", "valid_to"])
    return frame.astype({"valid_from": "Int64", "valid_to": "Int64"})


def test_valid_in_open_ends_and_inclusive_bounds(table):
    assert U.valid_in(table, 2024).tolist() == [True, True, True, False, True, True, True, False]
    assert U.valid_in(table, 2025).tolist() == [True, False, False, False, False, False, False, True]


def test_valid_in_reads_years_written_as_text():
    layer = pd.DataFrame({"valid_from": ["", "2020"], "valid_to": ["2019", ""]})
    assert U.valid_in(layer, 2019).tolist() == [True, False]


def test_valid_in_per_row_years(table):
    years = pd.Series([2019, 2019, 2019, 2019, 2019, 2019, 2019, 2019])
    assert U.valid_in(table, years).tolist() == [True, True, True, True, False, True, True, False]


def test_province_and_district_expand_to_the_same_communes_of_the_year(table):
    assert U.expand(table, "20", 2024, level="commune") == ["06325", "06343"]
    assert U.expand(table, "185", 2024, level="commune") == ["06325", "06343"]
    assert U.expand(table, "20", 2025, level="commune") == ["06325"]


def test_commune_expands_to_its_villages_and_hamlets(table):
    assert U.descendants(table, "06343", 2024) == {"06343", "06343-01", "06343-01-a"}
    assert U.expand(table, "06343", 2024, level="village") == ["06343-01"]
    assert U.descendants(table, "06343", 2024, include_self=False) == {"06343-01", "06343-01-a"}


def test_reused_code_has_the_name_valid_in_the_year(table):
    assert U.name_in_year(table, "06343", 2019) == "Bắc Sơn"
    assert U.name_in_year(table, "06343", 2024) == "Bắc Quỳnh"
    assert U.display_name(table, "06325", 2024) == "Thị trấn Bắc Sơn"
    assert U.display_name(table, "06325", 2025) == "Xã Bắc Sơn"


def test_latest_period_without_a_year(table):
    assert U.name_in_year(table, "06343") == "Bắc Quỳnh"


def test_unit_row_outside_its_period_raises(table):
    with pytest.raises(LookupError, match="06343"):
        U.unit_row(table, "06343", 2025)


def test_display_name_without_type_word_uses_level_name_when_asked(table):
    assert U.display_name(table, "06343-01", 2024) == "Nà Lay"
    assert U.display_name(table, "06343-01", 2024, lang="en") == "Village Nà Lay"


def test_unit_kind(table):
    assert U.unit_kind(table, "06325", 2024) == "Thị trấn"
    assert U.unit_kind(table, "06343-01", 2024) is None


def test_names_in_year_per_row(table):
    codes = pd.Series(["06343", "06343", "99999"])
    assert U.names_in_year(table, codes, pd.Series([2019, 2024, 2024])).fillna("?").tolist() == ["Bắc Sơn", "Bắc Quỳnh", "?"]


def test_unit_label_in_running_text(table):
    assert U.unit_label(table, "06325", 2024, "vi") == "thị trấn Bắc Sơn"
    assert U.unit_label(table, "06343", 2024, "en") == "Bắc Quỳnh commune"


def test_ancestry_lists_every_ancestor_with_depth(table):
    anc = U.ancestry(table.drop_duplicates("code", keep="first"))
    hamlet = anc[anc["code"].eq("06343-01-a")].sort_values("depth")
    assert hamlet["ancestor"].tolist() == ["06343-01-a", "06343-01", "06343", "185", "20"]
