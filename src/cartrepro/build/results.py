"""``results.json``: one writer for the book's file and for ``cartrepro results`` (every number, no kernels).

The book reads each number back from its executed notebook (:func:`cartrepro.ledger.record.read_records`);
``cartrepro results`` runs the same analysis functions in one process
(:func:`cartrepro.analysis.pages.compute_all`). Both go through :func:`results_text`, so equal numbers
give equal bytes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from cartrepro.analysis.results import Results, Value


def records_of(results: Results) -> dict[str, object]:
    """The computed values of a result as the scorecard's ``Reproduced`` (ids declared not computable are left
    out, as the book leaves them out of results.json)."""
    from cartrepro.ledger.scorecard import Reproduced

    records = {}
    for ledger_id, outcome in results.items():
        if isinstance(outcome, Value):
            low, high = outcome.ci if outcome.ci is not None else (None, None)
            records[ledger_id] = Reproduced(outcome.value, low, high)
    return records


def results_text(records: Mapping[str, object]) -> str:
    """``{ledger_id: value | {value, ci_low, ci_high}}``, sorted by id, unrounded, two-space indent."""
    return json.dumps({k: v.to_json() for k, v in sorted(records.items())}, indent=2) + "\n"


def compute_results(data_dir: str | Path, params: Mapping[str, Mapping[str, object]] | None = None,
                    loaded: Mapping[str, dict] | None = None) -> str:
    """results.json of every registered page on ``data_dir`` (validated first by the caller; ``loaded``: its
    typed tables when the caller has read them, see :func:`cartrepro.analysis.pages.compute_all`)."""
    from cartrepro.analysis.pages import compute_all

    return results_text(records_of(compute_all(data_dir, params, loaded=loaded)))


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file beside it (a reader never sees half a file)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.new")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def unregistered_notebooks(notebooks_dir: Path | None = None) -> list[str]:
    """Notebooks that record numbers (call ``record_all`` or ``record``) but register no page: their numbers
    are in the book's results.json and missing from ``cartrepro results``."""
    import re

    from cartrepro.analysis.pages import all_pages
    from cartrepro.paths import NOTEBOOKS_DIR

    registered = {page.notebook for page in all_pages()}
    recording = re.compile(r"^[^#\n]*\b(record_all|record)\(", re.MULTILINE)
    return sorted(p.stem for p in Path(notebooks_dir or NOTEBOOKS_DIR).glob("*.py")
                  if p.stem not in registered and recording.search(p.read_text(encoding="utf-8")))
