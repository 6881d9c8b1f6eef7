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
# # Supplementary Fig. 3a-b, 3l · Overall and progression-free survival
#
# *P1 (sequential CAR19/22 T cells), Results "Patient characteristics", Discussion and supplementary
# Fig. 3.* The paper gives the 12-month overall survival (OS) and progression-free survival (PFS) of each
# disease with 95% confidence intervals, and compares B-NHL patients with grade 3-5 and grade 0-2 CRS.
#
# ```{admonition} Reconstructed data
# :class: warning
# On the shipped cohort these numbers come from **synthetic** patients reconstructed from the paper's
# published aggregates (see [the reconstruction](p1_reconstruction.ipynb)); they are not trial data.
# ```
#
# **Method:** Kaplan-Meier from the infusion, all patients of a disease (35 and 84; HSCT is not a
# censoring event), Greenwood variance, log(-log) 95% interval (R `survfit(conf.type = "log-log")`): the
# asymmetric published intervals agree with this transform only. CRS groups are compared with the
# log-rank (Mantel-Cox) test. The paper does not name the endpoint of supplementary Fig. 3l; PFS is
# assumed (the text argues that efficacy was not associated with CRS).

# %% tags=["parameters"]
data_dir = "data/reconstructed"  # cohort folder holding car1922/
horizon_days = 365.25  # "12 months"
conf_type = "log-log"  # CI transform: the paper's; also "log" or "plain"
crs_endpoint = "pfs"  # endpoint of supplementary Fig. 3l: "pfs" (assumed) or "os"

# %% tags=["hide-input"]
from IPython.display import display

from cartrepro.analysis.car1922 import survival
from cartrepro.contract import load_paper
from cartrepro.figures.car1922 import crs_figure, survival_by_disease_figure
from cartrepro.ledger.record import comparison, record_all
from cartrepro.paths import is_shipped_cohort, resolve_data_dir

tables = load_paper(resolve_data_dir(data_dir), "car1922")
reference = is_shipped_cohort(data_dir, "car1922")

# %% [markdown]
# ## Supplementary Fig. 3a · Overall survival
#
# 12-month OS: B-ALL **{glue:text}`p1_s3a_os12_ball__text`** (published 78.86%, 60.70–89.32), B-NHL
# **{glue:text}`p1_s3a_os12_bnhl__text`** (published 53.06%, 41.81–63.10). The estimates of both endpoints
# are computed in one step; the table shows the event counts behind each.

# %% tags=["hide-input"]
twelve = survival.twelve_month(tables, horizon_days, conf_type)
fig = survival_by_disease_figure(twelve.frames["survival_os"], "os", conf_type)

# %% [markdown]
# ## Supplementary Fig. 3b · Progression-free survival
#
# 12-month PFS: B-ALL **{glue:text}`p1_s3b_pfs12_ball__text`** (published 69.89%, 51.24–82.53), B-NHL
# **{glue:text}`p1_s3b_pfs12_bnhl__text`** (published 49.30%, 38.15–59.51).
#
# ```{note}
# The B-ALL PFS needs 10 events in the first year, but the evaluable B-ALL patients have only 8 (3 NR and
# 5 early relapses): PFS evidently follows patients through HSCT, and two HSCT-bridged patients had an
# event (ledger inconsistency `pfs12_ball_events`). The table shows the event counts behind each estimate.
# ```

# %% tags=["hide-input"]
display(twelve.frames["twelve_month"])
fig = survival_by_disease_figure(twelve.frames["survival_pfs"], "pfs", conf_type)

# %% [markdown]
# ## Supplementary Fig. 3l · CRS grade 3-5 versus 0-2 in B-NHL
#
# Log-rank P = **{glue:text}`p1_s3l_crs_logrank_p__text`** (published P = 0.0954: the curves differ, not
# significantly). The other endpoint is shown for comparison.

# %% tags=["hide-input"]
crs = survival.crs_comparison(tables, crs_endpoint)
display(crs.frames["crs_tests"])
fig = crs_figure(crs.frames["crs_data"], crs_endpoint)

# %% [markdown]
# ## Published and reproduced
#
# Every number of this page is recorded at once and compared with the paper.

# %% tags=["hide-input"]
record_all(twelve, crs)
comparison(["p1_s3a_os12_ball", "p1_s3a_os12_bnhl", "p1_s3b_pfs12_ball", "p1_s3b_pfs12_bnhl"],
           reference_data=reference)

# %% tags=["hide-input"]
comparison(["p1_s3l_crs_logrank_p"], reference_data=reference)
