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
import os
import sys
import warnings

_saved: dict[str, object] = {}


def snapshot() -> None:
    """Remember the state to come back to (after the shared imports, before any notebook)."""
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
