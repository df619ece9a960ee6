"""The loader and the assessment reproduce the golden outputs frozen in tests/assess/golden/ (issue 16:
the columnar core must give the same answers as the pandas core it replaced).

Tables, datasets and how to regenerate them deliberately: tests/assess/golden_tables.py.
"""

from __future__ import annotations

from pathlib import Path

import sys

import pytest

from tests.assess import golden_tables as g

sys.path.insert(0, str(g.ROOT / "benchmarks"))
import reference_impl as ref  # noqa: E402

SAMPLE_TABLES = ("values", "units_table", *g.ASSESSMENT_TABLES, "villages")
NATIONAL_TABLES = ("values", "units_table", *g.ASSESSMENT_TABLES)


@pytest.fixture(scope="module")
def sample_outputs():
    return g.outputs(g.ROOT / "data" / "sample", villages_tier="ntm")


NATIONAL: dict = {}


@pytest.fixture(scope="module")
def national_outputs(tmp_path_factory):
    return g.outputs(g.national_slice(Path(tmp_path_factory.mktemp("golden")) / "national"), keep=NATIONAL)


@pytest.mark.parametrize("name", SAMPLE_TABLES)
def test_sample_matches_golden(sample_outputs, name):
    g.compare(sample_outputs[name], "sample", name)


@pytest.mark.parametrize("name", NATIONAL_TABLES)
def test_national_slice_matches_golden(national_outputs, name):
    g.compare(national_outputs[name], "national", name)


def test_a_changed_value_is_caught(sample_outputs):
    """The comparison can fail: one status changed in the sample's criteria is a difference."""
    crit = sample_outputs["criteria"].copy()
    row = crit.index[crit["status"].eq("met")][0]
    crit.loc[row, "status"] = "not_met"
    with pytest.raises(AssertionError):
        g.compare(crit, "sample", "criteria")


def test_national_slice_agrees_with_the_per_row_reference(national_outputs):
    """benchmarks/reference_impl.py (plain Python loops) gives the same criterion statuses, criteria
    met/total and ``reached`` for every commune, year and commune tier of the slice."""
    ds = NATIONAL["dataset"]
    (cat, a), = NATIONAL["assessments"].values()
    communes = sorted(ds.units.loc[ds.units["level"].eq("commune"), "code"])
    criteria, summary = ref.reference_assess(ref.prepare(ds, cat, communes))
    agree = ref.compare(criteria, summary, a)
    assert agree["criteria"] > 40_000 and agree["units"] >= 3_000
    assert (agree["criteria_differ"], agree["units_differ"]) == (0, 0), agree["examples"]


def test_one_unit_assessed_alone_equals_its_rows_of_the_whole_assessment(national_outputs):
    """``assess(..., units=[code])`` (what ``ntm status`` runs) selects before assessing and gives
    exactly the commune's rows of the whole assessment, every table. Categorical columns hold the
    categories present (the commune's codes only), so they are compared as text; which columns are
    categorical is the same."""
    from ntm_analysis.assess.attainment import assess
    from ntm_analysis.io.columnar import as_text

    ds = NATIONAL["dataset"]
    (cat, whole), = NATIONAL["assessments"].values()
    rec = ds.recognitions["code"]
    code = sorted(set(rec[rec.isin(ds.units.loc[ds.units["level"].eq("commune"), "code"])]))[3]
    one = assess(ds, cat, units=[code])
    for name in ("indicators", "criteria", "units", "keys"):
        part = getattr(whole, name)
        part = part[part["code"].eq(code)].reset_index(drop=True)
        assert len(part) > 0
        got = getattr(one, name)
        categorical = lambda f: [c for c in f if isinstance(f[c].dtype, g.pd.CategoricalDtype)]  # noqa: E731
        assert categorical(got) == categorical(part), name
        g.pd.testing.assert_frame_equal(as_text(got), as_text(part), obj=name)
