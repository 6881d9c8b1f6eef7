"""Published versus reproduced: one verdict per ledger entry.

The comparison is made at the precision the paper printed: a published ``71.6`` is matched by any
reproduced value that rounds (half up) to 71.6, a published ``6`` by anything that rounds to 6. Verdicts:

- ``reproduced``: every printed number (value and CI bounds) matches;
- ``differs``: a printed number does not match, and the paper is not known to be inconsistent there;
- ``inconsistent in the paper``: it does not match, and the ledger documents that no data can produce the
  printed value (e.g. 24/34 printed as 70.5: ``printed_unreachable``); the ledger's resolution is the reason;
- ``not computable from this data``: a notebook declared why it cannot compute the number;
- ``not recorded``: no notebook records the number (yet);
- ``no verdict``: ``figure_only`` entries (value only in a figure), and every entry when the data is not
  the shipped reconstructed cohort (a comparison with the paper would be meaningless there).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from cartrepro.ledger.entries import SHOWN_KINDS, Entry, load_ledger

REPRODUCED = "reproduced"
DIFFERS = "differs"
INCONSISTENT = "inconsistent in the paper"
NOT_COMPUTABLE = "not computable from this data"
NOT_RECORDED = "not recorded"
NO_VERDICT = "no verdict"

SCORECARD_COLUMNS = ["id", "paper", "kind", "quantity", "where", "published", "reproduced", "verdict", "reason"]


@dataclass(frozen=True)
class Reproduced:
    """What a notebook recorded for one ledger id."""

    value: object
    ci_low: float | None = None
    ci_high: float | None = None

    @classmethod
    def from_json(cls, item: object) -> Reproduced:
        if isinstance(item, Mapping) and "value" in item:
            return cls(item["value"], item.get("ci_low"), item.get("ci_high"))
        return cls(item)

    def to_json(self) -> object:
        if self.ci_low is None and self.ci_high is None:
            return self.value
        return {"value": self.value, "ci_low": self.ci_low, "ci_high": self.ci_high}


def round_half_up(x: float, decimals: int) -> Decimal:
    """``x`` rounded half up (as printed tables do, unlike Python's round-half-even)."""
    return Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _decimals(literal: str) -> int:
    return len(literal.split(".")[1]) if "." in literal else 0


def _as_numbers(value: object) -> list[float] | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return [float(value)]
    if isinstance(value, list | tuple):
        try:
            return [float(v) for v in value]
        except (TypeError, ValueError):
            return None
    return None


def _matches(published: list[str], reproduced: list[float]) -> bool:
    if len(published) != len(reproduced):
        return False
    return all(
        round_half_up(r, _decimals(p)) == Decimal(p).quantize(Decimal(1).scaleb(-_decimals(p)))
        for p, r in zip(published, reproduced, strict=True)
    )


def format_like(x: float, literal: str | None) -> str:
    """``x`` with as many decimals as the published literal (3 significant figures if there is none)."""
    if literal is None:
        return f"{x:.3g}"
    return str(round_half_up(x, _decimals(literal)))


def format_reproduced(entry: Entry, rep: Reproduced) -> str:
    published = entry.published_numbers()
    numbers = _as_numbers(rep.value)
    if numbers is None:
        return str(rep.value)
    if published and len(published) == len(numbers):
        text = ", ".join(format_like(x, p) for x, p in zip(numbers, published, strict=True))
    else:
        text = ", ".join(format_like(x, None) for x in numbers)
    if rep.ci_low is not None and rep.ci_high is not None:
        low_lit, high_lit = entry.ci_literals() or (None, None)
        text += f" ({format_like(rep.ci_low, low_lit)}–{format_like(rep.ci_high, high_lit)})"
    return text


def format_for_prose(entry: Entry, rep: Reproduced) -> str:
    """As printed in running text: ``71.6% (95% CI 44.2–99.0)``, ``11``, ``1.5, 6``."""
    numbers = _as_numbers(rep.value)
    published = entry.published_numbers()
    if numbers is None or len(numbers) != 1:
        return format_reproduced(entry, rep)
    value = format_like(numbers[0], published[0] if published and len(published) == 1 else None)
    pct = "%" if entry.unit.strip() == "%" else ""
    if rep.ci_low is None or rep.ci_high is None:
        return value + pct
    low_lit, high_lit = entry.ci_literals() or (None, None)
    low, high = format_like(rep.ci_low, low_lit), format_like(rep.ci_high, high_lit)
    return f"{value}{pct} (95% CI {low}–{high})"


def verdict(entry: Entry, rep: Reproduced | None, *, not_computable: str | None = None,
            reference_data: bool = True) -> tuple[str, str]:
    """(verdict, reason) for one ledger entry."""
    if entry.kind == "figure_only":
        return NO_VERDICT, "the published value is only in a figure we do not have; computed and shown"
    if not reference_data:
        return NO_VERDICT, "not the shipped reconstructed cohort: reproduced value shown, not compared"
    if rep is None:
        if not_computable:
            return NOT_COMPUTABLE, not_computable
        return NOT_RECORDED, "no notebook records this number yet"
    published = entry.published_numbers()
    numbers = _as_numbers(rep.value)
    assumption = f"construction: {entry.notes or entry.method}" if entry.kind == "construction" else ""
    if published is None:
        return NO_VERDICT, "the paper states no number here; " + (assumption or "shown for information")
    ok = numbers is not None and _matches(published, numbers)
    if ok and entry.has_ci:
        if rep.ci_low is None or rep.ci_high is None:
            ok = False
        else:
            ok = _matches(list(entry.ci_literals()), [rep.ci_low, rep.ci_high])
    if ok:
        reason = assumption
        if entry.inconsistency is not None:
            reason = (reason + "; " if reason else "") + f"paper note ({entry.inconsistency.id}): " \
                + entry.inconsistency.resolution
        return REPRODUCED, reason
    shown = format_reproduced(entry, rep)
    if entry.inconsistency is not None and entry.inconsistency.printed_unreachable:
        return INCONSISTENT, f"printed {entry.printed}, computed {shown}: {entry.inconsistency.resolution}"
    return DIFFERS, f"printed {entry.printed}, reproduced {shown}" + (f"; {assumption}" if assumption else "")


def build_scorecard(records: Mapping[str, Reproduced], *, not_computable: Mapping[str, str] | None = None,
                    reference_papers: Iterable[str] = ("cd22", "car1922"),
                    papers: Iterable[str] | None = None) -> pd.DataFrame:
    """The scorecard table: one row per shown ledger entry of the given papers.

    ``reference_papers``: the papers whose data in this build is the shipped cohort (verdicts are given
    only for those). Unknown ids in ``records`` are an error: a typo must not vanish silently.
    """
    ledger = load_ledger()
    not_computable = dict(not_computable or {})
    unknown = sorted(set(records) - set(ledger)) + sorted(set(not_computable) - set(ledger))
    if unknown:
        raise KeyError(f"recorded ids not in the ledger: {', '.join(unknown)}")
    wanted = set(papers) if papers is not None else None
    reference = set(reference_papers)
    rows = []
    for entry in ledger.values():
        if entry.kind not in SHOWN_KINDS or (wanted is not None and entry.paper not in wanted):
            continue
        rep = records.get(entry.id)
        v, reason = verdict(entry, rep, not_computable=not_computable.get(entry.id),
                            reference_data=entry.paper in reference)
        rows.append({
            "id": entry.id,
            "paper": entry.paper,
            "kind": entry.kind,
            "quantity": entry.quantity,
            "where": entry.where,
            "published": entry.printed,
            "reproduced": format_reproduced(entry, rep) if rep is not None else "",
            "verdict": v,
            "reason": reason,
        })
    return pd.DataFrame(rows, columns=SCORECARD_COLUMNS)


def summarise(card: pd.DataFrame) -> pd.DataFrame:
    """Counts of verdicts per paper and kind (the scorecard's headline)."""
    if card.empty:
        return pd.DataFrame(columns=["paper", "kind", "verdict", "n"])
    return (card.groupby(["paper", "kind", "verdict"]).size().rename("n").reset_index()
            .sort_values(["paper", "kind", "n"], ascending=[True, True, False], ignore_index=True))


def share_reproduced(card: pd.DataFrame, paper: str, kind: str = "data") -> float:
    rows = card[(card["paper"] == paper) & (card["kind"] == kind)]
    return float((rows["verdict"] == REPRODUCED).mean()) if len(rows) else 0.0
