"""Deterministic generator of a national-scale SYNTHETIC dataset for the benchmarks.

63 provinces > 700 districts > ~10,600 communes > ~70,000 villages (× ``--scale``), five years
(2021-2025), every measure of the catalogue's commune tiers (ntm, nang-cao, kieu-mau) at the level it
is entered: commune measures once per commune and year, village measures once per village and year
(ratio measures as numerator/denominator with an empty value, so the loader computes the percentage
and the assessment rolls villages up). Hamlet measures (tier kdc-kieu-mau) are left out: there are
no hamlets. Values mix met and not met: each commune has a strength that improves over the years,
and each value falls below the lowest threshold, between the lowest and the highest, or above the
highest threshold of its measure. About 0.5 % of commune values and 0.2 % of village values are
left out so that ``missing`` statuses and incomplete roll-ups occur. Regions: the catalogue's default
region id on most provinces, empty (so the default applies) on every seventh province.

Generation is vectorised (numpy) and the CSVs are written with pyarrow: a few seconds at 1x.
The data are invented: they reproduce no real commune and no scenario.

Usage::

    python benchmarks/generate_national.py [OUT_DIR] [--scale 1|2|4] [--seed N]

OUT_DIR defaults to ``benchmarks/out/national-<scale>x`` (git-ignored).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ntm_analysis import load_catalogue  # noqa: E402

SEED = 20250101
YEARS = np.arange(2021, 2026, dtype=np.int64)
N_PROVINCES = 63
N_DISTRICTS = 700
N_COMMUNES = 10_600
VILLAGES_PER_COMMUNE = (3, 11)  # uniform integers in [3, 11): mean 6.5 -> ~69,000 villages at 1x
COMMUNE_TIERS = ("ntm", "nang-cao", "kieu-mau")
SYLLABLES = ["An", "Bình", "Cao", "Đông", "Hòa", "Hưng", "Khánh", "Lạc", "Long", "Minh", "Nam", "Nghĩa",
             "Phú", "Phúc", "Quang", "Sơn", "Tân", "Thanh", "Thịnh", "Thuận", "Tiến", "Trung", "Vĩnh", "Xuân",
             "Yên", "Đức", "Lợi", "Mỹ", "Hải", "Lâm"]


def _names(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` two-syllable place names plus a number (names need not be unique)."""
    a = np.asarray(SYLLABLES, dtype=object)[rng.integers(0, len(SYLLABLES), n)]
    b = np.asarray(SYLLABLES, dtype=object)[rng.integers(0, len(SYLLABLES), n)]
    return a + " " + b + " " + np.arange(1, n + 1).astype(str).astype(object)


def build_units(scale: int, rng: np.random.Generator, default_region: str,
                communes: int | None = None) -> tuple[pd.DataFrame, dict]:
    """units table plus the index arrays the value generator needs. ``communes`` (a small slice for
    tests, e.g. 200) replaces ``N_COMMUNES * scale`` and shrinks districts and provinces with it."""
    n_com = N_COMMUNES * scale if communes is None else communes
    n_dist = N_DISTRICTS if communes is None else max(1, min(N_DISTRICTS, communes // 8))
    n_prov = N_PROVINCES if communes is None else max(1, min(N_PROVINCES, max(7, n_dist // 3)))
    prov_codes = np.char.zfill(np.arange(1, n_prov + 1).astype(str), 2)
    dist_codes = np.char.zfill(np.arange(1, n_dist + 1).astype(str), 3)
    dist_prov = np.sort(rng.integers(0, n_prov, n_dist))
    dist_prov[:n_prov] = np.arange(n_prov)  # every province has a district
    dist_prov = np.sort(dist_prov)
    com_dist = np.sort(np.concatenate([np.arange(n_dist), rng.integers(0, n_dist, n_com - n_dist)]))
    com_codes = np.char.zfill(np.arange(1, n_com + 1).astype(str), 5)
    com_prov = dist_prov[com_dist]
    region_of_prov = np.where(np.arange(n_prov) % 7 == 6, "", default_region)
    com_region = region_of_prov[com_prov]
    n_vil = rng.integers(*VILLAGES_PER_COMMUNE, n_com)
    vil_com = np.repeat(np.arange(n_com), n_vil)
    vil_rank = np.arange(len(vil_com)) - np.repeat(np.cumsum(n_vil) - n_vil, n_vil) + 1
    vil_codes = np.char.add(np.char.add(com_codes[vil_com], "-"), np.char.zfill(vil_rank.astype(str), 2))
    vil_households = rng.integers(40, 260, len(vil_com))
    com_households = np.bincount(vil_com, weights=vil_households, minlength=n_com).astype(np.int64)

    def frame(code, name, typ, level, parent, region, households):
        n = len(code)
        return pd.DataFrame({"code": code, "name": name, "type": np.full(n, typ), "level": np.full(n, level),
                             "parent_code": parent, "region": region, "households": households})

    units = pd.concat([
        frame(prov_codes, _names(rng, n_prov), "Tỉnh", "province", np.full(n_prov, ""),
              np.full(n_prov, ""), np.full(n_prov, "")),
        frame(dist_codes, _names(rng, n_dist), "Huyện", "district", prov_codes[dist_prov],
              np.full(n_dist, ""), np.full(n_dist, "")),
        frame(com_codes, _names(rng, n_com), "Xã", "commune", dist_codes[com_dist], com_region,
              com_households.astype(str)),
        frame(vil_codes, _names(rng, len(vil_com)), "Thôn", "village", com_codes[vil_com],
              np.full(len(vil_com), ""), vil_households.astype(str)),
    ], ignore_index=True)
    return units, dict(com_codes=com_codes, vil_codes=vil_codes, vil_com=vil_com, vil_den=vil_households)


def measure_plan(cat) -> pd.DataFrame:
    """Measures of the commune tiers with their comparator and, per year, the lowest and highest
    threshold (default region or generic rows) over every indicator that uses them."""
    inds = cat.indicators[cat.indicators["tier"].isin(COMMUNE_TIERS)]
    meas = cat.measures[cat.measures["measure"].isin(inds["measure"])]
    meas = meas[meas["level"].isin(["commune", "village"])].copy()
    comp = inds.drop_duplicates("measure").set_index("measure")["comparator"]
    meas["comparator"] = meas["measure"].map(comp)
    thr = cat.thresholds.merge(inds[["tier", "indicator", "measure"]], on=["tier", "indicator"])
    region = thr["region"].astype("string").fillna("")
    thr = thr[region.isin(["", cat.meta["default_region"]])]
    rows = []
    for year in YEARS:  # five years: a loop over years, not over data
        t = thr[(thr["year_from"].fillna(0) <= year) & (thr["year_to"].fillna(9999) >= year)]
        g = t.groupby("measure")["threshold"].agg(["min", "max"]).reset_index().assign(year=year)
        rows.append(g)
    lims = pd.concat(rows).rename(columns={"min": "lo", "max": "hi"})
    grid = meas.merge(pd.DataFrame({"year": YEARS}), how="cross")
    return grid.merge(lims, on=["measure", "year"], how="left")


KINDS = ("boolean", "percent", "number", "count", "level")
COMPS = ("true", ">=", "<=", "==")


def _values_for(kind: np.ndarray, comp: np.ndarray, lo: np.ndarray, hi: np.ndarray, n_levels: np.ndarray,
                z: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Numeric value per row given its band ``z`` (0 below the lowest threshold, 1 between, 2 above
    the highest) and a uniform ``u``; the other arrays are aligned per row (kind and comparator as
    indices into KINDS and COMPS)."""
    pct, whole = kind == 1, (kind == 3) | (kind == 4)
    is_bool, ge, le, eq = comp == 0, comp == 1, comp == 2, comp == 3
    top = np.where(pct, 100.0, np.maximum(hi * 1.3, hi + 3))
    with np.errstate(invalid="ignore"):
        v_ge = np.select([z == 0, z == 1], [lo * (0.6 + 0.39 * u), lo + (hi - lo) * u],
                         default=np.minimum(hi + (top - hi) * u, top))
        v_le = np.select([z == 0, z == 1], [hi * (1.05 + 0.8 * u), lo + (hi - lo) * u], default=lo * u)
        v_eq = np.where(z >= 1, lo, lo + 1 + np.floor(4 * u))
        val = np.select([is_bool, ge, le, eq], [(z >= 1).astype(float), v_ge, v_le, v_eq], default=np.nan)
        val = np.where(whole & ge & (z == 0), np.floor(val), np.where(whole, np.ceil(val), val))
    val = np.where(kind == 4, np.clip(val, 1, np.maximum(n_levels, 1)), val)
    val = np.where(pct, np.clip(val, 0, 100), val)
    return np.where(pct | (kind == 2), np.round(val, 1), val)


def _band(strength: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """0/1/2 band from a commune strength in [0, 1] plus noise (stronger = higher band)."""
    s = strength + rng.normal(0, 0.18, len(strength))
    return np.digitize(s, [0.22, 0.55])


def _plan_arrays(plan: pd.DataFrame, labels: dict[str, list[str]]) -> dict[str, np.ndarray]:
    """Small per-(year, measure) arrays; rows index them with fancy indexing (no per-row objects)."""
    return dict(kind=plan["kind"].map(KINDS.index).to_numpy(), comp=plan["comparator"].map(COMPS.index).to_numpy(),
                lo=plan["lo"].to_numpy(dtype=float), hi=plan["hi"].to_numpy(dtype=float),
                n_levels=plan["measure"].map(lambda m: len(labels.get(m, []))).to_numpy(),
                measure=plan["measure"].to_numpy(dtype=object), year=plan["year"].to_numpy(dtype=np.int64))


def _text_values(val: np.ndarray, style: np.ndarray, labels: list[list[str]]) -> pa.Array:
    """Value cells as an Arrow string array, formatting each distinct (style, value) only once.
    ``style``: 0 number with a dot, 1 number with a decimal comma, 2 yes/no word, 3+k level label of
    ``labels[k]``, -1 empty cell."""
    key = np.where(style < 0, -1, style.astype(np.int64) * 10**8 + np.nan_to_num(np.round(val * 10)).astype(np.int64))
    uniq, inverse = np.unique(key, return_inverse=True)
    texts = []
    for k in uniq.tolist():  # distinct cells: a few thousand
        if k < 0:
            texts.append(None)
            continue
        st, v = divmod(k, 10**8)
        v = v / 10
        if st == 2:
            texts.append("Đạt" if v >= 1 else "Chưa đạt")
        elif st >= 3:
            texts.append(labels[st - 3][int(v) - 1])
        else:
            t = f"{v:.1f}".removesuffix(".0")
            texts.append(t.replace(".", ",") if st == 1 else t)
    return pa.array(texts, pa.string()).take(pa.array(inverse.ravel().astype(np.int32)))


def build_values(cat, units_idx: dict, rng: np.random.Generator, drop_commune: float = 0.005,
                 drop_village: float = 0.002) -> pa.Table:
    """values table (code, year, indicator, value, numerator, denominator) as an Arrow table."""
    plan = measure_plan(cat)
    levels = cat.measures.set_index("measure")["levels"]
    labels = {m: list(levels[m]) for m in plan.loc[plan["kind"] == "level", "measure"].unique()}
    level_ids = list(labels)
    com_codes, vil_codes, vil_com = units_idx["com_codes"], units_idx["vil_codes"], units_idx["vil_com"]
    n_com, n_year = len(com_codes), len(YEARS)
    base = rng.beta(2.2, 1.6, n_com)                       # commune strength
    trend = rng.uniform(0.0, 0.06, n_com)                  # yearly improvement
    all_codes = pa.array(np.concatenate([com_codes, vil_codes]).tolist(), pa.string())

    # --- commune measures: every (commune, year, measure), rows ordered commune, year, measure ---
    cp = _plan_arrays(plan[plan["level"] == "commune"].sort_values(["year", "measure"]).reset_index(drop=True), labels)
    n_slot = len(cp["kind"])
    com_i = np.repeat(np.arange(n_com, dtype=np.int32), n_slot)
    slot = np.tile(np.arange(n_slot, dtype=np.int32), n_com)
    year_i = cp["year"][slot] - YEARS[0]
    z = _band(base[com_i] + trend[com_i] * year_i, rng)
    kind = cp["kind"][slot]
    val = _values_for(kind, cp["comp"][slot], cp["lo"][slot], cp["hi"][slot], cp["n_levels"][slot], z,
                      rng.random(len(z)))
    style = np.where(kind == 0, 2, np.where((com_i % 3 == 0) & ((kind == 1) | (kind == 2)), 1, 0))
    lvl_slot = np.array([3 + level_ids.index(m) if m in labels else -9 for m in cp["measure"]])
    style = np.where(kind == 4, lvl_slot[slot], style)
    keep = rng.random(len(z)) >= drop_commune
    com_i, slot, val, style = com_i[keep], slot[keep], val[keep], style[keep]
    n = len(com_i)
    commune_tab = pa.table({
        "code": all_codes.take(pa.array(com_i)),
        "year": pa.array(cp["year"][slot]),
        "indicator": pa.array(cp["measure"].tolist(), pa.string()).take(pa.array(slot)),
        "value": _text_values(val, style, [labels[m] for m in level_ids]),
        "numerator": pa.nulls(n, pa.int64()), "denominator": pa.nulls(n, pa.int64())})

    # --- village measures: every (village, year, measure); the commune draws the level ----------
    vp = _plan_arrays(plan[plan["level"] == "village"].sort_values(["year", "measure"]).reset_index(drop=True), labels)
    rollup = plan.drop_duplicates("measure").set_index("measure")["rollup"]
    v_rule = np.array([("ratio", "share_true", "sum").index(rollup[m]) for m in vp["measure"]])
    nv_slot, n_vil = len(vp["kind"]), len(vil_codes)
    # one band and one target per (commune, year, village measure), shared by the commune's villages
    c_slot = np.tile(np.arange(nv_slot), n_com)
    c_com = np.repeat(np.arange(n_com), nv_slot)
    cz = _band(base[c_com] + trend[c_com] * (vp["year"][c_slot] - YEARS[0]), rng)
    target = _values_for(vp["kind"][c_slot], vp["comp"][c_slot], vp["lo"][c_slot], vp["hi"][c_slot],
                         vp["n_levels"][c_slot], cz, rng.random(len(cz)))
    cz, target = cz.reshape(n_com, nv_slot), target.reshape(n_com, nv_slot)
    vi = np.repeat(np.arange(n_vil, dtype=np.int32), nv_slot)
    slot = np.tile(np.arange(nv_slot, dtype=np.int32), n_vil)
    ci = vil_com[vi]
    rule, tgt, band = v_rule[slot], target[ci, slot], cz[ci, slot]
    den = units_idx["vil_den"][vi]
    share = np.where(tgt >= 100, 1.0, np.clip(tgt / 100 + rng.normal(0, 0.03, len(vi)), 0, 1))
    num = np.round(den * share).astype(np.int64)
    r = rng.random(len(vi))
    vval = np.select([rule == 1, rule == 2],
                     [(r < share).astype(float),
                      np.where((band >= 1) | (r < 0.6), 0.0, np.floor(1 + 3 * r))], default=np.nan)
    vstyle = np.select([rule == 1, rule == 2], [2, 0], default=-1)
    keep = rng.random(len(vi)) >= drop_village
    vi, slot, vval, vstyle, num, den, rule = (a[keep] for a in (vi, slot, vval, vstyle, num, den, rule))
    not_ratio = rule != 0
    village_tab = pa.table({
        "code": all_codes.take(pa.array(vi + n_com)),
        "year": pa.array(vp["year"][slot]),
        "indicator": pa.array(vp["measure"].tolist(), pa.string()).take(pa.array(slot)),
        "value": _text_values(vval, vstyle, [labels[m] for m in level_ids]),
        "numerator": pa.array(num, mask=not_ratio), "denominator": pa.array(den.astype(np.int64), mask=not_ratio)})
    return pa.concat_tables([commune_tab, village_tab])


def build_recognitions(units_idx: dict, rng: np.random.Generator) -> pd.DataFrame:
    """NTM recognitions (2019-2023) for about 40 % of communes, nâng cao for 8 %."""
    codes = units_idx["com_codes"]
    r = rng.random(len(codes))
    ntm = pd.DataFrame({"code": codes[r < 0.4], "tier": "ntm", "year": rng.integers(2019, 2024, (r < 0.4).sum())})
    nc = pd.DataFrame({"code": codes[r < 0.08], "tier": "nang-cao", "year": rng.integers(2023, 2025, (r < 0.08).sum())})
    out = pd.concat([ntm, nc], ignore_index=True).assign(decision="Quyết định công nhận (giả định)")
    return out.sort_values(["code", "tier"]).reset_index(drop=True)


def _write_csv(frame: pd.DataFrame | pa.Table, path: Path) -> None:
    """CSV UTF-8 via pyarrow: far faster than DataFrame.to_csv (text cells are quoted)."""
    table = frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(
        frame.astype({c: "string" for c in frame.columns}), preserve_index=False)
    pacsv.write_csv(table, path)


def generate(out: Path, scale: int = 1, seed: int = SEED, communes: int | None = None) -> dict:
    """Write units.csv, values.csv, recognitions.csv and dataset.toml to ``out``; returns counts.
    ``communes``: a small national-like slice (tests' golden files use 200) instead of the full scale."""
    rng = np.random.default_rng([seed, scale])
    cat = load_catalogue()
    units, idx = build_units(scale, rng, cat.meta["default_region"], communes)
    values = build_values(cat, idx, rng)
    recs = build_recognitions(idx, rng)
    out.mkdir(parents=True, exist_ok=True)
    _write_csv(units, out / "units.csv")
    _write_csv(values, out / "values.csv")
    _write_csv(recs, out / "recognitions.csv")
    (out / "dataset.toml").write_text(
        f'name = "Quốc gia (tổng hợp, ×{scale}) / national synthetic ×{scale}"\n'
        'province = "Toàn quốc"\ncatalogue = "lang-son-2022-2025"\nsynthetic = true\n'
        f'notes = "Sinh bởi benchmarks/generate_national.py --scale {scale} --seed {seed}; dữ liệu giả định."\n',
        encoding="utf-8")
    levels = units["level"].value_counts()
    return dict(provinces=int(levels["province"]), districts=int(levels["district"]),
                communes=int(levels["commune"]), villages=int(levels["village"]), values=values.num_rows,
                recognitions=len(recs))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", nargs="?", type=Path, help="output folder (default benchmarks/out/national-<scale>x)")
    ap.add_argument("--scale", type=int, default=1, choices=[1, 2, 4], help="multiplies communes and villages")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--communes", type=int, help="only this many communes (a small slice, e.g. 200 for tests)")
    args = ap.parse_args(argv)
    out = args.out or ROOT / "benchmarks" / "out" / f"national-{args.scale}x"
    t0 = time.perf_counter()
    counts = generate(out, args.scale, args.seed, args.communes)
    size = sum(p.stat().st_size for p in out.iterdir()) / 2**20
    print(f"{out}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items())
          + f"; {size:,.0f} MiB in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
