"""Benchmark: the sample district's commune reports, batch (``ntm report``) vs naive one-by-one.

In the same run:

1. ``batch``: ``ntm report data/sample --year 2024 --all --notebook commune_report --workers 2
   --out TMP --no-progress`` (loads + validates + assesses once, ``write_context_cache``; each
   worker keeps one warm kernel, ``report.kernel.WarmKernel``: imports once, state put back between
   reports; papermill runs in the worker and nbconvert's Python API exports the HTML);
2. ``naive``: for each of the same communes, ``papermill notebooks/commune_report.ipynb OUT.ipynb
   -p dataset DATA -p year 2024 -r unit CODE`` (``-r``: with ``-p`` papermill reads the code 06328
   as the number 6328 and the notebook fails) then ``jupyter nbconvert --to html --no-input OUT.ipynb``,
   one after another, as a user without the batch runner would;
3. ``breakdown`` of one report: kernel start (jupyter_client, start until ready), imports of the
   notebook's modules in a fresh interpreter, report context with and without the batch's cache
   (load + validate + assess vs reading the pickle), each cell's duration from the executed notebook
   (``cell.metadata.papermill.duration``), and HTML export (API and CLI).

Target (issue 16 item 6): batch ≥ 6x faster than naive. The machine's load is printed before and
after (``os.getloadavg``): on a machine shared with other work both sides slow down, not equally.

Usage::

    python benchmarks/bench_reports.py [--data data/sample] [--year 2024] [--workers 2] [--naive-units N]

``--naive-units N`` runs only N naive reports and scales their time to all communes (faster, less exact).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
NOTEBOOK = ROOT / "notebooks" / "commune_report.ipynb"


def _run(cmd: list[str], **kw) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - t


def _tool(name: str) -> str:
    path = BIN / name
    return str(path) if path.exists() else name


def communes(data: Path, year: int) -> list[tuple[str, str]]:
    """(code, name) of the communes the batch makes reports for."""
    from ntm_analysis import plan_jobs

    jobs = plan_jobs(data, year, all_units=True, notebooks=["commune_report"], out_dir=Path(tempfile.gettempdir()))
    return [(j.code, j.name) for j in jobs]


def bench_batch(data: Path, year: int, workers: int, out: Path) -> float:
    return _run([_tool("ntm"), "report", str(data), "--year", str(year), "--all", "--notebook", "commune_report",
                 "--workers", str(workers), "--out", str(out), "--no-progress"])


def batch_seconds(out: Path) -> list[float]:
    """Seconds of each report of the batch (notebook + HTML, from its manifest)."""
    return [json.loads(p.read_text(encoding="utf-8"))["seconds"] for p in sorted(out.glob("*/*/*.json"))]


def _load() -> str:
    return "load average %.1f %.1f %.1f" % os.getloadavg()


def bench_naive(data: Path, year: int, codes: list[str], out: Path) -> list[dict]:
    rows = []
    for code in codes:
        nb = out / f"{code}.ipynb"
        t_pm = _run([_tool("papermill"), str(NOTEBOOK), str(nb), "-p", "dataset", str(data), "-p", "year", str(year),
                     "-r", "unit", code, "--cwd", str(NOTEBOOK.parent)])
        t_html = _run([_tool("jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb)])
        rows.append(dict(code=code, papermill_s=t_pm, nbconvert_s=t_html))
    return rows


def kernel_start(n: int = 3) -> float:
    """Mean seconds to start a python3 kernel and get it ready (what papermill pays per report)."""
    from jupyter_client.manager import start_new_kernel

    times = []
    for _ in range(n):
        t = time.perf_counter()
        km, kc = start_new_kernel(kernel_name="python3", stderr=subprocess.DEVNULL)  # no start-up chatter
        times.append(time.perf_counter() - t)
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return sum(times) / len(times)


_CONTEXT_SNIPPET = r"""
import json, sys, time
t = time.perf_counter()
from ntm_analysis.report import report_context, sections, views
t_imp = time.perf_counter() - t
data, year, code, cache = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
t = time.perf_counter(); report_context(data, year, code, context_cache=None); t_nocache = time.perf_counter() - t
t = time.perf_counter(); report_context(data, year, code, context_cache=cache); t_cache = time.perf_counter() - t
print(json.dumps(dict(imports_s=t_imp, context_no_cache_s=t_nocache, context_cache_s=t_cache)))
"""


def context_costs(data: Path, year: int, code: str, work: Path) -> dict:
    """Imports (fresh interpreter), and the report context without / with the batch's cache."""
    from ntm_analysis.report import write_context_cache

    t = time.perf_counter()
    cache = write_context_cache(data, None, work, year=year)
    t_write = time.perf_counter() - t
    out = subprocess.run([sys.executable, "-c", _CONTEXT_SNIPPET, str(data), str(year), code, str(cache)],
                         check=True, capture_output=True, text=True, cwd=ROOT)
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res["write_cache_s"] = t_write
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import ntm_analysis"], check=True)
    res["python_start_s"] = time.perf_counter() - t
    cache.unlink(missing_ok=True)
    return res


def cell_timings(nb_path: Path) -> list[tuple[str, float]]:
    """(first source line, seconds) of every code cell of an executed notebook (papermill metadata)."""
    import nbformat

    nb = nbformat.read(nb_path, as_version=4)
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        dur = cell.metadata.get("papermill", {}).get("duration")
        lines = [ln for ln in cell.source.splitlines() if ln.strip() and not ln.startswith("#")]
        out.append(((lines[-1] if lines else "")[:70], float(dur or 0.0)))
    return out


def html_api(nb_path: Path) -> float:
    import nbformat

    from ntm_analysis.report.html import notebook_to_html

    nb = nbformat.read(nb_path, as_version=4)
    t = time.perf_counter()
    notebook_to_html(nb)
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="ntm report batch vs naive papermill + nbconvert")
    ap.add_argument("--data", type=Path, default=ROOT / "data" / "sample")
    ap.add_argument("--year", type=int, default=2024)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--naive-units", type=int, default=0, help="run only N naive reports and scale (0 = all)")
    ap.add_argument("--keep", action="store_true", help="keep the output folder")
    args = ap.parse_args(argv)
    data = args.data.resolve()
    work = Path(tempfile.mkdtemp(prefix="ntm-bench-reports-"))
    try:
        units = communes(data, args.year)
        codes = [c for c, _ in units]
        print(f"{len(codes)} commune reports ({args.data}, {args.year}); {os.cpu_count()} CPUs; workers {args.workers}; "
              f"{_load()}", flush=True)

        t_batch = bench_batch(data, args.year, args.workers, work / "batch")
        per = batch_seconds(work / "batch")
        print(f"batch (ntm report --workers {args.workers}, warm kernels): {t_batch:.1f} s; per report in a worker: "
              f"mean {sum(per) / max(len(per), 1):.2f} s, first {per[0] if per else 0:.2f} s (manifests); {_load()}",
              flush=True)

        naive_codes = codes[: args.naive_units] if args.naive_units else codes
        naive_dir = work / "naive"
        naive_dir.mkdir()
        rows = bench_naive(data, args.year, naive_codes, naive_dir)
        t_naive_run = sum(r["papermill_s"] + r["nbconvert_s"] for r in rows)
        t_naive = t_naive_run * len(codes) / len(rows)
        pm = sum(r["papermill_s"] for r in rows) / len(rows)
        nc = sum(r["nbconvert_s"] for r in rows) / len(rows)
        print(f"naive (papermill + jupyter nbconvert, one after another): {t_naive:.1f} s"
              + (f" (scaled from {len(rows)} reports, {t_naive_run:.1f} s)" if len(rows) < len(codes) else "")
              + f"; per report: papermill {pm:.1f} s + nbconvert {nc:.1f} s", flush=True)

        print("\nwhere the time of one report goes:", flush=True)
        k = kernel_start()
        ctx = context_costs(data, args.year, codes[0], work)
        cells = cell_timings(naive_dir / f"{codes[0]}.ipynb")
        t_api = html_api(naive_dir / f"{codes[0]}.ipynb")
        print(f"  python start + import ntm_analysis (fresh process):  {ctx['python_start_s']:.2f} s")
        print(f"  kernel start (until ready), mean of 3:               {k:.2f} s")
        print(f"  imports of sections + views (fresh interpreter):     {ctx['imports_s']:.2f} s")
        print(f"  report context WITHOUT cache (load+validate+assess): {ctx['context_no_cache_s']:.2f} s")
        print(f"  report context WITH the batch's cache (pickle):      {ctx['context_cache_s']:.2f} s")
        print(f"  writing the cache once per batch:                    {ctx['write_cache_s']:.2f} s")
        print(f"  HTML export, nbconvert API (in the worker):          {t_api:.2f} s")
        print(f"  HTML export, jupyter nbconvert CLI (naive):          {nc:.2f} s")
        print(f"  cells of {codes[0]} (papermill metadata, naive run = no cache):")
        for src, dur in cells:
            print(f"    {dur:6.2f} s  {src}")
        print(f"    {sum(d for _, d in cells):6.2f} s  total in cells")

        speedup = t_naive / t_batch
        ok = speedup >= 6
        print(f"\nbatch vs naive: {t_naive:.1f} s / {t_batch:.1f} s = {speedup:.1f}x: "
              f"{'PASS' if ok else 'FAIL'} (target ≥ 6x); {_load()}")
        return 0 if ok else 1
    finally:
        if args.keep:
            print(f"output kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
