"""The reconstructed P1 cytokine and tissue tables, consistent with the CAR19/22 paper's biomarker results.

SYNTHETIC DATA. The paper prints only aggregates of its serum cytokine measurements; this generator builds
``car1922/cytokines.csv`` (long format, the data contract's table) and ``car1922/tissue.csv`` (supplementary
Fig. 4a-b) that reproduce them, on top of the existing patient table (read through the data contract: which
patients give specimens, their disease, NR/ER label and PFS all come from ``patients.csv``). Every choice the
paper leaves open is an :class:`Assumption`; every printed number is a :class:`Constraint` evaluated on the
finished tables with the same statistics the notebooks use (``cartrepro.stats.ranks``, ``.diagnostics``,
``.survival``); the generator refuses to write tables that miss one.

The solve, in order (all draws from one seeded generator; the first accepted draw of each step is kept and
the report says how many draws each took):

1. **Rank patterns** of MIP3α and Eotaxin in the 13 NR/ER vs 26 remission training specimens: the empirical
   ROC area, the Hanley-McNeil (empirical Q) interval, the Youden cutoff position and sensitivity /
   specificity depend only on the order of the labels. MIP3α: 12 NR/ER + 9 remission below the cutoff, the
   one NR/ER above sits so that U = 67 (AUC 271/338); Eotaxin: 13 + 11 below, U = 66 (272/338). Orders are
   drawn until the interval rounds to the printed one and the Youden maximum is unique at that cut.
2. **Who is where**: the specimen patients (per disease x label cell), which of them sit in which slot of
   the MIP3α and Eotaxin orders, and where the unlabelled specimens go, drawn until both per-disease
   screens find MIP3α and Eotaxin (exact P < 0.05 in B-ALL and in B-NHL) and the PFS log-rank P of
   MIP3α > cutoff vs <= cutoff rounds to 0.0049.
3. **Values**: fold changes with exactly the printed minimum, median and maximum, the cutoff as the
   midpoint of the two labelled values around it; Eotaxin values are then swapped between patients of the
   same label and disease (which changes no rank statistic) until Pearson r and P round to 0.430 / 0.004.
4. **The other 68 analytes**: for each, an order of the 39 labelled specimens with the U whose exact P
   rounds to the printed P (8 hits) or with P > 0.05 (60 others), with the per-disease significance of
   the chosen Venn plan (:data:`VENN_PLAN`).
5. **Validation** (single-analyte assay, 1-decimal values with ties): values drawn until the exact
   conditional Mann-Whitney P rounds to 0.0173 with 5/6 NR/ER below and 18/23 remission above 4.703; the
   patients drawn until the PFS log-rank P rounds to 0.0190. **Baseline**: 35 MIP3α values drawn until
   NR/ER vs remission is not significant. **Tissue**: 10 relapsed B-NHL patients, CD3 infiltration built
   with Pearson r = 0.802 to PFS and rounded until r and P keep their printed digits.

Run ``python -m cartrepro.reconstruct.car1922_cytokines [--data DIR] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import functools
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy import stats

from cartrepro.analysis.car1922 import derive as derive
from cartrepro.analysis.car1922.cytokines import peak_table
from cartrepro.analysis.car1922.cytokines import split as _split
from cartrepro.reconstruct.framework import (
    INPUT,
    Assumption,
    Constraint,
    ReconstructionError,
    Report,
    first_accepted,
    provenance_record,
)
from cartrepro.stats.diagnostics import auc, roc_curve, sens_spec_at, youden_cutoff
from cartrepro.stats.ranks import mann_whitney_exact, rank_sum_distribution
from cartrepro.stats.rounding import prints
from cartrepro.stats.survival import logrank_test

GENERATOR_VERSION = "1.0"
SEED = 20210318  # fixed; any seed that satisfies every constraint would do
MAX_DRAWS = 200_000

TRAINING_ASSAY = "MSD 70-plex (K1508K)"
VALIDATION_ASSAY = "Bio-Plex (Luminex FLEXMAP 3D)"
MIP3A, EOTAXIN = "MIP3α", "Eotaxin"
#: the ten significant analytes of the training screen with their printed P values, in the paper's order
#: (MCP-4 is printed "0.01"; read as 0.010, the 3-decimal P of the other nine)
HITS = {MIP3A: "0.002", EOTAXIN: "0.002", "EPO": "0.004", "TSLP": "0.008", "MCP-4": "0.010", "IL-17F": "0.014",
        "IL-17A": "0.025", "MDC": "0.027", "TPO": "0.029", "SDF-1a": "0.032"}
#: the paper names only these 10 of the 70 panel analytes; the other 60 are named honestly as placeholders
OTHER_ANALYTES = tuple(f"analyte_{k:02d}" for k in range(11, 71))
ANALYTES = (*HITS, *OTHER_ANALYTES)
#: Fig. 1c (Venn): analytes significant (exact P < 0.05) within the B-ALL and the B-NHL training subsets.
#: Only the intersection {MIP3α, Eotaxin} is printed; the one-disease regions are a choice.
VENN_PLAN = {MIP3A: (True, True), EOTAXIN: (True, True), "EPO": (False, True), "TSLP": (False, True),
             "MCP-4": (False, True), "IL-17F": (True, False)}
#: specimen patients per cohort, disease and label (nr_er, remission, unlabelled = excluded from evaluation)
CELLS = {("training", "b_all"): (3, 8, 1), ("training", "b_nhl"): (10, 18, 3),
         ("validation", "b_all"): (1, 9, 0), ("validation", "b_nhl"): (5, 14, 1)}
FC_RANGE = {MIP3A: (3.901, 4.273, 5.538), EOTAXIN: (0.936, 1.390, 1.912)}  # min, median, max (43 training)
CUTOFF = {MIP3A: 4.703, EOTAXIN: 1.671}
AUC_CI = {MIP3A: ("0.8018", "0.6657", "0.9379"), EOTAXIN: ("0.8047", "0.6709", "0.9386")}
U_TARGET = {MIP3A: 67, EOTAXIN: 66}  # pairs with the NR/ER value above the remission value (of 338)
BELOW = {MIP3A: (12, 9), EOTAXIN: (13, 11)}  # (NR/ER, remission) below the Youden cutoff
UNLABELLED_BELOW = {MIP3A: 2, EOTAXIN: 2}  # of the 4 unlabelled training specimens
N_BASELINE, N_TISSUE = 35, 10

ASSUMPTIONS = [
    Assumption("synthetic", "Every value is synthetic, generated to match the paper's printed aggregates; no "
               "row describes a real specimen."),
    Assumption("one_specimen_per_patient", "One peak-IL-6 specimen per patient (73 patients; ledger "
               "inconsistency specimens_73): training 12 B-ALL + 31 B-NHL, validation 10 B-ALL + 20 B-NHL.",
               ("p1_n_specimens_peak", "p1_n_training", "p1_n_validation")),
    Assumption("labels", "Training 13 NR/ER + 26 remission + 4 not evaluable; validation 6 + 23 + 1 (ledger "
               "training_labels_39_of_43, validation_classes). Split by disease (not printed): training "
               "B-ALL 3/8/1, B-NHL 10/18/3; validation B-ALL 1/9/0, B-NHL 5/14/1. Labels are the patient "
               "table's response_group (6-month rule).", ("p1_n_training_nrer", "p1_n_training_rem")),
    Assumption("analyte_names", "The paper names 10 of the 70 panel analytes (the screen hits, spelled as "
               "printed: MIP3α, Eotaxin, EPO, TSLP, MCP-4, IL-17F, IL-17A, MDC, TPO, SDF-1a). The other 60 "
               "are 'analyte_11' ... 'analyte_70': the panel's real analyte list is not in the paper and is "
               "not invented here.", ("p1_n_screen_hits", "p1_s4_other_60_p")),
    Assumption("fold_change", "Fold change = level / mean of the 3 healthy donors on the same assay; only "
               "fold changes are stored. Training values have 3 decimals and no ties (the exact P 0.0018 "
               "needs untied data); validation values 1 decimal, with ties (ledger validation_mw_ties).",
               ("p1_fig1f_mw_p", "p1_fig1h_mw_p")),
    Assumption("directions", "All ten hits are lower in NR/ER (stated for MIP3α; for the other nine the "
               "paper gives no direction).", ("p1_s4_mw_p_epo",)),
    Assumption("venn", "Fig. 1c: within disease (B-ALL 3 vs 8, B-NHL 10 vs 18) MIP3α and Eotaxin are "
               "significant in both; chosen one-disease regions: B-NHL only EPO, TSLP, MCP-4; B-ALL only "
               "IL-17F; no other analyte significant in either subset.", ("p1_fig1c_subgroup_screen",)),
    Assumption("unlabelled_values", "The 4 unlabelled training specimens: 2 below and 2 above the cutoffs of "
               "MIP3α and Eotaxin (they count in the medians, ranges, correlation and Fig. 1g KM, which use "
               "all 43 specimens).", ("p1_fc_median_mip3a", "p1_s3e_corr_r", "p1_fig1g_logrank_p")),
    Assumption("km_sets", "Fig. 1g / 1i log-rank: all 43 / 30 specimens, PFS from the patient table, MIP3α > "
               "4.703 vs <= 4.703.", ("p1_fig1g_logrank_p", "p1_fig1i_logrank_p")),
    Assumption("baseline", "35 baseline samples from 35 of the 43 training patients (which patients is not "
               "printed), MIP3α only, on the 70-plex panel, 2 decimals; NR/ER vs remission not significant "
               "(exact P > 0.05).", ("p1_n_baseline_specimens", "p1_s3h_baseline_mip3a")),
    Assumption("tissue", "tissue.csv (the contract's optional car1922/tissue table): 10 tumour specimens from "
               "10 of the 30 relapsed B-NHL patients; cd3_infiltration in arbitrary IHC units (the paper gives "
               "none), 1 decimal; Pearson r with PFS days = 0.802.", ("p1_s4b_tissue_n", "p1_s4b_corr_r")),
]


# ----- helpers --------------------------------------------------------------------------------------------




@functools.cache
def _exact_p_table(n1: int, n2: int) -> np.ndarray:
    """Untied exact two-sided P of the Mann-Whitney test for every U of group 1 (0..n1 n2)."""
    counts = rank_sum_distribution(2 * np.arange(1, n1 + n2 + 1), n1)
    centre = n1 * (n1 + n2 + 1)
    sums = np.arange(counts.size)
    total = counts.sum()
    out = []
    for u in range(n1 * n2 + 1):
        w2 = 2 * u + n1 * (n1 + 1)
        out.append(min(1.0, counts[np.abs(sums - centre) >= abs(w2 - centre)].sum() / total))
    return np.array(out)


def _exact_p(a: np.ndarray, b: np.ndarray) -> float:
    """The P of :func:`cartrepro.stats.ranks.mann_whitney_exact` (two-sided, exact conditional, mid-ranks),
    with the subset-count recursion vectorised over the subset size: a search step calls it thousands of
    times. The counts are integers (exact in doubles), so the P is the same double; the finished table is
    checked with ``mann_whitney_exact`` itself and a unit test compares the two on tied samples.
    """
    pooled = np.concatenate([a, b]).astype(float)
    ordered = np.sort(pooled)  # doubled mid-rank = (values below) + (values at or below) + 1
    doubled = np.searchsorted(ordered, pooled, "left") + np.searchsorted(ordered, pooled, "right") + 1
    k, n = a.size, pooled.size
    top = int(np.sort(doubled)[::-1][:k].sum())
    table = np.zeros((k + 1, top + 1))
    table[0, 0] = 1.0
    for r in doubled.tolist():
        if r == 0:
            table[1:] += table[:-1].copy()
        elif r <= top:
            table[1:, r:] += table[:-1, : top + 1 - r].copy()
    counts = table[k]
    centre = k * (n + 1)
    observed = int(doubled[:k].sum())
    extreme = np.abs(np.arange(counts.size) - centre) >= abs(observed - centre)
    return min(1.0, float(counts[extreme].sum() / counts.sum()))


def _u_of(order_labels: np.ndarray) -> int:
    """U of NR/ER (label 1) in an ascending order: pairs with the NR/ER value above a remission value."""
    rem_below = np.cumsum(order_labels == 0)
    return int(rem_below[order_labels == 1].sum())


def _sorted_values(rng, n: int, low: float, high: float, decimals: int) -> np.ndarray:
    """``n`` distinct sorted values strictly between low and high on a 10^-decimals grid."""
    scale = 10**decimals
    grid = np.arange(round(low * scale) + 1, round(high * scale))
    return np.sort(rng.choice(grid, n, replace=False)) / scale


# ----- step 1: rank patterns of MIP3α and Eotaxin -------------------------------------------------------------


def _rank_pattern(rng, analyte: str):
    n_below, r_below = BELOW[analyte]
    n_above, r_above = 13 - n_below, 26 - r_below
    target = U_TARGET[analyte]
    below_labels = np.concatenate([np.ones(n_below, int), np.zeros(r_below, int)])

    def attempt():
        below = rng.permutation(below_labels)
        above = np.zeros(r_above + n_above, int)
        if n_above:
            j = target - _u_of(below) - r_below * n_above
            if not 0 <= j <= r_above:
                return None
            above[j] = 1
        labels = np.concatenate([below, above])
        if _u_of(labels) != target:
            return None
        values = np.arange(labels.size, dtype=float)
        cases, controls = values[labels == 1], values[labels == 0]
        result = auc(cases, controls, direction="lower")
        point, low, high = AUC_CI[analyte]
        if not (prints(result.auc, point) and prints(result.ci_hanley_mcneil[0], low)
                and prints(result.ci_hanley_mcneil[1], high)):
            return None
        cut = youden_cutoff(cases, controls, direction="lower")
        j_all = _youden_values(cases, controls)
        if cut.threshold != n_below + r_below - 0.5:
            return None
        if np.sum(np.isclose(j_all, j_all.max())) != 1:
            return None
        return labels

    return first_accepted(attempt, f"the {analyte} ROC interval and Youden cut", MAX_DRAWS)


def _youden_values(cases, controls) -> np.ndarray:
    curve = roc_curve(cases, controls, direction="lower")
    return (curve["sensitivity"] + curve["specificity"] - 1).to_numpy()


# ----- step 2-3: patients, slots and values of the training cohort ----------------------------------------------


class _Specimens:
    """The specimen patients of one draw, and what the searches look up about them, as plain arrays.

    Built once per cohort from the patient table (labels, disease, PFS), so that a draw of the search costs
    a few microseconds instead of a pandas filter per cell: the searches below run thousands of draws.
    """

    def __init__(self, patients: pd.DataFrame):
        group = derive.response_group(patients).fillna("unlabelled").to_numpy(dtype=object)
        ids = patients["patient_id"].to_numpy(dtype=object)
        disease = patients["disease"].to_numpy(dtype=object)
        rank = np.argsort(ids, kind="stable")
        #: patient ids in sorted order, and per (disease, label) the positions of its candidates in that order
        #: (ascending, so a pool is the sorted ids); a draw removes the ones already taken, keeping the order
        self.sorted_ids = ids[rank]
        self.pools = {(d, label): np.flatnonzero((disease[rank] == d) & (group[rank] == label))
                      for (_, d) in CELLS for label in ("nr_er", "remission", "unlabelled")}
        position = {p: k for k, p in enumerate(ids)}
        days = patients["pfs_day"].astype(float).to_numpy()
        events = patients["pfs_event"].to_numpy(dtype=object)
        self._pfs = {p: (days[k], events[k]) for p, k in position.items()}

    def draw(self, rng) -> list[tuple[str, str, str, str]]:
        """(patient_id, cohort, disease, label) per specimen, cell by cell in :data:`CELLS` order (a seeded
        sample without replacement from each cell's sorted pool of patients not yet taken)."""
        rows = []
        taken = np.zeros(self.sorted_ids.size, dtype=bool)
        for (cohort, disease), counts in CELLS.items():
            for label, k in zip(("nr_er", "remission", "unlabelled"), counts, strict=True):
                if not k:
                    continue
                pool = self.pools[(disease, label)]
                chosen = rng.choice(pool[~taken[pool]], k, replace=False)  # the draws depend on the pool size only
                taken[chosen] = True
                rows += [(p, cohort, disease, label) for p in self.sorted_ids[chosen]]
        return rows

    @staticmethod
    def frame(rows) -> pd.DataFrame:
        return pd.DataFrame([{"patient_id": p, "cohort": c, "disease": d, "label": lab} for p, c, d, lab in rows])

    def pfs(self, ids) -> tuple[np.ndarray, np.ndarray]:
        """PFS days (float) and events (bool) of these patients, in this order."""
        pairs = [self._pfs[p] for p in ids]
        return (np.array([d for d, _ in pairs], dtype=float),
                np.array([e for _, e in pairs], dtype=object).astype(bool))


class _Slots:
    """Disease and label of the labelled training specimens, for the per-disease screens of an order."""

    def __init__(self, ids, disease, label):
        self.is_all = {p: d == "b_all" for p, d in zip(ids, disease, strict=True)}
        self.is_nr = {p: lab == "nr_er" for p, lab in zip(ids, label, strict=True)}
        self.labelled = {p: lab != "unlabelled" for p, lab in zip(ids, label, strict=True)}

    @classmethod
    def of(cls, train: pd.DataFrame) -> _Slots:
        return cls(train["patient_id"].to_numpy(dtype=object), train["disease"].to_numpy(dtype=object),
                   train["label"].to_numpy(dtype=object))

    def significant(self, order, p_sub) -> tuple[bool, bool]:
        """Whether the exact P of NR/ER vs remission within B-ALL and within B-NHL is below 0.05 for the
        values in this ascending order of patients (unlabelled ones are skipped)."""
        out = []
        for disease, flag in (("b_all", True), ("b_nhl", False)):
            lab = np.array([self.is_nr[p] for p in order if self.is_all[p] is flag and self.labelled[p]], dtype=int)
            out.append(bool(p_sub[disease][_u_of(lab)] < 0.05))
        return tuple(out)


def _disease_slots(rng, labels: np.ndarray, nr_ids: np.ndarray, rem_ids: np.ndarray, slots: _Slots, p_sub
                   ) -> np.ndarray | None:
    """Assign the labelled training specimens (NR/ER and remission ids in table order) to the slots of an
    order so that both per-disease screens are significant; returns patient ids in ascending order, or None."""
    nr = rng.permutation(nr_ids)
    rem = rng.permutation(rem_ids)
    order = np.empty(labels.size, dtype=object)
    order[labels == 1], order[labels == 0] = nr, rem
    return order if slots.significant(order, p_sub) == (True, True) else None


def _with_unlabelled(rng, order: np.ndarray, unlabelled: np.ndarray, cut: int, n_below: int) -> np.ndarray:
    """Insert the unlabelled ids: ``n_below`` among the first ``cut`` labelled, the rest above; never at the
    boundary (the labelled values around the cutoff stay adjacent)."""
    u = rng.permutation(unlabelled)
    low, high = list(order[:cut]), list(order[cut:])
    for p in u[:n_below]:
        low.insert(int(rng.integers(0, len(low))), p)  # before the last labelled one below
    for p in u[n_below:]:
        high.insert(int(rng.integers(1, len(high) + 1)), p)  # after the first labelled one above
    return np.array(low + high, dtype=object)


def _training_values(rng, analyte: str, n_total: int, n_below_all: int) -> np.ndarray:
    """Sorted values: exact min / median / max, the cutoff the midpoint of the values at n_below_all-1/n_below_all."""
    lo, med, hi = FC_RANGE[analyte]
    cut = CUTOFF[analyte]
    mid = (n_total - 1) // 2
    v_below, v_above = round(cut - 0.004, 3), round(cut + 0.004, 3)
    below_mid = _sorted_values(rng, mid - 1, lo, med, 3)
    between = _sorted_values(rng, n_below_all - mid - 2, med, v_below, 3)
    above = _sorted_values(rng, n_total - n_below_all - 2, v_above, hi, 3)
    values = np.r_[lo, below_mid, med, between, v_below, v_above, above, hi]
    assert values.size == n_total and np.all(np.diff(values) > 0)
    return values


def _training(rng, patients: pd.DataFrame, report: dict):
    p_sub = {"b_all": _exact_p_table(3, 8), "b_nhl": _exact_p_table(10, 18)}
    patterns = {}
    for analyte in (MIP3A, EOTAXIN):
        patterns[analyte], report[f"{analyte}_pattern_draws"] = _rank_pattern(rng, analyte)
    pool = _Specimens(patients)
    cut = sum(BELOW[MIP3A])
    n_below_all = cut + UNLABELLED_BELOW[MIP3A]

    def attempt():
        rows = pool.draw(rng)
        train = [row for row in rows if row[1] == "training"]
        ids = np.array([row[0] for row in train], dtype=object)
        label = np.array([row[3] for row in train], dtype=object)
        slots = _Slots(ids, [row[2] for row in train], label)
        order = _disease_slots(rng, patterns[MIP3A], ids[label == "nr_er"], ids[label == "remission"], slots,
                               p_sub)
        if order is None:
            return None
        full = _with_unlabelled(rng, order, ids[label == "unlabelled"], cut, UNLABELLED_BELOW[MIP3A])
        below = set(full[:n_below_all])
        high = np.array([p not in below for p in ids])
        p = logrank_test(*pool.pfs(ids), high).p_value
        if not prints(p, "0.0049"):
            return None
        return _Specimens.frame(rows), full

    (specimens, mip_order), report["training_patient_draws"] = first_accepted(
        attempt, "per-disease MIP3α screens and the Fig. 1g log-rank P", MAX_DRAWS)
    train = specimens[specimens["cohort"] == "training"].reset_index(drop=True)
    unl = train[train["label"] == "unlabelled"]["patient_id"].to_numpy()
    slots = _Slots.of(train)
    nr_ids = train[train["label"] == "nr_er"]["patient_id"].to_numpy()
    rem_ids = train[train["label"] == "remission"]["patient_id"].to_numpy()

    def eotaxin_attempt():
        order = _disease_slots(rng, patterns[EOTAXIN], nr_ids, rem_ids, slots, p_sub)
        if order is None:
            return None
        return _with_unlabelled(rng, order, unl, sum(BELOW[EOTAXIN]), UNLABELLED_BELOW[EOTAXIN])

    eo_order, report["eotaxin_slot_draws"] = first_accepted(eotaxin_attempt, "per-disease Eotaxin screens",
                                                            MAX_DRAWS)
    n = len(train)
    mip_values = _training_values(rng, MIP3A, n, sum(BELOW[MIP3A]) + UNLABELLED_BELOW[MIP3A])
    eo_values = _training_values(rng, EOTAXIN, n, sum(BELOW[EOTAXIN]) + UNLABELLED_BELOW[EOTAXIN])
    mip = pd.Series(mip_values, index=mip_order)
    eo_order, swaps = _correlate(rng, mip, eo_order, eo_values, train)
    report["eotaxin_correlation_swaps"] = swaps
    eo = pd.Series(eo_values, index=eo_order)
    values = {MIP3A: mip, EOTAXIN: eo}
    report["other_analyte_draws"] = {}
    for analyte in ANALYTES:
        if analyte in values:
            continue
        values[analyte], report["other_analyte_draws"][analyte] = _other_analyte(rng, analyte, train, slots, p_sub)
    return specimens, values


def _correlate(rng, mip: pd.Series, order: np.ndarray, values: np.ndarray, train: pd.DataFrame):
    """Swap Eotaxin values between patients of the same label and disease until Pearson r rounds to 0.430
    and its P to 0.004 (greedy, seeded; no rank statistic of either analyte changes)."""
    info = train.set_index("patient_id")
    order = order.copy()
    key = np.array([f"{info.loc[p, 'label']}|{info.loc[p, 'disease']}" for p in order])
    classes = [np.flatnonzero(key == k) for k in np.unique(key)]
    classes = [c for c in classes if c.size > 1]
    x = mip.loc[order].to_numpy()

    def r_of(x_):
        return stats.pearsonr(x_, values)

    current = r_of(x)
    for swaps in range(1, 200_001):
        if prints(current.statistic, "0.430") and prints(current.pvalue, "0.004"):
            return order, swaps - 1
        c = classes[int(rng.integers(len(classes)))]
        i, j = rng.choice(c, 2, replace=False)
        order[[i, j]] = order[[j, i]]
        x_new = mip.loc[order].to_numpy()
        new = r_of(x_new)
        if abs(new.statistic - 0.430) <= abs(current.statistic - 0.430):
            current = new
        else:
            order[[i, j]] = order[[j, i]]
    raise ReconstructionError("no Eotaxin assignment reached r = 0.430, P = 0.004")


def _other_analyte(rng, analyte: str, train: pd.DataFrame, slots: _Slots, p_sub):
    """Values of one of the other 68 analytes for the 43 training specimens (a pd.Series by patient)."""
    p_all = _exact_p_table(13, 26)
    if analyte in HITS:
        targets = [u for u in range(0, 169) if prints(p_all[u], HITS[analyte])]
    else:
        targets = [u for u in range(0, 339) if p_all[u] > 0.05]
    plan = VENN_PLAN.get(analyte, (False, False))
    lab = train[train["label"] != "unlabelled"]
    ids = lab["patient_id"].to_numpy()
    is_nr = (lab["label"] == "nr_er").to_numpy().astype(int)
    unl = train[train["label"] == "unlabelled"]["patient_id"].to_numpy()

    def attempt():
        perm = rng.permutation(ids.size)
        labels = is_nr[perm]
        target = int(rng.choice(targets))
        u = _u_of(labels)
        for _ in range(5000):  # random adjacent swaps towards the target U
            if u == target:
                break
            step = 1 if u < target else -1
            want = (1, 0) if step == 1 else (0, 1)  # (NR, R) -> swap raises U; (R, NR) lowers it
            cand = np.flatnonzero((labels[:-1] == want[0]) & (labels[1:] == want[1]))
            k = int(rng.choice(cand))
            perm[[k, k + 1]] = perm[[k + 1, k]]
            labels[[k, k + 1]] = labels[[k + 1, k]]
            u += step
        order = ids[perm]
        if slots.significant(order, p_sub) != plan:
            return None
        full = np.array(list(order), dtype=object)
        for p in unl:
            full = np.insert(full, int(rng.integers(0, full.size + 1)), p)
        centre = float(rng.uniform(0.5, 3.0))  # a typical fold change; values spread 0.3x-3x around it
        grid = np.arange(int(centre * 300), int(centre * 3000))
        values = np.sort(rng.choice(grid, full.size, replace=False)) / 1000
        return pd.Series(values, index=full)

    return first_accepted(attempt, f"the screen P of {analyte}", MAX_DRAWS)


# ----- step 5: validation, baseline, tissue -------------------------------------------------------------------


def _validation(rng, patients: pd.DataFrame, specimens: pd.DataFrame, report: dict) -> pd.Series:
    val = specimens[specimens["cohort"] == "validation"].reset_index(drop=True)
    cut = CUTOFF[MIP3A]
    pfs = _Specimens(patients).pfs(val["patient_id"].to_numpy(dtype=object))

    def values_attempt():
        nr = np.concatenate([rng.choice(np.arange(36, 48), 5), rng.choice(np.arange(48, 56), 1)]) / 10
        rem = np.concatenate([rng.choice(np.arange(38, 48), 5), rng.choice(np.arange(48, 60), 18)]) / 10
        return (nr, rem) if prints(_exact_p(nr, rem), "0.0173") else None

    (nr, rem), report["validation_value_draws"] = first_accepted(values_attempt, "validation P = 0.0173",
                                                                 MAX_DRAWS)
    unl_value = float(rng.choice(np.arange(40, 56))) / 10

    # the patients of each label and the table's order, taken once (thousands of attempts; each draws the same
    # permutations from the same arrays as when it filtered the table itself, so the same cohort comes out)
    by_label = {label: val.loc[val["label"] == label, "patient_id"].to_numpy() for label in ("nr_er", "remission")}
    unlabelled = val.loc[val["label"] == "unlabelled", "patient_id"].tolist()
    order = val["patient_id"].tolist()

    def assign_attempt():
        out = {}
        for label, vals in (("nr_er", nr), ("remission", rem)):
            ids = rng.permutation(by_label[label])
            out.update(dict(zip(ids, vals, strict=True)))
        for p in unlabelled:
            out[p] = unl_value
        values = np.array([out[p] for p in order], dtype=float)
        p = logrank_test(*pfs, values > cut).p_value
        return pd.Series(out).loc[val["patient_id"]] if prints(p, "0.0190") else None

    series, report["validation_assignment_draws"] = first_accepted(assign_attempt, "Fig. 1i log-rank P = 0.0190",
                                                                   MAX_DRAWS)
    return series


def _baseline(rng, specimens: pd.DataFrame, report: dict) -> pd.Series:
    train = specimens[specimens["cohort"] == "training"]
    ids = np.sort(rng.choice(np.sort(train["patient_id"].to_numpy()), N_BASELINE, replace=False))
    label = train.set_index("patient_id").loc[ids, "label"].to_numpy()

    def attempt():
        values = np.round(np.exp(rng.normal(0.1, 0.35, N_BASELINE)), 2)
        p = mann_whitney_exact(values[label == "nr_er"], values[label == "remission"]).p_value
        return pd.Series(values, index=ids) if p > 0.05 and (values > 0).all() else None

    series, report["baseline_draws"] = first_accepted(attempt, "baseline MIP3α not significant", MAX_DRAWS)
    return series


def _tissue(rng, patients: pd.DataFrame, report: dict) -> pd.DataFrame:
    relapsed = patients[(patients["disease"] == "b_nhl") & (patients["outcome"] == "relapse")]
    ids = np.sort(rng.choice(np.sort(relapsed["patient_id"].to_numpy()), N_TISSUE, replace=False))
    pfs = relapsed.set_index("patient_id").loc[ids, "pfs_day"].astype(float).to_numpy()
    z = (pfs - pfs.mean()) / pfs.std()

    def attempt():
        noise = rng.normal(size=N_TISSUE)
        noise -= noise.mean()
        noise -= (noise @ z) / (z @ z) * z
        noise /= noise.std()
        raw = 0.802 * z + math.sqrt(1 - 0.802**2) * noise
        values = np.round(20 + 6 * raw, 1)
        r = stats.pearsonr(values, pfs)
        return values if values.min() > 0 and prints(r.statistic, "0.802") and prints(r.pvalue, "0.005") else None

    values, report["tissue_draws"] = first_accepted(attempt, "tissue r = 0.802, P = 0.005", MAX_DRAWS)
    return pd.DataFrame({"specimen_id": [f"{p}-T" for p in ids], "patient_id": ids, "tissue": "tumour",
                         "cd3_infiltration": values})


# ----- assembling, constraints ----------------------------------------------------------------------------


def _long_rows(series: pd.Series, timepoint: str, cohort: dict, assay: str, analyte: str) -> list[dict]:
    suffix = "peak" if timepoint == "il6_peak" else "base"
    return [{"sample_id": f"{p}-{suffix}", "patient_id": p, "timepoint": timepoint, "cohort": cohort[p],
             "assay": assay, "analyte": analyte, "fold_change": float(v)} for p, v in series.items()]


def generate(patients: pd.DataFrame, seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame, Report]:
    """Build the cytokine and tissue tables and their report; raises ReconstructionError on a missed constraint."""
    rng = np.random.default_rng(seed)
    search: dict = {"seed": seed}
    specimens, training = _training(rng, patients, search)
    validation = _validation(np.random.default_rng([seed, 5]), patients, specimens, search)
    baseline = _baseline(np.random.default_rng([seed, 6]), specimens, search)
    tissue = _tissue(np.random.default_rng([seed, 7]), patients, search)
    cohort = dict(zip(specimens["patient_id"], specimens["cohort"], strict=True))
    rows = []
    for analyte in ANALYTES:
        rows += _long_rows(training[analyte], "il6_peak", cohort, TRAINING_ASSAY, analyte)
    rows += _long_rows(validation, "il6_peak", cohort, VALIDATION_ASSAY, MIP3A)
    rows += _long_rows(baseline, "baseline", cohort, TRAINING_ASSAY, MIP3A)
    cytokines = pd.DataFrame(rows).sort_values(["timepoint", "cohort", "patient_id", "analyte"], kind="mergesort",
                                               key=_analyte_key, ignore_index=True)
    report = Report(assumptions=list(ASSUMPTIONS), search=search)
    report.constraints = [c.evaluate(cytokines) for c in constraints(patients, tissue, memo=True)]
    if report.failed:
        lines = "; ".join(f"{c.id}: target {c.target}, achieved {c.achieved}" for c in report.failed)
        raise ReconstructionError(f"reconstructed car1922 cytokines miss constraints: {lines}")
    return cytokines, tissue, report


def _analyte_key(column: pd.Series) -> pd.Series:
    if column.name == "analyte":
        return column.map({a: k for k, a in enumerate(ANALYTES)})
    return column


class _Checks:
    """The cytokine generator's checks, each a function of the finished cytokine table ``t``.

    Bound to the patient and tissue tables they read; ``constraints`` pairs each with its target and ledger ids.
    With ``memo`` the peak tables of one cytokine table are built once and shared by the checks (the
    generator evaluates every check once on its finished, unchanged table; the screen checks read each
    analyte's table several times). Without it every call reads the table afresh, so a table changed in place
    between two evaluations is seen as changed.
    """

    def __init__(self, patients: pd.DataFrame, tissue: pd.DataFrame, memo: bool = False):
        self.patients, self.tissue = patients, tissue
        self.memo = memo
        self._table, self._peaks = None, {}

    def peak(self, t, cohort, analyte=MIP3A):
        if not self.memo:
            return peak_table(t, self.patients, cohort, analyte)
        if t is not self._table:
            self._table, self._peaks = t, {}
        if (cohort, analyte) not in self._peaks:
            self._peaks[(cohort, analyte)] = peak_table(t, self.patients, cohort, analyte)
        return self._peaks[(cohort, analyte)]

    def count(self, cohort, disease=None, timepoint="il6_peak", target=0):
        def check(t):
            sub = t[(t["timepoint"] == timepoint) & (t["analyte"] == MIP3A)]
            if cohort:
                sub = sub[sub["cohort"] == cohort]
            if disease:
                sub = sub[sub["patient_id"].map(self.patients.set_index("patient_id")["disease"]) == disease]
            return str(len(sub)), len(sub) == target
        return check

    def screen_p(self, analyte, printed):
        def check(t):
            p = mann_whitney_exact(*_split(self.peak(t, "training", analyte))).p_value
            return f"{p:.5f}", prints(p, printed)
        return check

    def others(self, t):
        ps = {a: mann_whitney_exact(*_split(self.peak(t, "training", a))).p_value for a in ANALYTES}
        hits = sorted(a for a, p in ps.items() if p < 0.05)
        return f"{len(hits)} below 0.05: {', '.join(hits)}", set(hits) == set(HITS)

    def venn(self, t):
        sets = []
        for disease in ("b_all", "b_nhl"):
            sig = set()
            for a in ANALYTES:
                frame = self.peak(t, "training", a)
                frame = frame[frame["disease"] == disease]
                if mann_whitney_exact(*_split(frame)).p_value < 0.05:
                    sig.add(a)
            sets.append(sig)
        plan = [{a for a, v in VENN_PLAN.items() if v[k]} for k in (0, 1)]
        text = f"B-ALL {sorted(sets[0])}; B-NHL {sorted(sets[1])}; both {sorted(sets[0] & sets[1])}"
        return text, sets[0] & sets[1] == {MIP3A, EOTAXIN} and sets == plan

    def summary(self, analyte):
        def check(t):
            v = self.peak(t, "training", analyte)["fold_change"]
            lo, med, hi = FC_RANGE[analyte]
            got = (float(v.median()), float(v.min()), float(v.max()))
            return f"{got[0]:.3f} ({got[1]:.3f}-{got[2]:.3f}), n={len(v)}", (
                len(v) == 43 and all(prints(g, f"{w:.3f}") for g, w in zip(got, (med, lo, hi), strict=True)))
        return check

    def correlation(self, t):
        a = self.peak(t, "training", MIP3A).set_index("patient_id")["fold_change"]
        b = self.peak(t, "training", EOTAXIN).set_index("patient_id")["fold_change"].loc[a.index]
        r = stats.pearsonr(a, b)
        return f"r = {r.statistic:.4f}, P = {r.pvalue:.5f}, n = {len(a)}", (
            prints(r.statistic, "0.430") and prints(r.pvalue, "0.004"))

    def roc(self, analyte):
        def check(t):
            nr, rem = _split(self.peak(t, "training", analyte))
            res = auc(nr, rem, direction="lower")
            cut = youden_cutoff(nr, rem, direction="lower")
            ss = sens_spec_at(nr, rem, cut.threshold, direction="lower")
            point, low, high = AUC_CI[analyte]
            text = (f"AUC {res.auc:.4f} ({res.ci_hanley_mcneil[0]:.4f}-{res.ci_hanley_mcneil[1]:.4f}), cutoff "
                    f"{cut.threshold:.4f}, sens {ss.sensitivity.k}/{ss.sensitivity.n}, "
                    f"spec {ss.specificity.k}/{ss.specificity.n}")
            ok = (prints(res.auc, point) and prints(res.ci_hanley_mcneil[0], low)
                  and prints(res.ci_hanley_mcneil[1], high) and prints(cut.threshold, f"{CUTOFF[analyte]:.3f}")
                  and ss.sensitivity.k == BELOW[analyte][0] and ss.specificity.k == 26 - BELOW[analyte][1])
            return text, ok
        return check

    def mw(self, cohort, printed):
        def check(t):
            p = mann_whitney_exact(*_split(self.peak(t, cohort))).p_value
            return f"{p:.5f}", prints(p, printed)
        return check

    def km(self, cohort, printed):
        def check(t):
            frame = self.peak(t, cohort)
            p = logrank_test(frame["pfs_day"].astype(float), frame["pfs_event"].astype(bool),
                             frame["fold_change"] > CUTOFF[MIP3A]).p_value
            return f"{p:.5f} (n = {len(frame)})", prints(p, printed)
        return check

    def validation_ss(self, t):
        nr, rem = _split(self.peak(t, "validation"))
        ss = sens_spec_at(nr, rem, CUTOFF[MIP3A], direction="lower")
        return (f"sens {ss.sensitivity.k}/{ss.sensitivity.n}, spec {ss.specificity.k}/{ss.specificity.n}",
                (ss.sensitivity.k, ss.sensitivity.n, ss.specificity.k, ss.specificity.n) == (5, 6, 18, 23))

    def baseline(self, t):
        sub = t[t["timepoint"] == "baseline"].merge(
            self.patients.assign(group=derive.response_group(self.patients))[["patient_id", "group"]], on="patient_id")
        p = mann_whitney_exact(*_split(sub)).p_value
        return f"P = {p:.4f}", p > 0.05

    def tissue_check(self, _t):
        pfs = self.patients.set_index("patient_id").loc[self.tissue["patient_id"]]
        ok_set = bool(((pfs["disease"] == "b_nhl") & (pfs["outcome"] == "relapse")).all())
        r = stats.pearsonr(self.tissue["cd3_infiltration"], pfs["pfs_day"].astype(float))
        return (f"n = {len(self.tissue)}, r = {r.statistic:.4f}, P = {r.pvalue:.5f}",
                ok_set and len(self.tissue) == 10 and prints(r.statistic, "0.802") and prints(r.pvalue, "0.005"))

    def labels(self, cohort, target):
        def check(t):
            g = self.peak(t, cohort)["group"]
            got = (int((g == "nr_er").sum()), int((g == "remission").sum()), int(g.isna().sum()))
            return "/".join(map(str, got)), got == target
        return check

    def one_spelling(self, t):
        names = sorted(t["analyte"].unique())
        return f"{len(names)} analytes", len(names) == 70 and set(names) == set(ANALYTES)


def constraints(patients: pd.DataFrame, tissue: pd.DataFrame, *, memo: bool = False) -> list[Constraint]:
    """Every printed cytokine fact as a constraint on the finished table (checks in :class:`_Checks`; ``memo``
    as there: only for one evaluation of each check on a table that is not changed in between)."""
    c = _Checks(patients, tissue, memo)
    ids = {"EPO": "epo", "TSLP": "tslp", "MCP-4": "mcp4", "IL-17F": "il17f", "IL-17A": "il17a", "MDC": "mdc",
           "TPO": "tpo", "SDF-1a": "sdf1a", MIP3A: "mip3a", EOTAXIN: "eotaxin"}
    out = [
        Constraint("n_peak", "73", c.count(None, target=73), ("p1_n_specimens_peak",)),
        Constraint("n_training", "43", c.count("training", target=43), ("p1_n_training",)),
        Constraint("n_training_ball", "12", c.count("training", "b_all", target=12), ("p1_n_training_ball",)),
        Constraint("n_training_bnhl", "31", c.count("training", "b_nhl", target=31), ("p1_n_training_bnhl",)),
        Constraint("n_validation", "30", c.count("validation", target=30), ("p1_n_validation",)),
        Constraint("n_validation_ball", "10", c.count("validation", "b_all", target=10), ("p1_n_validation_ball",)),
        Constraint("n_validation_bnhl", "20", c.count("validation", "b_nhl", target=20), ("p1_n_validation_bnhl",)),
        Constraint("n_baseline", "35", c.count(None, timepoint="baseline", target=35), ("p1_n_baseline_specimens",)),
        Constraint("training_labels", "13/26/4", c.labels("training", (13, 26, 4)),
                   ("p1_n_training_nrer", "p1_n_training_rem")),
        Constraint("validation_labels", "6/23/1", c.labels("validation", (6, 23, 1)), ("p1_s3m_sens_val",)),
        Constraint("panel", "70 analytes, one spelling each", c.one_spelling, ("p1_panel_size",)),
    ]
    out += [Constraint(f"screen_p_{ids[a]}", f"P = {p}", c.screen_p(a, p), (f"p1_s4_mw_p_{ids[a]}",))
            for a, p in HITS.items()]
    out += [
        Constraint("screen_hits", "exactly the 10 printed analytes below 0.05", c.others,
                   ("p1_n_screen_hits", "p1_s4_other_60_p")),
        Constraint("venn", "both = {MIP3α, Eotaxin}; plan of VENN_PLAN", c.venn, ("p1_fig1c_subgroup_screen",)),
        Constraint("fc_mip3a", "4.273 (3.901-5.538)", c.summary(MIP3A),
                   ("p1_fc_median_mip3a", "p1_fc_min_mip3a", "p1_fc_max_mip3a"), evidence=INPUT),
        Constraint("fc_eotaxin", "1.390 (0.936-1.912)", c.summary(EOTAXIN),
                   ("p1_fc_median_eotaxin", "p1_fc_min_eotaxin", "p1_fc_max_eotaxin"), evidence=INPUT),
        Constraint("correlation", "r = 0.430, P = 0.004", c.correlation, ("p1_s3e_corr_r", "p1_s3e_corr_p")),
        Constraint("roc_mip3a", "0.8018 (0.6657-0.9379), 4.703, 12/13, 17/26", c.roc(MIP3A),
                   ("p1_fig1d_auc_mip3a", "p1_fig1e_cutoff_mip3a", "p1_fig1e_sens_mip3a", "p1_fig1e_spec_mip3a")),
        Constraint("roc_eotaxin", "0.8047 (0.6709-0.9386), 1.671, 13/13, 15/26", c.roc(EOTAXIN),
                   ("p1_fig1d_auc_eotaxin", "p1_fig1e_cutoff_eotaxin", "p1_fig1e_sens_eotaxin",
                    "p1_fig1e_spec_eotaxin")),
        Constraint("fig1f", "P = 0.0018", c.mw("training", "0.0018"), ("p1_fig1f_mw_p",)),
        Constraint("fig1g", "P = 0.0049", c.km("training", "0.0049"), ("p1_fig1g_logrank_p",)),
        Constraint("fig1h", "P = 0.0173", c.mw("validation", "0.0173"), ("p1_fig1h_mw_p",)),
        Constraint("validation_sens_spec", "5/6, 18/23", c.validation_ss, ("p1_s3m_sens_val", "p1_s3m_spec_val")),
        Constraint("fig1i", "P = 0.0190", c.km("validation", "0.0190"), ("p1_fig1i_logrank_p",)),
        Constraint("baseline", "not significant", c.baseline, ("p1_s3h_baseline_mip3a",)),
        Constraint("tissue", "10 relapsed B-NHL, r = 0.802, P = 0.005", c.tissue_check,
                   ("p1_s4b_tissue_n", "p1_s4b_corr_r", "p1_s4b_corr_p")),
    ]
    return out


# ----- writing ------------------------------------------------------------------------------------------------


def cytokines_csv_text(cytokines: pd.DataFrame) -> str:
    out = cytokines.copy()
    decimals = np.where(out["assay"] == VALIDATION_ASSAY, 1, np.where(out["timepoint"] == "baseline", 2, 3))
    out["fold_change"] = [f"{v:.{d}f}" for v, d in zip(out["fold_change"], decimals, strict=True)]
    return out.to_csv(index=False, lineterminator="\n")


def tissue_csv_text(tissue: pd.DataFrame) -> str:
    out = tissue.copy()
    out["cd3_infiltration"] = out["cd3_infiltration"].map(lambda v: f"{v:.1f}")
    return out.to_csv(index=False, lineterminator="\n")


def provenance(report: Report) -> dict:
    return provenance_record(report,
                             dataset="cartrepro reconstructed P1 cytokine and tissue tables "
                                     "(CAR19/22 biomarker analysis)",
                             generator="cartrepro.reconstruct.car1922_cytokines", version=GENERATOR_VERSION,
                             reads="car1922/patients.csv (through the data contract)",
                             writes=["car1922/cytokines.csv", "car1922/tissue.csv (when the contract has the table)"])


def write(out_dir: Path, data_dir: Path | None = None, seed: int = SEED) -> Path:
    """Write ``car1922/cytokines.csv``, ``cytokines_provenance.yaml`` and, once the data contract has a
    ``car1922/tissue`` table, ``tissue.csv`` below ``out_dir`` (an unknown CSV would be a contract problem).

    The patient table is read from ``data_dir`` (default: ``out_dir``) through the data contract. The
    tissue constraints are evaluated (and reported) either way.
    """
    from cartrepro.contract.tables import TABLES

    patients = derive.load_patients(data_dir if data_dir is not None else out_dir)
    if patients is None:
        raise ReconstructionError("car1922/patients.csv is missing: run cartrepro.reconstruct.car1922 first")
    cytokines, tissue, report = generate(patients, seed)
    folder = Path(out_dir) / "car1922"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cytokines.csv").write_text(cytokines_csv_text(cytokines), encoding="utf-8")
    if ("car1922", "tissue") in TABLES:
        (folder / "tissue.csv").write_text(tissue_csv_text(tissue), encoding="utf-8")
        report.search["tissue_csv"] = "written"
    else:
        report.search["tissue_csv"] = "not written: the data contract has no car1922/tissue table yet"
    (folder / "cytokines_provenance.yaml").write_text(
        yaml.safe_dump(provenance(report), sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
    return folder


def main(argv: list[str] | None = None) -> int:
    from cartrepro.paths import SHIPPED_DATA_DIR

    parser = argparse.ArgumentParser(prog="python -m cartrepro.reconstruct.car1922_cytokines",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="cohort folder with car1922/patients.csv "
                        "(default: --out)")
    parser.add_argument("--out", type=Path, default=SHIPPED_DATA_DIR, help="cohort folder (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        folder = write(args.out, args.data)
    except ReconstructionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {folder}/cytokines.csv and cytokines_provenance.yaml"
          + (" and tissue.csv" if (folder / "tissue.csv").is_file() else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
