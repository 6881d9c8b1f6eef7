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
# # Table 1 · Baseline characteristics
#
# *P2 (Pan et al., Leukemia 2019), Table 1 and Results "Patient enrollment and clinical
# characteristics".* The paper's Table 1 itself is not in the text we have; its content is summarised
# in the Results, and every number printed there is reproduced below.
#
# ```{admonition} Reconstructed data
# :class: warning
# On the shipped cohort these are **synthetic** patients (see [the reconstruction](p2_reconstruction.ipynb)).
# ```
#
# **Method:** medians with minimum and maximum (SPSS: for an even count the median is the mean of the two
# middle values), counts with percentages of the stated denominator, the dose comparison by unpaired
# two-tailed Student's t-test (the Methods' test for two groups; the paper does not name the test at the
# point of use, so this P is a *construction*).

# %% tags=["parameters"]
data_dir = "data/reconstructed"  # cohort folder holding cd22/

# %% tags=["hide-input"]
from IPython.display import HTML, display

from cartrepro import not_computable, record
from cartrepro.contract import load_paper
from cartrepro.ledger.record import comparison
from cartrepro.pages.table1 import cd22_table1
from cartrepro.paths import is_shipped_cohort
from cartrepro.stats.groups import student_t

patients = load_paper(data_dir, "cd22")["patients"]
reference = is_shipped_cohort(data_dir, "cd22")
n = len(patients)


def pct(mask, denominator):
    return 100 * int(mask.sum()) / int(denominator.sum() if hasattr(denominator, "sum") else denominator)


display(HTML(cd22_table1(patients).tableone.to_html()))

# %% [markdown]
# ## Patients and baseline disease
#
# Of {glue:text}`p2_n_enrolled__text` patients, {glue:text}`p2_base_cd19cart_failed__text` had failed CD19
# CAR-T therapy and {glue:text}`p2_base_prior_hct__text` had a previous allo-HCT.

# %% tags=["hide-input"]
record("p2_n_enrolled", n)
record("p2_n_poc", int((patients["enrollment"] == "proof_of_concept").sum()))
record("p2_n_trial", int((patients["enrollment"] == "trial").sum()))
age = patients["age_years"].astype(float)
record("p2_base_age_median", age.median())
record("p2_base_age_min", age.min())
record("p2_base_age_max", age.max())

history = patients["cd19_car_history"]
failed = history != "none"
record("p2_base_cd19cart_failed", pct(failed, n))
record("p2_base_cd19_negdim_relapse", pct(history == "cd19neg_or_dim_relapse", failed))
record("p2_base_cd19_bright_nr", pct(history == "cd19bright_no_response", failed))
record("p2_base_no_cd19cart", pct(history == "none", n))
record("p2_base_prior_hct", pct(patients["prior_allo_hct"].astype(bool), n))
record("p2_base_emd", pct(patients["emd"].astype(bool), n))

status = patients["baseline_status"]
record("p2_base_emd_exclusive", pct(status == "exclusive_emd", n))
record("p2_base_hr", pct(status == "hematological_relapse", n))
record("p2_base_mrdpos", pct(status == "fcm_mrd_positive", n))
for group, prefix in (("hematological_relapse", "p2_base_hr_blasts"), ("fcm_mrd_positive", "p2_base_mrdpos_blasts")):
    blasts = patients.loc[status == group, "marrow_blasts_pct"].dropna().astype(float)
    record(f"{prefix}_median", blasts.median())
    record(f"{prefix}_min", blasts.min())
    record(f"{prefix}_max", blasts.max())

# %% tags=["hide-input"]
comparison(["p2_n_enrolled", "p2_n_poc", "p2_n_trial"] + [e for e in (
    "p2_base_age_median p2_base_age_min p2_base_age_max p2_base_cd19cart_failed p2_base_cd19_negdim_relapse "
    "p2_base_cd19_bright_nr p2_base_no_cd19cart p2_base_prior_hct p2_base_emd p2_base_emd_exclusive p2_base_hr "
    "p2_base_hr_blasts_median p2_base_hr_blasts_min p2_base_hr_blasts_max p2_base_mrdpos p2_base_mrdpos_blasts_median "
    "p2_base_mrdpos_blasts_min p2_base_mrdpos_blasts_max").split()], reference_data=reference)

# %% [markdown]
# ## CD22 expression before enrollment

# %% tags=["hide-input"]
cd22_ids = ["p2_base_cd22_fcm_pos", "p2_base_cd22_bm", "p2_base_cd22_emd", "p2_base_cd22_not_eval",
            "p2_base_prior_cd22"]
site = patients["cd22_positive_site"]
if site.notna().any():
    record("p2_base_cd22_fcm_pos", int(site.isin(["bone_marrow", "emd"]).sum()))
    record("p2_base_cd22_bm", int((site == "bone_marrow").sum()))
    record("p2_base_cd22_emd", int((site == "emd").sum()))
    record("p2_base_cd22_not_eval", int((site == "not_reevaluated").sum()))
else:
    for ledger_id in cd22_ids[:4]:
        not_computable(ledger_id, "the optional column cd22_positive_site is absent or empty")
if patients["prior_cd22_therapy"].notna().any():
    record("p2_base_prior_cd22", int(patients["prior_cd22_therapy"].astype("boolean").sum()))
else:
    not_computable("p2_base_prior_cd22", "the optional column prior_cd22_therapy is absent or empty")
comparison(cd22_ids, reference_data=reference)

# %% [markdown]
# ## CAR-T dose: transplanted versus not transplanted
#
# Previously transplanted patients received lower doses, by protocol. Student's t-test gives
# P = {glue:text}`p2_dose_p__text` (published 0.001).

# %% tags=["hide-input"]
transplanted = patients["prior_allo_hct"].astype(bool)
dose = patients["dose_1e5_per_kg"].astype(float)
for group, prefix in ((~transplanted, "p2_dose_nontx"), (transplanted, "p2_dose_tx")):
    record(f"{prefix}_median", dose[group].median())
    record(f"{prefix}_min", dose[group].min())
    record(f"{prefix}_max", dose[group].max())
if transplanted.any() and (~transplanted).any() and len(dose) >= 3:
    record("p2_dose_p", student_t(dose[~transplanted], dose[transplanted]).p_value)
else:
    not_computable("p2_dose_p", "one of the two groups is empty")
record("p2_dose_donor_derived", int((transplanted & (patients["car_t_source"] == "donor")).sum()))
comparison("p2_dose", reference_data=reference)
