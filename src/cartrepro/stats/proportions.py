"""Binomial proportions with confidence intervals (response rates such as 24/30 CR/CRi).

Checked against frozen output of R (``binom.test``, ``prop.test``) by ``tests/unit/test_stats_proportions.py``;
see ``tests/reference/README.md`` and ``tests/reference/make_proportion_fixtures.R``.

Methods and references
----------------------
* ``"clopper-pearson"`` (the default): the exact interval of Clopper CJ, Pearson ES. The use of confidence
  or fiducial limits illustrated in the case of the binomial. Biometrika 1934;26:404-413. The bounds are
  beta quantiles, ``Beta(a/2; k, n-k+1)`` and ``Beta(1-a/2; k+1, n-k)``, with 0 for k = 0 and 1 for k = n.
  It is what P2's Methods name ("Exact methods (... Clopper-Pearson, 95% confidence intervals ...)") and is
  identical to R ``binom.test(k, n)$conf.int``. Computed with statsmodels
  ``proportion_confint(method="beta")``.
* ``"wilson"``: the score interval of Wilson EB. Probable inference, the law of succession, and statistical
  inference. J Am Stat Assoc 1927;22:209-212, *without* continuity correction; identical to R
  ``prop.test(k, n, correct = FALSE)$conf.int``. Computed with statsmodels
  ``proportion_confint(method="wilson")``.

Defaults that differ between tools
----------------------------------
* statsmodels' ``proportion_confint`` defaults to ``method="normal"`` (the Wald interval p ± z·SE, which
  can leave [0, 1] and collapses to a point at k = 0 or k = n); this module always names its method and
  defaults to Clopper-Pearson.
* R's ``prop.test`` defaults to ``correct = TRUE`` (Yates' continuity correction), which widens the Wilson
  interval; the ``"wilson"`` method here is the uncorrected one (``correct = FALSE``).
* statsmodels takes ``alpha`` (0.05); this module takes ``conf_level`` (0.95), as R does.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Literal

from statsmodels.stats.proportion import proportion_confint

Method = Literal["clopper-pearson", "wilson"]
_STATSMODELS_METHOD = {"clopper-pearson": "beta", "wilson": "wilson"}

__all__ = ["Method", "ProportionCI", "proportion_ci"]


@dataclass(frozen=True)
class ProportionCI:
    """A proportion k/n and its confidence interval, all as fractions 0..1 (multiply by 100 for percent)."""

    k: int
    n: int
    estimate: float
    ci_low: float
    ci_high: float
    method: str = "clopper-pearson"
    conf_level: float = 0.95

    def percent(self) -> tuple[float, float, float]:
        """(estimate, ci_low, ci_high) in percent."""
        return 100 * self.estimate, 100 * self.ci_low, 100 * self.ci_high


def _count(value: object, name: str) -> int:
    """``value`` as a Python int; a clear ValueError for booleans, non-numbers and non-whole numbers."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a whole number, got {value!r} ({type(value).__name__})")
    if isinstance(value, numbers.Integral):
        return int(value)
    as_float = float(value)
    if not math.isfinite(as_float) or not as_float.is_integer():
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    return int(as_float)


def proportion_ci(k: int, n: int, *, method: Method = "clopper-pearson", conf_level: float = 0.95) -> ProportionCI:
    """The proportion ``k/n`` with a two-sided ``conf_level`` confidence interval.

    ``method`` is ``"clopper-pearson"`` (exact; = R ``binom.test``) or ``"wilson"`` (score interval without
    continuity correction; = R ``prop.test(correct = FALSE)``). ``k`` and ``n`` must be whole numbers
    (ints, numpy integers, or floats such as ``24.0``) with ``0 <= k <= n`` and ``n >= 1``.

    Examples
    --------
    >>> exact = proportion_ci(24, 34)
    >>> round(100 * exact.estimate, 1), round(100 * exact.ci_low, 1), round(100 * exact.ci_high, 1)
    (70.6, 52.5, 84.9)
    >>> [round(v, 1) for v in proportion_ci(24, 34, method="wilson").percent()]
    [70.6, 53.8, 83.2]
    """
    k_int, n_int = _count(k, "k"), _count(n, "n")
    if n_int <= 0:
        raise ValueError(f"n must be at least 1, got {n_int}")
    if k_int < 0:
        raise ValueError(f"k must not be negative, got {k_int}")
    if k_int > n_int:
        raise ValueError(f"k must not exceed n, got k={k_int} > n={n_int}")
    if method not in _STATSMODELS_METHOD:
        raise ValueError(f"method must be one of {', '.join(_STATSMODELS_METHOD)}; got {method!r}")
    if isinstance(conf_level, bool) or not isinstance(conf_level, numbers.Real) or not 0 < conf_level < 1:
        raise ValueError(f"conf_level must be a number strictly between 0 and 1, got {conf_level!r}")
    low, high = proportion_confint(k_int, n_int, alpha=1 - float(conf_level), method=_STATSMODELS_METHOD[method])
    low, high = float(low), float(high)
    # at k = 0 (k = n) both intervals have the lower (upper) bound exactly 0 (1), as R returns them; the
    # Wilson formula in floating point can land a few ulp away (3e-18, 1 - 1e-16)
    low = 0.0 if k_int == 0 else low
    high = 1.0 if k_int == n_int else high
    return ProportionCI(k=k_int, n=n_int, estimate=k_int / n_int, ci_low=max(0.0, low), ci_high=min(1.0, high),
                        method=method, conf_level=float(conf_level))
