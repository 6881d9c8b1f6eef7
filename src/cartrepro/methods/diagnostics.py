"""Comparison panels for the rank tests and diagnostic-accuracy statistics of the methods chapter.

Companion of :mod:`cartrepro.methods.descriptive` for the page ``methods_diagnostics`` (P1's cytokine
analysis). Each function takes plain numbers or arrays and returns a tidy DataFrame saying what each common
tool's default would have printed, so the notebook stays thin:

* :func:`mann_whitney_panel` -- the exact conditional test (coin, StatXact, Prism) against scipy's exact
  table (ties ignored), R ``wilcox.test``'s and scipy ``mannwhitneyu``'s defaults and the normal
  approximation with and without continuity correction, each P printed against the published one;
* :func:`auc_ci_panel` -- the ROC area with the Hanley-McNeil interval (empirical Q1/Q2, the paper's),
  DeLong's (pROC's default) and Hanley-McNeil with the exponential approximation of Q1/Q2;
* :func:`cutoff_panel` -- Youden's cutoff as the midpoint between adjacent observed values (Prism, pROC)
  against reporting an observed value, with the sensitivity and specificity each threshold gives on a
  second (validation) set; :func:`youden_table` lists every candidate threshold with its J;
* :func:`sens_spec_ci_panel` -- intervals for sensitivity / specificity by the hybrid Wilson/Brown method
  (Prism), Wilson and Clopper-Pearson, printed to 2 decimals in percent;
* :func:`bh_panel` -- a screen's raw P values against Benjamini-Hochberg q values;
* :func:`correlation_pair_panel` -- Pearson against Spearman (and Kendall), coefficient and P printed.

Method panels share the columns ``key``, ``method``, ``default_of``, ``printed_as``, ``would_print`` so
:func:`cartrepro.methods.printing.would_print_matrix` can put several side by side; rows come from
:func:`cartrepro.methods.printing.method_row`, the chapter's one "would it print the same digits" rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from cartrepro.methods.printing import compare_printed, method_row, printed_text
from cartrepro.stats.diagnostics import auc, proportion_ci_hybrid, roc_curve
from cartrepro.stats.groups import mann_whitney, spearman
from cartrepro.stats.multiplicity import bh_adjust
from cartrepro.stats.proportions import proportion_ci
from cartrepro.stats.ranks import EXACT_MAX_CELLS, exact_table_cells, mann_whitney_exact

__all__ = [
    "AUC_COLUMNS",
    "CUTOFF_COLUMNS",
    "SENS_SPEC_COLUMNS",
    "auc_ci_panel",
    "bh_panel",
    "correlation_pair_panel",
    "cutoff_panel",
    "mann_whitney_panel",
    "r_wilcox_default",
    "sens_spec_ci_panel",
    "tie_free_p_values",
    "youden_table",
]

MW_COLUMNS = ["key", "method", "default_of", "statistic", "p_value", "printed_as", "would_print"]
AUC_COLUMNS = ["key", "method", "default_of", "auc", "se", "ci_low", "ci_high", "printed_as", "would_print",
               "differs"]
CUTOFF_COLUMNS = ["key", "method", "default_of", "rule", "threshold", "printed_as", "would_print", "sensitivity",
                  "specificity", "validation_sensitivity", "validation_specificity", "validation_printed",
                  "validation_would_print"]
SENS_SPEC_COLUMNS = ["label", "k", "n", "key", "method", "default_of", "estimate", "ci_low", "ci_high",
                     "printed_as", "compared", "would_print", "differs"]

#: R ``wilcox.test`` computes the exact P only when both groups are smaller than this and nothing is tied
R_EXACT_LIMIT = 50


def _arr(values) -> np.ndarray:
    return pd.Series(np.asarray(values, dtype=float)).dropna().to_numpy()


def _fmt(value: float, decimals: int) -> str:
    return printed_text([value], decimals)


def _same(value: float, published: float | None, decimals: int) -> str:
    return compare_printed([value], None if published is None else [published], decimals)[0]


def _has_ties(*groups: np.ndarray) -> bool:
    pooled = np.concatenate(groups)
    return np.unique(pooled).size < pooled.size


# --------------------------------------------------------------------------------------------------
# Card 1: Mann-Whitney
# --------------------------------------------------------------------------------------------------


def r_wilcox_default(a, b) -> tuple[float, str]:
    """The P of R ``wilcox.test(a, b)`` with its defaults, and which branch R takes.

    R uses the exact tie-free table when both groups have fewer than 50 values and nothing is tied
    (equal to :func:`cartrepro.stats.ranks.mann_whitney_exact` then); otherwise, with a warning for ties,
    the normal approximation with tie and continuity correction.
    """
    x, y = _arr(a), _arr(b)
    if _r_takes_exact(x, y):
        return mann_whitney_exact(x, y).p_value, R_EXACT
    return mann_whitney(x, y, continuity=True).p_value, R_NORMAL


#: the two branches of R ``wilcox.test``'s defaults, as :func:`r_wilcox_default` names them
R_EXACT, R_NORMAL = "exact", "normal approximation, continuity-corrected"


def _r_takes_exact(x: np.ndarray, y: np.ndarray) -> bool:
    return x.size < R_EXACT_LIMIT and y.size < R_EXACT_LIMIT and not _has_ties(x, y)


def mann_whitney_panel(a, b, published_p: float | None = None, decimals: int = 3) -> pd.DataFrame:
    """One two-group rank comparison by every common Mann-Whitney variant, P printed to ``decimals``.

    Rows (``key``): ``exact_conditional`` (mid-ranks, exact over all splits: coin, StatXact, GraphPad
    Prism; :func:`~cartrepro.stats.ranks.mann_whitney_exact`), ``scipy_exact`` (``mannwhitneyu(method=
    "exact")``: the tie-free table, ties ignored), ``r_default`` (:func:`r_wilcox_default`),
    ``scipy_default`` (``mannwhitneyu`` with ``method="auto"``), ``asymptotic_cc`` (normal approximation
    with tie and continuity correction) and ``asymptotic`` (without continuity correction: SPSS "Asymp.
    Sig."). ``statistic`` is U of group ``a``; the frame also carries ``n`` ("13 vs 26") and ``ties``
    (pooled values that repeat an earlier one).
    """
    x, y = _arr(a), _arr(b)
    pooled = np.concatenate([x, y])
    ties = int(pooled.size - np.unique(pooled).size)
    # the exact tables grow with n_a * n_b: beyond the cap of mann_whitney_auto they are not built (a
    # 10,000-patient cohort would need ~47 GiB); those rows then show no value
    feasible = exact_table_cells(x.size, y.size) <= EXACT_MAX_CELLS
    exact_p = mann_whitney_exact(x, y).p_value if feasible else float("nan")
    scipy_exact_p = (float(stats.mannwhitneyu(x, y, alternative="two-sided", method="exact").pvalue)
                     if feasible else float("nan"))
    scipy_auto = stats.mannwhitneyu(x, y, alternative="two-sided")
    cc = mann_whitney(x, y, continuity=True)
    # r_wilcox_default(x, y), from the two P values it would compute again (the same functions, the same arrays)
    if _r_takes_exact(x, y):
        r_p, r_branch = (exact_p if feasible else mann_whitney_exact(x, y).p_value), R_EXACT
    else:
        r_p, r_branch = cc.p_value, R_NORMAL
    plain = mann_whitney(x, y, continuity=False)
    u = cc.statistic
    ignored = " (ties ignored)" if ties else ""
    too_big = "" if feasible else " (too large for the exact table: not computed)"
    rows = [
        ("exact_conditional", "Exact, conditional on the ties (mid-ranks)" + too_big,
         "coin, StatXact, GraphPad Prism", exact_p),
        ("scipy_exact", "Exact tie-free table" + ignored + too_big, "scipy mannwhitneyu(method=\"exact\")",
         scipy_exact_p),
        ("r_default", f"R default: {r_branch}", "R wilcox.test (defaults)", r_p),
        ("scipy_default", "scipy default (method=\"auto\")", "scipy mannwhitneyu (defaults)",
         float(scipy_auto.pvalue)),
        ("asymptotic_cc", "Normal approximation, tie- and continuity-corrected", "R wilcox.test(exact = FALSE)",
         cc.p_value),
        ("asymptotic", "Normal approximation, no continuity correction", "SPSS (Asymp. Sig.)", plain.p_value),
    ]
    target = None if published_p is None else [published_p]
    out = pd.DataFrame([method_row(key, method, default_of, [p], target, decimals, names=("P",),
                                   statistic=float(u), p_value=float(p))
                        for key, method, default_of, p in rows], columns=MW_COLUMNS)
    out["n"] = f"{x.size} vs {y.size}"
    out["ties"] = ties
    return out


def tie_free_p_values(n_a: int, n_b: int, decimals: int = 4) -> pd.DataFrame:
    """Every two-sided P that untied data of sizes ``n_a`` and ``n_b`` can give, for each U = 0 .. n_a n_b / 2.

    Columns ``u``, ``exact`` (Pr(|U - m| >= |u - m|) over the tie-free null distribution, m = n_a n_b / 2),
    ``normal_cc`` and ``normal`` (the normal approximation with and without continuity correction, no tie
    term) and the three printed to ``decimals``. Without ties these are the only P values any of the three
    methods can print, whatever the data: a printed P that is in none of the columns needs tied values.
    """
    if n_a < 1 or n_b < 1:
        raise ValueError("both groups need at least one value")
    from cartrepro.stats.ranks import rank_sum_distribution

    n = n_a + n_b
    counts = rank_sum_distribution(2 * np.arange(1, n + 1), n_a)  # doubled ranks 2, 4, ..., 2N
    sums = np.arange(counts.size)
    centre = n_a * (n + 1)  # doubled E(W)
    offset = n_a * (n_a + 1)  # doubled minimum rank sum: U = (W2 - offset) / 2
    mean_u = n_a * n_b / 2
    sd_u = np.sqrt(n_a * n_b * (n + 1) / 12)
    rows = []
    for u in range(int(np.floor(mean_u)) + 1):
        observed = 2 * u + offset
        exact = float(counts[np.abs(sums - centre) >= abs(observed - centre)].sum() / counts.sum())
        gap = abs(u - mean_u)
        rows.append({"u": u, "exact": min(1.0, exact),
                     "normal_cc": float(min(1.0, 2 * stats.norm.sf(max(gap - 0.5, 0.0) / sd_u))),
                     "normal": float(min(1.0, 2 * stats.norm.sf(gap / sd_u)))})
    out = pd.DataFrame(rows)
    for column in ("exact", "normal_cc", "normal"):
        out[f"{column}_printed"] = [_fmt(v, decimals) for v in out[column]]
    return out


# --------------------------------------------------------------------------------------------------
# Card 2: the ROC area and its interval
# --------------------------------------------------------------------------------------------------


def auc_ci_panel(cases, controls, *, direction: str, published: Sequence[float] | None = None,
                 decimals: int = 4, conf_level: float = 0.95) -> pd.DataFrame:
    """The empirical AUC with three Wald intervals, printed to ``decimals`` against ``published``.

    ``published`` is ``(auc, lower, upper)``. Rows (``key``): ``hanley_mcneil`` (Q1, Q2 from the data:
    the paper's, GraphPad Prism), ``delong`` (R pROC ``ci.auc`` default, cut to [0, 1]) and
    ``hanley_mcneil_exponential`` (Q1 = A/(2-A), Q2 = 2A²/(1+A), the closed form of Hanley and McNeil's
    paper). ``differs`` names the printed bounds that change, e.g. "lower 0.6645 vs 0.6657".
    """
    result = auc(cases, controls, direction=direction, conf_level=conf_level)
    z = float(stats.norm.ppf(0.5 + conf_level / 2))
    area = result.auc
    se_exp = result.se_hanley_mcneil_exponential
    methods = [
        ("hanley_mcneil", "Hanley-McNeil SE, Q1 and Q2 from the data", "GraphPad Prism",
         result.se_hanley_mcneil, result.ci_hanley_mcneil),
        ("delong", "DeLong SE, interval cut to [0, 1]", "R pROC ci.auc (default)", result.se_delong,
         result.ci_delong),
        ("hanley_mcneil_exponential", "Hanley-McNeil SE, exponential Q1 = A/(2-A), Q2 = 2A²/(1+A)",
         "hand calculation from the 1982 paper", se_exp, (area - z * se_exp, area + z * se_exp)),
    ]
    rows = [method_row(key, method, default_of, (area, low, high), published, decimals, names=("AUC", "lower", "upper"),
                       auc=area, se=se, ci_low=low, ci_high=high)
            for key, method, default_of, se, (low, high) in methods]
    return pd.DataFrame(rows, columns=AUC_COLUMNS)


# --------------------------------------------------------------------------------------------------
# Card 3: Youden's cutoff
# --------------------------------------------------------------------------------------------------


def youden_table(cases, controls, *, direction: str) -> pd.DataFrame:
    """Every midpoint threshold with its sensitivity, specificity and J (rounded to 12 decimals), and
    ``lower`` / ``upper``: the observed values on either side of the midpoint (NaN at -inf / +inf)."""
    x, y = _arr(cases), _arr(controls)
    curve = roc_curve(x, y, direction=direction)
    distinct = np.unique(np.concatenate([x, y]))
    lower = np.concatenate([[np.nan], distinct])
    upper = np.concatenate([distinct, [np.nan]])
    curve["lower"], curve["upper"] = lower, upper
    curve["youden"] = np.round(curve["sensitivity"] + curve["specificity"] - 1, 12)
    return curve


def _rates(x: np.ndarray, y: np.ndarray, positive) -> tuple[float, float, int, int]:
    tp, tn = int(positive(x).sum()), int((~positive(y)).sum())
    return tp / x.size, tn / y.size, tp, tn


def _cutoff_rules(best: pd.Series, direction: str) -> list[tuple]:
    """The three ways to report the Youden threshold ``best``: (key, method, default_of, rule, threshold,
    positive-test function)."""
    mid = float(best["threshold"])
    if direction == "lower":
        a, b = float(best["lower"]), float(best["upper"])
        rules = [("midpoint", "Midpoint between adjacent observed values", "GraphPad Prism, R pROC, SPSS",
                  f"positive if x < {mid:g}", mid, lambda v: v < mid),
                 ("observed_inclusive", "Observed value, positive at or below it",
                  "scikit-learn roc_curve (on -x)", f"positive if x ≤ {a:g}", a,
                  lambda v: v <= a),
                 ("observed_exclusive", "Observed value, positive strictly below it", "", f"positive if x < {b:g}",
                  b, lambda v: v < b)]
    elif direction == "higher":
        a, b = float(best["upper"]), float(best["lower"])
        rules = [("midpoint", "Midpoint between adjacent observed values", "GraphPad Prism, R pROC, SPSS",
                  f"positive if x > {mid:g}", mid, lambda v: v > mid),
                 ("observed_inclusive", "Observed value, positive at or above it", "scikit-learn roc_curve",
                  f"positive if x ≥ {a:g}", a, lambda v: v >= a),
                 ("observed_exclusive", "Observed value, positive strictly above it", "", f"positive if x > {b:g}",
                  b, lambda v: v > b)]
    else:
        raise ValueError(f"direction must be 'lower' or 'higher'; got {direction!r}")
    return rules


def cutoff_panel(cases, controls, *, direction: str, published_cutoff: float | None = None, decimals: int = 3,
                 validation: tuple | None = None, published_validation: Sequence[float] | None = None,
                 percent_decimals: int = 2) -> pd.DataFrame:
    """Youden's cutoff reported three ways, and what each threshold gives on ``validation`` data.

    The maximum of J is found over the midpoints (the tie rule: the highest sensitivity, as
    :func:`cartrepro.stats.diagnostics.youden_cutoff`). Rows (``key``): ``midpoint`` (GraphPad Prism,
    pROC, SPSS: the threshold lies halfway between two observed values), ``observed_inclusive`` (the
    observed value on the positive side, positive *including* it: ``x <= a`` when cases are lower, the
    value scikit-learn's ``roc_curve`` returns) and ``observed_exclusive`` (the observed value on the
    negative side, positive *excluding* it: ``x < b``). On the training data the three classify
    identically; a validation set ``(cases, controls)`` can have values between ``a`` and ``b``, and the
    ``validation_*`` columns give its sensitivity and specificity in percent (printed to
    ``percent_decimals``) against ``published_validation`` = ``(sensitivity %, specificity %)``.
    """
    x, y = _arr(cases), _arr(controls)
    table = youden_table(x, y, direction=direction)
    best = table[table["youden"] == table["youden"].max()].sort_values("sensitivity", kind="mergesort").iloc[-1]
    rules = _cutoff_rules(best, direction)
    vx = vy = None
    if validation is not None:
        vx, vy = _arr(validation[0]), _arr(validation[1])
    rows = []
    for key, method, default_of, rule, threshold, positive in rules:
        sens, spec, _, _ = _rates(x, y, positive)
        row = {"key": key, "method": method, "default_of": default_of, "rule": rule, "threshold": threshold,
               "printed_as": _fmt(threshold, decimals), "would_print": _same(threshold, published_cutoff, decimals),
               "sensitivity": 100 * sens, "specificity": 100 * spec, "validation_sensitivity": np.nan,
               "validation_specificity": np.nan, "validation_printed": "", "validation_would_print": "—"}
        if vx is not None and vx.size and vy.size:
            vsens, vspec, tp, tn = _rates(vx, vy, positive)
            row["validation_sensitivity"], row["validation_specificity"] = 100 * vsens, 100 * vspec
            row["validation_printed"] = (f"{_fmt(100 * vsens, percent_decimals)}% ({tp}/{vx.size}), "
                                         f"{_fmt(100 * vspec, percent_decimals)}% ({tn}/{vy.size})")
            if published_validation is not None:
                same = [_same(v, p, percent_decimals) for v, p in zip((100 * vsens, 100 * vspec),
                                                                      published_validation, strict=True)]
                row["validation_would_print"] = "yes" if same == ["yes", "yes"] else "no"
        rows.append(row)
    out = pd.DataFrame(rows, columns=CUTOFF_COLUMNS)
    out["tied_maxima"] = int((table["youden"] == table["youden"].max()).sum())
    return out


# --------------------------------------------------------------------------------------------------
# Card 4: intervals for sensitivity and specificity
# --------------------------------------------------------------------------------------------------


def sens_spec_ci_panel(cases: Iterable[Mapping], decimals: int = 2, conf_level: float = 0.95) -> pd.DataFrame:
    """Each proportion (in percent) with three intervals, printed to ``decimals`` against the published one.

    ``cases``: mappings with ``label``, ``k``, ``n`` and optionally ``published`` = ``(estimate, lower,
    upper)`` in percent (the estimate alone, ``(estimate,)``, when no interval was printed). Methods
    (``key``): ``hybrid`` (Wilson/Brown, GraphPad Prism; :func:`~cartrepro.stats.diagnostics.
    proportion_ci_hybrid`), ``wilson`` (score, no correction; R ``prop.test(correct = FALSE)``) and
    ``clopper_pearson`` (exact; R ``binom.test``). ``compared`` says what ``would_print`` compares
    ("estimate and interval", "estimate", or "" without ``published``).
    """
    rows = []
    for case in cases:
        k, n = int(case["k"]), int(case["n"])
        published = case.get("published")
        compared = "" if published is None else ("estimate and interval" if len(published) == 3 else "estimate")
        methods = [
            ("hybrid", "Hybrid Wilson/Brown", "GraphPad Prism", proportion_ci_hybrid(k, n, conf_level=conf_level)),
            ("wilson", "Wilson score", "R prop.test(correct = FALSE)",
             proportion_ci(k, n, method="wilson", conf_level=conf_level)),
            ("clopper_pearson", "Clopper-Pearson (exact)", "R binom.test, SPSS",
             proportion_ci(k, n, method="clopper-pearson", conf_level=conf_level)),
        ]
        for key, method, default_of, ci in methods:
            values = (100 * ci.estimate, 100 * ci.ci_low, 100 * ci.ci_high)
            rows.append(method_row(key, method, default_of, values, published, decimals,
                                   label=case.get("label", f"{k}/{n}"), k=k, n=n, estimate=values[0],
                                   ci_low=values[1], ci_high=values[2], compared=compared))
    return pd.DataFrame(rows, columns=SENS_SPEC_COLUMNS)


# --------------------------------------------------------------------------------------------------
# Card 5: multiplicity
# --------------------------------------------------------------------------------------------------


def bh_panel(labels: Sequence[str], p_values, alpha: float = 0.05) -> pd.DataFrame:
    """Raw P and Benjamini-Hochberg q of a screen, sorted by P: ``label, p, rank, bh_bound, q, raw_hit,
    survives_bh`` (``bh_bound`` = alpha · rank / m, the step-up line; ``raw_hit`` P < alpha; ``survives_bh``
    q < alpha). Ties of P keep the input order."""
    p = np.asarray(p_values, dtype=float)
    if len(labels) != p.size:
        raise ValueError("labels and p_values differ in length")
    q = bh_adjust(p)
    frame = pd.DataFrame({"label": list(labels), "p": p, "q": q})
    frame = frame.sort_values("p", kind="mergesort").reset_index(drop=True)
    frame["rank"] = np.arange(1, p.size + 1)
    frame["bh_bound"] = alpha * frame["rank"] / max(p.size, 1)
    frame["raw_hit"] = frame["p"] < alpha
    frame["survives_bh"] = frame["q"] < alpha
    return frame[["label", "p", "rank", "bh_bound", "q", "raw_hit", "survives_bh"]]


# --------------------------------------------------------------------------------------------------
# Card 6: Pearson versus Spearman
# --------------------------------------------------------------------------------------------------


def correlation_pair_panel(x, y, published_r: float | None = None, published_p: float | None = None,
                           decimals: int = 3) -> pd.DataFrame:
    """Pearson, Spearman and Kendall for one pair (rows with a missing value dropped), r and P printed.

    Columns :data:`MW_COLUMNS` (``printed_as`` is "r / P", ``would_print`` "yes" when both match) plus
    ``r_printed``, ``p_printed``, ``r_matches``, ``p_matches`` and ``n``.
    """
    frame = pd.DataFrame({"x": np.asarray(x, dtype=float), "y": np.asarray(y, dtype=float)}).dropna()
    a, b = frame["x"].to_numpy(), frame["y"].to_numpy()
    pearson = stats.pearsonr(a, b)
    rho = spearman(a, b)
    tau = stats.kendalltau(a, b)
    rows = []
    for key, method, default_of, r, p in (
        ("pearson", "Pearson product-moment, t-test P", "R cor.test, scipy pearsonr, SPSS, Prism",
         float(pearson.statistic), float(pearson.pvalue)),
        ("spearman", "Spearman (average ranks), t-approximation P",
         "SPSS, scipy spearmanr, R cor.test(method = \"spearman\", exact = FALSE)", rho.statistic, rho.p_value),
        ("kendall", "Kendall's tau-b", "scipy kendalltau", float(tau.statistic), float(tau.pvalue)),
    ):
        r_match, p_match = _same(r, published_r, decimals), _same(p, published_p, decimals)
        both = "—" if "—" in (r_match, p_match) else ("yes" if r_match == p_match == "yes" else "no")
        rows.append({"key": key, "method": method, "default_of": default_of, "statistic": r, "p_value": p,
                     "printed_as": f"{_fmt(r, decimals)} / {_fmt(p, decimals)}", "would_print": both,
                     "r_printed": _fmt(r, decimals), "p_printed": _fmt(p, decimals), "r_matches": r_match,
                     "p_matches": p_match})
    out = pd.DataFrame(rows)
    out["n"] = int(len(frame))
    return out
