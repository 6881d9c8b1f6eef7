"""Hypothesis strategies that draw contract-valid cohorts of both papers (issue 13, item 2).

A draw is a cohort folder written to disk (``cd22/patients.csv``, ``car1922/{patients,cytokines[,tissue]}.csv``)
and loaded back through the data contract, exactly as a centre's data would be. Hypothesis chooses the *shape*
of the cohort (sizes from 1 to 250 patients, the share in CR from nobody to everybody, the share bridged to
HCT, censoring, day ties, cytokine decimals, which optional columns exist, one disease only, no tissue table,
no cytokine table, every nullable cell emptied) and a seed; the rows are then drawn by the same generator as the
R oracle's cohorts (``tests/oracle/make_cohorts.py``), which already makes HCT in non-responders, relapses
before and on the HCT day, deaths on day 0 and on the HCT day, and PFS events on day 0. Shrinking works on
the shape and the seed.

Profiles (environment variable ``CARTREPRO_HYPOTHESIS_PROFILE``; Hypothesis' own ``HYPOTHESIS_PROFILE`` is
read too): ``default`` (``make test``) and ``nightly`` (1,000 draws per property, P2-only properties five
times as many; hours):

    CARTREPRO_HYPOTHESIS_PROFILE=nightly .venv/bin/python -m pytest tests/unit/test_properties.py -p no:cacheprovider

The ``default`` draw counts are set in :data:`DEFAULT_DRAWS` (the base count, 24 per shard; each property
scales it and runs in :data:`SHARDS` shards, each its own test with its own seed, so `make test`'s processes
(pytest-xdist) share them: 48 draws through every page, 200 through the P2 pages, 28 shuffled-and-renamed
cohorts and 24 monotone transforms, 300 in all). A draw writes and loads only the paper folders its property
analyses.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, seed, settings
from hypothesis import strategies as st

from cartrepro.contract import columns, load_paper

_SPEC = importlib.util.spec_from_file_location(
    "oracle_cohorts", Path(__file__).resolve().parents[1] / "oracle" / "make_cohorts.py")
gen = importlib.util.module_from_spec(_SPEC)
sys.modules["oracle_cohorts"] = gen  # dataclasses look their module up while the file runs
_SPEC.loader.exec_module(gen)

#: the default profile's base draw count per shard (``make test``); each property scales it
DEFAULT_DRAWS = 24
#: each property runs as this many tests (shards), so the draws spread over the test processes
SHARDS = 2
settings.register_profile("default", max_examples=DEFAULT_DRAWS, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("nightly", max_examples=1000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("CARTREPRO_HYPOTHESIS_PROFILE") or os.environ.get("HYPOTHESIS_PROFILE")
                      or "default")



def sharded(shard: int):
    """Decorator giving shard ``shard`` of a property its own fixed draw sequence (``hypothesis.seed``) under the
    derandomized ``default`` profile; under ``nightly`` every shard draws at random, as Hypothesis does."""
    if settings.default.derandomize:
        return seed(shard)
    return lambda test: test


#: P2 columns the contract lets be empty in every row (besides the optional ones)
CD22_NULLABLE = [c.name for c in columns("cd22", "patients") if c.nullable and c.required
                 and c.name in ("sex", "marrow_blasts_pct", "peak_car_pct_cd3", "peak_day", "persistence_days",
                                "crs_resolution_day", "neurotox_resolution_day")]


@dataclasses.dataclass(frozen=True)
class Draw:
    """One drawn cohort: its shape and seed (for the failure message) and where it was written."""

    shape: object
    seed: int
    blank_nullables: bool
    cytokines: bool
    directory: Path

    def tables(self, paper: str) -> dict:
        return load_paper(self.directory, paper)


@st.composite
def shapes(draw, *, tiny_to_large: bool = True, optional: str | None = None):
    small = st.sampled_from([1, 2, 3, 4, 6])
    big = st.integers(7, 250) if tiny_to_large else st.integers(7, 60)
    return gen.Shape(
        n_cd22=draw(st.one_of(small, st.integers(7, 60))),
        n_car1922=draw(st.one_of(small, big)),
        p_cr=draw(st.sampled_from([0.0, 1.0, 0.5, 0.8])),
        p_hct=draw(st.sampled_from([0.0, 1.0, 0.5])),
        censor_scale=draw(st.sampled_from([5.0, 60.0, 400.0])),
        tie_days=draw(st.sampled_from([1, 7, 30])),
        optional=optional or draw(st.sampled_from(["present", "absent", "empty"])),
        decimals=draw(st.sampled_from([1, 3])),
        one_disease=draw(st.booleans()),
        tissue=draw(st.booleans()),
    )


def write_cohort(directory: Path, shape, seed: int, *, blank_nullables: bool = False, cytokines: bool = True,
                 papers: tuple[str, ...] = ("cd22", "car1922")) -> None:
    """Write one cohort of ``shape`` drawn with ``seed`` (the oracle generator's rows); only the folders of
    ``papers`` (the P2 rows are drawn first either way, so a seed gives the same P1 rows)."""
    rng = np.random.default_rng(seed)
    cd22 = gen.cd22_rows(rng, shape)
    if blank_nullables:
        for row in cd22:
            for name in CD22_NULLABLE:
                row[name] = None
    cd22_columns = gen.CD22_COLUMNS + (gen.CD22_OPTIONAL if shape.optional != "absent" else [])
    if "cd22" in papers:
        gen._write(directory / "cd22" / "patients.csv", cd22_columns, cd22)
    if "car1922" not in papers:
        return
    p1 = gen.car1922_rows(rng, shape)
    gen._write(directory / "car1922" / "patients.csv", gen.CAR1922_COLUMNS, p1)
    if cytokines:
        gen._write(directory / "car1922" / "cytokines.csv", gen.CYTOKINE_COLUMNS, gen.cytokine_rows(rng, shape, p1))
    tissue = [t | {"cd3_infiltration": max(0.0, t["cd3_infiltration"])} for t in gen.tissue_rows(rng, p1)]
    if shape.tissue and tissue:  # the contract wants at least one data row in a table that is present
        gen._write(directory / "car1922" / "tissue.csv", gen.TISSUE_COLUMNS, tissue)


@st.composite
def cohorts(draw, *, optional: str | None = None, tiny_to_large: bool = True,
            papers: tuple[str, ...] = ("cd22", "car1922")):
    """A contract-valid cohort folder of ``papers`` (both by default; see the module docstring)."""
    shape = draw(shapes(optional=optional, tiny_to_large=tiny_to_large))
    seed = draw(st.integers(0, 2**32 - 1))
    blank = draw(st.booleans())
    with_cytokines = draw(st.sampled_from([True, True, True, False]))
    directory = Path(tempfile.mkdtemp(prefix="cartrepro-hyp-"))
    write_cohort(directory, shape, seed, blank_nullables=blank, cytokines=with_cytokines, papers=papers)
    return Draw(shape, seed, blank, with_cytokines, directory)
