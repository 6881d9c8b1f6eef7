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
# # Review · Multiplicity of the 70-analyte screen
#
# *P1 Fig. 1c and supplementary Table 4.* The paper compared 70 analytes between NR/ER and > 6-month
# remission, in all training patients and then within B-ALL and within B-NHL, and called P < 0.05 a hit
# without adjusting for the number of comparisons. Two analytes (MIP3α and Eotaxin) were hits in both
# diseases. This page asks how many hits survive an adjustment, and how surprising the overlap is.
#
# ```{admonition} Reconstructed data
# :class: warning
# On the shipped cohort these numbers describe **synthetic** patients reconstructed from the papers' printed
# aggregates, not the trial. They show what a reviewer would compute on the real data, and what the
# reconstruction happens to give; they are not evidence about the trial.
# ```
#
# **Methods:** exact Mann-Whitney P per analyte (as the screen page); Benjamini-Hochberg q values (R
# `p.adjust(p, "BH")`); Bonferroni (P < 0.05 / m); the overlap's upper-tail hypergeometric probability
# (R `phyper`). Every statistic is checked against R in frozen fixtures.

# %% tags=["parameters"]
data_dir = "data/reconstructed"  # cohort folder holding car1922/
window_months = 6.0  # the NR/ER rule
alpha = 0.05  # significance level of a raw hit and of the adjusted survivors

# %% tags=["hide-input"]
from IPython.display import HTML, display

from cartrepro.analysis.review import screen_multiplicity, values_table
from cartrepro.analysis.review.screen import hits_table
from cartrepro.contract import load_paper
from cartrepro.ledger.record import record_all
from cartrepro.pages.display import html_table

# %% [markdown]
# ## The screens, adjusted
#
# We load the P1 cohort and run the three screens (all training patients, B-ALL, B-NHL), then count the raw
# hits and the survivors of each adjustment. In B-ALL {glue:text}`review_p1_screen_raw_hits_ball__text`
# analytes have P < 0.05 and {glue:text}`review_p1_screen_bh_survivors_ball__text` survive BH at q < 0.05;
# in B-NHL {glue:text}`review_p1_screen_raw_hits_bnhl__text` and
# {glue:text}`review_p1_screen_bh_survivors_bnhl__text`.

# %% tags=["hide-input"]
tables = load_paper(data_dir, "car1922")
result = screen_multiplicity(tables, window_months=window_months, alpha=alpha)
record_all(result)
display(HTML(html_table(values_table(result), default_format="{:.4g}")))

# %% [markdown]
# ## Which analytes, with their q values
#
# Every analyte with raw P < 0.05 in at least one of the three screens, with its P and BH q value in each.

# %% tags=["hide-input"]
display(HTML(html_table(hits_table(result, alpha), default_format="{:.4f}")))

# %% [markdown]
# ## How surprising is the overlap?
#
# If the B-ALL and B-NHL hit lists were unrelated draws of their sizes from the same analytes, they would
# share {glue:text}`review_p1_screen_overlap_expected__text` analytes on average; the chance of sharing at
# least the observed {glue:text}`review_p1_screen_overlap_observed__text` is
# {glue:text}`review_p1_screen_overlap_p__text`. A small value says the two screens agree more than chance
# would make them; it does not rescue the individual hits from the multiplicity above, since the screens
# share the analytes' correlation structure and the selection of the panel.
