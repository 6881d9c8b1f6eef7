"""Would this method have printed the paper's digits? One answer for every comparison panel.

Every panel of the methods chapter computes a published number several ways and asks, row by row,
whether the method would have printed the same digits. The question is always the same: round each
computed value half up (:func:`cartrepro.stats.rounding.spss_round`, as SPSS and a reader round) to the
printed precision and compare it with the printed value rounded the same way. :func:`compare_printed`
answers it; :func:`method_row` builds the panel row around it; :func:`printed_text` writes the digits
as the papers lay them out ("71.6 (44.2–99.0)", "0.0018", "0–26"); :func:`would_print_matrix` puts
several panels side by side.

A value that could not be computed (NaN) is shown as "—". A row none of whose values could be computed
has no verdict ("—"); a row with some missing values does not print the paper's digits ("no").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from cartrepro.stats.rounding import spss_round

__all__ = ["TRIPLE", "compare_printed", "method_row", "printed_text", "would_print_matrix"]

#: the names of an (estimate, lower, upper) triple in a "differs" text
TRIPLE = ("estimate", "lower", "upper")
NOT_COMPUTED = "—"


def _rounded(value: float, decimals: int) -> float:
    value = float(value)
    return spss_round(value, decimals) if np.isfinite(value) else float("nan")


def _text(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}" if np.isfinite(value) else NOT_COMPUTED


def printed_text(values: Sequence[float], decimals: int) -> str:
    """The values rounded half up to ``decimals`` and laid out as printed: one value, "lo–hi" or "est (lo–hi)".

    Examples
    --------
    >>> printed_text([71.5789, 44.24, 98.96], 1), printed_text([0.00183], 4), printed_text([0.2, 26.15], 0)
    ('71.6 (44.2–99.0)', '0.0018', '0–26')
    """
    shown = [_text(_rounded(v, decimals), decimals) for v in values]
    if len(shown) == 3:
        return f"{shown[0]} ({shown[1]}–{shown[2]})"
    return "–".join(shown)


def compare_printed(values: Sequence[float], published: Sequence[float] | None, decimals: int,
                    names: Sequence[str] = TRIPLE) -> tuple[str, str]:
    """``(would_print, differs)``: "yes"/"no"/"—", and which printed numbers change ("upper 26.1 vs 26.2").

    ``published`` may be shorter than ``values`` (an estimate printed without its interval): only the
    printed numbers are compared. Without ``published``, or when no value could be computed, the
    verdict is "—".

    Examples
    --------
    >>> compare_printed([9.0909, 0.0, 26.0796], [9.1, 0.0, 26.2], 1)
    ('no', 'upper 26.1 vs 26.2')
    >>> compare_printed([0.00183], [0.0018], 4, names=("P",))
    ('yes', '')
    """
    if published is None or not np.isfinite(np.asarray(values, dtype=float)).any():
        return NOT_COMPUTED, ""
    parts = []
    for name, ours, theirs in zip(names, values, published, strict=False):
        mine, target = _rounded(ours, decimals), _rounded(theirs, decimals)
        if not (np.isfinite(mine) and mine == target):
            parts.append(f"{name} {_text(mine, decimals)} vs {target:.{decimals}f}")
    return ("no" if parts else "yes"), "; ".join(parts)


def method_row(key: str, method: str, default_of: str, values: Sequence[float], published: Sequence[float] | None,
               decimals: int, names: Sequence[str] = TRIPLE, **columns) -> dict:
    """One panel row: the method, what it prints, and whether that is the paper's digits.

    Gives ``key``, ``method``, ``default_of`` (the software using it by default), ``printed_as``
    (:func:`printed_text`), ``would_print`` and ``differs`` (:func:`compare_printed`), plus ``columns``
    (the panel's own numbers, e.g. ``estimate=...``).

    Examples
    --------
    >>> row = method_row("exact", "Exact test", "coin", [0.00183], [0.0018], 4, names=("P",), p_value=0.00183)
    >>> row["printed_as"], row["would_print"], row["p_value"]
    ('0.0018', 'yes', 0.00183)
    """
    would, differs = compare_printed(values, published, decimals, names)
    return {"key": key, "method": method, "default_of": default_of, **columns,
            "printed_as": printed_text(values, decimals), "would_print": would, "differs": differs}


def would_print_matrix(panels: Mapping[str, pd.DataFrame], keys: Iterable[str] | None = None) -> pd.DataFrame:
    """Method panels side by side: one row per method, one column per panel, "printed_as (yes|no)".

    ``panels`` maps a column label (e.g. "Fig 4a LFS") to a panel frame with ``key``, ``method``,
    ``printed_as`` and ``would_print``. Methods absent from a panel show "—"; ``keys`` picks and orders rows.

    Examples
    --------
    >>> a = pd.DataFrame({"key": ["x"], "method": ["Exact"], "printed_as": ["0.002"], "would_print": ["yes"]})
    >>> print(would_print_matrix({"P": a}).to_string(index=False))
    method           P
     Exact 0.002 (yes)
    """
    methods: dict[str, str] = {}
    for frame in panels.values():
        for key, method in zip(frame["key"], frame["method"], strict=True):
            methods.setdefault(key, method)
    order = list(keys) if keys is not None else list(methods)
    out = pd.DataFrame({"method": [methods.get(k, k) for k in order]})
    for label, frame in panels.items():
        by_key = frame.set_index("key")
        cells = []
        for key in order:
            if key not in by_key.index:
                cells.append(NOT_COMPUTED)
            elif by_key.at[key, "would_print"] == NOT_COMPUTED:
                cells.append(by_key.at[key, "printed_as"])
            else:
                cells.append(f"{by_key.at[key, 'printed_as']} ({by_key.at[key, 'would_print']})")
        out[label] = cells
    return out
