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
import pandas as pd
from IPython.display import display

from cartrepro import record
from cartrepro.analysis.car1922 import derive as derive
from cartrepro.figures.survival import Curve, km_figure
from cartrepro.ledger.record import comparison
from cartrepro.paths import is_shipped_cohort
from cartrepro.stats.survival import km_at, logrank_test

patients = derive.load_patients(data_dir)
reference = is_shipped_cohort(data_dir, "car1922")
SUFFIX = {"b_all": "ball", "b_nhl": "bnhl"}


def at_horizon(data):
    """KM at the horizon in percent with the CI of ``conf_type``."""
    point = km_at(data["time_days"], data["event"], horizon_days, conf_type=conf_type)
    return 100 * point.estimate, (100 * point.ci_low, 100 * point.ci_high)


def by_disease_figure(endpoint, title, ylabel):
    curves = []
    for disease in SUFFIX:
        data = derive.survival(patients[patients["disease"] == disease], endpoint)
        curves.append(Curve(f"{derive.DISEASE_LABELS[disease]} (n={len(data)})", data["time_days"].to_numpy(),
                            data["event"].to_numpy(), conf_type=conf_type))
    return km_figure(curves, title=title, ylabel=ylabel)


# %% [markdown]
# ## Supplementary Fig. 3a · Overall survival
#
# 12-month OS: B-ALL **{glue:text}`p1_s3a_os12_ball__text`** (published 78.86%, 60.70–89.32), B-NHL
# **{glue:text}`p1_s3a_os12_bnhl__text`** (published 53.06%, 41.81–63.10).

# %% tags=["hide-input"]
rows = []
for endpoint, stem in (("os", "p1_s3a_os12"), ("pfs", "p1_s3b_pfs12")):
    for disease, suffix in SUFFIX.items():
        data = derive.survival(patients[patients["disease"] == disease], endpoint)
        estimate, ci = at_horizon(data)
        record(f"{stem}_{suffix}", estimate, ci=ci)
        early = data["time_days"] <= horizon_days
        rows.append({"endpoint": endpoint.upper(), "disease": derive.DISEASE_LABELS[disease], "n": len(data),
                     "events by 12 months": int((data["event"] & early).sum()),
                     "censored by 12 months": int((~data["event"] & early).sum()),
                     "12-month estimate %": round(estimate, 2), "95% CI": f"{ci[0]:.2f}–{ci[1]:.2f}"})
fig = by_disease_figure("os", "Supplementary Fig. 3a  Overall survival", "Overall survival")

# %% tags=["hide-input"]
comparison(["p1_s3a_os12_ball", "p1_s3a_os12_bnhl"], reference_data=reference)

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
display(pd.DataFrame(rows).set_index(["endpoint", "disease"]))
fig = by_disease_figure("pfs", "Supplementary Fig. 3b  Progression-free survival", "Progression-free survival")

# %% tags=["hide-input"]
comparison(["p1_s3b_pfs12_ball", "p1_s3b_pfs12_bnhl"], reference_data=reference)

# %% [markdown]
# ## Supplementary Fig. 3l · CRS grade 3-5 versus 0-2 in B-NHL
#
# Log-rank P = **{glue:text}`p1_s3l_crs_logrank_p__text`** (published P = 0.0954: the curves differ, not
# significantly). The other endpoint is shown for comparison.

# %% tags=["hide-input"]
bnhl = patients[patients["disease"] == "b_nhl"]
groups = derive.crs_group(bnhl)
tests = {}
for endpoint in ("pfs", "os"):
    data = derive.survival(bnhl, endpoint)
    tests[endpoint] = logrank_test(data["time_days"], data["event"], groups)
record("p1_s3l_crs_logrank_p", tests[crs_endpoint].p_value)
display(pd.DataFrame({"endpoint": [e.upper() for e in tests], "chi-square": [t.statistic for t in tests.values()],
                      "P": [t.p_value for t in tests.values()]}).round(4).set_index("endpoint"))
data = derive.survival(bnhl, crs_endpoint)
fig = km_figure([Curve(f"CRS grade {g} (n={int((groups == g).sum())})", data["time_days"][groups == g].to_numpy(),
                       data["event"][groups == g].to_numpy(), conf_type=conf_type) for g in ("0-2", "3-5")],
                title=f"Supplementary Fig. 3l  B-NHL {crs_endpoint.upper()} by CRS grade",
                ylabel="Progression-free survival" if crs_endpoint == "pfs" else "Overall survival", show_ci=False)

# %% tags=["hide-input"]
comparison(["p1_s3l_crs_logrank_p"], reference_data=reference)
