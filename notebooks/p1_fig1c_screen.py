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
# # Figure 1c · The cytokine screen
#
# *P1 (sequential CAR19/22 T cells), Results "Screening for cytokines associated with prognosis", Fig. 1c,
# supplementary Fig. 3c-e and Table 4.* Serum taken at the IL-6 peak of 43 training patients was measured on
# a 70-biomarker panel; fold changes versus healthy donors were compared between NR/ER and > 6-month
# remission with the Mann-Whitney test, first in all training patients, then within B-ALL and B-NHL.
#
# ```{admonition} Reconstructed data
# :class: warning
# On the shipped cohort these numbers come from **synthetic** specimens reconstructed from the paper's
# published aggregates (generator `cartrepro.reconstruct.car1922_cytokines`); they are not trial data. The
# paper names only 10 of the 70 analytes; the others are called `analyte_11` ... `analyte_70`.
# ```
#
# **Method:** two-sided exact Mann-Whitney P (permutation distribution of the mid-rank sum; without ties
# the classical exact test), NR/ER (n = 13) vs > 6-month remission (n = 26); medians and ranges over all 43
# training specimens; Pearson correlation with its t-test P. The Benjamini-Hochberg q column is ours: the
# paper did not adjust for the 70 comparisons.

# %% tags=["parameters"]
data_dir = "data/reconstructed"  # cohort folder holding car1922/
window_months = 6.0  # the NR/ER rule
alpha = 0.05  # significance level of the screen

# %% tags=["hide-input"]
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display
from matplotlib_venn import venn2

from cartrepro import record
from cartrepro.analysis.car1922 import cytokines as cyto
from cartrepro.analysis.car1922.derive import DISEASE_LABELS
from cartrepro.figures.survival import use_house_style
from cartrepro.ledger.record import comparison, skip
from cartrepro.paths import is_shipped_cohort
from cartrepro.stats.groups import pearson

tables = cyto.load(data_dir)
patients, cytokines = tables["patients"], tables.get("cytokines")
reference = is_shipped_cohort(data_dir, "car1922")
MIP3A, EOTAXIN = "MIP3α", "Eotaxin"
HIT_IDS = {MIP3A: "mip3a", "Eotaxin": "eotaxin", "EPO": "epo", "TSLP": "tslp", "MCP-4": "mcp4",
           "IL-17F": "il17f", "IL-17A": "il17a", "MDC": "mdc", "TPO": "tpo", "SDF-1a": "sdf1a"}
COUNT_IDS = ["p1_n_specimens_peak", "p1_n_baseline_specimens", "p1_n_training", "p1_n_training_ball",
             "p1_n_training_bnhl", "p1_n_training_nrer", "p1_n_training_rem"]
SCREEN_IDS = ["p1_n_screen_hits", *(f"p1_s4_mw_p_{s}" for s in HIT_IDS.values()), "p1_s4_other_60_p"]
SUMMARY_IDS = ["p1_fc_median_mip3a", "p1_fc_min_mip3a", "p1_fc_max_mip3a", "p1_fc_median_eotaxin",
               "p1_fc_min_eotaxin", "p1_fc_max_eotaxin", "p1_s3e_corr_r", "p1_s3e_corr_p"]
have = cytokines is not None
if not have:
    skip(COUNT_IDS + SCREEN_IDS + SUMMARY_IDS + ["p1_fig1c_subgroup_screen"], "car1922/cytokines.csv is absent")

# %% [markdown]
# ## Specimens
#
# {glue:text}`p1_n_specimens_peak__text` peak-IL-6 specimens: {glue:text}`p1_n_training__text` training
# ({glue:text}`p1_n_training_ball__text` B-ALL, {glue:text}`p1_n_training_bnhl__text` B-NHL), of which
# {glue:text}`p1_n_training_nrer__text` NR/ER and {glue:text}`p1_n_training_rem__text` in remission for
# more than 6 months; the other training specimens belong to patients not evaluated for response (ledger
# inconsistency `training_labels_39_of_43`).

# %% tags=["hide-input"]
if have:
    peak = cytokines[cytokines["timepoint"] == "il6_peak"].drop_duplicates("patient_id")
    peak = peak.merge(patients[["patient_id", "disease"]], on="patient_id")
    training = peak[peak["cohort"] == "training"]
    record("p1_n_specimens_peak", len(peak))
    record("p1_n_baseline_specimens", int(cytokines.loc[cytokines["timepoint"] == "baseline", "sample_id"].nunique()))
    record("p1_n_training", len(training))
    record("p1_n_training_ball", int((training["disease"] == "b_all").sum()))
    record("p1_n_training_bnhl", int((training["disease"] == "b_nhl").sum()))
    screen = cyto.screen(cytokines, patients, window_months=window_months)
    if window_months == 6.0:
        record("p1_n_training_nrer", int(screen["n_nr_er"].iloc[0]))
        record("p1_n_training_rem", int(screen["n_remission"].iloc[0]))
    else:
        skip(["p1_n_training_nrer", "p1_n_training_rem"], f"the ledger counts use the 6-month rule, not "
             f"{window_months:g} months")
    display(pd.crosstab(peak["cohort"], peak["disease"].map(DISEASE_LABELS), margins=True, margins_name="total"))
    display(comparison(COUNT_IDS, reference_data=reference))

# %% [markdown]
# ## The screen: all 70 analytes (supplementary Table 4)
#
# {glue:text}`p1_n_screen_hits__text` analytes have P < 0.05. Sorted by P; medians are fold changes versus
# healthy donors.

# %% tags=["hide-input"]
if have:
    hits = screen[screen["p"] < alpha]
    record("p1_n_screen_hits", len(hits))
    if window_months == 6.0:
        for analyte, suffix in HIT_IDS.items():
            row = screen[screen["analyte"] == analyte]
            if len(row):
                record(f"p1_s4_mw_p_{suffix}", float(row["p"].iloc[0]))
        others = screen[~screen["analyte"].isin(list(HIT_IDS))]
        smallest = float(others["p"].min())  # the paper: all > 0.05
        record("p1_s4_other_60_p", f"{len(others)} others, smallest P = {smallest:.4f}")
    else:
        skip(SCREEN_IDS[1:], f"the ledger P values use the 6-month rule, not {window_months:g} months")
    shown = screen.sort_values("p", kind="mergesort").reset_index(drop=True)
    shown.index += 1
    display(shown.rename(columns={"n_nr_er": "n NR/ER", "n_remission": "n remission",
                                  "median_nr_er": "median NR/ER", "median_remission": "median remission",
                                  "p": "P", "q_bh": "q (BH)"}).style.format(
        {"median NR/ER": "{:.3f}", "median remission": "{:.3f}", "P": "{:.4f}", "q (BH)": "{:.4f}"})
        .set_uuid("screen"))  # a fixed id: the default is random, and the page must be byte-identical
    display(comparison(SCREEN_IDS, reference_data=reference))

# %% [markdown]
# ## Figure 1c · Significant in B-ALL, in B-NHL, in both
#
# The same screen within each disease. Only the intersection is printed (MIP3α and Eotaxin); the sizes of
# the one-disease regions are not, so on the reconstructed cohort they are the generator's documented
# choice.

# %% tags=["hide-input"]
if have:
    sig = {}
    for disease in ("b_all", "b_nhl"):
        sub = cyto.screen(cytokines, patients, window_months=window_months, disease=disease)
        sig[disease] = set(sub.loc[sub["p"] < alpha, "analyte"])
    both = sorted(sig["b_all"] & sig["b_nhl"], key=list(screen["analyte"]).index)
    record("p1_fig1c_subgroup_screen", " and ".join(both) if both else "none")
    use_house_style()
    fig, ax = plt.subplots()
    diagram = venn2(subsets=(len(sig["b_all"] - sig["b_nhl"]), len(sig["b_nhl"] - sig["b_all"]), len(both)),
                    set_labels=("B-ALL", "B-NHL"), ax=ax)
    for region, names in (("10", sig["b_all"] - sig["b_nhl"]), ("01", sig["b_nhl"] - sig["b_all"]), ("11", both)):
        label = diagram.get_label_by_id(region)
        if label is not None:
            label.set_text("\n".join(sorted(names)) if names else "0")
    ax.set_title(f"Figure 1c  Analytes with P < {alpha:g} within disease")
    fig.tight_layout()

# %% [markdown]
# ## Fold changes and the MIP3α-Eotaxin correlation (supplementary Fig. 3e)
#
# Median (range) over the 43 training specimens: MIP3α {glue:text}`p1_fc_median_mip3a__text`
# ({glue:text}`p1_fc_min_mip3a__text`-{glue:text}`p1_fc_max_mip3a__text`), Eotaxin
# {glue:text}`p1_fc_median_eotaxin__text` ({glue:text}`p1_fc_min_eotaxin__text`-{glue:text}`p1_fc_max_eotaxin__text`);
# Pearson r = {glue:text}`p1_s3e_corr_r__text`, P = {glue:text}`p1_s3e_corr_p__text`.

# %% tags=["hide-input"]
if have:
    values = {}
    for analyte, suffix in ((MIP3A, "mip3a"), (EOTAXIN, "eotaxin")):
        frame = cyto.peak_table(cytokines, patients, "training", analyte, window_months).set_index("patient_id")
        values[analyte] = frame["fold_change"]
        record(f"p1_fc_median_{suffix}", float(np.median(frame["fold_change"])))
        record(f"p1_fc_min_{suffix}", float(frame["fold_change"].min()))
        record(f"p1_fc_max_{suffix}", float(frame["fold_change"].max()))
    x, y = values[MIP3A], values[EOTAXIN].loc[values[MIP3A].index]
    r = pearson(x, y)
    record("p1_s3e_corr_r", r.statistic)
    record("p1_s3e_corr_p", r.p_value)
    fig, ax = plt.subplots()
    ax.scatter(x, y, s=18)
    ax.set_xlabel("MIP3α fold change")
    ax.set_ylabel("Eotaxin fold change")
    ax.set_title(f"Supp. Fig. 3e  r = {r.statistic:.3f}, P = {r.p_value:.3f} (n = {len(x)})")
    fig.tight_layout()
    display(comparison(SUMMARY_IDS, reference_data=reference))
