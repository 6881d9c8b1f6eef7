"""Exact Mann-Whitney / Wilcoxon rank-sum test that stays exact when values are tied.

Method
------
Two-sided exact *conditional* (permutation) test on the mid-rank sum: pool both groups, give tied values
their average rank (mid-rank), and let W be the sum of the mid-ranks of group ``a``. Under H0 every split of
the pooled mid-ranks into ``n_a`` and ``n_b`` values is equally likely (C(N, n_a) splits, the ranks being
conditional on the observed tie pattern). The P value is

    P = Pr(|W - E| >= |w - E|),  E = n_a (N + 1) / 2,

over that permutation distribution. This is the exact test of StatXact (Mehta & Patel, StatXact manual,
"Wilcoxon-Mann-Whitney test") and of GraphPad Prism ("exact P value" of the Mann-Whitney test, which Prism
computes also with ties). References: Mann HB, Whitney DR. Ann Math Stat 1947;18:50-60; Lehmann EL.
Nonparametrics: statistical methods based on ranks. Holden-Day 1975, ch. 1 (the conditional distribution
with ties); Mehta CR, Patel NR. A network algorithm for performing Fisher's exact test... / StatXact.

How it is computed: doubled mid-ranks are integers, so the distribution of the doubled rank sum is counted
exactly by dynamic programming (the number of subsets of size k of the first i pooled values with each
doubled sum), with no sampling. Counts are held in float64 (relative error ~1e-16; the comparison
``|W - E| >= |w - E|`` is made on the integer doubled sums, so no tie of the criterion is decided by rounding).

Agreement with other software
-----------------------------
* Without ties it equals R ``wilcox.test(a, b, exact = TRUE)$p.value`` (tests: frozen R fixtures).
* With ties it equals R ``coin::wilcox_test(..., distribution = "exact")`` (frozen fixtures) and a brute-force
  enumeration of all splits (test, small n). R's ``wilcox.test`` silently falls back to the normal
  approximation with ties, and scipy's ``mannwhitneyu(method="exact")`` ignores ties (it uses the tie-free
  null distribution of U); neither is this test.

The statistic returned is U of group ``a`` computed from mid-ranks, ``W - n_a (n_a + 1) / 2`` (R's ``W``,
scipy's ``U1``).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.stats import rankdata

from cartrepro.stats.groups import TestResult, _clean

__all__ = ["EXACT_MAX_CELLS", "exact_table_cells", "mann_whitney_auto", "mann_whitney_exact", "rank_sum_distribution"]

#: the largest rank-sum table (cells of 8 bytes) the exact test builds: 5e6 cells = 40 MB
EXACT_MAX_CELLS = 5_000_000


def exact_table_cells(n_a: int, n_b: int) -> int:
    """Cells of the table :func:`rank_sum_distribution` builds for groups of these sizes (doubled ranks).

    Examples
    --------
    >>> exact_table_cells(13, 26)
    12026
    """
    n = n_a + n_b
    top = n_a * (2 * n - n_a + 1)  # the largest doubled rank sum of n_a values
    return (n_a + 1) * (top + 1)


def rank_sum_distribution(doubled_ranks: np.ndarray, k: int) -> np.ndarray:
    """Counts of each doubled rank sum over all size-``k`` subsets of ``doubled_ranks`` (integers >= 0).

    ``counts[s]`` is the number of subsets whose doubled ranks sum to ``s``; ``counts.sum() == C(N, k)``.
    The table depends only on the multiset of ranks and ``k``: it is counted once per multiset (ranks in
    ascending order) and kept (a screen of 70 analytes with the same tie pattern and group sizes counts it
    once); the returned array is read-only. The last 32 tables are kept: a kept row has at most
    ``EXACT_MAX_CELLS / (k + 1)`` cells under :func:`mann_whitney_auto`'s cap, a few MB at 20,000
    specimens, so the cache stays far below the 1 GiB a build process may use.

    Examples
    --------
    The six pairs of the doubled ranks 2, 4, 6, 8 sum to 6, 8, 10 (twice), 12 and 14:

    >>> counts = rank_sum_distribution([2, 4, 6, 8], 2)
    >>> {s: int(c) for s, c in enumerate(counts) if c}
    {6: 1, 8: 1, 10: 2, 12: 1, 14: 1}
    """
    ranks = np.asarray(doubled_ranks, dtype=np.int64)
    if ranks.ndim != 1 or (ranks < 0).any():
        raise ValueError("doubled ranks must be a 1-d array of non-negative integers")
    if not 0 <= k <= ranks.size:
        raise ValueError(f"k must be between 0 and {ranks.size}, got {k}")
    return _rank_sum_counts(tuple(np.sort(ranks).tolist()), int(k))


@lru_cache(maxsize=32)
def _rank_sum_counts(ranks: tuple[int, ...], k: int) -> np.ndarray:
    """The dynamic programme of :func:`rank_sum_distribution` on ascending ``ranks`` (cached)."""
    top = int(sum(ranks[len(ranks) - k:])) if k else 0
    table = np.zeros((k + 1, top + 1), dtype=float)
    table[0, 0] = 1.0
    for i, r in enumerate(ranks, start=1):
        for j in range(min(i, k), 0, -1):  # descending: each value used at most once
            if r == 0:
                table[j] += table[j - 1]
            elif r <= top:
                table[j, r:] += table[j - 1, : top + 1 - r]
    counts = table[k].copy()
    counts.flags.writeable = False
    return counts


def mann_whitney_exact(a, b) -> TestResult:
    """Two-sided exact (conditional permutation) Mann-Whitney test with mid-ranks for ties.

    P = Pr(|W - E| >= |w - E|) over all C(N, n_a) splits of the pooled mid-ranks (StatXact, GraphPad Prism).
    Equal to R ``wilcox.test(exact = TRUE)`` without ties and ``coin::wilcox_test(distribution = "exact")``
    with ties. Returns U of group ``a`` (from mid-ranks), the P value and the group sizes.

    Examples
    --------
    >>> result = mann_whitney_exact([1, 2, 2, 4], [3, 5, 6, 6, 7])
    >>> result.statistic, round(result.p_value, 5)
    (1.0, 0.03175)
    """
    x, y = _clean(a, "group a"), _clean(b, "group b")
    pooled = np.concatenate([x, y])
    doubled = np.rint(2 * rankdata(pooled, method="average")).astype(np.int64)
    n_a, n = x.size, pooled.size
    observed = int(doubled[:n_a].sum())
    centre = n_a * (n + 1)  # 2 E, an integer
    counts = rank_sum_distribution(doubled, n_a)
    sums = np.arange(counts.size, dtype=np.int64)
    extreme = np.abs(sums - centre) >= abs(observed - centre)
    p_value = float(counts[extreme].sum() / counts.sum())
    u = observed / 2 - n_a * (n_a + 1) / 2
    return TestResult(float(u), min(1.0, p_value), (n_a, y.size))


def mann_whitney_auto(a, b, *, max_cells: int = EXACT_MAX_CELLS) -> TestResult:
    """The exact test (:func:`mann_whitney_exact`, the papers' method) while its table fits ``max_cells``;
    beyond, the normal approximation with tie and continuity correction (R ``wilcox.test(exact = FALSE)``),
    which is accurate at the sizes where the exact table would not fit. ``method`` says which was used.

    Examples
    --------
    >>> result = mann_whitney_auto([1.1, 2.3, 2.9, 3.4, 4.0], [3.8, 4.4, 5.1, 5.6, 6.2, 7.0])
    >>> result.method, round(result.p_value, 5)
    ('exact', 0.00866)
    """
    from dataclasses import replace

    from cartrepro.stats.groups import mann_whitney

    x, y = _clean(a, "group a"), _clean(b, "group b")
    if exact_table_cells(x.size, y.size) <= max_cells:
        return replace(mann_whitney_exact(x, y), method="exact")
    return replace(mann_whitney(x, y, continuity=True), method="normal approximation")
