"""Write a :class:`~ntm_analysis.plan.content.PlanContent` as an editable Word document (python-docx),
laid out as a Vietnamese administrative document (Nghị định 30/2020/NĐ-CP, Phụ lục I):

- A4 portrait, margins top 20 mm, bottom 20 mm, left 30 mm, right 15 mm; the annex is a landscape
  section (same margins); Times New Roman, body 14 pt, tables 11 pt;
- the two-column header (issuing body and "Số: .../KH-UBND" left; national motto and
  "[địa danh], ngày ... tháng ... năm ..." right, each with its short rule), the title block;
- numbered sections as Word heading styles (Heading 1-3, so that the navigation pane lists them);
- "Nơi nhận" and the signature block, with placeholders; page numbers centred at the top from page 2.

Text goes through python-docx (XML-escaped: a name such as ``<b>"X"</b>`` is written as text);
characters XML forbids (control characters) are dropped. Placeholders ``[...]`` are highlighted.
The file is written to a temporary name and renamed: never a half-written document.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from ntm_analysis.excel.annex import FILLS
from ntm_analysis.plan.content import PlanContent
from ntm_analysis.plan.texts import PLACEHOLDER_CLOSE, PLACEHOLDER_OPEN

FONT = "Times New Roman"
BODY_PT, TABLE_PT = 14, 11
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
INDENT_MM = 12.7
#: Annex column widths (mm), landscape A4 less the margins (252 mm).
ANNEX_WIDTHS_MM = [10, 15, 80, 20, 22, 20, 20, 22, 18, 25]
HEADER_WIDTHS_MM = [62, 103]
HEAD_FILL, TIER_FILL, CRIT_FILL, NOTICE_FILL = "DDEBF7", "D9D9D9", "F2F2F2", "FFF2CC"
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_PLACEHOLDER = re.compile(re.escape(PLACEHOLDER_OPEN) + r"[^" + re.escape(PLACEHOLDER_CLOSE) + r"]*"
                          + re.escape(PLACEHOLDER_CLOSE))
STYLE_OF = {"h1": "Heading 1", "h2": "Heading 2", "h3": "Heading 3"}
TABLE_STYLE = "NTM Table Text"


def clean(text: Any) -> str:
    """``text`` as a string without the characters an XML document cannot hold."""
    return _BAD_XML.sub("", str(text))


def _fonts(element: Any, size: float | None = None) -> None:
    """Times New Roman for every script of a style's or run's properties (no theme fonts)."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.endswith("Theme"):
            del fonts.attrib[attr]
    for key in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(key), FONT)


def _setup_styles(doc: Any) -> None:
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
    _fonts(normal.element)
    pf = normal.paragraph_format
    pf.space_before, pf.space_after, pf.line_spacing = Pt(0), Pt(6), 1.0
    from docx.enum.style import WD_STYLE_TYPE  # noqa: PLC0415

    cell = doc.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    cell.font.size = Pt(TABLE_PT)
    cell.paragraph_format.space_after, cell.paragraph_format.first_line_indent = Pt(0), Mm(0)
    for level, name in ((1, "Heading 1"), (2, "Heading 2"), (3, "Heading 3")):
        st = doc.styles[name]
        st.font.name, st.font.size, st.font.bold = FONT, Pt(BODY_PT), True
        st.font.italic = level == 3
        st.font.color.rgb = RGBColor(0, 0, 0)
        _fonts(st.element)
        st.paragraph_format.space_before, st.paragraph_format.space_after = Pt(6), Pt(6)
        st.paragraph_format.first_line_indent = Mm(INDENT_MM)
        st.paragraph_format.keep_with_next = True


def _page(section: Any, landscape: bool = False) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance = Mm(10)


def _page_numbers(section: Any) -> None:
    """PAGE field centred in the header; none on the first page (Nghị định 30, Phụ lục I)."""
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    run.font.size = Pt(13)


def _runs(p: Any, text: str, bold: bool = False, italic: bool = False, size: float | None = None) -> None:
    """Add ``text`` to paragraph ``p``, placeholders ``[...]`` highlighted in yellow."""
    text, pos = clean(text), 0
    for m in _PLACEHOLDER.finditer(text):
        if m.start() > pos:
            _run(p, text[pos:m.start()], bold, italic, size)
        _run(p, m.group(0), bold, italic, size).font.highlight_color = WD_COLOR_INDEX.YELLOW
        pos = m.end()
    if pos < len(text):
        _run(p, text[pos:], bold, italic, size)


def _run(p: Any, text: str, bold: bool = False, italic: bool = False, size: float | None = None) -> Any:
    run = p.add_run(clean(text))
    run.bold, run.italic = bold or None, italic or None
    if size:
        run.font.size = Pt(size)
    return run


def _para(container: Any, text: str = "", align: Any = None, bold: bool = False, italic: bool = False,
          size: float | None = None, indent: bool = False, after: float | None = None) -> Any:
    p = container.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Mm(INDENT_MM)
    if after is not None:
        p.paragraph_format.space_after = Pt(after)
    if text:
        _runs(p, text, bold, italic, size)
    return p


def _rule(container: Any, width_mm: float, length_mm: float) -> None:
    """A short centred horizontal rule (bottom border of an empty, indented paragraph)."""
    p = container.add_paragraph()
    side = max((width_mm - length_mm) / 2, 0)
    p.paragraph_format.left_indent, p.paragraph_format.right_indent = Mm(side), Mm(side)
    p.paragraph_format.space_after = Pt(4)
    p.paragraph_format.line_spacing = Pt(2)
    ppr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    bdr.append(bottom)
    ppr.append(bdr)


def _no_borders(table: Any) -> None:
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tblpr.append(borders)


def _shade(cell: Any, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _widths(table: Any, widths_mm: list[float]) -> None:
    """Fixed column widths: the grid (LibreOffice) and every cell's width (Word), row by row."""
    table.autofit = False
    for col, w in zip(table.columns, widths_mm):
        col.width = Mm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm):
            cell.width = Mm(w)


def _keep_rows(table: Any) -> None:
    """Rows never split across pages (the closing block, a table row)."""
    for row in table.rows:
        trpr = row._tr.get_or_add_trPr()
        el = OxmlElement("w:cantSplit")
        el.set(qn("w:val"), "true")
        trpr.append(el)


def _styled(p: Any, style_id: str) -> Any:
    """Give paragraph ``p`` the style ``style_id`` directly (python-docx's setter looks the style up
    by name for every paragraph: slow over a table of 1,500 cells)."""
    p._p.get_or_add_pPr().get_or_add_pStyle().val = style_id
    return p


def _first(cell: Any) -> Any:
    """The cell's empty first paragraph, to write into instead of adding a blank line."""
    return cell.paragraphs[0]


def _cell_lines(cell: Any, lines: list[tuple[str, dict]], width_mm: float) -> None:
    """Centred lines in a header cell; a dict ``rule`` draws the short rule under a line."""
    first = True
    for text, opts in lines:
        if opts.get("rule"):
            _rule(cell, width_mm, opts["rule"])
            continue
        p = _first(cell) if first else cell.add_paragraph()
        first = False
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        p.paragraph_format.first_line_indent = Mm(0)
        _runs(p, text, opts.get("bold", False), opts.get("italic", False), opts.get("size"))


def _header(doc: Any, plan: PlanContent) -> None:
    h = plan.header
    table = doc.add_table(rows=2, cols=2)
    _no_borders(table)
    _widths(table, HEADER_WIDTHS_MM)
    left, right = table.cell(0, 0), table.cell(0, 1)
    wl, wr = HEADER_WIDTHS_MM
    _cell_lines(left, [(h["body_parent"], {"bold": True, "size": 13}), (h["body_unit"], {"bold": True, "size": 13}),
                       ("", {"rule": wl * 0.4})], wl)
    _cell_lines(right, [(h["motto_1"], {"bold": True, "size": 12}), (h["motto_2"], {"bold": True, "size": 13}),
                        ("", {"rule": wr * 0.55})], wr)
    _cell_lines(table.cell(1, 0), [(h["number"], {"size": 13})], wl)
    _cell_lines(table.cell(1, 1), [(h["place_date"], {"italic": True, "size": 14})], wr)


def _notice(doc: Any, plan: PlanContent) -> None:
    """The first-page note (data, thresholds, placeholders) in a shaded box."""
    from ntm_analysis.i18n import fmt  # noqa: PLC0415
    from ntm_analysis.plan.texts import MESSAGES  # noqa: PLC0415

    table = doc.add_table(rows=1, cols=1)
    table.style = doc.styles["Table Grid"]
    cell = table.cell(0, 0)
    _shade(cell, NOTICE_FILL)
    head = _first(cell)
    head.paragraph_format.space_after = Pt(2)
    _runs(head, fmt(MESSAGES, "notice_head", plan.lang), bold=True, size=12)
    for line in plan.notice:
        _para(cell, line, italic=True, size=12, after=2)
    _para(doc, "", after=0)


def _body(doc: Any, plan: PlanContent) -> None:
    for b in plan.body:  # a few hundred paragraphs at most
        if b.style in STYLE_OF:
            p = doc.add_paragraph(style=doc.styles[STYLE_OF[b.style]])
            _runs(p, b.text)
            continue
        p = _para(doc, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
        if b.style == "item":
            _runs(p, "- ")
            if b.lead:
                _runs(p, b.lead + " ", bold=True)
            _runs(p, b.text)
        elif b.style == "fill":
            _runs(p, b.text, italic=True)
        else:
            _runs(p, b.text)


def _closing(doc: Any, plan: PlanContent) -> None:
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, [85, 80])
    _keep_rows(table)
    left, right = table.cell(0, 0), table.cell(0, 1)
    head = _first(left)
    head.paragraph_format.space_after = Pt(0)
    _runs(head, plan.recipients[0], bold=True, italic=True, size=12)
    for line in plan.recipients[1:]:
        _para(left, line, size=11, after=0)
    lines = [(plan.signature[0], {"bold": True, "size": 13}), (plan.signature[1], {"bold": True, "size": 13})]
    lines += [("", {})] * 4 + [(plan.signature[2], {"bold": True, "size": 14})]
    _cell_lines(right, lines, 80)


def _annex(doc: Any, plan: PlanContent) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    _page(section, landscape=True)
    section.different_first_page_header_footer = False
    for text, bold, italic in ((plan.annex_head, True, False), (plan.annex_title, True, False),
                               (plan.annex_sub, False, True)):
        _para(doc, text, align=WD_ALIGN_PARAGRAPH.CENTER, bold=bold, italic=italic, after=2)
    rows = plan.annex
    table = doc.add_table(rows=1 + len(rows), cols=len(plan.annex_columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, ANNEX_WIDTHS_MM)
    head = table.rows[0]
    trpr = head._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    for cell, text in zip(head.cells, plan.annex_columns):
        _shade(cell, HEAD_FILL)
        p = _styled(_first(cell), doc.styles[TABLE_STYLE].style_id)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _runs(p, text, bold=True)
    cols = ["no", "code", "name", "uom", "req", "value", "status", "target", "gap", "threshold"]
    center = {"no", "code", "uom", "req", "value", "status", "target", "gap", "threshold"}
    style = doc.styles[TABLE_STYLE].style_id
    for i, r in enumerate(rows.itertuples(index=False), start=1):  # ~120-160 rows
        cells = table.rows[i].cells
        if r.row != "indicator":
            merged = cells[0].merge(cells[-1])
            _shade(merged, TIER_FILL if r.row == "tier" else CRIT_FILL)
            _styled(_first(merged), style)
            _runs(_first(merged), r.name, bold=True, italic=r.row == "criterion")
            continue
        for cell, col in zip(cells, cols):
            p = _styled(_first(cell), style)
            if col in center:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            text = getattr(r, col)
            if text:
                p.add_run(clean(text))
        if r.status_key in FILLS:
            _shade(cells[cols.index("status")], FILLS[r.status_key])
    for line in plan.legend:
        _styled(_para(doc, line), style)


def write_docx(plan: PlanContent, out: Path) -> Path:
    """Write ``plan`` to ``out`` (.docx) through a temporary file and a rename; returns ``out``."""
    from ntm_analysis.outputs import atomic_write  # noqa: PLC0415

    doc = Document()
    _setup_styles(doc)
    section = doc.sections[0]
    _page(section)
    _page_numbers(section)
    props = doc.core_properties
    props.title, props.author, props.language = clean(plan.subtitle), "ntm-analysis", plan.lang
    _header(doc, plan)
    _para(doc, plan.title, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, after=0).paragraph_format.space_before = Pt(12)
    _para(doc, plan.subtitle, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, after=0)
    _rule(doc, 165, 50)
    _notice(doc, plan)
    _body(doc, plan)
    _closing(doc, plan)
    _annex(doc, plan)
    return atomic_write(Path(out), lambda tmp: doc.save(str(tmp)))
