"""Benchmark: load + validate, attainment and trends on national-scale synthetic data.

For each scale (default 1 and 2; 4 with --scales 1,2,4) a FRESH subprocess times, on the dataset written by
``generate_national.py`` (generated first when absent; generation is not timed):

- ``load``: ``load_dataset`` (read CSV, normalise, every validation rule);
- ``assess``: ``assess`` for every unit, year and tier;
- ``trends``: ``trends.indicator_changes`` over the whole indicator table (the vectorised change of
  every indicator vs its previous assessed year), plus ``trends.history`` and ``trends.progress`` for
  ``--sample`` communes (per-unit calls, as a report makes them; reported separately).

Peak memory is the subprocess's ``ru_maxrss`` (whole run) and the peak resident size of each stage
(``VmHWM`` after resetting it through ``/proc/self/clear_refs``, where the kernel allows it).

At 1x the subprocess also runs ``reference_impl.py`` (per-row Python with dicts) on a slice of
``--slice`` communes, scales its time linearly to the full size, and CHECKS that it agrees with
``assess`` on the slice (criterion status, criteria met/total, reached per unit, year and tier).

Each scale also runs, in another fresh subprocess, ``floor_polars.py``: a straightforward polars
version of the core rule only (read, parse, village roll-up, thresholds, indicator status,
criterion = all met, criteria met per unit and tier): the columnar floor.

Per unit (``per-unit s``): ``assess(dataset, catalogue, units=[code])`` + ``trends.history`` for one
commune of the loaded national dataset (what ``ntm status CODE`` does once the data are loaded),
mean over ``--sample`` communes.

Targets (issue 16) at 1x: end-to-end (load + validate + assess + whole-table trends) ≤ 2.5x the
floor of the same run; peak memory ≤ 2 GB; ``assess`` ≥ 10x the per-row reference; time linear
in size (2x/1x and 4x/1x within 10 %); the 4x run completes within 8 GB.

Usage::

    python benchmarks/bench_attainment.py [--scales 1,2]  (full: --scales 1,2,4) [--slice 200] [--sample 20] [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

GB = 1024 ** 3


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS counter (VmHWM) of this process; False when not allowed."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _peak_bytes() -> int | None:
    """VmHWM (peak resident size since the last reset) in bytes, or None."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def worker(data: Path, reference: bool, slice_n: int, sample_n: int) -> dict:
    """Run the stages in this (fresh) process and return timings and peaks."""
    out: dict = {"data": str(data)}
    t0 = time.perf_counter()
    import numpy as np
    import pandas as pd

    from ntm_analysis import assess, load_catalogue, load_dataset
    from ntm_analysis.assess import trends  # indicator_changes: the vectorised step the public history uses

    cat = load_catalogue()
    out["import_catalogue_s"] = time.perf_counter() - t0
    stages = {}

    def stage(name, fn):
        can_reset = _reset_peak()
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        stages[name] = dict(seconds=time.perf_counter() - t, cpu_seconds=time.process_time() - c,
                            peak_bytes=_peak_bytes() if can_reset else None)
        return result

    ds = stage("load", lambda: load_dataset(data, cat))
    a = stage("assess", lambda: assess(ds, cat))
    stage("trends", lambda: trends.indicator_changes(a.indicators))
    communes = ds.units.loc[ds.units["level"].eq("commune"), "code"].to_numpy()
    rng = np.random.default_rng(7)
    sample = [str(c) for c in rng.choice(communes, size=min(sample_n, len(communes)), replace=False)]

    def per_unit():
        for code in sample:
            one = assess(ds, cat, units=[code])
            trends.history(one, code)

    stage("trends_per_unit", per_unit)
    out["stages"] = stages
    # ru_maxrss follows the same high-water mark that clear_refs resets: take the largest stage peak too
    peaks = [st["peak_bytes"] for st in stages.values() if st["peak_bytes"]]
    out["peak_rss_bytes"] = max([resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, *peaks])
    out["n_communes"] = int(len(communes))
    out["n_villages"] = int(ds.units["level"].eq("village").sum())
    out["n_values"] = int(len(ds.values))
    out["n_indicator_rows"] = int(len(a.indicators))
    out["sample_units"] = len(sample)

    if reference:
        import reference_impl as ref

        codes = [str(c) for c in sorted(communes)[:: max(1, len(communes) // slice_n)][:slice_n]]
        inp = ref.prepare(ds, cat, codes)
        t = time.perf_counter()
        criteria, summary = ref.reference_assess(inp)
        ref_s = time.perf_counter() - t
        agree = ref.compare(criteria, summary, a)
        out["reference"] = dict(slice_communes=len(codes), seconds=ref_s,
                                per_1000_communes_s=ref_s / len(codes) * 1000, agreement=agree)
    pd.options.mode.copy_on_write = True  # (no-op; keeps the linter quiet about pandas import)
    return out


def floor_worker(data: Path) -> dict:
    """Run the columnar floor (benchmarks/floor_polars.py) in this fresh process."""
    import floor_polars

    from ntm_analysis import load_catalogue

    cat = load_catalogue()
    _reset_peak()
    c = time.process_time()
    times, summary = floor_polars.run(data, cat)
    return dict(stages=times, seconds=sum(times.values()), cpu_seconds=time.process_time() - c,
                peak_bytes=_peak_bytes(), rows=summary.height)


def run_scale(scale: int, data_root: Path, reference: bool, slice_n: int, sample_n: int) -> dict:
    """Generate the dataset if needed, then measure it in a fresh subprocess."""
    data = data_root / f"national-{scale}x"
    if not (data / "values.csv").is_file():
        print(f"  generating {data} ...", flush=True)
        subprocess.run([sys.executable, str(HERE / "generate_national.py"), str(data), "--scale", str(scale)],
                       check=True)
    cmd = [sys.executable, __file__, "--worker", str(data), "--slice", str(slice_n), "--sample", str(sample_n)]
    if reference:
        cmd.append("--reference")
    t = time.perf_counter()
    proc = subprocess.run(cmd, check=True, capture_output=True, text=True)
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    res["scale"], res["wall_s"] = scale, time.perf_counter() - t
    proc = subprocess.run([sys.executable, __file__, "--floor", str(data)], check=True, capture_output=True, text=True)
    res["floor"] = json.loads(proc.stdout.strip().splitlines()[-1])
    return res


def _fmt_gb(b: int | None) -> str:
    return "—" if b is None else f"{b / GB:.2f}"


def report(results: list[dict]) -> bool:
    """Print the table and the PASS/FAIL lines; True when every target passes."""
    base = results[0]
    ref = base.get("reference")
    print()
    hdr = (f"{'scale':>5} {'communes':>9} {'values':>11} {'ind. rows':>10} | {'load s':>7} {'assess s':>8} "
           f"{'trends s':>8} {'total s':>8} {'s/1k com':>8} | {'floor s':>7} {'x floor':>7} | {'peak GB':>7} "
           f"{'load GB':>7} {'assess GB':>9} {'floor GB':>8} | {'per-unit s':>10}")
    print(hdr)
    print("-" * len(hdr))
    for r in results:
        st, fl = r["stages"], r.get("floor")
        total = st["load"]["seconds"] + st["assess"]["seconds"] + st["trends"]["seconds"]
        r["total_s"] = total
        r["per_1000_s"] = total / r["n_communes"] * 1000
        print(f"{r['scale']:>4}x {r['n_communes']:>9,} {r['n_values']:>11,} {r['n_indicator_rows']:>10,} | "
              f"{st['load']['seconds']:>7.1f} {st['assess']['seconds']:>8.1f} {st['trends']['seconds']:>8.1f} "
              f"{total:>8.1f} {r['per_1000_s']:>8.2f} | "
              + (f"{fl['seconds']:>7.1f} {total / fl['seconds']:>7.2f} | " if fl else f"{'—':>7} {'—':>7} | ")
              + f"{_fmt_gb(r['peak_rss_bytes']):>7} {_fmt_gb(st['load']['peak_bytes']):>7} "
              f"{_fmt_gb(st['assess']['peak_bytes']):>9} {_fmt_gb(fl['peak_bytes'] if fl else None):>8} | "
              f"{st['trends_per_unit']['seconds'] / max(1, r['sample_units']):>10.2f}")
        if fl:
            print("      floor stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in fl["stages"].items()))
        if fl and "cpu_seconds" in st["load"]:  # CPU time of both cores: steadier than wall time on a shared machine
            cpu = {k: st[k]["cpu_seconds"] for k in ("load", "assess", "trends")}
            print("      CPU s (all threads): " + ", ".join(f"{k} {v:.1f}" for k, v in cpu.items())
                  + f", total {sum(cpu.values()):.1f}; floor {fl['cpu_seconds']:.1f}"
                  f" ({sum(cpu.values()) / fl['cpu_seconds']:.2f}x)")
    print("\n(total = load + validate + assess + whole-table trends; s/1k com = total per 1,000 communes; x floor ="
          " total / floor of the same scale; per-unit s = assess(units=[code]) + trends.history for one commune"
          " of the loaded dataset, mean over the sample; peaks: whole run, per stage, floor process)")
    ok = True
    for r in results:
        fl = r.get("floor")
        if fl and r["scale"] == 1:
            passed = r["total_s"] <= 2.5 * fl["seconds"]
            ok &= passed
            print(f"end-to-end vs floor at 1x: {r['total_s']:.1f} s / {fl['seconds']:.1f} s = "
                  f"{r['total_s'] / fl['seconds']:.2f}x: {'PASS' if passed else 'FAIL'} (target ≤ 2.5x)")
    if len(results) > 1:
        for r in results[1:]:
            ratio = r["total_s"] / base["total_s"]
            size = r["n_communes"] / base["n_communes"]
            passed = ratio <= size * 1.1
            ok &= passed
            print(f"linear: time {r['scale']}x/{base['scale']}x = {ratio:.2f} for {size:.2f}x the communes "
                  f"(s/1k communes {base['per_1000_s']:.2f} → {r['per_1000_s']:.2f}): "
                  f"{'PASS' if passed else 'FAIL'} (target ≤ {size * 1.1:.2f})")
    if ref:
        ag = ref["agreement"]
        agree_ok = ag["criteria_differ"] == 0 and ag["units_differ"] == 0
        print(f"\nreference (per-row Python) on {ref['slice_communes']} communes: {ref['seconds']:.2f} s "
              f"= {ref['per_1000_communes_s']:.2f} s per 1,000 communes")
        print(f"agreement reference vs assess on the slice: {ag['criteria'] - ag['criteria_differ']:,}/"
              f"{ag['criteria']:,} criterion statuses, {ag['units'] - ag['units_differ']:,}/{ag['units']:,} "
              f"unit summaries (criteria met, total, reached) equal: {'PASS' if agree_ok else 'FAIL'}"
              + ("" if agree_ok else f"; first differences: {ag['examples']}"))
        ok &= agree_ok
        for r in results:
            ref_full = ref["per_1000_communes_s"] * r["n_communes"] / 1000
            sp_assess = ref_full / r["stages"]["assess"]["seconds"]
            sp_total = ref_full / r["total_s"]
            passed = sp_assess >= 10
            ok &= passed if r["scale"] == 1 else True
            print(f"speed-up at {r['scale']}x: reference scaled to {r['n_communes']:,} communes = {ref_full:,.0f} s; "
                  f"assess alone {sp_assess:.2f}x, load+assess+trends {sp_total:.2f}x as fast: "
                  f"{'PASS' if passed else 'FAIL'} (target ≥ 10x at 1x, assess vs reference)")
    for r in results:
        peak = r["peak_rss_bytes"]
        limit = 2 if r["scale"] == 1 else (8 if r["scale"] == 4 else None)
        if limit is None:
            print(f"memory at {r['scale']}x: peak RSS {peak / GB:.2f} GB (no target)")
            continue
        passed = peak <= limit * GB
        ok &= passed
        print(f"memory at {r['scale']}x: peak RSS {peak / GB:.2f} GB: {'PASS' if passed else 'FAIL'} (target ≤ {limit} GB)")
    return ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="load + validate + assess + trends at 1x/2x/4x national scale")
    ap.add_argument("--scales", default="1,2", help="comma-separated scales among 1, 2, 4 (default 1,2; add 4 for the full run: ~15 GB RAM)")
    ap.add_argument("--slice", type=int, default=200, help="communes in the reference slice (default 200)")
    ap.add_argument("--sample", type=int, default=20, help="communes for per-unit history/progress (default 20)")
    ap.add_argument("--data", type=Path, default=HERE / "out", help="folder of the generated datasets")
    ap.add_argument("--json", type=Path, help="also write the raw results here")
    ap.add_argument("--report", type=Path, help="only print the table of a --json file of an earlier run")
    ap.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--reference", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--floor", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.floor:
        print(json.dumps(floor_worker(args.floor)))
        return 0
    if args.worker:
        print(json.dumps(worker(args.worker, args.reference, args.slice, args.sample)))
        return 0
    if args.report:
        results = json.loads(args.report.read_text())
        for r in results:  # files of runs before the fix of the overall peak
            r["peak_rss_bytes"] = max([r["peak_rss_bytes"], *[st["peak_bytes"] or 0 for st in r["stages"].values()]])
        return 0 if report(results) else 1
    scales = [int(s) for s in args.scales.split(",")]
    print(f"ntm-analysis attainment benchmark: scales {scales}, {os.cpu_count()} CPUs, Python "
          f"{sys.version.split()[0]}", flush=True)
    results = []
    for i, scale in enumerate(scales):
        print(f"scale {scale}x ...", flush=True)
        results.append(run_scale(scale, args.data, i == 0, args.slice, args.sample))
        r = results[-1]
        print(f"  {r['wall_s']:.0f} s wall (subprocess incl. imports"
              + (" and reference" if i == 0 else "") + ")", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    ok = report(results)
    print(f"\noverall: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
