"""Numbers and units as each language writes them (one rule for every output)."""

from __future__ import annotations

from ntm_analysis.i18n import number_label, unit_label


def test_decimal_comma_in_vietnamese_point_in_english():
    assert number_label(86.834, "vi") == "86,83"
    assert number_label(86.834, "en") == "86.83"


def test_no_trailing_zeros_and_no_negative_zero():
    assert number_label(100.0, "vi") == "100"
    assert number_label(-0.001, "vi") == "0"
    assert number_label(float("nan"), "vi") == ""


def test_units_translated_in_english_kept_in_vietnamese():
    assert unit_label("triệu đồng/người/năm", "en") == "million VND/person/year"
    assert unit_label("% (hộ)", "en") == "% (households)"
    assert unit_label("triệu đồng/người/năm", "vi") == "triệu đồng/người/năm"


def test_level_names_of_the_catalogue_read_in_english_and_stay_in_vietnamese():
    """A level measure's names are written in Vietnamese in the catalogues ("khá", "mức độ 2"): an
    English output shows "good", "level 2"; a Vietnamese one the names as written."""
    from ntm_analysis.i18n import level_value

    assert (level_value("khá", "en"), level_value("mức độ 2", "en")) == ("good", "level 2")
    assert (level_value("khá", "vi"), level_value("mức độ 2", "vi")) == ("khá", "mức độ 2")
    assert level_value("hạng A", "en") == "hạng A"  # a name the table does not know stays as written
