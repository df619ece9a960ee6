"""The index of a report batch: ``reports/index.html`` linking every report of the output folder
(:func:`collect_results`, from the manifest (JSON) written beside each report) with its status, its one-line summary or its error and partial
notebook, in Vietnamese or English. Works offline (no CDN); names from users' files are escaped.
"""

from __future__ import annotations

import html
import time
from pathlib import Path
from typing import Iterable

from ntm_analysis.i18n import fmt
from ntm_analysis.io.names import sort_key, split_type
from ntm_analysis.outputs import atomic_write
from ntm_analysis.report.html import PRINT_CSS
from ntm_analysis.report.jobs import ALL_NOTEBOOKS, ReportJob, ReportResult

MESSAGES: dict[str, tuple[str, str]] = {
    "index_title": ("Báo cáo nông thôn mới", "New rural development reports"),
    "generated": ("Tạo lúc {when} từ bộ dữ liệu {dataset}", "Generated {when} from dataset {dataset}"),
    "col_year": ("Năm", "Year"),
    "col_unit": ("Đơn vị", "Unit"),
    "col_report": ("Báo cáo", "Report"),
    "col_status": ("Trạng thái", "Status"),
    "col_summary": ("Tóm tắt", "Summary"),
    "ok": ("Hoàn thành", "Done"),
    "failed": ("Lỗi", "Failed"),
    "partial": ("sổ tính dở dang", "partial notebook"),
    "counts": ("{ok} báo cáo hoàn thành, {failed} lỗi", "{ok} reports done, {failed} failed"),
    "synthetic": ("Dữ liệu mẫu là dữ liệu tổng hợp (synthetic), không phải số liệu thật.",
                  "The sample data are synthetic, not real figures."),
    "commune_report": ("Báo cáo xã", "Commune report"),
    "village_map": ("Bản đồ thôn, xóm", "Village map"),
    "trends": ("Xu hướng", "Trends"),
    "parent_overview": ("Tổng quan tỉnh, huyện", "Province or district overview"),
    "commune_plan": ("Dự thảo kế hoạch năm sau", "Draft plan for next year"),
}


def write_index(results: Iterable[ReportResult], out_dir: Path, dataset_label: str = "",
                lang: str = "vi", synthetic: bool = False) -> Path:
    """``reports/index.html`` linking every report with its status; names are HTML-escaped.
    Returns the index's path; raises ``OutputError`` when it cannot be written."""
    results = list(results)
    esc = html.escape
    rows = []
    for r in sorted(results, key=lambda r: (-r.job.year, r.job.notebook != "parent_overview",
                                            sort_key(split_type(r.job.name)[1]),
                                            ALL_NOTEBOOKS.index(r.job.notebook) if r.job.notebook in ALL_NOTEBOOKS else 9)):
        title = fmt(MESSAGES, r.job.notebook, lang) if r.job.notebook in MESSAGES else r.job.notebook
        if r.ok and r.html:
            link = f'<a href="{esc(r.html.relative_to(out_dir).as_posix())}">{esc(title)}</a>'
            status = f'<span class="ok">{esc(fmt(MESSAGES, "ok", lang))}</span>'
            detail = esc(r.summary).replace("\n", "<br>")
        else:
            link = esc(title)
            if r.notebook:
                link += f' (<a href="{esc(r.notebook.relative_to(out_dir).as_posix())}">{esc(fmt(MESSAGES, "partial", lang))}</a>)'
            status = f'<span class="failed">{esc(fmt(MESSAGES, "failed", lang))}</span>'
            detail = f"<code>{esc(r.error)}</code>"
        rows.append(f"<tr><td>{r.job.year}</td><td>{esc(r.job.name)} <small>({esc(r.job.code)})</small></td>"
                    f"<td>{link}</td><td>{status}</td><td>{detail}</td></tr>")
    n_ok = sum(r.ok for r in results)
    when = time.strftime("%Y-%m-%d %H:%M")
    page = f"""<!DOCTYPE html>
<html lang="{esc(lang)}"><head><meta charset="utf-8">
<title>{esc(fmt(MESSAGES, "index_title", lang))}</title>
<style>
body {{ font-family: "DejaVu Sans", Arial, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 6px 8px; text-align: left; vertical-align: top; }}
th {{ background: #f2f2f2; }}
.ok {{ color: #1a7f37; font-weight: bold; }} .failed {{ color: #b42318; font-weight: bold; }}
.note {{ background: #fff4e5; border-left: 4px solid #f0a020; padding: .5em 1em; }}
{PRINT_CSS}</style></head><body>
<h1>{esc(fmt(MESSAGES, "index_title", lang))}</h1>
<p>{esc(fmt(MESSAGES, "generated", lang, when=when, dataset=dataset_label))}</p>
<p>{esc(fmt(MESSAGES, "counts", lang, ok=n_ok, failed=len(results) - n_ok))}</p>
{f'<p class="note">{esc(fmt(MESSAGES, "synthetic", lang))}</p>' if synthetic else ""}
<table><thead><tr><th>{esc(fmt(MESSAGES, "col_year", lang))}</th><th>{esc(fmt(MESSAGES, "col_unit", lang))}</th>
<th>{esc(fmt(MESSAGES, "col_report", lang))}</th><th>{esc(fmt(MESSAGES, "col_status", lang))}</th>
<th>{esc(fmt(MESSAGES, "col_summary", lang))}</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table></body></html>
"""
    path = out_dir / "index.html"
    atomic_write(path, lambda tmp: tmp.write_text(page, encoding="utf-8"))
    return path


def _write_text(path: Path, text: str) -> None:
    """``text`` (UTF-8) written to ``path`` through a temporary file (``outputs.atomic_write``)."""
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_manifest(result: ReportResult) -> Path:
    """``<folder>/<notebook>.json``: what the index needs to list this report, kept beside it so
    that several batches (or a rerun of one report) make one index."""
    import json  # noqa: PLC0415

    job = result.job
    data = dict(notebook=job.notebook, code=job.code, name=job.name, year=job.year, ok=result.ok,
                html=result.html.name if result.html else None,
                partial=result.notebook.name if (result.notebook and not result.ok) else None,
                error=result.error, summary=result.summary, seconds=round(result.seconds, 2),
                written=time.strftime("%Y-%m-%d %H:%M:%S"))
    path = job.folder / f"{job.notebook}.json"
    _write_text(path, json.dumps(data, ensure_ascii=False, indent=1))
    return path


def collect_results(out_dir: Path) -> list[ReportResult]:
    """Every report recorded under ``out_dir`` (from the manifests), for the index."""
    import json  # noqa: PLC0415

    results = []
    for path in sorted(Path(out_dir).glob("*/*/*.json")):
        try:
            d = json.loads(path.read_text(encoding="utf-8"))
            job = ReportJob(d["notebook"], d["code"], d["name"], int(d["year"]), {}, Path(out_dir))
        except (ValueError, KeyError, OSError):
            continue  # not one of ours
        results.append(ReportResult(job, bool(d["ok"]), path.parent / d["html"] if d.get("html") else None,
                                    path.parent / d["partial"] if d.get("partial") else None,
                                    error=d.get("error", ""), seconds=d.get("seconds", 0.0),
                                    summary=d.get("summary", "")))
    return results
