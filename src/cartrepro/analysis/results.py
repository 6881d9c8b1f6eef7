"""What an analysis function returns: for each ledger id, a value (with its CI) or a stated reason.

Analysis functions (``cartrepro.analysis.cd22``, ``cartrepro.analysis.car1922``) are plain functions of a
loaded cohort and the analysis parameters. They never raise on valid data and never return NaN: each id
they are responsible for gets either a :class:`Value` or a :class:`NotComputable` with the reason. The
frames a page needs for its figure or table travel in :attr:`Results.frames`; they are not recorded.

Notebooks hand a whole result to :func:`cartrepro.ledger.record.record_all`; ``cartrepro results``
(:mod:`cartrepro.analysis.pages`) runs the same functions in one process and writes the same JSON.

Examples
--------
>>> r = Results()
>>> r.add("p2_n_enrolled", 34)
>>> r.skip(["p2_fig4a_lfs_1y"], "no patient had an HCT after CAR-T")
>>> r["p2_n_enrolled"]
Value(value=34, ci=None)
>>> r.not_computable()
{'p2_fig4a_lfs_1y': 'no patient had an HCT after CAR-T'}
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np


def plain(value: object) -> object:
    """A JSON-able plain Python value: numpy scalars and arrays unwrapped; NaN, inf, None and booleans refused."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, np.ndarray | list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        raise TypeError(f"cannot record {value!r}: a number, a list of numbers or a text is expected")
    if isinstance(value, int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot record a non-finite value ({value!r})")
        return value
    raise TypeError(f"cannot record a value of type {type(value).__name__}")


@dataclass(frozen=True)
class Value:
    """A computed number (or list of numbers, or text) in the ledger's unit, unrounded."""

    value: object
    ci: tuple[float, float] | None = None


@dataclass(frozen=True)
class NotComputable:
    """This data cannot give the number; ``reason`` says why (shown on the page and in the scorecard)."""

    reason: str


Outcome = Value | NotComputable


@dataclass
class Results:
    """Outcomes by ledger id, in the order they were added, plus the frames behind figures and tables."""

    outcomes: dict[str, Outcome] = field(default_factory=dict)
    frames: dict[str, object] = field(default_factory=dict)

    def add(self, ledger_id: str, value: object, ci: tuple[float, float] | None = None) -> None:
        """Add a computed value; refuses NaN/inf/None at once (the caller must say why instead)."""
        if ledger_id in self.outcomes:
            raise ValueError(f"{ledger_id} was already computed in this result")
        try:
            checked = plain(value)
            low_high = None if ci is None else tuple(float(plain(c)) for c in ci)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{ledger_id}: {exc}") from None
        self.outcomes[ledger_id] = Value(checked, low_high)

    def skip(self, ids: Iterable[str], reason: str) -> None:
        """Declare ids not computable on this data, with the reason."""
        if not reason:
            raise ValueError("a not-computable outcome needs its reason")
        for ledger_id in ids:
            if ledger_id in self.outcomes:
                raise ValueError(f"{ledger_id} was already computed in this result")
            self.outcomes[ledger_id] = NotComputable(reason)

    def extend(self, other: Results) -> Results:
        """Add another result's outcomes and frames (ids must not repeat); returns self."""
        clash = sorted(set(self.outcomes) & set(other.outcomes))
        if clash:
            raise ValueError(f"ids computed twice: {', '.join(clash)}")
        self.outcomes.update(other.outcomes)
        self.frames.update(other.frames)
        return self

    def __getitem__(self, ledger_id: str) -> Outcome:
        return self.outcomes[ledger_id]

    def __contains__(self, ledger_id: object) -> bool:
        return ledger_id in self.outcomes

    def __iter__(self) -> Iterator[str]:
        return iter(self.outcomes)

    def __len__(self) -> int:
        return len(self.outcomes)

    def items(self):
        return self.outcomes.items()

    def value(self, ledger_id: str) -> object:
        """The computed value of an id (KeyError if it was declared not computable)."""
        outcome = self.outcomes[ledger_id]
        if isinstance(outcome, NotComputable):
            raise KeyError(f"{ledger_id} is not computable on this data: {outcome.reason}")
        return outcome.value

    def values(self) -> dict[str, Value]:
        return {k: v for k, v in self.outcomes.items() if isinstance(v, Value)}

    def not_computable(self) -> dict[str, str]:
        return {k: v.reason for k, v in self.outcomes.items() if isinstance(v, NotComputable)}


def merge(results: Iterable[Results]) -> Results:
    """One result from several (ids must not repeat)."""
    merged = Results()
    for r in results:
        merged.extend(r)
    return merged
