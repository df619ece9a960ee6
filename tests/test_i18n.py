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
