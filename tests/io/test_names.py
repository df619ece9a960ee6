"""Name normalisation, tone-placement-insensitive keys and unit look-up."""

import unicodedata

import pandas as pd
import pytest

from ntm_analysis.io.names import (UnitLookupError, find_units, level_of, name_key, normalise_text,
                                resolve_unit, split_type)


@pytest.fixture
def units() -> pd.DataFrame:
    return pd.DataFrame({
        "code": ["06325", "06343", "06343", "06376", "06331", "06352-01"],
        "name": ["Bắc Sơn", "Bắc Sơn", "Bắc Quỳnh", "Nhất Hòa", "Vạn Thủy", "Nà Yêu"],
        "type": ["Thị trấn", "Xã", "Xã", "Xã", "Xã", "Thôn"],
        "level": ["commune", "commune", "commune", "commune", "commune", "village"],
        "valid_from": pd.array([pd.NA, pd.NA, 2020, pd.NA, pd.NA, pd.NA], dtype="Int64"),
        "valid_to": pd.array([2025, 2019, 2025, 2025, 2025, 2025], dtype="Int64"),
    })


def test_normalise_text_nfc_trim_and_spaces():
    nfd = unicodedata.normalize("NFD", "  Bắc   Sơn ")
    assert normalise_text(nfd) == "Bắc Sơn"
    assert unicodedata.is_normalized("NFC", normalise_text(nfd))


@pytest.mark.parametrize("a,b", [("Hòa", "Hoà"), ("Thủy", "Thuỷ"), ("họa", "hoạ"), ("Thụy", "Thuỵ"),
                                 ("oà", "òa"), ("uỳ", "ùy"), ("oé", "óe"), ("NHẤT HÒA", "nhất hoà")])
def test_name_key_ignores_tone_placement_and_case(a, b):
    assert name_key(a) == name_key(b)


def test_name_key_ignores_nfc_nfd():
    assert name_key(unicodedata.normalize("NFD", "Vạn Thuỷ")) == name_key("Vạn Thủy")


@pytest.mark.parametrize("a,b", [("Đồng", "Dồng"), ("Hòa", "Hóa"), ("Khuê", "Khuế")])
def test_name_key_keeps_different_letters_and_tones_apart(a, b):
    assert name_key(a) != name_key(b)


def test_level_words_in_any_form():
    assert level_of("Thị trấn") == "commune"
    assert level_of(unicodedata.normalize("NFD", "XÓM")) == "hamlet"
    assert level_of("ban") == "village"
    assert level_of("tổ") is None


def test_split_type():
    assert split_type("Thị trấn Bắc Sơn") == ("Thị trấn", "Bắc Sơn")
    assert split_type("xã  Tân Lập") == ("Xã", "Tân Lập")
    assert split_type("Bản Cầu") == (None, "Bản Cầu")


def test_find_by_code(units):
    assert find_units(units, "06376")["name"].tolist() == ["Nhất Hòa"]


def test_find_by_name_any_form(units):
    nfd = unicodedata.normalize("NFD", "xã nhất hoà")
    assert find_units(units, nfd)["code"].tolist() == ["06376"]
    assert resolve_unit(units, "Vạn Thuỷ") == "06331"


def test_ambiguous_name_lists_candidates(units):
    with pytest.raises(UnitLookupError) as exc:
        resolve_unit(units, "Bắc Sơn")
    assert "06325" in exc.value.render("vi") and "06343" in exc.value.render("en")
    assert "Thị trấn" in exc.value.render("vi")


@pytest.mark.parametrize("query,code", [("thị trấn Bắc Sơn", "06325"), ("Xã Bắc Sơn", "06343"), ("06325", "06325")])
def test_type_word_or_code_resolves_ambiguity(units, query, code):
    assert resolve_unit(units, query) == code


def test_year_filter_resolves_reused_names(units):
    # xã Bắc Sơn (06343) ended in 2019; in 2024 only the thị trấn is called Bắc Sơn
    assert resolve_unit(units, "Bắc Sơn", year=2024) == "06325"


def test_level_filter(units):
    assert find_units(units, "Nà Yêu", level="thôn")["code"].tolist() == ["06352-01"]
    assert find_units(units, "Nà Yêu", level="commune").empty


def test_not_found_suggests_close_names(units):
    with pytest.raises(UnitLookupError) as exc:
        resolve_unit(units, "Nhất Hoà Xã")
    assert "Nhất Hòa" in exc.value.render("vi")


def test_vietnamese_sort_order():
    """Letters by the Vietnamese alphabet (ê before u, d before đ), tones only to break ties."""
    from ntm_analysis.io.names import sort_key

    names = ["Đồng Ý", "Chiêu Vũ", "Dương", "Chiến Thắng", "Bắc Sơn", "An Bình"]
    assert sorted(names, key=sort_key) == ["An Bình", "Bắc Sơn", "Chiến Thắng", "Chiêu Vũ", "Dương", "Đồng Ý"]


def test_vietnamese_sort_order_tones_and_numbers():
    from ntm_analysis.io.names import sort_key

    assert sorted(["Bạ", "Bá", "Ba", "Bà"], key=sort_key) == ["Ba", "Bà", "Bá", "Bạ"]
    assert sorted(["Thôn 10", "Thôn 2"], key=sort_key) == ["Thôn 2", "Thôn 10"]
