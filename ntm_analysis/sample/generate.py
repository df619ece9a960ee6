"""Deterministic generator of the synthetic sample dataset ``data/sample/``.

Bắc Sơn district (Lạng Sơn) with its real commune-level units and GSO codes, villages and hamlets for
three communes, and indicator values for 2021-2024 that reproduce the situation of Tân Lập's 2024
plan (18/19 NTM criteria in 2023, criterion 1 slipped; fewer than 10 NTM nâng cao criteria; xóm Lân
Riều a recognised model residential area). All values are SYNTHETIC: they are drawn so that each
commune meets the number of criteria its profile asks for (``data/sample-inputs/profiles.yaml``),
against the thresholds of the catalogue. Rerunning with the same seed writes identical files.

Run: ``python -m ntm_analysis.sample.generate data/sample``.
"""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from ntm_analysis.catalogue.model import Catalogue
from ntm_analysis.sample.draw import indicator_thresholds, choose_criteria, criteria_order, format_value, draw_unit_year
from ntm_analysis.sample.reform import carry_across_reform, reform_values
from ntm_analysis.sample.values import SEED, rng_for

__all__ = ["SEED", "build_units", "generate", "write_sample", "load_profiles"]

INPUTS = Path(__file__).resolve().parents[2] / "data" / "sample-inputs"
PROVINCE = ("20", "Lạng Sơn")
DISTRICT = ("185", "Bắc Sơn")
REGION = "trung-du-mien-nui-phia-bac"
SYNTHETIC_NOTE = "Dữ liệu tổng hợp (synthetic), không phải số liệu thật"

# --- units -----------------------------------------------------------------------------------


def build_units(inputs: Path = INPUTS) -> pd.DataFrame:
    """Province, district, the 20 commune-level units of 2019 (with 2020 merges), the 6 communes of
    2025, and villages/hamlets of three communes, in the units.csv layout."""
    communes = pd.read_csv(inputs / "bac-son-communes-2019.csv", dtype={"gso_code_2019": str})
    rows: list[dict[str, Any]] = [
        dict(code=PROVINCE[0], name=PROVINCE[1], type="Tỉnh", level="province", parent_code=None),
        dict(code=DISTRICT[0], name=DISTRICT[1], type="Huyện", level="district", parent_code=PROVINCE[0],
             valid_to=2024, note="Cấp huyện chấm dứt hoạt động từ 01/7/2025"),
    ]
    # 2025 successors: the new commune reuses one old code (places-and-admin-changes.md).
    new_codes = {"Bắc Sơn": "06325", "Tân Tri": "06337", "Hưng Vũ": "06349",
                 "Vũ Lăng": "06367", "Vũ Lễ": "06364", "Nhất Hòa": "06376"}
    merged_2020 = {"06334": "06343", "06346": "06325"}  # Quỳnh Sơn -> Bắc Quỳnh, Hữu Vĩnh -> TT Bắc Sơn
    rng = rng_for("households")
    for c in communes.itertuples(index=False):
        code = c.gso_code_2019
        households = int(rng.integers(700, 1900))
        base = dict(code=code, type=c.type_vi, level="commune", parent_code=DISTRICT[0],
                    region=REGION, households=households, population=int(households * rng.uniform(4.1, 4.6)))
        if code in merged_2020:
            rows.append(base | dict(name=c.name_vi, valid_to=2019, successor_code=merged_2020[code]))
        elif code == "06343":  # xã Bắc Sơn until 2019, then xã Bắc Quỳnh under the same code
            rows.append(base | dict(name="Bắc Sơn", valid_to=2019, successor_code="06343"))
            rows.append(base | dict(name="Bắc Quỳnh", valid_from=2020, valid_to=2024,
                                    successor_code=new_codes[c.commune_after_2025_07]))
        else:
            rows.append(base | dict(name=c.name_vi, valid_to=2024,
                                    successor_code=new_codes[c.commune_after_2025_07]))
    for name, code in new_codes.items():
        rows.append(dict(code=code, name=name, type="Xã", level="commune", parent_code=PROVINCE[0],
                         region=REGION, valid_from=2025,
                         note="Xã mới từ 01/7/2025 (Nghị quyết 1672/NQ-UBTVQH15)"))
    villages = pd.read_csv(inputs / "villages.csv", dtype={"commune_code": str}, keep_default_na=False)
    counters: dict[str, int] = {}
    for v in villages.itertuples(index=False):
        counters[v.commune_code] = counters.get(v.commune_code, 0) + 1
        vcode = f"{v.commune_code}-{counters[v.commune_code]:02d}"
        note = "" if v.real_name in (True, "True") else SYNTHETIC_NOTE + " (tên thôn đặt giả định)"
        rows.append(dict(code=vcode, name=v.village, type="Thôn", level="village", parent_code=v.commune_code,
                         region=REGION, households=int(v.households), valid_to=2024, note=note))
        hamlets = [h for h in str(v.hamlets).split("|") if h]
        shares = rng.dirichlet(np.full(len(hamlets), 4.0)) if hamlets else []
        for j, (hamlet, share) in enumerate(zip(hamlets, shares), start=1):
            real = hamlet in ("Pác Giáo", "Lân Riều")
            rows.append(dict(code=f"{vcode}-{j:02d}", name=hamlet, type="Xóm", level="hamlet",
                             parent_code=vcode, region=REGION,
                             households=max(12, int(round(int(v.households) * share))),
                             note="" if real else SYNTHETIC_NOTE + " (tên xóm đặt giả định)"))
    # Every other commune assessed under NTM gets numbered villages ("Thôn 1".."Thôn N"): plainly
    # synthetic names, so that village-level measures roll up everywhere as they do in real data.
    detailed = set(villages["commune_code"])
    for r in list(rows):
        if (r["level"] == "commune" and r.get("type") == "Xã" and r["code"] not in detailed
                and r.get("valid_to") == 2024):
            n = int(np.clip(round(r["households"] / 140), 5, 12))
            hh = rng.multinomial(r["households"], rng.dirichlet(np.full(n, 6.0)))
            for i in range(n):
                rows.append(dict(code=f"{r['code']}-{i + 1:02d}", name=f"Thôn {i + 1}", type="Thôn",
                                 level="village", parent_code=r["code"], region=REGION,
                                 households=int(max(hh[i], 25)), valid_to=2024,
                                 note=SYNTHETIC_NOTE + " (thôn đánh số giả định)"))
    units = pd.DataFrame(rows)
    cols = ["code", "name", "type", "level", "parent_code", "region", "group", "households", "population",
            "valid_from", "valid_to", "successor_code", "note"]
    units = units.reindex(columns=cols)
    # a commune's households are the sum over its villages (population keeps its ratio)
    sums = units[units["level"] == "village"].groupby("parent_code")["households"].sum()
    is_commune = (units["level"] == "commune") & units["code"].isin(sums.index) & units["valid_to"].eq(2024)
    ratio = units.loc[is_commune, "population"] / units.loc[is_commune, "households"]
    units.loc[is_commune, "households"] = units.loc[is_commune, "code"].map(sums).to_numpy()
    units.loc[is_commune, "population"] = (units.loc[is_commune, "households"] * ratio).round()
    for col in ("households", "population", "valid_from", "valid_to"):
        units[col] = units[col].astype("Int64")
    return carry_across_reform(units, load_profiles(inputs))


# --- scenario --------------------------------------------------------------------------------


def load_profiles(inputs: Path = INPUTS) -> dict[str, Any]:
    """The scenario file: criteria met per commune and year, forced slips, recognitions."""
    return yaml.safe_load((inputs / "profiles.yaml").read_text(encoding="utf-8"))


def generate(cat: Catalogue | None = None, inputs: Path = INPUTS) -> dict[str, pd.DataFrame]:
    """Build the sample tables (units, values, recognitions) from the scenario and the catalogue."""
    from ntm_analysis.catalogue.model import load_catalogue  # noqa: PLC0415 (the catalogue loader is heavy)

    cat = cat or load_catalogue()
    prof = load_profiles(inputs)
    years: list[int] = list(prof["years"])
    units = build_units(inputs)
    tiers = cat.tiers.set_index("tier")
    commune_tiers = [t for t in cat.tier_ids() if tiers.loc[t, "unit_level"] == "commune"]
    hamlet_tiers = [t for t in cat.tier_ids() if tiers.loc[t, "unit_level"] == "hamlet"]
    by_year = {y: indicator_thresholds(cat, REGION, y) for y in years}
    live = units[units["valid_to"].fillna(9999) >= years[0]]
    villages = live[live["level"] == "village"]
    hamlets = live[live["level"] == "hamlet"]
    rows: list[dict[str, Any]] = []
    recognitions: list[dict[str, Any]] = []
    for code, p in prof["communes"].items():
        for tier, year in (p.get("recognised") or {}).items():
            recognitions.append(dict(code=code, tier=tier, year=year,
                                     decision="Quyết định công nhận (giả định — dữ liệu tổng hợp)"))
        my_villages = villages[villages["parent_code"] == code]
        for yi, year in enumerate(years):
            ind = by_year[year]
            ind = ind[ind["tier"].isin(commune_tiers)]
            met: dict[tuple[str, int], bool] = {}
            failed_below: set[int] = set()
            for tier in commune_tiers:
                key = tier.replace("-", "_")
                crits = sorted(set(ind.loc[ind["tier"] == tier, "criterion"]))
                counts = p.get(key)
                k = int(counts[yi]) if counts else 0
                forced_fail = list((p.get(f"{key}_fail") or {}).get(year, []))
                forced_meet = list((p.get(f"{key}_meet") or {}).get(year, []))
                chosen = choose_criteria(crits, k, forced_fail, forced_meet, criteria_order(code, crits),
                                          excluded=failed_below | set(forced_fail))
                met.update({(tier, c): c in chosen for c in crits})
                failed_below |= set(crits) - chosen
            hh = int(live.loc[(live["code"] == code) & (live["level"] == "commune"), "households"].iloc[0])
            then = my_villages[my_villages["valid_from"].fillna(0).le(year) & my_villages["valid_to"].fillna(9999).ge(year)]
            rows += draw_unit_year(cat, ind, met, code, year, yi, then, hh)
    rows += _hamlet_rows(cat, prof, hamlets, years + [years[-1] + 1], hamlet_tiers, recognitions)
    rows += reform_values(cat, units, rows, prof)
    values = pd.DataFrame(rows).reindex(columns=["code", "year", "indicator", "value", "numerator",
                                                 "denominator", "source", "assessed_by", "note"])
    for col in ("numerator", "denominator"):
        values[col] = values[col].map(lambda x: "" if pd.isna(x) else format_value(float(x), "number", None))
    values = values.sort_values(["code", "year", "indicator"], kind="stable").reset_index(drop=True)
    recs = pd.DataFrame(recognitions).sort_values(["code", "tier", "year"]).reset_index(drop=True)
    return {"units": units, "values": values, "recognitions": recs}


def _hamlet_rows(cat: Catalogue, prof: dict[str, Any], hamlets: pd.DataFrame, years: list[int],
                 tiers: list[str], recognitions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Model-residential-area criteria for every hamlet: the profile's counts for the two real
    areas, a modest invented spread for the others."""
    rows: list[dict[str, Any]] = []
    areas = prof.get("model_areas") or {}
    for tier in tiers:
        ind = cat.indicators[cat.indicators["tier"] == tier]
        crits = sorted(set(ind["criterion"]))
        for h in hamlets.itertuples(index=False):
            spec = areas.get(h.name, {})
            if spec.get("recognised"):
                recognitions.append(dict(code=h.code, tier=tier, year=spec["recognised"],
                                         decision="Quyết định công nhận khu dân cư NTM kiểu mẫu (giả định)"))
            rng = rng_for("hamlet", h.code, tier)
            start = int(rng.integers(1, max(2, len(crits) - 1)))
            for yi, year in enumerate(years):
                k = spec["met"][yi] if "met" in spec else min(len(crits) - 1, start + yi // 2)
                order = list(rng_for("hamlet-order", h.code).permutation(crits))
                chosen = set(order[:k])
                for c in crits:
                    c_ind = ind[ind["criterion"] == c]
                    fail_at = int(rng_for("hamlet-fail", h.code, year, c).integers(len(c_ind)))
                    for i, r in enumerate(c_ind.itertuples(index=False)):
                        ok = c in chosen or i != fail_at
                        rows.append(dict(code=h.code, year=year, indicator=r.measure,
                                         value="Đạt" if ok else "Không đạt",
                                         source="Biên bản tự đánh giá của khu dân cư (tổng hợp)",
                                         assessed_by="self"))
    return rows


DATASET_TOML = """\
# Bộ dữ liệu mẫu — DỮ LIỆU TỔNG HỢP (synthetic). Sinh bởi: python -m ntm_analysis.sample.generate data/sample
name = "Mẫu: huyện Bắc Sơn cũ, tỉnh Lạng Sơn, 2021-2026 (dữ liệu tổng hợp)"
name_en = "Sample: former Bắc Sơn district, Lạng Sơn province, 2021-2026 (synthetic data)"
province = "Lạng Sơn"
province_code = "20"
catalogue = "lang-son-2022-2025"
synthetic = true
notes = \"\"\"Tên và mã đơn vị hành chính cấp xã là thật (Tổng cục Thống kê). Giá trị chỉ tiêu, tên phần lớn thôn/xóm \
và năm công nhận là giả định, sinh ngẫu nhiên có kiểm soát (seed cố định) để tái hiện tình huống của Kế hoạch \
năm 2024 xã Tân Lập; từ 01/7/2025 sáu xã mới (tên, mã thật), nhóm xã giả định. Không dùng cho báo cáo chính thức.\"\"\"
notes_en = \"\"\"Commune-level names and GSO codes are real. Indicator values, most village/hamlet names and \
recognition years are synthetic, drawn with a fixed seed to reproduce the situation of Tân Lập's 2024 plan; from \
01/7/2025 the six new communes (real names and codes) with synthetic commune groups. Not for official reporting.\"\"\"

# Bộ tiêu chí theo giai đoạn / criteria catalogue per period
[catalogues]
"2021-2025" = "lang-son-2022-2025"
"2026-2030" = "qd51-2026-2030"

# Boundary layers, relative to this folder (illustrative, not official boundaries)
[boundaries]
commune = "../../maps/sample/communes.gpkg"
village = "../../maps/sample/villages.gpkg"
hamlet = "../../maps/sample/hamlets.gpkg"
"""


def write_sample(out: Path, cat: Catalogue | None = None, inputs: Path = INPUTS) -> list[Path]:
    """Write units.csv, values.csv, recognitions.csv and dataset.toml into ``out``; return the paths."""
    tables = generate(cat, inputs)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables.items():
        path = out / f"{name}.csv"
        tmp = path.with_suffix(".csv.tmp")
        frame.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
        tmp.replace(path)
        written.append(path)
    toml_path = out / "dataset.toml"
    tomllib.loads(DATASET_TOML)  # fail early on a malformed template
    toml_path.write_text(DATASET_TOML, encoding="utf-8")
    return written + [toml_path]


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m ntm_analysis.sample.generate OUT_DIR``."""
    parser = argparse.ArgumentParser(description="Sinh bộ dữ liệu mẫu (tổng hợp) / write the synthetic sample")
    parser.add_argument("out", type=Path, nargs="?", default=Path("data/sample"))
    args = parser.parse_args(argv)
    for path in write_sample(args.out):
        print(path)


if __name__ == "__main__":  # pragma: no cover
    main()
