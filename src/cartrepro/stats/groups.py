"""Two-group comparisons and rank correlation, as the papers' Methods name them.

* Student's t-test, unpaired, two-tailed, pooled variance (Student 1908; the "equal variances assumed"
  row of SPSS's independent-samples t-test). scipy's ``ttest_ind`` default is the same (``equal_var=True``);
  R's ``t.test`` default is Welch's test, so the R reference fixtures call ``t.test(var.equal = TRUE)``.
* Mann-Whitney U / Wilcoxon rank-sum, normal approximation with tie correction, with or without continuity
  correction (Mann & Whitney 1947; SPSS's "Asymp. Sig."). R's ``wilcox.test(exact = FALSE)``.
* Spearman's rank correlation with average ranks for ties and the t-distribution P value
  (Spearman 1904; SPSS's default). R's ``cor.test(method = "spearman", exact = FALSE)``.
* Pearson's product-moment correlation with the t-distribution P value (Pearson 1896; GraphPad Prism's and
  SPSS's default correlation). R's ``cor.test(method = "pearson")``.

Each function returns plain floats; inputs are array-likes without missing values (callers drop them
and say so).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class TestResult:
    statistic: float
    p_value: float
    n: tuple[int, ...]
    method: str = ""  # set where a function chooses between methods (e.g. exact or normal approximation)


def _clean(values, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float).ravel()
    if array.size == 0:
        raise ValueError(f"{name} is empty: a two-group comparison needs at least one value per group")
    if np.isnan(array).any():
        raise ValueError(f"{name} has missing values: drop them first (and report how many)")
    return array


def student_t(a, b) -> TestResult:
    """Unpaired two-tailed Student's t-test with pooled variance (SPSS 'equal variances assumed').

    Examples
    --------
    >>> result = student_t([1.1, 2.3, 2.9, 3.4, 4.0], [3.8, 4.4, 5.1, 5.6, 6.2, 7.0])
    >>> round(result.statistic, 4), round(result.p_value, 5), result.n
    (-3.7632, 0.00446, (5, 6))
    """
    x, y = _clean(a, "group a"), _clean(b, "group b")
    if x.size + y.size < 3:
        raise ValueError("Student's t-test needs at least 3 values in all")
    result = stats.ttest_ind(x, y, equal_var=True)
    return TestResult(float(result.statistic), float(result.pvalue), (x.size, y.size))


def mann_whitney(a, b, *, continuity: bool = True) -> TestResult:
    """Mann-Whitney U, two-sided, normal approximation with tie correction (R wilcox.test(exact=FALSE)).

    Examples
    --------
    >>> result = mann_whitney([1.1, 2.3, 2.9, 3.4, 4.0], [3.8, 4.4, 5.1, 5.6, 6.2, 7.0])
    >>> result.statistic, round(result.p_value, 5)
    (1.0, 0.01371)
    """
    x, y = _clean(a, "group a"), _clean(b, "group b")
    result = stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic", use_continuity=continuity)
    return TestResult(float(result.statistic), float(result.pvalue), (x.size, y.size))


def _pairs(x, y, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Paired values for a correlation: equal lengths, at least 3 pairs, nothing missing."""
    a, b = _clean(x, "x"), _clean(y, "y")
    if a.size != b.size:
        raise ValueError(f"x and y differ in length ({a.size} vs {b.size})")
    if a.size < 3:
        raise ValueError(f"{name} correlation needs at least 3 pairs")
    return a, b


def spearman(x, y) -> TestResult:
    """Spearman's rho (average ranks for ties) with the t-approximation P value (SPSS; R exact=FALSE).

    Examples
    --------
    >>> result = spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])
    >>> round(result.statistic, 4), round(result.p_value, 4)
    (0.8, 0.1041)
    """
    a, b = _pairs(x, y, "Spearman's")
    result = stats.spearmanr(a, b)
    return TestResult(float(result.statistic), float(result.pvalue), (a.size,))


def pearson(x, y) -> TestResult:
    """Pearson's r with the two-sided t-distribution P value (n - 2 degrees of freedom).

    Examples
    --------
    >>> result = pearson([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])
    >>> round(result.statistic, 4), round(result.p_value, 4)
    (0.8, 0.1041)
    """
    a, b = _pairs(x, y, "Pearson's")
    result = stats.pearsonr(a, b)
    return TestResult(float(result.statistic), float(result.pvalue), (a.size,))
