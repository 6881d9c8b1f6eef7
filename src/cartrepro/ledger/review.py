"""The review chapter's registry: the ``review_`` ids the project declares for its own quantities.

The published ledger (:mod:`cartrepro.ledger.entries`) lists numbers the papers print; the review chapter
(issue 11) computes numbers the papers do not print (BH survivors, optimism-corrected areas, maximally
selected P values, ...) to test their claims. Those are declared in ``data/review/registry.yaml``, never
in the published ledger, and :func:`cartrepro.ledger.record.record` accepts an id that starts with
``review_`` only when it is declared here. The scorecard shows them in a review section of their own,
with no published value and no verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from cartrepro.ledger.entries import YAML_LOADER
from cartrepro.paths import DATA_DIR

PREFIX = "review_"
REGISTRY = DATA_DIR / "review" / "registry.yaml"
FIELDS = ("id", "paper", "section", "quantity", "unit", "method")
SECTIONS = {"screen": "Multiplicity of the screen", "cutoff": "Optimism of a data-chosen marker and cutoff",
            "alternatives": "Conclusions under reasonable alternatives"}


@dataclass(frozen=True)
class ReviewEntry:
    id: str
    paper: str
    section: str
    quantity: str
    unit: str = ""
    method: str = ""


def is_review_id(ledger_id: str) -> bool:
    return ledger_id.startswith(PREFIX)


@lru_cache(maxsize=2)
def load_registry(path: Path = REGISTRY) -> dict[str, ReviewEntry]:
    """Every declared review id; a ValueError names the file and the entry for a malformed one."""
    doc = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=YAML_LOADER)
    out: dict[str, ReviewEntry] = {}
    for number, raw in enumerate(doc.get("entries") or [], start=1):
        missing = [f for f in ("id", "paper", "section", "quantity") if not raw.get(f)]
        unknown = sorted(set(raw) - set(FIELDS))
        where = f"{path}: entry {number} ({raw.get('id', '?')})"
        if missing or unknown:
            raise ValueError(f"{where}: missing {missing}, unknown fields {unknown}")
        if not is_review_id(raw["id"]):
            raise ValueError(f"{where}: review ids start with {PREFIX!r}")
        if raw["id"] in out:
            raise ValueError(f"{where}: id declared twice")
        if raw["section"] not in SECTIONS:
            raise ValueError(f"{where}: section must be one of {sorted(SECTIONS)}")
        out[raw["id"]] = ReviewEntry(**{f: str(raw.get(f) or "") for f in FIELDS})
    return out


def review_entry(review_id: str) -> ReviewEntry:
    """The declared entry; KeyError naming the closest declared ids when there is none."""
    registry = load_registry()
    try:
        return registry[review_id]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(review_id, registry.keys(), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise KeyError(f"{review_id!r} is not declared in {REGISTRY.name}{hint}") from None


def format_value(value: object, ci: tuple[float, float] | None = None) -> str:
    """4 significant figures (integers as they are), CI in parentheses."""
    def one(x):
        return str(x) if isinstance(x, int) or not isinstance(x, float) else f"{x:.4g}"

    text = one(value)
    return text + (f" ({one(ci[0])}–{one(ci[1])})" if ci is not None else "")
