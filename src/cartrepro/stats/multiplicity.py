"""Multiple-testing adjustment of P values.

* :func:`bh_adjust`: Benjamini-Hochberg step-up false-discovery-rate adjusted P values ("q values"):
  ``q_(i) = min_{j >= i} min(1, m p_(j) / j)`` over the P values sorted ascending (Benjamini Y, Hochberg Y.
  Controlling the false discovery rate. J R Stat Soc B 1995;57:289-300). Identical to R
  ``p.adjust(p, method = "BH")`` (frozen fixtures in tests/reference/fixtures/ranks_diagnostics.json).
"""

from __future__ import annotations

import numpy as np

__all__ = ["bh_adjust"]


def bh_adjust(p_values) -> np.ndarray:
    """Benjamini-Hochberg adjusted P values, in the input order (= R ``p.adjust(p, "BH")``).

    Examples
    --------
    >>> [round(float(q), 4) for q in bh_adjust([0.01, 0.04, 0.03, 0.2])]
    [0.04, 0.0533, 0.0533, 0.2]
    """
    p = np.asarray(p_values, dtype=float).ravel()
    if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise ValueError("P values must be in [0, 1] without missing values")
    m = p.size
    if m == 0:
        return p.copy()
    order = np.argsort(p, kind="mergesort")[::-1]  # descending
    ranks = np.arange(m, 0, -1)
    q_desc = np.minimum.accumulate(np.minimum(1.0, (m / ranks) * p[order]))  # R's n/i * p: same rounding
    out = np.empty(m)
    out[order] = q_desc
    return out
