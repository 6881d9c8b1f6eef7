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
# # Table 1 · Baseline characteristics
#
# *P2 (Pan et al., Leukemia 2019), Table 1 and Results "Patient enrollment and clinical
# characteristics".* The paper's Table 1 itself is not in the text we have; its content is summarised
# in the Results, and every number printed there is reproduced below.
#
# ```{admonition} Reconstructed data
# :class: warning
# On the shipped cohort these are **synthetic** patients (see [the reconstruction](p2_reconstruction.ipynb)).
# ```
#
# **Method:** medians with minimum and maximum (SPSS: for an even count the median is the mean of the two
# middle values), counts with percentages of the stated denominator, the dose comparison by unpaired
# two-tailed Student's t-test (the Methods' test for two groups; the paper does not name the test at the
# point of use, so this P is a *construction*).

# %% tags=["parameters"]
data_dir = "data/reconstructed"  # cohort folder holding cd22/

# %% [markdown]
# We load the patient table, compute the page's three steps with `cartrepro.analysis.cd22.baseline` (the
# functions `cartrepro results` runs) and record them; the table below is the whole cohort at a glance.

# %% tags=["hide-input"]
from IPython.display import HTML, display

from cartrepro.analysis.cd22 import baseline
from cartrepro.contract import load_paper
from cartrepro.ledger.record import comparison, record_all
from cartrepro.pages.table1 import cd22_table1
from cartrepro.paths import is_shipped_cohort

patients = load_paper(data_dir, "cd22")["patients"]
reference = is_shipped_cohort(data_dir, "cd22")
enrollment, expression, dose = (baseline.enrollment(patients), baseline.cd22_expression(patients),
                                baseline.dose(patients))
record_all(enrollment, expression, dose)
display(HTML(cd22_table1(patients).tableone.to_html()))

# %% [markdown]
# ## Patients and baseline disease
#
# Of {glue:text}`p2_n_enrolled__text` patients, {glue:text}`p2_base_cd19cart_failed__text` had failed CD19
# CAR-T therapy and {glue:text}`p2_base_prior_hct__text` had a previous allo-HCT.

# %% tags=["hide-input"]
comparison(list(enrollment), reference_data=reference)

# %% [markdown]
# ## CD22 expression before enrollment
#
# Where CD22 was shown on the blasts (marrow or extramedullary disease, by flow cytometry) and whether any
# patient had CD22-directed therapy before; both come from optional columns of the contract.

# %% tags=["hide-input"]
comparison(list(expression), reference_data=reference)

# %% [markdown]
# ## CAR-T dose: transplanted versus not transplanted
#
# Previously transplanted patients received lower doses, by protocol. Student's t-test gives
# P = {glue:text}`p2_dose_p__text` (published 0.001).

# %% tags=["hide-input"]
comparison(list(dose), reference_data=reference)
