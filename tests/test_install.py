"""Installed, not cloned (issue 13 item 6): the built wheel carries what ``ntm`` needs at run time
(notebooks, catalogues), so a non-editable install renders a report from any folder."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_every_subpackage_is_listed_for_the_wheel() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "ntm_analysis").rglob("__init__.py")}
    assert found <= listed and "ntm_analysis.notebooks" in listed


def _build_isolation_flags() -> list[str]:
    """Build without isolation when this environment can (no download), else let pip fetch the
    build requirements."""
    import setuptools

    major, minor = (int(x) for x in setuptools.__version__.split(".")[:2])
    has_bdist_wheel = (major, minor) >= (70, 1) or importlib.util.find_spec("wheel") is not None
    return ["--no-build-isolation"] if has_bdist_wheel else []


@pytest.mark.slow
def test_wheel_in_a_fresh_venv_renders_a_report_outside_the_repository(tmp_path: Path) -> None:
    src = tmp_path / "src"  # a copy of what the wheel is built from: nothing written into the checkout
    shutil.copytree(ROOT / "ntm_analysis", src / "ntm_analysis", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "notebooks", src / "notebooks", ignore=shutil.ignore_patterns(".*"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", str(src), "--no-deps", "-w", str(tmp_path / "dist"), *_build_isolation_flags()],
                   check=True, cwd=tmp_path, env=env)
    [wheel] = (tmp_path / "dist").glob("ntm_analysis-*.whl")

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True, env=env).stdout.strip()
    # the dependencies come from this environment (no download), after the venv's own packages; so do
    # their data files (nbconvert's HTML templates)
    Path(purelib, "shared-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(Path(sys.prefix, "share", "jupyter")),
                                                        env.get("JUPYTER_PATH", "")]))
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True, env=env)

    where = subprocess.run([python, "-c", "import ntm_analysis; print(ntm_analysis.__file__)"], check=True,
                           capture_output=True, text=True, cwd=tmp_path, env=env).stdout
    assert Path(where.strip()).is_relative_to(venv)

    data = tmp_path / "mydata"
    shutil.copytree(ROOT / "data" / "sample", data)
    work = tmp_path / "elsewhere"
    work.mkdir()
    run = subprocess.run([bin_dir / "ntm", "report", str(data), "--year", "2024", "--unit", "Tân Lập",
                          "--notebook", "trends", "--out", "out", "--no-progress"],
                         capture_output=True, text=True, cwd=work, env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    [html] = (work / "out").rglob("trends.html")
    assert "Tân Lập" in html.read_text("utf-8")
