"""The one "would this method print the paper's digits" rule of the methods chapter (methods/printing.py)."""

from __future__ import annotations

import math

from cartrepro.methods.printing import compare_printed, method_row, printed_text

NAN = math.nan


def test_half_up_not_half_even():
    # 0.125 and 2.675 are ties on their decimal representation: half up prints 0.13 and 2.68
    assert compare_printed([0.125], [0.13], 2, names=("P",)) == ("yes", "")
    assert compare_printed([2.675], [2.67], 2, names=("x",)) == ("no", "x 2.68 vs 2.67")
    assert printed_text([2.675], 2) == "2.68"


def test_the_published_value_is_rounded_to_the_printed_precision_too():
    assert compare_printed([26.15], [26.2], 1) == ("yes", "")
    assert compare_printed([26.149], [26.2], 1) == ("no", "estimate 26.1 vs 26.2")


def test_a_value_that_could_not_be_computed():
    assert compare_printed([NAN], [0.002], 3, names=("P",)) == ("—", "")
    assert compare_printed([NAN, NAN, NAN], [9.1, 0.0, 26.2], 1) == ("—", "")
    assert compare_printed([9.1, NAN, NAN], [9.1, 0.0, 26.2], 1) == ("no", "lower — vs 0.0; upper — vs 26.2")
    assert printed_text([9.1, NAN, NAN], 1) == "9.1 (—–—)"


def test_without_a_published_value_there_is_no_verdict():
    assert compare_printed([0.5], None, 2) == ("—", "")


def test_an_estimate_printed_without_its_interval_compares_the_estimate_only():
    assert compare_printed([83.333, 51.6, 97.9], [83.33], 2) == ("yes", "")
    assert compare_printed([83.338, 51.6, 97.9], [83.33], 2) == ("no", "estimate 83.34 vs 83.33")


def test_layouts_and_row():
    assert printed_text([0.2, 26.15], 0) == "0–26"
    assert printed_text([71.58, 44.24, 98.96], 1) == "71.6 (44.2–99.0)"
    row = method_row("k", "a method", "R", [0.0018], [0.0018], 4, names=("P",), p_value=0.0018)
    assert row == {"key": "k", "method": "a method", "default_of": "R", "p_value": 0.0018, "printed_as": "0.0018",
                   "would_print": "yes", "differs": ""}
