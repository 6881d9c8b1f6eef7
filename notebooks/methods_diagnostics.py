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

# %% [markdown]
# The page is computed from P1's cytokine tables of this build by
# `cartrepro.methods.diagnostics_page.DiagnosticsChapter`: it forms the NR/ER and remission groups of each
# comparison (peak fold changes, as the P1 chapter does), runs the screen, and computes every card's panel.
# One choice is the threshold the screen counts as significant.

# %% tags=["hide-input"]
from cartrepro.methods.chapter import numbers_using, published_by
from cartrepro.methods.diagnostics_page import DiagnosticsChapter
from cartrepro.pages.display import show_all

ALPHA = 0.05  # the screen's significance threshold (raw P and Benjamini-Hochberg q)

chapter = DiagnosticsChapter(data_dir, alpha=ALPHA)
show_all(chapter.opening())

# %% [markdown]
# ## At a glance
#
# Where, on this cohort, the default of a common tool would have printed a different digit than the paper
# (computed from the panels below; each line names the published number and what the tool would print):

# %% tags=["hide-input"]
show_all(chapter.at_a_glance())

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
#
# Below the summary, every one of these numbers, each linked to the page of the book that shows it.

# %% tags=["hide-input"]
show_all(published_by("mann_whitney_exact"), numbers_using("mann_whitney_exact"))

# %% [markdown]
# **Comparison panel.** The MIP3α and Eotaxin comparisons of the training cohort (13 NR/ER against 26 in
# remission; printed P = .002 and .002 in Supplementary Table 4, and P = 0.0018 for MIP3α in Figure 1f) and
# the MIP3α comparison of the validation cohort (6 against 23; P = 0.0173 in Figure 1h), each P by every
# variant, printed to the paper's precision (half up).

# %% tags=["hide-input"]
show_all(chapter.rank_tests())

# %% [markdown]
# On the shipped cohort nothing is tied in the training specimens, so the exact conditional test, scipy's
# exact table and R's default are the same test and print 0.0018; the normal approximation prints 0.0024
# (SPSS's "Asymp. Sig.") or 0.0025 (with continuity correction, which is also scipy's default at 13 vs 26).
# At three decimals every variant rounds to the .002 of Supplementary Table 4; it is Figure 1f's fourth
# decimal that identifies the exact test. The screen as a whole:

# %% tags=["hide-input"]
show_all(chapter.screen_summary())

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
show_all(chapter.untied_lattice())

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
#
# Below the summary, every one of these numbers, each linked to the page of the book that shows it.

# %% tags=["hide-input"]
show_all(published_by("roc_auc"), numbers_using("roc_auc"))

# %% [markdown]
# **Comparison panel.** MIP3α (printed 0.8018, 95% CI 0.6657–0.9379) and Eotaxin (0.8047, 0.6709–0.9386) in
# the training cohort, NR/ER as cases with lower values, printed to 4 decimals.

# %% tags=["hide-input"]
show_all(chapter.auc_intervals())

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
#
# Below the summary, every one of these numbers, each linked to the page of the book that shows it.

# %% tags=["hide-input"]
show_all(published_by("youden"), numbers_using("youden"))

# %% [markdown]
# **Comparison panel.** The Youden cutoffs of MIP3α (printed 4.703) and Eotaxin (1.671) reported three ways,
# with the training sensitivity and specificity (identical for all three) and, for MIP3α, the validation
# sensitivity and specificity each threshold gives (printed 83.33% and 78.26% at 4.703).

# %% tags=["hide-input"]
show_all(chapter.cutoffs())

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
#
# Below the summary, every one of these numbers, each linked to the page of the book that shows it.

# %% tags=["hide-input"]
show_all(published_by("sens_spec_ci"), numbers_using("sens_spec_ci"))

# %% [markdown]
# **Comparison panel.** The four training proportions at the Youden cutoffs (printed with intervals) and the
# two validation proportions at the training cutoff (printed without), $k$ and $n$ counted from this cohort,
# in percent to 2 decimals.

# %% tags=["hide-input"]
show_all(chapter.sens_spec_intervals())

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
#
# Below the summary, every one of these numbers, each linked to the page of the book that shows it.

# %% tags=["hide-input"]
show_all(published_by("multiplicity"), numbers_using("multiplicity"))

# %% [markdown]
# **Comparison panel.** The screen of this cohort (NR/ER against remission, exact P), the analytes with the
# smallest P values, with the step-up line $0.05\,i/m$ and the q value.

# %% tags=["hide-input"]
show_all(chapter.multiplicity())

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
#
# Below the summary, every one of these numbers, each linked to the page of the book that shows it.

# %% tags=["hide-input"]
show_all(published_by("pearson"), numbers_using("pearson"))

# %% [markdown]
# **Comparison panel.** The MIP3α and Eotaxin fold changes of the 43 training specimens (printed r = 0.430,
# P = 0.004) and the tumour CD3+ infiltration against PFS of the 10 relapsed B-NHL patients with tissue
# (r = 0.802, P = 0.005), each coefficient and P printed to 3 decimals.

# %% tags=["hide-input"]
show_all(chapter.pearson())

