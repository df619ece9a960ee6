"""The report context (report/context.py): loaded, checked and assessed once per batch or report.

Spy: ``check_catalogue`` (the schema check of every catalogue load) counted per catalogue file; the
sample names two catalogues in dataset.toml (2021-2025 and 2026-2030)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from ntm_analysis.catalogue import model
from ntm_analysis.report import report_context, write_context_cache

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
BOTH = {"lang-son-2022-2025.yaml": 1, "qd51-2026-2030.yaml": 1}


def test_batch_context_checks_each_catalogue_once(catalogue_checks: Counter, tmp_path: Path) -> None:
    cache = write_context_cache(SAMPLE, None, tmp_path, year=2024)
    assert cache.exists()
    assert dict(catalogue_checks) == BOTH


def test_a_report_reading_the_cache_loads_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = write_context_cache(SAMPLE, None, tmp_path, year=2024)
    seen: Counter = Counter()
    monkeypatch.setattr(model, "check_catalogue", lambda *a, **k: seen.update(["check"]))
    ctx = report_context(SAMPLE, 2024, "Tân Lập", context_cache=str(cache))
    assert ctx.code == "06352" and ctx.catalogue.meta["id"] == "lang-son-2022-2025"
    assert not seen


def test_a_report_without_cache_checks_each_catalogue_once_and_uses_the_one_in_force(catalogue_checks: Counter) -> None:
    ctx = report_context(SAMPLE, 2026, "Tân Tri")
    assert ctx.catalogue.meta["id"] == "qd51-2026-2030"
    assert dict(catalogue_checks) == BOTH
