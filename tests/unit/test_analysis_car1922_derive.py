"""P1 derivations on small hand-made tables."""

import numpy as np
import pandas as pd
import pytest

from cartrepro.analysis.car1922 import derive as derive
from cartrepro.contract import ContractError

COLUMNS = ["patient_id", "disease", "outcome", "relapse_day", "pfs_day", "pfs_event", "os_day", "os_event",
           "followup_day", "crs_grade"]


def table(rows):
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["relapse_day"] = frame["relapse_day"].astype("Int64")
    return frame


ROWS = [
    # id, disease, outcome, relapse, pfs, pfs_ev, os, os_ev, fu, crs
    ("a", "b_all", "no_response", None, 20, True, 40, True, 40, 1),
    ("b", "b_all", "relapse", 182, 182, True, 300, False, 300, 3),   # 5.98 months: early
    ("c", "b_all", "relapse", 183, 183, True, 400, False, 400, 2),   # 6.01 months: late
    ("d", "b_nhl", "remission", None, 500, False, 500, False, 500, 0),
    ("e", "b_nhl", "excluded", None, 90, True, 90, True, 90, 4),     # e.g. died after HSCT bridging
    ("f", "b_nhl", "excluded", None, 30, False, 30, False, 30, 5),   # lost to follow-up
    ("g", "b_nhl", "relapse", 731, 731, True, 800, False, 800, 2),
]


def test_response_group_uses_the_six_month_rule_and_leaves_excluded_patients_out():
    groups = derive.response_group(table(ROWS))
    assert groups.tolist()[:4] == ["nr_er", "nr_er", "remission", "remission"]
    assert groups.isna().tolist() == [False, False, False, False, True, True, False]
    assert groups.iloc[6] == "remission"


def test_response_group_window_is_a_parameter():
    groups = derive.response_group(table(ROWS), window_months=3)
    assert groups.iloc[1] == "remission"  # day 182 is beyond 3 months
    assert derive.response_group(table(ROWS), window_months=24.1).iloc[6] == "nr_er"


def test_relapse_windows_follow_the_month_convention():
    rows = [(str(i), "b_all", "relapse", day, day, True, 1000, False, 1000, 1)
            for i, day in enumerate([1, 182, 183, 365, 366, 547, 548, 730, 731, 2000])]
    windows = derive.relapse_window(table(rows))
    assert windows.astype(str).tolist() == ["0-6", "0-6", "6-12", "6-12", "12-18", "12-18", "18-24", "18-24",
                                            ">24", ">24"]
    counts = derive.relapse_window_counts(table(rows[:2]))
    assert counts.to_dict() == {"0-6": 2, "6-12": 0, "12-18": 0, "18-24": 0, ">24": 0}


def test_relapse_window_width_is_a_parameter():
    windows = derive.relapse_window(table(ROWS), width_months=12, n_closed=1)
    assert windows.astype(str).tolist() == ["0-12", "0-12", ">12"]


def test_failure_events_code_failure_competing_and_censored():
    events = derive.failure_events(table(ROWS)).set_index("patient_id")
    assert events["cause"].to_dict() == {"a": 1, "b": 1, "c": 1, "d": 0, "e": 2, "f": 0, "g": 1}
    assert events["time_days"].to_dict() == {"a": 20, "b": 182, "c": 183, "d": 500, "e": 90, "f": 30, "g": 731}


def test_survival_tables_and_crs_groups():
    os_ = derive.survival(table(ROWS), "os")
    assert os_["event"].tolist() == [True, False, False, False, True, False, False]
    assert os_["time_days"].tolist() == [40, 300, 400, 500, 90, 30, 800]
    assert derive.survival(table(ROWS), "pfs")["event"].sum() == 5
    assert derive.crs_group(table(ROWS)).tolist() == ["0-2", "3-5", "0-2", "0-2", "3-5", "3-5", "0-2"]
    with pytest.raises(ValueError, match="endpoint"):
        derive.survival(table(ROWS), "efs")


def test_months_and_percent():
    assert derive.months(182.625) == 6
    np.testing.assert_allclose(derive.months([30.4375, 365.25]), [1, 12])
    assert derive.percent(3, 26) == pytest.approx(11.538, abs=1e-3)


def _write_patients(folder, lines):
    from cartrepro.reconstruct.car1922 import COLUMNS as P1_COLUMNS

    (folder / "car1922").mkdir(parents=True)
    (folder / "car1922" / "patients.csv").write_text("\n".join([",".join(P1_COLUMNS), *lines]) + "\n")


GOOD = "P1,b_all,30,female,none,2,refractory,false,false,3.0,3.0,200.5,900.1,5,2,remission,,,400,false,400,false,400"


def test_load_patients_reads_a_folder_without_the_cytokine_table(tmp_path):
    _write_patients(tmp_path, [GOOD])
    patients = derive.load_patients(tmp_path)
    assert patients["patient_id"].tolist() == ["P1"] and patients["followup_day"].iloc[0] == 400


def test_load_patients_still_refuses_a_broken_patient_table(tmp_path):
    _write_patients(tmp_path, [GOOD.replace(",remission,", ",cured,")])
    with pytest.raises(ContractError, match="outcome"):
        derive.load_patients(tmp_path)


def test_load_patients_without_a_car1922_folder_is_none(tmp_path):
    (tmp_path / "cd22").mkdir()
    assert derive.load_patients(tmp_path) is None
