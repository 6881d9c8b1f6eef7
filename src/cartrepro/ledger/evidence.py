"""What the shipped reconstructed cohorts can show about each published number, read from their generators.

Each generator (``cartrepro.reconstruct``) declares, for every constraint and assumption, which ledger ids
it concerns and what it does to them (``evidence``), and writes this into its provenance file beside the
cohort. This module turns those declarations into one class per ledger id, so the scorecard's ``evidence``
column comes from the generators' own lists, never from a table kept by hand:

- ``input``: a constraint whose number the generator writes into a patient row: reading it back is not
  evidence;
- ``assumed``: an assumption the paper does not state is needed for the number (named in the reason);
- ``constrained``: a constraint the generator searched or allocated the data for;
- an ``illustrative`` assumption: the paper does not give what the number is computed from; no class
  (empty) and the reason says so;
- anything else the book computes on the shipped cohort is ``unconstrained`` (computed, never targeted;
  decided by the scorecard, which knows what was computed).

Where declarations overlap, the weaker claim wins: illustrative, then input, then assumed, then constrained.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import yaml

from cartrepro.ledger.entries import YAML_LOADER
from cartrepro.ledger.scorecard import ASSUMED, CONSTRAINED, INPUT, Evidence
from cartrepro.paths import SHIPPED_DATA_DIR

ILLUSTRATIVE = "illustrative"
ILLUSTRATIVE_REASON = "illustrative: subgroup membership not given by the paper"
#: overlapping declarations: the first in this order wins (the weakest claim)
PRECEDENCE = (ILLUSTRATIVE, INPUT, ASSUMED, CONSTRAINED)


def declarations(provenance: Mapping) -> list[tuple[str, str, str, str]]:
    """(ledger id, evidence, source id, text) for every id a provenance record's constraints and
    assumptions name with an evidence class."""
    found = []
    for c in provenance.get("constraints") or []:
        kind = c.get("evidence") or CONSTRAINED
        if kind not in (INPUT, CONSTRAINED):
            raise ValueError(f"constraint {c['id']}: unknown evidence {kind!r}")
        found.extend((lid, kind, c["id"], str(c.get("target", ""))) for lid in c.get("ledger_ids") or [])
    for a in provenance.get("assumptions") or []:
        kind = a.get("evidence") or ""
        if kind not in ("", ASSUMED, ILLUSTRATIVE):
            raise ValueError(f"assumption {a['id']}: unknown evidence {kind!r}")
        if kind:
            found.extend((lid, kind, a["id"], str(a.get("text", ""))) for lid in a.get("ledger_ids") or [])
    return found


def _reason(kind: str, source: str, text: str) -> str:
    if kind == ILLUSTRATIVE:
        return ILLUSTRATIVE_REASON
    if kind == INPUT:
        return f"input: the generator writes this value into the data (constraint `{source}`), not evidence"
    if kind == ASSUMED:
        return f"assumed: needs `{source}`, which the paper does not state: {text}"
    return ""


def evidence_from(provenances: Iterable[Mapping]) -> dict[str, Evidence]:
    """One :class:`~cartrepro.ledger.scorecard.Evidence` per ledger id named by these provenance records."""
    best: dict[str, tuple[int, str, str, str]] = {}
    for provenance in provenances:
        for lid, kind, source, text in declarations(provenance):
            rank = PRECEDENCE.index(kind)
            if lid not in best or rank < best[lid][0]:
                best[lid] = (rank, kind, source, text)
    return {lid: Evidence("" if kind == ILLUSTRATIVE else kind, _reason(kind, source, text))
            for lid, (_, kind, source, text) in best.items()}


def provenance_files(paper: str, data_dir: Path = SHIPPED_DATA_DIR) -> list[Path]:
    """The provenance files of one shipped paper folder (``provenance.yaml``, ``*_provenance.yaml``)."""
    return sorted((Path(data_dir) / paper).glob("*provenance.yaml"))


@lru_cache(maxsize=8)
def shipped_evidence(papers: tuple[str, ...] = ("car1922", "cd22")) -> dict[str, Evidence]:
    """The evidence classes declared by the generators of the shipped cohorts of ``papers``."""
    records = [yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER) for paper in papers
               for path in provenance_files(paper)]
    return evidence_from(records)
