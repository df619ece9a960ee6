"""Print setup shared by the entry template and the annex: A4 pages whose text never prints below
8 pt, wrapped cells with row heights that hold their lines, wide sheets split over several pages
with the label columns repeated.

Spreadsheets do not grow a row for wrapped text when a file is opened (LibreOffice Calc and Excel
keep the stored height), so every row with wrapped text gets an explicit height here, estimated
from the text and the column widths. Sizes: a column of width ``w`` (characters of the default
11 pt font) is about ``7 w + 5`` pixels at 96 dpi (the Office rule), i.e. ``0.75 (7 w + 5)`` pt; a
line of 11 pt text needs about 15 pt. A4 landscape with 1 cm margins leaves about 784 pt of width.
At a print scale ``s`` an 11 pt font prints at ``11 s`` pt: :data:`MIN_SCALE` (75 %) keeps it at or
above 8 pt.
"""

from __future__ import annotations

import math
from typing import Any, Iterable

#: Printable width and height in points of A4 (landscape and portrait) with the margins below.
A4_LANDSCAPE_PT, A4_PORTRAIT_PT = 784.0, 538.0
MARGIN_IN = 0.4
#: Smallest print scale (percent) that keeps 11 pt text at or above 8 pt (11 × 0.75 = 8.25).
MIN_SCALE = 75
LINE_PT = 15.0
#: Characters per width unit of wrapped Calibri text (lowercase Vietnamese is narrower than the
#: digit that defines the unit; word wrapping loses part of each line: the two about cancel).
CHAR_FACTOR = 1.0
#: Share of the printable width planned for: column widths are estimates (fonts differ).
SAFETY = 0.94
#: The font of every cell: Calibri (Carlito, metric-compatible, in LibreOffice); a font left
#: unnamed prints in the system's default font, wider than the widths were planned for.
FONT = "Calibri"


def column_pt(width: float) -> float:
    """Points of a column of ``width`` characters."""
    return 0.75 * (7 * width + 5)


def text_lines(text: Any, width: float) -> int:
    """Lines that ``text`` needs when wrapped in a column (or merged range) of ``width`` characters."""
    if text is None or text == "":
        return 1
    per_line = max(1.0, (width - 1) / CHAR_FACTOR)
    return sum(max(1, math.ceil(len(seg) / per_line)) for seg in str(text).split("\n"))


def fit_rows(ws: Any, rows: Iterable[int], widths: dict[int, float], spans: dict[tuple[int, int], float] | None = None,
             line_pt: float = LINE_PT) -> None:
    """Set the height of each of ``rows`` to hold its wrapped cells: ``widths`` maps a column index
    to its width; ``spans`` maps (row, first column) of a merged range to its total width."""
    spans = spans or {}
    for r in rows:
        lines = 1
        for c, w in widths.items():
            v = ws.cell(r, c).value
            if v is not None:
                lines = max(lines, text_lines(v, spans.get((r, c), w)))
        for (sr, sc), w in spans.items():
            if sr == r:
                lines = max(lines, text_lines(ws.cell(r, sc).value, w))
        ws.row_dimensions[r].height = lines * line_pt + 3


def spare_chars(label_widths: list[float], group_widths: list[list[float]], landscape: bool = True) -> float:
    """Characters of width left over on one page at 100 % when every group fits (else 0)."""
    page = (A4_LANDSCAPE_PT if landscape else A4_PORTRAIT_PT) * SAFETY
    used = sum(column_pt(w) for w in label_widths) + sum(column_pt(w) for g in group_widths for w in g)
    return max(0.0, (page - used) / (0.75 * 7))


def page_layout(ws: Any, label_widths: list[float], group_widths: list[list[float]], first_group_col: int,
                landscape: bool = True) -> tuple[int, int]:
    """Print ``ws`` on A4 with the label columns repeated on every page and as many column groups
    (a unit's block) per page as fit at a scale of at least :data:`MIN_SCALE`; manual column breaks
    between pages. Returns (groups per page, scale in percent)."""
    from openpyxl.worksheet.pagebreak import Break, ColBreak  # noqa: PLC0415

    page = (A4_LANDSCAPE_PT if landscape else A4_PORTRAIT_PT) * SAFETY
    label = sum(column_pt(w) for w in label_widths)
    group = max((sum(column_pt(w) for w in g) for g in group_widths), default=0.0)
    per_page, scale = 1, 100
    for k in range(max(len(group_widths), 1), 0, -1):
        s = min(100, math.floor(100 * page / (label + k * group)))
        if s >= MIN_SCALE or k == 1:
            per_page, scale = k, max(s, MIN_SCALE)
            break
    breaks = ColBreak()
    col = first_group_col
    for i, g in enumerate(group_widths):
        col += len(g)
        if (i + 1) % per_page == 0 and i + 1 < len(group_widths):
            breaks.append(Break(id=col - 1))
    ws.col_breaks = breaks
    setup(ws, landscape=landscape, scale=scale)
    return per_page, scale


def setup(ws: Any, landscape: bool = True, scale: int | None = None, fit_width: bool = False) -> None:
    """A4, orientation, margins; a fixed ``scale`` or fit to one page wide (any number of pages tall)."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_margins.left = ws.page_margins.right = MARGIN_IN
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.25
    if fit_width:
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    else:
        ws.sheet_properties.pageSetUpPr.fitToPage = False
        ws.page_setup.scale = scale or 100
