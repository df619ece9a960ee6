"""The shipped 2026-2030 catalogue (qd51-2026-2030) and the 2021-2025 kiểu mẫu corrections."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from typer.testing import CliRunner

from ntm_analysis.catalogue.display import catalogue_banner
from ntm_analysis.catalogue.model import load_catalogue
from ntm_analysis.cli import app

runner = CliRunner()
QD51_NAMES = [
    "Quy hoạch", "Hạ tầng kinh tế - xã hội", "Phát triển kinh tế nông thôn", "Đào tạo nguồn nhân lực nông thôn",
    "Văn hóa, giáo dục, y tế", "Giảm nghèo và an sinh xã hội", "Khoa học công nghệ và chuyển đổi số",
    "Môi trường và cảnh quan nông thôn", "Xây dựng hệ thống chính trị và hành chính công",
    "Tiếp cận pháp luật và an ninh, quốc phòng",
]
CARRIED = "level by group for 2026-2030 not available; carried over from 2021-2025"


@pytest.fixture(scope="module")
def qd51():
    return load_catalogue("qd51-2026-2030")


def test_qd51_has_the_ten_published_criteria_in_order(qd51):
    crit = qd51.criteria.sort_values("criterion")
    assert list(crit["criterion"]) == list(range(1, 11))
    assert list(crit["name_vi"]) == QD51_NAMES


def test_qd51_has_three_groups_with_definitions_sources_and_confidence(qd51):
    groups = qd51.meta["groups"]
    assert [g["id"] for g in groups] == ["1", "2", "3"]
    assert all(g["definition"] and g["source"] == "qd51-2025" and g["confidence"] == "medium" for g in groups)


def test_qd51_is_keyed_by_group_without_a_default_group(qd51):
    assert qd51.meta["threshold_by"] == "group" and qd51.meta["default_group"] is None


def test_every_qd51_indicator_is_provisional_with_the_carry_over_note(qd51):
    inds = qd51.indicators
    assert inds["threshold_status"].eq("provisional").all()
    assert inds["notes"].str.startswith(CARRIED).all()
    assert inds["notes"].str.contains("Carried over from 2021-2025 NTM indicator").all()


def test_qd51_levels_are_the_northern_mountain_ntm_levels_for_every_group(qd51):
    old = load_catalogue("lang-son-2022-2025").threshold_table(2025, "trung-du-mien-nui-phia-bac")
    old = old[old["tier"].eq("ntm")].set_index("indicator")["threshold"]
    new = qd51.threshold_table(2026)
    per_measure = new.merge(qd51.indicators[["indicator", "measure"]], on="indicator")
    old_by_measure = load_catalogue("lang-son-2022-2025").indicators.query("tier == 'ntm'").set_index("indicator")["measure"]
    expected = {m: old[i] for i, m in old_by_measure.items() if i in old.index}
    assert set(per_measure["group"]) == {"1", "2", "3"}
    assert all(expected[m] == t for m, t in zip(per_measure["measure"], per_measure["threshold"]))


def test_qd51_banner_says_provisional_in_both_languages(qd51):
    assert "TẠM TÍNH" in catalogue_banner(qd51, "vi")
    assert "PROVISIONAL" in catalogue_banner(qd51, "en")


def test_catalogue_show_lists_ten_criteria_and_three_groups():
    out = runner.invoke(app, ["catalogue", "show", "--catalogue", "qd51-2026-2030", "--format", "csv"])
    assert out.exit_code == 0
    frame = pd.read_csv(io.StringIO(out.stdout), dtype=str)
    assert frame["criterion"].nunique() == 10
    table = runner.invoke(app, ["catalogue", "show", "--catalogue", "qd51-2026-2030", "--lang", "en"])
    assert all(f"Group {n}:" in table.stdout for n in (1, 2, 3))


def test_km4_requires_a_smart_village_without_model_village_alternative():
    cat = load_catalogue("lang-son-2022-2025")
    km4 = cat.indicators.set_index("indicator").loc["KM.4"]
    assert "thôn NTM kiểu mẫu" not in km4["name_vi"]
    assert (km4["source"], km4["confidence"]) == ("qd319-news", "medium")


def test_km1_requires_the_2021_2025_nang_cao_set():
    cat = load_catalogue("lang-son-2022-2025")
    km1 = cat.indicators.set_index("indicator").loc["KM.1"]
    assert "2021-2025" in km1["name_vi"] and km1["source"] == "qd319-news"
