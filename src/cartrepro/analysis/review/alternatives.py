"""Conclusions under reasonable alternatives: does "P < 0.05" (or "the CI excludes the null") survive a
change to another method that the methods chapter shows for the same number?

For every published P value and CI this module can recompute on the cohort, it runs the methods chapter's
comparison panel (:mod:`cartrepro.methods.descriptive`, :mod:`cartrepro.methods.diagnostics`): Student vs
Welch vs the Mann-Whitney variants for P2's two-group tests, the Mann-Whitney variants (exact conditional,
exact tie-free, normal with and without continuity correction) for P1's rank tests, and Hanley-McNeil vs
DeLong intervals for P1's ROC areas (null: area 0.5). Each method's conclusion is compared with the one the
paper printed; a *flip* is a method whose conclusion differs. Kaplan-Meier and proportion intervals have
no null value the papers test, so they have no conclusion to flip and are not listed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cartrepro.analysis.results import Results

ALPHA = 0.05
COLUMNS = ["id", "quantity", "published", "published_conclusion", "method", "default_of", "value",
           "conclusion", "flips"]
P1_RANK = {"p1_fig1f_mw_p": ("training", "MIP3α"), "p1_fig1h_mw_p": ("validation", "MIP3α"),
           "p1_s4_mw_p_eotaxin": ("training", "Eotaxin")}
P1_AUC = {"p1_fig1d_auc_mip3a": "MIP3α", "p1_fig1d_auc_eotaxin": "Eotaxin"}


def _p_rows(ledger_id: str, panel: pd.DataFrame) -> list[dict]:
    from cartrepro.ledger.entries import entry

    e = entry(ledger_id)
    published = float(e.published_numbers()[0])
    printed_sig = published < ALPHA and not str(e.printed).strip().startswith(">")
    rows = []
    for row in panel.itertuples(index=False):
        sig = bool(row.p_value < ALPHA)
        rows.append({"id": ledger_id, "quantity": e.quantity, "published": e.printed,
                     "published_conclusion": "P < 0.05" if printed_sig else "P >= 0.05", "method": row.method,
                     "default_of": row.default_of, "value": float(row.p_value),
                     "conclusion": "P < 0.05" if sig else "P >= 0.05", "flips": sig != printed_sig})
    return rows


def _ci_rows(ledger_id: str, panel: pd.DataFrame, null: float) -> list[dict]:
    from cartrepro.ledger.entries import entry

    e = entry(ledger_id)
    printed_excludes = not (e.ci_low <= null <= e.ci_high)
    rows = []
    for row in panel.itertuples(index=False):
        excludes = not (row.ci_low <= null <= row.ci_high)
        rows.append({"id": ledger_id, "quantity": e.quantity, "published": e.printed,
                     "published_conclusion": f"CI excludes {null:g}" if printed_excludes else f"CI includes {null:g}",
                     "method": row.method, "default_of": row.default_of,
                     "value": f"{row.ci_low:.4f}–{row.ci_high:.4f}",
                     "conclusion": f"CI excludes {null:g}" if excludes else f"CI includes {null:g}",
                     "flips": excludes != printed_excludes})
    return rows


def _usable(a: np.ndarray, b: np.ndarray) -> bool:
    return len(a) > 0 and len(b) > 0 and np.unique(np.concatenate([a, b])).size > 1


def _summarise(r: Results, rows: list[dict], prefix: str, skipped: list[str]) -> Results:
    frame = pd.DataFrame(rows, columns=COLUMNS)
    r.frames["alternatives"] = frame
    r.frames["alternatives_skipped"] = skipped
    if frame.empty:
        r.skip([f"{prefix}_alt_conclusions", f"{prefix}_alt_flips"],
               "no published P value or CI could be recomputed on this cohort")
        return r
    r.add(f"{prefix}_alt_conclusions", int(frame["id"].nunique()))
    r.add(f"{prefix}_alt_flips", int(frame.loc[frame["flips"], "id"].nunique()))
    return r


def p1_alternatives(tables: dict | None, *, window_months: float = 6.0) -> Results:
    """P1: rank-test P values and ROC-area CIs under every method of the methods chapter."""
    from cartrepro.analysis.car1922 import cytokines as cyto
    from cartrepro.methods.diagnostics import auc_ci_panel, mann_whitney_panel

    r = Results()
    cytokines = None if tables is None else tables.get("cytokines")
    if cytokines is None:
        r.skip(["review_p1_alt_conclusions", "review_p1_alt_flips"], "car1922/cytokines.csv is absent")
        return r
    patients = tables["patients"]
    rows, skipped = [], []
    for ledger_id, (cohort, analyte) in P1_RANK.items():
        nr, rem = cyto.split(cyto.peak_table(cytokines, patients, cohort, analyte, window_months))
        if _usable(nr, rem):
            rows += _p_rows(ledger_id, mann_whitney_panel(nr, rem))
        else:
            skipped.append(ledger_id)
    for ledger_id, analyte in P1_AUC.items():
        nr, rem = cyto.split(cyto.peak_table(cytokines, patients, "training", analyte, window_months))
        if _usable(nr, rem) and len(nr) > 1 and len(rem) > 1:
            rows += _ci_rows(ledger_id, auc_ci_panel(nr, rem, direction="lower"), 0.5)
        else:
            skipped.append(ledger_id)
    return _summarise(r, rows, "review_p1", skipped)


def p2_alternatives(tables: dict | None, *, early_death_days: int = 30) -> Results:
    """P2: the two-group P values (Student, Welch, Mann-Whitney variants) of the methods chapter."""
    from cartrepro.methods.descriptive import two_group_panel

    r = Results()
    if tables is None:
        r.skip(["review_p2_alt_conclusions", "review_p2_alt_flips"], "cd22/patients.csv is absent")
        return r
    patients = tables["patients"]

    def mask(condition) -> np.ndarray:
        return pd.Series(condition).astype("boolean").fillna(False).to_numpy(dtype=bool)

    response = patients["day30_response"]
    peak = patients["peak_car_pct_cd3"].astype(float)
    dose = patients["dose_1e5_per_kg"].astype(float)
    transplanted = mask(patients["prior_allo_hct"])
    responders = mask(response.isin(("cr_mrd_negative", "cr_mrd_positive", "partial_response")))
    non_responders = mask(response == "no_response")
    early = mask(patients["death_day"].astype("Float64") < early_death_days)
    neuro = mask(patients["neurotox_grade"].astype("Float64") > 0)
    comparisons = {"p2_dose_p": (dose[~transplanted], dose[transplanted]),
                   "p2_fig2b_p_expansion_response": (peak[responders], peak[non_responders]),
                   "p2_fig3b_p_severe_ae": (peak[early], peak[~early]),
                   "p2_fig3b_p_neuro": (peak[neuro], peak[~neuro])}
    rows, skipped = [], []
    for ledger_id, (a, b) in comparisons.items():
        a, b = a.dropna().to_numpy(), b.dropna().to_numpy()
        if _usable(a, b) and len(a) + len(b) >= 3 and min(len(a), len(b)) >= 1 and len(a) + len(b) > 2:
            rows += _p_rows(ledger_id, two_group_panel(a, b))
        else:
            skipped.append(ledger_id)
    return _summarise(r, rows, "review_p2", skipped)
