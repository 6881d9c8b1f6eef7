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

# %% tags=["hide-input"]
import pandas as pd
from IPython.display import HTML, display

from cartrepro import record
from cartrepro.analysis.cd22 import derive as derive
from cartrepro.analysis.cd22 import response as response
from cartrepro.contract import load_paper
from cartrepro.figures.groups import dot_groups, forest
from cartrepro.figures.rates import response_bars
from cartrepro.ledger.record import comparison, skip
from cartrepro.paths import is_shipped_cohort
from cartrepro.stats.groups import student_t
from cartrepro.stats.proportions import proportion_ci

patients = load_paper(data_dir, "cd22")["patients"]
reference = is_shipped_cohort(data_dir, "cd22")
counts = response.response_counts(patients)


def rate(ledger_id, group, responses):
    """Record k/n of a group in percent; return the row of the rates table."""
    k, n = response.count(counts, group, responses)
    if n == 0:
        skip([ledger_id], f"no evaluated patient in the group {response.GROUP_LABELS[group]}")
        return None
    ci = proportion_ci(k, n)
    record(ledger_id, 100 * k / n)
    return {"rate": ledger_id, "k/n": f"{k}/{n}", "%": f"{100 * k / n:.1f}",
            "95% CI (Clopper-Pearson)": f"{100 * ci.ci_low:.1f}–{100 * ci.ci_high:.1f}"}


# %% [markdown]
# ## Who was evaluated
#
# {glue:text}`p2_resp_early_deaths__text` patients died before day 30; {glue:text}`p2_resp_n_evaluated__text`
# were evaluated.

# %% tags=["hide-input"]
early = response.early_deaths(patients, early_death_days)
record("p2_resp_early_deaths", int(early.sum()))
record("p2_resp_early_death_day10", int((patients.loc[early, "death_day"] == 10).sum()))
day15 = patients.loc[early, "day15_response"]
if day15.notna().any():
    record("p2_resp_early_death_cri", int(day15.isin(derive.CR_RESPONSES).sum()))
    record("p2_resp_early_death_nr", int((day15 == "no_response").sum()))
else:
    skip(["p2_resp_early_death_cri", "p2_resp_early_death_nr"], "no day-15 assessment recorded (day15_response)")
record("p2_resp_n_evaluated", int(response.evaluated(patients).sum()))
comparison([e for e in ("p2_resp_early_deaths p2_resp_early_death_day10 p2_resp_early_death_cri "
                        "p2_resp_early_death_nr p2_resp_n_evaluated").split()], reference_data=reference)

# %% [markdown]
# ## Figure 2a · Response by disease status at baseline
#
# CR/CRi in {glue:text}`p2_fig2a_cr_evaluated__text` of the evaluated patients. Of all 34 enrolled
# patients {glue:text}`p2_resp_cr_enrolled__text` reached CR on day 30: the paper prints 70.5, a
# truncation of 24/34 = 70.59% (ledger inconsistency `pct_24_34`).

# %% tags=["hide-input"]
cr = derive.CR_RESPONSES
rows = [rate("p2_fig2a_cr_evaluated", response.ALL_EVALUATED, cr),
        rate("p2_fig2a_cr_hr", "hematological_relapse", cr),
        rate("p2_fig2a_mrdneg_hr", "hematological_relapse", "cr_mrd_negative"),
        rate("p2_fig2a_mrd_conversion", "fcm_mrd_positive", cr),
        rate("p2_fig2a_cr_emd", "exclusive_emd", cr),
        rate("p2_disc_mrdneg_evaluated", response.ALL_EVALUATED, "cr_mrd_negative")]
k_cr = int(derive.complete_remission(patients).sum())
record("p2_resp_cr_enrolled", 100 * k_cr / len(patients))
for ledger_id, group, resp in (("p2_fig2a_pr_emd", "exclusive_emd", "partial_response"),
                               ("p2_fig2a_derived_mrdneg_cr", response.ALL_EVALUATED, "cr_mrd_negative"),
                               ("p2_fig2a_derived_mrdpos_cr", response.ALL_EVALUATED, "cr_mrd_positive"),
                               ("p2_fig2a_derived_pr", response.ALL_EVALUATED, "partial_response"),
                               ("p2_fig2a_derived_nr", response.ALL_EVALUATED, "no_response"),
                               ("p2_fig2a_derived_nr_hr", "hematological_relapse", "no_response"),
                               ("p2_fig2a_derived_nr_mrdpos", "fcm_mrd_positive", "no_response"),
                               ("p2_fig2a_derived_nr_emd", "exclusive_emd", "no_response"),
                               ("p2_resp_objective_responders", response.ALL_EVALUATED, response.OBJECTIVE_RESPONSES)):
    record(ledger_id, response.count(counts, group, resp)[0])
display(HTML(pd.DataFrame([r for r in rows if r]).to_html(index=False)))
fig = response_bars(counts, title="Figure 2a  Response on day 30", group_labels=response.GROUP_LABELS,
                    response_labels=response.RESPONSE_LABELS)

# %% [markdown]
# The partial responder's extramedullary mass shrank from 10.0 × 5.3 × 5.9 cm to 6.2 × 2.3 × 3.1 cm
# (published); reproduced: {glue:text}`p2_fig2a_pr_mass_before__text` →
# {glue:text}`p2_fig2a_pr_mass_after__text` cm.

# %% tags=["hide-input"]
pr = patients[patients["day30_response"] == "partial_response"]
sizes = {"p2_fig2a_pr_mass_before": "emd_size_before_cm", "p2_fig2a_pr_mass_after": "emd_size_day30_cm"}
if len(pr) == 1 and all(pr[c].notna().all() for c in sizes.values()):
    for ledger_id, column in sizes.items():
        record(ledger_id, [float(x) for x in str(pr[column].iloc[0]).split("x")])
else:
    skip(list(sizes), f"{len(pr)} partial responders, or their mass sizes are not recorded")

# %% tags=["hide-input"]
comparison([e for e in ("p2_fig2a_cr_evaluated p2_resp_cr_enrolled p2_fig2a_cr_hr p2_fig2a_mrdneg_hr "
                        "p2_fig2a_mrd_conversion p2_fig2a_cr_emd p2_fig2a_pr_emd p2_fig2a_pr_mass_before "
                        "p2_fig2a_pr_mass_after p2_disc_mrdneg_evaluated p2_fig2a_derived_mrdneg_cr "
                        "p2_fig2a_derived_mrdpos_cr p2_fig2a_derived_pr p2_fig2a_derived_nr p2_fig2a_derived_nr_hr "
                        "p2_fig2a_derived_nr_mrdpos p2_fig2a_derived_nr_emd p2_resp_objective_responders").split()],
           reference_data=reference)

# %% [markdown]
# ## Figure 2b · CAR-T expansion and response
#
# Peak CAR-T level of objective responders (CR/CRi or PR) versus non-responders among the evaluated:
# Student's t gives P = {glue:text}`p2_fig2b_p_expansion_response__text` (published 0.048).
# {glue:text}`p2_fig2b_nr_no_expansion__text` non-responders showed no expansion at all.

# %% tags=["hide-input"]
assessed = patients[response.evaluated(patients)]
peak = assessed["peak_car_pct_cd3"].astype(float)
objective = assessed["day30_response"].isin(response.OBJECTIVE_RESPONSES).to_numpy()
no_response = (assessed["day30_response"] == "no_response").to_numpy()
measured = peak.notna().to_numpy()
a, b = peak[objective & measured], peak[no_response & measured]
if len(a) and len(b) and len(a) + len(b) >= 3:
    record("p2_fig2b_p_expansion_response", student_t(a, b).p_value)
else:
    skip(["p2_fig2b_p_expansion_response"], "responders or non-responders have no measured peak")
record("p2_fig2b_nr_no_expansion", int((peak[no_response & measured] == 0).sum()))
fig = dot_groups({"responders": a, "non-responders": b}, title="Figure 2b  Peak CAR-T cells and response",
                 ylabel="Peak CAR+ of CD3+ cells (%)")

# %% tags=["hide-input"]
comparison(["p2_fig2b_p_expansion_response", "p2_fig2b_nr_no_expansion"], reference_data=reference)

# %% [markdown]
# ## Figure 2c · CR rate by baseline subgroup
#
# Among the evaluated patients, with exact 95% CIs. The paper's values are only in the figure (no
# verdict); its cut-points are not stated, so adults are 18 or older and a high marrow burden is 50%
# blasts or more here. High-risk gene mutations and fusion genes, two of the paper's subgroups, are not
# in the data: those rows cannot be rebuilt.

# %% tags=["hide-input"]
groups = derive.subgroups(assessed)
rates = derive.subgroup_rates(assessed["day30_response"].isin(derive.CR_RESPONSES), groups)
for ledger_id, section in (("p2_fig2c_cr_by_previous_transplantation", "Previous allo-HCT"),
                           ("p2_fig2c_cr_by_disease_burden", "Marrow burden")):
    record(ledger_id, [100 * r for r in rates.loc[rates["section"] == section, "estimate"]])
skip(["p2_fig2c_cr_by_high_risk_gene_mutations", "p2_fig2c_cr_by_fusion_genes"],
     "mutation and fusion-gene status are not in the data contract")
fig = forest(rates, title="Figure 2c  CR rate by subgroup (evaluated patients)", xlabel="CR rate (95% CI)")
