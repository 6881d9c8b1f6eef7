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

# %% tags=["hide-input"]
import pandas as pd

from cartrepro import not_computable, record
from cartrepro.analysis.cd22 import derive as derive
from cartrepro.contract import load_paper
from cartrepro.ledger.record import comparison
from cartrepro.paths import is_shipped_cohort

patients = load_paper(data_dir, "cd22")["patients"]
reference = is_shipped_cohort(data_dir, "cd22")
by_id = patients.set_index(patients["patient_id"].astype(str))

for pid in ("11", "27", "33", "13"):
    ledger_id = f"p2_fig5_relapse_pt{pid}"
    if pid in by_id.index and pd.notna(by_id.loc[pid, "relapse_day"]):
        record(ledger_id, float(derive.months(float(by_id.loc[pid, "relapse_day"]))))
    else:
        not_computable(ledger_id, f"no patient {pid} with a relapse day in this data")

b_cells = patients["normal_b_cells_at_relapse"]
if b_cells.notna().any():
    record("p2_disc_relapsed_normal_b", int(b_cells.astype("boolean").sum()))
else:
    not_computable("p2_disc_relapsed_normal_b", "the optional column normal_b_cells_at_relapse is absent or empty")
not_computable("p2_fig5d_normal_b", "percentages of normal B cells over time are not in the data contract")

pr = patients[patients["day30_response"] == "partial_response"]
if len(pr) == 1 and pr["relapse_day"].notna().all():
    record("p2_ltf_emd_pr_relapse_day", float(pr["relapse_day"].iloc[0]))
else:
    not_computable("p2_ltf_emd_pr_relapse_day", f"{len(pr)} partial responders with a relapse day")
comparison([f"p2_fig5_relapse_pt{pid}" for pid in ("11", "27", "33", "13")]
           + ["p2_disc_relapsed_normal_b", "p2_fig5d_normal_b", "p2_ltf_emd_pr_relapse_day"], reference_data=reference)
