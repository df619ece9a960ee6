"""Where the report notebooks are and which Python runs them.

Notebooks are found inside the installed package (``ntm_analysis/notebooks``, put there by the
wheel build from the repository's ``notebooks/``) or, in a source checkout, in ``notebooks/`` at
the repository's top. They run in a kernel started from the interpreter that runs ``ntm``
(``sys.executable``), never from whatever ``python3`` kernelspec happens to be installed: that one
often belongs to another Python (conda base, a system Jupyter) that lacks this package. When a
kernel still cannot import the package, :func:`explain_failure` names the kernel, its interpreter
and ours.
"""

from __future__ import annotations

import os
import site
import sys
from pathlib import Path
from typing import Any

from ntm_analysis.i18n import fmt

PACKAGE_ROOT = Path(__file__).resolve().parents[1]

MESSAGES: dict[str, tuple[str, str]] = {
    "no_package": (
        "Nhân (kernel) «{kernel}» chạy bằng {python} không nạp được gói ntm_analysis, còn ntm chạy bằng {ours}. "
        "Cách sửa: chạy lại không chỉ định kernel (ntm dùng chính Python của nó), hoặc cài gói vào Python đó "
        "({python} -m pip install ntm-analysis).",
        "The kernel «{kernel}» runs {python}, which cannot import ntm_analysis, while ntm runs {ours}. "
        "Fix: run again without naming a kernel (ntm then uses its own Python), or install the package into that "
        "Python ({python} -m pip install ntm-analysis).",
    ),
    "no_notebooks": (
        "Không tìm thấy sổ tính báo cáo «{name}.ipynb» trong gói đã cài ({where}). Cách sửa: cài lại gói "
        "(pip install --force-reinstall ntm-analysis).",
        "Report notebook «{name}.ipynb» not found in the installed package ({where}). Fix: reinstall the package "
        "(pip install --force-reinstall ntm-analysis).",
    ),
}


def notebook_dir() -> Path:
    """The folder of the report notebooks: packaged (an installed wheel) or the checkout's."""
    packaged = PACKAGE_ROOT / "notebooks"
    return packaged if packaged.is_dir() else PACKAGE_ROOT.parent / "notebooks"


def _import_path_env() -> dict[str, str]:
    """``PYTHONPATH`` for the kernel when this package is imported from a folder that is not a
    site-packages folder (a checkout run with ``python -m`` or ``PYTHONPATH``): the kernel starts in
    the notebooks' folder and would not find it otherwise. Empty for an installed package."""
    root = str(PACKAGE_ROOT.parent)
    installed = {str(Path(p).resolve()) for p in [*site.getsitepackages(), site.getusersitepackages()]}
    if str(Path(root).resolve()) in installed:
        return {}
    rest = os.environ.get("PYTHONPATH", "")
    return {"PYTHONPATH": root + (os.pathsep + rest if rest else "")}


def own_kernel_manager() -> type:
    """A jupyter_client kernel manager whose kernel is ``sys.executable -m ipykernel_launcher``
    (whatever kernelspecs are installed), with this package importable."""
    from jupyter_client.kernelspec import KernelSpec  # noqa: PLC0415
    from jupyter_client.manager import AsyncKernelManager  # noqa: PLC0415

    spec = KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                      display_name=f"Python ({sys.executable})", language="python", env=_import_path_env())

    class OwnPythonKernelManager(AsyncKernelManager):
        """Kernel of the interpreter that runs ntm."""

        @property
        def kernel_spec(self) -> Any:
            return spec

    return OwnPythonKernelManager


def kernel_python(kernel_name: str) -> str:
    """The interpreter a named kernelspec starts (its ``argv[0]``), or ``?`` when unknown."""
    from jupyter_client.kernelspec import KernelSpecManager  # noqa: PLC0415

    try:
        return KernelSpecManager().get_kernel_spec(kernel_name).argv[0]
    except Exception:  # noqa: BLE001 - a missing or broken spec: the message still names the kernel
        return "?"


def explain_failure(error: str, kernel_name: str | None, lang: str = "vi") -> str:
    """``error`` of a failed report, with the kernel, its interpreter and ours named when the
    kernel could not import this package or died (a foreign interpreter)."""
    foreign = "No module named 'ntm_analysis'" in error or "DeadKernel" in error or "Kernel died" in error
    if not foreign:
        return error
    name = kernel_name or "ntm"
    python = kernel_python(kernel_name) if kernel_name else sys.executable
    return error + " — " + fmt(MESSAGES, "no_package", lang, kernel=name, python=python, ours=sys.executable)

