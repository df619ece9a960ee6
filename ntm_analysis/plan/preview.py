"""The draft plan in a notebook (``notebooks/commune_plan.ipynb``, ``ntm report --notebook
commune_plan``): the same :class:`~ntm_analysis.plan.content.PlanContent` as the Word document,
shown as HTML before it is downloaded. Every text is HTML-escaped; placeholders are highlighted.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from ntm_analysis.i18n import fmt
from ntm_analysis.plan.content import PlanContent
from ntm_analysis.plan.word import PLACEHOLDER_RE, clean

MESSAGES: dict[str, tuple[str, str]] = {
    "download": ("Tải bản Word (.docx) để chỉnh sửa: <a href=\"{href}\">{name}</a>",
                 "Download the Word file (.docx) to edit: <a href=\"{href}\">{name}</a>"),
    "command": ("Ghi bản Word (.docx) để chỉnh sửa bằng lệnh: <code>{command}</code>",
                "Write the Word file (.docx) to edit with: <code>{command}</code>"),
}
STYLE = ("<style>.ntm-plan{font-family:'Times New Roman',serif;font-size:14px;max-width:52em}"
         ".ntm-plan .fill{background:#ff0}.ntm-plan .notice{background:#fff2cc;border:1px solid #999;padding:.4em}"
         ".ntm-plan table.head td{border:none;text-align:center;vertical-align:top;width:50%}"
         ".ntm-plan p{text-align:justify;margin:.3em 0}.ntm-plan .c{text-align:center}"
         ".ntm-annex td,.ntm-annex th{border:1px solid #999;padding:2px 4px;font-size:12px}"
         ".ntm-annex .tier{background:#d9d9d9;font-weight:bold}.ntm-annex .crit{background:#f2f2f2;font-style:italic}"
         ".ntm-annex .met{background:#c6efce}.ntm-annex .not_met{background:#ffc7ce}"
         ".ntm-annex .missing,.ntm-annex .unknown_threshold{background:#ffeb9c}</style>")


def _h(text: Any) -> str:
    """Escaped text with ``[...]`` placeholders highlighted."""
    out, pos, text = [], 0, clean(text)
    for m in PLACEHOLDER_RE.finditer(text):
        out += [html.escape(text[pos:m.start()]), f'<span class="fill">{html.escape(m.group(0))}</span>']
        pos = m.end()
    return "".join(out + [html.escape(text[pos:])])


def plan_from_context(ctx: Any, tier: str | None = None, count: int | None = None) -> PlanContent:
    """The plan of a report context's unit and year (``report.context.report_context``), in its language."""
    from ntm_analysis.plan.draft import plan_content  # noqa: PLC0415

    return plan_content(ctx.dataset, ctx.catalogue, ctx.assessment, ctx.code, ctx.year, tier, count, ctx.lang)


def document_html(plan: PlanContent) -> str:
    """Header, title, first-page note, body, recipients and signature as one HTML fragment."""
    h = plan.header
    parts = [STYLE, '<div class="ntm-plan"><table class="head"><tr>',
             f"<td><b>{_h(h['body_parent'])}<br>{_h(h['body_unit'])}</b><br>{_h(h['number'])}</td>",
             f"<td><b>{_h(h['motto_1'])}<br>{_h(h['motto_2'])}</b><br><i>{_h(h['place_date'])}</i></td></tr></table>",
             f'<p class="c"><b>{_h(plan.title)}<br>{_h(plan.subtitle)}</b></p><div class="notice">',
             *[f"<div><i>{_h(line)}</i></div>" for line in plan.notice], "</div>"]
    tags = {"h1": "h3", "h2": "h4", "h3": "h5"}
    for b in plan.body:  # a few hundred paragraphs at most
        if b.style in tags:
            parts.append(f"<{tags[b.style]}>{_h(b.text)}</{tags[b.style]}>")
        elif b.style == "item":
            lead = f"<b>{_h(b.lead)}</b> " if b.lead else ""
            parts.append(f"<p>- {lead}{_h(b.text)}</p>")
        elif b.style == "fill":
            parts.append(f"<p><i>{_h(b.text)}</i></p>")
        else:
            parts.append(f"<p>{_h(b.text)}</p>")
    parts.append('<table class="head"><tr><td style="text-align:left"><b><i>' + _h(plan.recipients[0]) + "</i></b><br>"
                 + "<br>".join(_h(r) for r in plan.recipients[1:]) + "</td><td><b>" + _h(plan.signature[0]) + "<br>"
                 + _h(plan.signature[1]) + "</b><br><br><br><b>" + _h(plan.signature[2]) + "</b></td></tr></table></div>")
    return "".join(parts)


def annex_html(plan: PlanContent) -> str:
    """The annex table (tier and criterion rows, one row per indicator, status colours) and its legend."""
    cols = ["no", "code", "name", "uom", "req", "value", "status", "target", "gap", "threshold"]
    rows = [f"<tr>{''.join(f'<th>{_h(c)}</th>' for c in plan.annex_columns)}</tr>"]
    for r in plan.annex.itertuples(index=False):  # ~160 display rows
        if r.row != "indicator":
            css = "tier" if r.row == "tier" else "crit"
            rows.append(f'<tr><td class="{css}" colspan="{len(cols)}">{_h(r.name)}</td></tr>')
            continue
        cells = [f'<td class="{r.status_key}">' if c == "status" else "<td>" for c in cols]
        rows.append("<tr>" + "".join(f"{td}{_h(getattr(r, c))}</td>" for td, c in zip(cells, cols)) + "</tr>")
    legend = "".join(f"<div>{_h(line)}</div>" for line in plan.legend)
    return (f'{STYLE}<div class="ntm-plan"><p class="c"><b>{_h(plan.annex_head)}<br>{_h(plan.annex_title)}</b><br>'
            f'<i>{_h(plan.annex_sub)}</i></p></div><table class="ntm-annex">{"".join(rows)}</table>{legend}')


def download(plan: PlanContent, folder: str | Path | None = None, dataset: str = "DATASET") -> str:
    """Write the Word file into ``folder`` (a report's folder) and return a link to it; without a
    folder, the ``ntm plan`` command that writes it."""
    from ntm_analysis.plan.draft import file_name  # noqa: PLC0415
    from ntm_analysis.plan.word import write_docx  # noqa: PLC0415

    name = file_name(plan.code, plan.name, plan.plan_year, plan.lang)
    if folder is None:
        command = (f'ntm plan {dataset} --unit {plan.code} --year {plan.year} --tier {plan.tier} '
                   f'--lang {plan.lang} --out {name}')
        return fmt(MESSAGES, "command", plan.lang, command=html.escape(command))
    path = write_docx(plan, Path(folder) / name)
    return fmt(MESSAGES, "download", plan.lang, href=html.escape(path.name), name=html.escape(path.name))


def show(fragment: str) -> Any:
    """An HTML fragment as a displayable object (IPython), or the string outside IPython."""
    try:
        from IPython.display import HTML  # noqa: PLC0415
    except ImportError:  # pragma: no cover
        return fragment
    return HTML(fragment)


__all__ = ["plan_from_context", "document_html", "annex_html", "download", "show"]
