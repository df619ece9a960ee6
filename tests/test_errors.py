"""ntm_analysis.errors: one family of bad-input errors, each message in Vietnamese and English."""

import pytest

from ntm_analysis.assess.attainment import AssessError
from ntm_analysis.catalogue.problems import CatalogueError, CatalogueProblem
from ntm_analysis.errors import KeyedError, NtmError
from ntm_analysis.excel.common import ExcelError
from ntm_analysis.excel.importer import ImportRefused
from ntm_analysis.io.names import UnitLookupError
from ntm_analysis.io.validation import DatasetError, problem
from ntm_analysis.maps.boundaries import BoundaryError
from ntm_analysis.maps.layers import MapError
from ntm_analysis.plan.content import PlanError
from ntm_analysis.units import UnitNotFound


@pytest.mark.parametrize("cls", [AssessError, CatalogueError, ExcelError, ImportRefused, UnitLookupError, DatasetError,
                                 BoundaryError, MapError, UnitNotFound, PlanError])
def test_every_error_class_belongs_to_the_family(cls):
    assert issubclass(cls, NtmError)


def test_render_gives_each_language():
    err = NtmError("Sai tệp", "Wrong file")
    assert (err.render("vi"), err.render("en"), str(err)) == ("Sai tệp", "Wrong file", "Sai tệp")


def test_render_refuses_an_unknown_language():
    with pytest.raises(ValueError):
        NtmError("a", "b").render("fr")


def test_keyed_error_formats_its_table_entry_in_both_languages():
    class Demo(KeyedError):
        MESSAGES = {"k": ("Năm {year} sai.", "Year {year} is wrong.")}

    err = Demo("k", year=2024, lang="en")
    assert err.render("vi") == "Năm 2024 sai." and str(err) == "Year 2024 is wrong."


def test_dataset_and_catalogue_errors_render_in_both_languages():
    p = problem("validity_order", "units.csv", row=3, column="valid_from", value=2025, other=2024)
    err = DatasetError([p])
    assert err.render("vi") != err.render("en") and "units.csv" in err.render("en")
    cat = CatalogueError([CatalogueProblem("c.yaml", "tiers", "schema_version", {"value": 9})])
    assert "not supported" in cat.render("en") and "không được hỗ trợ" in cat.render("vi")
