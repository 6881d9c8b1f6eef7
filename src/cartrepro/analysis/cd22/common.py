"""Small building blocks shared by the P2 (CD22) analysis functions.

Each helper adds outcomes to a :class:`~cartrepro.analysis.results.Results` and, where the data cannot give
the number (an empty group, an absent optional column, no variance), declares it not computable with the
reason instead of raising or producing NaN.

Examples
--------
>>> import pandas as pd
>>> r = Results()
>>> describe(r, "p2_base_age", pd.Series([1.0, 10.0, 55.0]), "no ages")
>>> r.value("p2_base_age_median"), r.value("p2_base_age_max")
(10.0, 55.0)
>>> describe(r, "p2_dose_tx", pd.Series([], dtype=float), "no transplanted patient")
>>> r.not_computable()["p2_dose_tx_min"]
'no transplanted patient'
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from cartrepro.analysis.results import Results
from cartrepro.stats.groups import student_t


def column(table: pd.DataFrame, name: str) -> pd.Series:
    """A column of ``table``, or an all-missing one when an optional column is absent from the file."""
    if name in table:
        return table[name]
    return pd.Series(pd.NA, index=table.index, dtype="object", name=name)


def rows(table: pd.DataFrame, keep, names) -> pd.DataFrame:
    """The rows of ``table`` where ``keep`` (a boolean mask) holds, with only those of the columns ``names`` that
    ``table`` has: a filter that copies the cells its caller reads, not the whole patient table (about 40 columns,
    each copied on its own by pandas)."""
    return table.loc[keep, [name for name in names if name in table.columns]]


def mask(condition: pd.Series) -> pd.Series:
    """A plain boolean Series from a nullable comparison (missing counts as False), same index."""
    if condition.dtype == bool or condition.dtype == "boolean":  # the usual case, without pandas' conversions
        return pd.Series(condition.to_numpy(dtype=bool, na_value=False), index=condition.index, name=condition.name)
    return condition.astype("boolean").fillna(False).astype(bool)


def numbers(values: pd.Series) -> pd.Series:
    """The non-missing values of a column as floats."""
    if pd.api.types.is_numeric_dtype(values.dtype):  # the usual case, without pandas' conversions
        floats = values.to_numpy(dtype=float, na_value=np.nan)
        keep = ~np.isnan(floats)
        return pd.Series(floats[keep], index=values.index[keep], name=values.name)
    return pd.to_numeric(values, errors="coerce").dropna().astype(float)


def describe(r: Results, prefix: str, values: pd.Series, reason: str) -> None:
    """``<prefix>_median``, ``_min`` and ``_max`` of the non-missing ``values`` (SPSS median: the mean of
    the two middle values for an even count), or all three not computable with ``reason``."""
    values = numbers(values)
    ids = [f"{prefix}_median", f"{prefix}_min", f"{prefix}_max"]
    if values.empty:
        r.skip(ids, reason)
        return
    for ledger_id, value in zip(ids, (values.median(), values.min(), values.max()), strict=True):
        r.add(ledger_id, float(value))


def percent(r: Results, ledger_id: str, k: int, n: int, what: str) -> None:
    """``100 * k / n``, or not computable when the denominator ``what`` is empty."""
    if n == 0:
        r.skip([ledger_id], f"no {what} in this data (the percentage has no denominator)")
        return
    r.add(ledger_id, 100 * int(k) / int(n))


def t_test_p(r: Results, ledger_id: str, a: pd.Series, b: pd.Series, what: str) -> None:
    """Two-tailed pooled-variance Student's t P value of ``a`` vs ``b`` (non-missing values), or a reason."""
    a, b = numbers(a), numbers(b)
    if a.empty or b.empty or len(a) + len(b) < 3:
        r.skip([ledger_id], f"{what}: each group needs a value and both together at least 3 "
                            f"(here {len(a)} and {len(b)})")
        return
    if a.nunique() == 1 and b.nunique() == 1:
        r.skip([ledger_id], f"{what}: the values do not vary within either group, so the t statistic is undefined")
        return
    with warnings.catch_warnings():
        # scipy warns of "catastrophic cancellation" when one group is constant with a mean that is not
        # exact in binary (e.g. three doses of 0.3); that group's variance is then ~1e-33 instead of 0,
        # which leaves the pooled variance and the P value unchanged to machine precision
        warnings.filterwarnings("ignore", "Precision loss occurred", RuntimeWarning)
        p = student_t(a, b).p_value
    if not math.isfinite(p):
        r.skip([ledger_id], f"{what}: the values do not vary, so the t statistic is undefined")
        return
    r.add(ledger_id, p)


def single(r: Results, ledger_id: str, values: pd.Series, what: str, scale: float = 1.0) -> None:
    """The one value of a single-patient fact (``values`` holds that patient's cell), or the reason."""
    present = numbers(values)
    if len(values) != 1:
        r.skip([ledger_id], f"{len(values)} patients are {what}; the paper describes one")
    elif present.empty:
        r.skip([ledger_id], f"the value is not recorded for the patient {what}")
    else:
        r.add(ledger_id, float(present.iloc[0]) / scale)


def ids_of(*results: Results) -> list[str]:
    """The ledger ids of one or more results, in order (for the comparison tables of a page)."""
    return [ledger_id for result in results for ledger_id in result]


def as_int(values) -> int:
    """A count as a plain int."""
    return int(np.asarray(values, dtype=bool).sum()) if not np.isscalar(values) else int(values)
