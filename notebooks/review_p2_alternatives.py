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
# # Review · P2 (CD22): conclusions under reasonable alternatives
#
# For each published P value or CI that this cohort can recompute, the conclusion (P < 0.05; the CI excludes the
# null) under every alternative method shown on the methods pages, against the conclusion the paper printed.
# Here: the two-group P values (dose by transplant history, Fig. 2b and 3b: Student, Welch and four Mann-Whitney
# variants) and the two Spearman correlations of IL-2 and TNF-α with CAR-T expansion (Supp. Fig. 4: Spearman with
# the t-approximation, Pearson, Kendall with R's exact or normal P). The paper prints no P for these two, only
# that both are "significantly correlated": that is the published conclusion they are compared with.
# Kaplan-Meier and proportion intervals have no null value the paper tests, so they have no conclusion to flip
# and are not listed.
#
# ```{admonition} Reconstructed data
# :class: warning
# On the shipped cohort these numbers describe **synthetic** patients reconstructed from the papers' printed
# aggregates, not the trial. They show what a reviewer would compute on the real data, and what the
# reconstruction happens to give; they are not evidence about the trial.
# ```

# %% tags=["parameters"]
data_dir = "data/reconstructed"  # cohort folder holding cd22/
early_death_days = 30  # deaths before this day are the early deaths of Figure 3b

# %% tags=["hide-input"]
from IPython.display import HTML, display

from cartrepro.analysis.review import p2_alternatives, values_table
from cartrepro.contract import load_paper
from cartrepro.ledger.record import record_all
from cartrepro.pages.display import html_table

# %% [markdown]
# ## Which conclusions flip
#
# We load the cohort and run every panel. Of {glue:text}`review_p2_alt_conclusions__text` published
# conclusions recomputed, {glue:text}`review_p2_alt_flips__text` flip under at least one alternative.

# %% tags=["hide-input"]
tables = load_paper(data_dir, "cd22")
result = p2_alternatives(tables, early_death_days=early_death_days)
record_all(result)
display(HTML(html_table(values_table(result), default_format="{:.4g}")))

# %% [markdown]
# ## Every method, every conclusion
#
# One row per published number and method: the value on this cohort, its conclusion, and whether it
# differs from the paper's (`flips`). Numbers this cohort cannot recompute are listed after the table.

# %% tags=["hide-input"]
shown = result.frames.get("alternatives", values_table(result))
number = {"value": lambda v: v if isinstance(v, str) else f"{v:.4g}"}  # CIs are texts, P values numbers
display(HTML(html_table(shown, number, default_format="{:.4g}")))
print("not recomputable here:", ", ".join(result.frames.get("alternatives_skipped", [])) or "none")
