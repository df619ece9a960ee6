"""Tests of ntm_analysis.plan: the draft commune plan (content, Word document, --all, PDF conversion).

The Tân Lập document is drafted once per module from the committed sample's 2023 assessment (the
reference plan's situation: 18/19 NTM criteria, criterion 1 Quy hoạch slipped, 2-5 nâng cao targets).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from typer.testing import CliRunner

from ntm_analysis.cli import app

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
runner = CliRunner()


def doc_text(doc) -> str:
    """Every paragraph of the body and of every table cell, one per line."""
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def tan_lap(tmp_path_factory):
    out = tmp_path_factory.mktemp("plan") / "tan-lap-2024.docx"
    res = runner.invoke(app, ["plan", str(SAMPLE), "--unit", "Tân Lập", "--year", "2023", "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out


@pytest.fixture(scope="module")
def doc(tan_lap):
    return Document(str(tan_lap))


@pytest.fixture(scope="module")
def content():
    from ntm_analysis.assess.attainment import assess
    from ntm_analysis.catalogue.model import load_catalogue
    from ntm_analysis.io.dataset import load_dataset
    from ntm_analysis.plan.draft import plan_content

    data = load_dataset(SAMPLE)
    cat = load_catalogue(data.meta["catalogue"])
    return plan_content(data, cat, assess(data, cat, units=["06352"]), "06352", 2023)


def annex_table(doc):
    return doc.tables[-1]


def test_reached_tier_line_says_18_of_19_with_one_slipped(doc):
    assert "Xã tự rà soát, đánh giá đạt 18/19 tiêu chí, có 01 tiêu chí bị tụt." in doc_text(doc)


def test_criterion_1_named_as_slipped_with_its_failing_indicator(doc):
    paras = [p.text for p in doc.paragraphs]
    start = next(i for i, t in enumerate(paras) if t.startswith("* Đối với tiêu chí xã tự đánh giá bị tụt giảm"))
    item = paras[start + 1]
    assert item.startswith("- Tiêu chí số 1 - Quy hoạch:")
    assert "Chỉ tiêu 1.1" in item and "chưa đạt" in item


def test_two_to_five_nang_cao_criteria_proposed(content):
    assert content.tier == "nang-cao"
    assert 2 <= len(content.facts["targets"]) <= 5
    text = " ".join(b.text for b in content.body)
    assert f"phấn đấu đạt thêm {len(content.facts['targets']):02d} tiêu chí" in text


def test_targets_paragraph_raises_total_from_a_to_b(doc, content):
    met, total = content.facts["criteria"]["nang-cao"]
    new = met + len(content.facts["targets"])
    assert f"Nâng tổng số tiêu chí đạt từ {met:02d}/{total} lên {new:02d}/{total} tiêu chí." in doc_text(doc)


def test_annex_has_one_row_per_indicator_of_the_tiers_concerned(doc, content):
    cat = __import__("ntm_analysis.catalogue.model", fromlist=["x"]).load_catalogue("lang-son-2022-2025")
    expected = int(cat.indicators["tier"].isin(["ntm", "nang-cao"]).sum())
    rows = annex_table(doc).rows[1:]
    numbered = [r for r in rows if r.cells[0].text.strip().isdigit()]
    assert len(numbered) == expected
    assert [int(r.cells[0].text) for r in numbered] == list(range(1, expected + 1))


def test_annex_marks_unverified_thresholds_with_a_legend(doc):
    rows = annex_table(doc).rows[1:]
    marks = {r.cells[-1].text for r in rows if r.cells[0].text.strip().isdigit()}
    assert "Tạm tính" in marks
    assert any(p.text.startswith("Tạm tính: tạm tính, chưa xác minh") for p in doc.paragraphs)


def test_headings_in_the_reference_order(doc):
    heads = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    expected = ["I. MỤC TIÊU", "1. Mục tiêu chung", "2. Mục tiêu cụ thể",
                "2.1. Bộ tiêu chí xã đạt chuẩn nông thôn mới giai đoạn 2021 - 2025",
                "2.2. Bộ tiêu chí xã nông thôn mới nâng cao giai đoạn 2021 - 2025",
                "II. NHIỆM VỤ VÀ GIẢI PHÁP THỰC HIỆN", "III. TỔ CHỨC THỰC HIỆN"]
    assert [h for h in heads if h in expected] == expected


def test_first_page_says_synthetic_data_and_unverified_thresholds(doc):
    notice = doc.tables[1].cell(0, 0).text
    assert "DỮ LIỆU TỔNG HỢP" in notice
    assert "chưa được đối chiếu với văn bản quyết định" in notice


def test_header_table_has_issuing_body_number_motto_and_place_date(doc):
    head = doc.tables[0]
    left = head.cell(0, 0).text + head.cell(1, 0).text
    right = head.cell(0, 1).text + head.cell(1, 1).text
    assert "XÃ TÂN LẬP" in left and "Số: .../KH-UBND" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right
    assert "Tân Lập, ngày ... tháng ... năm 2024" in right


def test_page_is_a4_with_decree_30_margins_and_times_new_roman(doc):
    s = doc.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    mm = {k: round(getattr(s, f"{k}_margin").mm, 1) for k in ("top", "bottom", "left", "right")}
    assert 20 <= mm["top"] <= 25 and 20 <= mm["bottom"] <= 25
    assert 30 <= mm["left"] <= 35 and 15 <= mm["right"] <= 20
    assert doc.styles["Normal"].font.name == "Times New Roman"
    assert doc.styles["Normal"].font.size.pt in (13, 14)


def test_annex_section_is_landscape(doc):
    s = doc.sections[-1]
    assert s.page_width > s.page_height


def test_recipients_and_signature_placeholders(doc):
    text = doc_text(doc)
    assert "Nơi nhận:" in text and "TM. ỦY BAN NHÂN DÂN" in text and "[Họ và tên]" in text


def test_model_residential_areas_named(doc):
    text = doc_text(doc)
    assert "xóm Lân Riều (thôn Nà Nâm), công nhận năm 2022" in text
    assert "xóm Pác Giáo (thôn Nà Yêu)" in text


def test_proposed_criteria_carry_their_resource_class(content):
    items = [b for b in content.body if b.style == "item" and "trách nhiệm cộng đồng" in b.text]
    assert len(items) == len(content.facts["targets"]) + len(content.facts["restore"])
    assert all(b.text.startswith(("Chủ yếu dựa vào cộng đồng", "Cần nguồn lực đầu tư công")) for b in items)


def test_english_plan_has_no_vietnamese_headings(tmp_path):
    out = tmp_path / "en.docx"
    res = runner.invoke(app, ["plan", str(SAMPLE), "--unit", "Tân Lập", "--year", "2023", "--lang", "en",
                              "--out", str(out)])
    assert res.exit_code == 0, res.output
    heads = [p.text for p in Document(str(out)).paragraphs if p.style.name.startswith("Heading")]
    assert heads[0] == "I. GOALS" and "III. ORGANISATION" in heads
    assert not any("MỤC TIÊU" in h or "Tiêu chí" in h for h in heads)


def test_unit_name_with_quotes_and_markup_is_written_as_text(tmp_path):
    src = tmp_path / "ds"
    shutil.copytree(SAMPLE, src)
    units = pd.read_csv(src / "units.csv", dtype=str, keep_default_na=False)
    odd = 'Tân Lập "<b>mới</b>" & <w:t>'
    units.loc[units["code"].eq("06352"), "name"] = odd
    units.to_csv(src / "units.csv", index=False)
    out = tmp_path / "odd.docx"
    res = runner.invoke(app, ["plan", str(src), "--unit", "06352", "--year", "2023", "--tier", "nang-cao",
                              "--out", str(out)])
    assert res.exit_code == 0, res.output
    doc = Document(str(out))
    assert f"Thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới xã {odd} năm 2024" in doc_text(doc)


def test_all_writes_one_file_per_commune_with_an_index(tmp_path):
    out = tmp_path / "plans"
    res = runner.invoke(app, ["plan", str(SAMPLE), "--all", "--unit", "huyện Bắc Sơn", "--year", "2023",
                              "--tier", "nang-cao", "--out", str(out)])
    assert res.exit_code == 0, res.output
    index = pd.read_csv(out / "index.csv", dtype=str, encoding="utf-8-sig")
    files = sorted(p.name for p in out.glob("*.docx"))
    assert sorted(index["file"]) == files and len(files) == index["code"].nunique() > 1
    assert all(f.isascii() and f.startswith("ke-hoach-2024-") for f in files)
    assert "ke-hoach-2024-06352-tan-lap.docx" in files


def test_one_tier_catalogue_plan_has_one_tier_section_and_no_model_areas(tmp_path):
    """tests/fixtures/datasets/other_tiers (README: Trấn Yên 2024 meets 1/4 criteria of one-tier.yaml)."""
    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    shutil.copytree(fixtures / "datasets" / "other_tiers", tmp_path / "ds")
    out = tmp_path / "one.docx"
    res = runner.invoke(app, ["plan", str(tmp_path / "ds"), "--unit", "Trấn Yên", "--year", "2024", "--catalogue",
                              str(fixtures / "catalogues" / "one-tier.yaml"), "--out", str(out)])
    assert res.exit_code == 0, res.output
    doc = Document(str(out))
    heads = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert [h for h in heads if h.startswith("2.") and "tiêu" in h] == ["2. Mục tiêu cụ thể",
                                                        "2.1. Bộ tiêu chí xã nông thôn mới giai đoạn 2021 - 2025"]
    assert "6. Triển khai thực hiện Bộ tiêu chí xã nông thôn mới" in heads
    assert "Xã tự rà soát, đánh giá đạt 1/4 tiêu chí xã nông thôn mới" in doc_text(doc)
    assert sum(r.cells[0].text.strip().isdigit() for r in annex_table(doc).rows) == 4
    assert "“ds”" in doc.tables[1].cell(0, 0).text  # no dataset.toml: the folder names the dataset


@pytest.mark.parametrize("args, fragment", [
    (["--year", "2023", "--out", "x.docx"], "--unit"),
    (["--unit", "Tân Lập", "--year", "2023", "--out", "x.pdf"], ".docx"),
    (["--unit", "Tân Lập", "--year", "1999", "--out", "x.docx"], "--year 1999"),
    (["--unit", "Tân Lập", "--year", "2023", "--tier", "vip", "--out", "x.docx"], "--tier"),
])
def test_bad_arguments_exit_2_without_writing(tmp_path, monkeypatch, args, fragment):
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["plan", str(SAMPLE), *args])
    assert res.exit_code == 2 and fragment in res.output
    assert not list(tmp_path.iterdir())


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice (soffice) or poppler (pdftotext) not installed")
def test_libreoffice_converts_the_plan_to_pdf(tan_lap, tmp_path):
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(tan_lap)],
                   check=True, capture_output=True, timeout=300)
    pdf = tmp_path / "tan-lap-2024.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "KẾ HOẠCH" in text and "18/19" in text and "BIỂU MẪU KÈM THEO" in text


def test_english_plan_writes_units_of_measure_and_sentences_in_english():
    """Units of measure come from the catalogue in Vietnamese; an English plan writes them in English
    (income per person: "million VND/person/year", never "triệu đồng/người/năm"), and a sentence that
    starts with the commune's kind reads "The commune ...", not "The Commune ..."."""
    from ntm_analysis.assess.attainment import assess
    from ntm_analysis.catalogue.model import load_catalogue
    from ntm_analysis.io.dataset import load_dataset
    from ntm_analysis.plan.draft import plan_content

    data = load_dataset(SAMPLE)
    cat = load_catalogue(data.meta["catalogue"])
    plan = plan_content(data, cat, assess(data, cat, units=["06352"]), "06352", 2023, lang="en")
    assert "million VND/person/year" in set(plan.annex["uom"])
    text = " ".join([b.text for b in plan.body] + [str(v) for v in plan.annex["uom"]])
    assert "triệu" not in text and "(hộ)" not in text
    assert "The Commune" not in text and "The commune assessed itself" in text
    leads = " ".join(str(b.lead or "") for b in plan.body) + " ".join(plan.annex["name"].astype(str))
    assert "Advanced NTM commune" in leads and "ntm commune" not in leads  # never "Advanced ntm commune"
