"""Brute force where the papers' method is not an R function (issue 13, item 3).

* The exact Mann-Whitney P with ties (GraphPad Prism / StatXact: the permutation distribution of the mid-rank
  sum). R's ``wilcox.test`` falls back to the normal approximation when there are ties; the oracle uses
  ``coin::wilcox_test(distribution = "exact")``. Here the definition itself is checked: every split of the
  pooled values is enumerated.
* GraphPad's hybrid Wilson/Brown interval has no R function: its definition (Wilson score interval; a limit
  replaced by 0.5 * chi2_{0.05}(2x) / n when x or n - x is 1..2, or 1..3 above n = 50) is evaluated here
  from the Wilson formula written out, and compared with ``proportion_ci_hybrid``.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy.stats import chi2, norm, rankdata

from cartrepro.stats.diagnostics import proportion_ci_hybrid
from cartrepro.stats.ranks import mann_whitney_auto, mann_whitney_exact


def brute_force_p(a, b) -> float:
    pooled = np.concatenate([a, b])
    ranks = rankdata(pooled)
    n, m = pooled.size, len(a)
    centre = m * (n + 1) / 2
    observed = abs(ranks[:m].sum() - centre)
    hits = total = 0
    for split in itertools.combinations(range(n), m):
        total += 1
        hits += abs(ranks[list(split)].sum() - centre) >= observed - 1e-9
    return hits / total


SAMPLES = [
    ([1.0, 1.0, 2.0], [1.0, 3.0, 3.0, 4.0]),
    ([0.1, 0.1, 0.1], [0.1, 0.2]),  # nearly all tied
    ([2.5, 2.5, 3.1, 4.0, 4.0], [1.2, 2.5, 2.5, 3.1, 5.0, 5.0]),
    ([1.0], [1.0, 2.0, 3.0]),
    ([4.2, 4.2, 4.2, 4.2], [4.2, 4.2, 4.3]),
]


@pytest.mark.parametrize("a, b", SAMPLES)
def test_exact_mann_whitney_with_ties_is_the_permutation_p(a, b):
    assert math.isclose(mann_whitney_exact(a, b).p_value, brute_force_p(np.array(a), np.array(b)), rel_tol=1e-12)
    assert mann_whitney_auto(a, b).method == "exact"


def test_exact_mann_whitney_random_tied_samples():
    rng = np.random.default_rng(13)
    for _ in range(30):
        m, k = int(rng.integers(1, 7)), int(rng.integers(1, 7))
        a = np.round(rng.normal(1, 0.3, m), 1)  # one decimal: many ties
        b = np.round(rng.normal(1.2, 0.3, k), 1)
        assert math.isclose(mann_whitney_exact(a, b).p_value, brute_force_p(a, b), rel_tol=1e-12), (a, b)


def hybrid_by_definition(k: int, n: int) -> tuple[float, float]:
    z = norm.ppf(0.975)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low, high = max(0.0, centre - half), min(1.0, centre + half)
    top = 2 if n <= 50 else 3
    if 1 <= k <= top:
        low = 0.5 * chi2.ppf(0.05, 2 * k) / n
    if 1 <= n - k <= top:
        high = 1 - 0.5 * chi2.ppf(0.05, 2 * (n - k)) / n
    return low, high


@pytest.mark.parametrize("n", [1, 2, 3, 6, 13, 26, 50, 51, 80])
def test_hybrid_wilson_brown_by_definition(n):
    for k in range(n + 1):
        ci = proportion_ci_hybrid(k, n)
        low, high = hybrid_by_definition(k, n)
        assert math.isclose(ci.ci_low, low, rel_tol=1e-9, abs_tol=1e-12), (k, n)
        assert math.isclose(ci.ci_high, high, rel_tol=1e-9, abs_tol=1e-12), (k, n)


def test_hybrid_reproduces_the_papers_printed_interval():
    """12/13 = 92.31% (95% CI 66.69-99.61%), P1 Fig. 1e."""
    ci = proportion_ci_hybrid(12, 13)
    assert (round(100 * ci.ci_low, 2), round(100 * ci.ci_high, 2)) == (66.69, 99.61)
