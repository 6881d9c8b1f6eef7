"""Every registered page on every drawn contract-valid cohort: a value or a stated reason (issue 13, item 2).

For each draw of :func:`strategies.cohorts` every page in ``PAGES`` is computed in-process with its default
parameters. Properties:

* no exception; every value finite (``Results.add`` refuses NaN and inf, so a NaN is an exception here);
* every id a page returns is either a :class:`Value` or a :class:`NotComputable` with a non-empty reason;
* the same ids come back on every cohort of the same paper (a page answers for its ids whatever the data);
* definitions hold: the Fig 4a/4b analysis set holds only CR/CRi patients transplanted in remission (no
  relapse on or before the HCT day); Fig 4c holds exactly the CR/CRi patients; the counts of 4a add up.

Draw counts: the ``default`` Hypothesis profile of ``strategies.py``, in two shards per property, each its own
test with its own fixed seed (``make test``: 48 draws through every page, 200 through the P2 pages); the nightly
size, 1,000 and about 4,200 draws per shard:

    CARTREPRO_HYPOTHESIS_PROFILE=nightly .venv/bin/python -m pytest tests/unit/test_properties.py -p no:cacheprovider

Every page runs with its default parameters, the review bootstrap with its 1000 resamples.
"""

from __future__ import annotations

import math
import shutil
import warnings

import pytest
from hypothesis import given, settings
from strategies import SHARDS, cohorts, sharded

from cartrepro.analysis.pages import all_pages
from cartrepro.analysis.results import NotComputable, Value

#: the draws run every page hundreds of times (over a minute of CPU): in `make test`, not in the fast set
pytestmark = pytest.mark.slow

PAGES = all_pages()
CD22 = [p for p in PAGES if p.paper == "cd22"]
CAR1922 = [p for p in PAGES if p.paper == "car1922"]
SEEN_IDS: dict[str, frozenset] = {}


def finite(value) -> bool:
    if isinstance(value, str):
        return True
    if isinstance(value, list):
        return all(finite(v) for v in value)
    return math.isfinite(float(value))


def run_pages(pages, tables, draw) -> dict:
    outcomes = {}
    for page in pages:
        try:
            with warnings.catch_warnings():  # a library's deprecation notice is not a page failure
                warnings.simplefilter("ignore")
                result = page.compute(tables, **page.defaults())
        except Exception as exc:  # noqa: BLE001 - the property is "never raises"; report which page and draw
            raise AssertionError(f"{page.notebook} raised {exc!r} on {draw}") from exc
        ids = frozenset(result.outcomes)
        assert SEEN_IDS.setdefault(page.notebook, ids) == ids, (
            f"{page.notebook} returned other ids on {draw}: {sorted(ids ^ SEEN_IDS[page.notebook])}")
        for ledger_id, outcome in result.items():
            if isinstance(outcome, NotComputable):
                assert outcome.reason.strip(), f"{page.notebook}: {ledger_id} without a reason"
            else:
                assert isinstance(outcome, Value)
                assert finite(outcome.value), f"{page.notebook}: {ledger_id} = {outcome.value} on {draw}"
                if outcome.ci is not None:
                    assert all(math.isfinite(c) for c in outcome.ci), f"{ledger_id} CI {outcome.ci} on {draw}"
        outcomes.update(result.outcomes)
    return outcomes


def fig4_definitions(patients, outcomes) -> None:
    from cartrepro.analysis.cd22 import derive

    cr_ids = set(patients.loc[patients["day30_response"].isin(["cr_mrd_negative", "cr_mrd_positive"]), "patient_id"])
    lfs = derive.lfs_after_hct(patients)
    rows = patients.set_index("patient_id").loc[list(lfs["patient_id"])]
    assert set(lfs["patient_id"]) <= cr_ids, "Fig 4a holds a patient not in CR on day 30"
    assert rows["hct_day"].notna().all(), "Fig 4a holds a patient without HCT"
    relapsed_first = (rows["relapse_day"].astype("Float64") <= rows["hct_day"].astype("Float64")).fillna(False)
    assert not relapsed_first.any(), "Fig 4a holds a patient who relapsed on or before the HCT day"
    cr = patients["day30_response"].isin(["cr_mrd_negative", "cr_mrd_positive"])
    before = (patients["relapse_day"].astype("Float64") <= patients["hct_day"].astype("Float64")).fillna(False)
    expected = set(patients.loc[cr & patients["hct_day"].notna() & ~before, "patient_id"])
    assert set(lfs["patient_id"]) == expected, "Fig 4a misses a CR patient transplanted in remission"
    assert set(derive.lfs_of_cr_patients(patients)["patient_id"]) == cr_ids
    if "p2_fig4a_relapse_n" in outcomes and isinstance(outcomes["p2_fig4a_relapse_n"], Value):
        total = sum(outcomes[i].value for i in ("p2_fig4a_relapse_n", "p2_fig4a_trm_n", "p2_fig4a_remission_n"))
        assert total == len(lfs), "Fig 4a: relapses + TRM + in remission is not the size of the set"


def every_page_shard(shard: int):
    """One shard of the every-page property: its own seed, the profile's draw count."""

    @pytest.mark.skipif(not PAGES, reason="no page registered yet")
    @sharded(shard)
    @given(draw=cohorts())
    def test(draw):
        try:
            for paper, pages in (("cd22", CD22), ("car1922", CAR1922)):
                tables = draw.tables(paper)
                outcomes = run_pages(pages, tables, draw)
                if paper == "cd22":
                    fig4_definitions(tables["patients"], outcomes)
        finally:
            shutil.rmtree(draw.directory, ignore_errors=True)

    return test


def p2_without_optional_columns_shard(shard: int):
    """One shard of the P2 property on cohorts without the optional columns (cheap draws: many more)."""

    @pytest.mark.skipif(not PAGES, reason="no page registered yet")
    @sharded(shard)
    @settings(max_examples=round(25 * settings.default.max_examples / 6))
    @given(draw=cohorts(optional="absent", tiny_to_large=False, papers=("cd22",)))
    def test(draw):
        try:
            run_pages(CD22, draw.tables("cd22"), draw)
        finally:
            shutil.rmtree(draw.directory, ignore_errors=True)

    return test


for _shard in range(SHARDS):
    globals()[f"test_every_page_gives_a_value_or_a_reason_{_shard}"] = every_page_shard(_shard)
    globals()[f"test_p2_pages_without_the_optional_columns_{_shard}"] = p2_without_optional_columns_shard(_shard)
