"""Conclusions under reasonable alternatives: does "P < 0.05" (or "the CI excludes the null") survive a
change to another method that the methods chapter shows for the same number?

For every published P value and CI this module can recompute on the cohort, it runs the methods chapter's
comparison panel (:mod:`cartrepro.methods.descriptive`, :mod:`cartrepro.methods.diagnostics`): Student vs
Welch vs the Mann-Whitney variants for P2's two-group tests, the Mann-Whitney variants (exact conditional,
exact tie-free, normal with and without continuity correction) for P1's rank tests, and Hanley-McNeil vs
DeLong intervals for P1's ROC areas (null: area 0.5), and for the correlations (P1's Pearson r of MIP3α with
Eotaxin and of tumour CD3 infiltration with PFS; P2's Spearman r of IL-2 and TNF-α with the CAR-T peak) the
three coefficients of the methods chapter's correlation panels, each with its usual P (:func:`correlation_p_panel`).
Each method's conclusion is compared with the one the paper printed (for P2's correlations the text's
"significantly correlated", read as P < 0.05); a *flip* is a method whose conclusion differs. Kaplan-Meier
and proportion intervals have no null value the papers test, so they have no conclusion to flip and are not
listed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cartrepro.analysis.results import Results

ALPHA = 0.05
COLUMNS = ["id", "quantity", "published", "published_conclusion", "method", "default_of", "value",
           "conclusion", "flips"]
P1_RANK = {"p1_fig1f_mw_p": ("training", "MIP3α"), "p1_fig1h_mw_p": ("validation", "MIP3α"),
           "p1_s4_mw_p_eotaxin": ("training", "Eotaxin"),
           # supplementary Table 4: the screen's other printed P values (the same test as Fig. 1f)
           **{f"p1_s4_mw_p_{key}": ("training", name) for key, name in (
               ("mip3a", "MIP3α"), ("epo", "EPO"), ("tslp", "TSLP"), ("mcp4", "MCP-4"), ("il17f", "IL-17F"),
               ("il17a", "IL-17A"), ("mdc", "MDC"), ("tpo", "TPO"), ("sdf1a", "SDF-1a"))}}
P1_AUC = {"p1_fig1d_auc_mip3a": "MIP3α", "p1_fig1d_auc_eotaxin": "Eotaxin"}
P2_CORR = {"p2_kin_spearman_il2": "il2_fold_increase", "p2_kin_spearman_tnfa": "tnfa_fold_increase"}
#: P2 prints no P for its correlations; its text says both are significant ("significantly correlated")
P2_CORR_TEXT = "significantly correlated (no P printed)"


def correlation_p_panel(x, y) -> pd.DataFrame:
    """The P of a correlation under each coefficient of the methods chapter: ``method, default_of,
    statistic, p_value`` (pairs with a missing value dropped; needs 3 pairs and two distinct values each).

    Pearson r with the t-test P on n - 2 df (R ``cor.test``); Spearman's rho (average ranks) with the
    t-approximation P (SPSS, R ``cor.test(method = "spearman", exact = FALSE)``; :func:`cartrepro.stats.groups
    .spearman`); Kendall's tau-b with R ``cor.test(method = "kendall")``'s default P: the exact permutation
    distribution when n < 50 and nothing is tied, else the normal approximation (scipy ``kendalltau`` with
    that method chosen explicitly, since scipy's own automatic choice uses exact only up to n = 33).
    Reference: R 4.2 ``cor.test``, frozen in tests/reference/fixtures/review.json.

    Examples
    --------
    >>> panel = correlation_p_panel([1, 2, 3, 4, 5, 6], [2, 1, 4, 3, 6, 5])
    >>> [(m.split(",")[0], round(p, 4)) for m, p in zip(panel["method"], panel["p_value"])]
    [('Pearson r', 0.0416), ("Spearman's rho", 0.0416), ("Kendall's tau-b", 0.1361)]
    """
    from scipy import stats

    from cartrepro.stats.groups import pearson, spearman

    frame = pd.DataFrame({"x": np.asarray(x, dtype=float), "y": np.asarray(y, dtype=float)}).dropna()
    a, b = frame["x"].to_numpy(), frame["y"].to_numpy()
    r, rho = pearson(a, b), spearman(a, b)
    untied = np.unique(a).size == a.size and np.unique(b).size == b.size
    exact = untied and a.size < 50
    tau = stats.kendalltau(a, b, method="exact" if exact else "asymptotic")
    rows = [("Pearson r, t-test P", "R cor.test, scipy pearsonr, SPSS", r.statistic, r.p_value),
            ("Spearman's rho, t-approximation P", "SPSS, R cor.test(method = \"spearman\", exact = FALSE)",
             rho.statistic, rho.p_value),
            ("Kendall's tau-b, " + ("exact P" if exact else "normal-approximation P"),
             "R cor.test(method = \"kendall\")", float(tau.statistic), float(tau.pvalue))]
    return pd.DataFrame(rows, columns=["method", "default_of", "statistic", "p_value"])


def _correlation_usable(x: np.ndarray, y: np.ndarray) -> bool:
    keep = ~(np.isnan(x) | np.isnan(y))
    return int(keep.sum()) >= 3 and np.unique(x[keep]).size > 1 and np.unique(y[keep]).size > 1


def _p_rows(ledger_id: str, panel: pd.DataFrame, *, stated: str | None = None) -> list[dict]:
    """One row per method of ``panel``; ``stated``: the paper gives no P, only this text saying the result is
    significant (then the published conclusion is P < 0.05 and ``published`` is that text)."""
    from cartrepro.ledger.entries import entry

    e = entry(ledger_id)
    if stated is None:
        printed_sig = float(e.published_numbers()[0]) < ALPHA and not str(e.printed).strip().startswith(">")
    else:
        printed_sig = True
    rows = []
    for row in panel.itertuples(index=False):
        sig = bool(row.p_value < ALPHA)
        rows.append({"id": ledger_id, "quantity": e.quantity,
                     "published": e.printed if stated is None else f"r = {e.printed}, {stated}",
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
    for ledger_id, (x, y) in p1_correlation_pairs(tables, window_months).items():
        if _correlation_usable(x, y):
            rows += _p_rows(ledger_id, correlation_p_panel(x, y))
        else:
            skipped.append(ledger_id)
    return _summarise(r, rows, "review_p1", skipped)


def p1_correlation_pairs(tables: dict, window_months: float = 6.0) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The pairs of P1's two correlations, by the ledger id of their P: MIP3α and Eotaxin fold change of the
    training specimens (Supp. Fig. 3e; one pair per patient) and, when the tissue table is there, tumour CD3
    infiltration and PFS days (Supp. Fig. 4b)."""
    from cartrepro.analysis.car1922 import cytokines as cyto

    cytokines, patients = tables["cytokines"], tables["patients"]
    mip = cyto.peak_table(cytokines, patients, "training", "MIP3α", window_months).set_index("patient_id")
    eot = cyto.peak_table(cytokines, patients, "training", "Eotaxin", window_months).set_index("patient_id")
    both = mip[["fold_change"]].join(eot[["fold_change"]], how="inner", lsuffix="_x", rsuffix="_y")
    out = {"p1_s3e_corr_p": (both["fold_change_x"].to_numpy(float), both["fold_change_y"].to_numpy(float))}
    tissue = tables.get("tissue")
    if tissue is not None:
        joined = tissue.merge(patients[["patient_id", "pfs_day"]], on="patient_id")
        out["p1_s4b_corr_p"] = (joined["cd3_infiltration"].to_numpy(float), joined["pfs_day"].to_numpy(float))
    return out


def p2_alternatives(tables: dict | None, *, early_death_days: int = 30) -> Results:
    """P2: the two-group P values (Student, Welch, Mann-Whitney variants) and the Spearman correlations
    (Spearman, Pearson, Kendall) of the methods chapter."""
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
    for ledger_id, column in P2_CORR.items():
        x, y = peak.to_numpy(float), patients[column].astype(float).to_numpy(float)
        if _correlation_usable(x, y):
            rows += _p_rows(ledger_id, correlation_p_panel(x, y), stated=P2_CORR_TEXT)
        else:
            skipped.append(ledger_id)
    return _summarise(r, rows, "review_p2", skipped)
