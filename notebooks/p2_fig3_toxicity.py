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
# # Figure 3 · Cytokine release syndrome, neurotoxicity and early deaths
#
# *P2 (Pan et al., Leukemia 2019), Results "Adverse effects" and Figure 3.* CRS graded by Lee et al.,
# neurotoxicity by CTCAE 4.03; onset and resolution in days after infusion.
#
# ```{admonition} Reconstructed data
# :class: warning
# On the shipped cohort these are **synthetic** patients (see [the reconstruction](p2_reconstruction.ipynb)).
# ```
#
# **Methods:** counts and percentages; medians with ranges (SPSS); two-group comparisons of peak
# expansion by unpaired two-tailed Student's t-test (the Methods' test; the legend does not name it, so
# these P values are *constructions*); subgroup rates with exact Clopper-Pearson 95% CIs.

# %% tags=["parameters"]
data_dir = "data/reconstructed"  # cohort folder holding cd22/
early_death_days = 30  # "died within 30 days during CAR T-cell treatment"

# %% tags=["hide-input"]
import pandas as pd
from IPython.display import HTML, display

from cartrepro import not_computable, record
from cartrepro.analysis.cd22 import derive as derive
from cartrepro.contract import load_paper
from cartrepro.figures.groups import dot_groups, forest, grade_strips
from cartrepro.ledger.record import comparison
from cartrepro.paths import is_shipped_cohort
from cartrepro.stats.groups import student_t

patients = load_paper(data_dir, "cd22")["patients"]
reference = is_shipped_cohort(data_dir, "cd22")
n = len(patients)
crs, neuro = patients["crs_grade"].astype(int), patients["neurotox_grade"].astype(int)


def days(column, mask):
    return patients.loc[mask, column].dropna().astype(float)


# %% [markdown]
# ## Figure 3a · Grades
#
# CRS occurred in {glue:text}`p2_fig3a_crs_any__text` of patients; grade 1–2 in
# {glue:text}`p2_fig3a_crs_g12__text`, grade 3 or more in {glue:text}`p2_fig3a_crs_g_ge3__text`.
# The right panel of the paper's Figure 3a (the grade of each CRS symptom) needs symptom-level data that
# the text does not give; it is not rebuilt.

# %% tags=["hide-input"]
record("p2_fig3a_crs_any", 100 * int((crs > 0).sum()) / n)
record("p2_fig3a_crs_g12", int(crs.between(1, 2).sum()))
record("p2_fig3a_crs_g_ge3", int((crs >= 3).sum()))
record("p2_fig3a_neuro_g1", int((neuro == 1).sum()))
record("p2_fig3a_neuro_g2", int((neuro == 2).sum()))
fig = grade_strips({"CRS": crs.to_numpy(), "Neurotoxicity": neuro.to_numpy()},
                   title="Figure 3a  CRS and neurotoxicity grades")

# %% tags=["hide-input"]
comparison("p2_fig3a", reference_data=reference)

# %% [markdown]
# ## Onset and resolution
#
# The text says mild or moderate CRS "resolved fully within 1 week"; the longest grade 1–2 episode here
# lasts {glue:text}`p2_crs_g12_resolved_within__text` days, because the paper itself describes the VOD
# patient's grade-2 fever and transaminitis on days 6 to 16 (ledger inconsistency `crs_within_week`).

# %% tags=["hide-input"]
onset = days("crs_onset_day", crs > 0)
record("p2_crs_onset_median", onset.median())
record("p2_crs_onset_min", onset.min())
record("p2_crs_onset_max", onset.max())
record("p2_crs_resolution_median", days("crs_resolution_day", crs > 0).median())
mild = crs.between(1, 2)
duration = (patients.loc[mild, "crs_resolution_day"] - patients.loc[mild, "crs_onset_day"]).dropna().astype(float)
record("p2_crs_g12_resolved_within", duration.max())
n_onset, n_resolution = days("neurotox_onset_day", neuro > 0), days("neurotox_resolution_day", neuro > 0)
for name, values in (("onset", n_onset), ("resolution", n_resolution)):
    record(f"p2_neuro_{name}_median", values.median())
    record(f"p2_neuro_{name}_min", values.min())
    record(f"p2_neuro_{name}_max", values.max())
grade2 = neuro == 2
if int(grade2.sum()) == 1:
    record("p2_neuro_g2_onset", float(days("neurotox_onset_day", grade2).iloc[0]))
    record("p2_neuro_g2_resolution", float(days("neurotox_resolution_day", grade2).iloc[0]))
    treatment = days("neurotox_treatment_days", grade2)
    if len(treatment):
        record("p2_neuro_treatment_duration", float(treatment.iloc[0]) / 7)  # printed in weeks
    else:
        not_computable("p2_neuro_treatment_duration", "the optional column neurotox_treatment_days is empty")
else:
    for ledger_id in ("p2_neuro_g2_onset", "p2_neuro_g2_resolution", "p2_neuro_treatment_duration"):
        not_computable(ledger_id, f"{int(grade2.sum())} patients with grade-2 neurotoxicity, the paper describes one")
comparison([e for e in ("p2_crs_onset_median p2_crs_onset_min p2_crs_onset_max p2_crs_resolution_median "
                        "p2_crs_g12_resolved_within p2_neuro_onset_median p2_neuro_onset_min p2_neuro_onset_max "
                        "p2_neuro_resolution_median p2_neuro_resolution_min p2_neuro_resolution_max "
                        "p2_neuro_g2_onset p2_neuro_g2_resolution p2_neuro_treatment_duration").split()],
           reference_data=reference)

# %% [markdown]
# ## Figure 3b · Peak CAR-T expansion, severe adverse events and neurotoxicity
#
# Severe adverse events are the 4 that led to death (one grade-5 CRS, two infections, one VOD): the
# early deaths. Student's t gives P = {glue:text}`p2_fig3b_p_severe_ae__text` (published 0.361) and, for
# neurotoxicity of any grade, P = {glue:text}`p2_fig3b_p_neuro__text` (published 0.518).

# %% tags=["hide-input"]
peak = patients["peak_car_pct_cd3"].astype(float)
severe = derive._mask(patients["death_day"] < early_death_days)
has_neuro = (neuro > 0).to_numpy()
measured = peak.notna().to_numpy()
for ledger_id, mask in (("p2_fig3b_p_severe_ae", severe), ("p2_fig3b_p_neuro", has_neuro)):
    a, b = peak[mask & measured], peak[~mask & measured]
    if len(a) and len(b) and len(a) + len(b) >= 3:
        record(ledger_id, student_t(a, b).p_value)
    else:
        not_computable(ledger_id, "one of the two groups has no measured peak")
fig = dot_groups({"no/mild AE": peak[~severe & measured], "severe AE": peak[severe & measured],
                  "no neurotox.": peak[~has_neuro & measured], "neurotox.": peak[has_neuro & measured]},
                 title="Figure 3b  Peak CAR-T cells", ylabel="Peak CAR+ of CD3+ cells (%)")

# %% tags=["hide-input"]
comparison(["p2_fig3b_p_severe_ae", "p2_fig3b_p_neuro"], reference_data=reference)

# %% [markdown]
# ## Figure 3c · Severe adverse events by subgroup
#
# Rates with exact 95% CIs. The paper shows this only in the figure and does not give its cut-points:
# adults are 18 or older and a high marrow burden is 50% blasts or more here (a choice). No verdict is
# possible (the published values are not in the text).

# %% tags=["hide-input"]
rates = derive.subgroup_rates(patients["death_day"] < early_death_days, derive.subgroups(patients))
record("p2_fig3c_severe_ae_by_subgroup", [100 * r for r in rates["estimate"]])
fig = forest(rates, title="Figure 3c  Severe adverse events by subgroup", xlabel="Severe AE rate (95% CI)")

# %% [markdown]
# ## Early deaths
#
# Four patients died within 30 days; the paper describes each of them.

# %% tags=["hide-input"]
early = patients[derive._mask(patients["death_day"] < early_death_days)]
cause = early["death_cause"]
record("p2_disc_deaths_infection", int((cause == "infection").sum()))
record("p2_disc_deaths_combined", int(cause.isin(["crs", "vod"]).sum()))
crs5 = early[early["crs_grade"] == 5]
if len(crs5) == 1:
    record("p2_death_crs5_day", float(crs5["death_day"].iloc[0]))
    record("p2_ae_dli_pt_peak", float(crs5["peak_car_pct_cd3"].iloc[0]))
    dli = crs5["dli_days_before_infusion"].dropna()
    if len(dli):
        record("p2_death_dli_days_before", float(dli.iloc[0]))
    else:
        not_computable("p2_death_dli_days_before", "the optional column dli_days_before_infusion is empty")
vod = early[early["death_cause"] == "vod"]
if len(vod) == 1:
    v = vod.iloc[0]
    record("p2_death_vod_day", float(v["death_day"]))
    record("p2_death_vod_crs_window", [float(v["crs_onset_day"]), float(v["crs_resolution_day"])])
    if v["day15_response"] == "cr_mrd_negative":
        record("p2_death_vod_mrdneg_day", 15)  # the day-15 assessment found MRD-negative CRi
    else:
        not_computable("p2_death_vod_mrdneg_day", "no MRD-negative day-15 assessment recorded")
    if pd.notna(v["vod_onset_day"]):
        record("p2_death_vod_onset", float(v["vod_onset_day"]))
    else:
        not_computable("p2_death_vod_onset", "the optional column vod_onset_day is empty")
for ledger_id, kind in (("p2_death_sepsis_day", "bacterial_sepsis"), ("p2_death_asperg_day", "fungal_pneumonia")):
    death = early.loc[early["infection"] == kind, "death_day"]
    if len(death) == 1:
        record(ledger_id, float(death.iloc[0]))
    else:
        not_computable(ledger_id, f"{len(death)} early deaths recorded with infection = {kind}")
fungal = early[early["infection"] == "fungal_pneumonia"]
if len(fungal) == 1 and fungal["day15_response"].iloc[0] == "no_response":
    record("p2_death_asperg_eval_day", 15)
else:
    not_computable("p2_death_asperg_eval_day", "no day-15 assessment of the fungal-pneumonia death recorded")
display(HTML(early.groupby("death_cause").size().rename("patients").to_frame().to_html()))

# %% tags=["hide-input"]
comparison([e for e in ("p2_disc_deaths_infection p2_disc_deaths_combined p2_death_crs5_day p2_ae_dli_pt_peak "
                        "p2_death_dli_days_before p2_death_vod_day p2_death_vod_crs_window p2_death_vod_mrdneg_day "
                        "p2_death_vod_onset p2_death_sepsis_day p2_death_asperg_day p2_death_asperg_eval_day")
            .split()], reference_data=reference)
