"""Bootstrap optimism correction of a performance measure estimated on the data that chose the model.

Harrell FE Jr, Lee KL, Mark DB. Multivariable prognostic models: issues in developing models, evaluating
assumptions and adequacy, and measuring and reducing errors. Stat Med 1996;15:361-387 (section 5.3);
Efron B. Estimating the error rate of a prediction rule. JASA 1983;78:316-331. With a *strategy* that
chooses something from data (a marker among many, its direction, a cutoff) and a *performance* measure:

1. apparent performance: the strategy run on the original sample, evaluated there;
2. for b = 1..B: the strategy run on a bootstrap sample, evaluated on that sample (apparent_b) and on the
   original sample (test_b); optimism = mean(apparent_b - test_b);
3. optimism-corrected performance = apparent - optimism.

Resampling is stratified: cases and controls are resampled separately (with replacement, their sizes
kept), so every bootstrap sample has both groups and the ROC area is defined (pROC's bootstrap is
stratified too). The resamples come from :func:`bootstrap_indices` (numpy ``default_rng(seed)``), so the
same seed gives the same answer, and the R cross-check (tests/reference/make_review_fixtures.R) replays
exactly these resamples.

Two strategies are provided:

* :func:`best_marker_auc`: among the columns (markers), the one with the largest two-sided ROC area
  ``max(A, 1 - A)``, oriented that way; the performance is its oriented area. With all 70 analytes of a
  screen this is the paper's route to MIP3α (the smallest Mann-Whitney P is the largest |A - 1/2| at fixed
  group sizes); with one column it is only the choice of direction.
* :func:`youden_accuracy`: one marker with a stated direction; the Youden cutoff
  (:func:`cartrepro.stats.diagnostics.youden_cutoff`) chosen on the sample; the performance is the
  balanced accuracy (sensitivity + specificity) / 2 at that cutoff, the ROC area of the dichotomised marker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from cartrepro.stats.diagnostics import youden_cutoff

__all__ = ["OptimismResult", "best_marker_auc", "bootstrap_indices", "harrell_optimism", "oriented_aucs",
           "youden_accuracy"]


@dataclass(frozen=True)
class OptimismResult:
    apparent: float
    optimism: float
    corrected: float
    n_boot: int
    seed: int
    apparent_boot: np.ndarray  # per resample: strategy evaluated on its own sample
    test_boot: np.ndarray  # per resample: the same choice evaluated on the original sample


def bootstrap_indices(n_cases: int, n_controls: int, n_boot: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Stratified bootstrap resamples: (n_boot x n_cases, n_boot x n_controls) 0-based row indices.

    Examples
    --------
    >>> cases, controls = bootstrap_indices(3, 4, 2, seed=1)
    >>> cases.shape, controls.shape
    ((2, 3), (2, 4))
    """
    if n_cases < 1 or n_controls < 1:
        raise ValueError("both groups need at least one observation")
    if n_boot < 1:
        raise ValueError("n_boot must be at least 1")
    rng = np.random.default_rng(seed)
    return rng.integers(0, n_cases, (n_boot, n_cases)), rng.integers(0, n_controls, (n_boot, n_controls))


def oriented_aucs(cases: np.ndarray, controls: np.ndarray) -> np.ndarray:
    """Per column: Pr(case value < control value) + 1/2 Pr(tie) (the ROC area for "cases lower").

    Examples
    --------
    >>> oriented_aucs(np.array([[1.0], [2.0]]), np.array([[3.0], [2.0]])).tolist()
    [0.875]
    """
    x = np.asarray(cases, dtype=float)[:, None, :]
    y = np.asarray(controls, dtype=float)[None, :, :]
    return ((x < y) + 0.5 * (x == y)).mean(axis=(0, 1))


Strategy = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], tuple[float, float]]


def best_marker_auc(train_cases, train_controls, test_cases, test_controls) -> tuple[float, float]:
    """Choose the column and direction with the largest area on the training data; (apparent, test) areas.

    Examples
    --------
    Marker 0 separates with cases lower, marker 1 with cases higher; the first of the tied columns wins:

    >>> cases, controls = np.array([[1.0, 5.0], [2.0, 4.0]]), np.array([[3.0, 1.0], [4.0, 2.0]])
    >>> best_marker_auc(cases, controls, cases, controls)
    (1.0, 1.0)
    """
    train = oriented_aucs(train_cases, train_controls)
    two_sided = np.maximum(train, 1 - train)
    k = int(np.argmax(two_sided))  # first column on ties
    lower = train[k] >= 0.5  # cases lower (ties: the paper's direction, lower)
    test = float(oriented_aucs(test_cases[:, [k]], test_controls[:, [k]])[0])
    return float(two_sided[k]), test if lower else 1 - test


def youden_accuracy(direction: str) -> Strategy:
    """The Youden-cutoff strategy for column 0 with a fixed ``direction`` ("lower" or "higher").

    Examples
    --------
    >>> strategy = youden_accuracy("lower")
    >>> cases, controls = np.array([[1.0], [2.0], [5.0]]), np.array([[3.0], [4.0], [6.0]])
    >>> [round(v, 4) for v in strategy(cases, controls, cases, controls)]
    [0.8333, 0.8333]
    """

    def strategy(train_cases, train_controls, test_cases, test_controls) -> tuple[float, float]:
        cut = youden_cutoff(train_cases[:, 0], train_controls[:, 0], direction=direction)
        apparent = (cut.sensitivity + cut.specificity) / 2
        xs, ys = test_cases[:, 0], test_controls[:, 0]
        if direction == "lower":
            sens, spec = np.mean(xs < cut.threshold), np.mean(ys > cut.threshold)
        else:
            sens, spec = np.mean(xs > cut.threshold), np.mean(ys < cut.threshold)
        return float(apparent), float((sens + spec) / 2)

    return strategy


def harrell_optimism(cases, controls, strategy: Strategy, *, n_boot: int = 1000, seed: int = 20240101
                     ) -> OptimismResult:
    """Harrell's bootstrap optimism-corrected performance of ``strategy`` (see the module docstring).

    ``cases`` and ``controls`` are 2-d (observations x markers; a 1-d array is one marker).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> cases, controls = rng.normal(0, 1, (12, 20)), rng.normal(0, 1, (20, 20))  # 20 null markers
    >>> r = harrell_optimism(cases, controls, best_marker_auc, n_boot=200, seed=1)
    >>> round(r.apparent, 3), round(r.corrected, 3)
    (0.667, 0.486)
    """
    x = np.asarray(cases, dtype=float)
    y = np.asarray(controls, dtype=float)
    x = x[:, None] if x.ndim == 1 else x
    y = y[:, None] if y.ndim == 1 else y
    if x.shape[1] != y.shape[1]:
        raise ValueError("cases and controls must have the same markers (columns)")
    if np.isnan(x).any() or np.isnan(y).any():
        raise ValueError("marker values must not be missing")
    apparent, _ = strategy(x, y, x, y)
    idx_x, idx_y = bootstrap_indices(x.shape[0], y.shape[0], n_boot, seed)
    pairs = np.array([strategy(x[i], y[j], x, y) for i, j in zip(idx_x, idx_y, strict=True)])
    optimism = float(np.mean(pairs[:, 0] - pairs[:, 1]))
    return OptimismResult(float(apparent), optimism, float(apparent) - optimism, n_boot, seed,
                          pairs[:, 0], pairs[:, 1])
