"""Golden outputs of the loader and the assessment, frozen before the columnar core (issue 16).

Two datasets: the shipped sample (``data/sample``, every year, each period assessed under the
catalogue dataset.toml names for it) and a 200-commune national-like slice written by
``benchmarks/generate_national.py --communes 200`` (fixed seed; generated on the fly, not stored).
For each, the tables compared are: the loaded ``values`` and ``units``; per catalogue period the
assessment's ``indicators`` (with the whole-table trend ``change`` of
``trends.indicator_changes``), ``criteria`` (with slippage ``change``), ``units`` (counts, reached,
recognitions, newly met / recovered / slipped), ``rollup_conflicts`` and ``keys``; and, for the
sample, ``assess_villages`` of the commune tier.

The files in ``tests/assess/golden/`` are the ANSWERS: regenerate them only deliberately, when a change of
results is intended and reviewed (``PYTHONPATH=. python tests/assess/golden_tables.py`` rewrites them all).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"
NATIONAL_COMMUNES = 200
ASSESSMENT_TABLES = ("indicators", "criteria", "units", "rollup_conflicts", "keys")


def national_slice(folder: Path) -> Path:
    """Write the 200-commune national slice to ``folder`` (fixed seed) and return it."""
    if not (folder / "values.csv").is_file():
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate_national.py"), str(folder),
                        "--communes", str(NATIONAL_COMMUNES)], check=True, capture_output=True)
    return folder


def outputs(data: Path, villages_tier: str | None = None, keep: dict | None = None) -> dict[str, pd.DataFrame]:
    """Every golden table of the dataset at ``data`` computed by the current code; ``keep`` (a dict)
    receives the loaded ``dataset`` and the ``assessments`` per catalogue id, for further checks."""
    from ntm_analysis.assess import trends  # noqa: PLC0415
    from ntm_analysis.assess.attainment import assess, assess_villages  # noqa: PLC0415
    from ntm_analysis.catalogue.periods import catalogues_by_year  # noqa: PLC0415
    from ntm_analysis.io.dataset import load_dataset  # noqa: PLC0415

    ds = load_dataset(data)
    out: dict[str, list[pd.DataFrame]] = {}
    out["values"], out["units_table"] = [ds.values], [ds.units]
    years = sorted(int(y) for y in ds.values["year"].unique())
    for cat, period in catalogues_by_year(ds.meta, years):
        a = assess(ds, cat, years=period)
        cid = cat.meta["id"]
        if keep is not None:
            keep.setdefault("assessments", {})[cid] = (cat, a)
            keep["dataset"] = ds
        ind = a.indicators.assign(trend_change=trends.indicator_changes(a.indicators).astype("str"))
        for name, frame in (("indicators", ind), ("criteria", a.criteria), ("units", a.units),
                            ("rollup_conflicts", a.rollup_conflicts), ("keys", a.keys)):
            out.setdefault(name, []).append(frame.assign(catalogue=cid))
        if villages_tier and villages_tier in cat.tier_ids():
            out.setdefault("villages", []).append(
                assess_villages(ds, cat, villages_tier, years=period).assign(catalogue=cid))
    return {k: pd.concat(v, ignore_index=True) for k, v in out.items()}


def normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in a fixed order (every column, text compared as text), index reset; text as ``str``
    with NA kept, integers as int64/Int64, floats as float64, booleans as bool."""
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_bool_dtype(s):
            out[col] = s.astype(bool)
        elif pd.api.types.is_float_dtype(s):
            out[col] = s.astype("float64")
        elif pd.api.types.is_integer_dtype(s):
            out[col] = s.astype("Int64" if s.isna().any() or str(s.dtype) == "Int64" else "int64")
        else:
            out[col] = s.astype("str")
    key = [c for c in out.columns]
    order = out[key].astype("string").fillna("\x00")
    return out.loc[order.sort_values(key).index].reset_index(drop=True)


def write(tables: dict[str, pd.DataFrame], prefix: str) -> None:
    """Write ``tables`` as ``tests/assess/golden/<prefix>-<name>.parquet`` (normalised)."""
    GOLDEN.mkdir(exist_ok=True)
    for name, frame in tables.items():
        normalise(frame).to_parquet(GOLDEN / f"{prefix}-{name}.parquet", index=False, compression="zstd")


def read(prefix: str, name: str) -> pd.DataFrame:
    """A stored golden table (normalised the same way)."""
    return normalise(pd.read_parquet(GOLDEN / f"{prefix}-{name}.parquet"))


def compare(got: pd.DataFrame, prefix: str, name: str) -> None:
    """Assert that ``got`` equals the golden table: same columns, dtypes kind, values (floats to 1e-9)."""
    want = read(prefix, name)
    got = normalise(got)
    assert list(got.columns) == list(want.columns), f"{prefix}-{name}: columns differ"
    assert len(got) == len(want), f"{prefix}-{name}: {len(got)} rows, golden {len(want)}"
    pd.testing.assert_frame_equal(got, want, check_dtype=True, check_exact=False, rtol=1e-9, atol=1e-9,
                                  obj=f"{prefix}-{name}")


def main() -> None:
    """Regenerate every golden file (deliberately: only when a change of results is intended)."""
    import tempfile  # noqa: PLC0415

    sys.path.insert(0, str(ROOT))
    write(outputs(ROOT / "data" / "sample", villages_tier="ntm"), "sample")
    with tempfile.TemporaryDirectory() as tmp:
        write(outputs(national_slice(Path(tmp) / "national")), "national")
    for p in sorted(GOLDEN.glob("*.parquet")):
        print(f"{p.relative_to(ROOT)}: {p.stat().st_size / 1024:,.0f} KiB, {len(pd.read_parquet(p)):,} rows")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
