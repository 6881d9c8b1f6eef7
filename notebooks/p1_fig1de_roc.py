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
# # Figure 1d-e · ROC of MIP3α and Eotaxin, Youden cutoffs
#
# *P1 (sequential CAR19/22 T cells), Results "Screening for cytokines associated with prognosis", Fig. 1d-e.*
# How well does the peak-IL-6 fold change of MIP3α or Eotaxin separate NR/ER (n = 13) from > 6-month
# remission (n = 26) in the training cohort?
#
# ```{admonition} Reconstructed data
# :class: warning
# On the shipped cohort these numbers come from **synthetic** specimens reconstructed from the paper's
# published aggregates; they are not trial data.
# ```
#
# **Method** (`cartrepro.stats.diagnostics`): NR/ER is the positive class and a value *below* the cutoff a
# positive test. Empirical ROC with thresholds at the midpoints between adjacent distinct values; AUC =
# Mann-Whitney U / (13 x 26); 95% CI = AUC +/- 1.96 SE with the Hanley-McNeil (1982) SE from empirical Q1
# and Q2 (the form that reproduces the printed intervals, GraphPad Prism); DeLong's SE (pROC's default) is
# shown for comparison. Cutoff = maximal Youden J (ties: the highest sensitivity). Sensitivity and
# specificity with the hybrid Wilson/Brown interval (GraphPad Prism).

# %% tags=["parameters"]
data_dir = "data/reconstructed"  # cohort folder holding car1922/
window_months = 6.0  # the NR/ER rule

# %% tags=["hide-input"]
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from cartrepro import record
from cartrepro.analysis.car1922 import cytokines as cyto
from cartrepro.figures.survival import PALETTE, use_house_style
from cartrepro.ledger.record import comparison, skip
from cartrepro.paths import is_shipped_cohort
from cartrepro.stats.diagnostics import auc, roc_curve, sens_spec_at, youden_cutoff

tables = cyto.load(data_dir)
patients, cytokines = tables["patients"], tables.get("cytokines")
reference = is_shipped_cohort(data_dir, "car1922")
MARKERS = {"MIP3α": "mip3a", "Eotaxin": "eotaxin"}
IDS = [f"p1_fig1{p}_{q}_{s}" for s in MARKERS.values() for p, q in
       (("d", "auc"), ("e", "cutoff"), ("e", "sens"), ("e", "spec"))]
groups = {}
if cytokines is None:
    skip(IDS, "car1922/cytokines.csv is absent")
else:
    for analyte in MARKERS:
        groups[analyte] = cyto.split(cyto.peak_table(cytokines, patients, "training", analyte, window_months))
    if any(min(len(nr), len(rem)) == 0 for nr, rem in groups.values()):
        skip(IDS, "NR/ER or remission group is empty in the training cohort")
        groups = {}
    elif window_months != 6.0:
        skip(IDS, f"the ledger numbers use the 6-month rule; this run uses {window_months:g} months")

# %% [markdown]
# ## Figure 1d · ROC curves
#
# AUC MIP3α {glue:text}`p1_fig1d_auc_mip3a__text`, Eotaxin {glue:text}`p1_fig1d_auc_eotaxin__text`.

# %% tags=["hide-input"]
rows, cutoffs = [], {}
if groups:
    use_house_style()
    fig, ax = plt.subplots()
    for colour, (analyte, suffix) in zip(PALETTE, MARKERS.items(), strict=False):
        nr, rem = groups[analyte]
        area = auc(nr, rem, direction="lower")
        if window_months == 6.0:
            record(f"p1_fig1d_auc_{suffix}", area.auc, ci=area.ci_hanley_mcneil)
        curve = roc_curve(nr, rem, direction="lower").sort_values(["sensitivity", "specificity"],
                                                                  ascending=[True, False])
        ax.plot(1 - curve["specificity"], curve["sensitivity"], drawstyle="steps-post", color=colour,
                label=f"{analyte}  AUC {area.auc:.4f}")
        cutoffs[analyte] = youden_cutoff(nr, rem, direction="lower")
        rows.append({"marker": analyte, "NR/ER": len(nr), "remission": len(rem), "AUC": area.auc,
                     "95% CI (Hanley-McNeil)": "{:.4f}-{:.4f}".format(*area.ci_hanley_mcneil),
                     "SE HM": area.se_hanley_mcneil, "95% CI (DeLong)": "{:.4f}-{:.4f}".format(*area.ci_delong),
                     "SE DeLong": area.se_delong})
    ax.plot([0, 1], [0, 1], color="0.7", lw=0.8, ls=":")
    ax.set_xlabel("1 - specificity")
    ax.set_ylabel("Sensitivity")
    ax.set_title("Figure 1d  ROC, NR/ER vs > 6-month remission (training)")
    ax.legend(loc="lower right")
    fig.tight_layout()
    display(pd.DataFrame(rows).set_index("marker").round(4))

# %% [markdown]
# ## Figure 1e · Youden cutoffs, sensitivity and specificity
#
# Cutoffs MIP3α {glue:text}`p1_fig1e_cutoff_mip3a__text` and Eotaxin {glue:text}`p1_fig1e_cutoff_eotaxin__text`;
# sensitivity {glue:text}`p1_fig1e_sens_mip3a__text` and {glue:text}`p1_fig1e_sens_eotaxin__text`, specificity
# {glue:text}`p1_fig1e_spec_mip3a__text` and {glue:text}`p1_fig1e_spec_eotaxin__text`.

# %% tags=["hide-input"]
if groups:
    panel = []
    for analyte, suffix in MARKERS.items():
        nr, rem = groups[analyte]
        cut = cutoffs[analyte]
        if window_months == 6.0:
            record(f"p1_fig1e_cutoff_{suffix}", cut.threshold)
        ss = sens_spec_at(nr, rem, cut.threshold, direction="lower")
        for name, prop in (("sens", ss.sensitivity), ("spec", ss.specificity)):
            point, low, high = prop.percent()
            if window_months == 6.0:
                record(f"p1_fig1e_{name}_{suffix}", point, ci=(low, high))
            panel.append({"marker": analyte, "measure": "sensitivity" if name == "sens" else "specificity",
                          "k/n": f"{prop.k}/{prop.n}", "%": point, "95% CI": f"{low:.2f}-{high:.2f}"})
    table = pd.DataFrame(panel)
    display(table.set_index(["marker", "measure"]).round(2))
    fig, ax = plt.subplots()
    width = 0.38
    for k, (measure, colour) in enumerate(zip(("sensitivity", "specificity"), PALETTE, strict=False)):
        sub = table[table["measure"] == measure]
        x = [i + (k - 0.5) * width for i in range(len(sub))]
        ax.bar(x, sub["%"], width, color=colour, label=measure)
    ax.set_xticks(range(len(MARKERS)), [f"{a}\n(cutoff {cutoffs[a].threshold:.3f})" for a in MARKERS])
    ax.set_ylabel("%")
    ax.set_ylim(0, 105)
    ax.legend()
    ax.set_title("Figure 1e  At the Youden cutoff (training)")
    fig.tight_layout()
    display(comparison(IDS, reference_data=reference))
