"""Optimism of a data-chosen marker and cutoff (P1 Fig. 1d-1g).

MIP3α was picked from a 70-analyte screen, its ROC area and its Youden cutoff were estimated on the same
training specimens, and the PFS log-rank P was then computed at that cutoff. Each step chose something
from the data and scored it on the same data. This module gives the honest counterparts:

* the bootstrap optimism-corrected ROC area of the screen's pick (:func:`cartrepro.stats.optimism.
  harrell_optimism` with :func:`~cartrepro.stats.optimism.best_marker_auc` over every analyte with complete
  training values; cases = NR/ER, controls = > 6-month remission);
* the optimism-corrected balanced accuracy of the marker at its Youden cutoff
  (:func:`~cartrepro.stats.optimism.youden_accuracy`, direction "lower": NR/ER have lower values);
* the maximally selected log-rank statistic of PFS over the marker's cutpoints with Lausen and
  Schumacher's P (:func:`cartrepro.stats.maxstat.maxstat_logrank`), beside the uncorrected log-rank P at
  the best split; all training specimens, as Fig. 1g uses them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cartrepro.analysis.results import Results

IDS_AUC = ["review_p1_mip3a_auc_apparent", "review_p1_mip3a_auc_optimism", "review_p1_mip3a_auc_optimism_corrected"]
IDS_YOUDEN = ["review_p1_mip3a_youden_accuracy_apparent", "review_p1_mip3a_youden_accuracy_corrected"]
IDS_MAXSTAT = ["review_p1_mip3a_cutoff_best_split_logrank_p", "review_p1_mip3a_cutoff_maxstat_statistic",
               "review_p1_mip3a_cutoff_maxstat_cutpoint", "review_p1_mip3a_cutoff_maxstat_p"]


def training_matrix(cytokines: pd.DataFrame, patients: pd.DataFrame, window_months: float = 6.0
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(NR/ER specimens x analytes, remission specimens x analytes) of the training screen, rows in a
    canonical order (sorted by their values).

    Analytes missing for any labelled specimen are left out (the bootstrap needs complete columns).
    """
    from cartrepro.analysis.car1922.derive import response_group

    peak = cytokines[(cytokines["timepoint"] == "il6_peak") & (cytokines["cohort"] == "training")]
    wide = peak.pivot_table(index="patient_id", columns="analyte", values="fold_change", aggfunc="first",
                            sort=False)
    wide = wide[sorted(wide.columns)]  # a canonical column order too (ties in the selection: first by name)
    group = response_group(patients, window_months).set_axis(patients["patient_id"]).reindex(wide.index)
    labelled = wide[group.notna().to_numpy()]
    labelled = labelled.loc[:, labelled.notna().all()]
    g = group.loc[labelled.index]
    cases, controls = labelled[(g == "nr_er").to_numpy()], labelled[(g == "remission").to_numpy()]
    return _canonical(cases), _canonical(controls)


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by their values (first column first), so the seeded bootstrap draws the same specimens
    whatever the row order of the table or the patient ids (identical rows are interchangeable)."""
    if frame.empty:
        return frame
    order = np.lexsort(frame.to_numpy(float).T[::-1])
    return frame.iloc[order]


def cutoff_optimism(tables: dict | None, *, analyte: str = "MIP3α", window_months: float = 6.0,
                    n_boot: int = 1000, seed: int = 20240101, minprop: float = 0.1, maxprop: float = 0.9
                    ) -> Results:
    """The review ids of the cutoff section; ``frames["cutoff"]`` holds the P-value comparison table."""
    from cartrepro.analysis.car1922 import cytokines as cyto
    from cartrepro.stats.maxstat import maxstat_logrank
    from cartrepro.stats.optimism import best_marker_auc, harrell_optimism, youden_accuracy
    from cartrepro.stats.survival import logrank_test

    r = Results()
    cytokines = None if tables is None else tables.get("cytokines")
    if cytokines is None or not (cytokines["cohort"] == "training").any():
        r.skip(IDS_AUC + IDS_YOUDEN + IDS_MAXSTAT, "car1922/cytokines.csv with training specimens is absent")
        return r
    patients = tables["patients"]
    cases, controls = training_matrix(cytokines, patients, window_months)
    if len(cases) < 2 or len(controls) < 2 or analyte not in cases.columns:
        r.skip(IDS_AUC + IDS_YOUDEN, f"fewer than 2 NR/ER or remission training specimens with {analyte} values")
    else:
        best = harrell_optimism(cases.to_numpy(), controls.to_numpy(), best_marker_auc, n_boot=n_boot, seed=seed)
        r.add("review_p1_mip3a_auc_apparent", best.apparent)
        r.add("review_p1_mip3a_auc_optimism", best.optimism)
        r.add("review_p1_mip3a_auc_optimism_corrected", best.corrected)
        two_sided = np.maximum(*(lambda a: (a, 1 - a))(_aucs(cases, controls)))
        r.frames["selected_analyte"] = str(cases.columns[int(np.argmax(two_sided))])
        youden = harrell_optimism(cases[analyte].to_numpy(), controls[analyte].to_numpy(), youden_accuracy("lower"),
                                  n_boot=n_boot, seed=seed)
        r.add("review_p1_mip3a_youden_accuracy_apparent", youden.apparent)
        r.add("review_p1_mip3a_youden_accuracy_corrected", youden.corrected)
    frame = cyto.peak_table(cytokines, patients, "training", analyte, window_months)
    t, e = frame["pfs_day"].astype(float).to_numpy(), frame["pfs_event"].astype(bool).to_numpy()
    x = frame["fold_change"].astype(float).to_numpy()
    try:
        ms = maxstat_logrank(t, e.astype(float), x, minprop=minprop, maxprop=maxprop)
    except ValueError as exc:
        r.skip(IDS_MAXSTAT, f"no maximally selected statistic on these {len(x)} training specimens: {exc}")
        return r
    naive = logrank_test(t, e, x > ms.cutpoint)
    r.add("review_p1_mip3a_cutoff_best_split_logrank_p", naive.p_value)
    r.add("review_p1_mip3a_cutoff_maxstat_statistic", ms.statistic)
    r.add("review_p1_mip3a_cutoff_maxstat_cutpoint", ms.cutpoint)
    r.add("review_p1_mip3a_cutoff_maxstat_p", ms.p_value)
    r.frames["maxstat"] = ms
    return r


def _aucs(cases: pd.DataFrame, controls: pd.DataFrame) -> np.ndarray:
    from cartrepro.stats.optimism import oriented_aucs

    return oriented_aucs(cases.to_numpy(), controls.to_numpy())
