"""Printouts of the Excel round trip (issue 14): the Tân Lập 2024 entry template and the 2023 annex
of the sample, converted to PDF by LibreOffice, print on A4 with no text below 8 pt, no overlapping
text, the header on every page and page numbers on every annex page.

Needs LibreOffice (``soffice``) and poppler (``pdftohtml``, ``pdfinfo``): skipped where they are
missing (CI does not install them). Font sizes come from ``pdftohtml -xml``, which reports them in
pixels at 1.5 px per point.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

SAMPLE = Path(__file__).parents[2] / "data" / "sample"
TOOLS = ("soffice", "pdftohtml", "pdfinfo")
pytestmark = [
    pytest.mark.skipif(any(shutil.which(t) is None for t in TOOLS), reason="LibreOffice or poppler-utils not installed"),
    pytest.mark.skipif(not (SAMPLE / "values.csv").is_file(), reason="data/sample/values.csv not generated yet"),
]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    """The sample's Tân Lập 2024 template and 2023 annex as PDF pages (text boxes with font sizes)."""
    from ntm_analysis.assess.attainment import assess
    from ntm_analysis.excel import build_template, export_annex
    from ntm_analysis.io.dataset import load_dataset, resolve_catalogue

    out = tmp_path_factory.mktemp("print")
    data = load_dataset(SAMPLE)
    cat = resolve_catalogue((data.meta or {}).get("catalogue"))
    build_template(data, cat, "06352", 2024, out / "template.xlsx")
    export_annex(assess(data, cat, years=[2023], units=["06352"]), data, cat, 2023, out / "annex.xlsx")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{out}/lo", "--convert-to", "pdf",
                    "--outdir", str(out), str(out / "template.xlsx"), str(out / "annex.xlsx")],
                   check=True, capture_output=True, timeout=600)
    return {name: _pages(out / f"{name}.pdf") for name in ("template", "annex")}


def _pages(pdf: Path) -> list[dict]:
    """Per page: size in points, and text boxes (top, left, width, height in px, size in pt, text)."""
    root = ET.fromstring(subprocess.run(["pdftohtml", "-xml", "-stdout", "-i", "-q", str(pdf)], check=True,
                                        capture_output=True, text=True).stdout)
    sizes: dict[str, float] = {}
    pages = []
    for page in root.iter("page"):
        for spec in page.iter("fontspec"):
            sizes[spec.get("id")] = int(spec.get("size")) / 1.5
        boxes = [dict(top=int(t.get("top")), left=int(t.get("left")), width=int(t.get("width")),
                      height=int(t.get("height")), pt=sizes[t.get("font")], text="".join(t.itertext()))
                 for t in page.iter("text") if "".join(t.itertext()).strip()]
        pages.append(dict(width=int(page.get("width")) / 1.5, height=int(page.get("height")) / 1.5, boxes=boxes))
    return pages


@pytest.mark.parametrize("name", ["template", "annex"])
def test_every_page_is_a4(pdfs, name):
    sizes = {tuple(sorted((p["width"], p["height"]))) for p in pdfs[name]}
    assert all(abs(w - 595.3) < 2 and abs(h - 841.9) < 2 for w, h in sizes), sizes


@pytest.mark.parametrize("name", ["template", "annex"])
def test_no_text_below_8_pt(pdfs, name):
    small = [(i, b["text"], b["pt"]) for i, p in enumerate(pdfs[name], 1) for b in p["boxes"] if b["pt"] < 7.9]
    assert small == []


@pytest.mark.parametrize("name", ["template", "annex"])
def test_no_text_overlaps_other_text(pdfs, name):
    overlaps = []
    for i, p in enumerate(pdfs[name], 1):
        boxes = sorted(p["boxes"], key=lambda b: b["top"])
        for k, a in enumerate(boxes):
            for b in boxes[k + 1:]:
                vertical = a["top"] + a["height"] - b["top"]  # the boxes include line spacing: a third is allowed
                if vertical <= 0.4 * min(a["height"], b["height"]):
                    break
                same_line = abs(a["top"] - b["top"]) <= 3  # a glyph of a fallback font (⚠) inside its line
                if not same_line and min(a["left"] + a["width"], b["left"] + b["width"]) - max(a["left"], b["left"]) > 2:
                    overlaps.append((i, a["text"], b["text"]))
    assert overlaps == []


def test_annex_pages_are_numbered_with_the_legend_or_footnote(pdfs):
    for i, p in enumerate(pdfs["annex"], 1):
        text = " ".join(b["text"] for b in p["boxes"])
        assert re.search(rf"Trang {i}/{len(pdfs['annex'])}", text), i
        assert "ngưỡng chưa xác minh" in text, i


def test_template_header_row_on_every_data_page(pdfs):
    for i, p in enumerate(pdfs["template"][1:], 2):  # page 1: the instructions
        assert "Tên chỉ tiêu" in " ".join(b["text"] for b in p["boxes"]), i
