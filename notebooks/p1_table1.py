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
# # Table 1 · Patient characteristics
#
# *P1 (sequential CAR19/22 T cells, 119 patients), Table 1 and Results "Patient characteristics".* The
# paper describes its 35 B-ALL and 84 B-NHL patients by disease (Table 1) and pools some of the numbers
# in the text.
#
# ```{admonition} Reconstructed data
# :class: warning
# On the shipped cohort these numbers come from **synthetic** patients reconstructed from the paper's
# published aggregates (see [the reconstruction](p1_reconstruction.ipynb)); they are not trial data.
# ```
#
# **Method (as the paper, SPSS 25):** counts with percentages of the column N (35 or 84), medians with
# the range (minimum–maximum). The table is built with `tableone`; the recorded numbers are computed from
# the same columns without rounding, by `cartrepro.analysis.car1922.baseline`.

# %% tags=["parameters"]
data_dir = "data/reconstructed"  # cohort folder holding car1922/

# %% tags=["hide-input"]
from IPython.display import display

from cartrepro.analysis.car1922 import baseline
from cartrepro.contract import load_paper
from cartrepro.ledger.record import comparison, record_all
from cartrepro.paths import is_shipped_cohort, resolve_data_dir

tables = load_paper(resolve_data_dir(data_dir), "car1922")
reference = is_shipped_cohort(data_dir, "car1922")

# %% [markdown]
# ## Table 1 by disease
#
# Each count cell is computed as its count k (the paper prints k and k/N), each median (range) as its
# three numbers; the table shows them as the paper does.

# %% tags=["hide-input"]
cells = baseline.table1_cells(tables)
display(baseline.table1_frame(tables["patients"]))

# %% [markdown]
# ## Pooled numbers of the Results
#
# The text pools both diseases: {glue:text}`p1_n_total__text` patients, median age
# {glue:text}`p1_age_median_all__text` years ({glue:text}`p1_age_min_all__text`–{glue:text}`p1_age_max_all__text`),
# {glue:text}`p1_prior_hsct_pct__text` with a prior HSCT, CRS in {glue:text}`p1_crs_any_pct__text` and grade ≥ 3
# in {glue:text}`p1_crs_ge3_pct__text`, median follow-up {glue:text}`p1_fu_median_all__text` days.
#
# ```{note}
# Two printed percentages cannot come from any count of 119 patients: "Fifty patients (41.0%)" is
# 50/119 = 42.0% (41.0% would be 50/122; ledger inconsistency `female_41_0`), and "93.5% aged ≥ 18
# years" lies between 111/119 = 93.3% and 112/119 = 94.1% (`age_ge18_93_5`); the reconstruction keeps
# 111 adults. The doses "4.1 ± 2.1" and "5.1 ± 2.5", called medians in the text, are read as mean ± SD
# (`car_dose_median_vs_mean`): the pooled medians are shown beside them.
# ```

# %% tags=["hide-input"]
pooled = baseline.pooled(tables)
display(pooled.frames["doses"])

# %% [markdown]
# ## Published and reproduced
#
# Every number of this page is recorded at once; the tables compare them with the paper.

# %% tags=["hide-input"]
record_all(cells, pooled)
comparison("p1_t1_", reference_data=reference)

# %% tags=["hide-input"]
comparison(["p1_n_total", "p1_n_ball", "p1_n_bnhl", "p1_female_pct", "p1_age_median_all", "p1_age_min_all",
            "p1_age_max_all", "p1_age_ge18_pct", "p1_refractory_pct", "p1_relapsed_pct", "p1_lines_ge3_pct",
            "p1_cns_pct", "p1_prior_hsct_pct", "p1_prior_auto_hsct_n", "p1_prior_allo_hsct_n",
            "p1_car19_dose_center_all", "p1_car19_dose_sd_all", "p1_car22_dose_center_all", "p1_car22_dose_sd_all",
            "p1_crs_any_pct", "p1_crs_ge3_pct", "p1_fu_median_all", "p1_fu_min_all", "p1_fu_max_all"],
           reference_data=reference)
