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
# # Figure 1d-e · ROC of MIP3α and Eotaxin, Youden cutoffs
#
# *P1 (sequential CAR19/22 T cells), Results "Screening for cytokines associated with prognosis", Fig. 1d-e.*
# How well does the peak-IL-6 fold change of MIP3α or Eotaxin separate NR/ER (n = 13) from > 6-month
# remission (n = 26) in the training cohort?
#
# ```{admonition} Reconstructed data
# :class: warning
# On the shipped cohort these numbers come from **synthetic** specimens reconstructed from the paper's
# published aggregates; they are not trial data.
# ```
#
# **Method** (`cartrepro.stats.diagnostics`): NR/ER is the positive class and a value *below* the cutoff a
# positive test. Empirical ROC with thresholds at the midpoints between adjacent distinct values; AUC =
# Mann-Whitney U / (13 x 26); 95% CI = AUC +/- 1.96 SE with the Hanley-McNeil (1982) SE from empirical Q1
# and Q2 (the form that reproduces the printed intervals, GraphPad Prism); DeLong's SE (pROC's default) is
# shown for comparison. Cutoff = maximal Youden J (ties: the highest sensitivity). Sensitivity and
# specificity with the hybrid Wilson/Brown interval (GraphPad Prism). The computations are in
# `cartrepro.analysis.car1922.roc`.

# %% tags=["parameters"]
data_dir = "data/reconstructed"  # cohort folder holding car1922/
window_months = 6.0  # the NR/ER rule

# %% tags=["hide-input"]
from IPython.display import display

from cartrepro.analysis.car1922 import roc
from cartrepro.contract import load_paper
from cartrepro.figures.car1922 import roc_figure, sens_spec_figure
from cartrepro.ledger.record import comparison, record_all
from cartrepro.paths import is_shipped_cohort, resolve_data_dir

tables = load_paper(resolve_data_dir(data_dir), "car1922")
reference = is_shipped_cohort(data_dir, "car1922")

# %% [markdown]
# ## Figure 1d · ROC curves
#
# AUC MIP3α {glue:text}`p1_fig1d_auc_mip3a__text`, Eotaxin {glue:text}`p1_fig1d_auc_eotaxin__text`. Both markers
# are analysed in one step: curve, area with both standard errors, Youden cutoff, sensitivity and specificity.

# %% tags=["hide-input"]
result = roc.compute(tables, window_months)
fig = roc_figure(result.frames["roc_curves"], result.frames["auc_table"])
display(result.frames["auc_table"])

# %% [markdown]
# ## Figure 1e · Youden cutoffs, sensitivity and specificity
#
# Cutoffs MIP3α {glue:text}`p1_fig1e_cutoff_mip3a__text` and Eotaxin {glue:text}`p1_fig1e_cutoff_eotaxin__text`;
# sensitivity {glue:text}`p1_fig1e_sens_mip3a__text` and {glue:text}`p1_fig1e_sens_eotaxin__text`, specificity
# {glue:text}`p1_fig1e_spec_mip3a__text` and {glue:text}`p1_fig1e_spec_eotaxin__text`.

# %% tags=["hide-input"]
display(result.frames["sens_spec"].set_index(["marker", "measure"]).round(2))
fig = sens_spec_figure(result.frames["sens_spec"], result.frames["cutoffs"])

# %% [markdown]
# ## Published and reproduced
#
# Every number of this page is recorded at once and compared with the paper.

# %% tags=["hide-input"]
record_all(result)
comparison(roc.IDS, reference_data=reference)
