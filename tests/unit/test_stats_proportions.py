"""cartrepro.stats.proportions against frozen R output, plus input validation.

The R fixture (tests/reference/fixtures/proportions.json) was written by
tests/reference/make_proportion_fixtures.R (``binom.test`` and ``prop.test(correct = FALSE)``); running these
tests does not need R.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cartrepro.stats.proportions import ProportionCI, proportion_ci

FIXTURE = Path(__file__).resolve().parents[1] / "reference" / "fixtures" / "proportions.json"
CASES = json.loads(FIXTURE.read_text())["cases"]
TOL = 1e-6
R_KEY = {"clopper-pearson": "clopper_pearson", "wilson": "wilson"}


def _case_id(case: dict) -> str:
    return f"{case['k']}/{case['n']}@{case['conf_level']}"


def test_fixture_covers_edges_and_the_papers_counts():
    pairs = {(c["k"], c["n"]) for c in CASES}
    assert len(CASES) >= 30
    assert {(24, 30), (24, 34), (19, 21), (18, 21), (3, 5), (2, 4), (23, 30), (31, 34)} <= pairs
    assert any(k == 0 for k, _ in pairs) and any(k == n for k, n in pairs) and any(n == 1 for _, n in pairs)
    assert json.loads(FIXTURE.read_text())["versions"]["R"].startswith("R version")


@pytest.mark.parametrize("method", ["clopper-pearson", "wilson"])
@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_matches_r(case, method):
    ci = proportion_ci(case["k"], case["n"], method=method, conf_level=case["conf_level"])
    assert ci.k == case["k"] and ci.n == case["n"]
    assert ci.estimate == pytest.approx(case["estimate"], abs=TOL)
    low, high = case[R_KEY[method]]
    assert ci.ci_low == pytest.approx(low, abs=TOL), f"{method} lower bound"
    assert ci.ci_high == pytest.approx(high, abs=TOL), f"{method} upper bound"
    assert 0.0 <= ci.ci_low <= ci.estimate <= ci.ci_high <= 1.0


def test_default_is_clopper_pearson_at_95_percent():
    default = proportion_ci(24, 30)
    explicit = proportion_ci(24, 30, method="clopper-pearson", conf_level=0.95)
    assert default == explicit
    assert default.method == "clopper-pearson" and default.conf_level == 0.95


def test_exact_edges():
    none = proportion_ci(0, 5)
    assert (none.estimate, none.ci_low) == (0.0, 0.0)
    assert none.ci_high == pytest.approx(1 - 0.025 ** (1 / 5), abs=1e-12)  # closed form for k = 0
    allk = proportion_ci(5, 5)
    assert (allk.estimate, allk.ci_high) == (1.0, 1.0)
    assert allk.ci_low == pytest.approx(0.025 ** (1 / 5), abs=1e-12)


def test_result_is_frozen_and_percent_helper():
    ci = proportion_ci(24, 30)
    assert isinstance(ci, ProportionCI)
    with pytest.raises(AttributeError):
        ci.k = 3  # type: ignore[misc]
    pct = ci.percent()
    assert pct[0] == pytest.approx(80.0) and pct[1] == pytest.approx(100 * ci.ci_low)


def test_accepts_numpy_integers_and_whole_floats():
    assert proportion_ci(np.int64(24), np.int32(30)) == proportion_ci(24, 30)
    assert proportion_ci(24.0, 30.0) == proportion_ci(24, 30)


@pytest.mark.parametrize(
    ("k", "n", "message"),
    [
        (-1, 5, "k must not be negative"),
        (6, 5, "k must not exceed n"),
        (0, 0, "n must be at least 1"),
        (1, -3, "n must be at least 1"),
        (2.5, 5, "k must be a whole number"),
        (2, 5.5, "n must be a whole number"),
        (True, 5, "k must be a whole number"),
        ("3", 5, "k must be a whole number"),
        (None, 5, "k must be a whole number"),
        (float("nan"), 5, "k must be a whole number"),
    ],
)
def test_invalid_counts(k, n, message):
    with pytest.raises(ValueError, match=message):
        proportion_ci(k, n)


@pytest.mark.parametrize("level", [0, 1, 1.5, -0.1, True])
def test_invalid_conf_level(level):
    with pytest.raises(ValueError, match="conf_level"):
        proportion_ci(3, 5, conf_level=level)


def test_unknown_method():
    with pytest.raises(ValueError, match="method must be one of"):
        proportion_ci(3, 5, method="normal")  # type: ignore[arg-type]
