"""The sample across the 01/7/2025 reform: the six communes of the former Bắc Sơn district, 2025-2026.

Real (NQ 1672/NQ-UBTVQH15 khoản 16-21, ``data/sample-inputs/bac-son-communes-2019.csv``): the six
communes, their codes and the former units each was formed from (all whole units). SYNTHETIC: their
commune groups (nhóm 1-3, ``profiles.yaml`` ``new_communes``), every value.

- Villages keep their codes and move under the new commune from 2025 (a second units row with the
  new parent when the parent code changes), so xã Vũ Lăng carries Tân Lập's villages and its model
  residential areas Lân Riều and Pác Giáo.
- 2025 (criteria 2021-2025): the villages report as in 2024; each new commune's own values are its
  former units' 2024 values combined by the measure's roll-up rule (``trends.successor_series``: the
  one home of that rule); a measure that cannot be combined takes the value of the most populous
  former unit (a synthetic choice, written in the ``note``).
- 2026 (criteria ``qd51-2026-2030``, by commune group): values drawn as for 2021-2024 so that each
  commune meets the number of criteria its profile gives.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from ntm_analysis.sample.draw import choose_criteria, criteria_order, draw_unit_year, format_value, indicator_thresholds

REFORM_YEAR = 2025
NEW_CRITERIA_YEAR = 2026
NEW_CATALOGUE = "qd51-2026-2030"
SYNTHETIC_GROUP = "Nhóm xã giả định (dữ liệu tổng hợp)"
NOTE_NEW = "Xã mới từ 01/7/2025 (Nghị quyết 1672/NQ-UBTVQH15)"


def carry_across_reform(units: pd.DataFrame, prof: dict[str, Any]) -> pd.DataFrame:
    """``units`` with the new communes' group, households and population (sums over their former
    units) and every village under its 2025 commune from 2025 (a second row, same code, when the
    commune code changes; one open row when it does not)."""
    units = units.copy().astype({"group": object, "note": object})
    new = prof.get("new_communes") or {}
    last = REFORM_YEAR - 1
    old = units[(units["level"] == "commune") & units["valid_to"].eq(last)]
    is_new = (units["level"] == "commune") & units["valid_from"].eq(REFORM_YEAR)
    for i in units.index[is_new]:
        code = units.at[i, "code"]
        parts = old[old["successor_code"] == code]
        units.at[i, "households"] = int(parts["households"].sum())
        units.at[i, "population"] = int(parts["population"].sum())
        if code in new:
            units.at[i, "group"] = str(new[code]["group"])
            units.at[i, "note"] = f"{NOTE_NEW}; {SYNTHETIC_GROUP}"
    successor = dict(zip(old["code"], old["successor_code"]))
    villages = units[(units["level"] == "village") & units["valid_to"].eq(last)]
    same = villages["parent_code"].map(successor).eq(villages["parent_code"])
    units.loc[villages.index[same], "valid_to"] = pd.NA  # parent code unchanged: the row simply continues
    moved = villages[~same].assign(parent_code=lambda d: d["parent_code"].map(successor),
                                   valid_from=REFORM_YEAR, valid_to=pd.NA)
    units.loc[villages.index[~same], "successor_code"] = villages.loc[~same, "code"]
    out = pd.concat([units, moved], ignore_index=True)
    for col in ("households", "population", "valid_from", "valid_to"):
        out[col] = out[col].astype("Int64")
    return out


def _fmt(value: float, kind: str, levels: Any) -> str:

    return format_value(value, kind, list(levels) if isinstance(levels, (list, tuple)) and len(levels) else None)


def _combined_2025(cat: Any, units: pd.DataFrame, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The new communes' own 2025 values: their former units' 2024 values combined (see module)."""
    from ntm_analysis.assess.trends import successor_series  # noqa: PLC0415
    from ntm_analysis.io.dataset import load_dataset  # noqa: PLC0415

    cols = ["code", "year", "indicator", "value", "numerator", "denominator", "source", "assessed_by", "note"]
    values = pd.DataFrame(rows).reindex(columns=cols)
    with tempfile.TemporaryDirectory() as tmp:
        units.to_csv(Path(tmp) / "units.csv", index=False)
        values.to_csv(Path(tmp) / "values.csv", index=False)
        data = load_dataset(tmp, cat)
    measures = cat.measures.set_index("measure")
    new = units[(units["level"] == "commune") & units["valid_from"].eq(REFORM_YEAR)]
    pop = units[units["valid_to"].eq(REFORM_YEAR - 1)].set_index("code")["population"]
    latest = data.values[data.values["year"].eq(REFORM_YEAR - 1)]
    out: list[dict[str, Any]] = []
    for code in new["code"]:
        _, series = successor_series(data, cat, code, REFORM_YEAR)
        s = series[series["year"].eq(REFORM_YEAR - 1)]
        s = s[s["indicator"].map(measures["level"]).eq("commune")]
        parts = units.loc[units["successor_code"].eq(code) & units["level"].eq("commune"), "code"]
        biggest = pop[pop.index.isin(parts)].idxmax()
        for r in s.itertuples(index=False):
            m = measures.loc[r.indicator]
            base = dict(code=code, year=REFORM_YEAR, indicator=r.indicator, assessed_by="self",
                        source="Báo cáo tự đánh giá của xã (tổng hợp)")
            if r.flag == "combined":
                row = base | dict(value=_fmt(r.value, m["kind"], m.get("levels")),
                                  note=f"Gộp số liệu 2024 của: {r.members}")
                if pd.notna(r.numerator) and pd.notna(r.denominator):
                    row |= dict(numerator=_fmt(r.numerator, "number", None), denominator=_fmt(r.denominator, "number", None),
                                value=_fmt(round(100 * r.numerator / r.denominator, 1), "percent", None))
            else:
                own = latest[latest["code"].eq(biggest) & latest["indicator"].eq(r.indicator)]
                if own.empty:
                    continue
                row = base | dict(value=_fmt(float(own["value"].iloc[0]), m["kind"], m.get("levels")),
                                  note="Giả định: số liệu 2024 của xã cũ đông dân nhất (không gộp được)")
            out.append(row)
    return out


def reform_values(cat: Any, units: pd.DataFrame, rows: list[dict[str, Any]], prof: dict[str, Any]) -> list[dict[str, Any]]:
    """values.csv rows for 2025 and 2026 (see the module docstring); ``rows`` are the 2021-2024 rows."""
    from ntm_analysis.catalogue.model import load_catalogue  # noqa: PLC0415

    last = REFORM_YEAR - 1
    village_codes = set(units.loc[units["level"] == "village", "code"])
    out = [r | dict(year=REFORM_YEAR) for r in rows if r["year"] == last and r["code"] in village_codes]
    out += _combined_2025(cat, units, rows + out)
    new = prof.get("new_communes") or {}
    if not new:
        return out
    qd51 = load_catalogue(NEW_CATALOGUE)
    tiers = [t for t in qd51.tier_ids() if qd51.tiers.set_index("tier").loc[t, "unit_level"] == "commune"]
    live = units[(units["valid_from"].fillna(0) <= NEW_CRITERIA_YEAR) & (units["valid_to"].fillna(9999) >= NEW_CRITERIA_YEAR)]
    first = min(int(r["year"]) for r in rows)
    for code, p in new.items():
        ind = indicator_thresholds(qd51, str(p["group"]), NEW_CRITERIA_YEAR)
        ind = ind[ind["tier"].isin(tiers)]
        met: dict[tuple[str, int], bool] = {}
        for tier in tiers:
            crits = sorted(set(ind.loc[ind["tier"] == tier, "criterion"]))
            k = int((p.get(tier.replace("-", "_")) or {}).get(NEW_CRITERIA_YEAR, 0))
            chosen = choose_criteria(crits, k, [], [], criteria_order(code, crits), set())
            met.update({(tier, c): c in chosen for c in crits})
        villages = live[(live["level"] == "village") & (live["parent_code"] == code)]
        hh = int(live.loc[(live["code"] == code) & (live["level"] == "commune"), "households"].iloc[0])
        out += draw_unit_year(qd51, ind, met, code, NEW_CRITERIA_YEAR, NEW_CRITERIA_YEAR - first, villages, hh,
                              pass_free=True)
    return out
