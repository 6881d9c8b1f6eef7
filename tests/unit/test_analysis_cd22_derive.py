"""Analysis sets of Figure 4 on a hand-made table (times worked out by hand in the comments)."""

import pandas as pd
import pytest

from cartrepro.analysis.cd22 import derive as derive


def _patients():
    na = pd.NA
    rows = [
        # id, response, hct, relapse, death, cause, off_study, last
        ("a", "cr_mrd_negative", 50, 83, na, na, na, 300),      # HCT, relapse 33 d after HCT
        ("b", "cr_mrd_negative", 40, na, 86, "transplant_related", na, 86),  # HCT, TRM 46 d after
        ("c", "cr_mrd_positive", 60, na, na, na, na, 400),      # HCT, censored 340 d after
        ("d", "cr_mrd_negative", na, 52, na, na, na, 200),      # no further therapy, relapse day 52
        ("e", "cr_mrd_negative", na, na, na, na, "lost_to_follow_up", 45),
        ("f", "no_response", na, na, na, na, na, 300),          # not CR: in no analysis set
    ]
    cols = ["patient_id", "day30_response", "hct_day", "relapse_day", "death_day", "death_cause", "off_study",
            "last_followup_day"]
    frame = pd.DataFrame(rows, columns=cols)
    for c in ["hct_day", "relapse_day", "death_day", "last_followup_day"]:
        frame[c] = frame[c].astype("Int64")
    for c in ["day30_response", "death_cause", "off_study", "patient_id"]:
        frame[c] = frame[c].astype("string")
    return frame


def test_lfs_after_hct_starts_at_the_transplant():
    lfs = derive.lfs_after_hct(_patients()).set_index("patient_id")
    assert lfs["time_days"].to_dict() == {"a": 33.0, "b": 46.0, "c": 340.0}
    assert lfs["event_type"].to_dict() == {"a": "relapse", "b": "trm", "c": "censored"}
    assert lfs["event"].tolist() == [True, True, False]


def test_relapse_and_trm_censor_each_other():
    assert derive.relapse_after_hct(_patients())["event"].tolist() == [True, False, False]
    assert derive.trm_after_hct(_patients())["event"].tolist() == [False, True, False]


def test_lfs_of_cr_patients_from_infusion_follows_hct_patients_through_hct():
    lfs = derive.lfs_of_cr_patients(_patients()).set_index("patient_id")
    assert lfs["time_days"].to_dict() == {"a": 83.0, "b": 86.0, "c": 400.0, "d": 52.0, "e": 45.0}
    assert lfs["event"].to_dict() == {"a": True, "b": True, "c": False, "d": True, "e": False}


def test_further_therapy():
    assert derive.further_therapy(_patients()).to_dict() == {"a": "hct", "b": "hct", "c": "hct", "d": "none",
                                                             "e": "lost"}


def test_subgroup_rates_count_by_hand():
    patients = pd.DataFrame({
        "age_years": pd.array([5, 30, 40, 12], dtype="Int64"),
        "prior_allo_hct": pd.array([True, False, False, True], dtype="boolean"),
        "marrow_blasts_pct": [80.0, 10.0, float("nan"), 50.0],
        "emd": pd.array([False, False, True, False], dtype="boolean"),
    })
    outcome = pd.Series(pd.array([True, False, pd.NA, True], dtype="boolean"))  # missing counts as no event
    rates = derive.subgroup_rates(outcome, derive.subgroups(patients)).set_index(["section", "label"])
    assert rates.loc[("Age", "< 18 years"), ["k", "n"]].tolist() == [2, 2]
    assert rates.loc[("Age", "≥ 18 years"), ["k", "n"]].tolist() == [0, 2]
    # 50% counts as high burden; a missing blast count (EMD only) is not high
    assert rates.loc[("Marrow burden", "blasts ≥ 50%"), ["k", "n"]].tolist() == [2, 2]
    assert rates.loc[("Marrow burden", "blasts < 50% or none"), ["k", "n"]].tolist() == [0, 2]
    # exact CI of 0/2: upper bound 1 - 0.025**(1/2) = 0.8419
    row = rates.loc[("Extramedullary disease", "yes")]
    assert (row["k"], row["n"], row["ci_low"]) == (0, 1, 0.0)
    assert rates.loc[("Age", "≥ 18 years"), "ci_high"] == pytest.approx(1 - 0.025 ** 0.5, abs=1e-12)
