"""P1 Figure 1d-e: ROC of MIP3α and Eotaxin in the training cohort, Youden cutoffs, sensitivity and
specificity.

Method (:mod:`cartrepro.stats.diagnostics`): NR/ER is the positive class and a value *below* the cutoff a
positive test. Empirical ROC with thresholds at the midpoints between adjacent distinct values; AUC =
Mann-Whitney U / (n_NR/ER × n_remission); 95% CI = AUC ± 1.96 SE with the Hanley-McNeil (1982) SE from
empirical Q1 and Q2 (the form that reproduces the printed intervals; DeLong's SE is shown beside it);
cutoff = maximal Youden J (ties: the highest sensitivity); sensitivity and specificity with the hybrid
Wilson/Brown interval (GraphPad Prism).

Definitions the paper leaves open, and the choice made here:

* **Which specimens.** "To assess the predictive power of MIP3α and Eotaxin, ROC analysis was performed in
  the training group": the labelled training specimens at the IL-6 peak (NR/ER n = 13 vs over-6-month
  remission n = 26); the training specimens of patients not evaluated for response do not enter.
* **The cutoff.** "The cut-off values ... of MIP3α and Eotaxin were 4.703 and 1.671 ... as calculated from
  Youden's index": the midpoint threshold with maximal J. When no finite threshold separates the groups
  at all (every value tied), the cutoff, sensitivity and specificity are declared not computable.

Examples
--------
>>> from cartrepro.analysis.car1922.examples import tiny_cohort
>>> r = compute(tiny_cohort())
>>> r["p1_fig1d_auc_eotaxin"].value, r.value("p1_fig1e_cutoff_eotaxin"), r["p1_fig1e_sens_eotaxin"].value
(1.0, 1.05, 100.0)
>>> r.not_computable()["p1_fig1e_cutoff_mip3a"]
'no finite MIP3α threshold separates NR/ER from remission'
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from cartrepro.analysis.car1922 import cytokines as cyto
from cartrepro.analysis.results import Results
from cartrepro.stats.diagnostics import auc, roc_curve, sens_spec_at, youden_cutoff

#: the two markers of Fig. 1d-e -> ledger-id suffix
MARKERS = {"MIP3α": "mip3a", "Eotaxin": "eotaxin"}
PAPER_WINDOW_MONTHS = 6.0
AUC_COLUMNS = ["marker", "NR/ER", "remission", "AUC", "95% CI (Hanley-McNeil)", "SE HM", "95% CI (DeLong)",
               "SE DeLong"]
PANEL_COLUMNS = ["marker", "measure", "k/n", "%", "95% CI"]


def marker_ids(suffix: str) -> list[str]:
    return [f"p1_fig1d_auc_{suffix}", f"p1_fig1e_cutoff_{suffix}", f"p1_fig1e_sens_{suffix}",
            f"p1_fig1e_spec_{suffix}"]


IDS = [i for s in MARKERS.values() for i in marker_ids(s)]


def marker_roc(nr: np.ndarray, rem: np.ndarray) -> dict:
    """ROC summary of one marker from its NR/ER (cases) and remission (controls) values, NR/ER lower.

    Returns ``{"auc": AUCResult, "curve": DataFrame, "cutoff": Cutoff or None, "sens_spec": SensSpec or None}``;
    ``cutoff`` is None when the best Youden threshold is not finite (no value separates the groups).

    Examples
    --------
    >>> out = marker_roc(np.array([1.0, 2.0]), np.array([3.0, 4.0, 2.0]))
    >>> round(out["auc"].auc, 4), out["cutoff"].threshold
    (0.9167, 2.5)
    """
    area = auc(nr, rem, direction="lower")
    curve = roc_curve(nr, rem, direction="lower").sort_values(["sensitivity", "specificity"],
                                                              ascending=[True, False])
    cut = youden_cutoff(nr, rem, direction="lower")
    if not math.isfinite(cut.threshold):
        return {"auc": area, "curve": curve, "cutoff": None, "sens_spec": None}
    return {"auc": area, "curve": curve, "cutoff": cut,
            "sens_spec": sens_spec_at(nr, rem, cut.threshold, direction="lower")}


def compute(tables: Mapping[str, pd.DataFrame], window_months: float = 6.0) -> Results:
    """AUC with its Hanley-McNeil CI, Youden cutoff, sensitivity and specificity (with CIs) of each marker.

    Frames: ``roc_curves`` {marker: ROC curve}, ``auc_table`` (AUC, both SEs and CIs), ``sens_spec`` (k/n, %,
    CI at the cutoff), ``cutoffs`` {marker: threshold}.
    """
    r = Results()
    cytokines, patients = tables.get("cytokines"), tables["patients"]
    r.frames.update(roc_curves={}, auc_table=pd.DataFrame(columns=AUC_COLUMNS[1:], dtype=float),
                    sens_spec=pd.DataFrame(columns=PANEL_COLUMNS), cutoffs={})
    if cytokines is None:
        r.skip(IDS, "car1922/cytokines.csv is absent")
        return r
    if window_months != PAPER_WINDOW_MONTHS:
        r.skip(IDS, f"the ledger numbers use the 6-month rule; this run uses {window_months:g} months")
    curves, auc_rows, panel, cutoffs = {}, [], [], {}
    for analyte, suffix in MARKERS.items():
        nr, rem = cyto.split(cyto.peak_table(cytokines, patients, "training", analyte, window_months))
        if not (nr.size and rem.size):
            if window_months == PAPER_WINDOW_MONTHS:
                r.skip(marker_ids(suffix), f"the NR/ER or the remission group has no {analyte} value in the "
                       "training cohort")
            continue
        out = marker_roc(nr, rem)
        area = out["auc"]
        curves[analyte] = out["curve"]
        auc_rows.append({"marker": analyte, "NR/ER": nr.size, "remission": rem.size, "AUC": area.auc,
                         "95% CI (Hanley-McNeil)": "{:.4f}-{:.4f}".format(*area.ci_hanley_mcneil),
                         "SE HM": area.se_hanley_mcneil, "95% CI (DeLong)": "{:.4f}-{:.4f}".format(*area.ci_delong),
                         "SE DeLong": area.se_delong})
        if window_months == PAPER_WINDOW_MONTHS:
            r.add(f"p1_fig1d_auc_{suffix}", area.auc, ci=area.ci_hanley_mcneil)
        if out["cutoff"] is None:
            if window_months == PAPER_WINDOW_MONTHS:
                r.skip(marker_ids(suffix)[1:], f"no finite {analyte} threshold separates NR/ER from remission")
            continue
        cutoffs[analyte] = out["cutoff"].threshold
        if window_months == PAPER_WINDOW_MONTHS:
            r.add(f"p1_fig1e_cutoff_{suffix}", out["cutoff"].threshold)
        for name, prop in (("sens", out["sens_spec"].sensitivity), ("spec", out["sens_spec"].specificity)):
            point, low, high = prop.percent()
            if window_months == PAPER_WINDOW_MONTHS:
                r.add(f"p1_fig1e_{name}_{suffix}", point, ci=(low, high))
            panel.append({"marker": analyte, "measure": "sensitivity" if name == "sens" else "specificity",
                          "k/n": f"{prop.k}/{prop.n}", "%": point, "95% CI": f"{low:.2f}-{high:.2f}"})
    r.frames["roc_curves"] = curves
    r.frames["auc_table"] = pd.DataFrame(auc_rows, columns=AUC_COLUMNS).set_index("marker").round(4)
    r.frames["sens_spec"] = pd.DataFrame(panel, columns=PANEL_COLUMNS)
    r.frames["cutoffs"] = cutoffs
    return r
