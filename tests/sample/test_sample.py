"""The synthetic sample: deterministic, up to date, and reproducing the reference plan's situation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ntm_analysis.assess.attainment import assess
from ntm_analysis.catalogue.model import load_catalogue
from ntm_analysis.io.dataset import load_dataset
from ntm_analysis.sample.generate import write_sample

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
TAN_LAP = "06352"


@pytest.fixture(scope="module")
def sample_assessment():
    cat = load_catalogue()
    ds = load_dataset(SAMPLE, cat)
    return ds, assess(ds, cat)


def test_generator_rewrites_the_committed_sample_byte_for_byte(tmp_path: Path) -> None:
    written = write_sample(tmp_path)
    assert written, "the generator wrote nothing"
    for path in written:
        assert path.read_bytes() == (SAMPLE / path.name).read_bytes(), f"{path.name} differs: run `make sample`"


def test_sample_loads_without_errors(sample_assessment) -> None:
    ds, _ = sample_assessment
    assert not [p for p in ds.problems if p.severity == "error"]
    assert ds.meta["synthetic"] is True


def test_sample_has_the_18_commune_level_units_of_bac_son_2020_2024(sample_assessment) -> None:
    ds, _ = sample_assessment
    u = ds.units
    live = u[(u["level"] == "commune") & (u["parent_code"] == "185")
             & (u["valid_from"].fillna(0) <= 2020) & (u["valid_to"].fillna(9999) >= 2024)]
    assert len(live) == 18
    assert set(live.loc[live["name"] == "Tân Lập", "code"]) == {TAN_LAP}


def test_every_unit_of_2024_carries_its_2025_successor(sample_assessment) -> None:
    ds, _ = sample_assessment
    u = ds.units
    communes = u[(u["level"] == "commune") & (u["valid_to"] == 2024)]
    assert communes["successor_code"].notna().all()
    assert communes.set_index("code").loc[TAN_LAP, "successor_code"] == "06367"


def test_tan_lap_meets_18_of_19_ntm_criteria_in_2023_with_criterion_1_slipped(sample_assessment) -> None:
    _, a = sample_assessment
    row = a.units.query("code == @TAN_LAP and year == 2023 and tier == 'ntm'").iloc[0]
    assert (row["criteria_met"], row["criteria_total"]) == (18, 19)
    crit = a.criteria.query("code == @TAN_LAP and year == 2023 and tier == 'ntm' and criterion == 1").iloc[0]
    assert crit["status"] == "not_met"
    assert crit["change"] == "slipped"
    met_2022 = a.criteria.query("code == @TAN_LAP and year == 2022 and tier == 'ntm' and criterion == 1")
    assert met_2022["status"].iloc[0] == "met"


def test_tan_lap_meets_fewer_than_10_nang_cao_criteria_in_2023(sample_assessment) -> None:
    _, a = sample_assessment
    row = a.units.query("code == @TAN_LAP and year == 2023 and tier == 'nang-cao'").iloc[0]
    assert row["criteria_met"] < 10


def test_lan_rieu_is_a_recognised_model_residential_area_and_pac_giao_is_not(sample_assessment) -> None:
    ds, _ = sample_assessment
    # codes are reused across periods; a village moved under its 2025 commune keeps its code and name
    names = ds.units[ds.units["level"].isin(["village", "hamlet"])].drop_duplicates("code").set_index("code")["name"]
    recs = ds.recognitions.assign(name=ds.recognitions["code"].map(names))
    kdc = recs[recs["tier"] == "kdc-kieu-mau"]
    assert "Lân Riều" in set(kdc["name"])
    assert "Pác Giáo" not in set(kdc["name"])
    lan_rieu = ds.units[ds.units["name"] == "Lân Riều"].iloc[0]
    assert names[lan_rieu["parent_code"]] == "Nà Nâm"


def test_other_communes_show_a_spread_of_situations(sample_assessment) -> None:
    _, a = sample_assessment
    u = a.units[(a.units["tier"] == "ntm") & a.units["code"].str.fullmatch(r"\d{5}")]
    latest = u[u["year"] == 2024]
    assert (latest["criteria_met"] == 19).sum() >= 5          # several NTM communes
    assert (latest["criteria_met"] < 15).sum() >= 3          # several far from it
    assert a.criteria.query("tier == 'ntm' and change == 'slipped'")["code"].nunique() >= 3  # slipping
    nc = a.units.query("tier == 'nang-cao' and year == 2024 and reached")
    assert 1 <= len(nc) <= 5                                 # a few reach nâng cao


@pytest.mark.parametrize("year, ntm, nang_cao", [(2021, 19, 6), (2022, 19, 7), (2023, 18, 8), (2024, 19, 10)])
def test_tan_lap_2021_2024_situation_is_kept(sample_assessment, year, ntm, nang_cao) -> None:
    # the counts of data/sample-inputs/profiles.yaml (Tân Lập's 2024 plan); 2025-2026 must not move them
    _, a = sample_assessment
    rows = a.units.query("code == @TAN_LAP and year == @year").set_index("tier")["criteria_met"]
    assert (rows["ntm"], rows["nang-cao"]) == (ntm, nang_cao)


def test_six_communes_of_2025_sit_under_the_province_with_real_codes(sample_assessment) -> None:
    ds, _ = sample_assessment
    u = ds.units
    new = u[(u["level"] == "commune") & (u["valid_from"] == 2025)]
    # NQ 1672/NQ-UBTVQH15 khoản 16-21 (places-and-admin-changes.md)
    assert dict(zip(new["code"], new["name"])) == {"06325": "Bắc Sơn", "06337": "Tân Tri", "06349": "Hưng Vũ",
                                                   "06367": "Vũ Lăng", "06364": "Vũ Lễ", "06376": "Nhất Hòa"}
    assert set(new["parent_code"]) == {"20"}


def test_new_communes_have_a_group_labelled_synthetic(sample_assessment) -> None:
    ds, _ = sample_assessment
    new = ds.units[(ds.units["level"] == "commune") & (ds.units["valid_from"] == 2025)]
    assert new["group"].notna().all() and new["note"].str.contains("giả định").all()


def test_vu_lang_carries_tan_lap_villages_and_model_areas_from_2025(sample_assessment) -> None:
    ds, _ = sample_assessment
    u = ds.units
    v26 = u[(u["level"] == "village") & (u["parent_code"] == "06367") & (u["valid_from"].fillna(0) <= 2026)]
    hamlets = u[(u["level"] == "hamlet") & u["parent_code"].isin(v26["code"])]
    assert {"Lân Riều", "Pác Giáo"} <= set(hamlets["name"])


def test_sample_has_2025_and_2026_values_of_the_new_communes(sample_assessment) -> None:
    ds, _ = sample_assessment
    v = ds.values
    assert {2025, 2026} <= set(v.loc[v["code"] == "06367", "year"])
