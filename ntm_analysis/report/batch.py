"""Rendered reports: run the parameterised notebooks with papermill, convert them to self-contained
HTML without code (nbconvert), and write ``reports/<year>/<code-slug>/<notebook>.html``; the index of
a batch is written by ``index.write_index``, the report context by ``context.write_context_cache``.

A batch runs in worker processes (default: one per core) or on a Dask cluster (``scheduler=``). One
failing report never stops the others: the index lists it with its error and its partial notebook is
kept. Every file is written to a temporary name first and renamed, so no half-written report remains.
"""

from __future__ import annotations

import html
import os
import re
import tempfile
import time
import traceback
import unicodedata
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ntm_analysis.errors import ArgumentError
from ntm_analysis.units import display_name, expand, in_year
from ntm_analysis.i18n import fmt
from ntm_analysis.outputs import atomic_write
from ntm_analysis.report.kernel import MESSAGES as KERNEL_MESSAGES
from ntm_analysis.report.kernel import FRESH_EVERY, WarmKernel, explain_failure, notebook_dir

NOTEBOOK_DIR = notebook_dir()  # packaged notebooks in an installed wheel, else the checkout's notebooks/

#: Notebooks that make one report per commune-level unit, and those that make one per parent unit
#: (a province, or a district for the years before 1/7/2025).
UNIT_NOTEBOOKS = ("commune_report", "village_map", "trends", "commune_plan")
#: Notebooks that also write a file beside their report (parameter ``docx_dir``: the report's folder).
DOCX_NOTEBOOKS = ("commune_plan",)
GROUP_NOTEBOOKS = ("parent_overview",)
ALL_NOTEBOOKS = UNIT_NOTEBOOKS + GROUP_NOTEBOOKS
#: Former notebook names still accepted (``--notebook district_overview``).
NOTEBOOK_ALIASES: dict[str, str] = {"district_overview": "parent_overview"}


def slugify(text: str, fallback: str = "unit") -> str:
    """An ASCII file-name slug: no diacritics, no path separators, no dots-only names."""
    text = unicodedata.normalize("NFKD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60].strip("-")
    return slug or fallback


@dataclass(frozen=True)
class ReportJob:
    """One notebook to run for one unit (or group of units) and year."""

    notebook: str
    code: str
    name: str
    year: int
    parameters: dict[str, Any]
    out_dir: Path

    @property
    def folder(self) -> Path:
        """``<out>/<year>/<code>-<slug>/``; safe whatever the unit's name contains."""
        return self.out_dir / str(int(self.year)) / f"{slugify(self.code, 'code')}-{slugify(self.name)}"


@dataclass
class ReportResult:
    """What happened to one job: paths written, error text, seconds, a one-line summary."""

    job: ReportJob
    ok: bool
    html: Path | None = None
    notebook: Path | None = None
    error: str = ""
    seconds: float = 0.0
    summary: str = ""
    timings: dict[str, float] = field(default_factory=dict)


def _atomic_write_text(path: Path, text: str) -> None:
    """``text`` (UTF-8) written to ``path`` through a temporary file (``outputs.atomic_write``)."""
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


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


def _report_title(nb: Any) -> str:
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
    nb.metadata = dict(nb.metadata, title=_report_title(nb) or nb.metadata.get("title", ""))
    exporter = HTMLExporter(template_name="lab", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, embed_images=True, language_code=lang)
    body, _ = exporter.from_notebook_node(nb)
    body = _CDN_MODULE.sub("", _CDN_SCRIPT.sub("", body))
    return body.replace("</head>", f"<style>{PRINT_CSS}</style>\n</head>", 1)


def run_job(job: ReportJob, kernel_name: str | None = None, kernel: WarmKernel | None = None) -> ReportResult:
    """Execute one notebook with papermill and write its HTML and executed ``.ipynb`` atomically.

    ``kernel``: the worker's warm kernel (``kernel.WarmKernel``), reused from the previous report
    with its state put back; without one, a kernel started for this report alone. The kernel is the
    interpreter that runs this code (``kernel.own_kernel_manager``), or the installed kernelspec
    ``kernel_name`` when one is named. On failure the partial notebook is kept next to where the
    report would be, and the error is returned, not raised, so that a batch goes on; a kernel that
    cannot import this package is named with its interpreter.
    """
    start = time.perf_counter()
    lang = str(job.parameters.get("lang", "vi"))
    source = NOTEBOOK_DIR / f"{job.notebook}.ipynb"
    if not source.is_file():
        return ReportResult(job, False, None, None, error=fmt(KERNEL_MESSAGES, "no_notebooks", lang, name=job.notebook,
                                                              where=NOTEBOOK_DIR))
    kernel_name = kernel.kernel_name if kernel is not None else kernel_name
    folder = job.folder
    folder.mkdir(parents=True, exist_ok=True)
    final_nb, final_html = folder / f"{job.notebook}.ipynb", folder / f"{job.notebook}.html"
    fd, tmp_name = tempfile.mkstemp(prefix=f".{job.notebook}.", suffix=".ipynb", dir=folder)
    os.close(fd)
    tmp_nb = Path(tmp_name)
    try:
        if kernel is not None:
            nb = kernel.run(source, tmp_nb, job.parameters)
        else:
            with WarmKernel(kernel_name, cwd=NOTEBOOK_DIR, reuse=False) as once:
                nb = once.run(source, tmp_nb, job.parameters)
        os.chmod(tmp_nb, 0o644)
        _atomic_write_text(final_html, notebook_to_html(nb, str(job.parameters.get("lang") or "vi")))
        os.replace(tmp_nb, final_nb)
        (folder / f"{job.notebook}.failed.ipynb").unlink(missing_ok=True)
        result = ReportResult(job, True, final_html, final_nb, seconds=time.perf_counter() - start,
                              summary=_summary_from(nb))
        write_manifest(result)
        return result
    except Exception as exc:  # noqa: BLE001 - any failure of one report is reported, not raised
        partial = folder / f"{job.notebook}.failed.ipynb"
        if tmp_nb.exists() and tmp_nb.stat().st_size:
            os.replace(tmp_nb, partial)
        else:
            tmp_nb.unlink(missing_ok=True)
            partial = None
        final_html.unlink(missing_ok=True)
        final_nb.unlink(missing_ok=True)
        result = ReportResult(job, False, None, partial, error=explain_failure(_short_error(exc), kernel_name, lang),
                              seconds=time.perf_counter() - start)
        write_manifest(result)
        return result


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
    _atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=1))
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


def _short_error(exc: BaseException) -> str:
    """The last meaningful line of an execution error (papermill puts the cell's traceback in it)."""
    name = getattr(exc, "ename", type(exc).__name__)
    value = getattr(exc, "evalue", str(exc))
    text = f"{name}: {value}".strip()
    return text if text != ":" else "".join(traceback.format_exception_only(type(exc), exc)).strip()


def _summary_from(nb: Any) -> str:
    """The notebook's summary line: the text of the first output tagged ``summary``, if any."""
    for cell in nb.cells:
        if "summary" in cell.get("metadata", {}).get("tags", []):
            for out in cell.get("outputs", []):
                text = out.get("text") or out.get("data", {}).get("text/plain")
                if text:
                    return str(text).strip().strip("'\"")[:1000]
    return ""


#: The warm kernel of this worker process (``_start_worker``); None outside a batch's worker.
_WORKER_KERNEL: WarmKernel | None = None


def _start_worker(fresh_every: int) -> None:
    """Initialiser of a batch's worker process: one warm kernel for every report it runs, shut down
    when the worker exits (multiprocessing's finalizers run at a worker's normal end)."""
    global _WORKER_KERNEL  # noqa: PLW0603 - one kernel per worker process is the point
    from multiprocessing.util import Finalize  # noqa: PLC0415

    _WORKER_KERNEL = WarmKernel(fresh_every=fresh_every, cwd=NOTEBOOK_DIR)
    Finalize(None, _WORKER_KERNEL.close, exitpriority=10)


def _run_in_worker(job: ReportJob) -> ReportResult:
    """One report in a batch's worker process, on the worker's warm kernel."""
    return run_job(job, kernel=_WORKER_KERNEL)


def run_batch(jobs: list[ReportJob], workers: int | None = None, scheduler: str | None = None,
              progress: bool = True, on_result: Callable[[ReportResult], None] | None = None,
              fresh_every: int = FRESH_EVERY) -> list[ReportResult]:
    """Run ``jobs`` in parallel worker processes (or on the Dask cluster at ``scheduler``).

    Each worker keeps one warm kernel (``kernel.WarmKernel``): imports paid once, its state put
    back before every report, a fresh kernel after a failed report and every ``fresh_every``
    reports. On Dask every report starts its own kernel.

    Returns one :class:`ReportResult` per job (``ok``, ``html``, ``notebook``, ``error``, ``seconds``,
    ``summary``); a failing report is a result with ``ok`` False, never an exception."""
    if scheduler:
        return _run_dask(jobs, scheduler, progress)
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs) or 1))
    results: list[ReportResult] = []
    with _progress(progress, len(jobs)) as advance:
        if workers == 1:
            with WarmKernel(fresh_every=fresh_every, cwd=NOTEBOOK_DIR) as kernel:
                for job in jobs:
                    results.append(run_job(job, kernel=kernel))
                    advance(results[-1])
        else:
            with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(fresh_every,)) as pool:
                futures = {pool.submit(_run_in_worker, job): job for job in jobs}
                for fut in as_completed(futures):
                    try:
                        res = fut.result()
                    except Exception as exc:  # noqa: BLE001 - a crashed worker is one failed report
                        res = ReportResult(futures[fut], False, error=_short_error(exc))
                    results.append(res)
                    advance(res)
    order = {id(j): i for i, j in enumerate(jobs)}
    return sorted(results, key=lambda r: order.get(id(r.job), 0))


def _run_dask(jobs: list[ReportJob], scheduler: str, progress: bool) -> list[ReportResult]:
    """Same batch on a Dask distributed cluster (optional dependency ``ntm-analysis[dask]``)."""
    try:
        from distributed import Client, as_completed as dask_completed  # noqa: PLC0415
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise ArgumentError("no_dask") from exc
    client = scheduler if not isinstance(scheduler, str) else Client(scheduler)
    try:
        futures = client.map(run_job, jobs, pure=False)
        results = []
        with _progress(progress, len(jobs)) as advance:
            for fut in dask_completed(futures):
                res = fut.result()
                results.append(res)
                advance(res)
    finally:
        if isinstance(scheduler, str):
            client.close()
    order = {(j.notebook, j.code, j.year): i for i, j in enumerate(jobs)}
    return sorted(results, key=lambda r: order.get((r.job.notebook, r.job.code, r.job.year), 0))


class _progress:
    """A rich progress bar (or nothing) that advances once per finished report."""

    def __init__(self, enabled: bool, total: int) -> None:
        self.enabled, self.total, self.bar, self.task = enabled, total, None, None

    def __enter__(self) -> Callable[[ReportResult], None]:
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: PLC0415

            self.bar = Progress(TextColumn("[bold]Báo cáo / reports"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), TextColumn("{task.description}"))
            self.bar.start()
            self.task = self.bar.add_task("", total=self.total)

        def advance(res: ReportResult) -> None:
            if self.bar is not None:
                mark = "✓" if res.ok else "✗"
                self.bar.update(self.task, advance=1, description=f"{mark} {res.job.name} / {res.job.notebook}")

        return advance

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


# --- planning a batch ------------------------------------------------------------------------


def plan_jobs(dataset_path: Path, year: int, queries: list[str] | None = None, all_units: bool = False,
              notebooks: list[str] | None = None, out_dir: Path = Path("reports"), lang: str = "vi",
              catalogue: str | None = None, tier: str | None = None, context_cache: Path | None = None,
              data: Any = None) -> list[ReportJob]:
    """The jobs of a batch: each per-unit notebook for every commune asked for (``--all``: every
    commune with values in ``year``; a province or district expands to every commune under it
    valid in ``year``, with or without values: a commune without data gets its report saying so),
    and each group notebook (``parent_overview``) for the provinces and districts asked for by name,
    else for the parent units those communes belong to in ``year`` (districts before 1/7/2025, the
    province since). A former notebook name of :data:`NOTEBOOK_ALIASES` is accepted.

    ``data``: the dataset already loaded from ``dataset_path`` (read here otherwise). Raises
    ``DatasetError`` for a bad dataset, ``UnitLookupError`` for an unknown or ambiguous unit and
    ``serves.UnitKindError`` for a unit of a kind a notebook asked for does not serve (a village).
    """
    from ntm_analysis.io.dataset import load_dataset  # noqa: PLC0415
    from ntm_analysis.io.names import resolve_unit  # noqa: PLC0415

    notebooks = list(dict.fromkeys(NOTEBOOK_ALIASES.get(n, n) for n in (notebooks or ALL_NOTEBOOKS)))
    unknown = [n for n in notebooks if n not in ALL_NOTEBOOKS]
    if unknown:
        raise ArgumentError("no_notebook", names=", ".join(unknown), choices=", ".join(ALL_NOTEBOOKS))
    ds = data if data is not None else load_dataset(dataset_path, catalogue)
    units = ds.units
    valid = in_year(units, year)
    groups: list[str] = []  # provinces and districts asked for by name: their overview is theirs
    if all_units:
        with_values = set(ds.values.loc[ds.values["year"].eq(year), "code"])
        codes = [c for c in valid.loc[valid["level"].eq("commune"), "code"] if c in with_values]
    else:
        codes = []
        for q in queries or []:
            code = resolve_unit(valid, q, year=year)
            level = valid.loc[valid["code"].eq(code), "level"].iloc[0]
            if level in ("province", "district"):
                groups.append(code)
                codes += expand(valid, code, year, level="commune")
            else:
                codes.append(code)
    codes = list(dict.fromkeys(codes))
    from ntm_analysis.serves import check_serves  # noqa: PLC0415

    for nb in notebooks:  # a village asked for by name: say so before running anything
        if nb in UNIT_NOTEBOOKS:
            for code in codes:
                check_serves(units, code, year, nb, dataset=str(dataset_path))
    params = dict(dataset=str(Path(dataset_path).resolve()), year=int(year), lang=lang,
                  catalogue=catalogue, tier=tier,
                  context_cache=str(context_cache) if context_cache else None)
    jobs = []
    for nb in notebooks:
        if nb in GROUP_NOTEBOOKS:
            parents = list(dict.fromkeys(valid.loc[valid["code"].isin(codes), "parent_code"].dropna()))
            targets = list(dict.fromkeys(groups)) or [p for p in parents if p in set(valid["code"])]
        else:
            targets = codes
        for code in targets:
            job = ReportJob(nb, code, display_name(units, code, year), int(year), params | {"unit": code},
                            Path(out_dir))
            if nb in DOCX_NOTEBOOKS:
                job = ReportJob(nb, code, job.name, job.year, job.parameters | {"docx_dir": str(job.folder.resolve())},
                                job.out_dir)
            jobs.append(job)
    return jobs
