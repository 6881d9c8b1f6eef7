"""Runs inside a kernel that executes several notebooks in turn (see :mod:`cartrepro.build.kernels`).

:func:`snapshot` is called once, after the kernel imported what the notebooks import; :func:`reset` before
every notebook puts back what a fresh kernel that imported the same modules would hold: an empty user
namespace, the execution counters at their start (so ``execution_count`` in the executed notebook is the
one a fresh kernel gives), no open figure, matplotlib's rcParams, pandas' and numpy's options, the warning
filters (and every "shown once" registry), the working folder, ``sys.path``, the environment, and the
process-wide state of cartrepro itself (which cohorts were loaded: the figures' synthetic mark follows it).
Nothing here is imported by the build process itself.
"""

from __future__ import annotations

import copy
import gc
import os
import sys
import warnings

_saved: dict[str, object] = {}


class _DocKept:
    """Stands in for SciPy's docstring parser in its ``xp_capabilities`` decorator: the function keeps its
    own docstring (without the appended table of array backends)."""

    def __init__(self, function):
        self.doc = getattr(function, "__doc__", None) or ""

    def __getitem__(self, section: str) -> list:
        return []  # the decorator appends its note to a section of the parsed docstring: dropped here

    def __str__(self) -> str:
        return "\n" + self.doc  # the decorator drops the first line (the signature its parser puts there)


def lighter_imports() -> bool:
    """Before the shared imports: SciPy's array-API decorator parses and rewrites the docstring of each of
    ~470 functions when ``scipy.stats`` is imported (~0.35 s of CPU in every kernel) to append a table of
    array backends for its documentation; the kernel shows no SciPy docstring, so the functions keep their
    own. Only the docstrings differ (not a value, not an executed notebook's byte); nothing is changed when
    SciPy is absent, already imported, or its decorator is not the one this was written against. True when
    the stand-in is in place."""
    if "scipy.stats" in sys.modules:
        return False
    try:
        from scipy._lib import _array_api
    except Exception:  # noqa: BLE001 - no SciPy, or one laid out otherwise: imported as it is
        return False
    if getattr(_array_api, "FunctionDoc", None) is None or not hasattr(_array_api, "xp_capabilities"):
        return False
    _array_api.FunctionDoc = _DocKept
    return True


def snapshot() -> None:
    """Remember the state to come back to (after the shared imports, before any notebook), and freeze the
    imported objects out of the garbage collector's view (see below)."""
    import matplotlib
    import numpy
    from pandas._config import config as pandas_config

    from cartrepro import paths

    _saved.update(
        rc={key: matplotlib.rcParams._get(key) for key in matplotlib.rcParams},
        pandas=copy.deepcopy(pandas_config._global_config),
        numpy_print=numpy.get_printoptions(),
        numpy_err=numpy.geterr(),
        warnings=list(warnings.filters),
        cwd=os.getcwd(),
        path=list(sys.path),
        environ=dict(os.environ),
        loaded=dict(paths._LOADED),
        figure_state=_figure_state(),
    )
    # the imported modules' objects (~170,000) leave the garbage collector's view: the full collection of
    # every reset (IPython's) and the automatic ones while a notebook runs then walk only what the notebooks
    # made (~0.1 s less per collection; objects frozen here are only never collected as cyclic garbage)
    gc.collect()
    gc.freeze()


def _figure_state() -> dict | None:
    style = sys.modules.get("cartrepro.figures.style")
    return dict(style._state) if style is not None else None


def reset() -> None:
    """Back to the snapshot; called silently (no execution count, no output) before each notebook."""
    import matplotlib
    import matplotlib.pyplot as plt
    import numpy
    from IPython import get_ipython
    from pandas._config import config as pandas_config

    from cartrepro import paths

    plt.close("all")
    shell = get_ipython()
    shell.reset(new_session=True)  # user namespace, In/Out, shell.execution_count = 1
    kernel = getattr(shell, "kernel", None)
    if kernel is not None:
        kernel.execution_count = 0  # the counter of execute_input messages (ipykernel's own)
    for key, value in _saved["rc"].items():
        matplotlib.rcParams._set(key, value)
    pandas_config._global_config.clear()
    pandas_config._global_config.update(copy.deepcopy(_saved["pandas"]))
    numpy.set_printoptions(**_saved["numpy_print"])
    numpy.seterr(**_saved["numpy_err"])
    warnings.filters[:] = _saved["warnings"]
    warnings.onceregistry.clear()
    warnings._filters_mutated()  # every module's __warningregistry__ is stale: a warning shows again
    os.chdir(_saved["cwd"])
    sys.path[:] = _saved["path"]
    os.environ.clear()
    os.environ.update(_saved["environ"])
    paths._LOADED.clear()
    paths._LOADED.update(_saved["loaded"])
    style = sys.modules.get("cartrepro.figures.style")
    if style is not None:
        style._state.clear()
        style._state.update(_saved["figure_state"] or {"synthetic": None})
