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

Speed. Both strategies also carry a *batch* form (``strategy.batch``) that evaluates all B resamples at
once: a resample is a vector of counts (how often each original observation was drawn), the ROC area of a
resample is the count-weighted share of case-control pairs in order (from cumulative counts over the sorted
original values), and the Youden curve of a resample is read off cumulative counts over the pooled distinct
original values. Every count is an integer, so each area, sensitivity and specificity is the same double as
the resample-by-resample computation gives (a test holds them equal); the work is O(B (n + m)) per marker
instead of O(B n m) and never builds an n_cases x n_controls matrix (10,000-patient cohorts fit in memory).
:func:`harrell_optimism` uses the batch form when the strategy has one.

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

    Counted from the sorted case values (no pair matrix): for each control, the cases below it and the
    cases tied with it.

    Examples
    --------
    >>> oriented_aucs(np.array([[1.0], [2.0]]), np.array([[3.0], [2.0]])).tolist()
    [0.875]
    """
    x = np.asarray(cases, dtype=float)
    y = np.asarray(controls, dtype=float)
    x = x[:, None] if x.ndim == 1 else x
    y = y[:, None] if y.ndim == 1 else y
    ones_x = np.ones((1, x.shape[0]), dtype=np.int64)
    ones_y = np.ones((1, y.shape[0]), dtype=np.int64)
    return _weighted_aucs(x, y, ones_x, ones_y)[0]


def _counts(idx: np.ndarray, n: int) -> np.ndarray:
    """Resample rows of 0-based indices -> rows of draw counts per original observation (B x n)."""
    b = idx.shape[0]
    flat = (np.arange(b)[:, None] * n + idx).ravel()
    return np.bincount(flat, minlength=b * n).reshape(b, n)


def _weighted_aucs(x: np.ndarray, y: np.ndarray, wx: np.ndarray, wy: np.ndarray) -> np.ndarray:
    """(B x markers) ROC areas "cases lower" of B weighted samples: case i counted ``wx[b, i]`` times,
    control j ``wy[b, j]`` times; the area is (pairs in order + 1/2 tied pairs) / (sum wx * sum wy).

    Per marker, the counts are summed per distinct pooled value (a sparse 0/1 matrix times the count
    matrix), then twice the numerator is sum over values v of controls(v) * (2 cases(< v) + cases(v)).
    Every term is an integer held exactly in a double, so the area is the double that
    :func:`oriented_aucs` gives on the resampled rows themselves (their mean of 1, 1/2 and 0 is exact
    before the one division).
    """

    b, markers = wx.shape[0], x.shape[1]
    n_pairs = float(wx[0].sum() * wy[0].sum())
    wx_t = np.ascontiguousarray(wx.T, dtype=float)  # observations x resamples
    wy_t = np.ascontiguousarray(wy.T, dtype=float)
    out = np.empty((b, markers))
    budget = 4_000_000  # distinct values x resamples held at once (32 MB a matrix)
    k = 0
    while k < markers:
        chunk, offsets, codes_x, codes_y, total = [], [0], [], [], 0
        while k < markers and (not chunk or (total + x.shape[0] + y.shape[0]) * b <= budget):
            values = np.unique(np.concatenate([x[:, k], y[:, k]]))
            codes_x.append(np.searchsorted(values, x[:, k]) + total)
            codes_y.append(np.searchsorted(values, y[:, k]) + total)
            total += values.size
            chunk.append(k)
            offsets.append(total)
            k += 1
        per_value_x = _grouping(np.concatenate(codes_x), x.shape[0], total) @ wx_t  # distinct values x B
        per_value_y = _grouping(np.concatenate(codes_y), y.shape[0], total) @ wy_t
        for i, marker in enumerate(chunk):
            cases = per_value_x[offsets[i]:offsets[i + 1]]
            below = np.cumsum(cases, axis=0) - cases
            twice = (per_value_y[offsets[i]:offsets[i + 1]] * (2 * below + cases)).sum(axis=0)
            out[:, marker] = (twice / 2) / n_pairs
    return out


def _grouping(codes: np.ndarray, n: int, total: int):
    """Sparse (distinct values x observations) 0/1 matrix: observation i (of each marker) at its value."""
    from scipy import sparse

    observations = np.tile(np.arange(n), codes.size // n)
    return sparse.csr_matrix((np.ones(codes.size), (codes, observations)), shape=(total, n))


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


def _best_marker_auc_batch(x: np.ndarray, y: np.ndarray, idx_x: np.ndarray, idx_y: np.ndarray
                           ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`best_marker_auc` on every resample at once: (apparent_b, test_b) arrays."""
    train = _weighted_aucs(x, y, _counts(idx_x, x.shape[0]), _counts(idx_y, y.shape[0]))
    two_sided = np.maximum(train, 1 - train)
    rows = np.arange(train.shape[0])
    k = np.argmax(two_sided, axis=1)  # first column on ties
    lower = train[rows, k] >= 0.5
    test = oriented_aucs(x, y)[k]
    return two_sided[rows, k], np.where(lower, test, 1 - test)


best_marker_auc.batch = _best_marker_auc_batch


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

    def batch(x, y, idx_x, idx_y):
        return _youden_accuracy_batch(x[:, 0], y[:, 0], idx_x, idx_y, direction)

    strategy.batch = batch
    return strategy


def _youden_accuracy_batch(x: np.ndarray, y: np.ndarray, idx_x: np.ndarray, idx_y: np.ndarray, direction: str
                           ) -> tuple[np.ndarray, np.ndarray]:
    """The Youden strategy on every resample at once, as :func:`~cartrepro.stats.diagnostics.youden_cutoff`
    chooses on each: candidate thresholds -inf, then above each distinct value present in the resample (the
    midpoint to the next present value, +inf after the last); J = sensitivity + specificity - 1 rounded to
    12 decimals; among the largest J the highest sensitivity (the last such candidate in threshold order).
    """
    if direction not in ("lower", "higher"):
        raise ValueError(f"direction must be 'lower' or 'higher'; got {direction!r}")
    nx, ny, b = x.size, y.size, idx_x.shape[0]
    values = np.unique(np.concatenate([x, y]))
    m = values.size
    cx = _counts(np.searchsorted(values, x)[idx_x], m)  # B x m: resampled cases at each distinct value
    cy = _counts(np.searchsorted(values, y)[idx_y], m)
    below_x, below_y = np.cumsum(cx, axis=1), np.cumsum(cy, axis=1)  # <= value a
    if direction == "lower":
        sens = np.concatenate([np.zeros((b, 1)), below_x / nx], axis=1)  # column 0: threshold -inf
        spec = np.concatenate([np.ones((b, 1)), (ny - below_y) / ny], axis=1)
    else:
        sens = np.concatenate([np.ones((b, 1)), (nx - below_x) / nx], axis=1)
        spec = np.concatenate([np.zeros((b, 1)), below_y / ny], axis=1)
    present = np.concatenate([np.ones((b, 1), bool), (cx + cy) > 0], axis=1)
    j = np.where(present, np.round(sens + spec - 1, 12), -np.inf)
    top = j == j.max(axis=1, keepdims=True)
    best_sens = np.where(top, sens, -1.0)
    chosen = top & (best_sens == best_sens.max(axis=1, keepdims=True))
    pick = chosen.shape[1] - 1 - np.argmax(chosen[:, ::-1], axis=1)  # the last such candidate
    rows = np.arange(b)
    # the next present distinct value after candidate a (m: none, the threshold is +inf)
    position = np.where(present[:, 1:], np.arange(m), m)
    following = np.minimum.accumulate(position[:, ::-1], axis=1)[:, ::-1]
    following = np.concatenate([following[:, 1:], np.full((b, 1), m)], axis=1)
    a = pick - 1  # distinct value index of the candidate (-1: -inf)
    nxt = following[rows, np.maximum(a, 0)]
    padded = np.concatenate([values, [np.inf]])
    threshold = np.where(a < 0, -np.inf,
                         np.where(nxt < m, (values[np.maximum(a, 0)] + padded[nxt]) / 2, np.inf))
    apparent = (sens[rows, pick] + spec[rows, pick]) / 2
    sorted_x, sorted_y = np.sort(x), np.sort(y)
    if direction == "lower":
        test_sens = np.searchsorted(sorted_x, threshold, side="left") / nx
        test_spec = (ny - np.searchsorted(sorted_y, threshold, side="right")) / ny
    else:
        test_sens = (nx - np.searchsorted(sorted_x, threshold, side="right")) / nx
        test_spec = np.searchsorted(sorted_y, threshold, side="left") / ny
    return apparent, (test_sens + test_spec) / 2


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
    batch = getattr(strategy, "batch", None)
    if batch is not None:
        pairs = np.column_stack(batch(x, y, idx_x, idx_y))
    else:
        pairs = np.array([strategy(x[i], y[j], x, y) for i, j in zip(idx_x, idx_y, strict=True)])
    optimism = float(np.mean(pairs[:, 0] - pairs[:, 1]))
    return OptimismResult(float(apparent), optimism, float(apparent) - optimism, n_boot, seed,
                          pairs[:, 0], pairs[:, 1])
