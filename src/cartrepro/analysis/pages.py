"""The register of book pages that compute numbers: which analysis function each page runs, with which parameters.

One :class:`Page` per notebook that records ledger ids. Its ``compute`` is the function the notebook calls
(the notebook may call the steps one by one, then ``record_all`` their results; ``compute`` returns their
union). Its ``parameters`` are the page's papermill parameters, declared once here: the notebook's
``parameters`` cell must carry the same names and defaults (a test holds them equal), and
``cartrepro build/results --param`` checks every value against these declarations before anything runs.

``compute_all`` runs every page in one process, without kernels: ``cartrepro results``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from cartrepro.analysis.results import Results


@dataclass(frozen=True)
class Parameter:
    """One analysis parameter of a page: its default, the values it may take and what it means."""

    name: str
    default: object
    help: str
    choices: tuple | None = None  # allowed values (None: any value of the default's type)
    kind: type | None = None  # the value's type when the default is None (e.g. spss_decimals=None)
    allow_none: bool = False  # None is a valid value too (always so when the default is None)

    @property
    def nullable(self) -> bool:
        return self.default is None or self.allow_none

    @property
    def type(self) -> type:
        return self.kind or type(self.default)


@dataclass(frozen=True)
class Page:
    """A notebook that records numbers, and the in-process function that computes them."""

    notebook: str  # file stem under notebooks/, e.g. "p2_fig4_long_term_outcome"
    paper: str  # "cd22" or "car1922": the cohort folder it reads
    compute: Callable[..., Results]  # compute(tables, **parameters) -> Results
    parameters: tuple[Parameter, ...] = ()

    def defaults(self) -> dict[str, object]:
        return {p.name: p.default for p in self.parameters}


def all_pages() -> list[Page]:
    """Every registered page, P2 (cd22), P1 (car1922), then the review chapter, in book order."""
    from cartrepro.analysis import car1922, cd22, review

    return [*getattr(cd22, "PAGES", ()), *getattr(car1922, "PAGES", ()), *review.PAGES]


def compute_all(data_dir: str | Path, params: Mapping[str, Mapping[str, object]] | None = None,
                papers: tuple[str, ...] | None = None, *, loaded: Mapping[str, dict] | None = None) -> Results:
    """Every page's numbers on one cohort folder, in one process.

    ``params`` maps a notebook stem to its parameter values (already checked); pages whose paper folder
    is absent are not run (as the book shows them "not run: no data"); ``papers`` restricts the run to
    the pages of these papers (the review ensemble analyses one paper's cohort at a time). ``loaded``:
    the typed tables of ``data_dir`` already read (``{paper: tables}`` of every paper folder present, as
    :func:`cartrepro.contract.validate_and_load` gives them), so the folder is not read a second time.
    """
    from cartrepro.contract import PAPERS, load_paper

    params = params or {}
    tables: dict[str, dict | None] = {}
    if loaded is not None:
        tables = {paper: loaded.get(paper) for paper in PAPERS}
    merged = Results()
    for page in all_pages():
        if papers is not None and page.paper not in papers:
            continue
        if page.paper not in tables:
            tables[page.paper] = load_paper(data_dir, page.paper)
        if tables[page.paper] is None:
            continue
        values = {**page.defaults(), **params.get(page.notebook, {})}
        merged.extend(page.compute(tables[page.paper], **values))
    return merged
