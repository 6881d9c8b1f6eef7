"""The landing page's review findings (pages/review_findings.py): computed sentences linked to the Review part."""

import pandas as pd
import pytest

from cartrepro.analysis.review.ensemble import ENSEMBLE_CSV
from cartrepro.ledger.review import load_registry
from cartrepro.ledger.scorecard import Computed
from cartrepro.pages.review_findings import PAGES, SECTIONS, review_findings_markdown


@pytest.fixture(scope="module")
def records() -> dict:
    """Every declared review id with a distinct made-up value (counts as ints): the sentences must show them."""
    out = {}
    for i, review_id in enumerate(sorted(load_registry())):
        counts = ("n_analytes", "hits", "survivors", "observed", "conclusions", "flips")
        out[review_id] = Computed(i + 2 if any(c in review_id for c in counts) else 0.1 + i / 1000)
    return out


def _line(text: str, section: str) -> str:
    stem = PAGES[section][0]
    found = [line for line in text.splitlines() if f"</notebooks/{stem}>`" in line]
    assert len(found) == 1, section
    return found[0]


def test_every_section_is_linked_once_and_every_id_it_needs_is_declared(records):
    text = review_findings_markdown(records, {}, shipped={"cd22", "car1922"})
    for section in PAGES:
        assert _line(text, section).startswith("- ")
    for ids, _ in SECTIONS.values():
        assert set(ids) <= set(records)
    assert "not computable" not in text.lower()
    flips = records["review_p2_alt_flips"].value
    assert f"- {flips} of the {records['review_p2_alt_conclusions'].value} P2 conclusions" in text
    assert text.splitlines()[0].startswith("Computed by this build on the shipped synthetic cohorts")


def test_the_numbers_come_from_the_records(records):
    text = review_findings_markdown(records, {}, shipped=set())
    cutoff = _line(text, "cutoff")
    assert f"{records['review_p1_mip3a_auc_optimism_corrected'].value:.3f}" in cutoff
    assert f"{records['review_p1_mip3a_cutoff_maxstat_p'].value:.3g}" in cutoff
    changed = dict(records, review_p1_mip3a_auc_optimism_corrected=Computed(0.5123),
                   review_p1_screen_bh_survivors_ball=Computed(7))
    other = review_findings_markdown(changed, {}, shipped=set())
    assert "falls to 0.512 after" in _line(other, "cutoff")
    assert "after Benjamini-Hochberg 7 and" in _line(other, "screen")


def test_a_section_without_its_numbers_states_the_reason(records):
    partial = {k: v for k, v in records.items() if not k.startswith("review_p1_mip3a_")}
    reason = {"review_p1_mip3a_auc_apparent": "no training specimens with a response label."}
    text = review_findings_markdown(partial, reason, shipped=set())
    assert " Not computable on this data: no training specimens with a response label. {doc}" in _line(text, "cutoff")
    unstated = review_findings_markdown({}, {}, shipped=set())
    assert "Not computable on this data: not run on this data." in _line(unstated, "p2_alternatives")


def test_the_lead_names_whose_data_the_numbers_describe(records):
    mixed = review_findings_markdown(records, {}, shipped={"cd22"}).splitlines()[0]
    assert "the P2 numbers on the shipped synthetic cohort" in mixed and "data given to this build" in mixed


def test_the_ensemble_line_counts_the_committed_table(records):
    table = pd.read_csv(ENSEMBLE_CSV)
    line = _line(review_findings_markdown(records, {}, shipped=set()), "ensemble")
    for paper, name in (("cd22", "P2"), ("car1922", "P1")):
        rows = table[table["paper"] == paper]
        assert f"{name}: {int(rows['determined'].sum())} of {len(rows)} quantities the same in every cohort" in line
