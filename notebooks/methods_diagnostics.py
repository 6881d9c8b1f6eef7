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
# # Methods · Rank tests and diagnostic accuracy
#
# P1 (the CAR19/22 paper) finds its prognostic cytokine in three steps: a Mann-Whitney screen of 70
# serum analytes between the patients with no response or early relapse (NR/ER) and those in remission for
# more than six months, a ROC analysis of the two best analytes with a cutoff from Youden's index, and a
# check of that cutoff in a validation cohort. Every step prints numbers whose last digit depends on a choice
# that differs between tools: the exact or the approximate P of the rank test and what it does with ties,
# the standard error of the ROC area, whether a cutoff is a midpoint or an observed value, which interval
# goes with a sensitivity, whether P values are adjusted for the 70 tests, and which correlation
# coefficient is meant. This page has one card per method: what it computes, its formula, the reference, the
# published numbers that use it (from the ledger), the `cartrepro` helper, and a comparison panel computed
# live from the P1 cohort of this build that shows where another tool's default would have printed a
# different digit.
#
# ```{admonition} Reconstructed data
# :class: warning
# On the shipped cohort the panels use **synthetic** specimens reconstructed from P1's published
# aggregates (see [the reconstruction](p1_reconstruction.ipynb)). The reconstruction *chose* fold changes
# that make the methods the ledger identifies give the printed digits, so a "yes" for the paper's method is
# true by construction. What the panels show is the other half: on data that reproduce the paper, which
# other tool's default would have printed something else.
# ```
#
# This page records no result: the numbers themselves are reproduced and scored in the P1 chapter
# ([screen](p1_fig1c_screen.ipynb), [ROC](p1_fig1de_roc.ipynb), [MIP3α](p1_fig1fi_mip3a.ipynb)).

# %% tags=["parameters"]
data_dir = "data/reconstructed"  # cohort folder holding car1922/

# %% tags=["hide-input"]
import numpy as np
import pandas as pd

from cartrepro.analysis.car1922 import cytokines as cyto
from cartrepro.ledger.entries import entry, load_ledger
from cartrepro.methods.cards import card_key
from cartrepro.methods.descriptive import summarise_entries
from cartrepro.methods.diagnostics import (
    auc_ci_panel,
    bh_panel,
    correlation_pair_panel,
    cutoff_panel,
    mann_whitney_panel,
    sens_spec_ci_panel,
    tie_free_p_values,
    youden_table,
)
from cartrepro.methods.survival import would_print_matrix
from cartrepro.pages.display import no_data, say, show
from cartrepro.paths import is_shipped_cohort
from cartrepro.stats.diagnostics import sens_spec_at, youden_cutoff
from cartrepro.stats.ranks import EXACT_MAX_CELLS, exact_table_cells

MIP3A, EOTAXIN = "MIP3α", "Eotaxin"
ALPHA = 0.05
SCREEN_IDS = {MIP3A: "mip3a", EOTAXIN: "eotaxin", "EPO": "epo", "TSLP": "tslp", "MCP-4": "mcp4",
              "IL-17F": "il17f", "IL-17A": "il17a", "MDC": "mdc", "TPO": "tpo", "SDF-1a": "sdf1a"}
NOT_HERE = "*This comparison cannot be computed on this cohort (see the list under the first cell).*"
NO_DATA = no_data("P1 cytokine data", "car1922/cytokines.csv")



def decimals_of(ledger_id):
    """The printed precision of a ledger value: 0.0018 -> 4, 0.002 -> 3."""
    number = entry(ledger_id).published_numbers()[0]
    return len(number.split(".")[1]) if "." in number else 0


def published_by(key):
    """The ledger entries a card explains, summarised by paper, kind and method."""
    return summarise_entries([e for e in load_ledger().values() if card_key(e) == key])


def usable(label, a, b):
    """Both groups non-empty and the pooled values not all equal; otherwise noted under the first cell."""
    if len(a) and len(b) and np.unique(np.concatenate([a, b])).size > 1:
        return True
    skipped.append(f"{label} ({len(a)} vs {len(b)} values)")
    return False


tables = cyto.load(data_dir)
cytokines = None if tables is None else tables.get("cytokines")
have = cytokines is not None
skipped = []
if not have:
    say(NO_DATA.replace("this comparison panel is not shown: the comparison panels need",
                        "none of the comparison panels below is shown: they need"))
else:
    patients, tissue = tables["patients"], tables.get("tissue")
    groups = {(cohort, analyte): cyto.split(cyto.peak_table(cytokines, patients, cohort, analyte))
              for cohort, analyte in (("training", MIP3A), ("training", EOTAXIN), ("validation", MIP3A))}
    ok = {key: usable(f"{key[1]}, {key[0]}", *groups[key]) for key in groups}
    # Card 1: the three comparisons the paper prints a P for, at the printed precision
    rank_cases = {  # column label -> (group key, ledger id)
        "MIP3α training, Supp. Table 4": (("training", MIP3A), "p1_s4_mw_p_mip3a"),
        "MIP3α training, Fig. 1f": (("training", MIP3A), "p1_fig1f_mw_p"),
        "Eotaxin training, Supp. Table 4": (("training", EOTAXIN), "p1_s4_mw_p_eotaxin"),
        "MIP3α validation, Fig. 1h": (("validation", MIP3A), "p1_fig1h_mw_p"),
    }
    rank_panels = {f"{label} ({entry(lid).printed})": mann_whitney_panel(*groups[key], entry(lid).value,
                                                                         decimals_of(lid))
                   for label, (key, lid) in rank_cases.items() if ok[key]}
    # the whole screen: every analyte's P by each variant, against the ten printed P values (3 decimals)
    has_training = bool((cytokines["cohort"] == "training").any())
    screen = cyto.screen(cytokines, patients) if has_training else pd.DataFrame({"analyte": [], "p": []})
    screen_panels = {}
    for analyte, suffix in SCREEN_IDS.items():
        frame = cyto.peak_table(cytokines, patients, "training", analyte)
        nr, rem = cyto.split(frame)
        if len(frame) and usable(f"{analyte} screen", nr, rem):
            screen_panels[analyte] = mann_whitney_panel(nr, rem, entry(f"p1_s4_mw_p_{suffix}").value, 3)
    # Cards 2-4: ROC area, cutoff, sensitivity and specificity
    auc_panels, cutoff_panels, proportions = {}, {}, []
    for analyte, suffix in ((MIP3A, "mip3a"), (EOTAXIN, "eotaxin")):
        if not ok[("training", analyte)]:
            continue
        nr, rem = groups[("training", analyte)]
        lid = f"p1_fig1d_auc_{suffix}"
        auc_panels[analyte] = auc_ci_panel(nr, rem, direction="lower",
                                           published=(entry(lid).value, entry(lid).ci_low, entry(lid).ci_high))
        validation, published_val = None, None
        if analyte == MIP3A and ok[("validation", MIP3A)]:
            validation = groups[("validation", MIP3A)]
            published_val = (entry("p1_s3m_sens_val").value, entry("p1_s3m_spec_val").value)
        cutoff_panels[analyte] = cutoff_panel(nr, rem, direction="lower",
                                              published_cutoff=entry(f"p1_fig1e_cutoff_{suffix}").value,
                                              validation=validation, published_validation=published_val)
        cut = youden_cutoff(nr, rem, direction="lower").threshold
        ss = sens_spec_at(nr, rem, cut, direction="lower")
        for name, prop in (("sens", ss.sensitivity), ("spec", ss.specificity)):
            e = entry(f"p1_fig1e_{name}_{suffix}")
            proportions.append({"label": f"{analyte} training {'sensitivity' if name == 'sens' else 'specificity'} "
                                         f"{prop.k}/{prop.n}", "k": prop.k, "n": prop.n,
                                "published": (e.value, e.ci_low, e.ci_high)})
        if analyte == MIP3A and validation is not None:
            vss = sens_spec_at(*validation, cut, direction="lower")
            for name, prop in (("sens", vss.sensitivity), ("spec", vss.specificity)):
                proportions.append({"label": f"MIP3α validation {'sensitivity' if name == 'sens' else 'specificity'}"
                                             f" {prop.k}/{prop.n}", "k": prop.k, "n": prop.n,
                                    "published": (entry(f"p1_s3m_{name}_val").value,)})
    proportions = [case for case in proportions if case["n"] > 0]
    intervals = sens_spec_ci_panel(proportions) if proportions else None
    # Card 5: the screen's P values against Benjamini-Hochberg q
    tested = screen[screen["p"].notna()]
    bh = bh_panel(tested["analyte"].tolist(), tested["p"].to_numpy(), alpha=ALPHA) if len(tested) else None
    # Card 6: the two Pearson correlations
    correlations = {}
    training = cytokines[(cytokines["timepoint"] == "il6_peak") & (cytokines["cohort"] == "training")]
    wide = training.pivot_table(index="patient_id", columns="analyte", values="fold_change", aggfunc="first")
    if {MIP3A, EOTAXIN} <= set(wide.columns):
        pairs = wide[[MIP3A, EOTAXIN]].dropna()
        if len(pairs) >= 3 and pairs[MIP3A].nunique() > 1 and pairs[EOTAXIN].nunique() > 1:
            correlations["p1_s3e_corr_r"] = ("MIP3α vs Eotaxin fold change, training (Supp. Fig. 3e)",
                                             correlation_pair_panel(pairs[MIP3A], pairs[EOTAXIN],
                                                                    entry("p1_s3e_corr_r").value,
                                                                    entry("p1_s3e_corr_p").value, 3),
                                             "p1_s3e_corr_p")
        else:
            skipped.append(f"MIP3α vs Eotaxin correlation ({len(pairs)} complete pairs)")
    if tissue is not None:
        joined = tissue.merge(patients[["patient_id", "pfs_day"]], on="patient_id")
        pairs = pd.DataFrame({"x": joined["cd3_infiltration"].astype(float),
                              "y": joined["pfs_day"].astype(float)}).dropna()
        if len(pairs) >= 3 and pairs["x"].nunique() > 1 and pairs["y"].nunique() > 1:
            correlations["p1_s4b_corr_r"] = ("Tumour CD3+ infiltration vs PFS, relapsed B-NHL (Supp. Fig. 4b)",
                                             correlation_pair_panel(pairs["x"], pairs["y"],
                                                                    entry("p1_s4b_corr_r").value,
                                                                    entry("p1_s4b_corr_p").value, 3),
                                             "p1_s4b_corr_p")
        else:
            skipped.append(f"tissue correlation ({len(pairs)} complete pairs)")
    else:
        skipped.append("tissue correlation (no `car1922/tissue.csv`)")
    if skipped:
        say("**Not shown on this cohort** (a group is empty or constant, or a table is missing): "
            + "; ".join(skipped) + ".")
    if not is_shipped_cohort(data_dir, "car1922"):
        say("**This build uses other data than the shipped cohort.** The panels still compare each method "
            "with the digits the paper printed, but on these data a mismatch says nothing about the paper.")

# %% [markdown]
# ## At a glance
#
# Where, on this cohort, the default of a common tool would have printed a different digit than the paper
# (computed from the panels below; each line names the published number and what the tool would print):

# %% tags=["hide-input"]
if have:
    lines = []
    for label, panel in rank_panels.items():
        tools = panel["key"].isin(["r_default", "scipy_default", "scipy_exact", "asymptotic"])
        for _, row in panel[(panel["would_print"] == "no") & tools].iterrows():
            lines.append(f"- **{label}**: {row['default_of']} prints P = {row['printed_as']}.")
    for analyte, panel in auc_panels.items():
        for _, row in panel[panel["would_print"] == "no"].iterrows():
            lines.append(f"- **{analyte} AUC** (published {entry(f'p1_fig1d_auc_{SCREEN_IDS[analyte]}').printed}): "
                         f"{row['method']} ({row['default_of']}) prints {row['printed_as']}.")
    for analyte, panel in cutoff_panels.items():
        for _, row in panel[panel["would_print"] == "no"].iterrows():
            extra = ""
            if row["validation_would_print"] == "no":
                extra = (f", and at it the validation sensitivity and specificity become {row['validation_printed']} "
                         f"instead of {entry('p1_s3m_sens_val').printed} and {entry('p1_s3m_spec_val').printed}")
            lines.append(f"- **{analyte} cutoff** (published "
                         f"{entry(f'p1_fig1e_cutoff_{SCREEN_IDS[analyte]}').printed}): reporting the observed "
                         f"value ({row['rule']}) prints {row['printed_as']}{extra}.")
    if intervals is not None:
        for _, row in intervals[(intervals["would_print"] == "no")].iterrows():
            lines.append(f"- **{row['label']}**: {row['method']} ({row['default_of']}) prints {row['printed_as']} "
                         f"({row['differs']}).")
    if bh is not None:
        lines.append(f"- **Screen**: {int(bh['raw_hit'].sum())} analytes have P < {ALPHA:g} (the paper: 10); "
                     f"after Benjamini-Hochberg adjustment {int(bh['survives_bh'].sum())} have q < {ALPHA:g}.")
    for lid, (label, panel, p_id) in correlations.items():
        for _, row in panel[(panel["key"] == "spearman") & (panel["would_print"] == "no")].iterrows():
            lines.append(f"- **{label}** (published {entry(lid).printed}, {entry(p_id).printed}): Spearman "
                         f"prints r = {row['r_printed']}, P = {row['p_printed']}.")
    say("\n".join(lines) if lines else "No default changes a published digit on these data.")
else:
    say(NO_DATA)

# %% [markdown]
# ---
#
# ## Card 1 · Mann-Whitney: the exact test with ties
#
# **What it computes.** Whether the fold changes of the NR/ER group tend to lie below those of the
# remission group. Pool the $N = n_1 + n_2$ values, rank them (tied values get the average of the ranks they
# occupy, the *mid-rank*), and let $W$ be the sum of the ranks of group 1, or equivalently
# $U = W - n_1(n_1+1)/2$. The two-sided P is the probability of a rank sum at least as far from its
# expectation as the one observed:
#
# $$
# P = \Pr\!\left(\,\lvert W - \mathrm{E}W \rvert \ge \lvert w - \mathrm{E}W \rvert\,\right),\qquad
# \mathrm{E}W = \frac{n_1(N+1)}{2}.
# $$
#
# The variants differ in the distribution of $W$ that this probability is taken over. The **exact
# conditional** test enumerates all $\binom{N}{n_1}$ ways to split the observed mid-ranks, so its null
# distribution respects the ties. The **exact tie-free** table assumes the ranks are $1, \dots, N$; with
# ties it is the wrong distribution (scipy's `method="exact"` uses it anyway). The **normal
# approximation** uses
#
# $$
# z = \frac{\lvert U - n_1 n_2/2\rvert - c}
# {\sqrt{\frac{n_1 n_2}{12}\left(N + 1 - \frac{\sum_g (t_g^3 - t_g)}{N(N-1)}\right)}},
# $$
#
# with $t_g$ the sizes of the groups of tied values and $c = \tfrac12$ with continuity correction, 0
# without.
#
# **Which tool does what by default.** R's `wilcox.test` computes the exact tie-free P when both groups have
# fewer than 50 values and nothing is tied; with ties it warns and falls back to the normal approximation
# with continuity correction. scipy's `mannwhitneyu` (`method="auto"`) uses the exact table only for very
# small samples and otherwise the continuity-corrected normal approximation. SPSS prints the normal
# approximation without continuity correction ("Asymp. Sig."). R's `coin::wilcox_test(distribution =
# "exact")`, StatXact and GraphPad Prism ("exact P value") give the exact conditional test, which is also
# the tie-free exact test when nothing is tied.
#
# **References.** Mann HB, Whitney DR. On a test of whether one of two random variables is stochastically
# larger than the other. *Ann Math Stat* 1947;18:50–60. Lehmann EL. *Nonparametrics: Statistical Methods
# Based on Ranks.* Holden-Day 1975, ch. 1 (the conditional null distribution with ties). Hothorn T, Hornik K,
# van de Wiel MA, Zeileis A. Implementing a class of permutation tests: the coin package. *J Stat Softw*
# 2008;28(8).
#
# **Helper.** `cartrepro.stats.ranks.mann_whitney_exact(a, b)` (exact conditional, counted by dynamic
# programming on the doubled mid-ranks; checked against R `wilcox.test(exact = TRUE)` without ties and
# `coin::wilcox_test(distribution = "exact")` with ties) and `mann_whitney_auto(a, b)` (exact while its table
# fits in memory). The panel is `cartrepro.methods.diagnostics.mann_whitney_panel(a, b, published_p,
# decimals)`, with R's default in `r_wilcox_default(a, b)` and every P that untied data can give in
# `tie_free_p_values(n_a, n_b)`.
#
# **Published numbers that use it:**

# %% tags=["hide-input"]
show(published_by("mann_whitney_exact"))

# %% [markdown]
# **Comparison panel.** The MIP3α and Eotaxin comparisons of the training cohort (13 NR/ER against 26 in
# remission; printed P = .002 and .002 in Supplementary Table 4, and P = 0.0018 for MIP3α in Figure 1f) and
# the MIP3α comparison of the validation cohort (6 against 23; P = 0.0173 in Figure 1h), each P by every
# variant, printed to the paper's precision (half up).

# %% tags=["hide-input"]
if have and rank_panels:
    show(would_print_matrix(rank_panels))
    for label, panel in rank_panels.items():
        say(f"**{label}** — {panel.at[0, 'n']}, {panel.at[0, 'ties']} tied values, U = {panel.at[0, 'statistic']:g}")
        show(panel[["method", "default_of", "p_value", "printed_as", "would_print"]].rename(
            columns={"default_of": "default in", "p_value": "P", "would_print": "would print?"}), P="{:.5f}")
else:
    say(NO_DATA if not have else NOT_HERE)

# %% [markdown]
# On the shipped cohort nothing is tied in the training specimens, so the exact conditional test, scipy's
# exact table and R's default are the same test and print 0.0018; the normal approximation prints 0.0024
# (SPSS's "Asymp. Sig.") or 0.0025 (with continuity correction, which is also scipy's default at 13 vs 26).
# At three decimals every variant rounds to the .002 of Supplementary Table 4; it is Figure 1f's fourth
# decimal that identifies the exact test. The screen as a whole:

# %% tags=["hide-input"]
if have and screen_panels:
    summary = []
    first = next(iter(screen_panels.values()))
    for key, method, default_of in first[["key", "method", "default_of"]].itertuples(index=False):
        hits = [a for a, panel in screen_panels.items() if panel.set_index("key").at[key, "would_print"] == "yes"]
        misses = [f"{a} {panel.set_index('key').at[key, 'printed_as']}" for a, panel in screen_panels.items()
                  if panel.set_index("key").at[key, "would_print"] == "no"]
        summary.append({"method": method, "default in": default_of,
                        "prints the paper's P (3 decimals)": f"{len(hits)} of {len(screen_panels)}",
                        "differs": "; ".join(misses)})
    show(pd.DataFrame(summary))
else:
    say(NO_DATA if not have else NOT_HERE)

# %% [markdown]
# **The validation P = 0.0173 needs ties and the exact conditional test.** With 6 against 23 untied values,
# U can only take whole-number values, and each variant has a fixed P for each U. The table lists those
# around 0.0173: no untied data set prints 0.0173 by any of the three methods. The validation fold changes
# of the reconstruction are tied (the panel above counts the repeats), and on them only the exact
# conditional test prints 0.0173; R's default, scipy's default and scipy's exact table print other digits.
# (Other tied data sets could reach 0.0173 by a normal approximation, as the ledger notes; what fixes the
# method is that the training P of Figure 1f is the exact one, so the same software's exact test is the
# consistent reading.)

# %% tags=["hide-input"]
vnr, vrem = groups[("validation", MIP3A)] if have and ok[("validation", MIP3A)] else ([], [])
if len(vnr) and exact_table_cells(len(vnr), len(vrem)) > EXACT_MAX_CELLS:
    say(f"{len(vnr)} vs {len(vrem)} values: too many for the exact tables; the lattice is not computed.")
elif len(vnr):
    lattice = tie_free_p_values(len(vnr), len(vrem), decimals=4)
    near = lattice[(lattice[["exact", "normal_cc", "normal"]] - 0.0173).abs().min(axis=1) < 0.006]
    show(near[["u", "exact_printed", "normal_cc_printed", "normal_printed"]].rename(
        columns={"u": "U (untied)", "exact_printed": "exact", "normal_cc_printed": "normal, continuity-corrected",
                 "normal_printed": "normal, uncorrected"}))
    printable = set(lattice[["exact_printed", "normal_cc_printed", "normal_printed"]].to_numpy().ravel())
    say(f"P = 0.0173 is {'among' if '0.0173' in printable else 'not among'} the P values untied "
        f"{len(vnr)} vs {len(vrem)} data can print.")
else:
    say(NO_DATA if not have else NOT_HERE)

# %% [markdown]
# ---
#
# ## Card 2 · The ROC area and its confidence interval
#
# **What it computes.** The area under the empirical ROC curve equals the probability that a random NR/ER
# value is more case-like (here: lower) than a random remission value, ties counting one half:
# $A = U / (n_1 n_2)$, the Mann-Whitney statistic rescaled (Bamber 1975). Its 95% interval in the paper is
# the Wald interval $A \pm 1.96\,\mathrm{SE}$, and the standard error is where tools differ. Hanley and
# McNeil's
#
# $$
# \mathrm{SE}^2 = \frac{A(1-A) + (n_1 - 1)(Q_1 - A^2) + (n_2 - 1)(Q_2 - A^2)}{n_1 n_2}
# $$
#
# needs $Q_1$ (two random cases both more extreme than one control) and $Q_2$ (one case more extreme than
# two controls). Estimated **from the data**, $Q_1 = \frac{1}{n_2}\sum_j \psi_j^2$ and
# $Q_2 = \frac{1}{n_1}\sum_i \varphi_i^2$, with $\varphi_i$ the share of controls less extreme than case $i$
# and $\psi_j$ the share of cases more extreme than control $j$; the paper's **exponential approximation** is
# $Q_1 = A/(2-A)$, $Q_2 = 2A^2/(1+A)$. **DeLong**'s estimator uses the sample variances of the same
# placements:
#
# $$
# \mathrm{SE}^2_{\text{DeLong}} = \frac{\operatorname{var}(\varphi)}{n_1} + \frac{\operatorname{var}(\psi)}{n_2}.
# $$
#
# **Which tool does what.** GraphPad Prism's ROC analysis prints the Hanley-McNeil interval with $Q_1, Q_2$
# from the data (the ledger finds it the only form that gives both printed intervals); R's pROC defaults to
# DeLong (`ci.auc(method = "delong")`, cut to $[0, 1]$); a hand calculation from the 1982 paper, and some
# calculators, use the exponential approximation.
#
# **References.** Hanley JA, McNeil BJ. The meaning and use of the area under a receiver operating
# characteristic (ROC) curve. *Radiology* 1982;143:29–36. DeLong ER, DeLong DM, Clarke-Pearson DL. Comparing
# the areas under two or more correlated receiver operating characteristic curves: a nonparametric approach.
# *Biometrics* 1988;44:837–845. Bamber D. The area above the ordinal dominance graph and the area below the
# receiver operating characteristic graph. *J Math Psychol* 1975;12:387–415.
#
# **Helper.** `cartrepro.stats.diagnostics.auc(cases, controls, direction="lower")` returns the area, both
# standard errors with their intervals and the exponential-approximation SE (DeLong checked against pROC);
# the panel is `cartrepro.methods.diagnostics.auc_ci_panel(cases, controls, direction, published)`.
#
# **Published numbers that use it:**

# %% tags=["hide-input"]
show(published_by("roc_auc"))

# %% [markdown]
# **Comparison panel.** MIP3α (printed 0.8018, 95% CI 0.6657–0.9379) and Eotaxin (0.8047, 0.6709–0.9386) in
# the training cohort, NR/ER as cases with lower values, printed to 4 decimals.

# %% tags=["hide-input"]
if have and auc_panels:
    show(would_print_matrix({f"{a} ({entry(f'p1_fig1d_auc_{SCREEN_IDS[a]}').printed})": panel
                             for a, panel in auc_panels.items()}))
    for analyte, panel in auc_panels.items():
        say(f"**{analyte}** — published {entry(f'p1_fig1d_auc_{SCREEN_IDS[analyte]}').printed}")
        show(panel[["method", "default_of", "se", "printed_as", "would_print", "differs"]].rename(
            columns={"default_of": "default in", "se": "SE", "would_print": "would print?"}), SE="{:.5f}")
    say("The area is the same for every method; only the interval moves. DeLong changes the third or fourth "
        "decimal of both bounds, the exponential approximation the second: its SE is larger because "
        "the exponential model of Q1 and Q2 does not fit these data.")
else:
    say(NO_DATA if not have else NOT_HERE)

# %% [markdown]
# ---
#
# ## Card 3 · Youden's index and the cutoff
#
# **What it computes.** The threshold $c$ that maximises Youden's index
#
# $$
# J(c) = \text{sensitivity}(c) + \text{specificity}(c) - 1,\qquad
# \text{sensitivity}(c) = \frac{\#\{\text{cases} < c\}}{n_1},\quad
# \text{specificity}(c) = \frac{\#\{\text{controls} > c\}}{n_2}
# $$
#
# (for a marker that is lower in cases). $J$ only changes where $c$ crosses an observed value, so every
# threshold between two adjacent observed values $a < b$ gives the same $J$, and the *number* reported is a
# convention. GraphPad Prism, pROC and SPSS report the **midpoint** $(a + b)/2$; scikit-learn's `roc_curve`
# and several calculators report an **observed value**, with the test positive at or beyond it ($x \le a$).
# On the data that chose the cutoff all conventions classify every patient identically; they part company
# on new data falling between $a$ and $b$, such as a validation cohort.
#
# **The tie rule.** Several thresholds can share the maximal $J$. pROC's `coords(x = "best")` then returns
# all of them, Prism lists every threshold and leaves the choice to the reader; `cartrepro` returns the one
# with the highest sensitivity (deterministic, and unique, because two midpoints are always separated by an
# observation). The panel counts the thresholds that share the maximum (`tied maxima`, 1 when it is
# unique); the small example below shows the rule at work.
#
# **Reference.** Youden WJ. Index for rating diagnostic tests. *Cancer* 1950;3:32–35. Fluss R, Faraggi D,
# Reiser B. Estimation of the Youden index and its associated cutoff point. *Biom J* 2005;47:458–472.
#
# **Helper.** `cartrepro.stats.diagnostics.roc_curve(cases, controls, direction)` (midpoint thresholds),
# `youden_cutoff(...)` and `sens_spec_at(cases, controls, threshold, direction)`; the panel is
# `cartrepro.methods.diagnostics.cutoff_panel(cases, controls, direction, published_cutoff, validation=...)`,
# with every threshold and its $J$ in `youden_table(...)`.
#
# **Published numbers that use it:**

# %% tags=["hide-input"]
show(published_by("youden"))

# %% [markdown]
# **Comparison panel.** The Youden cutoffs of MIP3α (printed 4.703) and Eotaxin (1.671) reported three ways,
# with the training sensitivity and specificity (identical for all three) and, for MIP3α, the validation
# sensitivity and specificity each threshold gives (printed 83.33% and 78.26% at 4.703).

# %% tags=["hide-input"]
if have and cutoff_panels:
    for analyte, panel in cutoff_panels.items():
        say(f"**{analyte}** — published cutoff {entry(f'p1_fig1e_cutoff_{SCREEN_IDS[analyte]}').printed}; "
            f"tied maxima of J: {panel.at[0, 'tied_maxima']}")
        columns = ["method", "default_of", "rule", "printed_as", "would_print", "sensitivity", "specificity"]
        if panel["validation_printed"].ne("").any():
            columns += ["validation_printed", "validation_would_print"]
        show(panel[columns].rename(columns={
            "default_of": "default in", "printed_as": "cutoff", "would_print": "would print?",
            "sensitivity": "training sens. %", "specificity": "training spec. %",
            "validation_printed": "validation sens., spec.", "validation_would_print": "would print?"}))
    toy = youden_table([1, 3], [2, 4], direction="lower")
    say("**The tie rule on a toy example** (cases 1 and 3, controls 2 and 4, cases lower): thresholds 1.5 and "
        "3.5 both reach J = 0.5; `youden_cutoff` returns 3.5, the one with the higher sensitivity.")
    show(toy[["threshold", "sensitivity", "specificity", "youden"]])
else:
    say(NO_DATA if not have else NOT_HERE)

# %% [markdown]
# ---
#
# ## Card 4 · Confidence intervals for sensitivity and specificity
#
# **What it computes.** A sensitivity or specificity is a proportion $\hat p = k/n$, and its interval is a
# binomial interval. With $z = \Phi^{-1}(0.975)$ the **Wilson** score interval is
#
# $$
# \frac{\hat p + \frac{z^2}{2n} \pm z\sqrt{\frac{\hat p(1-\hat p)}{n} + \frac{z^2}{4n^2}}}{1 + \frac{z^2}{n}};
# $$
#
# GraphPad Prism's **hybrid Wilson/Brown** interval is Wilson's, except that when $k$ (or $n - k$) is
# between 1 and $x^*$ ($x^* = 2$ for $n \le 50$, 3 above) the lower (upper) limit is replaced by the
# Poisson-type limit
#
# $$
# p_L = \frac{\chi^2_{\alpha;\,2k}}{2n}\qquad\left(p_U = 1 - \frac{\chi^2_{\alpha;\,2(n-k)}}{2n}\right),
# \qquad \alpha = 0.05;
# $$
#
# and **Clopper-Pearson** is the exact interval of beta quantiles
# $\big[B(\tfrac{\alpha}{2}; k, n-k+1),\, B(1-\tfrac{\alpha}{2}; k+1, n-k)\big]$ (see the card on
# [confidence intervals for a proportion](methods_descriptive_tests.ipynb)).
#
# **Reference.** Brown LD, Cai TT, DasGupta A. Interval estimation for a binomial proportion. *Stat Sci*
# 2001;16:101–133 (section 4.1.1, the modified Wilson interval). Wilson EB. *J Am Stat Assoc*
# 1927;22:209–212. Clopper CJ, Pearson ES. *Biometrika* 1934;26:404–413.
#
# **Helper.** `cartrepro.stats.diagnostics.proportion_ci_hybrid(k, n)` and `sens_spec_at(...)` (the hybrid
# interval, checked against R's `prop.test(correct = FALSE)` and `qchisq`); `cartrepro.stats.proportions.
# proportion_ci(k, n, method="wilson" | "clopper-pearson")`. The panel is
# `cartrepro.methods.diagnostics.sens_spec_ci_panel(cases, decimals=2)`.
#
# **Published numbers that use it:**

# %% tags=["hide-input"]
show(published_by("sens_spec_ci"))

# %% [markdown]
# **Comparison panel.** The four training proportions at the Youden cutoffs (printed with intervals) and the
# two validation proportions at the training cutoff (printed without), $k$ and $n$ counted from this cohort,
# in percent to 2 decimals.

# %% tags=["hide-input"]
if have and intervals is not None:
    show(intervals[["label", "method", "default_of", "printed_as", "would_print", "differs"]].rename(
        columns={"default_of": "default in", "would_print": "would print?"}))
    printed = intervals[intervals["compared"] == "estimate and interval"]
    names = intervals.drop_duplicates("key").set_index("key")["method"]
    say("Plain Wilson differs from the hybrid only where $k$ or $n - k$ is 1 or 2 (here the upper limit of "
        "12/13); Clopper-Pearson is wider and moves every bound below 100%. Of the printed intervals, "
        + "; ".join(f"{names[key]} changes {int((printed[printed['key'] == key]['would_print'] == 'no').sum())} "
                    f"of {int((printed['key'] == key).sum())}" for key in ("wilson", "clopper_pearson"))
        + ". The validation proportions were printed without an interval, so only their estimates are compared.")
else:
    say(NO_DATA if not have else NOT_HERE)

# %% [markdown]
# ---
#
# ## Card 5 · Multiplicity: raw P versus Benjamini-Hochberg q
#
# **What it computes.** The screen tests 70 analytes at once, so about 3.5 would have $P < 0.05$ by chance
# alone. The Benjamini-Hochberg step-up procedure controls the expected share of false discoveries: sort the
# $m$ P values $p_{(1)} \le \dots \le p_{(m)}$ and report
#
# $$
# q_{(i)} = \min_{j \ge i}\, \min\!\left(1, \frac{m\, p_{(j)}}{j}\right);
# $$
#
# an analyte is a discovery at false-discovery rate 0.05 when $q < 0.05$ (equivalently, when $p_{(i)}$ lies
# under the line $0.05\, i / m$ for some $i$ at or beyond it). The paper reports the unadjusted P values.
#
# **Reference.** Benjamini Y, Hochberg Y. Controlling the false discovery rate: a practical and powerful
# approach to multiple testing. *J R Stat Soc B* 1995;57:289–300.
#
# **Helper.** `cartrepro.stats.multiplicity.bh_adjust(p)` (= R `p.adjust(p, "BH")`), applied by
# `cartrepro.analysis.car1922.cytokines.screen(...)` (its `q_bh` column); the panel is
# `cartrepro.methods.diagnostics.bh_panel(labels, p, alpha)`.
#
# **Published numbers that use it:**

# %% tags=["hide-input"]
show(published_by("multiplicity"))

# %% [markdown]
# **Comparison panel.** The screen of this cohort (NR/ER against remission, exact P), the analytes with the
# smallest P values, with the step-up line $0.05\,i/m$ and the q value.

# %% tags=["hide-input"]
if have and bh is not None:
    top = bh[bh["raw_hit"] | (bh["rank"] <= 12)]
    show(top.assign(raw_hit=top["raw_hit"].map({True: "yes", False: "no"}),
                    survives_bh=top["survives_bh"].map({True: "yes", False: "no"})).rename(
        columns={"label": "analyte", "p": "P (exact)", "rank": "i", "bh_bound": "0.05 i / m", "q": "q (BH)",
                 "raw_hit": f"P < {ALPHA:g}", "survives_bh": f"q < {ALPHA:g}"}),
         **{"P (exact)": "{:.4f}", "0.05 i / m": "{:.4f}", "q (BH)": "{:.4f}"})
    survivors = int(bh["survives_bh"].sum())
    say(f"Of the {int(bh['raw_hit'].sum())} analytes with P < {ALPHA:g} among {len(bh)}, {survivors} keep "
        f"q < {ALPHA:g} after the Benjamini-Hochberg adjustment (smallest q {bh['q'].min():.4f})."
        + (" Had the paper adjusted for the 70 tests, it would have reported no significant cytokine at a "
           "false-discovery rate of 5%; what supports MIP3α is the separate validation cohort (P = 0.0173)."
           if survivors == 0 else ""))
else:
    say(NO_DATA if not have else NOT_HERE)

# %% [markdown]
# ---
#
# ## Card 6 · Pearson's correlation versus Spearman
#
# **What it computes.** Pearson's product-moment coefficient on the raw values, with the t-test of
# $\rho = 0$:
#
# $$
# r = \frac{\sum_i (x_i - \bar x)(y_i - \bar y)}{\sqrt{\sum_i (x_i - \bar x)^2 \sum_i (y_i - \bar y)^2}},
# \qquad t = r\sqrt{\frac{n-2}{1-r^2}} \sim t_{n-2}.
# $$
#
# Spearman's $r_s$ is the same formula on the (average) ranks, with the same t approximation for its P; it
# measures monotone rather than linear association. Kendall's $\tau_b$ is shown as the other rank
# coefficient a reader might reach for.
#
# **Which tool does what.** R's `cor.test` and scipy's `pearsonr` default to Pearson; SPSS and Prism offer
# both, and the paper says "linear correlation" for Supplementary Fig. 3e. For the tissue pair ($n = 10$)
# untied Spearman cannot give 0.802 at all ($1 - 6D/990$ jumps from 0.806 to 0.794), which fixes Pearson.
# For the MIP3α–Eotaxin pair ($n = 43$) the ledger records that on a trial reconstruction Spearman happened
# to print the same three decimals (0.4296, P = 0.00404); whether it does on this cohort is in the panel.
#
# **References.** Pearson K. Mathematical contributions to the theory of evolution. III. Regression,
# heredity, and panmixia. *Philos Trans R Soc Lond A* 1896;187:253–318. Spearman C. The proof and
# measurement of association between two things. *Am J Psychol* 1904;15:72–101. Kendall MG. A new measure
# of rank correlation. *Biometrika* 1938;30:81–93.
#
# **Helper.** `scipy.stats.pearsonr(x, y)` (as the P1 notebooks call it) and
# `cartrepro.stats.groups.spearman(x, y)`; the panel is
# `cartrepro.methods.diagnostics.correlation_pair_panel(x, y, published_r, published_p, decimals=3)`.
#
# **Published numbers that use it:**

# %% tags=["hide-input"]
show(published_by("pearson"))

# %% [markdown]
# **Comparison panel.** The MIP3α and Eotaxin fold changes of the 43 training specimens (printed r = 0.430,
# P = 0.004) and the tumour CD3+ infiltration against PFS of the 10 relapsed B-NHL patients with tissue
# (r = 0.802, P = 0.005), each coefficient and P printed to 3 decimals.

# %% tags=["hide-input"]
if have and correlations:
    for lid, (label, panel, p_id) in correlations.items():
        say(f"**{label}** (n = {panel.at[0, 'n']}) — published {entry(lid).printed}, {entry(p_id).printed}")
        show(panel[["method", "default_of", "statistic", "p_value", "r_printed", "p_printed", "r_matches",
                    "p_matches"]].rename(columns={"default_of": "default in", "statistic": "coefficient",
                                                  "p_value": "P", "r_printed": "r printed", "p_printed": "P printed",
                                                  "r_matches": "r would print?", "p_matches": "P would print?"}),
             coefficient="{:.4f}", P="{:.5f}")
    verdicts = []
    for lid, (label, panel, p_id) in correlations.items():
        row = panel.set_index("key").loc["spearman"]
        verdicts.append(f"{label.split(',')[0]}: Spearman prints r = {row['r_printed']}, P = {row['p_printed']} "
                        + ("(the same digits as the paper)" if row["would_print"] == "yes" else
                           f"instead of {entry(lid).printed}, {entry(p_id).printed}"))
    say("Only Pearson prints both published pairs. " + "; ".join(verdicts) + "."
        if all(panel.set_index("key").at["pearson", "would_print"] == "yes" for _, panel, _ in correlations.values())
        else "; ".join(verdicts) + ".")
else:
    say(NO_DATA if not have else NOT_HERE)
