"""The pieces every cohort generator shares: assumptions, constraints and their report, order statistics.

A generator turns published constraints into patient rows. It writes down every choice the papers leave
open as an :class:`Assumption` and checks every published number it targets as a :class:`Constraint`,
evaluated on the finished table (not on the generator's intermediate variables), so the report shows what
the data achieves, not what the generator meant to do.

Each constraint and assumption also says what the finished cohort can show about the ledger numbers it
names (its ``evidence``, written into the provenance file and read by the scorecard):

- a constraint is ``input`` when the generator writes the number into a patient row (a single-patient
  fact, a stated minimum, maximum or median placed by :func:`order_statistics`): reading it back is not
  evidence; it is ``constrained`` when the generator searched or allocated the data so that the number
  holds together with the others under the named method;
- an assumption is ``assumed`` when a number matches only because of a fact the paper does not state,
  ``illustrative`` when the paper does not give what a number is computed from (e.g. subgroup
  membership, drawn by seed): no claim at all; otherwise (``evidence=None``) it is a documented choice that
  no printed number depends on for its match.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

INPUT, CONSTRAINED = "input", "constrained"  # what a constraint shows
ASSUMED, ILLUSTRATIVE = "assumed", "illustrative"  # what an assumption does to the numbers it names
CONSTRAINT_EVIDENCE = (INPUT, CONSTRAINED)
ASSUMPTION_EVIDENCE = (None, ASSUMED, ILLUSTRATIVE)


@dataclass(frozen=True)
class Assumption:
    id: str
    text: str
    ledger_ids: tuple[str, ...] = ()
    evidence: str | None = None

    def __post_init__(self):
        if self.evidence not in ASSUMPTION_EVIDENCE:
            raise ValueError(f"assumption {self.id}: evidence must be one of {ASSUMPTION_EVIDENCE}")


@dataclass(frozen=True)
class ConstraintResult:
    id: str
    ledger_ids: tuple[str, ...]
    target: str
    achieved: str
    ok: bool
    evidence: str = CONSTRAINED


@dataclass(frozen=True)
class Constraint:
    """A published fact the table must satisfy: ``check(table) -> (achieved text, ok)``."""

    id: str
    target: str
    check: Callable[[pd.DataFrame], tuple[str, bool]]
    ledger_ids: tuple[str, ...] = ()
    evidence: str = CONSTRAINED  # or INPUT: the generator writes the number into a row

    def __post_init__(self):
        if self.evidence not in CONSTRAINT_EVIDENCE:
            raise ValueError(f"constraint {self.id}: evidence must be one of {CONSTRAINT_EVIDENCE}")

    def evaluate(self, table: pd.DataFrame) -> ConstraintResult:
        achieved, ok = self.check(table)
        return ConstraintResult(self.id, self.ledger_ids, self.target, achieved, bool(ok), self.evidence)


@dataclass
class Report:
    assumptions: list[Assumption] = field(default_factory=list)
    constraints: list[ConstraintResult] = field(default_factory=list)
    search: dict = field(default_factory=dict)

    @property
    def failed(self) -> list[ConstraintResult]:
        return [c for c in self.constraints if not c.ok]


class ReconstructionError(RuntimeError):
    """The generator could not satisfy its constraints (names the ones that failed)."""


def provenance_record(report: Report, *, dataset: str, generator: str, version: str, **extra) -> dict:
    """The provenance file's content: what was generated, by what, from which seed, under which
    assumptions, meeting which constraints. ``extra`` entries (e.g. ``reads``, ``writes``) follow the seed."""
    return {
        "dataset": dataset,
        "synthetic": True,
        "warning": "SYNTHETIC DATA generated to match published aggregates; not trial data.",
        "generator": generator,
        "generator_version": version,
        "seed": report.search["seed"],
        **extra,
        "search": report.search,
        "assumptions": [{"id": a.id, "text": a.text, "ledger_ids": list(a.ledger_ids), "evidence": a.evidence or ""}
                        for a in report.assumptions],
        "constraints": [{**asdict(c), "ledger_ids": list(c.ledger_ids)} for c in report.constraints],
    }


def first_accepted(attempt: Callable[[], object | None], what: str, max_draws: int) -> tuple[object, int]:
    """Call ``attempt`` (one seeded draw; None when rejected) until it returns something.

    Returns (the accepted result, how many draws it took) so the report can say so; raises
    ReconstructionError naming ``what`` after ``max_draws`` rejections.
    """
    for draw in range(1, max_draws + 1):
        result = attempt()
        if result is not None:
            return result, draw
    raise ReconstructionError(f"no draw in {max_draws} satisfied {what}")


def count_is(mask_fn: Callable[[pd.DataFrame], pd.Series], n: int) -> Callable[[pd.DataFrame], tuple[str, bool]]:
    def check(table: pd.DataFrame) -> tuple[str, bool]:
        k = int(mask_fn(table).sum())
        return str(k), k == n

    return check


def order_statistics(rng: np.random.Generator, n: int, *, median: float, low: float, high: float,
                     decimals: int = 0) -> np.ndarray:
    """``n`` sorted values with exactly this minimum, maximum and sample median.

    The values in between are drawn uniformly (seeded) below and above the median and rounded to
    ``decimals``; for even ``n`` the two middle values both equal the median. Only the three printed
    order statistics are published, so everything else about the distribution is an assumption.
    """
    if n < 3:
        raise ValueError("order_statistics needs n >= 3")
    half = (n - 1) // 2  # values strictly below the middle one(s)
    below = np.round(rng.uniform(low, median, half - 1), decimals)
    above = np.round(rng.uniform(median, high, half - 1), decimals)
    middle = [median] if n % 2 else [median, median]
    values = np.concatenate([[low], np.sort(below), middle, np.sort(above), [high]])
    assert len(values) == n
    return np.round(values, decimals)
