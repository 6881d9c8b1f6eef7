"""Time units shared by both papers: days after infusion and months (days / 30.4375, the ledger's convention).

Examples
--------
>>> months(182.625)
6.0
>>> months([30.4375, 60.875]).tolist()
[1.0, 2.0]
"""

from __future__ import annotations

import numpy as np

#: mean Gregorian month in days (365.25 / 12): "within 6 months" is day <= 182.625
DAYS_PER_MONTH = 30.4375


def months(days) -> np.ndarray | float:
    """Days to months (days / 30.4375); a scalar stays a scalar."""
    if np.isscalar(days):
        return days / DAYS_PER_MONTH
    return np.asarray(days, dtype=float) / DAYS_PER_MONTH
