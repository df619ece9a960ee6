"""Shared test settings and fixtures.

Hypothesis: no per-example deadline. Tests state behaviour, not speed (speed is measured in
benchmarks/); on a loaded 2-core CI machine one example may take longer than hypothesis' 200 ms.
"""

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
