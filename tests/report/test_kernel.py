"""Reports run in the Python that runs ntm (issue 13 item 5), whatever ``python3`` kernelspec is
installed; a kernel that cannot run the package is named with its interpreter and ours."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from ntm_analysis.report.batch import plan_jobs, run_job
from ntm_analysis.report.kernel import explain_failure, notebook_dir

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture
def foreign_python3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A ``python3`` kernelspec of another Python that cannot run anything (as conda base or a
    system Jupyter without this package would fail)."""
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-c", "raise SystemExit('foreign python')", "{connection_file}"],
        "display_name": "Foreign Python 3", "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    return spec


@pytest.mark.slow
def test_report_runs_in_our_interpreter_despite_a_foreign_python3_kernel(tmp_path: Path, foreign_python3: Path) -> None:
    [job] = plan_jobs(SAMPLE, 2024, ["Tân Lập"], notebooks=["trends"], out_dir=tmp_path / "out")
    result = run_job(job)
    assert result.ok, result.error
    assert result.html is not None and result.html.is_file()


def test_a_named_kernel_that_fails_is_named_with_both_interpreters() -> None:
    text = explain_failure("ModuleNotFoundError: No module named 'ntm_analysis'", "conda-base", "en")
    assert "«conda-base»" in text and sys.executable in text and "-m pip install ntm-analysis" in text


def test_other_report_errors_are_left_as_they_are() -> None:
    assert explain_failure("KeyError: 'x'", None, "en") == "KeyError: 'x'"


def test_notebooks_are_found_in_a_checkout() -> None:
    assert (notebook_dir() / "commune_report.ipynb").is_file()
