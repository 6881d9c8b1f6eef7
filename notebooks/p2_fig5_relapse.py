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
# # Figure 5 · Relapsed patients
#
# *P2 (Pan et al., Leukemia 2019), Results "Leukemic CD22 expression and normal B cells in relapsed
# patients" and Figure 5.* Figure 5a-c are laboratory results (flow cytometry plots, RT-PCR gels,
# transcriptome) that no patient table can reproduce; what the text states about the relapsed patients
# is checked here.
#
# ```{admonition} Reconstructed data
# :class: warning
# On the shipped cohort these are **synthetic** patients (see [the reconstruction](p2_reconstruction.ipynb)).
# ```
#
# The Fig 5 paragraph rounds the relapse times of patients 11 and 33 (2 and 4 months), the Long-term
# paragraph gives 1.7 to 6 months with a median of 3.4: the reconstruction uses 1.7 and 4.2 months, which
# satisfy both (ledger inconsistency `fig5_relapse_times`).

# %% tags=["parameters"]
data_dir = "data/reconstructed"  # cohort folder holding cd22/

# %% [markdown]
# We load the patient table, compute the facts about the relapsed patients with
# `cartrepro.analysis.cd22.relapse` (the function `cartrepro results` runs), record them and compare them
# with the paper. The named patients are found by their `patient_id`.

# %% tags=["hide-input"]
from cartrepro.analysis.cd22 import relapse
from cartrepro.contract import load_paper
from cartrepro.ledger.record import comparison, record_all
from cartrepro.paths import is_shipped_cohort

tables = load_paper(data_dir, "cd22")
reference = is_shipped_cohort(data_dir, "cd22")
relapsed = relapse.relapsed_patients(tables)
record_all(relapsed)
comparison(list(relapsed), reference_data=reference)
