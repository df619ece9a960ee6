"""A report's HTML: an executed notebook converted by nbconvert to one self-contained page without
code, without CDN scripts (reports must read offline), in the report's language, with A4 print CSS."""

from __future__ import annotations

import html
import re
from typing import Any

_CDN_SCRIPT = re.compile(r"<script[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>", re.IGNORECASE)
#: inline module scripts that import from a CDN (nbconvert's mermaid loader): not needed offline
_CDN_MODULE = re.compile(r"<script type=\"module\">(?:(?!</script>).)*cdnjs(?:(?!</script>).)*</script>", re.DOTALL)


#: Print layout of every report and of the index: A4 portrait, margins, page numbers where the
#: browser prints them, no heading left alone at a page bottom, tables' rows and figures kept whole.
PRINT_CSS = """
@page { size: A4 portrait; margin: 16mm 14mm 18mm 14mm;
        @bottom-right { content: counter(page) " / " counter(pages); font-size: 9pt; } }
@media print {
  html, body { background: #fff !important; font-size: 10pt; }
  body, .jp-Notebook { margin: 0 !important; padding: 0 !important; }
  .jp-Cell, .jp-OutputArea-output { padding: 0 !important; }
  h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; break-inside: avoid; }
  h1 + *, h2 + *, h3 + *, h4 + * { break-before: avoid; page-break-before: avoid; }
  /* a heading is output of its own: keep it with the output (or cell) that follows */
  .jp-OutputArea-child:has(h1, h2, h3, h4) { break-after: avoid-page; page-break-after: avoid; }
  .jp-OutputArea-child:has(h1, h2, h3, h4) + .jp-OutputArea-child { break-before: avoid-page; }
  .jp-Cell:has(.jp-OutputArea-child:last-child :is(h1, h2, h3, h4)) { break-after: avoid-page; page-break-after: avoid; }
  /* a note above a table or figure stays with it */
  .jp-OutputArea-child:has(.jp-RenderedMarkdown):has(+ .jp-OutputArea-child :is(table, figure)) { break-after: avoid-page; }
  /* JupyterLab keeps every output whole (break-inside: avoid-page): a long output (the draft plan, a
     long table) then starts on a new page and leaves the one before half empty; only figures and
     table rows are kept whole */
  .jp-OutputArea-child { break-inside: auto; }
  figure, img, .ntm-figure { break-inside: avoid; page-break-inside: avoid; max-width: 100% !important; }
  /* a chart takes at most ~40 % of the page, so that a heading, a chart and more share a page;
     a map (an A4 page of its own: map, legend, notes) most of one */
  .ntm-figure img { max-height: 100mm; width: auto; object-fit: contain; }
  .ntm-map img { max-height: 200mm; }
  tr, td, th { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  /* wide tables shrink to the page instead of being cut at its right edge */
  .jp-OutputArea-output, .jp-RenderedHTMLCommon, .jp-RenderedHTML { overflow: visible !important; max-width: 100% !important; }
  .jp-RenderedHTMLCommon table, table { font-size: 7.5pt !important; width: 100% !important; max-width: 100% !important;
                                          table-layout: auto !important; }
  .jp-RenderedHTMLCommon td, td { font-size: 7.5pt !important; overflow-wrap: break-word; padding: 2px 3px !important; }
  .jp-RenderedHTMLCommon th, th { font-size: 7.5pt !important; overflow-wrap: anywhere; padding: 2px 3px !important; }
  a { color: inherit; text-decoration: none; }
}
figure.ntm-figure { margin: 0.5em 0 1em 0; }
figure.ntm-figure figcaption { font-size: 0.9em; color: #444; margin-top: 0.25em; }
"""


def report_title(nb: Any) -> str:
    """The text of the report's first level-1 heading (the title shown on the page), or ''."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text = out.get("data", {}).get("text/markdown", "")
            if isinstance(text, list):
                text = "".join(text)
            if text.startswith("# "):
                line = text[2:].splitlines()[0]
                return html.unescape(re.sub(r"\\(.)", r"\1", line)).strip()
            page = out.get("data", {}).get("text/html", "")
            found = re.search(r"<h1[^>]*>(.*?)</h1>", "".join(page) if isinstance(page, list) else page, re.S)
            if found:
                return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()
    return ""


def notebook_to_html(nb: Any, lang: str = "vi") -> str:
    """Self-contained HTML of an executed notebook without code cells or prompts; no CDN scripts;
    ``<html lang>`` the report's language, ``<title>`` the report's title, print CSS for A4."""
    from nbconvert import HTMLExporter  # noqa: PLC0415

    nb = nb.copy()
    nb.metadata = dict(nb.metadata, title=report_title(nb) or nb.metadata.get("title", ""))
    exporter = HTMLExporter(template_name="lab", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, embed_images=True, language_code=lang)
    body, _ = exporter.from_notebook_node(nb)
    body = _CDN_MODULE.sub("", _CDN_SCRIPT.sub("", body))
    return body.replace("</head>", f"<style>{PRINT_CSS}</style>\n</head>", 1)
