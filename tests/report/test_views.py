"""Report sections work for every commune and year of the sample (empty tables included) and say
what the reference plan says for Tân Lập."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

from ntm_analysis.report import overview, sections

from ntm_analysis.report import report_context, views

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture(scope="module")
def district_2024():
    return report_context(SAMPLE, 2024, "huyện Bắc Sơn")


def _contexts(base: views.ReportContext, year: int) -> list[views.ReportContext]:
    codes = overview.communes_of(views.ReportContext(base.dataset, base.catalogue, base.assessment, "185",
                                                      base.name, year, base.lang, base.tier))
    return [views.ReportContext(base.dataset, base.catalogue, base.assessment, code, name, year)
            for code, name in codes.items()]


@pytest.mark.parametrize("year", [2021, 2024])
def test_every_commune_table_section_renders(district_2024, year: int) -> None:
    for ctx in _contexts(district_2024, year):
        for tier in ("ntm", "nang-cao"):
            views.criteria_view(ctx, tier).to_html()
            table = views.binding_table(ctx, tier)
            assert list(table.columns)[:2] == ["Tiêu chí", "Chỉ tiêu"], ctx.name
        views.styled(views.changes_table(ctx)).to_html()
        views.styled(views.tier_summary(ctx)).to_html()
        assert repr(views.summary(ctx)).startswith(ctx.name.split(" ", 1)[1])
        views.data_quality(ctx)
        sections.targets_view(ctx, "nang-cao")
        sections.draft_view(ctx, "nang-cao")


def test_binding_table_is_empty_when_every_criterion_is_met(district_2024) -> None:
    long_dong = next(c for c in _contexts(district_2024, 2024) if c.name.endswith("Long Đống"))
    assert views.binding_table(long_dong, "ntm").empty


def test_tan_lap_2023_summary_names_the_slipped_criterion() -> None:
    ctx = report_context(SAMPLE, 2023, "Tân Lập")
    text = repr(views.summary(ctx))
    assert "đạt 18/19 tiêu chí" in text and "bị tụt: tiêu chí 1 (Quy hoạch)" in text


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_summary_and_tables_use_one_word_for_each_change(lang: str) -> None:
    """Tân Lập 2024: criterion 1 slipped in 2023 and is met again: the summary, the tier table and the
    changes table say "Đạt lại" / "recovered" for it, never "mới đạt" (issue 12 item 3)."""
    from ntm_analysis.i18n import CHANGE_LABELS, label

    ctx = report_context(SAMPLE, 2024, "Tân Lập", lang=lang)
    crit = ctx.assessment.criteria
    crit = crit[crit["code"].eq(ctx.code) & crit["year"].eq(2024) & crit["change"].isin(["newly_met", "recovered", "slipped"])]
    assert "recovered" in set(crit["change"])
    lines = repr(views.summary(ctx)).splitlines()
    changes = views.changes_table(ctx)
    tiers = views.tier_summary(ctx)
    for tier, n, change in zip(crit["tier"], crit["criterion"], crit["change"]):
        word = label(CHANGE_LABELS, change, lang)
        short = ctx.catalogue.tier_label(tier, lang, short=True)
        line = next(x for x in lines if short + ":" in x.split(" — ")[-1][:len(short) + 1])
        listed = line.split(word.lower() + ": ")[1].split(";")[0]
        assert re.search(rf"\b{n}\b", listed), (line, word)           # the summary's word
        row = changes[changes.iloc[:, 0].eq(views.tier_name(ctx, tier)) & changes.iloc[:, 1].str.startswith(f"{n}.")]
        assert row.iloc[0, 2] == word                                     # the changes table's word
        cell = tiers.loc[tiers.iloc[:, 0].eq(views.tier_name(ctx, tier)), word].iloc[0]
        assert re.search(rf"\b{n}\b", cell)                            # the tier table's column
    other = label(CHANGE_LABELS, "newly_met", lang).lower() + ": tiêu chí 1 " if lang == "vi" else "newly met: criterion 1 "
    assert other not in repr(views.summary(ctx))


def test_english_labels_on_request() -> None:
    ctx = report_context(SAMPLE, 2023, "Tân Lập", lang="en")
    assert "18/19 criteria met" in repr(views.summary(ctx))
    assert "Criterion" in views.binding_table(ctx, "ntm").columns
    assert "Quy hoạch" in views.changes_table(ctx).to_string() or "Planning" in views.changes_table(ctx).to_string()


def test_district_sections_render(district_2024) -> None:
    ctx = district_2024
    assert "17" in repr(overview.district_summary(ctx))
    overview.ranking(ctx).to_html()
    overview.slipped_communes(ctx)
    for image in (overview.matrix_chart(ctx, "ntm"), overview.tier_counts_chart(ctx)):
        assert image.data[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_unit_code_given_as_a_number_gets_its_leading_zero_back() -> None:
    ctx = report_context(SAMPLE, 2023, 6352)  # papermill -p unit 06352 passes the int 6352
    assert ctx.code == "06352" and ctx.name == "Xã Tân Lập"


@pytest.mark.parametrize("unit", ["Tân Lập", "Long Đống"])  # with hamlets / villages only
def test_village_map_section_draws_a_map_for_communes_with_and_without_hamlets(unit: str) -> None:
    ctx = report_context(SAMPLE, 2024, unit)
    image = sections.village_map(ctx)
    assert getattr(image, "data", b"")[:8] == b"\x89PNG\r\n\x1a\n", getattr(image, "data", image)


def test_level_values_and_thresholds_show_their_labels_not_ranks() -> None:
    ctx = report_context(SAMPLE, 2021, "Trấn Yên")
    table = views.binding_table(ctx, "nang-cao").set_index("Chỉ tiêu")
    assert table.loc["19.1", "Ngưỡng"] == "≥ khá"
    assert table.loc["19.1", "Giá trị"] in {"không đạt", "đạt", "khá", "giỏi"}
    assert table.loc["9", "Ngưỡng"].endswith("% (hộ)")


def test_no_change_this_year_reads_as_a_sentence() -> None:
    ctx = report_context(SAMPLE, 2021, "Trấn Yên")
    assert views.changes_table(ctx).empty
    assert views.changes_view(ctx).data == "Không có."


def test_charts_of_a_report_show_no_later_year(monkeypatch) -> None:
    from ntm_analysis.report import charts

    seen: list[int] = []
    real = charts.criteria_history

    def spy(units_table, *args, **kwargs):
        seen.append(int(units_table["year"].max()))
        return real(units_table, *args, **kwargs)

    monkeypatch.setattr(charts, "criteria_history", spy)
    ctx = report_context(SAMPLE, 2022, "Tân Lập")
    assert sections.history_chart(ctx).data[:8] == b"\x89PNG\r\n\x1a\n"
    assert seen == [2022]  # the sample goes to 2024; a 2022 report stops at 2022


def test_summary_of_a_commune_without_data_says_so() -> None:
    ctx = report_context(SAMPLE, 2024, "06325")
    lines = views.summary(ctx).lines
    assert lines[0].startswith("KHÔNG CÓ SỐ LIỆU năm 2024 cho Thị trấn Bắc Sơn")
    assert not views.summary(report_context(SAMPLE, 2024, "Tân Lập")).lines[0].startswith("KHÔNG")


def test_series_of_a_commune_formed_in_2025_names_its_predecessors() -> None:
    """Vũ Lăng 2026 was formed on 1/7/2025 from four communes: the series section says so instead of
    "no predecessor or successor"."""
    from ntm_analysis.report import report_context

    text = " ".join(x.data for x in sections.series_view(report_context(SAMPLE, 2026, "Vũ Lăng", lang="en")))
    assert "formed in 2025 from" in text and "Tân Lập" in text
    assert "no predecessor" not in text


def test_ranking_names_each_communes_group_under_a_group_catalogue_only() -> None:
    from ntm_analysis.report import report_context

    table = overview.ranking(report_context(SAMPLE, 2026, "Lạng Sơn")).data
    assert dict(zip(table["Xã"], table["Nhóm xã"]))["Xã Vũ Lăng"] == "Nhóm 3"
    assert "Nhóm xã" not in overview.ranking(report_context(SAMPLE, 2024, "185")).data.columns
