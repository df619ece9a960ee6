"""The columnar floor of the attainment benchmark: the core rule in plain, straightforward polars.

What it does (and nothing more; no validation, no messages, no slippage, no recognitions):
read values.csv and units.csv; parse decimal commas and yes/no words (and level labels → rank);
percent from numerator/denominator where the value is empty; roll village values up to their
commune (``ratio`` = 100 × Σ numerator / Σ denominator, ``sum``, ``share_true``; missing when a
village lacks its value; the commune's own value when no roll-up); join the catalogue's thresholds
(the unit's region row over a generic one, then the latest ``year_from``); indicator status and gap;
criterion = all indicators met; criteria met per unit, year and tier. Commune tiers only (the
generated data has no hamlets). It is the yardstick of ``bench_attainment.py`` ("how fast can the
rule be"), not a second implementation used by the package.

Usage: ``python benchmarks/floor_polars.py DATA_DIR`` prints the stage times.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

YES = ["đạt", "có", "x", "yes", "true", "1"]
NO = ["chưa đạt", "không đạt", "không", "no", "false", "0"]


def _catalogue_frames(cat, tiers=("ntm", "nang-cao", "kieu-mau")) -> dict[str, pl.DataFrame]:
    meas = pl.from_pandas(cat.measures[["measure", "kind", "level", "rollup"]].astype(str))
    labels = [(m, str(lbl), i + 1) for m, lv in zip(cat.measures["measure"], cat.measures["levels"])
              for i, lbl in enumerate(list(lv))]
    inds = pl.from_pandas(cat.indicators.loc[cat.indicators["tier"].isin(tiers),
                                             ["tier", "criterion", "indicator", "measure", "comparator"]].astype(str))
    thr = cat.thresholds[cat.thresholds["tier"].isin(tiers)][["tier", "indicator", "region", "year_from", "year_to",
                                                                "threshold"]]
    thr = pl.from_pandas(thr.astype({"region": str})).with_columns(
        pl.col("region").replace({"nan": "", "None": "", "<NA>": ""}).fill_null(""),
        pl.col("year_from").cast(pl.Int64).fill_null(0), pl.col("year_to").cast(pl.Int64).fill_null(9999))
    return dict(meas=meas, inds=inds, thr=thr, default_region=cat.meta.get("default_region", ""),
                labels=pl.DataFrame(labels, schema=["indicator", "label", "rank"], orient="row"))


def run(data: Path, cat) -> tuple[dict[str, float], pl.DataFrame]:
    """Stage times (read, parse, rollup, assess) and the per unit × year × tier summary."""
    c = _catalogue_frames(cat)
    cat_ = pl.Categorical
    t: dict[str, float] = {}
    t0 = time.perf_counter()
    vals = pl.read_csv(data / "values.csv", schema_overrides={
        "code": cat_, "indicator": cat_, "value": cat_, "year": pl.Int64, "numerator": pl.Float64,
        "denominator": pl.Float64})
    units = pl.read_csv(data / "units.csv", infer_schema_length=0)
    t["read"] = time.perf_counter() - t0

    t0 = time.perf_counter()  # parse each distinct (measure, cell) once, join back
    cells = (vals.select("indicator", "value").unique()
             .join(c["meas"].select(pl.col("measure").cast(cat_), "kind"), left_on="indicator", right_on="measure",
                   how="left")
             .join(c["labels"].select(pl.col("indicator").cast(cat_), pl.col("label").cast(cat_), "rank"),
                   left_on=["indicator", "value"], right_on=["indicator", "label"], how="left"))
    raw = pl.col("value").cast(pl.String).str.strip_chars()
    low = raw.str.to_lowercase()
    number = (pl.when(raw.str.contains(",") & ~raw.str.contains(".", literal=True))
              .then(raw.str.replace(",", ".", literal=True)).otherwise(raw.str.replace_all(",", "", literal=True))
              .str.strip_chars_end("%").cast(pl.Float64, strict=False))
    cells = cells.with_columns(
        pl.when(pl.col("kind") == "boolean").then(pl.when(low.is_in(YES)).then(1.0).when(low.is_in(NO)).then(0.0))
        .when(pl.col("kind") == "level").then(pl.col("rank").cast(pl.Float64))
        .otherwise(number).alias("number"), is_pct=pl.col("kind") == "percent")
    vals = vals.join(cells.select("indicator", "value", "number", "is_pct"), on=["indicator", "value"], how="left",
                     nulls_equal=True)
    vals = vals.with_columns(pl.when(pl.col("value").is_null() & pl.col("is_pct") & (pl.col("denominator") > 0))
                             .then(100.0 * pl.col("numerator") / pl.col("denominator"))
                             .otherwise(pl.col("number")).alias("value")).drop("number", "is_pct")
    t["parse"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    com = units.filter(pl.col("level") == "commune").select(pl.col("code").cast(cat_),
                                                            region=pl.col("region").fill_null(""))
    vil = units.filter(pl.col("level") == "village").select(pl.col("code").cast(cat_),
                                                            commune=pl.col("parent_code").cast(cat_))
    n_vil = vil.group_by("commune").agg(n=pl.len())
    rules = c["meas"].filter(pl.col("level") == "village").select(pl.col("measure").cast(cat_), "rollup")
    rolled = (vals.join(vil, on="code").join(rules, left_on="indicator", right_on="measure")
              .group_by("commune", "year", "indicator", "rollup").agg(
                  n_val=pl.col("value").is_not_null().sum(),
                  n_ratio=(pl.col("numerator").is_not_null() & pl.col("denominator").is_not_null()).sum(),
                  s_val=pl.col("value").sum(), s_num=pl.col("numerator").sum(), s_den=pl.col("denominator").sum(),
                  n_true=(pl.col("value") == 1.0).sum())
              .join(n_vil, on="commune")
              .select(code="commune", year="year", indicator="indicator", value=pl.when(pl.col("rollup") == "ratio")
                      .then(pl.when((pl.col("n_ratio") == pl.col("n")) & (pl.col("s_den") > 0))
                            .then(100.0 * pl.col("s_num") / pl.col("s_den")))
                      .when(pl.col("n_val") < pl.col("n")).then(None)
                      .when(pl.col("rollup") == "sum").then(pl.col("s_val"))
                      .when(pl.col("rollup") == "share_true").then(100.0 * pl.col("n_true") / pl.col("n")))
              .filter(pl.col("value").is_not_null()))
    own = vals.join(com.select("code"), on="code", how="semi").select("code", "year", "indicator", "value")
    unit_vals = pl.concat([rolled, own.join(rolled, on=["code", "year", "indicator"], how="anti")])
    t["rollup"] = time.perf_counter() - t0

    t0 = time.perf_counter()  # indicators and criteria as integer ids; text only in the small tables
    years = vals.select(pl.col("year").unique())
    inds = c["inds"].with_row_index("ind", offset=0).with_columns(
        pl.col("measure").cast(cat_), crit=pl.struct("tier", "criterion").rank("dense").cast(pl.UInt32),
        comp=pl.col("comparator").replace_strict({"true": 0, ">=": 1, "<=": 2, "==": 3}, return_dtype=pl.UInt8))
    region = pl.when(pl.col("region") == "").then(pl.lit(c["default_region"])).otherwise(pl.col("region"))
    com = com.with_columns(region=region.cast(cat_))
    thr = (inds.select("ind", "tier", "indicator").join(years, how="cross")
           .join(com.select("region").unique(), how="cross")
           .join(c["thr"], on=["tier", "indicator"])
           .filter((pl.col("year_from") <= pl.col("year")) & (pl.col("year") <= pl.col("year_to"))
                   & ((pl.col("region_right") == "") | (pl.col("region_right") == pl.col("region").cast(pl.String))))
           .sort(["region_right", "year_from"], descending=[True, True])
           .group_by("ind", "year", "region").agg(pl.col("threshold").first()))
    rows = (com.join(years, how="cross").join(inds.select("ind", "crit", "measure", "comp"), how="cross")
            .join(unit_vals, left_on=["code", "year", "measure"], right_on=["code", "year", "indicator"], how="left")
            .join(thr, on=["ind", "year", "region"], how="left"))
    v, th, comp = pl.col("value"), pl.col("threshold"), pl.col("comp")
    met = (pl.when(comp == 0).then(v == 1.0).when(comp == 1).then(v >= th - 1e-9)
           .when(comp == 2).then(v <= th + 1e-9).otherwise((v - th).abs() <= 1e-9))
    ind = rows.with_columns(  # 0 met, 1 not met, 2 missing, 3 no threshold
        status=pl.when(v.is_null()).then(2).when(th.is_null() & (comp != 0)).then(3)
        .when(met).then(0).otherwise(1).cast(pl.UInt8),
        gap=pl.when(comp == 1).then((th - v).clip(0)).when(comp == 2).then((v - th).clip(0))
        .when(comp == 3).then((v - th).abs()))
    crit = ind.group_by("code", "year", "crit").agg(met=(pl.col("status") == 0).all())
    tier_of = inds.group_by("crit").agg(pl.col("tier").first())
    summary = (crit.join(tier_of, on="crit").group_by("code", "year", "tier")
               .agg(criteria_met=pl.col("met").sum(), criteria_total=pl.len()))
    t["assess"] = time.perf_counter() - t0
    return t, summary


if __name__ == "__main__":
    from ntm_analysis import load_catalogue

    times, summ = run(Path(sys.argv[1]), load_catalogue())
    print({k: round(x, 2) for k, x in times.items()}, f"total {sum(times.values()):.2f} s", summ.shape)
