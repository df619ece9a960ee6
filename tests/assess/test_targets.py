"""Tests of ntm_analysis.assess.targets: ranking order, the 2-5 count rule, reasons and the draft paragraph.
Hand-made Assessment-like tables: unit X, tiers ntm and nang-cao, years 2022 and 2023."""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from ntm_analysis.catalogue.model import Catalogue
from ntm_analysis.assess.targets import SCORE_CUTOFF, draft_paragraph, rank_targets

NAMES = {1: "Quy hoạch", 2: "Giao thông", 3: "Thủy lợi và phòng chống thiên tai", 4: "Điện", 5: "Giáo dục",
         6: "Văn hóa", 7: "Cơ sở hạ tầng thương mại nông thôn", 8: "Thông tin và truyền thông", 9: "Nhà ở dân cư",
         14: "Y tế"}


def catalogue(indicators: pd.DataFrame | None = None) -> Catalogue:
    tiers = pd.DataFrame({"tier": ["ntm", "nang-cao"], "name_vi": ["Nông thôn mới", "Nông thôn mới nâng cao"],
                          "name_en": ["New rural", "Advanced new rural"], "unit_level": ["commune", "commune"],
                          "requires": ["", "ntm"], "order": [1, 2]})
    crit = pd.DataFrame([(t, n, name, f"Criterion {n}") for t in ("ntm", "nang-cao") for n, name in NAMES.items()],
                        columns=["tier", "criterion", "name_vi", "name_en"])
    empty = pd.DataFrame()
    meta = {"id": "t", "period_from": 2021, "period_to": 2025}
    if indicators is None:
        indicators = pd.DataFrame(columns=["tier", "indicator", "resource"])
    return Catalogue(meta=meta, tiers=tiers, measures=empty, criteria=crit, indicators=indicators,
                     thresholds=empty)


def build(spec: dict[int, dict], tier: str = "nang-cao", met: int = 8, total: int = 19,
          ntm_slipped: tuple[int, ...] = ()) -> SimpleNamespace:
    """``spec``: criterion → {"was_met": bool (2022), "unmet": [(gap_share, resource, status), ...]}.
    Criteria with no unmet indicators are met in 2023. ``ntm_slipped``: NTM criteria slipped in 2023.
    The catalogue (with the indicators' resource classes) is on ``.cat``."""
    crit, ind, res = [], [], []
    for c, s in spec.items():
        unmet = s.get("unmet", [])
        crit.append(dict(code="X", year=2022, tier=tier, criterion=c, status="met" if s.get("was_met") else "not_met",
                         change=pd.NA))
        now = "not_met" if unmet else "met"
        change = ("slipped" if s.get("was_met") and unmet else "kept" if s.get("was_met")
                  else "still_not_met" if unmet else "newly_met")
        crit.append(dict(code="X", year=2023, tier=tier, criterion=c, status=now, change=change))
        for k, (gap, resource, status) in enumerate(unmet, start=1):
            code = f"{c}.{k}"
            share = np.nan if status != "not_met" or gap is None else 1.0 - gap
            ind.append(dict(code="X", year=2023, tier=tier, criterion=c, indicator=code, status=status,
                            share_covered=share))
            res.append(dict(tier=tier, indicator=code, resource=resource))
    for c in ntm_slipped:
        crit.append(dict(code="X", year=2022, tier="ntm", criterion=c, status="met", change=pd.NA))
        crit.append(dict(code="X", year=2023, tier="ntm", criterion=c, status="not_met", change="slipped"))
        ind.append(dict(code="X", year=2023, tier="ntm", criterion=c, indicator=f"{c}.1", status="not_met",
                        share_covered=np.nan))
        res.append(dict(tier="ntm", indicator=f"{c}.1", resource="community"))
    units = pd.DataFrame([dict(code="X", year=2023, tier=tier, criteria_met=met, criteria_total=total,
                               slipped_since_recognition="")])
    if ntm_slipped:
        units = pd.concat([units, pd.DataFrame([dict(code="X", year=2023, tier="ntm", criteria_met=19 - len(ntm_slipped),
                                                     criteria_total=19, slipped_since_recognition="")])])
    return SimpleNamespace(criteria=pd.DataFrame(crit), indicators=pd.DataFrame(ind, columns=[
        "code", "year", "tier", "criterion", "indicator", "status", "share_covered"]), units=units,
        cat=catalogue(pd.DataFrame(res, columns=["tier", "indicator", "resource"])))


def order(ranked: pd.DataFrame) -> list[int]:
    return ranked.loc[ranked["role"].eq("target"), "criterion"].tolist()


# --- ranking -------------------------------------------------------------------------------------

def test_ranking_order_slipped_then_fewer_unmet_then_gap_then_resource_then_number():
    a = build({
        2: {"unmet": [(0.1, "public_investment", "not_met")]},                   # 1 + 0.05 + 0.25 = 1.30
        3: {"unmet": [(0.1, "community", "not_met")]},                           # 1 + 0.05       = 1.05
        4: {"unmet": [(0.6, "community", "not_met")]},                           # 1 + 0.30       = 1.30
        5: {"was_met": True, "unmet": [(0.9, "public_investment", "not_met")] * 2},  # slipped: first
        7: {"unmet": [(0.1, "community", "not_met")] * 2},                       # 2 unmet        = 2.05
        8: {"unmet": [(0.1, "community", "not_met")]},                           # = 1.05, tie with 3
        9: {"unmet": [(0.3, "community", "not_met")]},                           # 1 + 0.15       = 1.15
    })
    ranked = rank_targets(a, a.cat, "X", 2023, tier="nang-cao", count=7)
    # 5 slipped; 3 and 8 tie (by number); 9 (bigger gap); 2 and 4 tie at 1.30 (by number); 7 has 2 unmet
    assert order(ranked) == [5, 3, 8, 9, 2, 4, 7]
    assert ranked.set_index("criterion").loc[3, "score"] == pytest.approx(1.05)


def test_community_resource_breaks_a_tie_in_gap():
    a = build({2: {"unmet": [(0.2, "public_investment", "not_met")]}, 6: {"unmet": [(0.2, "community", "not_met")]}})
    assert order(rank_targets(a, a.cat, "X", 2023, tier="nang-cao")) == [6, 2]


def test_missing_data_counts_as_a_full_gap():
    a = build({2: {"unmet": [(None, "community", "missing")]}, 6: {"unmet": [(0.5, "community", "not_met")]}})
    ranked = rank_targets(a, a.cat, "X", 2023, tier="nang-cao").set_index("criterion")
    assert ranked.loc[2, "gap_share"] == 1.0
    assert ranked.loc[6, "rank"] < ranked.loc[2, "rank"]


def test_reasons_name_slip_unmet_indicators_and_resource():
    a = build({1: {"was_met": True, "unmet": [(0.25, "community", "not_met")]}})
    vi = rank_targets(a, a.cat, "X", 2023, tier="nang-cao")["reasons"].iloc[0]
    assert vi == "bị tụt năm 2023; còn 1 chỉ tiêu chưa đạt (1.1); trung bình đã đạt 75% mức yêu cầu; chủ yếu dựa vào cộng đồng"
    en = rank_targets(a, a.cat, "X", 2023, tier="nang-cao", lang="en")["reasons"].iloc[0]
    assert en.startswith("slipped in 2023; 1 indicator(s) not yet met (1.1)") and en.endswith("mainly community effort")


# --- count rule (2-5) ------------------------------------------------------------------------------

def easy(n: int) -> dict[int, dict]:
    return {c: {"unmet": [(0.1, "community", "not_met")]} for c in list(NAMES)[:n]}


def hard(crits: list[int]) -> dict[int, dict]:
    return {c: {"unmet": [(0.5, "public_investment", "not_met")] * 3} for c in crits}


@pytest.mark.parametrize("spec, expected", [
    (easy(7), 5),                     # 7 below the cut-off: at most 5
    (easy(3), 3),                     # 3 below the cut-off: 3
    ({**easy(1), **hard([8, 9])}, 2),  # only 1 below: at least 2
    (easy(1), 1),                     # only one candidate at all
])
def test_default_count_follows_the_two_to_five_rule(spec, expected):
    a = build(spec)
    ranked = rank_targets(a, a.cat, "X", 2023, tier="nang-cao")
    assert int(ranked["proposed"].sum()) == expected
    assert (ranked.loc[ranked["proposed"], "score"] < SCORE_CUTOFF).sum() <= expected


def test_explicit_count_overrides_the_rule():
    a = build(easy(7))
    ranked = rank_targets(a, a.cat, "X", 2023, tier="nang-cao", count=6)
    assert ranked["proposed"].sum() == 6 and ranked.loc[ranked["proposed"], "rank"].max() == 6


def test_met_criteria_are_not_candidates():
    a = build({2: {"unmet": []}, 3: {"unmet": [(0.1, "community", "not_met")]}})
    assert order(rank_targets(a, a.cat, "X", 2023, tier="nang-cao")) == [3]


# --- draft paragraph -------------------------------------------------------------------------------

def plan_like() -> SimpleNamespace:
    return build({
        3: {"unmet": [(0.1, "community", "not_met")]},
        14: {"unmet": [(0.2, "community", "not_met")]},
        5: {"unmet": [(0.4, "community", "not_met")]},
        2: {"unmet": [(0.5, "public_investment", "not_met")] * 3},
    }, met=8, total=19, ntm_slipped=(1,))


def test_draft_paragraph_names_chosen_criteria_with_two_digit_counts():
    a = plan_like()
    ranked = rank_targets(a, a.cat, "X", 2023, tier="nang-cao")
    text = draft_paragraph(ranked, a.cat, "xã Tân Lập", 2023, "nang-cao")
    assert "Năm 2024, xã Tân Lập phấn đấu khôi phục tiêu chí bị tụt theo bộ tiêu chí nông thôn mới (Tiêu chí 1: Quy hoạch)" in text
    assert ("phấn đấu thực hiện đạt 03 tiêu chí nông thôn mới nâng cao, đó là (Tiêu chí 3: Thủy lợi và phòng chống "
            "thiên tai; Tiêu chí 14: Y tế; Tiêu chí 5: Giáo dục)") in text.replace("Phấn", "phấn")
    assert "tập trung chú trọng thực hiện đạt tiêu chí 3 thủy lợi và phòng chống thiên tai, tiêu chí 14 y tế." in text
    assert text.endswith("Nâng tổng số tiêu chí đạt từ 08/19 lên 11/19 tiêu chí.")
    assert "Giao thông" not in text                                # not proposed
    assert text.index("khôi phục") < text.index("03 tiêu chí")      # restoring first


def test_draft_paragraph_in_english():
    a = plan_like()
    ranked = rank_targets(a, a.cat, "X", 2023, tier="nang-cao", lang="en")
    text = draft_paragraph(ranked, a.cat, "Tân Lập commune", 2023, "nang-cao", lang="en")
    assert text.startswith("In 2024, Tân Lập commune aims to recover the slipped new rural criteria (Criterion 1: Criterion 1).")
    assert "reach 3 advanced new rural criteria" in text
    assert re.search(r"from 8/19 to 11/19", text)


def test_draft_paragraph_when_everything_is_met():
    a = build({2: {"unmet": []}}, met=19, total=19)
    ranked = rank_targets(a, a.cat, "X", 2023, tier="nang-cao")
    text = draft_paragraph(ranked, a.cat, "xã Tân Lập", 2023, "nang-cao")
    assert "19/19" in text and "duy trì" in text


# --- CLI on the sample -------------------------------------------------------------------------

SAMPLE = __import__("pathlib").Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.mark.skipif(not (SAMPLE / "values.csv").exists(), reason="sample not generated")
def test_cli_targets_on_the_sample_proposes_two_to_five_with_paragraph():
    import json

    from typer.testing import CliRunner

    from ntm_analysis.cli import app

    res = CliRunner().invoke(app, ["targets", str(SAMPLE), "--unit", "Tân Lập", "--year", "2023",
                                   "--tier", "nang-cao", "--format", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    ranked = pd.DataFrame(out["ranked"])
    targets = ranked[ranked["role"].eq("target") & ranked["proposed"]]
    assert 2 <= len(targets) <= 5
    assert targets["reasons"].str.len().gt(0).all()
    assert out["paragraph"].startswith("Năm 2024, xã Tân Lập phấn đấu")
    assert f"đạt {len(targets):02d} tiêu chí" in out["paragraph"]
    restore = ranked[ranked["role"].eq("restore")]
    assert restore["criterion"].tolist() == [1] and restore["tier"].tolist() == ["ntm"]   # the plan's slipped criterion 1


# --- the target tier on the sample (issue 12 item 1) ------------------------------------------------

@pytest.fixture(scope="module")
def sample_2024():
    from ntm_analysis.assess.attainment import assess
    from ntm_analysis.catalogue.model import load_catalogue
    from ntm_analysis.io.dataset import load_dataset

    ds = load_dataset(SAMPLE)
    cat = load_catalogue(ds.meta.get("catalogue"))
    return ds, cat, assess(ds, cat)


def _communes_with_data(ds, year: int) -> list[str]:
    from ntm_analysis.units import valid_in

    u = ds.units[valid_in(ds.units, year) & ds.units["level"].eq("commune")]
    has = set(ds.values.loc[ds.values["year"].eq(year), "code"])
    return [c for c in u["code"] if c in has]


@pytest.mark.skipif(not (SAMPLE / "values.csv").exists(), reason="sample not generated")
def test_every_commune_of_2024_gets_targets_of_a_tier_it_has_not_reached_whose_requirement_it_holds(sample_2024):
    from ntm_analysis.report import sections, views

    ds, cat, a = sample_2024
    u = a.units[a.units["year"].eq(2024)].set_index(["code", "tier"])
    held = lambda c, t: bool(u.loc[(c, t), "reached"]) or pd.notna(u.loc[(c, t), "recognised"])  # noqa: E731
    requires = dict(zip(cat.tiers["tier"], cat.tiers["requires"]))
    codes = _communes_with_data(ds, 2024)
    assert len(codes) == 17
    for code in codes:
        ranked = rank_targets(a, cat, code, 2024)
        tier = ranked.attrs["tier"]
        ctx = views.ReportContext(ds, cat, a, code, code, 2024)
        assert sections.target_tier(ctx) == tier                       # the report's targets section
        earlier = [t for t in cat.tier_ids()[:cat.tier_ids().index(tier)] if (code, t) in u.index]
        assert all(held(code, t) for t in earlier), code                 # every lower tier held...
        assert not held(code, tier) or all(held(code, t) for t in cat.tier_ids() if (code, t) in u.index)
        assert not requires[tier] or held(code, requires[tier])          # ... its requirement too
        targets = ranked[ranked["role"].eq("target")]
        assert set(targets["tier"]) <= {tier}
        crit = a.criteria[a.criteria["code"].eq(code) & a.criteria["year"].eq(2024) & a.criteria["tier"].eq(tier)]
        unmet = set(crit.loc[~crit["status"].isin(["met", "not_applicable"]), "criterion"])
        assert set(targets["criterion"]) == unmet                        # its criteria not met, all ranked
        restore = ranked[ranked["role"].eq("restore")]
        for t, n in zip(restore["tier"], restore["criterion"]):          # restoring: criteria of lower tiers
            assert cat.tier_ids().index(t) < cat.tier_ids().index(tier) and held(code, t)


@pytest.mark.skipif(not (SAMPLE / "values.csv").exists(), reason="sample not generated")
def test_communes_that_reached_a_tier_get_targets_of_the_tier_requiring_it(sample_2024):
    ds, cat, a = sample_2024
    u = a.units[a.units["year"].eq(2024) & a.units["code"].isin(_communes_with_data(ds, 2024))]
    next_of = {req: t for t, req in cat.requires().items()}
    reached_top = u[u["reached"].astype(bool)].sort_values("tier", key=lambda s: s.astype(str).map(cat.tier_ids().index))
    top = reached_top.groupby("code")["tier"].last()
    assert len(top) >= 2
    for code, tier in top.items():
        assert rank_targets(a, cat, code, 2024).attrs["tier"] == next_of.get(tier, tier), code


@pytest.mark.skipif(not (SAMPLE / "values.csv").exists(), reason="sample not generated")
def test_tran_yen_2024_paragraph_speaks_of_the_first_tier_and_names_its_criteria(sample_2024):
    from ntm_analysis.units import unit_label

    ds, cat, a = sample_2024
    code = ds.units.loc[ds.units["name"].eq("Trấn Yên"), "code"].iloc[0]
    first = cat.tier_ids()[0]
    row = a.units[a.units["code"].eq(code) & a.units["year"].eq(2024) & a.units["tier"].eq(first)].iloc[0]
    assert not row["reached"] and pd.isna(row["recognised"])             # 11/19, never recognised
    ranked = rank_targets(a, cat, code, 2024)
    text = draft_paragraph(ranked, cat, unit_label(ds.units, code, 2024), 2024)
    name = cat.tier_label(first, "vi")
    assert f"tiêu chí {name[0].lower() + name[1:]}" in text and "nâng cao" not in text
    names = cat.criteria[cat.criteria["tier"].eq(first)].set_index("criterion")["name_vi"]
    proposed = ranked[ranked["proposed"] & ranked["role"].eq("target")]
    assert 2 <= len(proposed) <= 5
    for n in proposed["criterion"]:
        assert f"Tiêu chí {n}: {names[n]}" in text
    assert f"từ {int(row['criteria_met']):02d}/{int(row['criteria_total'])}" in text


@pytest.mark.skipif(not (SAMPLE / "values.csv").exists(), reason="sample not generated")
@pytest.mark.parametrize("unit", ["Trấn Yên", "Hưng Vũ", "Vũ Lăng"])
def test_cli_targets_without_tier_uses_the_same_rule(sample_2024, unit):
    import json

    from typer.testing import CliRunner

    from ntm_analysis.cli import app

    ds, cat, a = sample_2024
    code = ds.units.loc[ds.units["name"].eq(unit), "code"].iloc[0]
    res = CliRunner().invoke(app, ["targets", str(SAMPLE), "--unit", unit, "--year", "2024", "--format", "json"])
    assert res.exit_code == 0, res.output
    out = pd.DataFrame(json.loads(res.output)["ranked"])
    expected = rank_targets(a, cat, code, 2024)
    assert out[["role", "tier", "criterion", "proposed"]].values.tolist() == \
        expected[["role", "tier", "criterion", "proposed"]].values.tolist()
