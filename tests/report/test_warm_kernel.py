"""Warm report kernels (issue 16 item 6): a notebook run in a kernel that already ran others shows
what it shows in a fresh kernel; a failed report and every ``fresh_every`` reports get a fresh one."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from ntm_analysis.report.batch import plan_jobs, run_job
from ntm_analysis.report.kernel import WarmKernel, notebook_dir

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"

pytestmark = pytest.mark.slow  # every test here starts kernels and runs papermill

#: Changes a notebook can leave behind in its kernel.
LEAKY = ["left = 1", "import os; os.chdir('/')", "os.environ['NTM_LEFT'] = '1'",
         "import sys; sys.path.append('/left')",
         "import matplotlib.pyplot as plt; plt.rcParams['font.size'] = 21; plt.figure()",
         "import pandas as pd; pd.set_option('display.max_rows', 3)",
         "import warnings; warnings.simplefilter('ignore')",
         "warnings.warn('shown once per kernel')"]
#: What the next notebook sees of them (and its own cell numbers, and a once-only warning).
PROBE = ["import os, sys, warnings, matplotlib.pyplot as plt, pandas as pd",
         "print('left' in dir(), os.getcwd(), _dh, os.environ.get('NTM_LEFT'), '/left' in sys.path)",
         "print(plt.rcParams['font.size'], plt.get_fignums(), pd.get_option('display.max_rows'))",
         "warnings.warn('shown once per kernel')"]


def _notebook(path: Path, cells: list[str]) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("n = 0", metadata={"tags": ["parameters"]})]
    nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


#: What differs between any two runs, fresh or warm: the kernel's process id (in the file names of
#: warnings), objects' addresses (``<... at 0x7f...>``) and pandas Styler's random table ids.
RUN_SPECIFIC = [(r"ipykernel_\d+", "ipykernel_PID"), (r" at 0x[0-9a-f]+", " at 0xADDR"), (r"T_[0-9a-f]{5}", "T_ID")]


def _outputs(path: Path) -> list[str]:
    """Each code cell's execution count and outputs (what a reader sees, figures included), without
    timings and what is specific to a run."""
    nb = nbformat.read(path, as_version=4)
    cells = [f"{c.execution_count} {c.outputs}" for c in nb.cells if c.cell_type == "code"]
    for pattern, replacement in RUN_SPECIFIC:
        cells = [re.sub(pattern, replacement, text) for text in cells]
    return cells


def test_a_notebook_after_another_in_a_warm_kernel_sees_none_of_its_state(tmp_path: Path) -> None:
    leaky, probe = _notebook(tmp_path / "leaky.ipynb", LEAKY), _notebook(tmp_path / "probe.ipynb", PROBE)
    with WarmKernel(cwd=tmp_path, reuse=False) as fresh:
        fresh.run(probe, tmp_path / "fresh.ipynb", {"n": 1})
    with WarmKernel(cwd=tmp_path) as warm:
        warm.run(probe, tmp_path / "warm-first.ipynb", {"n": 1})
        warm.run(leaky, tmp_path / "leaky-out.ipynb", {"n": 1})
        warm.run(probe, tmp_path / "warm-after.ipynb", {"n": 1})
        assert warm.started == 1
    assert _outputs(tmp_path / "warm-after.ipynb") == _outputs(tmp_path / "fresh.ipynb")
    assert "shown once per kernel" in str(_outputs(tmp_path / "warm-after.ipynb")[-1])


def test_a_kernel_is_replaced_after_fresh_every_reports(tmp_path: Path) -> None:
    probe = _notebook(tmp_path / "probe.ipynb", PROBE[:2])
    with WarmKernel(cwd=tmp_path, fresh_every=2) as warm:
        for i in range(3):
            warm.run(probe, tmp_path / f"out{i}.ipynb", {"n": i})
        assert warm.started == 2


def test_a_failed_report_is_followed_by_a_fresh_kernel_and_the_next_report_succeeds(tmp_path: Path) -> None:
    good, = plan_jobs(SAMPLE, 2024, ["Tân Lập"], notebooks=["trends"], out_dir=tmp_path)
    broken = type(good)(good.notebook, "99999", "Xã Hỏng", good.year, good.parameters | {"unit": "99999"}, tmp_path)
    with WarmKernel(cwd=notebook_dir()) as warm:
        failed = run_job(broken, kernel=warm)
        assert warm.km is None  # shut down at once, not reused
        result = run_job(good, kernel=warm)
        assert warm.started == 2
    assert not failed.ok and "99999" in failed.error
    partial = nbformat.read(failed.notebook, as_version=4)
    assert partial.metadata.papermill.exception is True  # papermill's error cell and metadata kept
    assert result.ok, result.error
    assert result.html.is_file()


def test_two_report_notebooks_in_one_warm_kernel_match_fresh_kernels(tmp_path: Path) -> None:
    jobs = plan_jobs(SAMPLE, 2024, ["Tân Lập"], notebooks=["commune_report", "village_map"], out_dir=tmp_path)
    source = {j.notebook: notebook_dir() / f"{j.notebook}.ipynb" for j in jobs}
    with WarmKernel(cwd=notebook_dir(), reuse=False) as fresh:  # papermill's own kernel for each
        for job in jobs:
            fresh.run(source[job.notebook], tmp_path / f"fresh-{job.notebook}.ipynb", job.parameters)
    with WarmKernel(cwd=notebook_dir()) as warm:
        for job in jobs:
            warm.run(source[job.notebook], tmp_path / f"warm-{job.notebook}.ipynb", job.parameters)
        assert warm.started == 1
    for job in jobs:
        assert _outputs(tmp_path / f"warm-{job.notebook}.ipynb") == _outputs(tmp_path / f"fresh-{job.notebook}.ipynb")
