"""Comparison panels for the descriptive statistics and two-group tests of the methods chapter.

Companion of :mod:`cartrepro.methods.survival` (survival) for the page ``methods_descriptive_tests``: each
function takes plain numbers or arrays and returns a tidy DataFrame saying what every common tool's default
would have printed, so the notebook stays thin.

* :func:`percent_rounding_panel` -- k/n in percent, rounded half up, by Python's ``round`` (half to even on
  the binary value) and truncated, against the printed digits;
* :func:`median_panel` -- the median of even-sized samples by SPSS / numpy (mean of the two middle values)
  and by the "lower"/"higher" conventions (``statistics.median_low``/``median_high``, pandas
  ``quantile(interpolation=...)``, numpy ``percentile(method="inverted_cdf")``);
* :func:`proportion_ci_panel` -- Clopper-Pearson against Wilson, R ``prop.test``'s default and the normal
  (Wald) interval that is statsmodels' default, marking bounds that differ at the printed precision;
* :func:`two_group_panel` -- Student's t (pooled), Welch's t and the Mann-Whitney variants for one
  comparison, each P printed to 3 decimals against the published one;
* :func:`correlation_panel` -- Spearman (average ranks; ranks not averaged), Pearson and Kendall for one pair.

Method panels (two-group, correlation, median) share the columns ``key``, ``method``, ``default_of``,
``printed_as``, ``would_print`` so :func:`cartrepro.methods.printing.would_print_matrix` can put several side
by side; every row comes from :func:`cartrepro.methods.printing.method_row`.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping
from fractions import Fraction

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from cartrepro.methods.printing import method_row
from cartrepro.stats.groups import mann_whitney, spearman, student_t
from cartrepro.stats.proportions import proportion_ci
from cartrepro.stats.ranks import EXACT_MAX_CELLS, exact_table_cells, mann_whitney_exact

__all__ = [
    "CI_COLUMNS",
    "METHOD_COLUMNS",
    "PERCENT_COLUMNS",
    "correlation_panel",
    "exact_conditional_mann_whitney",
    "median_panel",
    "percent_rounding_panel",
    "proportion_ci_panel",
    "prop_test_interval",
    "two_group_panel",
]

PERCENT_COLUMNS = ["label", "k", "n", "percent", "decimals", "half_up", "half_even", "truncated", "published",
                   "matches"]
METHOD_COLUMNS = ["key", "method", "default_of", "statistic", "p_value", "printed_as", "would_print"]
CI_COLUMNS = ["label", "k", "n", "key", "method", "default_of", "ci_low", "ci_high", "printed_as",
              "same_as_clopper_pearson", "differs"]


# --------------------------------------------------------------------------------------------------
# Card 1: k/n in percent and the rounding rule
# --------------------------------------------------------------------------------------------------


def _fixed(units: int, decimals: int) -> str:
    """``units`` / 10**decimals written with ``decimals`` decimals, exactly (706, 1 -> '70.6')."""
    sign = "-" if units < 0 else ""
    whole, frac = divmod(abs(units), 10**decimals)
    return f"{sign}{whole}" + (f".{frac:0{decimals}d}" if decimals else "")


def percent_rounding_panel(cases: Iterable[Mapping]) -> pd.DataFrame:
    """k/n x 100 printed three ways, against the published digits.

    ``cases``: mappings with ``label``, ``k``, ``n``, ``decimals`` (printed precision) and optionally
    ``published`` (the printed number as text, e.g. "70.5"). For each case:

    * ``half_up``: exact arithmetic on the fraction, half up (SPSS, Excel ``ROUND``, a person by hand);
    * ``half_even``: Python's ``round(100 * k / n, decimals)`` (half to even on the binary double, the same
      as ``f"{x:.1f}"`` and ``numpy.round``): differs from half up only at exact ties such as 1/8 = 12.5%;
    * ``truncated``: the digits cut off (exact arithmetic), as 24/34 = 70.588...% printed 70.5;
    * ``matches``: which of the three give the published digits ("half_up, half_even", "truncated",
      "none"), or "" without ``published``.
    """
    rows = []
    for case in cases:
        k, n, d = int(case["k"]), int(case["n"]), int(case["decimals"])
        if n <= 0 or not 0 <= k <= n or d < 0:
            raise ValueError(f"need 0 <= k <= n, n >= 1 and decimals >= 0; got {k}/{n}, {d} decimals")
        exact = Fraction(100 * k, n) * 10**d
        half_up = _fixed(math.floor(exact + Fraction(1, 2)), d)
        half_even = f"{round(100 * k / n, d):.{d}f}"
        truncated = _fixed(math.floor(exact), d)
        published = case.get("published")
        matches = ""
        if published is not None:
            shown = f"{float(published):.{d}f}"
            names = [name for name, value in (("half_up", half_up), ("half_even", half_even),
                                              ("truncated", truncated)) if value == shown]
            matches = ", ".join(names) if names else "none"
        rows.append({"label": case.get("label", f"{k}/{n}"), "k": k, "n": n, "percent": 100 * k / n,
                     "decimals": d, "half_up": half_up, "half_even": half_even, "truncated": truncated,
                     "published": "" if published is None else str(published), "matches": matches})
    return pd.DataFrame(rows, columns=PERCENT_COLUMNS)


# --------------------------------------------------------------------------------------------------
# Card 2: medians of even-sized samples
# --------------------------------------------------------------------------------------------------

_MEDIANS = (
    ("mean_middle", "Mean of the two middle values", "SPSS, numpy.median, pandas .median(), R median()",
     "np.median(x)", lambda x: float(np.median(x))),
    ("median_low", "Lower median", "statistics.median_low; pandas interpolation=\"lower\"",
     "statistics.median_low(x)", lambda x: float(statistics.median_low(x))),
    ("median_high", "Higher median", "statistics.median_high; pandas interpolation=\"higher\"",
     "statistics.median_high(x)", lambda x: float(statistics.median_high(x))),
    ("nearest", "Nearest order statistic (ties to the even position)", "pandas interpolation=\"nearest\"",
     "pd.Series(x).quantile(0.5, interpolation=\"nearest\")",
     lambda x: float(pd.Series(x).quantile(0.5, interpolation="nearest"))),
    ("inverted_cdf", "Inverse of the empirical CDF", "R quantile(type = 1)",
     "np.percentile(x, 50, method=\"inverted_cdf\")",
     lambda x: float(np.percentile(x, 50, method="inverted_cdf"))),
)


def median_panel(values, published: float | None = None, decimals: int = 0) -> pd.DataFrame:
    """The median of ``values`` by each convention, printed to ``decimals`` (half up) against ``published``.

    Missing values are dropped. Columns :data:`METHOD_COLUMNS` plus ``helper``, ``n``, ``middle`` (the two
    middle order statistics, equal for odd n); ``statistic`` is the median, ``p_value`` NaN.
    """
    x = pd.Series(np.asarray(values, dtype=float)).dropna().to_numpy()
    if x.size == 0:
        raise ValueError("median_panel needs at least one value")
    ordered = np.sort(x)
    middle = (float(ordered[(x.size - 1) // 2]), float(ordered[x.size // 2]))
    rows = []
    target = None if published is None else [published]
    for key, method, default_of, helper, function in _MEDIANS:
        value = function(x)
        rows.append(method_row(key, method, default_of, [value], target, decimals, names=("median",),
                               statistic=value, p_value=float("nan"), helper=helper, n=int(x.size), middle=middle))
    return pd.DataFrame(rows, columns=[*METHOD_COLUMNS, "helper", "n", "middle"])


# --------------------------------------------------------------------------------------------------
# Card 3: confidence intervals for a proportion
# --------------------------------------------------------------------------------------------------


def prop_test_interval(k: int, n: int, conf_level: float = 0.95, p: float = 0.5) -> tuple[float, float]:
    """The interval of R ``prop.test(k, n)`` with its defaults (Wilson score with Yates' correction).

    R shrinks the continuity correction to ``min(0.5, |k - n p|)`` with the null ``p = 0.5``, so there is no
    correction at all when k = n/2 (2/4 gives the plain Wilson interval). Fractions 0..1.
    """
    z = float(stats.norm.ppf((1 + conf_level) / 2))
    estimate = k / n
    yates = min(0.5, abs(k - n * p))
    z22n = z**2 / (2 * n)
    p_c = estimate + yates / n
    upper = 1.0 if p_c >= 1 else (p_c + z22n + z * math.sqrt(p_c * (1 - p_c) / n + z22n / (2 * n))) / (1 + 2 * z22n)
    p_c = estimate - yates / n
    lower = 0.0 if p_c <= 0 else (p_c + z22n - z * math.sqrt(p_c * (1 - p_c) / n + z22n / (2 * n))) / (1 + 2 * z22n)
    return max(lower, 0.0), min(upper, 1.0)


def proportion_ci_panel(cases: Iterable[Mapping], decimals: int = 0, conf_level: float = 0.95) -> pd.DataFrame:
    """Each proportion's interval by four methods, in percent, printed to ``decimals`` (half up).

    ``cases``: mappings with ``label``, ``k``, ``n``. Methods (``key``): ``clopper_pearson`` (the paper's;
    R ``binom.test``), ``wilson`` (score, no correction; R ``prop.test(correct = FALSE)``), ``prop_test``
    (R ``prop.test`` defaults, see :func:`prop_test_interval`) and ``normal`` (statsmodels
    ``proportion_confint`` default, the Wald interval p ± z·sqrt(p(1-p)/n) clipped to [0, 1]).
    ``same_as_clopper_pearson`` is "yes"/"no" on the printed bounds (and "—" on the Clopper-Pearson row);
    ``differs`` names the bounds that change, e.g. "upper 98 vs 99".
    """
    rows = []
    for case in cases:
        k, n = int(case["k"]), int(case["n"])
        label = case.get("label", f"{k}/{n}")
        cp = proportion_ci(k, n, method="clopper-pearson", conf_level=conf_level)
        wilson = proportion_ci(k, n, method="wilson", conf_level=conf_level)
        wald = [float(v) for v in proportion_confint(k, n, alpha=1 - conf_level)]
        methods = [
            ("clopper_pearson", "Clopper-Pearson (exact): the paper's", "R binom.test, SPSS (exact)",
             (cp.ci_low, cp.ci_high)),
            ("wilson", "Wilson score, no continuity correction", "R prop.test(correct = FALSE)",
             (wilson.ci_low, wilson.ci_high)),
            ("prop_test", "Wilson score with Yates' correction", "R prop.test (default)",
             prop_test_interval(k, n, conf_level)),
            ("normal", "Normal approximation (Wald), clipped to [0, 1]",
             "statsmodels proportion_confint (default method=\"normal\")", tuple(wald)),
        ]
        reference = None  # the first method's bounds: the others are compared with Clopper-Pearson's
        for key, method, default_of, (low, high) in methods:
            bounds = (100 * low, 100 * high)
            row = method_row(key, method, default_of, bounds, reference, decimals, names=("lower", "upper"),
                             label=label, k=k, n=n, ci_low=bounds[0], ci_high=bounds[1])
            row["same_as_clopper_pearson"] = row.pop("would_print")
            rows.append(row)
            reference = reference or bounds
    return pd.DataFrame(rows, columns=CI_COLUMNS)


# --------------------------------------------------------------------------------------------------
# Card 4: two-group tests
# --------------------------------------------------------------------------------------------------

#: above this many ways to split the pooled sample, the exact conditional test is not enumerated
EXACT_SPLIT_LIMIT = 5_000_000_000


def exact_conditional_mann_whitney(a, b) -> float:
    """Two-sided exact conditional P of the Mann-Whitney test with mid-ranks for ties (coin, StatXact, Prism).

    The computation lives in :func:`cartrepro.stats.ranks.mann_whitney_exact` (tested against R ``coin``);
    this is the panel's name for its P value.
    """
    return mann_whitney_exact(a, b).p_value


def _p_row(key, method, default_of, statistic, p_value, published, decimals):
    """A method-panel row for one P value (:func:`cartrepro.methods.printing.method_row`)."""
    return method_row(key, method, default_of, [p_value], None if published is None else [published], decimals,
                      names=("P",), statistic=float(statistic), p_value=float(p_value))


def two_group_panel(a, b, published_p: float | None = None, decimals: int = 3) -> pd.DataFrame:
    """One two-group comparison by every common test; P printed to ``decimals`` against ``published_p``.

    ``a``, ``b``: the two groups (missing values dropped). Rows (``key``): ``student`` (pooled variance;
    SPSS "equal variances assumed", scipy ``ttest_ind`` default; :func:`cartrepro.stats.groups.student_t`),
    ``welch`` (SPSS "equal variances not assumed", R ``t.test`` default), ``mw_cc`` (Mann-Whitney, normal
    approximation with tie and continuity correction: R ``wilcox.test`` with ties, scipy ``mannwhitneyu``
    with ties), ``mw_asymptotic`` (the same without continuity correction: SPSS "Asymp. Sig."),
    ``mw_exact`` (scipy ``method="exact"``: the no-ties distribution, ties ignored) and
    ``mw_exact_conditional`` (:func:`exact_conditional_mann_whitney`). ``statistic``: t, or U of group a.
    """
    x = pd.Series(np.asarray(a, dtype=float)).dropna().to_numpy()
    y = pd.Series(np.asarray(b, dtype=float)).dropna().to_numpy()
    rows = []
    student = student_t(x, y)
    rows.append(_p_row("student", "Student's t, pooled variance", "SPSS (equal variances assumed), scipy "
                       "ttest_ind", student.statistic, student.p_value, published_p, decimals))
    welch = stats.ttest_ind(x, y, equal_var=False)
    rows.append(_p_row("welch", "Welch's t, separate variances", "R t.test, SPSS (equal variances not assumed)",
                       welch.statistic, welch.pvalue, published_p, decimals))
    cc = mann_whitney(x, y, continuity=True)
    rows.append(_p_row("mw_cc", "Mann-Whitney, normal approx., continuity-corrected",
                       "R wilcox.test and scipy mannwhitneyu when there are ties", cc.statistic, cc.p_value,
                       published_p, decimals))
    plain = mann_whitney(x, y, continuity=False)
    rows.append(_p_row("mw_asymptotic", "Mann-Whitney, normal approx., no continuity correction",
                       "SPSS (Asymp. Sig.)", plain.statistic, plain.p_value, published_p, decimals))
    # the exact tables grow with n_a * n_b: beyond mann_whitney_auto's cap they are not built
    feasible = exact_table_cells(x.size, y.size) <= EXACT_MAX_CELLS
    too_big = "" if feasible else " (too large for the exact table: not computed)"
    exact_p = (float(stats.mannwhitneyu(x, y, alternative="two-sided", method="exact").pvalue)
               if feasible else float("nan"))
    ties = np.unique(np.concatenate([x, y])).size < x.size + y.size
    rows.append(_p_row("mw_exact", "Mann-Whitney, exact distribution" + (" (ties ignored)" if ties else "")
                       + too_big, "R wilcox.test and scipy mannwhitneyu without ties (small n)", cc.statistic,
                       exact_p, published_p, decimals))
    conditional = exact_conditional_mann_whitney(x, y) if feasible else float("nan")
    rows.append(_p_row("mw_exact_conditional", "Mann-Whitney, exact conditional on the ties (mid-ranks)" + too_big,
                       "coin, StatXact, GraphPad Prism", cc.statistic, conditional, published_p, decimals))
    frame = pd.DataFrame(rows, columns=METHOD_COLUMNS)
    frame["n"] = f"{x.size} vs {y.size}"
    return frame


# --------------------------------------------------------------------------------------------------
# Card 5: rank correlation
# --------------------------------------------------------------------------------------------------


def correlation_panel(x, y, published: float | None = None, decimals: int = 2) -> pd.DataFrame:
    """Correlation of ``x`` and ``y`` (pairs with a missing value dropped) by each common coefficient.

    Rows (``key``): ``spearman`` (average ranks, t-approximation P: SPSS, R ``cor.test(method="spearman",
    exact=FALSE)``, scipy ``spearmanr``; :func:`cartrepro.stats.groups.spearman`), ``spearman_ordinal``
    (ties broken by their order in the data instead of averaged: a hand-made rank), ``pearson`` (on the raw
    values: R ``cor.test`` default, scipy ``pearsonr``, SPSS CORRELATIONS) and ``kendall`` (tau-b). The
    coefficient is printed to ``decimals`` against ``published``.
    """
    frame = pd.DataFrame({"x": np.asarray(x, dtype=float), "y": np.asarray(y, dtype=float)}).dropna()
    a, b = frame["x"].to_numpy(), frame["y"].to_numpy()
    rows = []
    rho = spearman(a, b)
    rows.append(("spearman", "Spearman, average ranks for ties, t-approximation P",
                 "SPSS, R cor.test(method=\"spearman\", exact=FALSE), scipy spearmanr", rho.statistic, rho.p_value))
    ordinal = stats.pearsonr(stats.rankdata(a, method="ordinal"), stats.rankdata(b, method="ordinal"))
    rows.append(("spearman_ordinal", "Spearman with tied values ranked by position (not averaged)", "",
                 ordinal.statistic, ordinal.pvalue))
    pearson = stats.pearsonr(a, b)
    rows.append(("pearson", "Pearson product-moment, raw values", "R cor.test, scipy pearsonr, SPSS",
                 pearson.statistic, pearson.pvalue))
    tau = stats.kendalltau(a, b)
    rows.append(("kendall", "Kendall's tau-b", "scipy kendalltau", tau.statistic, tau.pvalue))
    target = None if published is None else [published]
    out = pd.DataFrame([method_row(key, method, default_of, [statistic], target, decimals, names=("r",),
                                   statistic=float(statistic), p_value=float(p))
                        for key, method, default_of, statistic, p in rows], columns=METHOD_COLUMNS)
    out["n"] = int(len(frame))
    return out
