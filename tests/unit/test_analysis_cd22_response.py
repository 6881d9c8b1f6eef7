"""Figure 2a groups and counts on a hand-made table (expected counts worked out by hand in the comments)."""

import pandas as pd
import pytest

from cartrepro.analysis.cd22 import response as response


def _patients():
    na = pd.NA
    rows = [
        # id, baseline status, day-30 response, death day, peak CAR %CD3
        ("a", "hematological_relapse", "cr_mrd_negative", na, 40.0),
        ("b", "hematological_relapse", "cr_mrd_negative", na, 12.0),
        ("c", "hematological_relapse", "cr_mrd_positive", 200, 8.0),  # late death: still evaluated
        ("d", "hematological_relapse", "no_response", na, 0.0),
        ("e", "hematological_relapse", "not_evaluated", 10, 0.5),      # early death, day 10
        ("f", "fcm_mrd_positive", "cr_mrd_negative", na, 30.0),
        ("g", "fcm_mrd_positive", "no_response", na, na),              # peak not measured
        ("h", "exclusive_emd", "partial_response", na, 6.0),
        ("i", "exclusive_emd", "no_response", na, 0.0),
        ("j", "fcm_mrd_positive", "not_evaluated", 29, 3.0),           # early death, day 29
        ("k", "exclusive_emd", "cr_mrd_negative", 30, 20.0),           # died on day 30: not early
    ]
    frame = pd.DataFrame(rows, columns=["patient_id", "baseline_status", "day30_response", "death_day",
                                        "peak_car_pct_cd3"])
    for c in ["patient_id", "baseline_status", "day30_response"]:
        frame[c] = frame[c].astype("string")
    frame["death_day"] = frame["death_day"].astype("Int64")
    frame["peak_car_pct_cd3"] = frame["peak_car_pct_cd3"].astype("Float64")
    return frame


# by hand: evaluated = everyone but e and j (9 patients)
#   all evaluated:          MRD- CR a b f k = 4, MRD+ CR c = 1, PR h = 1, NR d g i = 3  -> 9
#   hematological relapse:  MRD- a b = 2, MRD+ c = 1, PR 0, NR d = 1                    -> 4 (e not evaluated)
#   FCM-MRD+:               MRD- f = 1, NR g = 1                                        -> 2 (j not evaluated)
#   exclusive EMD:          MRD- k = 1, PR h = 1, NR i = 1                              -> 3
EXPECTED = {
    "all_evaluated": ([4, 1, 1, 3], 9),
    "hematological_relapse": ([2, 1, 0, 1], 4),
    "fcm_mrd_positive": ([1, 0, 0, 1], 2),
    "exclusive_emd": ([1, 0, 1, 1], 3),
}


def test_evaluated_and_early_deaths():
    p = _patients()
    assert p.loc[response.evaluated(p).to_numpy(), "patient_id"].tolist() == list("abcdfghik")
    assert p.loc[response.early_deaths(p).to_numpy(), "patient_id"].tolist() == ["e", "j"]
    assert p.loc[response.early_deaths(p, within_days=31).to_numpy(), "patient_id"].tolist() == ["e", "j", "k"]


def test_response_counts_are_tidy_and_complete():
    counts = response.response_counts(_patients())
    assert list(counts.columns) == ["group", "response", "count", "group_n"]
    assert len(counts) == len(response.GROUPS) * len(response.RESPONSES)  # zeros included
    assert list(dict.fromkeys(counts["group"])) == list(response.GROUPS)
    for group, (expected, n) in EXPECTED.items():
        rows = counts[counts["group"] == group]
        assert rows["response"].tolist() == list(response.RESPONSES)
        assert rows["count"].tolist() == expected, group
        assert set(rows["group_n"]) == {n}


def test_count_and_matrix():
    counts = response.response_counts(_patients())
    assert response.count(counts, "all_evaluated", ("cr_mrd_negative", "cr_mrd_positive")) == (5, 9)
    assert response.count(counts, "all_evaluated", response.OBJECTIVE_RESPONSES) == (6, 9)
    assert response.count(counts, "hematological_relapse", "cr_mrd_negative") == (2, 4)
    assert response.count(counts, "exclusive_emd", ["partial_response"]) == (1, 3)
    wide = response.count_matrix(counts)
    assert wide.index.tolist() == list(response.GROUPS)
    assert wide.loc["fcm_mrd_positive"].tolist() == [1, 0, 0, 1, 2]
    with pytest.raises(KeyError):
        response.count(counts, "everyone", "no_response")
    with pytest.raises(KeyError):
        response.count(counts, "all_evaluated", "cri")


def test_empty_group_still_has_rows():
    p = _patients()
    p = p[p["baseline_status"] != "exclusive_emd"]
    counts = response.response_counts(p)
    emd = counts[counts["group"] == "exclusive_emd"]
    assert emd["count"].tolist() == [0, 0, 0, 0] and set(emd["group_n"]) == {0}


def test_unknown_or_missing_response_is_refused():
    p = _patients()
    p.loc[0, "day30_response"] = "stable_disease"
    with pytest.raises(ValueError, match="stable_disease"):
        response.response_counts(p)
    p.loc[0, "day30_response"] = pd.NA
    with pytest.raises(ValueError, match="missing"):
        response.response_counts(p)
