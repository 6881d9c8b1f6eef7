"""Match on any cohort (issue 10): an edited cohort gives ``differs`` wherever its numbers moved, in process."""

import shutil

import pytest

from cartrepro.analysis.pages import compute_all
from cartrepro.ledger.scorecard import DIFFERS, MATCHES, UNATTAINABLE, scorecard_of
from cartrepro.paths import SHIPPED_DATA_DIR
from cartrepro.reconstruct.edits import move_cr_to_no_response

#: every printed rate or count that counts the P2 patients in complete remission at day 30
CR_RATES = ["p2_fig2a_cr_evaluated", "p2_resp_cr_enrolled", "p2_fig2a_cr_hr", "p2_fig2a_mrdneg_hr",
            "p2_disc_mrdneg_evaluated", "p2_fig2a_derived_mrdneg_cr", "p2_fig2a_derived_nr", "p2_fig2a_derived_nr_hr",
            "p2_resp_objective_responders"]


def _card(folder):
    return scorecard_of(compute_all(folder), papers=["cd22"]).set_index("id")


@pytest.fixture(scope="module")
def cohorts(tmp_path_factory):
    root = tmp_path_factory.mktemp("cohorts")
    shipped, edited = root / "shipped", root / "edited"
    shutil.copytree(SHIPPED_DATA_DIR / "cd22", shipped / "cd22")
    shutil.copytree(SHIPPED_DATA_DIR / "cd22", edited / "cd22")
    move_cr_to_no_response(edited)
    return _card(shipped), _card(edited)


def test_the_unedited_copy_matches_on_every_cr_rate(cohorts):
    shipped, _ = cohorts
    assert set(shipped.loc[CR_RATES, "match"]) <= {MATCHES, UNATTAINABLE}
    assert shipped.loc["p2_resp_cr_enrolled", "match"] == UNATTAINABLE  # 24/34 = 70.6, printed 70.5
    assert set(shipped["evidence"]) == {""}  # scored as anyone's data: no evidence claim


def test_moving_one_patient_from_cr_to_no_response_differs_on_every_affected_rate(cohorts):
    _, edited = cohorts
    got = edited.loc[CR_RATES, ["computed", "match"]]
    assert (got["match"] == DIFFERS).all(), got.to_string()
    assert edited.loc["p2_resp_cr_enrolled", "computed"] == "67.6"  # 23/34: differs, not "unattainable"
    assert edited.loc["p2_disc_mrdneg_evaluated", "computed"] == "73"  # 22/30


def test_numbers_the_edit_does_not_touch_still_match(cohorts):
    shipped, edited = cohorts
    untouched = ["p2_n_enrolled", "p2_base_hr", "p2_fig4a_lfs_1y", "p2_fig4b_relapse_1y", "p2_dose_p"]
    assert (edited.loc[untouched, "match"] == MATCHES).all()
    assert (shipped.loc[untouched, "match"] == MATCHES).all()
