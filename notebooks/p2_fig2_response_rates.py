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
# # Figure 2 · Response rate
#
# *P2 (Pan et al., Leukemia 2019), Results "Response rate" and Figure 2.* Response on day 30 (bone marrow
# and radiology): complete remission with or without MRD (FCM, sensitivity 0.01%), partial response, no
# response. Four patients died before day 30 and were not evaluated.
#
# ```{admonition} Reconstructed data
# :class: warning
# On the shipped cohort these are **synthetic** patients (see [the reconstruction](p2_reconstruction.ipynb)).
# ```
#
# **Methods:** rates with exact Clopper-Pearson 95% CIs (the paper's Methods); expansion versus response
# by unpaired two-tailed Student's t-test (the legend does not name the test: a *construction*).

# %% tags=["parameters"]
data_dir = "data/reconstructed"  # cohort folder holding cd22/
early_death_days = 30  # "the 30 patients who survived for 30 days or longer"

# %% [markdown]
# We load the patient table, compute the four steps of the page with `cartrepro.analysis.cd22.response`
# (the functions `cartrepro results` runs) and record them.

# %% tags=["hide-input"]
from IPython.display import HTML, display

from cartrepro.analysis.cd22 import response
from cartrepro.contract import load_paper
from cartrepro.figures.groups import dot_groups, forest
from cartrepro.figures.rates import response_bars
from cartrepro.ledger.record import comparison, record_all
from cartrepro.paths import is_shipped_cohort

patients = load_paper(data_dir, "cd22")["patients"]
reference = is_shipped_cohort(data_dir, "cd22")
evaluated, fig2a, fig2b, fig2c = (response.evaluation(patients, early_death_days), response.fig2a(patients),
                                  response.fig2b(patients), response.fig2c(patients))
record_all(evaluated, fig2a, fig2b, fig2c)

# %% [markdown]
# ## Who was evaluated
#
# {glue:text}`p2_resp_early_deaths__text` patients died before day 30; {glue:text}`p2_resp_n_evaluated__text`
# were evaluated.

# %% tags=["hide-input"]
comparison(list(evaluated), reference_data=reference)

# %% [markdown]
# ## Figure 2a · Response by disease status at baseline
#
# CR/CRi in {glue:text}`p2_fig2a_cr_evaluated__text` of the evaluated patients. Of all 34 enrolled
# patients {glue:text}`p2_resp_cr_enrolled__text` reached CR on day 30: the paper prints 70.5, a
# truncation of 24/34 = 70.59% (ledger inconsistency `pct_24_34`). The rates with their exact CIs:

# %% tags=["hide-input"]
display(HTML(fig2a.frames["rates"].to_html(index=False)))
fig = response_bars(fig2a.frames["counts"], title="Figure 2a  Response on day 30",
                    group_labels=response.GROUP_LABELS, response_labels=response.RESPONSE_LABELS)

# %% [markdown]
# The partial responder's extramedullary mass shrank from 10.0 × 5.3 × 5.9 cm to 6.2 × 2.3 × 3.1 cm
# (published); reproduced: {glue:text}`p2_fig2a_pr_mass_before__text` →
# {glue:text}`p2_fig2a_pr_mass_after__text` cm.

# %% tags=["hide-input"]
comparison(list(fig2a), reference_data=reference)

# %% [markdown]
# ## Figure 2b · CAR-T expansion and response
#
# Peak CAR-T level of objective responders (CR/CRi or PR) versus non-responders among the evaluated:
# Student's t gives P = {glue:text}`p2_fig2b_p_expansion_response__text` (published 0.048).
# {glue:text}`p2_fig2b_nr_no_expansion__text` non-responders showed no expansion at all.

# %% tags=["hide-input"]
fig = dot_groups(fig2b.frames["groups"], title="Figure 2b  Peak CAR-T cells and response",
                 ylabel="Peak CAR+ of CD3+ cells (%)")

# %% tags=["hide-input"]
comparison(list(fig2b), reference_data=reference)

# %% [markdown]
# ## Figure 2c · CR rate by baseline subgroup (illustrative)
#
# ```{important}
# **Illustrative panel.** The paper shows these rates only in its figure and gives neither which patient
# belongs to which subgroup nor the cut-points. On the shipped cohort the subgroup membership (prior HCT,
# marrow burden, extramedullary disease, age) is a seeded random allocation of the reconstruction, so
# these rates show what the computation does, not what the trial found; only the counts the text gives are
# checked elsewhere on this page.
# ```
#
# Among the evaluated patients, with exact 95% CIs; adults are 18 or older and a high marrow burden is 50%
# blasts or more here. High-risk gene mutations and fusion genes, two of the paper's subgroups, are not
# in the data: those rows cannot be rebuilt.

# %% tags=["hide-input"]
fig = forest(fig2c.frames["rates"], xlabel="CR rate (95% CI), evaluated patients",
             title="Figure 2c  CR rate by subgroup\nILLUSTRATIVE: subgroups not given by the paper")
