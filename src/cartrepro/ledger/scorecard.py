"""Published versus computed: two questions per ledger entry, two columns.

``match`` compares the computed value with the printed one at the precision the paper printed, on *any*
cohort (a published ``71.6`` is matched by any computed value that rounds half up to 71.6):

- ``matches``: every printed number (value and CI bounds) is met;
- ``differs``: a printed number is not met (whatever the ledger says about the entry);
- ``unattainable as printed``: no data can give the printed digits (e.g. 24/34 printed as 70.5), the
  ledger's inconsistency item names the value the data should give instead (its ``expected`` field), and
  the computed value equals that value at the printed precision; any other value is ``differs``;
- ``not computable``: the analysis declared why this data cannot give the number;
- ``not recorded``: no page records the number;
- ``no published value``: the paper prints no number here (a verbal statement, or a value only in a figure
  we do not have); the computed value is shown, not compared.

``evidence`` says what the shipped reconstructed cohort can show about a number (empty on any other data;
see :mod:`cartrepro.ledger.evidence`): ``input`` (the generator wrote it into a patient row), ``constrained``
(the generator searched for data that give it), ``assumed`` (it needs an assumption the paper does not
state, named in the reason), ``unconstrained`` (computed, never targeted).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from cartrepro.ledger.entries import SHOWN_KINDS, Entry, load_ledger
from cartrepro.stats.rounding import printed_decimals, round_half_up  # noqa: F401 (round_half_up: re-exported)

MATCHES = "matches"
DIFFERS = "differs"
UNATTAINABLE = "unattainable as printed"
NOT_COMPUTABLE = "not computable"
NOT_RECORDED = "not recorded"
NO_PUBLISHED_VALUE = "no published value"
#: every value of the ``match`` column, in the order pages list them
MATCH_VALUES = (MATCHES, UNATTAINABLE, DIFFERS, NOT_COMPUTABLE, NOT_RECORDED, NO_PUBLISHED_VALUE)

INPUT = "input"
CONSTRAINED = "constrained"
ASSUMED = "assumed"
UNCONSTRAINED = "unconstrained"
#: every non-empty value of the ``evidence`` column, strongest evidence last
EVIDENCE_VALUES = (INPUT, ASSUMED, CONSTRAINED, UNCONSTRAINED)

SCORECARD_COLUMNS = ["id", "paper", "kind", "quantity", "where", "published", "computed", "match", "evidence",
                     "reason"]


@dataclass(frozen=True)
class Computed:
    """What a page recorded for one ledger id (unrounded, in the ledger's unit)."""

    value: object
    ci_low: float | None = None
    ci_high: float | None = None

    @classmethod
    def from_json(cls, item: object) -> Computed:
        if isinstance(item, Mapping) and "value" in item:
            return cls(item["value"], item.get("ci_low"), item.get("ci_high"))
        return cls(item)

    def to_json(self) -> object:
        if self.ci_low is None and self.ci_high is None:
            return self.value
        return {"value": self.value, "ci_low": self.ci_low, "ci_high": self.ci_high}


Reproduced = Computed  # the earlier name, kept for code written against it


@dataclass(frozen=True)
class Evidence:
    """What the shipped reconstruction shows about one number: its class and, where needed, why."""

    kind: str  # one of EVIDENCE_VALUES, or "" (no claim: e.g. an illustrative panel)
    reason: str = ""


_decimals = printed_decimals


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


def _matches(published: list[str], computed: list[float]) -> bool:
    if len(published) != len(computed):
        return False
    return all(
        round_half_up(r, _decimals(p)) == Decimal(p).quantize(Decimal(1).scaleb(-_decimals(p)))
        for p, r in zip(published, computed, strict=True)
    )


def format_like(x: float, literal: str | None) -> str:
    """``x`` with as many decimals as the published literal (3 significant figures if there is none)."""
    if literal is None:
        return f"{x:.3g}"
    return str(round_half_up(x, _decimals(literal)))


def format_computed(entry: Entry, rep: Computed) -> str:
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


format_reproduced = format_computed  # the earlier name


def format_for_prose(entry: Entry, rep: Computed) -> str:
    """As printed in running text: ``71.6% (95% CI 44.2–99.0)``, ``11``, ``1.5, 6``."""
    numbers = _as_numbers(rep.value)
    published = entry.published_numbers()
    if numbers is None or len(numbers) != 1:
        return format_computed(entry, rep)
    value = format_like(numbers[0], published[0] if published and len(published) == 1 else None)
    pct = "%" if entry.unit.strip() == "%" else ""
    if rep.ci_low is None or rep.ci_high is None:
        return value + pct
    low_lit, high_lit = entry.ci_literals() or (None, None)
    low, high = format_like(rep.ci_low, low_lit), format_like(rep.ci_high, high_lit)
    return f"{value}{pct} (95% CI {low}–{high})"


def _meets_printed(entry: Entry, published: list[str], numbers: list[float] | None, rep: Computed) -> bool:
    ok = numbers is not None and _matches(published, numbers)
    if ok and entry.has_ci:
        if rep.ci_low is None or rep.ci_high is None:
            return False
        return _matches(list(entry.ci_literals()), [rep.ci_low, rep.ci_high])
    return ok


def _meets_expected(entry: Entry, published: list[str], numbers: list[float] | None) -> bool:
    """The computed value equals the ledger's expected value (the one the data should give) at the printed
    precision. Only single printed numbers without a CI carry an expected value."""
    expected = entry.inconsistency.expected_for(entry.id) if entry.inconsistency is not None else None
    if expected is None or numbers is None or len(numbers) != 1 or len(published) != 1 or entry.has_ci:
        return False
    decimals = _decimals(published[0])
    return round_half_up(numbers[0], decimals) == Decimal(expected).quantize(Decimal(1).scaleb(-decimals))


def match(entry: Entry, rep: Computed | None, *, not_computable: str | None = None) -> tuple[str, str]:
    """(match, reason) for one ledger entry: the computed value against the printed one, on any data."""
    # a construction's reason names the method assumed (the ledger's ``notes`` are working notes, not shown)
    assumption = f"construction: {entry.method or entry.notes}" if entry.kind == "construction" else ""
    if entry.kind == "figure_only":
        return NO_PUBLISHED_VALUE, "the published value is only in a figure we do not have; computed and shown"
    if rep is None:
        if not_computable:
            return NOT_COMPUTABLE, not_computable
        return NOT_RECORDED, "no page records this number yet"
    published = entry.published_numbers()
    if published is None:
        return NO_PUBLISHED_VALUE, "the paper states no number here; " + (assumption or "shown for information")
    numbers = _as_numbers(rep.value)
    if _meets_printed(entry, published, numbers, rep):
        reason = assumption
        if entry.inconsistency is not None:
            reason = (reason + "; " if reason else "") + f"paper note: {entry.inconsistency.for_reader}"
        return MATCHES, reason
    shown = format_computed(entry, rep)
    if _meets_expected(entry, published, numbers):
        inc = entry.inconsistency
        return UNATTAINABLE, (f"no data can give the printed {entry.printed}: {inc.for_reader} "
                              f"The data give {inc.expected_for(entry.id)}.")
    return DIFFERS, f"printed {entry.printed}, computed {shown}" + (f"; {assumption}" if assumption else "")


def build_scorecard(records: Mapping[str, Computed], *, not_computable: Mapping[str, str] | None = None,
                    reference_papers: Iterable[str] = ("cd22", "car1922"),
                    papers: Iterable[str] | None = None,
                    evidence: Mapping[str, Evidence] | None = None) -> pd.DataFrame:
    """The scorecard table: one row per ledger entry (not ``context``) of the given papers.

    ``reference_papers``: the papers whose data in this build is the shipped reconstructed cohort; only
    their rows get an ``evidence`` class (from ``evidence``, by default the shipped generators' provenance,
    :func:`cartrepro.ledger.evidence.shipped_evidence`). ``match`` is given on every cohort. Unknown ids in
    ``records`` are an error: a typo must not vanish silently.
    """
    ledger = load_ledger()
    records = {k: v for k, v in records.items() if not k.startswith("review_")}  # review ids: own section
    not_computable = {k: v for k, v in (not_computable or {}).items() if not k.startswith("review_")}
    unknown = sorted(set(records) - set(ledger)) + sorted(set(not_computable) - set(ledger))
    if unknown:
        raise KeyError(f"recorded ids not in the ledger: {', '.join(unknown)}")
    wanted = set(papers) if papers is not None else None
    reference = set(reference_papers)
    if evidence is None and reference:
        from cartrepro.ledger.evidence import shipped_evidence

        evidence = shipped_evidence(tuple(sorted(reference)))
    evidence = evidence or {}
    rows = []
    for entry in ledger.values():
        if entry.kind not in SHOWN_KINDS or (wanted is not None and entry.paper not in wanted):
            continue
        rep = records.get(entry.id)
        m, reason = match(entry, rep, not_computable=not_computable.get(entry.id))
        ev = Evidence("")
        if entry.paper in reference:
            ev = evidence_of(entry, rep, evidence.get(entry.id))
        if ev.reason:
            reason = ev.reason + (f"; {reason}" if reason and ev.kind else "")
        rows.append({
            "id": entry.id,
            "paper": entry.paper,
            "kind": entry.kind,
            "quantity": entry.quantity,
            "where": entry.where,
            "published": entry.printed,
            "computed": format_computed(entry, rep) if rep is not None else "",
            "match": m,
            "evidence": ev.kind,
            "reason": reason,
        })
    return pd.DataFrame(rows, columns=SCORECARD_COLUMNS)


def evidence_of(entry: Entry, rep: Computed | None, declared: Evidence | None) -> Evidence:
    """The evidence class of one entry on the shipped cohort: what its generator declared, else
    ``unconstrained`` for a computed number the generator never targeted; nothing for a number not computed."""
    if declared is not None:
        return declared
    if rep is None:
        return Evidence("")
    return Evidence(UNCONSTRAINED)


def summarise(card: pd.DataFrame) -> pd.DataFrame:
    """Counts of ``match`` per paper and kind."""
    if card.empty:
        return pd.DataFrame(columns=["paper", "kind", "match", "n"])
    return (card.groupby(["paper", "kind", "match"]).size().rename("n").reset_index()
            .sort_values(["paper", "kind", "n"], ascending=[True, True, False], ignore_index=True))


def summary_lines(card: pd.DataFrame) -> list[str]:
    """The build's printed summary: ``match`` counts per paper and kind, then (on the shipped cohort)
    ``evidence`` counts, so nobody reads a match on the reconstruction as the paper reproduced."""
    lines = ["scorecard (computed vs printed, at the printed precision):"]
    for (paper, kind), rows in summarise(card).groupby(["paper", "kind"], sort=True):
        parts = ", ".join(f"{n} {v}" for v, n in zip(rows["match"], rows["n"], strict=True))
        lines.append(f"  {paper} {kind}: {parts}")
    classed = card[card["evidence"] != ""]
    for paper, rows in classed.groupby("paper", sort=True):
        counts = rows["evidence"].value_counts()
        parts = ", ".join(f"{int(counts[k])} {k}" for k in EVIDENCE_VALUES if k in counts)
        lines.append(f"  {paper} on the shipped synthetic reconstruction, evidence: {parts}")
    return lines


def scorecard_of(results, *, reference_papers: Iterable[str] = (), papers: Iterable[str] | None = None
                 ) -> pd.DataFrame:
    """The scorecard of an in-process :class:`~cartrepro.analysis.results.Results` (e.g. ``compute_all``):
    values become ``computed``, stated reasons ``not computable``. ``reference_papers`` as in
    :func:`build_scorecard` (none by default: ``match`` only, no evidence)."""
    from cartrepro.analysis.results import NotComputable

    records, declared = {}, {}
    for ledger_id, outcome in results.items():
        if isinstance(outcome, NotComputable):
            declared[ledger_id] = outcome.reason
        else:
            low, high = outcome.ci if outcome.ci is not None else (None, None)
            records[ledger_id] = Computed(outcome.value, low, high)
    return build_scorecard(records, not_computable=declared, reference_papers=reference_papers, papers=papers)
