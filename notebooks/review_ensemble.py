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
# # Review · What the text pins down
#
# The shipped cohorts are one draw of each generator. Any seed the generator accepts gives a cohort that
# meets every published constraint, so the papers' text cannot tell it from the shipped one. Running the
# whole analysis on many such *admissible* cohorts and taking each quantity's range across them separates
# what the text determines (zero width) from what is one choice among many (a wide range: for instance
# subgroup rates, values only shown in figures, or who has which event).
#
# The ensemble is expensive (each P1 cohort takes tens of seconds to generate), so it is precomputed with
# `make ensemble` into the committed, versioned table `data/review/ensemble.csv` (its seeds and counts are
# in `data/review/ensemble.json`); this page only reads it. It describes the shipped generators, not any
# user's cohort.
#
# **Engine:** `cartrepro.analysis.review.ensemble.run_ensemble`, one task per (paper, seed), in parallel
# with joblib; the same call runs on a Dask cluster through joblib's Dask backend:
#
# ```python
# from dask.distributed import Client, LocalCluster
# from cartrepro.analysis.review.ensemble import run_ensemble
# with LocalCluster(n_workers=2, threads_per_worker=1) as cluster, Client(cluster):
#     members = run_ensemble(range(1, 51), n_jobs=-1, backend="dask")
# ```

# %% tags=["hide-input"]
from IPython.display import HTML, Markdown, display

from cartrepro.analysis.review.ensemble import overview
from cartrepro.pages.display import html_table

# %% [markdown]
# ## The table
#
# We read the committed table and say how many admissible cohorts it rests on, then count per paper the
# quantities the text determines and those it leaves open.

# %% tags=["hide-input"]
sentence, counts, widest, review = overview()
display(Markdown(sentence))
display(HTML(html_table(counts)))

# %% [markdown]
# ## The widest ranges
#
# The quantities with the widest range relative to their size, per paper: on the shipped cohort, their
# value is one admissible choice, not something the paper's text fixes.

# %% tags=["hide-input"]
display(HTML(html_table(widest, default_format="{:.4g}")))

# %% [markdown]
# ## Do the review's own findings hold across admissible cohorts?
#
# The same ranges for the Review part's quantities (multiplicity, optimism, flips): where one of them
# varies, the review's finding on the shipped cohort is itself one admissible outcome among several.

# %% tags=["hide-input"]
display(HTML(html_table(review, default_format="{:.4g}")))
