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
# # Figure 4 · Long-term outcome of CR patients
#
# *P2 (Pan et al., Leukemia 2019), Results "Long-term follow up" and Figure 4.* Of the 24 patients in
# complete remission (CR/CRi) on day 30, 11 were bridged to allogeneic HCT; the paper reports
# leukemia-free survival (LFS) after HCT (4a), relapse and treatment-related mortality after HCT (4b),
# and the LFS of all CR patients from CAR-T infusion (4c).
#
# ```{admonition} Reconstructed data
# :class: warning
# On the shipped cohort these numbers come from **synthetic** patients reconstructed from the paper's
# published aggregates (see [the reconstruction](p2_reconstruction.ipynb)); they are not trial data.
# ```
#
# **Method (as the paper):** Kaplan-Meier (SPSS 25), Greenwood standard error, a *plain* interval
# S ± 1.96·SE computed from SPSS's table, which shows S and SE to 3 decimals. Relapse in 4b is
# 1 − Kaplan-Meier with TRM deaths censored (not a competing-risks estimate).

# %% tags=["parameters"]
data_dir = "data/reconstructed"  # cohort folder holding cd22/
horizon_days = 365  # the "1-year" estimates
conf_type = "plain"  # CI transform: the paper's SPSS CIs are plain (S ± 1.96 SE); also "log", "log-log"
spss_decimals = 3  # S and SE rounded as SPSS shows them before forming the CI; None for unrounded

# %% tags=["hide-input"]
import numpy as np
from IPython.display import display

from cartrepro import record
from cartrepro.analysis.cd22 import derive as derive
from cartrepro.contract import load_paper
from cartrepro.figures.survival import Curve, km_figure
from cartrepro.ledger.entries import entries_with_prefix
from cartrepro.ledger.record import comparison, skip
from cartrepro.paths import is_shipped_cohort
from cartrepro.stats.survival import km_at

patients = load_paper(data_dir, "cd22")["patients"]
reference = is_shipped_cohort(data_dir, "cd22")


def one_year(table, failure=False):
    """KM at the horizon in percent, with the paper's CI method."""
    point = km_at(table["time_days"], table["event"], horizon_days, conf_type=conf_type,
                  spss_decimals=spss_decimals if conf_type == "plain" else None, failure=failure)
    return 100 * point.estimate, (100 * point.ci_low, 100 * point.ci_high)


# %% [markdown]
# ## What the CR patients did next
#
# The course after remission decides who enters each panel: HCT patients make up 4a and 4b; all CR
# patients, whatever came next, make up 4c.

# %% tags=["hide-input"]
course = derive.further_therapy(patients)
record("p2_ltf_cr_hct", int((course == "hct").sum()))
record("p2_ltf_cr_nft", int((course == "none").sum()))
record("p2_ltf_cr_withdrew", int((course == "withdrew").sum()))
record("p2_ltf_cr_lost", int((course == "lost").sum()))

hct_days = patients["hct_day"].dropna().astype(float)
if len(hct_days):
    record("p2_ltf_hct_day_median", hct_days.median())
    record("p2_ltf_hct_day_min", hct_days.min())
    record("p2_ltf_hct_day_max", hct_days.max())
else:
    skip(["p2_ltf_hct_day_median", "p2_ltf_hct_day_min", "p2_ltf_hct_day_max"], "no patient had an HCT")

cr = patients[derive.complete_remission(patients)]
nft = cr[cr["patient_id"].isin(course.index[course == "none"])]
nft_relapse_months = derive.months(nft["relapse_day"].dropna().astype(float))
nft_remission_months = derive.months(nft.loc[nft["relapse_day"].isna(), "last_followup_day"].astype(float))
record("p2_ltf_nft_relapse_n", len(nft_relapse_months))
record("p2_ltf_nft_remission_n", len(nft_remission_months))
record("p2_disc_nft_relapse", [len(nft_relapse_months), len(nft)])
if len(nft_relapse_months):  # SPSS median: the mean of the two middle values for an even count
    record("p2_ltf_nft_relapse_median", float(np.median(nft_relapse_months)))
    record("p2_ltf_nft_relapse_min", float(nft_relapse_months.min()))
    record("p2_ltf_nft_relapse_max", float(nft_relapse_months.max()))
if len(nft_remission_months):
    record("p2_ltf_nft_remission_times", sorted(nft_remission_months))
else:
    skip(["p2_ltf_nft_remission_times"], "no patient without further therapy stayed in remission")
display(course.value_counts().rename_axis("after CR").rename("patients").to_frame())

# %% tags=["hide-input"]
comparison("p2_ltf", reference_data=reference)

# %% [markdown]
# ## Figure 4a · Leukemia-free survival after allo-HCT
#
# Origin: the day of HCT; events: relapse or death. The reproduced 1-year LFS is
# **{glue:text}`p2_fig4a_lfs_1y__text`** (published 71.6%, 95% CI 44.2–99.0).

# %% tags=["hide-input"]
lfs_hct = derive.lfs_after_hct(patients)
post_hct_months = derive.months(lfs_hct["time_days"])
trm = (lfs_hct["event_type"] == "trm").to_numpy()
relapsed = (lfs_hct["event_type"] == "relapse").to_numpy()
in_remission = (lfs_hct["event_type"] == "censored").to_numpy()
if lfs_hct.empty:
    skip([e.id for e in entries_with_prefix("p2_fig4a") if e.kind == "data"] + ["p2_disc_hct_relapse"],
         "no patient had an HCT after CAR-T")
else:
    estimate, ci = one_year(lfs_hct)
    record("p2_fig4a_lfs_1y", estimate, ci=ci)
    record("p2_fig4a_trm_n", int(trm.sum()))
    record("p2_fig4a_trm_times", sorted(post_hct_months[trm]))
    record("p2_fig4a_relapse_n", int(relapsed.sum()))
    record("p2_disc_hct_relapse", [int(relapsed.sum()), len(lfs_hct)])
    if relapsed.sum() == 1:
        record("p2_fig4a_relapse_time", float(post_hct_months[relapsed][0]))
    else:
        skip(["p2_fig4a_relapse_time"], f"{int(relapsed.sum())} relapses after HCT; the paper describes one")
    record("p2_fig4a_remission_n", int(in_remission.sum()))
    if in_remission.any():
        record("p2_fig4a_remission_min", float(post_hct_months[in_remission].min()))
        record("p2_fig4a_remission_max", float(post_hct_months[in_remission].max()))
    else:
        skip(["p2_fig4a_remission_min", "p2_fig4a_remission_max"], "no HCT patient stayed in remission")
    fig = km_figure([Curve(f"HCT patients (n={len(lfs_hct)})", lfs_hct["time_days"], lfs_hct["event"],
                     conf_type=conf_type)],
                    title="Figure 4a  LFS after allo-HCT", ylabel="Leukemia-free survival")

# %% tags=["hide-input"]
comparison("p2_fig4a", reference_data=reference)

# %% [markdown]
# ## Figure 4b · Relapse and TRM after allo-HCT
#
# Each curve is 1 − Kaplan-Meier with the other event censored, as in the paper. The reproduced 1-year
# relapse rate is **{glue:text}`p2_fig4b_relapse_1y__text`** (published 9.1%, 95% CI 0–26.2). The
# published upper bound 26.2 needs the SPSS rounding: from unrounded S and SE the bound is 26.1
# (ledger inconsistency `relapse_ci_26_2`); a competing-risks (Aalen-Johansen) estimate is a different
# quantity and is compared in the methods chapter.

# %% tags=["hide-input"]
relapse_hct = derive.relapse_after_hct(patients)
if relapse_hct.empty:
    skip(["p2_fig4b_relapse_1y"], "no patient had an HCT after CAR-T")
else:
    estimate, ci = one_year(relapse_hct, failure=True)
    record("p2_fig4b_relapse_1y", estimate, ci=ci)
    trm_hct = derive.trm_after_hct(patients)
    fig = km_figure([Curve("Relapse", relapse_hct["time_days"], relapse_hct["event"], failure=True),
                     Curve("TRM", trm_hct["time_days"], trm_hct["event"], failure=True)],
                    title="Figure 4b  Relapse and TRM after allo-HCT", ylabel="Cumulative incidence (1 − KM)",
                    show_ci=False)

# %% tags=["hide-input"]
comparison(["p2_fig4b_relapse_1y"], reference_data=reference)

# %% [markdown]
# ## Figure 4c · Leukemia-free survival of all CR patients
#
# Origin: CAR-T infusion; HCT patients are followed through their transplant. The reproduced 1-year LFS
# is **{glue:text}`p2_fig4c_lfs_1y__text`** (published 58.1%, 95% CI 35.2–81.0).
#
# ```{note}
# The text names 7 LFS events among the 24 CR patients (4 relapses without further therapy, 1 relapse and
# 2 TRM after HCT), but 58.1% (35.2–81.0) needs exactly **8 events within the first year**; no pattern
# with 7 reaches a lower bound of 35.2. The reconstruction assumes that one of the 4 patients who
# withdrew to chemotherapy relapsed (ledger inconsistency `fig4c_eighth_event`, scenario A).
# ```

# %% tags=["hide-input"]
lfs_cr = derive.lfs_of_cr_patients(patients)
if lfs_cr.empty:
    skip(["p2_fig4c_lfs_1y"], "no patient was in complete remission on day 30")
else:
    estimate, ci = one_year(lfs_cr)
    record("p2_fig4c_lfs_1y", estimate, ci=ci)
    fig = km_figure([Curve(f"CR patients (n={len(lfs_cr)})", lfs_cr["time_days"], lfs_cr["event"],
                           conf_type=conf_type)],
                    title="Figure 4c  LFS of all CR patients", ylabel="Leukemia-free survival")

# %% tags=["hide-input"]
comparison(["p2_fig4c_lfs_1y"], reference_data=reference)
