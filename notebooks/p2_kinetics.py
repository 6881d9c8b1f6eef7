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
# # CAR-T expansion, persistence and cytokines
#
# *P2 (Pan et al., Leukemia 2019), Results after Figure 2 and Supplementary Figures 3-4.* CAR-T cells
# measured in peripheral blood by flow cytometry: peak level, day of the peak, fold expansion and how long
# they stayed detectable; serum IL-2 and TNF-α against the expansion kinetics (Spearman).
#
# ```{admonition} Reconstructed data
# :class: warning
# On the shipped cohort these are **synthetic** patients (see [the reconstruction](p2_reconstruction.ipynb)).
# ```
#
# **Conventions (stated because the paper leaves them open):** the peak-day range counts patients alive
# after day 15 whose CAR-T cells expanded (the two day-10 deaths peaked earlier); the fold range counts
# patients with expansion; the Spearman correlations use one value per patient (the paper does not say
# whether its n counts patients or time points), so they are *constructions*.

# %% tags=["parameters"]
data_dir = "data/reconstructed"  # cohort folder holding cd22/
peak_window_end = 15  # the paper's peak window is days 12 to 15

# %% [markdown]
# We load the patient table, compute the page's two steps with `cartrepro.analysis.cd22.kinetics` (the
# functions `cartrepro results` runs) and record them.

# %% tags=["hide-input"]
from IPython.display import display

from cartrepro.analysis.cd22 import kinetics
from cartrepro.contract import load_paper
from cartrepro.figures.groups import dot_groups
from cartrepro.ledger.record import comparison, record_all
from cartrepro.paths import is_shipped_cohort

patients = load_paper(data_dir, "cd22")["patients"]
reference = is_shipped_cohort(data_dir, "cd22")
expansion, cytokines = kinetics.expansion(patients, peak_window_end), kinetics.cytokines(patients)
record_all(expansion, cytokines)

# %% [markdown]
# ## Expansion and persistence
#
# Expansion peaked between days {glue:text}`p2_kin_peak_day_min__text` and
# {glue:text}`p2_kin_peak_day_max__text` ({glue:text}`p2_kin_peak_fold_min__text` to
# {glue:text}`p2_kin_peak_fold_max__text`-fold); CAR-T cells stayed detectable for a median of
# {glue:text}`p2_kin_persistence_median__text` days.

# %% tags=["hide-input"]
fig = dot_groups({"fold expansion": expansion.frames["fold"]}, title="Peak fold expansion",
                 ylabel="Fold (log scale)", log=True)

# %% tags=["hide-input"]
comparison(list(expansion), reference_data=reference)

# %% [markdown]
# ## Cytokines and expansion (Spearman)
#
# IL-2: ρ = {glue:text}`p2_kin_spearman_il2__text` (published 0.59); TNF-α: ρ =
# {glue:text}`p2_kin_spearman_tnfa__text` (published 0.43). Each correlation with its P value and the
# number of patients with both values:

# %% tags=["hide-input"]
display(cytokines.frames["spearman"].round(3))
comparison(list(cytokines), reference_data=reference)
