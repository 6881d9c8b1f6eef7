"""Rounding as the papers' software displayed it.

SPSS (and most hand-written tables) round *half up* (0.0005 -> 0.001, 2.675 -> 2.68), whereas Python's
built-in :func:`round` rounds half to even *on the binary value* (``round(2.675, 2) == 2.67`` because the
double nearest to 2.675 is 2.67499999...). :func:`spss_round` rounds the shortest decimal representation of
the float (its ``repr``), half away from zero, which is what a person reading the printed number would do.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal

# Enough digits for any finite double (max ~1.8e308) plus any sensible number of decimals.
_CONTEXT = Context(prec=1000)


def spss_round(x: float, decimals: int) -> float:
    """Round ``x`` to ``decimals`` decimal places, half up (away from zero), as SPSS displays numbers.

    The float is converted through ``repr`` (the shortest string that round-trips), so ``2.675`` is treated
    as the decimal 2.675, not as the binary double 2.67499999999999982236431605997495353221893310546875.
    Negative numbers are symmetric: ``spss_round(-0.0005, 3) == -0.001``. NaN and infinities are returned
    unchanged.

    Raises ``ValueError`` if ``decimals`` is not a non-negative integer.

    Examples
    --------
    >>> spss_round(2.675, 2), round(2.675, 2)
    (2.68, 2.67)
    >>> spss_round(0.0005, 3), spss_round(-0.0005, 3)
    (0.001, -0.001)
    """
    if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
        raise ValueError(f"decimals must be a non-negative integer, got {decimals!r}")
    value = float(x)  # also turns numpy scalars into a plain float, whose repr is just the number
    if not math.isfinite(value):
        return value
    return float(round_half_up(value, decimals))


def round_half_up(x: float, decimals: int) -> Decimal:
    """``x`` rounded half up to ``decimals`` places as an exact :class:`~decimal.Decimal` (keeps trailing
    zeros: ``str(round_half_up(60.7, 2)) == "60.70"``), the one half-up rounder of the project.

    Like :func:`spss_round`, it rounds the float's shortest decimal representation (its ``repr``).

    Examples
    --------
    >>> str(round_half_up(0.125, 2)), str(round_half_up(26.15, 1)), str(round_half_up(60.7, 2))
    ('0.13', '26.2', '60.70')
    """
    quantum = Decimal(1).scaleb(-decimals)
    return Decimal(repr(float(x))).quantize(quantum, rounding=ROUND_HALF_UP, context=_CONTEXT)


def printed_decimals(literal: str) -> int:
    """How many decimals a printed number shows: ``"0.0954"`` -> 4, ``"60.70"`` -> 2, ``"55"`` -> 0.

    Examples
    --------
    >>> printed_decimals("0.0954"), printed_decimals("60.70"), printed_decimals("55")
    (4, 2, 0)
    """
    return len(literal.split(".")[1]) if "." in literal else 0


def prints(x: float, printed: str) -> bool:
    """True when ``x`` rounded half up to the printed precision is the printed number.

    Examples
    --------
    >>> prints(0.04849, "0.048"), prints(0.0485, "0.048"), prints(60.704, "60.70")
    (True, False, True)
    """
    decimals = printed_decimals(printed)
    return round_half_up(x, decimals) == Decimal(printed).quantize(Decimal(1).scaleb(-decimals))
