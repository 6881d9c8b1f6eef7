"""Small P1 cohorts for docstring examples and tests: the contract's downloadable example cohort, loaded.

The example cohort (:func:`cartrepro.contract.templates.example_csv`) has 6 patients, 8 cytokine rows and 2
tissue specimens: small enough that most analyses meet an edge (one patient per group, two tissue pairs),
which is why the analysis functions are shown on it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd


def tables_from_csv(texts: dict[str, str]) -> dict[str, pd.DataFrame]:
    """Typed P1 tables (``load_paper``) from ``{table name: CSV text}``, through the data contract."""
    from cartrepro.contract import load_paper

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "car1922"
        folder.mkdir()
        for name, text in texts.items():
            (folder / f"{name}.csv").write_text(text, encoding="utf-8")
        return load_paper(tmp, "car1922")


def tiny_cohort(*, with_cytokines: bool = True, with_tissue: bool = True) -> dict[str, pd.DataFrame]:
    """The contract's example P1 cohort as typed tables (optionally without the optional tables)."""
    from cartrepro.contract.templates import example_csv

    texts = {table: text for (paper, table), text in example_csv().items() if paper == "car1922"}
    if not with_cytokines:
        texts.pop("cytokines", None)
    if not with_tissue:
        texts.pop("tissue", None)
    return tables_from_csv(texts)
