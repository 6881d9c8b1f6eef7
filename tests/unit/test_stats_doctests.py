"""The Examples sections of cartrepro.stats run as doctests, and every public function has one.

``make test`` runs this file with the rest of the suite (no separate ``--doctest-modules`` run is needed).
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil

import pytest

import cartrepro.stats

MODULES = sorted(info.name for info in pkgutil.iter_modules(cartrepro.stats.__path__, "cartrepro.stats."))


def _public_functions(module) -> list[str]:
    names = getattr(module, "__all__", [n for n in vars(module) if not n.startswith("_")])
    return [n for n in names if inspect.isfunction(getattr(module, n, None))
            and getattr(module, n).__module__ == module.__name__]


def test_every_stats_module_is_covered():
    assert {"cartrepro.stats.survival", "cartrepro.stats.rounding", "cartrepro.stats.ranks"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} doctest example(s) of {name} failed (run python -m doctest)"
    if _public_functions(module):
        assert result.attempted > 0, f"{name} has public functions but no doctest examples"


@pytest.mark.parametrize("name", MODULES)
def test_every_public_function_has_examples(name):
    module = importlib.import_module(name)
    missing = [n for n in _public_functions(module)
               if "Examples\n" not in (getattr(module, n).__doc__ or "") or ">>>" not in getattr(module, n).__doc__]
    assert not missing, f"{name}: public functions without an Examples section: {missing}"
