"""The batch bootstrap of :mod:`cartrepro.stats.optimism` gives, double for double, what the resample-by-
resample loop gives (the loop is the definition; the batch is only faster), on small hand-made samples with
ties, one observation per group, constant markers and both directions."""

from __future__ import annotations

import numpy as np
import pytest

from cartrepro.stats.diagnostics import youden_cutoff
from cartrepro.stats.optimism import (
    best_marker_auc,
    bootstrap_indices,
    harrell_optimism,
    oriented_aucs,
    youden_accuracy,
)


def _loop(strategy, x, y, idx_x, idx_y) -> np.ndarray:
    return np.array([strategy(x[i], y[j], x, y) for i, j in zip(idx_x, idx_y, strict=True)])


def _pairwise_aucs(x, y) -> np.ndarray:
    """The definition: the mean over every case-control pair of 1 (case lower), 1/2 (tie), 0."""
    a, b = x[:, None, :], y[None, :, :]
    return ((a < b) + 0.5 * (a == b)).mean(axis=(0, 1))


SAMPLES = {
    "ties": (np.array([[1.0, 2.0], [1.0, 3.0], [2.0, 2.0]]),
             np.array([[1.0, 2.0], [2.0, 2.0], [3.0, 1.0], [2.0, 5.0]])),
    "one each": (np.array([[4.0]]), np.array([[4.0]])),
    "constant": (np.array([[7.0, 1.0], [7.0, 2.0]]), np.array([[7.0, 3.0], [7.0, 0.5], [7.0, 1.0]])),
    "separated": (np.array([[0.1], [0.2], [0.3]]), np.array([[0.4], [0.5]])),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_oriented_aucs_is_the_pairwise_mean(name):
    x, y = SAMPLES[name]
    assert np.array_equal(oriented_aucs(x, y), _pairwise_aucs(x, y))


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_best_marker_batch_equals_the_loop(name):
    x, y = SAMPLES[name]
    idx_x, idx_y = bootstrap_indices(len(x), len(y), 60, seed=5)
    batch = np.column_stack(best_marker_auc.batch(x, y, idx_x, idx_y))
    assert np.array_equal(batch, _loop(best_marker_auc, x, y, idx_x, idx_y))


@pytest.mark.parametrize("direction", ["lower", "higher"])
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_youden_batch_equals_the_loop(name, direction):
    x, y = SAMPLES[name][0][:, :1], SAMPLES[name][1][:, :1]
    strategy = youden_accuracy(direction)
    idx_x, idx_y = bootstrap_indices(len(x), len(y), 60, seed=6)
    batch = np.column_stack(strategy.batch(x, y, idx_x, idx_y))
    assert np.array_equal(batch, _loop(strategy, x, y, idx_x, idx_y))


def test_youden_batch_threshold_is_the_resample_midpoint():
    """One resample drawn by hand: the batch's test accuracy uses the cutoff youden_cutoff picks on it."""
    x, y = np.array([[1.0], [2.0], [6.0]]), np.array([[3.0], [4.0], [5.0]])
    idx_x, idx_y = np.array([[0, 0, 2]]), np.array([[1, 1, 2]])  # cases 1, 1, 6; controls 4, 4, 5
    cut = youden_cutoff([1.0, 1.0, 6.0], [4.0, 4.0, 5.0], direction="lower")
    assert cut.threshold == 2.5  # midpoint of 1 and 4 (2 and 3 are not in the resample)
    apparent, test = youden_accuracy("lower").batch(x, y, idx_x, idx_y)
    assert apparent[0] == (cut.sensitivity + cut.specificity) / 2
    assert test[0] == (2 / 3 + 1.0) / 2  # on the original sample: cases 1, 2 below 2.5; every control above


def test_random_samples_with_ties_batch_equals_loop():
    rng = np.random.default_rng(0)
    for trial in range(20):
        nx, ny, markers = rng.integers(1, 12), rng.integers(1, 12), rng.integers(1, 5)
        x = np.round(rng.normal(0, 1, (nx, markers)), trial % 3)
        y = np.round(rng.normal(0.4, 1, (ny, markers)), trial % 3)
        idx_x, idx_y = bootstrap_indices(nx, ny, 15, seed=trial)
        assert np.array_equal(np.column_stack(best_marker_auc.batch(x, y, idx_x, idx_y)),
                              _loop(best_marker_auc, x, y, idx_x, idx_y))
        for direction in ("lower", "higher"):
            s = youden_accuracy(direction)
            assert np.array_equal(np.column_stack(s.batch(x[:, :1], y[:, :1], idx_x, idx_y)),
                                  _loop(s, x[:, :1], y[:, :1], idx_x, idx_y))


def test_harrell_without_batch_uses_the_loop_and_agrees():
    rng = np.random.default_rng(2)
    x, y = np.round(rng.normal(0, 1, (9, 4)), 1), np.round(rng.normal(0.5, 1, (11, 4)), 1)

    def plain(*args):
        return best_marker_auc(*args)

    fast = harrell_optimism(x, y, best_marker_auc, n_boot=80, seed=3)
    slow = harrell_optimism(x, y, plain, n_boot=80, seed=3)
    assert (fast.apparent, fast.optimism, fast.corrected) == (slow.apparent, slow.optimism, slow.corrected)
    assert np.array_equal(fast.apparent_boot, slow.apparent_boot) and np.array_equal(fast.test_boot, slow.test_boot)


def test_batch_at_scale_needs_no_pair_matrix():
    """2,000 x 3,000 specimens, 20 markers, 1000 resamples: a pair matrix would be 960 MB per marker batch;
    the batch form works per distinct value (here 50 per marker)."""
    rng = np.random.default_rng(4)
    x = rng.integers(0, 50, (2000, 20)).astype(float)
    y = rng.integers(5, 55, (3000, 20)).astype(float)
    r = harrell_optimism(x, y, best_marker_auc, n_boot=1000, seed=1)
    assert r.apparent_boot.shape == (1000,)
    assert abs(r.apparent - float(np.max(np.maximum(oriented_aucs(x, y), 1 - oriented_aucs(x, y))))) == 0
    assert 0 <= r.optimism < 0.05
