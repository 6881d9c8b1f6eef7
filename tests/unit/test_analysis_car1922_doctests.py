"""The Examples sections of cartrepro.analysis.car1922 run as doctests (on the contract's example cohort), and
every analysis step that returns Results shows one."""

import doctest
import importlib
import inspect

import pytest

from cartrepro.analysis.results import Results

MODULES = ["baseline", "cytokines", "derive", "mip3a", "relapse", "roc", "screen", "survival"]


@pytest.mark.parametrize("name", MODULES)
def test_examples_run(name):
    module = importlib.import_module(f"cartrepro.analysis.car1922.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} doctest example(s) of {name} failed"


@pytest.mark.parametrize("name", MODULES)
def test_every_results_step_has_examples(name):
    module = importlib.import_module(f"cartrepro.analysis.car1922.{name}")
    for fname, function in inspect.getmembers(module, inspect.isfunction):
        if function.__module__ != module.__name__ or fname.startswith("_") or fname == "compute":
            continue
        if inspect.signature(function).return_annotation in (Results, "Results"):
            assert "Examples" in (function.__doc__ or ""), f"{name}.{fname} has no Examples"
