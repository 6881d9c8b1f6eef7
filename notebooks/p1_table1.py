# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Table 1 · Patient characteristics
#
# *P1 (sequential CAR19/22 T cells, 119 patients), Table 1 and Results "Patient characteristics".* The
# paper describes its 35 B-ALL and 84 B-NHL patients by disease (Table 1) and pools some of the numbers
# in the text.
#
# ```{admonition} Reconstructed data
# :class: warning
# On the shipped cohort these numbers come from **synthetic** patients reconstructed from the paper's
# published aggregates (see [the reconstruction](p1_reconstruction.ipynb)); they are not trial data.
# ```
#
# **Method (as the paper, SPSS 25):** counts with percentages of the column N (35 or 84), medians with
# the range (minimum–maximum). The table is built with `tableone`; the recorded numbers are computed from
# the same columns without rounding.

# %% tags=["parameters"]
data_dir = "data/reconstructed"  # cohort folder holding car1922/

# %% tags=["hide-input"]
import re

import pandas as pd
from IPython.display import display
from tableone import TableOne

from cartrepro import record
from cartrepro.analysis.car1922 import derive as derive
from cartrepro.ledger.record import comparison
from cartrepro.paths import is_shipped_cohort

patients = derive.load_patients(data_dir)
reference = is_shipped_cohort(data_dir, "car1922")
SUFFIX = {"b_all": "ball", "b_nhl": "bnhl"}

# %% [markdown]
# ## Table 1 by disease

# %% tags=["hide-input"]
LINES = {1: "First line", 2: "Second line"}
STATUS = {"refractory": "Refractory", "first_relapse": "First relapse",
          "second_or_later_relapse": "≥ Second relapse"}
OUTCOME = {"no_response": "No response", "relapse": "Relapse", "remission": "Remission during follow-up",
           "excluded": "Excluded from response evaluation"}
EXCLUDED = {"bridge_to_hsct": "Bridge to HSCT", "lost_to_follow_up": "Loss to follow-up",
            "non_recurrent_death": "Non-recurrent death"}
view = pd.DataFrame({
    "Disease": patients["disease"].map(derive.DISEASE_LABELS).astype(str),
    "Age, years": patients["age_years"].astype(float),
    "Female sex": patients["sex"].eq("female").map({True: "Yes", False: "No"}).astype(str),
    "Prior HSCT": patients["prior_hsct"].map({"none": "None", "autologous": "Autologous",
                                              "allogeneic": "Allogeneic"}).astype(str),
    "Prior treatment": patients["prior_lines"].map(lambda k: LINES.get(int(k), "≥ Third line")).astype(str),
    "Refractory or relapsed": patients["disease_status"].map(STATUS).astype(str),
    "CNS involvement": patients["cns_involvement"].map({True: "Yes", False: "No"}).astype(str),
    "TP53 mutation": patients["tp53_mutation"].map({True: "Yes", False: "No"}).astype(str),
    "CAR19 T cells, ×10^6/kg": patients["car19_dose"].astype(float),
    "CAR22 T cells, ×10^6/kg": patients["car22_dose"].astype(float),
    "IL-6 max, pg/ml": patients["il6_max_pg_ml"].astype(float),
    "Time to IL-6 peak, days": patients["il6_peak_day"].astype(float),
    "Ferritin max, µg/L": patients["ferritin_max_ug_l"].astype(float),
    "CRS grade": pd.Series(derive.crs_group(patients), index=patients.index).map(lambda g: f"Grade {g}"),
    "Outcome": patients["outcome"].map(OUTCOME).astype(str),
    "Reason excluded": patients["excluded_reason"].map(EXCLUDED).fillna("(evaluated)").astype(str),
    "Follow-up time, days": patients["followup_day"].astype(float),
})
continuous = [c for c in view.columns if view[c].dtype == float]
categorical = [c for c in view.columns if c not in continuous and c != "Disease"]
decimals = {"CAR19 T cells, ×10^6/kg": 2, "CAR22 T cells, ×10^6/kg": 2, "IL-6 max, pg/ml": 2,
            "Ferritin max, µg/L": 1}
table1 = TableOne(view, columns=[c for c in view.columns if c != "Disease"],
                  categorical=categorical, continuous=continuous, nonnormal=continuous, min_max=continuous,
                  groupby="Disease", overall=False, missing=False,
                  decimals={c: decimals.get(c, 0) for c in continuous},
                  order={"Female sex": ["Yes"], "CNS involvement": ["Yes"], "TP53 mutation": ["Yes"],
                         "Prior HSCT": ["Autologous", "Allogeneic", "None"],
                         "Prior treatment": ["First line", "Second line", "≥ Third line"],
                         "Refractory or relapsed": list(STATUS.values()), "Outcome": list(OUTCOME.values()),
                         "Reason excluded": [*EXCLUDED.values(), "(evaluated)"]},
                  limit={"Female sex": 1, "CNS involvement": 1, "TP53 mutation": 1, "Prior HSCT": 2,
                         "Reason excluded": 3})
shown = table1.tableone.copy()
shown.columns = [c[1] for c in shown.columns]
shown = shown.map(lambda s: re.sub(r"^(\S+) \[(\S+),(\S+)\]$", r"\1 (\2–\3)", str(s)))
shown.index = [" · ".join(p for p in (a, b) if p).replace("median [min,max]", "median (range)")
               for a, b in shown.index]
display(shown)

# %% [markdown]
# ## Recorded Table 1 cells
#
# Each count cell is recorded as its count k (the paper prints k and k/N); each median (range) as its
# three numbers.

# %% tags=["hide-input"]
COUNT_CELLS = {  # ledger stem -> mask
    "p1_t1_female": patients["sex"] == "female",
    "p1_t1_prior_auto_hsct": patients["prior_hsct"] == "autologous",
    "p1_t1_prior_allo_hsct": patients["prior_hsct"] == "allogeneic",
    "p1_t1_lines_1": patients["prior_lines"] == 1,
    "p1_t1_lines_2": patients["prior_lines"] == 2,
    "p1_t1_lines_ge3": patients["prior_lines"] >= 3,
    "p1_t1_refractory": patients["disease_status"] == "refractory",
    "p1_t1_relapse_1": patients["disease_status"] == "first_relapse",
    "p1_t1_relapse_ge2": patients["disease_status"] == "second_or_later_relapse",
    "p1_t1_cns": patients["cns_involvement"].astype(bool),
    "p1_t1_tp53": patients["tp53_mutation"].astype(bool),
    "p1_t1_crs_0_2": patients["crs_grade"] <= 2,
    "p1_t1_crs_3_5": patients["crs_grade"] >= 3,
    "p1_t1_nr": patients["outcome"] == "no_response",
    "p1_t1_relapse": patients["outcome"] == "relapse",
    "p1_t1_remission": patients["outcome"] == "remission",
    "p1_t1_excluded": patients["outcome"] == "excluded",
    "p1_t1_bridge_hsct": patients["excluded_reason"] == "bridge_to_hsct",
    "p1_t1_lost": patients["excluded_reason"] == "lost_to_follow_up",
    "p1_t1_nonrec_death": patients["excluded_reason"] == "non_recurrent_death",
}
MEDIAN_CELLS = {"p1_t1_age": "age_years", "p1_t1_car19_dose": "car19_dose", "p1_t1_car22_dose": "car22_dose",
                "p1_t1_il6_max": "il6_max_pg_ml", "p1_t1_il6_peak_day": "il6_peak_day",
                "p1_t1_ferritin_max": "ferritin_max_ug_l", "p1_t1_fu": "followup_day"}
for disease, suffix in SUFFIX.items():
    in_disease = patients["disease"] == disease
    record(f"p1_n_{suffix}", int(in_disease.sum()))
    for stem, mask in COUNT_CELLS.items():
        record(f"{stem}_{suffix}", int((mask.fillna(False) & in_disease).sum()))
    for stem, column in MEDIAN_CELLS.items():
        values = patients.loc[in_disease, column].astype(float)
        record(f"{stem}_median_{suffix}", float(values.median()))
        record(f"{stem}_min_{suffix}", float(values.min()))
        record(f"{stem}_max_{suffix}", float(values.max()))

# %% tags=["hide-input"]
comparison("p1_t1_", reference_data=reference)

# %% [markdown]
# ## Pooled numbers of the Results
#
# The text pools both diseases: {glue:text}`p1_n_total__text` patients, median age
# {glue:text}`p1_age_median_all__text` years ({glue:text}`p1_age_min_all__text`–{glue:text}`p1_age_max_all__text`),
# {glue:text}`p1_prior_hsct_pct__text` with a prior HSCT, CRS in {glue:text}`p1_crs_any_pct__text` and grade ≥ 3
# in {glue:text}`p1_crs_ge3_pct__text`, median follow-up {glue:text}`p1_fu_median_all__text` days.
#
# ```{note}
# Two printed percentages cannot come from any count of 119 patients: "Fifty patients (41.0%)" is
# 50/119 = 42.0% (41.0% would be 50/122; ledger inconsistency `female_41_0`), and "93.5% aged ≥ 18
# years" lies between 111/119 = 93.3% and 112/119 = 94.1% (`age_ge18_93_5`); the reconstruction keeps
# 111 adults. The doses "4.1 ± 2.1" and "5.1 ± 2.5", called medians in the text, are read as mean ± SD
# (`car_dose_median_vs_mean`): the pooled medians are shown beside them.
# ```

# %% tags=["hide-input"]
n = len(patients)
record("p1_n_total", n)
record("p1_female_pct", derive.percent(int((patients["sex"] == "female").sum()), n))
ages = patients["age_years"].astype(float)
record("p1_age_median_all", float(ages.median()))
record("p1_age_min_all", float(ages.min()))
record("p1_age_max_all", float(ages.max()))
record("p1_age_ge18_pct", derive.percent(int((ages >= 18).sum()), n))
record("p1_refractory_pct", derive.percent(int((patients["disease_status"] == "refractory").sum()), n))
record("p1_relapsed_pct", derive.percent(int((patients["disease_status"] != "refractory").sum()), n))
record("p1_lines_ge3_pct", derive.percent(int((patients["prior_lines"] >= 3).sum()), n))
record("p1_cns_pct", derive.percent(int(patients["cns_involvement"].astype(bool).sum()), n))
record("p1_prior_hsct_pct", derive.percent(int((patients["prior_hsct"] != "none").sum()), n))
record("p1_prior_auto_hsct_n", int((patients["prior_hsct"] == "autologous").sum()))
record("p1_prior_allo_hsct_n", int((patients["prior_hsct"] == "allogeneic").sum()))
for dose in ("car19", "car22"):
    values = patients[f"{dose}_dose"].astype(float)
    record(f"p1_{dose}_dose_center_all", float(values.mean()))
    record(f"p1_{dose}_dose_sd_all", float(values.std(ddof=1)))
record("p1_crs_any_pct", derive.percent(int((patients["crs_grade"] > 0).sum()), n))
record("p1_crs_ge3_pct", derive.percent(int((patients["crs_grade"] >= 3).sum()), n))
followup = patients["followup_day"].astype(float)
record("p1_fu_median_all", float(followup.median()))
record("p1_fu_min_all", float(followup.min()))
record("p1_fu_max_all", float(followup.max()))
display(pd.DataFrame({
    "mean": [patients[f"{d}_dose"].mean() for d in ("car19", "car22")],
    "SD": [patients[f"{d}_dose"].std(ddof=1) for d in ("car19", "car22")],
    "median (pooled)": [patients[f"{d}_dose"].median() for d in ("car19", "car22")],
}, index=["CAR19 dose", "CAR22 dose"]).round(2))

# %% tags=["hide-input"]
comparison(["p1_n_total", "p1_n_ball", "p1_n_bnhl", "p1_female_pct", "p1_age_median_all", "p1_age_min_all",
            "p1_age_max_all", "p1_age_ge18_pct", "p1_refractory_pct", "p1_relapsed_pct", "p1_lines_ge3_pct",
            "p1_cns_pct", "p1_prior_hsct_pct", "p1_prior_auto_hsct_n", "p1_prior_allo_hsct_n",
            "p1_car19_dose_center_all", "p1_car19_dose_sd_all", "p1_car22_dose_center_all", "p1_car22_dose_sd_all",
            "p1_crs_any_pct", "p1_crs_ge3_pct", "p1_fu_median_all", "p1_fu_min_all", "p1_fu_max_all"],
           reference_data=reference)
