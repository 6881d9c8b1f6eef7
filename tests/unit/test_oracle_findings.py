"""Bugs the R oracle found in the analysis functions, each on a small hand-written cohort (issue 13)."""

from __future__ import annotations

import pandas as pd

from cartrepro.analysis.cd22.outcome import fig4a, fig4c
from cartrepro.analysis.results import NotComputable


def cr_cohort(relapse_days: list[int | None], hct_days: list[int | None]) -> pd.DataFrame:
    n = len(relapse_days)
    return pd.DataFrame({
        "patient_id": [str(i) for i in range(n)],
        "day30_response": ["cr_mrd_negative"] * n,
        "hct_day": pd.array(hct_days, dtype="Int64"),
        "relapse_day": pd.array(relapse_days, dtype="Int64"),
        "death_day": pd.array([None] * n, dtype="Int64"),
        "death_cause": pd.array([None] * n, dtype="string"),
        "off_study": pd.array([None] * n, dtype="string"),
        "last_followup_day": pd.array([400] * n, dtype="Int64"),
    })


def test_fig4_everyone_relapses_within_the_year_is_declared_with_its_0():
    """S = 0 at one year: Greenwood's SE is 0/0, so the CI does not exist (the estimate 0% is in the reason).
    Before the fix, recording the NaN CI raised ValueError and stopped the page (oracle cohort oracle_01)."""
    patients = cr_cohort([100, 120, 200], [50, 60, 70])
    a = fig4a(patients)["p2_fig4a_lfs_1y"]
    c = fig4c(patients)["p2_fig4c_lfs_1y"]
    # declared with the 0 in the reason: record() refuses an entry published with a CI without one, so a
    # value without its CI would stop the notebook at record_all
    assert isinstance(a, NotComputable) and "estimate is 0%" in a.reason
    assert isinstance(c, NotComputable) and "estimate is 0%" in c.reason


def test_review_screen_table_without_any_hit_is_empty():
    """The downloadable example cohort has no analyte with P < 0.05: the review page's table crashed
    (IndexError in cell 7 of review_p1_screen, found by the example-cohort build test)."""
    from cartrepro.analysis.results import Results
    from cartrepro.analysis.review.screen import hits_table

    result = Results()
    result.frames["screen"] = pd.DataFrame({"analyte": ["A", "B"], "screen": ["all", "all"], "p": [0.4, 0.9],
                                            "q_bh": [0.9, 0.9]})
    assert list(hits_table(result, 0.05)["analyte"]) == []
