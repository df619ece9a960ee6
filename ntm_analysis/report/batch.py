"""Rendered reports: plan a batch (which notebook for which unit and year), run the parameterised
notebooks with papermill on warm kernels, and write ``reports/<year>/<code-slug>/<notebook>.html``
(``html.notebook_to_html``) with its manifest; the index of a batch is written by
``index.write_index``, the report context by ``context.write_context_cache``.

A batch runs in worker processes (default: one per core) or on a Dask cluster (``scheduler=``). One
failing report never stops the others: the index lists it with its error and its partial notebook is
kept. Every file is written to a temporary name first and renamed, so no half-written report remains.
"""

from __future__ import annotations

import os
import tempfile
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any, Callable

from ntm_analysis.errors import ArgumentError
from ntm_analysis.units import display_name, expand, in_year
from ntm_analysis.i18n import fmt
from ntm_analysis.outputs import atomic_write
from ntm_analysis.report.kernel import MESSAGES as KERNEL_MESSAGES
from ntm_analysis.report.kernel import FRESH_EVERY, WarmKernel, explain_failure
from ntm_analysis.report.html import notebook_to_html
from ntm_analysis.report.index import collect_results, write_manifest
from ntm_analysis.report.jobs import (ALL_NOTEBOOKS, DOCX_NOTEBOOKS, GROUP_NOTEBOOKS, NOTEBOOK_ALIASES, NOTEBOOK_DIR,
                                      UNIT_NOTEBOOKS, ReportJob, ReportResult, slugify)

#: Names that moved to ``jobs``, ``html`` and ``index`` and are still imported from here.
__all__ = ["ALL_NOTEBOOKS", "DOCX_NOTEBOOKS", "GROUP_NOTEBOOKS", "NOTEBOOK_ALIASES", "NOTEBOOK_DIR",
           "UNIT_NOTEBOOKS", "ReportJob", "ReportResult", "collect_results", "notebook_to_html", "plan_jobs",
           "run_batch", "run_job", "slugify", "write_manifest"]

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
        page = notebook_to_html(nb, str(job.parameters.get("lang") or "vi"))
        atomic_write(final_html, lambda tmp: tmp.write_text(page, encoding="utf-8"))
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
    with _progress(progress, len(jobs), _batch_lang(jobs)) as advance:
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
    return _in_job_order(results, jobs)


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
        with _progress(progress, len(jobs), _batch_lang(jobs)) as advance:
            for fut in dask_completed(futures):
                res = fut.result()
                results.append(res)
                advance(res)
    finally:
        if isinstance(scheduler, str):
            client.close()
    return _in_job_order(results, jobs)


def _in_job_order(results: list[ReportResult], jobs: list[ReportJob]) -> list[ReportResult]:
    """``results`` (in the order they finished) in the order of ``jobs``; a job's identity is its
    notebook, unit and year (jobs come back from worker processes as copies)."""
    order = {(j.notebook, j.code, j.year): i for i, j in enumerate(jobs)}
    return sorted(results, key=lambda r: order.get((r.job.notebook, r.job.code, r.job.year), len(order)))


def _batch_lang(jobs: list[ReportJob]) -> str:
    """The language of a batch's progress line: the reports' own (``lang`` parameter), Vietnamese by default."""
    return "en" if jobs and jobs[0].parameters.get("lang") == "en" else "vi"


class _progress:
    """A rich progress bar (or nothing) that advances once per finished report."""

    def __init__(self, enabled: bool, total: int, lang: str = "vi") -> None:
        self.enabled, self.total, self.lang, self.bar, self.task = enabled, total, lang, None, None

    def __enter__(self) -> Callable[[ReportResult], None]:
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: PLC0415

            self.bar = Progress(TextColumn("[bold]" + ("Reports" if self.lang == "en" else "Báo cáo")), BarColumn(), MofNCompleteColumn(),
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
