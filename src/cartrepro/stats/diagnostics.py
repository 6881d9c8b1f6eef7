"""ROC analysis of a continuous marker: the curve, its area with two standard errors, Youden's cutoff, and
sensitivity / specificity with GraphPad Prism's confidence interval.

Conventions
-----------
Values of the *cases* (e.g. NR/ER patients) and of the *controls* (e.g. > 6-month remission) are passed
separately. ``direction="lower"`` means cases tend to have *lower* values: a value below the threshold is
a positive test (pROC ``direction = ">"``, "controls > t >= cases"); ``direction="higher"`` the reverse
(pROC ``direction = "<"``). The direction is always stated by the caller, never guessed from the data.

Methods and references
----------------------
* :func:`roc_curve`: the empirical ROC curve. Candidate thresholds are -inf, the midpoints between adjacent
  distinct observed values (cases and controls pooled), and +inf (GraphPad Prism's and pROC's convention;
  pROC ``roc(...)$thresholds``). No observed value equals a threshold, so ``<`` and ``<=`` agree.
* :func:`auc`: the empirical area = the Mann-Whitney probability Pr(case more extreme than control) with
  ties counted 1/2 (Bamber 1975). Two standard errors:

  - Hanley JA, McNeil BJ. The meaning and use of the area under a receiver operating characteristic (ROC)
    curve. Radiology 1982;143:29-36, eq. 2:
    ``SE^2 = [A(1-A) + (n_c - 1)(Q1 - A^2) + (n_n - 1)(Q2 - A^2)] / (n_c n_n)``, with Q1 (two random
    cases both more extreme than one random control) and Q2 (one case more extreme than two random
    controls) estimated *empirically* from the data, with replacement and ties counted 1/2:
    ``Q1 = mean_j psi_j^2`` over controls j, where psi_j is the share of cases more extreme than control j,
    and ``Q2 = mean_i phi_i^2`` over cases i, phi_i the share of controls less extreme than case i. This is
    not the exponential approximation ``Q1 = A/(2-A)``, ``Q2 = 2A^2/(1+A)`` of the same paper (also given,
    as ``se_hanley_mcneil_exponential``). The P1 ledger finds that the empirical-Q form, with the Wald
    interval A +/- 1.96 SE, reproduces the printed AUC intervals (GraphPad Prism's ROC analysis).
  - DeLong ER, DeLong DM, Clarke-Pearson DL. Biometrics 1988;44:837-845:
    ``SE^2 = var(phi)/n_c + var(psi)/n_n`` with sample variances (n - 1); the interval is A +/- z SE cut
    to [0, 1]. This is R pROC ``ci.auc(method = "delong")`` (pROC's default).
* :func:`youden_cutoff`: the threshold of :func:`roc_curve` maximising Youden's J = sensitivity +
  specificity - 1 (Youden WJ. Cancer 1950;3:32-35; pROC ``coords(x = "best", best.method = "youden")``).
  Deterministic tie rule: among thresholds with the same maximal J (compared after rounding J to 12
  decimals) the one with the highest sensitivity is returned; it is unique, because between two distinct
  midpoints lies at least one observation, which changes sensitivity or specificity.
* :func:`proportion_ci_hybrid`: GraphPad Prism's CI of sensitivity and specificity, "the hybrid Wilson/Brown
  method" (Brown LD, Cai TT, DasGupta A. Interval estimation for a binomial proportion. Stat Sci
  2001;16:101-133, section 4.1.1 "modified Wilson"): the Wilson score interval without continuity
  correction, except that when x is 1..x* its lower limit is replaced by the Poisson-type limit
  ``chi2.ppf(alpha, 2x) / (2n)`` and when n - x is 1..x* its upper limit by ``1 - chi2.ppf(alpha, 2(n-x)) /
  (2n)``, with x* = 2 for n <= 50 and 3 for n > 50 and alpha = 1 - conf_level (the one-sided alpha-quantile,
  as Brown et al. write it). 12/13 gives 66.69-99.61% (plain Wilson 66.69-98.63%). The R reference (base R
  ``prop.test(correct = FALSE)`` and ``qchisq``) computes the same formula.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy.stats import chi2, norm

from cartrepro.stats.groups import _clean
from cartrepro.stats.proportions import ProportionCI, proportion_ci

Direction = Literal["lower", "higher"]

__all__ = ["AUCResult", "auc", "proportion_ci_hybrid", "roc_curve", "sens_spec_at", "youden_cutoff"]


def _oriented(cases, controls, direction: Direction) -> tuple[np.ndarray, np.ndarray]:
    """Both groups as arrays in which *larger* means more case-like."""
    x, y = _clean(cases, "cases"), _clean(controls, "controls")
    if direction == "lower":
        return -x, -y
    if direction == "higher":
        return x, y
    raise ValueError(f"direction must be 'lower' (cases have lower values) or 'higher'; got {direction!r}")


def _placements(cases: np.ndarray, controls: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """phi_i (share of controls below case i) and psi_j (share of cases above control j), ties 1/2."""
    diff = cases[:, None] - controls[None, :]
    kernel = (diff > 0) + 0.5 * (diff == 0)
    return kernel.mean(axis=1), kernel.mean(axis=0)


def roc_curve(cases, controls, *, direction: Direction) -> pd.DataFrame:
    """The empirical ROC curve: ``threshold, sensitivity, specificity`` (fractions), thresholds ascending.

    Thresholds are -inf, the midpoints of adjacent distinct pooled values and +inf. With
    ``direction="lower"`` a value below the threshold is a positive test, else a value above it.

    Examples
    --------
    >>> curve = roc_curve([0.8, 1.1, 1.3, 2.0], [1.2, 2.5, 3.0, 3.1, 4.0], direction="lower")
    >>> print(curve.iloc[3:6].to_string())
       threshold  sensitivity  specificity
    3       1.25         0.50          0.8
    4       1.65         0.75          0.8
    5       2.25         1.00          0.8
    """
    x, y = _clean(cases, "cases"), _clean(controls, "controls")
    if direction not in ("lower", "higher"):
        raise ValueError(f"direction must be 'lower' or 'higher'; got {direction!r}")
    distinct = np.unique(np.concatenate([x, y]))
    thresholds = np.concatenate([[-np.inf], (distinct[:-1] + distinct[1:]) / 2, [np.inf]])
    if direction == "lower":
        sens = (x[None, :] < thresholds[:, None]).mean(axis=1)
        spec = (y[None, :] > thresholds[:, None]).mean(axis=1)
    else:
        sens = (x[None, :] > thresholds[:, None]).mean(axis=1)
        spec = (y[None, :] < thresholds[:, None]).mean(axis=1)
    return pd.DataFrame({"threshold": thresholds, "sensitivity": sens, "specificity": spec})


@dataclass(frozen=True)
class AUCResult:
    auc: float
    se_hanley_mcneil: float  # empirical Q1, Q2
    ci_hanley_mcneil: tuple[float, float]  # Wald, not cut to [0, 1]
    se_delong: float
    ci_delong: tuple[float, float]  # Wald, cut to [0, 1] (pROC)
    se_hanley_mcneil_exponential: float
    n_cases: int
    n_controls: int
    conf_level: float = 0.95


def auc(cases, controls, *, direction: Direction, conf_level: float = 0.95) -> AUCResult:
    """Empirical ROC area with Hanley-McNeil (empirical Q1/Q2) and DeLong standard errors and Wald CIs.

    See the module docstring for the formulas; the DeLong interval equals R pROC
    ``ci.auc(roc(...), method = "delong")``.

    Examples
    --------
    >>> area = auc([0.8, 1.1, 1.3, 2.0], [1.2, 2.5, 3.0, 3.1, 4.0], direction="lower")
    >>> round(area.auc, 4), round(area.se_hanley_mcneil, 4), round(area.se_delong, 4)
    (0.9, 0.1118, 0.1155)
    >>> [round(bound, 4) for bound in area.ci_delong]
    [0.6737, 1.0]
    """
    x, y = _oriented(cases, controls, direction)
    n_c, n_n = x.size, y.size
    phi, psi = _placements(x, y)
    area = float(phi.mean())
    z = float(norm.ppf(0.5 + conf_level / 2))
    q1, q2 = float(np.mean(psi**2)), float(np.mean(phi**2))
    var_hm = (area * (1 - area) + (n_c - 1) * (q1 - area**2) + (n_n - 1) * (q2 - area**2)) / (n_c * n_n)
    se_hm = math.sqrt(max(var_hm, 0.0))
    q1e, q2e = area / (2 - area), 2 * area**2 / (1 + area)
    var_exp = (area * (1 - area) + (n_c - 1) * (q1e - area**2) + (n_n - 1) * (q2e - area**2)) / (n_c * n_n)
    s10 = float(np.var(phi, ddof=1)) if n_c > 1 else float("nan")
    s01 = float(np.var(psi, ddof=1)) if n_n > 1 else float("nan")
    se_dl = math.sqrt(s10 / n_c + s01 / n_n)
    return AUCResult(
        auc=area,
        se_hanley_mcneil=se_hm,
        ci_hanley_mcneil=(area - z * se_hm, area + z * se_hm),
        se_delong=se_dl,
        ci_delong=(max(0.0, area - z * se_dl), min(1.0, area + z * se_dl)),
        se_hanley_mcneil_exponential=math.sqrt(max(var_exp, 0.0)),
        n_cases=n_c,
        n_controls=n_n,
        conf_level=conf_level,
    )


@dataclass(frozen=True)
class Cutoff:
    threshold: float
    sensitivity: float
    specificity: float
    youden: float


def youden_cutoff(cases, controls, *, direction: Direction) -> Cutoff:
    """The midpoint threshold maximising sensitivity + specificity - 1 (ties: the highest sensitivity).

    Examples
    --------
    >>> youden_cutoff([0.8, 1.1, 1.3, 2.0], [1.2, 2.5, 3.0, 3.1, 4.0], direction="lower")
    Cutoff(threshold=2.25, sensitivity=1.0, specificity=0.8, youden=0.8)
    """
    curve = roc_curve(cases, controls, direction=direction)
    j = np.round(curve["sensitivity"] + curve["specificity"] - 1, 12)
    best = curve[j == j.max()].sort_values("sensitivity", kind="mergesort").iloc[-1]
    return Cutoff(float(best["threshold"]), float(best["sensitivity"]), float(best["specificity"]),
                  float(best["sensitivity"] + best["specificity"] - 1))


def proportion_ci_hybrid(k: int, n: int, *, conf_level: float = 0.95) -> ProportionCI:
    """k/n with GraphPad Prism's hybrid Wilson/Brown interval (see the module docstring).

    Examples
    --------
    One success in nine: the lower bound is the exact Poisson-type limit, the upper one Wilson's.

    >>> ci = proportion_ci_hybrid(1, 9)
    >>> round(100 * ci.estimate, 2), round(100 * ci.ci_low, 2), round(100 * ci.ci_high, 2)
    (11.11, 0.57, 43.5)
    """
    wilson = proportion_ci(k, n, method="wilson", conf_level=conf_level)
    alpha = 1 - conf_level
    x_star = 2 if n <= 50 else 3
    low, high = wilson.ci_low, wilson.ci_high
    if 1 <= k <= x_star:
        low = float(chi2.ppf(alpha, 2 * k)) / (2 * n)
    if 1 <= n - k <= x_star:
        high = 1 - float(chi2.ppf(alpha, 2 * (n - k))) / (2 * n)
    return ProportionCI(k=wilson.k, n=wilson.n, estimate=wilson.estimate, ci_low=low, ci_high=high,
                        method="hybrid-wilson-brown", conf_level=conf_level)


@dataclass(frozen=True)
class SensSpec:
    sensitivity: ProportionCI
    specificity: ProportionCI


def sens_spec_at(cases, controls, threshold: float, *, direction: Direction,
                 conf_level: float = 0.95) -> SensSpec:
    """Sensitivity and specificity at ``threshold`` (strict comparisons) with hybrid Wilson/Brown CIs.

    Examples
    --------
    >>> result = sens_spec_at([0.8, 1.1, 1.3, 2.0], [1.2, 2.5, 3.0, 3.1, 4.0], 1.5, direction="lower")
    >>> result.sensitivity.k, result.sensitivity.n, result.specificity.k, result.specificity.n
    (3, 4, 4, 5)
    >>> round(100 * result.sensitivity.ci_low, 1), round(100 * result.sensitivity.ci_high, 1)
    (30.1, 98.7)
    """
    x, y = _clean(cases, "cases"), _clean(controls, "controls")
    if direction == "lower":
        tp, tn = int((x < threshold).sum()), int((y > threshold).sum())
    elif direction == "higher":
        tp, tn = int((x > threshold).sum()), int((y < threshold).sum())
    else:
        raise ValueError(f"direction must be 'lower' or 'higher'; got {direction!r}")
    return SensSpec(proportion_ci_hybrid(tp, x.size, conf_level=conf_level),
                    proportion_ci_hybrid(tn, y.size, conf_level=conf_level))
