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
#
# **Analysis sets.** The figure is titled "Long-term outcome of CR patients" and the text counts "the 11
# CR patients who received allo-HCT" ("successfully bridged to subsequent allo-HCT" in the Discussion).
# Figures 4a and 4b therefore take the patients in CR/CRi on day 30 who were transplanted **while in
# remission**: a patient transplanted without a CR is not in them, and neither is a CR patient whose relapse
# was found on or before the day of the HCT (not leukemia-free at HCT; that patient counts among those who
# relapsed without further therapy). Figure 4c takes every CR patient, from the day of infusion.

# %% tags=["parameters"]
data_dir = "data/reconstructed"  # cohort folder holding cd22/
horizon_days = 365  # the "1-year" estimates
conf_type = "plain"  # CI transform: the paper's SPSS CIs are plain (S ± 1.96 SE); also "log", "log-log"
spss_decimals = 3  # S and SE rounded as SPSS shows them before forming the CI; None for unrounded

# %% [markdown]
# We load the patient table and compute the four steps of the page with
# `cartrepro.analysis.cd22.outcome` (the same functions `cartrepro results` runs), then record them.

# %% tags=["hide-input"]
from IPython.display import display

from cartrepro.analysis.cd22 import outcome
from cartrepro.contract import load_paper
from cartrepro.figures.survival import Curve, km_figure
from cartrepro.ledger.record import comparison, record_all
from cartrepro.paths import is_shipped_cohort

patients = load_paper(data_dir, "cd22")["patients"]
reference = is_shipped_cohort(data_dir, "cd22")
km = {"horizon_days": horizon_days, "conf_type": conf_type, "spss_decimals": spss_decimals}
course, fig4a, fig4b, fig4c = (outcome.after_remission(patients), outcome.fig4a(patients, **km),
                               outcome.fig4b(patients, **km), outcome.fig4c(patients, **km))
record_all(course, fig4a, fig4b, fig4c)

# %% [markdown]
# ## What the CR patients did next
#
# The course after remission decides who enters each panel: the patients bridged to HCT in remission make
# up 4a and 4b; all CR patients, whatever came next, make up 4c.

# %% tags=["hide-input"]
display(course.frames["course"])
comparison(list(course), reference_data=reference)

# %% [markdown]
# ## Figure 4a · Leukemia-free survival after allo-HCT
#
# Origin: the day of HCT; events: relapse or death. The reproduced 1-year LFS is
# **{glue:text}`p2_fig4a_lfs_1y__text`** (published 71.6%, 95% CI 44.2–99.0).

# %% tags=["hide-input"]
lfs = fig4a.frames["lfs"]
fig = km_figure([Curve(f"HCT patients (n={len(lfs)})", lfs["time_days"], lfs["event"], conf_type=conf_type)],
                title="Figure 4a  LFS after allo-HCT", ylabel="Leukemia-free survival")

# %% tags=["hide-input"]
comparison(list(fig4a), reference_data=reference)

# %% [markdown]
# ## Figure 4b · Relapse and TRM after allo-HCT
#
# Each curve is 1 − Kaplan-Meier with the other event censored, as in the paper. The reproduced 1-year
# relapse rate is **{glue:text}`p2_fig4b_relapse_1y__text`** (published 9.1%, 95% CI 0–26.2). The
# published upper bound 26.2 needs the SPSS rounding: from unrounded S and SE the bound is 26.1
# (ledger inconsistency `relapse_ci_26_2`); a competing-risks (Aalen-Johansen) estimate is a different
# quantity and is compared in the methods chapter.

# %% tags=["hide-input"]
relapse, trm = fig4b.frames["relapse"], fig4b.frames["trm"]
fig = km_figure([Curve("Relapse", relapse["time_days"], relapse["event"], failure=True),
                 Curve("TRM", trm["time_days"], trm["event"], failure=True)],
                title="Figure 4b  Relapse and TRM after allo-HCT", ylabel="Cumulative incidence (1 − KM)",
                show_ci=False)
comparison(list(fig4b), reference_data=reference)

# %% [markdown]
# ## Figure 4c · Leukemia-free survival of all CR patients
#
# Origin: CAR-T infusion; HCT patients are followed through their transplant. The reproduced 1-year LFS
# is **{glue:text}`p2_fig4c_lfs_1y__text`** (published 58.1%, 95% CI 35.2–81.0).

# %% tags=["hide-input"]
lfs_cr = fig4c.frames["lfs"]
fig = km_figure([Curve(f"CR patients (n={len(lfs_cr)})", lfs_cr["time_days"], lfs_cr["event"],
                       conf_type=conf_type)],
                title="Figure 4c  LFS of all CR patients", ylabel="Leukemia-free survival")
comparison(list(fig4c), reference_data=reference)

# %% [markdown]
# ### The eighth event
#
# The text names 7 LFS events among the 24 CR patients (4 relapses without further therapy, 1 relapse and
# 2 TRM after HCT), but 58.1% (35.2–81.0) needs exactly **8 events within the first year**; no pattern
# with 7 reaches a lower bound of 35.2. The shipped reconstruction assumes that one of the 4 patients who
# withdrew to chemotherapy relapsed (ledger inconsistency `fig4c_eighth_event`, scenario A): the match
# above holds only **with that assumption**. The table puts the value with every event of the data next
# to the value when the events the text does not report (those of patients who withdrew or were lost to
# follow-up) are censored on their day: on the shipped cohort, the best the stated 7 events give.

# %% tags=["hide-input"]
fig4c.frames["eighth_event"].round(1)
