"""P1 cytokine screen: specimens, the 70-analyte screen (supplementary Table 4), the screen within each
disease (Fig. 1c, Venn diagram), and the MIP3α / Eotaxin fold changes and correlation (supplementary Fig. 3e).

Method: two-sided exact Mann-Whitney P, NR/ER vs > 6-month remission
(:func:`cartrepro.analysis.car1922.cytokines.screen`); Pearson correlation with its t-test P
(:func:`cartrepro.stats.groups.pearson`). The Benjamini-Hochberg q column is ours (the paper did not adjust).

Definitions the paper leaves open, and the choice made here:

* **Which specimens are screened.** "A total of 73 serum specimens at the peak of IL-6 were retrospectively
  collected from 119 patients, and 43 of the samples were used as a training cohort ... we compared the
  levels of total biomarkers between patients with NR/ER (n = 13) and patients with over-6-month remission
  (n = 26)": the training specimens at the IL-6 peak of patients evaluated for response; the 4 others
  (patients not evaluated) enter the medians and the correlation but no group (ledger inconsistency
  ``training_labels_39_of_43``).
* **Significant.** "We screened out 10 cytokines with significant differences": P < ``alpha`` (0.05).
* **Fig. 1c order.** "MIP3α and Eotaxin showed statistically significant differences in both B-ALL and B-NHL
  cohorts": the paper names the intersection without saying how it is ordered. Here the analytes significant
  in both diseases are listed by the product of their two within-disease P values (smallest first), ties by
  name (code-point order): a key that does not depend on the order of the table's rows.
* **Analyte names** match across spellings (:func:`~cartrepro.analysis.car1922.cytokines.analyte_key`:
  ``MIP3a`` is ``MIP3α``).

Examples
--------
>>> from cartrepro.analysis.car1922.examples import tiny_cohort
>>> r = compute(tiny_cohort())
>>> r.value("p1_n_specimens_peak"), r.value("p1_n_training"), r.value("p1_fc_median_mip3a")
(4, 2, 5.3)
>>> r.not_computable()["p1_s3e_corr_r"]
'MIP3α and Eotaxin are paired in 2 training specimens: a correlation needs at least 3'
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from cartrepro.analysis.car1922 import cytokines as cyto
from cartrepro.analysis.car1922 import derive
from cartrepro.analysis.results import Results
from cartrepro.stats.groups import pearson

MIP3A, EOTAXIN = "MIP3α", "Eotaxin"
#: the 10 analytes the paper names (supplementary Table 4) -> ledger-id suffix
HIT_IDS = {MIP3A: "mip3a", EOTAXIN: "eotaxin", "EPO": "epo", "TSLP": "tslp", "MCP-4": "mcp4",
           "IL-17F": "il17f", "IL-17A": "il17a", "MDC": "mdc", "TPO": "tpo", "SDF-1a": "sdf1a"}
COUNT_IDS = ["p1_n_specimens_peak", "p1_n_baseline_specimens", "p1_n_training", "p1_n_training_ball",
             "p1_n_training_bnhl", "p1_n_training_nrer", "p1_n_training_rem"]
SCREEN_IDS = ["p1_n_screen_hits", *(f"p1_s4_mw_p_{s}" for s in HIT_IDS.values()), "p1_s4_other_60_p"]
SUMMARY_IDS = ["p1_fc_median_mip3a", "p1_fc_min_mip3a", "p1_fc_max_mip3a", "p1_fc_median_eotaxin",
               "p1_fc_min_eotaxin", "p1_fc_max_eotaxin", "p1_s3e_corr_r", "p1_s3e_corr_p"]
SUBGROUP_IDS = ["p1_fig1c_subgroup_screen"]
ALL_IDS = COUNT_IDS + SCREEN_IDS + SUMMARY_IDS + SUBGROUP_IDS
NO_CYTOKINES = "car1922/cytokines.csv is absent"
SCREEN_COLUMNS = ["analyte", "n_nr_er", "n_remission", "median_nr_er", "median_remission", "p", "test", "q_bh"]
PAPER_WINDOW_MONTHS = 6.0


def _other_window(window_months: float) -> str:
    return f"the ledger numbers use the 6-month rule; this run uses {window_months:g} months"


def peak_specimens(cytokines: pd.DataFrame, patients: pd.DataFrame) -> pd.DataFrame:
    """Patients with a specimen at the IL-6 peak: ``patient_id, cohort, disease``, one row per patient (the
    smallest ``sample_id`` where a patient has several), sorted by ``patient_id``."""
    peak = cytokines[(cytokines["timepoint"] == "il6_peak").to_numpy(dtype=bool)]
    peak = peak.sort_values(["patient_id", "sample_id"], kind="mergesort").drop_duplicates("patient_id")
    return peak[["patient_id", "cohort"]].merge(patients[["patient_id", "disease"]], on="patient_id",
                                               how="left").reset_index(drop=True)


def specimens(tables: Mapping[str, pd.DataFrame], window_months: float = 6.0) -> Results:
    """Specimen counts: at the IL-6 peak, at baseline, training (by disease and by response group).

    ``frames["specimens"]``: patients with a peak specimen by cohort and disease.

    Examples
    --------
    >>> from cartrepro.analysis.car1922.examples import tiny_cohort
    >>> specimens(tiny_cohort()).value("p1_n_training_nrer")
    1
    """
    r = Results()
    cytokines, patients = tables.get("cytokines"), tables["patients"]
    r.frames["specimens"] = pd.DataFrame()
    if cytokines is None:
        r.skip(COUNT_IDS, NO_CYTOKINES)
        return r
    peak = peak_specimens(cytokines, patients)
    training = peak[peak["cohort"] == "training"]
    r.add("p1_n_specimens_peak", len(peak))
    r.add("p1_n_baseline_specimens",
          int(cytokines.loc[(cytokines["timepoint"] == "baseline").to_numpy(dtype=bool), "sample_id"].nunique()))
    r.add("p1_n_training", len(training))
    r.add("p1_n_training_ball", int((training["disease"] == "b_all").sum()))
    r.add("p1_n_training_bnhl", int((training["disease"] == "b_nhl").sum()))
    if window_months != PAPER_WINDOW_MONTHS:
        r.skip(["p1_n_training_nrer", "p1_n_training_rem"], _other_window(window_months))
    else:
        groups = derive.response_group(patients, window_months).set_axis(patients["patient_id"].to_numpy())
        labelled = groups.reindex(training["patient_id"].to_numpy())
        r.add("p1_n_training_nrer", int((labelled == "nr_er").sum()))
        r.add("p1_n_training_rem", int((labelled == "remission").sum()))
    r.frames["specimens"] = pd.crosstab(peak["cohort"], peak["disease"].map(derive.DISEASE_LABELS),
                                        margins=True, margins_name="total")
    return r


def training_screen(tables: Mapping[str, pd.DataFrame], window_months: float = 6.0,
                    alpha: float = 0.05) -> Results:
    """The screen of every training analyte: the number with P < ``alpha``, the P of the 10 analytes the paper
    names, and the smallest P of the others. ``frames["screen"]``: the whole screen sorted by P, then name.

    Examples
    --------
    >>> from cartrepro.analysis.car1922.examples import tiny_cohort
    >>> training_screen(tiny_cohort()).value("p1_n_screen_hits")
    0
    """
    r = Results()
    cytokines, patients = tables.get("cytokines"), tables["patients"]
    r.frames["screen"] = pd.DataFrame(columns=SCREEN_COLUMNS)
    if cytokines is None:
        r.skip(SCREEN_IDS, NO_CYTOKINES)
        return r
    table = cyto.screen(cytokines, patients, window_months=window_months)
    r.frames["screen"] = table.sort_values(["p", "analyte"], kind="mergesort", na_position="last")
    tested = table[table["p"].notna()]
    if tested.empty:
        r.skip(["p1_n_screen_hits"], "no training analyte has both NR/ER and remission specimens")
    else:
        r.add("p1_n_screen_hits", int((tested["p"] < alpha).sum()))
    if window_months != PAPER_WINDOW_MONTHS:
        r.skip(SCREEN_IDS[1:], _other_window(window_months))
        return r
    keys = table["analyte"].map(cyto.analyte_key)
    for analyte, suffix in HIT_IDS.items():
        row = tested[keys[tested.index] == cyto.analyte_key(analyte)]
        if row.empty:
            r.skip([f"p1_s4_mw_p_{suffix}"], f"{analyte} has no NR/ER and remission values in the training cohort")
        else:
            r.add(f"p1_s4_mw_p_{suffix}", float(row["p"].iloc[0]))
    is_other = ~keys.isin({cyto.analyte_key(a) for a in HIT_IDS})
    others = table[is_other.to_numpy()]
    if others["p"].notna().any():
        r.add("p1_s4_other_60_p", f"{len(others)} others, smallest P = {float(others['p'].min()):.4f}")
    else:
        r.skip(["p1_s4_other_60_p"], "no other training analyte could be tested")
    return r


def subgroup_screen(tables: Mapping[str, pd.DataFrame], window_months: float = 6.0,
                    alpha: float = 0.05) -> Results:
    """Figure 1c: the analytes with P < ``alpha`` in both the B-ALL and the B-NHL screen, as text
    ("A and B", "none"), ordered by the product of the two P values, then by name (module docstring).

    ``frames["venn"]``: {"b_all": set, "b_nhl": set} of significant analytes per disease.

    Examples
    --------
    >>> from cartrepro.analysis.car1922.examples import tiny_cohort
    >>> subgroup_screen(tiny_cohort()).value("p1_fig1c_subgroup_screen")
    'none'
    """
    r = Results()
    cytokines, patients = tables.get("cytokines"), tables["patients"]
    r.frames["venn"] = {}
    if cytokines is None:
        r.skip(SUBGROUP_IDS, NO_CYTOKINES)
        return r
    long = cyto.labelled_specimens(cytokines, patients, window_months=window_months)
    p_by_disease = {d: cyto.screen_long(long[(long["disease"] == d).to_numpy(dtype=bool)]).set_index("analyte")["p"]
                    for d in derive.SUFFIX}
    sig = {d: {a for a, p in ps.items() if p < alpha} for d, ps in p_by_disease.items()}
    r.frames["venn"] = sig
    if all(ps.isna().all() for ps in p_by_disease.values()):
        r.skip(SUBGROUP_IDS, "no analyte has NR/ER and remission values within either disease")
        return r
    both = sig["b_all"] & sig["b_nhl"]
    order = sorted(both, key=lambda a: (float(f"{p_by_disease['b_all'][a] * p_by_disease['b_nhl'][a]:.12g}"), a))
    r.add("p1_fig1c_subgroup_screen", " and ".join(order) if order else "none")
    return r


def _pearson_or_reason(x: np.ndarray, y: np.ndarray, what: str):
    """Pearson's r and P, or the reason they cannot be computed (a text)."""
    if x.size < 3:
        return f"{what} are paired in {x.size} training specimens: a correlation needs at least 3"
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return f"{what}: one of them takes a single value, so the correlation is undefined"
    result = pearson(x, y)
    if not (math.isfinite(result.statistic) and math.isfinite(result.p_value)):
        return f"{what}: the correlation is undefined on these values"
    return result


def fold_changes(tables: Mapping[str, pd.DataFrame], window_months: float = 6.0) -> Results:
    """Median (range) of the MIP3α and Eotaxin fold changes over all training specimens, and their Pearson
    correlation (supplementary Fig. 3e) over the patients with both. ``frames["s3e"]``: the pairs (columns
    MIP3α, Eotaxin, sorted by patient); ``frames["s3e_test"]``: the Pearson result or the reason (a text).

    Examples
    --------
    >>> from cartrepro.analysis.car1922.examples import tiny_cohort
    >>> fold_changes(tiny_cohort()).value("p1_fc_max_eotaxin")
    1.2
    """
    r = Results()
    cytokines, patients = tables.get("cytokines"), tables["patients"]
    r.frames["s3e"] = pd.DataFrame({MIP3A: [], EOTAXIN: []}, dtype=float)
    r.frames["s3e_test"] = NO_CYTOKINES
    if cytokines is None:
        r.skip(SUMMARY_IDS, NO_CYTOKINES)
        return r
    values = {}
    for analyte, suffix in ((MIP3A, "mip3a"), (EOTAXIN, "eotaxin")):
        frame = cyto.peak_table(cytokines, patients, "training", analyte, window_months)
        values[analyte] = frame.set_index("patient_id")["fold_change"]
        ids = [f"p1_fc_{s}_{suffix}" for s in ("median", "min", "max")]
        if frame.empty:
            r.skip(ids, f"no {analyte} values in the training cohort")
            continue
        for ledger_id, value in zip(ids, (np.median(frame["fold_change"]), frame["fold_change"].min(),
                                          frame["fold_change"].max()), strict=True):
            r.add(ledger_id, float(value))
    pairs = pd.concat(values, axis=1, join="inner").sort_index()
    r.frames["s3e"] = pairs
    result = _pearson_or_reason(pairs[MIP3A].to_numpy(float), pairs[EOTAXIN].to_numpy(float),
                                f"{MIP3A} and {EOTAXIN}")
    r.frames["s3e_test"] = result
    if isinstance(result, str):
        r.skip(["p1_s3e_corr_r", "p1_s3e_corr_p"], result)
    else:
        r.add("p1_s3e_corr_r", result.statistic)
        r.add("p1_s3e_corr_p", result.p_value)
    return r


def compute(tables: Mapping[str, pd.DataFrame], window_months: float = 6.0, alpha: float = 0.05) -> Results:
    """Everything the Figure 1c page records: :func:`specimens`, :func:`training_screen`,
    :func:`subgroup_screen`, :func:`fold_changes`."""
    return (specimens(tables, window_months).extend(training_screen(tables, window_months, alpha))
            .extend(subgroup_screen(tables, window_months, alpha)).extend(fold_changes(tables, window_months)))
