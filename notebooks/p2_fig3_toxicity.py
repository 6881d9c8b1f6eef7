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
# # Figure 3 · Cytokine release syndrome, neurotoxicity and early deaths
#
# *P2 (Pan et al., Leukemia 2019), Results "Adverse effects" and Figure 3.* CRS graded by Lee et al.,
# neurotoxicity by CTCAE 4.03; onset and resolution in days after infusion.
#
# ```{admonition} Reconstructed data
# :class: warning
# On the shipped cohort these are **synthetic** patients (see [the reconstruction](p2_reconstruction.ipynb)).
# ```
#
# **Methods:** counts and percentages; medians with ranges (SPSS); two-group comparisons of peak
# expansion by unpaired two-tailed Student's t-test (the Methods' test; the legend does not name it, so
# these P values are *constructions*); subgroup rates with exact Clopper-Pearson 95% CIs.

# %% tags=["parameters"]
data_dir = "data/reconstructed"  # cohort folder holding cd22/
early_death_days = 30  # "died within 30 days during CAR T-cell treatment"

# %% [markdown]
# We load the patient table, compute the page's five steps with `cartrepro.analysis.cd22.toxicity` (the
# functions `cartrepro results` runs) and record them.

# %% tags=["hide-input"]
from IPython.display import display

from cartrepro.analysis.cd22 import toxicity
from cartrepro.contract import load_paper
from cartrepro.figures.groups import dot_groups, forest, grade_strips
from cartrepro.ledger.record import comparison, record_all
from cartrepro.paths import is_shipped_cohort

patients = load_paper(data_dir, "cd22")["patients"]
reference = is_shipped_cohort(data_dir, "cd22")
grades, episodes = toxicity.grades(patients), toxicity.episodes(patients)
fig3b, fig3c = toxicity.fig3b(patients, early_death_days), toxicity.fig3c(patients, early_death_days)
deaths = toxicity.deaths(patients, early_death_days)
record_all(grades, episodes, fig3b, fig3c, deaths)

# %% [markdown]
# ## Figure 3a · Grades
#
# CRS occurred in {glue:text}`p2_fig3a_crs_any__text` of patients; grade 1–2 in
# {glue:text}`p2_fig3a_crs_g12__text`, grade 3 or more in {glue:text}`p2_fig3a_crs_g_ge3__text`.
# The right panel of the paper's Figure 3a (the grade of each CRS symptom) needs symptom-level data that
# the text does not give; it is not rebuilt.

# %% tags=["hide-input"]
fig = grade_strips(grades.frames["grades"], title="Figure 3a  CRS and neurotoxicity grades")

# %% tags=["hide-input"]
comparison(list(grades), reference_data=reference)

# %% [markdown]
# ## Onset and resolution
#
# The text says mild or moderate CRS "resolved fully within 1 week"; the longest grade 1–2 episode here
# lasts {glue:text}`p2_crs_g12_resolved_within__text` days. No data that keep the paper's own words can
# give a week: the paper lists fever and transaminitis among the manifestations of CRS, says CRS "may
# contribute" to the VOD patient's death and describes his "fever and mild transaminitis ... (grade 2)
# during day 6 to 16"; the only CRS of grade 3 or more is the grade-5 DLI patient, so he is one of the 30
# grade 1–2 patients and his episode lasts 16 − 6 = 10 days (ledger inconsistency `crs_within_week`; a
# unit test works this through).

# %% tags=["hide-input"]
comparison(list(episodes), reference_data=reference)

# %% [markdown]
# ## Figure 3b · Peak CAR-T expansion, severe adverse events and neurotoxicity
#
# Severe adverse events are the 4 that led to death (one grade-5 CRS, two infections, one VOD): the
# early deaths. Student's t gives P = {glue:text}`p2_fig3b_p_severe_ae__text` (published 0.361) and, for
# neurotoxicity of any grade, P = {glue:text}`p2_fig3b_p_neuro__text` (published 0.518).

# %% tags=["hide-input"]
fig = dot_groups(fig3b.frames["groups"], title="Figure 3b  Peak CAR-T cells", ylabel="Peak CAR+ of CD3+ cells (%)")

# %% tags=["hide-input"]
comparison(list(fig3b), reference_data=reference)

# %% [markdown]
# ## Figure 3c · Severe adverse events by subgroup (illustrative)
#
# ```{important}
# **Illustrative panel.** The paper shows these rates only in its figure and gives neither which patient
# belongs to which subgroup nor the cut-points. On the shipped cohort the subgroup membership is a seeded
# random allocation of the reconstruction, so the panel shows what the computation does, not what the
# trial found; no verdict is possible.
# ```
#
# Rates with exact 95% CIs; adults are 18 or older and a high marrow burden is 50% blasts or more here.

# %% tags=["hide-input"]
fig = forest(fig3c.frames["rates"], xlabel="Severe AE rate (95% CI)",
             title="Figure 3c  Severe AEs by subgroup\nILLUSTRATIVE: subgroups not given by the paper")

# %% [markdown]
# ## Early deaths
#
# Four patients died within 30 days; the paper describes each of them. The days of the assessments
# (MRD-negative CRi of the VOD patient, no remission of the patient with Aspergillus pneumonia) come from
# the day-15 assessment column of the patient table (`day15_response`).

# %% tags=["hide-input"]
display(deaths.frames["causes"])
comparison(list(deaths), reference_data=reference)
