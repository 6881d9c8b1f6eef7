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
# # Review · Where the papers disagree with themselves
#
# Before any data: in places the papers' printed numbers contradict each other or the arithmetic. The
# project's ledgers list every such place with the reading the book adopts. The scorecard shows an item
# only beside a number it touches; many touch no single number (two lists of patient ids, a legend's typo,
# a test left unnamed), so this page lists them all, per paper.
#
# Each row gives what the paper prints and what its own numbers give; whether any data at all could give
# the printed digits (where none can, the scorecard compares the computed value with the value the
# arithmetic gives and calls the match "unattainable as printed"); and the published numbers the item
# touches, linked to their scorecard rows. Where the book's reading rests on an assumption the text cannot
# confirm, the sentence says so. This page reads the ledgers only: it is the same for every cohort.

# %% tags=["hide-input"]
from IPython.display import HTML, display

from cartrepro.pages.display import html_table
from cartrepro.pages.inconsistencies import inconsistency_counts, inconsistency_table

# %% [markdown]
# ## How many
#
# We count, per paper, the items, those whose printed digits no data can give, and those that touch no
# number on the scorecard.

# %% tags=["hide-input"]
display(HTML(html_table(inconsistency_counts())))

# %% [markdown]
# ## P2 · CD22 CAR T cells in r/r B-ALL
#
# The P2 ledger's items, in its order.

# %% tags=["hide-input"]
display(HTML(html_table(inconsistency_table("cd22"), escape=False, scroll=True)))

# %% [markdown]
# ## P1 · Sequential CAR19/22 T cells in B-ALL and B-NHL
#
# The P1 ledger's items, in its order.

# %% tags=["hide-input"]
display(HTML(html_table(inconsistency_table("car1922"), escape=False, scroll=True)))
