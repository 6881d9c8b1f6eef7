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
# # Methods · Proportions, medians and two-group tests
#
# Most numbers the two papers print are not survival estimates but counts and percentages, medians with
# ranges, confidence intervals of response rates, P values of two-group comparisons and correlation
# coefficients. Each looks too simple to go wrong, yet each has a choice behind it that differs between
# tools: how a percentage is rounded, what the median of an even number of values is, which interval goes
# with a proportion, whether a t-test pools the variances, how ties are ranked. This page has one card per
# method: what it computes, its formula, the reference, the published numbers that use it (from the
# ledgers), the `cartrepro` helper, and a comparison panel computed live from the P2 cohort of this build
# that shows where another tool's default would have printed a different digit.
#
# ```{admonition} Reconstructed data
# :class: warning
# On the shipped cohort the panels use **synthetic** patients reconstructed from P2's published aggregates
# (see [the reconstruction](p2_reconstruction.ipynb)). The reconstruction *chose* the values that make the
# paper's stated method give the printed numbers: doses and peak CAR-T levels were drawn until Student's t
# gave the printed P values, cytokine increases until Spearman's rho rounded to 0.59 and 0.43. A "yes" for
# the paper's method is therefore true by construction. What the panels show is the other half: on data
# that reproduce the paper, which other tool's default would have printed something else.
# ```
#
# This page records no result: the numbers themselves are reproduced and scored in the P2 chapter.

# %% tags=["parameters"]
data_dir = "data/reconstructed"  # cohort folder holding cd22/

# %% [markdown]
# The page is computed from P2's patient table of this build by
# `cartrepro.methods.descriptive_page.DescriptiveChapter`: it counts each fraction the paper prints, forms the
# groups of each two-group comparison and the pairs of each correlation, and computes every card's panel.
# One choice defines a group: which deaths are "early".

# %% tags=["hide-input"]
from cartrepro.methods.chapter import numbers_using, published_by
from cartrepro.methods.descriptive_page import DescriptiveChapter
from cartrepro.pages.display import show_all

EARLY_DEATH_DAYS = 30  # deaths before day 30: the 4 fatal severe adverse events of Figure 3b

chapter = DescriptiveChapter(data_dir, early_death_days=EARLY_DEATH_DAYS)
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
# ## Card 1 · Counts and percentages
#
# **What it computes.** A count $k$ of patients with a property among $n$, and the percentage
# $100\,k/n$ printed to $d$ decimals. The counting is unambiguous once the denominator is fixed; the
# printing is not. Rounding half up (away from zero) is what SPSS displays and what a reader does by hand;
# Python's `round`, numpy's `round` and Python's format strings round *half to even on the binary double*
# (the IEEE 754 default), which differs only at exact ties such as $1/8 = 12.5\%$; and truncation simply
# drops the digits:
#
# $$
# x = \frac{100\,k}{n}, \qquad
# \text{half up: } \frac{\lfloor 10^d x + \tfrac12 \rfloor}{10^d}, \qquad
# \text{half to even: } \frac{\operatorname{rint}(10^d x)}{10^d}, \qquad
# \text{truncation: } \frac{\lfloor 10^d x \rfloor}{10^d}.
# $$
#
# **Reference.** IEEE Computer Society. *IEEE Standard for Floating-Point Arithmetic* (IEEE 754-2019),
# section 4.3 (roundTiesToEven as the default); the Python documentation of the built-in `round()`
# ("rounding is done toward the even choice"). SPSS's display rounds half away from zero (the project's
# `cartrepro.stats.rounding.spss_round`).
#
# **How P2 prints.** Mostly by rounding (19/21 → 90, 20/31 → 65, 31/34 → 91.2), but 24/34 = 70.588% is
# printed 70.5 in the Results, the Discussion and the abstract, and 23/30 = 76.67% as "76%": truncations.
# No count gives 70.5 by rounding (23/34 = 67.6, 24/34 = 70.6), so the ledger marks these as inconsistencies
# of the paper (`pct_24_34`, `pct_23_30`), keeps the counts and scores the computed 70.6.
#
# **Helper.** `cartrepro.stats.rounding.spss_round(x, decimals)` (half up on the shortest decimal
# representation); the panel is `cartrepro.methods.descriptive.percent_rounding_panel(cases)` with one
# mapping per fraction (`k`, `n`, `decimals`, `published`), exact rational arithmetic for half up and
# truncation and Python's own `round` for half to even.
#
# **Published numbers that use it** (ledger entries this card explains: counts and percentages):
#
# Below the summary, every one of these numbers, each linked to the page of the book that shows it.

# %% tags=["hide-input"]
show_all(published_by("percent"), numbers_using("percent"))

# %% [markdown]
# **Comparison panel.** The paper's fractions with $k$ and $n$ counted from the patient table of this
# build, each printed the three ways; `matches` names the rules that give the paper's digits. The last row
# is not from the paper: it shows the one kind of fraction where Python's `round` parts from SPSS.

# %% tags=["hide-input"]
show_all(chapter.percentages())

# %% [markdown]
# ---
#
# ## Card 2 · Medians and ranges
#
# **What it computes.** The middle of the ordered values $x_{(1)} \le \dots \le x_{(n)}$, with the range
# printed as $x_{(1)}$–$x_{(n)}$. For an even $n$ there are two middle values, and conventions differ:
#
# $$
# \operatorname{med} = \begin{cases} x_{((n+1)/2)} & n \text{ odd} \\[2pt]
# \tfrac12\left(x_{(n/2)} + x_{(n/2+1)}\right) & n \text{ even (SPSS, R, numpy, pandas, Excel, Stata)}
# \end{cases}, \qquad
# \operatorname{med}_{\text{low}} = x_{(\lceil n/2 \rceil)}, \quad \operatorname{med}_{\text{high}} = x_{(n/2+1)} .
# $$
#
# The lower and higher medians are what Python's `statistics.median_low` / `median_high` return, what pandas
# gives with `quantile(0.5, interpolation="lower" | "higher")`, and (lower) what the inverse of the
# empirical distribution function gives (R `quantile(type = 1)`, numpy `percentile(method="inverted_cdf")`);
# pandas' `interpolation="nearest"` picks one of the two by rounding the position half to even.
#
# **Reference.** Hyndman RJ, Fan Y. Sample quantiles in statistical packages. *Am Stat* 1996;50:361–365
# (the nine quantile definitions; all of the usual defaults give the mean of the two middle values for the
# median).
#
# **Helper.** Medians in the chapters are `Series.median()` / `numpy.median` (the mean of the two middle
# values, as SPSS 25); ranges are `min()` and `max()`. The panel is
# `cartrepro.methods.descriptive.median_panel(values, published, decimals)`.
#
# **Published numbers that use it:**
#
# Below the summary, every one of these numbers, each linked to the page of the book that shows it.

# %% tags=["hide-input"]
show_all(published_by("median"), numbers_using("median"))

# %% [markdown]
# **Comparison panel.** Two even-sized samples: the age of the 34 patients (median 10, range 1–55) and
# the relapse times of the 4 CR patients without further therapy (median 3.4 months, range 1.7–6), the
# latter in months as the Figure 4 chapter computes them (days / 30.4375).

# %% tags=["hide-input"]
show_all(chapter.median_panels())

# %% [markdown]
# The ledger's inconsistency `fig5_relapse_times` comes from the same place: the Figure 5 text gives the
# relapse times as 2, 2.6, 4 and 6 months, whose median is 3.3, while the Results print 3.4. Only the
# unrounded times 1.7 and 4.2 months make $(2.6 + 4.2)/2 = 3.4$.
#
# ---
#
# ## Card 3 · Confidence intervals for a proportion
#
# **What it computes.** A 95% interval for the true rate behind $k$ responders among $n$. With
# $\hat p = k/n$ and $z = \Phi^{-1}(0.975)$:
#
# $$
# \text{Clopper-Pearson: } \Big[\, B\!\left(\tfrac{\alpha}{2};\, k,\, n-k+1\right),\;
# B\!\left(1-\tfrac{\alpha}{2};\, k+1,\, n-k\right) \Big], \qquad
# \text{Wald: } \hat p \pm z\sqrt{\frac{\hat p(1-\hat p)}{n}},
# $$
#
# $$
# \text{Wilson: } \frac{\hat p + \frac{z^2}{2n} \pm z\sqrt{\frac{\hat p(1-\hat p)}{n} + \frac{z^2}{4n^2}}}
# {1 + \frac{z^2}{n}},
# $$
#
# where $B(q; a, b)$ is the $q$ quantile of the beta distribution (lower bound 0 for $k = 0$, upper 1 for
# $k = n$). Clopper-Pearson inverts two one-sided binomial tests and never undercovers; Wilson inverts the
# score test; Wald is the textbook normal approximation, which can leave $[0, 1]$ and undercovers badly for
# small $n$ or $\hat p$ near 0 or 1. R's `prop.test` adds Yates' continuity correction to Wilson (but
# shrinks it to $\min(0.5, |k - n/2|)$, so 2/4 gets none).
#
# **The Wilson/Brown hybrid.** GraphPad Prism's default interval for a proportion, used by P1 for its
# sensitivities and specificities: the Wilson interval, except that a bound is replaced by an exact
# Poisson-type limit when $k$ or $n - k$ is 1 or 2 (the modification proposed by Brown, Cai and DasGupta,
# 2001). It is computed and compared with these intervals on the P1 sensitivities and specificities in
# [Methods · Rank tests and diagnostic accuracy](methods_diagnostics.ipynb), card 4.
#
# **References.** Clopper CJ, Pearson ES. The use of confidence or fiducial limits illustrated in the case
# of the binomial. *Biometrika* 1934;26:404–413. Wilson EB. Probable inference, the law of succession, and
# statistical inference. *J Am Stat Assoc* 1927;22:209–212. Newcombe RG. Two-sided confidence intervals for
# the single proportion: comparison of seven methods. *Stat Med* 1998;17:857–872. Brown LD, Cai TT,
# DasGupta A. Interval estimation for a binomial proportion. *Stat Sci* 2001;16:101–133.
#
# **Helper.** `cartrepro.stats.proportions.proportion_ci(k, n, method="clopper-pearson" | "wilson",
# conf_level=0.95)` (checked against R `binom.test` and `prop.test(correct = FALSE)`). It always names its
# method: statsmodels' `proportion_confint(k, n)` defaults to `method="normal"`, the Wald interval. The
# panel is `cartrepro.methods.descriptive.proportion_ci_panel(cases, decimals=0)`, with R's `prop.test`
# default in `prop_test_interval(k, n)`.
#
# **Published numbers that use it** (P2's Clopper-Pearson intervals are only drawn in Figures 2c and 3c;
# P1's are the hybrid Wilson/Brown):
#
# Below the summary, every one of these numbers, each linked to the page of the book that shows it.

# %% tags=["hide-input"]
show_all(published_by("proportion_ci"), numbers_using("proportion_ci"))

# %% [markdown]
# **Comparison panel.** The paper's response rates with $k$ and $n$ from this cohort, each interval in
# percent and printed to integer percent; `same as CP?` says whether the printed bounds equal the
# Clopper-Pearson ones the paper's Methods name.

# %% tags=["hide-input"]
show_all(chapter.interval_panel())

# %% [markdown]
# ---
#
# ## Card 4 · Two-group tests: Student, Welch, Mann-Whitney
#
# **What it computes.** Whether two groups differ, by the means (t-tests) or by the ranks (Mann-Whitney).
# With group means $\bar x_1, \bar x_2$, variances $s_1^2, s_2^2$ and sizes $n_1, n_2$:
#
# $$
# \text{Student: } t = \frac{\bar x_1 - \bar x_2}{s_p\sqrt{1/n_1 + 1/n_2}},\quad
# s_p^2 = \frac{(n_1-1)s_1^2 + (n_2-1)s_2^2}{n_1+n_2-2},\quad \nu = n_1 + n_2 - 2;
# $$
#
# $$
# \text{Welch: } t = \frac{\bar x_1 - \bar x_2}{\sqrt{s_1^2/n_1 + s_2^2/n_2}},\quad
# \nu = \frac{\left(s_1^2/n_1 + s_2^2/n_2\right)^2}{\frac{(s_1^2/n_1)^2}{n_1-1} + \frac{(s_2^2/n_2)^2}{n_2-1}};
# $$
#
# $$
# \text{Mann-Whitney: } U = \sum_{i,j} \left( [x_{1i} > x_{2j}] + \tfrac12 [x_{1i} = x_{2j}] \right),\quad
# z = \frac{\lvert U - n_1 n_2/2\rvert - c}
# {\sqrt{\frac{n_1 n_2}{12}\left(N + 1 - \frac{\sum_g (t_g^3 - t_g)}{N(N-1)}\right)}},
# $$
#
# with $N = n_1 + n_2$, $t_g$ the sizes of the groups of tied values and $c = \tfrac12$ with continuity
# correction, 0 without. The exact tests take the null distribution of $U$ (or of the rank sum) over all
# $\binom{N}{n_1}$ ways to split the values: without ties a fixed table, with ties conditional on the
# mid-ranks observed.
#
# **Which tool does what by default.** SPSS's independent-samples t-test prints both rows, "equal variances
# assumed" (Student) and "not assumed" (Welch); P2's Methods name Student. scipy `ttest_ind` defaults to
# Student (`equal_var=True`); **R `t.test` defaults to Welch** (`var.equal = FALSE`). SPSS's Mann-Whitney
# "Asymp. Sig." uses no continuity correction; R `wilcox.test` and scipy `mannwhitneyu` use it (R and scipy
# switch to the exact table for small samples without ties); coin, StatXact and GraphPad Prism offer the
# exact conditional test, which P1 uses.
#
# **References.** Student. The probable error of a mean. *Biometrika* 1908;6:1–25. Welch BL. The
# generalization of "Student's" problem when several different population variances are involved.
# *Biometrika* 1947;34:28–35. Mann HB, Whitney DR. On a test of whether one of two random variables is
# stochastically larger than the other. *Ann Math Stat* 1947;18:50–60. Wilcoxon F. Individual comparisons
# by ranking methods. *Biometrics Bulletin* 1945;1:80–83.
#
# **Helper.** `cartrepro.stats.groups.student_t(a, b)` (pooled, two-tailed) and
# `cartrepro.stats.groups.mann_whitney(a, b, continuity=True)` (normal approximation with tie correction),
# checked against R by `tests/unit/test_stats_groups.py`; the panel is
# `cartrepro.methods.descriptive.two_group_panel(a, b, published_p, decimals=3)`, with the exact conditional
# P of `exact_conditional_mann_whitney(a, b)`.
#
# **Published numbers that use it:**
#
# Below the summary, every one of these numbers, each linked to the page of the book that shows it.

# %% tags=["hide-input"]
show_all(published_by("two_group"), numbers_using("two_group"))

# %% [markdown]
# **Comparison panel.** P2's four two-group P values, each computed by every test, printed to 3 decimals
# (half up) and compared with the paper: the dose of the non-transplanted against the transplanted patients
# (Supplementary Fig. 2, P = 0.001), and the peak CAR-T level (% CAR+ of CD3+) of the 25 objective responders
# (CR/CRi of either MRD status or PR) against the 5 non-responders (Fig. 2b, P = 0.048), of the 4 early deaths
# (before day 30) against the other 30 (Fig. 3b, P = 0.361) and of the patients with neurotoxicity of any
# grade against those without (Fig. 3b, P = 0.518).

# %% tags=["hide-input"]
show_all(chapter.two_group_panels())

# %% [markdown]
# On the shipped cohort the Student rows print the paper's P values by construction (see the warning at the
# top). The other rows say what the choice of test is worth on data that do reproduce the paper: a reader
# who reruns a comparison with another tool's default (Welch in R, a rank test) gets the digits in its row,
# and may conclude that the data do not match when only the test differs.
#
# ---
#
# ## Card 5 · Spearman's rank correlation versus Pearson
#
# **What it computes.** How monotonically two measurements move together. Spearman's $r_s$ is Pearson's
# correlation of the ranks, with tied values given the average of the ranks they occupy; its P value here
# is the t approximation:
#
# $$
# r_s = \frac{\sum_i (R_i - \bar R)(S_i - \bar S)}{\sqrt{\sum_i (R_i - \bar R)^2\,\sum_i (S_i - \bar S)^2}},
# \qquad t = r_s\sqrt{\frac{n-2}{1 - r_s^2}} \sim t_{n-2},
# $$
#
# with $R_i$, $S_i$ the (average) ranks of $x_i$, $y_i$. Without ties this equals $1 - 6\sum d_i^2 /
# (n(n^2-1))$; with ties the shortcut is wrong. Pearson's $r$ is the same formula on the raw values, so it
# measures linear association and is dominated by the largest values of skewed data such as fold increases.
#
# **Which tool does what.** SPSS (its default P), R `cor.test(method = "spearman", exact = FALSE)` and scipy
# `spearmanr` give the same $r_s$ and t-approximation P; R's `cor.test` *defaults to Pearson*, and for
# Spearman without `exact = FALSE` it computes an exact P when there are no ties (and warns otherwise).
# Kendall's $\tau_b$ is shown as the other rank correlation a reader might reach for.
#
# **References.** Spearman C. The proof and measurement of association between two things. *Am J Psychol*
# 1904;15:72–101. Pearson K. Mathematical contributions to the theory of evolution. III. Regression,
# heredity, and panmixia. *Philos Trans R Soc Lond A* 1896;187:253–318. Kendall MG. A new measure of rank
# correlation. *Biometrika* 1938;30:81–93.
#
# **Helper.** `cartrepro.stats.groups.spearman(x, y)` (average ranks, t-approximation P; checked against R);
# the panel is `cartrepro.methods.descriptive.correlation_panel(x, y, published, decimals=2)`.
#
# **Published numbers that use it** (P2's Spearman correlations; P1's are Pearson's, compared in
# [Methods · Rank tests and diagnostic accuracy](methods_diagnostics.ipynb), card 6):
#
# Below the summary, every one of these numbers, each linked to the page of the book that shows it.

# %% tags=["hide-input"]
show_all(published_by("correlation"), numbers_using("correlation"))

# %% [markdown]
# **Comparison panel.** The peak CAR-T level against the IL-2 and TNF-α increase (one value per patient,
# the reconstruction's reading of "expansion kinetics"; the paper prints $r_s$ = 0.59 and 0.43), each
# coefficient printed to 2 decimals.

# %% tags=["hide-input"]
show_all(chapter.correlation_panels())

