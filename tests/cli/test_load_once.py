"""Load once (issue 11): a command reads and schema-checks each catalogue it uses exactly once.

The sample's dataset.toml names ``lang-son-2022-2025`` for 2021-2025 and ``qd51-2026-2030`` for
2026-2030 (and ``catalogue = "lang-son-2022-2025"``); the values are checked against both, and the
command then assesses under the one in force in its year. A spy counts ``check_catalogue`` (the
schema check every catalogue load goes through) per catalogue file.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ntm_analysis.cli import app

SAMPLE = str(Path(__file__).resolve().parents[2] / "data" / "sample")
BOTH = {"lang-son-2022-2025.yaml": 1, "qd51-2026-2030.yaml": 1}


@pytest.mark.parametrize("year", [2024, 2026])
def test_status_checks_each_catalogue_of_the_dataset_once(catalogue_checks: Counter, year: int) -> None:
    res = CliRunner().invoke(app, ["status", SAMPLE, "--year", str(year), "--unit", "Tân Lập" if year < 2025
                                   else "Tân Tri", "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert dict(catalogue_checks) == BOTH


def test_status_with_catalogue_checks_only_that_one_once(catalogue_checks: Counter) -> None:
    res = CliRunner().invoke(app, ["status", SAMPLE, "--year", "2024", "--unit", "Tân Lập",
                                   "--catalogue", "lang-son-2022-2025", "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert dict(catalogue_checks) == {"lang-son-2022-2025.yaml": 1}


def test_report_batch_loads_once_before_its_notebooks(catalogue_checks: Counter, monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    """``ntm report``: dataset, catalogues and context cache made before any notebook runs (the
    notebooks read the cache; here they are not run)."""
    from ntm_analysis.report import batch

    ran: list = []
    monkeypatch.setattr(batch, "run_batch", lambda jobs, **kw: ran.extend(jobs) or [])
    res = CliRunner().invoke(app, ["report", SAMPLE, "--year", "2024", "--unit", "Tân Lập", "--out", str(tmp_path),
                                   "--notebook", "commune_report", "--no-progress"])
    assert res.exit_code == 0, res.output
    assert len(ran) == 1 and ran[0].parameters["context_cache"]
    assert dict(catalogue_checks) == BOTH
