"""A reused code is named as it is in the year shown, in every output (issue 12, item 2): 06343 is
Bắc Sơn until 2019 and Bắc Quỳnh from 2020; 06337 and 06364 are Đồng Ý and Chiến Thắng until 2024 and
the merged Tân Tri and Vũ Lễ from 2025."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture(scope="module")
def sample():
    from ntm_analysis.catalogue.model import load_catalogue
    from ntm_analysis.io.dataset import load_dataset

    data = load_dataset(SAMPLE)
    return data, load_catalogue(data.meta.get("catalogue"))


def test_draft_paragraph_of_bac_quynh_says_bac_quynh():
    from ntm_analysis.report import report_context, sections

    ctx = report_context(SAMPLE, 2024, "06343")
    text = sections.draft_view(ctx).data
    assert "Bắc Quỳnh" in text and "Bắc Sơn" not in text


def test_annex_of_2023_names_codes_as_they_were_in_2023(sample, tmp_path):
    from ntm_analysis.assess.attainment import assess
    from ntm_analysis.excel.annex import export_annex

    data, cat = sample
    result = assess(data, cat, years=[2023])
    path = export_annex(result, data, cat, 2023, tmp_path / "annex.xlsx")
    rows = [[str(c) for c in row if c is not None] for ws in load_workbook(path, read_only=True).worksheets
            for row in ws.iter_rows(values_only=True)]
    by_code = {r[i]: r for r in rows for i, v in enumerate(r) if v in ("06337", "06364")}
    assert "Đồng Ý" in by_code["06337"] and "Tân Tri" not in by_code["06337"]
    assert "Chiến Thắng" in by_code["06364"] and "Vũ Lễ" not in by_code["06364"]


def test_template_of_dong_y_2024_is_titled_dong_y(sample, tmp_path):
    from ntm_analysis.excel.template import build_template

    data, cat = sample
    path = build_template(data, cat, "06337", 2024, tmp_path / "t.xlsx")
    wb = load_workbook(path)
    titles = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows(max_row=6) for c in row
              if c.value is not None]
    assert any("Đồng Ý (06337)" in t for t in titles), titles
    assert not any("Tân Tri (06337)" in t for t in titles)
