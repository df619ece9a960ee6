"""Inside a warm report kernel: import once, save the interpreter's state, and put it back before
each notebook, so that a report run in a kernel that already ran others shows exactly what it would
show in a fresh kernel (``report/kernel.py``, :class:`~ntm_analysis.report.kernel.WarmKernel`, runs
:func:`warm_up` once after the kernel starts and :func:`restore` before every notebook).

Put back before each notebook:

- the user namespace, the input/output history and ``_``/``__`` (IPython's ``%reset -f``) and the
  execution counter (the notebook's cells are numbered from 1, as in a fresh kernel);
- matplotlib: open figures closed, ``rcParams`` as after the imports (the report charts set fonts
  and sizes, ``charts._style``);
- pandas options, the working directory, ``sys.path``, environment variables, warning filters and
  ``warnings.showwarning``; the once-only warning registries are cleared, so a warning one report
  showed is shown again by the next, as in a fresh kernel.

Imported modules stay imported: that is the point (and their objects are moved out of the garbage
collector's reach, ``gc.freeze``, so that the collections ``%reset`` and the reports run stay
cheap: ~2 ms instead of ~0.3 s for the reset). :func:`warm_up` imports every module of the
package that a report may import (all but the CLI and the sample generator) *before* saving, so
that what a module does when imported (a warning filter, ``matplotlib.use``) is part of the saved
state and never undone. Not put back (a report that relied on it would differ): caches inside
third-party modules, threads or files a notebook leaves open, the global random state (unseeded
in a fresh kernel too). :class:`WarmKernel` also starts a fresh kernel after a failed report and
every ``fresh_every`` reports.

This module holds the saved state of the one interpreter it runs in (``_SAVED``): it exists only
in a report kernel, where that interpreter is the notebook's.
"""

from __future__ import annotations

import gc
import os
import sys
import warnings
from typing import Any

#: Modules never imported by a report (the CLI and its dependencies, the sample generator).
_NOT_REPORTS = ("ntm_analysis.cli", "ntm_analysis.sample")

_SAVED: dict[str, Any] = {}


def _pandas_options() -> dict[str, Any]:
    """Every pandas option (``display.max_rows`` ...) and its value, walking ``pd.options``."""
    import pandas as pd  # noqa: PLC0415

    out: dict[str, Any] = {}

    def walk(node: Any, prefix: str) -> None:
        for key in dir(node):
            value = getattr(node, key)
            if type(value) is type(pd.options):
                walk(value, f"{prefix}{key}.")
            else:
                out[prefix + key] = value

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecated options warn when read
        walk(pd.options, "")
    return out


def warm_up() -> None:
    """Import the modules reports use, then save the state :func:`restore` puts back."""
    import importlib  # noqa: PLC0415
    import pkgutil  # noqa: PLC0415

    import matplotlib  # noqa: PLC0415

    import ntm_analysis  # noqa: PLC0415

    for mod in pkgutil.walk_packages(ntm_analysis.__path__, "ntm_analysis."):
        if not mod.name.startswith(_NOT_REPORTS):
            importlib.import_module(mod.name)
    rc = matplotlib.rc_context()  # matplotlib's own save/restore of rcParams (all but the backend)
    rc.__enter__()
    _SAVED.update(rc=rc, cwd=os.getcwd(), path=list(sys.path), environ=dict(os.environ),
                  filters=list(warnings.filters), showwarning=warnings.showwarning, pandas=_pandas_options())
    gc.collect()
    gc.freeze()  # the imported modules' objects are never garbage: later collections skip them


def restore() -> None:
    """Put back the state saved by :func:`warm_up` (see the module's docstring for what)."""
    from IPython import get_ipython  # noqa: PLC0415
    import matplotlib  # noqa: PLC0415
    import matplotlib.pyplot as plt  # noqa: PLC0415
    import pandas as pd  # noqa: PLC0415

    os.chdir(_SAVED["cwd"])
    sys.path[:] = _SAVED["path"]
    for key in set(os.environ) - set(_SAVED["environ"]):
        del os.environ[key]
    for key, value in _SAVED["environ"].items():
        if os.environ.get(key) != value:
            os.environ[key] = value
    shell = get_ipython()
    shell.run_line_magic("reset", "-f")  # after chdir: it starts the directory history (_dh) anew
    shell.execution_count = 1
    plt.close("all")
    _SAVED["rc"].__exit__(None, None, None)  # rcParams as saved
    _SAVED["rc"] = matplotlib.rc_context()
    _SAVED["rc"].__enter__()
    now = _pandas_options()
    for key, value in _SAVED["pandas"].items():
        if now.get(key, value) != value:
            pd.set_option(key, value)
    warnings.filters[:] = _SAVED["filters"]
    warnings.showwarning = _SAVED["showwarning"]
    with warnings.catch_warnings():  # entering and leaving marks the filters changed: every
        pass                         # module's once-only registry of shown warnings is cleared
