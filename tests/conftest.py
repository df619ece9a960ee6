"""Shared test settings and fixtures.

Hypothesis: no per-example deadline. Tests state behaviour, not speed (speed is measured in
benchmarks/); on a loaded 2-core CI machine one example may take longer than hypothesis' 200 ms.
"""

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("ntm", deadline=None)
settings.load_profile("ntm")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def sample_path() -> Path:
    """The shipped sample dataset (synthetic Bắc Sơn district, Lạng Sơn)."""
    return ROOT / "data" / "sample"


@pytest.fixture()
def catalogue_checks(monkeypatch: pytest.MonkeyPatch) -> Counter:
    """Catalogue file → how many times it was schema-checked (``catalogue.schema.check_catalogue``, which
    every catalogue load goes through), counted while the test runs: the spy of the load-once tests."""
    from ntm_analysis.catalogue import model

    seen: Counter = Counter()
    real = model.check_catalogue

    def spy(data, file, lines=None):
        seen[file] += 1
        return real(data, file, lines)

    monkeypatch.setattr(model, "check_catalogue", spy)
    return seen
