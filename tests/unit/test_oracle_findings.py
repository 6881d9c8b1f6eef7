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


def test_fig4_everyone_relapses_within_the_year_is_declared_not_computable():
    """S = 0 at one year: Greenwood's SE is 0/0, so the paper's CI does not exist and the number (printed with a
    CI) is declared not computable. Before the fix, the NaN CI raised ValueError and stopped the page (oracle
    cohort oracle_01); a value without its CI is refused by record_all (drawn cohort seed14 of the build test)."""
    patients = cr_cohort([100, 120, 200], [50, 60, 70])
    for outcome in (fig4a(patients)["p2_fig4a_lfs_1y"], fig4c(patients)["p2_fig4c_lfs_1y"]):
        assert isinstance(outcome, NotComputable) and "undefined" in outcome.reason
    assert fig4a(cr_cohort([100, None, None], [50, 60, 70]))["p2_fig4a_lfs_1y"].ci is not None


def test_review_screen_table_without_any_hit_is_empty():
    """The downloadable example cohort has no analyte with P < 0.05: the review page's table crashed
    (IndexError in cell 7 of review_p1_screen, found by the example-cohort build test)."""
    from cartrepro.analysis.results import Results
    from cartrepro.analysis.review.screen import hits_table

    result = Results()
    result.frames["screen"] = pd.DataFrame({"analyte": ["A", "B"], "screen": ["all", "all"], "p": [0.4, 0.9],
                                            "q_bh": [0.9, 0.9]})
    assert list(hits_table(result, 0.05)["analyte"]) == []
