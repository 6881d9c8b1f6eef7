"""Invariances of the book's numbers (issue 13, item 4).

* Shuffling the rows of every table, and renaming every id consistently across tables (patient, sample,
  specimen), leaves every outcome unchanged, apart from the values the paper ties to a patient number
  (P2 Fig 5 names patients 11, 13, 27 and 33).
* A strictly increasing transform of the cytokine values leaves every rank-based result unchanged (AUCs and
  their Hanley-McNeil intervals, exact Mann-Whitney P values, sensitivity and specificity with their intervals,
  the log-rank P of the split at the cutoff, the screen's hits and the Fig. 1c pick) and moves the Youden
  cutoff to the midpoint of the transformed neighbours.

Drawn over the oracle's 24 cohorts (``tests/oracle/cohorts``) and a seed for the permutation and the names;
two shards per property, each its own test with its own seed (``make test``: 14 shuffled-and-renamed cohorts
and 12 monotone transforms per shard; ``CARTREPRO_HYPOTHESIS_PROFILE=nightly``: about 580 and 500 per shard, see
``strategies.py``).
"""

from __future__ import annotations

import functools
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import SHARDS, sharded  # (importing strategies registers and loads the Hypothesis profile)

from cartrepro.analysis.pages import all_pages
from cartrepro.analysis.results import NotComputable, Value
from cartrepro.contract import load_paper

#: the draws recompute every page of a paper per draw (over a minute of CPU): in `make test`, not the fast set
pytestmark = pytest.mark.slow

COHORTS = sorted(p.name for p in (Path(__file__).resolve().parents[1] / "oracle" / "cohorts").iterdir())
ROOT = Path(__file__).resolve().parents[1] / "oracle" / "cohorts"
ID_COLUMNS = ("patient_id", "sample_id", "specimen_id")
TIED_TO_PATIENT_NUMBERS = ("p2_fig5_relapse_pt",)
#: the review chapter's bootstrap optimism: once order-dependent (resampled in table order), now resampled in a
#: canonical order and checked by test_review_bootstrap_does_not_depend_on_row_order below
ORDER_DEPENDENT = ("review_p1_mip3a_auc_optimism", "review_p1_mip3a_youden_accuracy_corrected")
#: P1 ids that are not functions of ranks of the cytokine values (medians, ranges, Pearson r, the cutoff)
NOT_RANK_BASED = ("p1_fc_", "p1_s3e_corr_", "p1_fig1e_cutoff_", "review_")


class Reads(dict):
    """The tables of a paper, noting which of them a page reads (``*``: it looked at the whole mapping)."""

    def __init__(self, tables: dict):
        super().__init__(tables)
        self.read: set[str] = set()

    def __getitem__(self, name):
        self.read.add(name)
        return super().__getitem__(name)

    def get(self, name, default=None):
        self.read.add(name)
        return super().get(name, default)

    def __contains__(self, name):
        self.read.add(name)
        return super().__contains__(name)

    def keys(self):
        self.read.add("*")
        return super().keys()

    def values(self):
        self.read.add("*")
        return super().values()

    def items(self):
        self.read.add("*")
        return super().items()

    def copy(self):
        self.read.add("*")
        return super().copy()

    def __iter__(self):  # (dict(d) and {**d} of a subclass with its own __iter__ go through keys())
        self.read.add("*")
        return super().__iter__()

    def __len__(self):
        self.read.add("*")
        return super().__len__()


@functools.cache
def loaded(cohort: str, paper: str) -> tuple[dict, dict]:
    """The tables of one oracle cohort's paper folder and their outcomes, computed once per test session (a
    draw that picks the cohort again compares against the same, deterministic, outcomes)."""
    merged = {}
    for page_outcome, _ in page_outcomes(cohort, paper).values():
        merged.update(page_outcome)
    return load_paper(ROOT / cohort, paper), merged


@functools.cache
def page_outcomes(cohort: str, paper: str) -> dict[str, tuple[dict, frozenset]]:
    """Each page's outcomes on one oracle cohort's paper folder and the tables the page read to compute them."""
    tables = load_paper(ROOT / cohort, paper)
    out = {}
    for page in pages_of(paper):
        reads = Reads(tables)
        out[page.notebook] = (compute(page, reads), frozenset(reads.read))
    return out


def pages_of(paper: str) -> list:
    return [page for page in all_pages() if page.paper == paper]


def compute(page, tables: dict) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return page.compute(tables, **page.defaults()).outcomes  # the review bootstrap: 1000 resamples


def outcomes(paper: str, tables: dict) -> dict:
    merged = {}
    for page in pages_of(paper):
        merged.update(compute(page, tables))
    return merged


def same(a, b) -> bool:
    if isinstance(a, NotComputable) or isinstance(b, NotComputable):
        return type(a) is type(b)
    return equal_values(a.value, b.value) and (a.ci is None) == (b.ci is None) and (
        a.ci is None or all(equal_values(x, y) for x, y in zip(a.ci, b.ci, strict=True)))


def equal_values(a, b) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(equal_values(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)


def shuffled_and_renamed(tables: dict, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    names: dict[str, str] = {}

    def rename(value):
        if value is pd.NA or value is None:
            return value
        if value not in names:
            names[value] = f"id{rng.integers(10**9):09d}"
        return names[value]

    out = {}
    for name, frame in tables.items():
        frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
        for column in ID_COLUMNS:
            if column in frame:
                frame[column] = frame[column].map(rename).astype(frame[column].dtype)
        out[name] = frame
    return out


#: draws per shard of each invariance: 14 shuffled-and-renamed cohorts, 12 monotone transforms (``make test``)
SHUFFLES = settings(max_examples=max(1, round(settings.default.max_examples * 7 / 12)))
TRANSFORMS = settings(max_examples=max(1, settings.default.max_examples // 2))


def row_order_shard(shard: int):
    @sharded(shard)
    @SHUFFLES
    @given(cohort=st.sampled_from(COHORTS), seed=st.integers(0, 2**32 - 1),
           paper=st.sampled_from(["cd22", "car1922"]))
    def test(cohort, seed, paper):
        tables, before = loaded(cohort, paper)
        after = outcomes(paper, shuffled_and_renamed(tables, seed))
        assert before.keys() == after.keys()
        differ = [i for i in before if not i.startswith(TIED_TO_PATIENT_NUMBERS + ORDER_DEPENDENT)
                  and not same(before[i], after[i])]
        assert not differ, {i: (before[i], after[i]) for i in differ}

    return test


def test_review_bootstrap_does_not_depend_on_row_order():
    """The bootstrap resamples specimens in a canonical order (sorted by value), not in table order."""
    tables = load_paper(ROOT / "oracle_01", "car1922")
    before = outcomes("car1922", tables)
    after = outcomes("car1922", shuffled_and_renamed(tables, 0))
    assert all(same(before[i], after[i]) for i in before if i.startswith(ORDER_DEPENDENT))


def transform(x):
    """Strictly increasing and positive on (0, inf)."""
    return 3.0 * np.asarray(x, dtype=float) ** 1.5 + np.log1p(np.asarray(x, dtype=float))


def neighbours(values: np.ndarray, cutoff: float) -> tuple[float, float]:
    return float(values[values < cutoff].max()), float(values[values > cutoff].min())


def monotone_transform_shard(shard: int):
    @sharded(shard)
    @TRANSFORMS
    @given(cohort=st.sampled_from(COHORTS))
    def test(cohort):
        tables, before = loaded(cohort, "car1922")
        if tables.get("cytokines") is None:
            return
        moved = dict(tables)
        moved["cytokines"] = tables["cytokines"].assign(fold_change=transform(tables["cytokines"]["fold_change"]))
        # a page that did not read the cytokine table computed its outcomes from the tables the transform left
        # as they are (pages are deterministic), so it gives them again: only the pages that read it recompute
        after = {}
        for page in pages_of("car1922"):
            kept, read = page_outcomes(cohort, "car1922")[page.notebook]
            after.update(compute(page, moved) if read & {"cytokines", "*"} else kept)
        rank_based = [i for i in before if not i.startswith(NOT_RANK_BASED)]
        differ = [i for i in rank_based if not same(before[i], after[i])]
        assert not differ, {i: (before[i], after[i]) for i in differ}
        cyto = tables["cytokines"]
        for analyte, suffix in (("MIP3α", "mip3a"), ("Eotaxin", "eotaxin")):
            ledger_id = f"p1_fig1e_cutoff_{suffix}"
            old, new = before.get(ledger_id), after.get(ledger_id)
            assert type(old) is type(new)
            if isinstance(old, Value):
                patients = tables["patients"]
                evaluable = set(patients.loc[patients["outcome"] != "excluded", "patient_id"])  # the labelled ones
                values = cyto.loc[(cyto["analyte"] == analyte) & (cyto["cohort"] == "training")
                                  & (cyto["timepoint"] == "il6_peak") & cyto["patient_id"].isin(evaluable),
                                  "fold_change"].to_numpy(float)
                low, high = neighbours(values, old.value)
                assert math.isclose(old.value, (low + high) / 2, rel_tol=1e-12)
                expected = float((transform(low) + transform(high)) / 2)
                assert math.isclose(new.value, expected, rel_tol=1e-12), (cohort, analyte, new.value, expected)

    return test


for _shard in range(SHARDS):
    globals()[f"test_row_order_and_ids_do_not_matter_{_shard}"] = row_order_shard(_shard)
    globals()[f"test_monotone_transform_of_cytokines_{_shard}"] = monotone_transform_shard(_shard)
