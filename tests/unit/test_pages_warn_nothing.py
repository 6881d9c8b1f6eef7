"""Warnings that reached the pages of cohorts nobody tuned (the drawn cohorts of test_any_cohort_build.py): a
warning a notebook prints shows on its page, with the building machine's paths. Each case is the smallest
cohort that made one; warnings are errors in the test suite (pyproject's filterwarnings), so each test fails
if its warning comes back."""

import matplotlib
import matplotlib.pyplot as plt

from cartrepro.analysis.review.screen import screen_multiplicity
from cartrepro.contract import load_paper
from cartrepro.figures.survival import km_figure
from cartrepro.pages.table1 import cd22_table1
from cartrepro.paths import SHIPPED_DATA_DIR

matplotlib.use("Agg")


def _p2():
    return load_paper(SHIPPED_DATA_DIR, "cd22")["patients"]


def test_table1_of_a_cohort_without_mrd_positive_patients_has_no_fcm_blasts_row():
    patients = _p2()
    table = cd22_table1(patients[patients["baseline_status"] != "fcm_mrd_positive"]).tableone
    rows = {row[0].split(",")[0] for row in table.index}
    assert "FCM blasts" not in rows and "Marrow blasts" in rows


def test_table1_of_a_single_mrd_positive_patient_shows_their_value():
    patients = _p2()
    mrd = patients["baseline_status"] == "fcm_mrd_positive"
    one = patients[~mrd | (mrd.cumsum() == 1)]
    value = one.loc[one["baseline_status"] == "fcm_mrd_positive", "marrow_blasts_pct"].iloc[0]
    table = cd22_table1(one).tableone
    cells = {row[0].split(",")[0]: cell for row, cell in table["Overall"].items()}
    assert cells["FCM blasts"] == f"{value:.1f} [{value:.1f},{value:.1f}]"


def test_review_screen_of_a_cohort_with_one_disease_only():
    tables = load_paper(SHIPPED_DATA_DIR, "car1922")
    keep = set(tables["patients"].loc[tables["patients"]["disease"] == "b_nhl", "patient_id"])
    one_disease = {name: frame[frame["patient_id"].isin(keep)] if "patient_id" in frame else frame
                   for name, frame in tables.items()}
    screened = screen_multiplicity(one_disease)
    assert set(screened.frames["screen"]["screen"]) == {"all", "bnhl"}  # B-ALL screens nothing


def test_a_survival_figure_without_any_curve_draws_its_empty_axes():
    fig = km_figure([], title="Nobody in the analysis set", ylabel="LFS")
    assert fig.axes[0].get_title(loc="left") == "Nobody in the analysis set"
    plt.close(fig)
