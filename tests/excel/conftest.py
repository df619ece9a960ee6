"""Fixtures of the Excel tests: the tiny dataset and catalogue of tests/fixtures/excel.

tests/fixtures/excel/catalogue.yaml has one measure of each kind, a village ratio measure and a
hamlet tier; tests/fixtures/excel/tiny/ is commune 06352 with villages 06352-01, 06352-02 and hamlet
06352-01-01 named "=cmd" (values for 2023 and one 2024 value: income = 41). Every test works in a
temporary copy of the dataset; the fixture itself is never written.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ntm_analysis.catalogue.model import load_catalogue
from ntm_analysis.excel.template import build_template
from ntm_analysis.io.dataset import load_dataset

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "excel"
YEAR = 2024


@pytest.fixture(scope="module")
def cat():
    """The tiny Excel catalogue."""
    return load_catalogue(FIX / "catalogue.yaml")


@pytest.fixture()
def data_dir(tmp_path):
    """A temporary copy of the tiny dataset."""
    return Path(shutil.copytree(FIX / "tiny", tmp_path / "tiny"))


@pytest.fixture()
def template(data_dir, cat, tmp_path):
    """An unfilled template for Tân Lập 2024."""
    return build_template(load_dataset(data_dir, catalogue=cat), cat, "06352", YEAR, tmp_path / "mau.xlsx")
