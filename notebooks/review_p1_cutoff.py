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
# # Review · Optimism of a data-chosen marker and cutoff
#
# *P1 Fig. 1d-1g.* MIP3α was picked from the screen, its ROC area and its Youden cutoff were estimated on
# the same training specimens, and the PFS log-rank P (printed 0.0049) was computed at that cutoff. Each
# step chose something from the data and then scored it on the same data, so each score is optimistic.
#
# ```{admonition} Reconstructed data
# :class: warning
# On the shipped cohort these numbers describe **synthetic** patients reconstructed from the papers' printed
# aggregates, not the trial. They show what a reviewer would compute on the real data, and what the
# reconstruction happens to give; they are not evidence about the trial.
# ```
#
# **Methods:** Harrell's bootstrap optimism correction (stratified resampling of NR/ER and remission
# specimens, seeded); the maximally selected log-rank statistic with Lausen and Schumacher's (1992) P, as
# R `maxstat.test(..., smethod = "LogRank", pmethod = "Lau92", minprop = 0.1, maxprop = 0.9)`.

# %% tags=["parameters"]
data_dir = "data/reconstructed"  # cohort folder holding car1922/
analyte = "MIP3α"  # the marker whose cutoff is reviewed
window_months = 6.0  # the NR/ER rule
n_boot = 1000  # bootstrap resamples
seed = 20240101  # seed of the bootstrap resamples
minprop = 0.1  # smallest share of specimens below a cutpoint
maxprop = 0.9  # largest share of specimens below a cutpoint

# %% tags=["hide-input"]
from IPython.display import HTML, display

from cartrepro.analysis.review import cutoff_optimism, values_table
from cartrepro.contract import load_paper
from cartrepro.ledger.record import record_all
from cartrepro.pages.display import html_table

# %% [markdown]
# ## The corrections
#
# We load the P1 cohort and run the three corrections. The screen's pick has a training ROC area of
# {glue:text}`review_p1_mip3a_auc_apparent__text`; the bootstrap, which repeats the choice of the marker
# among all analytes and of its direction in every resample, puts the optimism at
# {glue:text}`review_p1_mip3a_auc_optimism__text` and the corrected area at
# {glue:text}`review_p1_mip3a_auc_optimism_corrected__text`. The cutoff's balanced accuracy falls from
# {glue:text}`review_p1_mip3a_youden_accuracy_apparent__text` to
# {glue:text}`review_p1_mip3a_youden_accuracy_corrected__text`.

# %% tags=["hide-input"]
tables = load_paper(data_dir, "car1922")
result = cutoff_optimism(tables, analyte=analyte, window_months=window_months, n_boot=n_boot, seed=seed,
                         minprop=minprop, maxprop=maxprop)
record_all(result)
print("marker the screen selects (largest two-sided training ROC area):", result.frames.get("selected_analyte"))
display(HTML(html_table(values_table(result), default_format="{:.4g}")))

# %% [markdown]
# ## The log-rank P of a chosen cutoff
#
# The paper printed a PFS log-rank P of 0.0049 at the training cutoff. At the cutpoint that splits this
# cohort's PFS best, the uncorrected log-rank P is {glue:text}`review_p1_mip3a_cutoff_best_split_logrank_p__text`;
# treated as what it is, the maximum over all cutpoints between the 10% and 90% quantiles, its P is
# {glue:text}`review_p1_mip3a_cutoff_maxstat_p__text`. The honest test of the cutoff is the validation cohort,
# where it was fixed in advance: the log-rank P there is on the [MIP3α page](p1_fig1fi_mip3a.ipynb)
# (`p1_fig1i_logrank_p`).
