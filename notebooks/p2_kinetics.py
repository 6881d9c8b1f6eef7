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
# # CAR-T expansion, persistence and cytokines
#
# *P2 (Pan et al., Leukemia 2019), Results after Figure 2 and Supplementary Figures 3-4.* CAR-T cells
# measured in peripheral blood by flow cytometry: peak level, day of the peak, fold expansion and how long
# they stayed detectable; serum IL-2 and TNF-α against the expansion kinetics (Spearman).
#
# ```{admonition} Reconstructed data
# :class: warning
# On the shipped cohort these are **synthetic** patients (see [the reconstruction](p2_reconstruction.ipynb)).
# ```
#
# **Conventions (stated because the paper leaves them open):** the peak-day range counts patients alive
# after day 15 whose CAR-T cells expanded (the two day-10 deaths peaked earlier); the fold range counts
# patients with expansion; the Spearman correlations use one value per patient (the paper does not say
# whether its n counts patients or time points), so they are *constructions*.

# %% tags=["parameters"]
data_dir = "data/reconstructed"  # cohort folder holding cd22/
peak_window_end = 15  # the paper's peak window is days 12 to 15

# %% tags=["hide-input"]

from cartrepro import not_computable, record
from cartrepro.analysis.cd22 import derive as derive
from cartrepro.contract import load_paper
from cartrepro.figures.groups import dot_groups
from cartrepro.ledger.record import comparison
from cartrepro.paths import is_shipped_cohort
from cartrepro.stats.groups import spearman

patients = load_paper(data_dir, "cd22")["patients"]
reference = is_shipped_cohort(data_dir, "cd22")

# %% [markdown]
# ## Expansion and persistence
#
# Expansion peaked between days {glue:text}`p2_kin_peak_day_min__text` and
# {glue:text}`p2_kin_peak_day_max__text` ({glue:text}`p2_kin_peak_fold_min__text` to
# {glue:text}`p2_kin_peak_fold_max__text`-fold); CAR-T cells stayed detectable for a median of
# {glue:text}`p2_kin_persistence_median__text` days.

# %% tags=["hide-input"]
alive_after_window = ~derive._mask(patients["death_day"] <= peak_window_end)
peak_day = patients.loc[alive_after_window, "peak_day"].dropna().astype(float)
record("p2_kin_peak_day_min", peak_day.min())
record("p2_kin_peak_day_max", peak_day.max())
fold = patients["peak_fold_expansion"].dropna().astype(float)
if len(fold):
    record("p2_kin_peak_fold_min", fold.min())
    record("p2_kin_peak_fold_max", fold.max())
else:
    for ledger_id in ("p2_kin_peak_fold_min", "p2_kin_peak_fold_max"):
        not_computable(ledger_id, "the optional column peak_fold_expansion is absent or empty")
persistence = patients["persistence_days"].dropna().astype(float)
record("p2_kin_persistence_median", persistence.median())
record("p2_kin_persistence_min", persistence.min())
record("p2_kin_persistence_max", persistence.max())
record("p2_disc_car_detectable", float(derive.months(persistence.max())))  # "only within 3 months"
fig = dot_groups({"fold expansion": fold}, title="Peak fold expansion", ylabel="Fold (log scale)", log=True)

# %% tags=["hide-input"]
comparison([e for e in ("p2_kin_peak_day_min p2_kin_peak_day_max p2_kin_peak_fold_min p2_kin_peak_fold_max "
                        "p2_kin_persistence_median p2_kin_persistence_min p2_kin_persistence_max "
                        "p2_disc_car_detectable").split()], reference_data=reference)

# %% [markdown]
# ## Cytokines and expansion (Spearman)
#
# IL-2: ρ = {glue:text}`p2_kin_spearman_il2__text` (published 0.59); TNF-α: ρ =
# {glue:text}`p2_kin_spearman_tnfa__text` (published 0.43).

# %% tags=["hide-input"]
peak = patients["peak_car_pct_cd3"].astype(float)
for ledger_id, column in (("p2_kin_spearman_il2", "il2_fold_increase"), ("p2_kin_spearman_tnfa", "tnfa_fold_increase")):
    both = peak.notna() & patients[column].notna()
    if int(both.sum()) >= 3:
        result = spearman(peak[both], patients.loc[both, column].astype(float))
        record(ledger_id, result.statistic)
        print(f"{column}: rho = {result.statistic:.3f}, P = {result.p_value:.2g}, n = {int(both.sum())}")
    else:
        not_computable(ledger_id, f"fewer than 3 patients with both peak expansion and {column}")
comparison(["p2_kin_spearman_il2", "p2_kin_spearman_tnfa"], reference_data=reference)
