"""Where the report notebooks are and which Python runs them.

Notebooks are found inside the installed package (``ntm_analysis/notebooks``, put there by the
wheel build from the repository's ``notebooks/``) or, in a source checkout, in ``notebooks/`` at
the repository's top. They run in a kernel started from the interpreter that runs ``ntm``
(``sys.executable``), never from whatever ``python3`` kernelspec happens to be installed: that one
often belongs to another Python (conda base, a system Jupyter) that lacks this package. When a
kernel still cannot import the package, :func:`explain_failure` names the kernel, its interpreter
and ours.

A batch keeps one warm kernel per worker (:class:`WarmKernel`): started and warmed up once (imports
done, ``kernel_state.warm_up``), its state put back before each notebook (``kernel_state.restore``),
replaced by a fresh kernel after a failed report and every ``fresh_every`` reports. Notebooks still
run through papermill (parameters cell, papermill metadata, error cells), with an engine that uses
the running kernel instead of starting one (:data:`WARM_ENGINE`).
"""

from __future__ import annotations

import os
import site
import sys
import tempfile
from pathlib import Path
from typing import Any, Awaitable

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



class kernel_stderr:
    """Send this process's stderr (file descriptor 2, inherited by a kernel started meanwhile:
    start-up chatter such as ipykernel's transport warning) to a discarded file; a report's errors
    are in its notebook."""

    def __enter__(self) -> "kernel_stderr":
        self.log = tempfile.TemporaryFile()
        self.saved = os.dup(2)
        os.dup2(self.log.fileno(), 2)
        return self

    def __exit__(self, *exc: object) -> None:
        os.dup2(self.saved, 2)
        os.close(self.saved)
        self.log.close()


#: Name of the papermill engine that runs a notebook on a kernel already started (:func:`_register_engine`).
WARM_ENGINE = "ntm-warm"
#: Reports run in one kernel before it is replaced by a fresh one (bounds what a kernel accumulates).
FRESH_EVERY = 20
#: Code run in a new kernel / before each notebook; it binds no name in the user namespace.
_WARM_UP = "__import__('ntm_analysis.report.kernel_state', fromlist=['_']).warm_up()"
_RESTORE = "__import__('ntm_analysis.report.kernel_state', fromlist=['_']).restore()"


def _wait(awaitable: Awaitable[Any]) -> Any:
    """Result of a jupyter_client coroutine, on the thread's event loop (the one nbclient uses)."""
    from jupyter_core.utils import ensure_event_loop  # noqa: PLC0415

    return ensure_event_loop().run_until_complete(awaitable)


def _register_engine() -> str:
    """Register :data:`WARM_ENGINE` with papermill: its nbclient engine, given the kernel manager
    ``km`` and client ``kc`` of a running kernel. nbclient neither starts a kernel it is given nor
    stops one it does not own; papermill's parameters, metadata, saving and error cells are the
    same code as for a fresh kernel (papermill's documented way: a registered engine)."""
    from papermill.clientwrap import PapermillNotebookClient  # noqa: PLC0415
    from papermill.engines import NBClientEngine, papermill_engines  # noqa: PLC0415
    from papermill.log import logger  # noqa: PLC0415

    class WarmEngine(NBClientEngine):
        """papermill's nbclient engine on an already running kernel (``km``, ``kc``)."""

        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, km: Any = None, kc: Any = None,
                                     log_output: bool = False, stdout_file: Any = None, stderr_file: Any = None,
                                     start_timeout: int = 60, execution_timeout: int | None = None,
                                     input_path: Any = None, **kwargs: Any) -> Any:
            client = PapermillNotebookClient(nb_man, km=km, kernel_name=kernel_name, log=logger,
                                             log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file,
                                             startup_timeout=start_timeout, timeout=execution_timeout, **kwargs)
            client.kc = kc  # nbclient makes a client only when it has none
            # papermill writes the whole notebook before and after every cell (~30 writes of a report
            # with its figures); written once instead, when papermill completes it (also on failure)
            output_path, nb_man.output_path = nb_man.output_path, None
            try:
                return client.execute()
            finally:
                nb_man.output_path = output_path

    papermill_engines.register(WARM_ENGINE, WarmEngine)
    return WARM_ENGINE


class WarmKernel:
    """One kernel that runs notebook after notebook (a batch worker keeps one): imports are paid
    once, and the state a notebook may change is put back before the next (``kernel_state``), so
    each report is what a fresh kernel would make. After a failed report (any exception, a dead
    kernel included) and every ``fresh_every`` reports the kernel is shut down and the next report
    starts a fresh one. A kernel that cannot warm up (it does not start, or cannot import this
    package: a foreign ``kernel_name``) is not reused: each notebook then runs as papermill alone
    runs it, so that it fails with papermill's error, named by :func:`explain_failure`.

    ``kernel_name``: an installed kernelspec; default the interpreter running this code
    (:func:`own_kernel_manager`). ``cwd``: the kernel's working directory (the notebooks' folder).
    ``reuse=False``: no kernel kept, every notebook in a kernel papermill starts for it alone (one
    report, or a Dask worker). Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, kernel_name: str | None = None, fresh_every: int = FRESH_EVERY, cwd: Path | None = None,
                 reuse: bool = True) -> None:
        self.kernel_name, self.fresh_every = kernel_name, max(1, int(fresh_every))
        self.cwd = Path(cwd or notebook_dir())
        self.km: Any = None
        self.kc: Any = None
        self.runs = 0  # notebooks run by the current kernel
        self.started = 0  # kernels started (for tests and benchmarks)
        self.cold = not reuse  # no kernel kept: every notebook in papermill's own fresh kernel

    def __enter__(self) -> "WarmKernel":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _papermill_kernel(self) -> dict[str, Any]:
        return (dict(kernel_name=self.kernel_name) if self.kernel_name
                else dict(kernel_name="python3", kernel_manager_class=own_kernel_manager()))

    def _execute(self, code: str) -> bool:
        """Run ``code`` silently (no output, no history, no execution count); True when it worked."""
        reply = _wait(self.kc.execute_interactive(code, silent=True, store_history=False, timeout=300,
                                                  output_hook=lambda msg: None))
        return reply["content"]["status"] == "ok"

    def _start(self) -> None:
        """Start and warm up a kernel; on any failure mark this runner cold (no kernel kept)."""
        from jupyter_client.manager import AsyncKernelManager  # noqa: PLC0415

        km_class = AsyncKernelManager if self.kernel_name else own_kernel_manager()
        self.km = km_class(kernel_name=self.kernel_name) if self.kernel_name else km_class()
        self.started += 1
        try:
            _wait(self.km.start_kernel(cwd=str(self.cwd), extra_arguments=["--HistoryManager.hist_file=:memory:"]))
            self.kc = self.km.client()
            self.kc.start_channels()
            _wait(self.kc.wait_for_ready(timeout=60))
            warm = self._execute(_WARM_UP)
        except Exception:  # noqa: BLE001 - the report itself will show papermill's error
            warm = False
        if not warm:
            self.close()
            self.cold = True

    def run(self, source: Path, output: Path, parameters: dict[str, Any]) -> Any:
        """Execute ``source`` with ``parameters`` into ``output`` and return the executed notebook
        (papermill; raises what it raises, the executed or partial notebook written to ``output``
        in either case)."""
        import papermill as pm  # noqa: PLC0415

        options = dict(parameters=parameters, cwd=str(self.cwd), progress_bar=False, log_output=False)
        with kernel_stderr():
            if self.km is not None and not self._restored():
                self.close()  # a kernel that cannot be put back is replaced
            if self.km is None and not self.cold:
                self._start()
            if self.cold:
                return pm.execute_notebook(str(source), str(output), **options, **self._papermill_kernel())
            try:
                nb = pm.execute_notebook(str(source), str(output), **options, engine_name=_register_engine(),
                                    kernel_name=self.kernel_name or "python3", km=self.km, kc=self.kc)
            except BaseException:
                self.close()  # a fresh kernel for the next report
                raise
            self.runs += 1
            if self.runs >= self.fresh_every:
                self.close()
            return nb

    def _restored(self) -> bool:
        """Put back the state of the warmed-up kernel (``kernel_state.restore``); False when the
        kernel is dead or the restore failed."""
        try:
            return bool(_wait(self.km.is_alive())) and self._execute(_RESTORE)
        except Exception:  # noqa: BLE001 - any failure: replace the kernel
            return False

    def close(self) -> None:
        """Shut the kernel down (the next :meth:`run` starts a fresh one)."""
        if self.kc is not None:
            self.kc.stop_channels()
        if self.km is not None:
            try:
                _wait(self.km.shutdown_kernel(now=True))
            except Exception:  # noqa: BLE001 - already dead or never started
                pass
        self.km = self.kc = None
        self.runs = 0
