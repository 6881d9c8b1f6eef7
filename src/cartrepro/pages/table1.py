"""Table 1 (baseline characteristics) frames for tableone.

tableone does the summarising (median [min, max] for skewed variables as the papers print them, n (%)
for categories); these functions only choose and label the variables. Disease burden is summarised per
baseline group (marrow blasts of hematological-relapse patients, FCM blasts of MRD-positive patients),
because pooling the two measures would mix different assays.
"""

from __future__ import annotations

import warnings

import pandas as pd
from tableone import TableOne

YES_NO = {True: "yes", False: "no"}


def _yes_no(series: pd.Series) -> pd.Series:
    return series.astype("boolean").map(YES_NO).astype(object)


def cd22_table1(patients: pd.DataFrame) -> TableOne:
    """Baseline characteristics of the P2 cohort, as the paper's Table 1 and Results describe them."""
    status = patients["baseline_status"].astype(str)
    frame = pd.DataFrame({
        "Age, years": patients["age_years"].astype(float),
        "Sex": patients["sex"].astype(object),
        "Enrollment": patients["enrollment"].astype(str),
        "CD19 CAR-T history": patients["cd19_car_history"].astype(str),
        "Prior allo-HCT": _yes_no(patients["prior_allo_hct"]),
        "Extramedullary disease": _yes_no(patients["emd"]),
        "Baseline status": status,
        "Marrow blasts, hematological relapse (%)": patients["marrow_blasts_pct"].where(
            status == "hematological_relapse").astype(float),
        "FCM blasts, MRD-positive (%)": patients["marrow_blasts_pct"].where(status == "fcm_mrd_positive").astype(float),
        "CAR-T dose, not transplanted (10^5/kg)": patients["dose_1e5_per_kg"].where(
            ~patients["prior_allo_hct"].astype(bool)).astype(float),
        "CAR-T dose, transplanted (10^5/kg)": patients["dose_1e5_per_kg"].where(
            patients["prior_allo_hct"].astype(bool)).astype(float),
    })
    if "cd22_positive_site" in patients and patients["cd22_positive_site"].notna().any():
        frame["CD22 shown in"] = patients["cd22_positive_site"].astype(object)
    # a measure nobody has (e.g. no MRD-positive patient, so no FCM blasts) gets no row: its cells would be nan
    frame = frame.drop(columns=[c for c in frame.columns if frame[c].isna().all()])
    continuous = [c for c in frame.columns if frame[c].dtype == float]
    categorical = [c for c in frame.columns if c not in continuous]
    decimals = {c: (0 if c == "Age, years" else 1) for c in continuous}
    with warnings.catch_warnings():
        # tableone computes a mean and SD of every continuous row though only median [min, max] is shown: for a
        # row of one patient numpy warns that the SD has no degrees of freedom (the warning reached the page)
        warnings.filterwarnings("ignore", "Degrees of freedom <= 0", RuntimeWarning)
        return TableOne(frame, categorical=categorical, nonnormal=continuous, min_max=continuous, decimals=decimals,
                        missing=False)
