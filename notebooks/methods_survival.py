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
# # Methods · Survival statistics
#
# This page answers two questions a reviewer asks about a published survival number: *which method
# produced it*, and *would another tool have printed the same digits?* Each method has a card: what it
# computes, its formula, the reference, the published numbers that use it, the `cartrepro` helper that
# implements it, and a comparison panel computed live from the cohort of this build.
#
# The test case is P2 (Pan et al., Leukemia 2019), whose three one-year numbers of Figure 4 were computed in
# SPSS 25: 1-year leukemia-free survival (LFS) after allo-HCT (4a), 1-year relapse after HCT (4b) and
# 1-year LFS of all patients in complete remission (4c). The panels recompute each number with the paper's
# method and with the defaults of common tools, and say for every row whether it would have printed the
# paper's digits.
#
# ```{admonition} Reconstructed data
# :class: warning
# On the shipped cohort the panels use **synthetic** patients reconstructed from the paper's published
# aggregates (see [the reconstruction](p2_reconstruction.ipynb)). The *methods* comparison is still
# meaningful: the shipped patients reproduce the paper's Kaplan-Meier estimates and standard errors at SPSS
# precision, so each alternative method is applied to the same S(t) and SE as the authors had.
# ```
#
# This page records no result: the numbers themselves are reproduced and scored in
# [Figure 4](p2_fig4_long_term_outcome.ipynb).

# %% tags=["parameters"]
data_dir = "data/reconstructed"  # cohort folder holding cd22/

# %% [markdown]
# The page is computed from P2's cohort of this build by `cartrepro.methods.survival_page.SurvivalChapter`:
# for each of the three Figure 4 numbers it builds the analysis set (as the Figure 4 chapter does) and one
# comparison panel, the number computed with the paper's method and with every common default. Two choices
# fix the numbers compared: the horizon and the precision of the SPSS table the authors read.

# %% tags=["hide-input"]
from cartrepro.methods.chapter import numbers_using
from cartrepro.methods.survival import ledger_methods
from cartrepro.methods.survival_page import SurvivalChapter
from cartrepro.pages.display import show_all

HORIZON_DAYS = 365  # the "1-year" estimates are the step function read at day 365
SPSS_DECIMALS = 3  # SPSS shows S and SE to 3 decimals; the paper's intervals come from those

chapter = SurvivalChapter(data_dir, horizon_days=HORIZON_DAYS, spss_decimals=SPSS_DECIMALS)
show_all(chapter.opening())

# %% [markdown]
# ## At a glance
#
# Every method applied to the three one-year numbers of Figure 4; each cell is what the method would have
# printed, followed by whether that equals the paper's digits. The cards below explain the rows.

# %% tags=["hide-input"]
show_all(chapter.at_a_glance())

# %% [markdown]
# Where the default of a tool would have changed a published digit (computed from the panels above):

# %% tags=["hide-input"]
show_all(chapter.changed_digits())

# %% [markdown]
# ---
#
# ## Card 1 · Kaplan-Meier estimator with Greenwood variance
#
# **What it computes.** The probability of being event-free beyond time $t$ when some patients are
# censored (still event-free at their last follow-up): at each distinct event time $t_i$ the fraction
# of the $n_i$ patients at risk who do not fail ($d_i$ events) is multiplied in. Its standard error comes
# from Greenwood's formula. A "1-year" estimate is the step function read at $t$ = 365 days.
#
# $$
# \hat S(t) = \prod_{t_i \le t} \left(1 - \frac{d_i}{n_i}\right), \qquad
# \widehat{\operatorname{Var}}\,\hat S(t) = \hat S(t)^2 \sum_{t_i \le t} \frac{d_i}{n_i\,(n_i - d_i)},
# \qquad \widehat{SE} = \sqrt{\widehat{\operatorname{Var}}\,\hat S(t)}
# $$
#
# A cumulative incidence read from the same fit is $\hat F(t) = 1 - \hat S(t)$, with the same SE.
#
# **References.** Kaplan EL, Meier P. Nonparametric estimation from incomplete observations. *J Am Stat
# Assoc* 1958;53:457–481. Greenwood M. The natural duration of cancer. *Reports on Public Health and
# Medical Subjects* 33, HMSO, London 1926.
#
# **Helper.** `cartrepro.stats.survival.km_at(time, event, t, conf_type="log-log", conf_level=0.95,
# spss_decimals=None, failure=False)` reads the step function at `t` (right-continuous; events at `t`
# count); `cartrepro.stats.survival.kaplan_meier(time, event, conf_type=..., conf_level=...)` gives the
# whole table, one row per event time. Both are checked against R `survival::survfit` by
# `tests/unit/test_stats_survival.py`.
#
# **Published numbers that use it** (from the ledgers, `method` mentions Kaplan-Meier):
#
# Below the list, the same numbers grouped by the page of the book that shows each, linked to it.

# %% tags=["hide-input"]
kaplan_meier = ledger_methods("kaplan-meier")
show_all(kaplan_meier, numbers_using(ids=kaplan_meier["id"]))

# %% [markdown]
# **Comparison panel.** The point estimate and its Greenwood SE at 365 days from `cartrepro`, from the
# SPSS table (the same numbers shown to 3 decimals), from lifelines (`KaplanMeierFitter`, which does not
# expose the SE) and from statsmodels (`SurvfuncRight`, Greenwood SE). Estimates are on the scale the
# paper reports (1 − S for relapse), as fractions as SPSS shows them.

# %% tags=["hide-input"]
show_all(chapter.tools())

# %% [markdown]
# The estimator itself is not where tools differ: the product-limit estimate and Greenwood's variance are
# the same in SPSS, R, Stata, SAS, lifelines and statsmodels. The differences come from what is done with
# the SE: the interval transform (card 2) and the rounding of the SPSS table (card 3).
#
# ---
#
# ## Card 2 · Confidence-interval transforms: plain, log, log-log
#
# **What it computes.** A pointwise 95% interval for $S(t)$ built from $\hat S$ and $\widehat{SE}$,
# either directly on the probability scale ("plain", also called linear) or on a transformed scale that
# keeps the interval inside $[0, 1]$ and makes it asymmetric. With $z = \Phi^{-1}(0.975) = 1.959964$:
#
# $$
# \text{plain: } \hat S \pm z\,\widehat{SE}\ \text{(clipped to } [0,1]\text{)}, \qquad
# \text{log: } \exp\!\left(\log \hat S \pm z\,\frac{\widehat{SE}}{\hat S}\right)\ \text{(upper capped at 1)},
# $$
#
# $$
# \text{log-log: } \exp\!\left[-\exp\!\left(\log(-\log \hat S) \mp z\,
# \frac{\widehat{SE}}{\hat S\,\lvert\log \hat S\rvert}\right)\right]
# = \hat S^{\,\exp\left(\pm z\,\widehat{SE} / (\hat S \log \hat S)\right)} .
# $$
#
# For $\hat F = 1 - \hat S$ the interval is $(1 - \text{upper}_S,\ 1 - \text{lower}_S)$.
#
# **Which tool uses which by default.** R `survfit`: `conf.type = "log"`. Stata (`sts list`, `sts graph,
# ci`) and SAS (`PROC LIFETEST`, `CONFTYPE=LOGLOG`): log-log. lifelines `KaplanMeierFitter`: its
# "exponential Greenwood" interval, which is the log-log one (the panels call lifelines and show that it
# is). SPSS's Kaplan-Meier table lists the estimate and its standard error but no interval for $S(t)$, so
# the authors formed $\hat S \pm 1.96\,\widehat{SE}$ themselves: the printed intervals are symmetric
# around the estimates (the ledger's `method_evidence`).
#
# **References.** Plain: the normal approximation with Greenwood's SE (Greenwood 1926, above). Log-log:
# Kalbfleisch JD, Prentice RL. *The Statistical Analysis of Failure Time Data.* Wiley, New York 1980
# (2nd ed. 2002). Transforms compared: Borgan Ø, Liestøl K. A note on confidence intervals and bands for
# the survival function based on transformations. *Scand J Stat* 1990;17:35–41; Klein JP, Moeschberger ML.
# *Survival Analysis: Techniques for Censored and Truncated Data*, 2nd ed. Springer 2003, section 4.3.
#
# **Helper.** `km_at(..., conf_type="plain" | "log" | "log-log", conf_level=0.95)` (and the same argument of
# `kaplan_meier` and of the `Curve` of `cartrepro.figures.survival`); the transforms are those of R
# `survfit(conf.type=...)` and match R to 1e-6 in the reference tests.
#
# **Published numbers that use it.** P2's three Figure 4 numbers (plain, from the SPSS table) and P1's
# 12-month OS/PFS estimates (log-log):
#
# Below the list, the same numbers grouped by the page of the book that shows each, linked to it.

# %% tags=["hide-input"]
transforms = ledger_methods("linear ci", "log(-log)")
show_all(transforms, numbers_using(ids=transforms["id"]))

# %% [markdown]
# **Comparison panel.** Each number with every transform, unrounded, and lifelines' own default computed
# by lifelines (`KaplanMeierFitter().fit(...).confidence_interval_` at 365 days; for relapse its
# `confidence_interval_cumulative_density_`). Estimates, SEs and bounds in percent.

# %% tags=["hide-input"]
show_all(chapter.transforms())

# %% [markdown]
# Why the transforms move the bounds: the log interval is capped at 100% when the survival is high, the
# log-log interval is pulled towards 0.5 and never reaches 0 or 1, and the plain interval is symmetric and
# has to be clipped at 0 for a small incidence such as the 9.1% relapse rate (the printed "0–26.2").
#
# ---
#
# ## Card 3 · SPSS's 3-decimal table: why 26.2 and not 26.1
#
# **What it computes.** The interval the authors printed was formed from the numbers SPSS *displays*,
# $\hat S$ and $\widehat{SE}$ rounded to 3 decimals (half up), not from the unrounded ones:
#
# $$
# \tilde S = \frac{\lfloor 1000\,\hat S + 0.5 \rfloor}{1000}, \quad
# \widetilde{SE} = \frac{\lfloor 1000\,\widehat{SE} + 0.5 \rfloor}{1000}, \qquad
# \text{CI} = \tilde S \pm 1.96\,\widetilde{SE}\quad (\text{for relapse: } (1 - \tilde S) \pm 1.96\,\widetilde{SE}).
# $$
#
# For Figure 4b (1 relapse among the 11 HCT patients, all others followed past the relapse):
# $\hat S = 10/11 = 0.909091$ and $\widehat{SE} = 0.909091\sqrt{1/110} = 0.086678$. SPSS shows 0.909 and
# 0.087, so the relapse rate is $1 - 0.909 = 0.091$ and the upper bound $0.091 + 1.96 \times 0.087 =
# 0.26152 \to$ **26.2**, as printed. From the unrounded numbers it is $0.090909 + 1.959964 \times 0.086678 =
# 0.26080 \to$ 26.1. Rounding the SE (0.086678 → 0.087) adds $1.96 \times 0.00032 \approx 0.0006$ to the
# bound and rounding S (0.909091 → 0.909) another 0.0001: enough to cross the rounding boundary of the
# printed digit (ledger inconsistency `relapse_ci_26_2`).
#
# **Reference.** A property of the software's display, not of a statistical method: IBM Corp. *IBM SPSS
# Statistics for Windows, Version 25.0.* Armonk, NY 2017. The project's ledger adopts it as the convention
# `spss_rounding` for all of P2's Kaplan-Meier intervals.
#
# **Helper.** `km_at(..., conf_type="plain", spss_decimals=3)` rounds $\hat S$ and $\widehat{SE}$ with
# `cartrepro.stats.rounding.spss_round(x, decimals)` (half up on the decimal representation, as a reader of
# the SPSS table would, not Python's half-to-even `round`) before forming the interval; with `failure=True`
# it takes $1 - \tilde S$. The Figure 4 chapter records the numbers with exactly this call.
#
# **Published numbers that use it:** the three P2 Kaplan-Meier numbers:
#
# Below the list, the same numbers grouped by the page of the book that shows each, linked to it.

# %% tags=["hide-input"]
spss_table = ledger_methods("kaplan-meier", paper="cd22")
show_all(spss_table, numbers_using(ids=spss_table["id"]))

# %% [markdown]
# **Comparison panel.** S(t) and SE as computed and as SPSS shows them, and the interval from each (with
# the paper's $z = 1.96$, as `km_at` forms it from a rounded table). The last column redoes the SPSS
# interval with the exact quantile 1.959964 instead.

# %% tags=["hide-input"]
show_all(chapter.spss_rounding())

# %% [markdown]
# ---
#
# ## Card 4 · 1 − Kaplan-Meier versus the competing-risks cumulative incidence
#
# **What it computes.** Relapse after HCT can be prevented from ever being observed by a competing event,
# treatment-related mortality (TRM). The paper's Figure 4b takes 1 − Kaplan-Meier with TRM deaths
# *censored*: the relapse probability in a hypothetical world without TRM. The competing-risks cumulative
# incidence function (CIF, Aalen-Johansen estimator) instead counts a relapse only while the patient is
# still alive and relapse-free, with the all-cause (here: LFS) Kaplan-Meier $\hat S$:
#
# $$
# \hat F_{\text{1−KM}}(t) = 1 - \prod_{t_i \le t}\left(1 - \frac{d_{1i}}{n_i}\right), \qquad
# \hat F_{\text{AJ}}(t) = \sum_{t_i \le t} \hat S(t_{i}^{-})\,\frac{d_{1i}}{n_i}, \qquad
# \hat S(t) = \prod_{t_i \le t}\left(1 - \frac{d_{1i} + d_{2i}}{n_i}\right),
# $$
#
# with $d_{1i}$ relapses and $d_{2i}$ TRM deaths at $t_i$. $\hat F_{\text{AJ}} \le \hat F_{\text{1−KM}}$,
# with equality up to the first competing event. Its variance here is Gray's, as R `cmprsk::cuminc`
# computes it; `cuminc` reports the estimate and that variance, and the interval is formed from them.
#
# **References.** Aalen OO, Johansen S. An empirical transition matrix for non-homogeneous Markov chains
# based on censored observations. *Scand J Stat* 1978;5:141–150. Gray RJ. A class of K-sample tests for
# comparing the cumulative incidence of a competing risk. *Ann Stat* 1988;16:1141–1154. Why 1 − KM
# overstates the probability when competing events occur: Gooley TA, Leisenring W, Crowley J, Storer BE.
# Estimation of failure probabilities in the presence of competing risks: new representations of old
# estimators. *Stat Med* 1999;18:695–706.
#
# **Helper.** `cartrepro.stats.survival.cumulative_incidence(time, cause, event_of_interest=1,
# conf_level=0.95)` (cause 0 = censored; estimate and variance equal to `cmprsk::cuminc` in the reference
# tests; its interval is the log(-log) one, $\hat F^{\exp(\mp z\,\widehat{SE}/(\hat F \log \hat F))}$). The
# analysis sets come from `cartrepro.analysis.cd22.derive.relapse_after_hct` (TRM censored, the paper's) and
# `lfs_after_hct` (`event_type` relapse / trm / censored, for the competing-risks coding).
#
# **Published numbers that use it:** P2 uses 1 − KM, not the CIF:
#
# Below the list, the same numbers grouped by the page of the book that shows each, linked to it.

# %% tags=["hide-input"]
incidence = ledger_methods("1 - kaplan-meier", "cumulative incidence", "competing")
show_all(incidence, numbers_using(ids=incidence["id"]))

# %% [markdown]
# **Comparison panel.** The 1-year relapse rate of Figure 4b by 1 − KM (paper's method and unrounded) and
# by the Aalen-Johansen CIF: with the log(-log) interval, with a plain $\hat F \pm z\,\widehat{SE}$ interval
# from the same Gray variance, and as lifelines' `AalenJohansenFitter` reports it (its own variance;
# lifelines 0.30.3 labels its two bound columns the other way round, so the bounds are taken as min, max).

# %% tags=["hide-input"]
show_all(chapter.competing_risks())

# %% [markdown]
# The ledger's resolution of `relapse_ci_26_2` ("cmprsk cuminc (26.9) does not match") is the
# plain-interval row of the Aalen-Johansen estimate. A competing-risks analysis, the usual one today for
# relapse after transplantation, can leave the estimate unchanged and still move the interval; the yes/no
# column says whether any variant would have printed the paper's bounds.
#
# ---
#
# ## Card 5 · The log-rank test (Mantel-Cox)
#
# **What it computes.** A test that the survival curves of $k$ groups are equal: at every distinct event
# time the observed events of each group are compared with those expected if the $d_i$ events were shared
# in proportion to the numbers at risk, with the hypergeometric variance:
#
# $$
# U_g = \sum_i \left(d_{gi} - d_i\,\frac{n_{gi}}{n_i}\right), \qquad
# V_{gh} = \sum_i \frac{d_i\,(n_i - d_i)}{n_i - 1}\,\frac{n_{gi}}{n_i}\left(\delta_{gh} - \frac{n_{hi}}{n_i}\right),
# \qquad X^2 = U^\top V^{-1} U \sim \chi^2_{k-1},
# $$
#
# with $U$ and $V$ restricted to $k - 1$ groups. This is R `survdiff(rho = 0)`, SPSS's "Log Rank
# (Mantel-Cox)" and lifelines' `logrank_test`.
#
# **References.** Mantel N. Evaluation of survival data and two new rank order statistics arising in its
# consideration. *Cancer Chemother Rep* 1966;50:163–170. Peto R, Peto J. Asymptotically efficient rank
# invariant test procedures. *J R Stat Soc A* 1972;135:185–207.
#
# **Helper.** `cartrepro.stats.survival.logrank_test(time, event, group)` returns `LogRankResult(statistic,
# df, p_value)`, checked against R `survival::survdiff` by the reference tests.
#
# **Published numbers that use it** (all in P1):
#
# Below the list, the same numbers grouped by the page of the book that shows each, linked to it.

# %% tags=["hide-input"]
logrank = ledger_methods("log-rank")
show_all(logrank, numbers_using(ids=logrank["id"]))

# %% [markdown]
# **Comparison panel: none on this page.** P2 prints no log-rank P value. The one comparison its
# Figure 4 data would allow, LFS of transplanted against non-transplanted CR patients from infusion, is
# one the paper does not make, and it would be biased: a patient has to stay alive and in remission until
# the transplant (day 40 to 70) to be in the HCT group (immortal-time bias). The log-rank P values above
# belong to P1 and will be compared, tool against tool, in the P1 chapter (pending).
