"""P1 Figure 1f-i: MIP3α by response group and PFS by the cutoff, in the training and the validation cohort;
supplementary Fig. 3f-h (Eotaxin, baseline MIP3α), 3m (validation sensitivity / specificity) and 4a-b
(tumour CD3 infiltration and PFS).

Method: two-sided exact Mann-Whitney P (permutation distribution of the mid-rank sum, exact also with the
tied validation values, as GraphPad Prism computes it; the normal approximation only beyond the exact
table's size, :func:`cartrepro.stats.ranks.mann_whitney_auto`); Kaplan-Meier PFS from infusion and the
two-sided log-rank (Mantel-Cox) test of fold change > cutoff vs <= cutoff
(:func:`cartrepro.analysis.car1922.survival.logrank`); sensitivity / specificity at the training cutoff;
Pearson correlation for the tissue panel.

Definitions the paper leaves open, and the choice made here:

* **The cutoff.** "patients who had higher MIP3α concentration after sequential CAR T-cell infusion (> 4.703-fold
  change versus healthy donors) had more favorable survival" and "Against the cut-off value in the training
  group, MIP3α had a sensitivity of 83.33% and a specificity of 78.26%": ``cutoff=None`` takes the Youden
  cutoff of the labelled training specimens (:func:`cartrepro.stats.diagnostics.youden_cutoff`), also for the
  validation cohort; "higher" is strictly above the cutoff.
* **Which specimens enter the log-rank tests.** "Kaplan–Meier analysis showed that patients who had higher
  MIP3α concentration ... had more favorable survival than those with relatively lower MIP3α expression
  (P = 0.0049, Fig. 1g)": every specimen of the cohort at the IL-6 peak (43 training, 30 validation),
  including patients not evaluated for response, since PFS is defined for them too. The Mann-Whitney tests
  and sensitivity / specificity use the labelled specimens only (NR/ER vs over-6-month remission).
* **Eotaxin** ("The same was true of Eotaxin (supplementary Fig. 3f, g)") is split at its own training Youden
  cutoff; the paper prints no P for it, nor for baseline MIP3α ("no significant difference").
* **Tissue** (supplementary Fig. 4b): every tumour specimen joined to its patient's PFS day.

Examples
--------
>>> from cartrepro.analysis.car1922.examples import tiny_cohort
>>> r = compute(tiny_cohort(), analyte="MIP3a")
>>> r.value("p1_fig1f_mw_p"), r.value("p1_n_validation")
(1.0, 2)
>>> r.not_computable()["p1_s4b_corr_r"]
'2 tumour specimens: a correlation needs at least 3'
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from cartrepro.analysis.car1922 import cytokines as cyto
from cartrepro.analysis.car1922.survival import logrank
from cartrepro.analysis.results import Results
from cartrepro.stats.diagnostics import proportion_ci_hybrid, youden_cutoff
from cartrepro.stats.groups import pearson
from cartrepro.stats.ranks import mann_whitney_auto

TRAIN_IDS = ["p1_fig1f_mw_p", "p1_fig1g_logrank_p"]
VAL_IDS = ["p1_n_validation", "p1_n_validation_ball", "p1_n_validation_bnhl", "p1_fig1h_mw_p", "p1_s3m_sens_val",
           "p1_s3m_spec_val", "p1_fig1i_logrank_p"]
OTHER_IDS = ["p1_s3h_baseline_mip3a", "p1_s3fg_eotaxin_mw_km"]
TISSUE_IDS = ["p1_s4b_tissue_n", "p1_s4b_corr_r", "p1_s4b_corr_p"]
PAPER_ANALYTE, PAPER_WINDOW_MONTHS = "MIP3α", 6.0
NO_CYTOKINES = "car1922/cytokines.csv is absent"


def is_paper_analysis(analyte: str, window_months: float) -> bool:
    """Do the ledger ids describe this run (MIP3α, in any spelling, with the 6-month rule)?"""
    return cyto.analyte_key(analyte) == cyto.analyte_key(PAPER_ANALYTE) and window_months == PAPER_WINDOW_MONTHS


def training_cutoff(frame: pd.DataFrame) -> float | str:
    """The Youden cutoff of a training :func:`~cartrepro.analysis.car1922.cytokines.peak_table` (NR/ER lower),
    or the reason there is none (a text).

    Examples
    --------
    >>> frame = pd.DataFrame({"fold_change": [1.0, 2.0, 5.0, 6.0], "group": ["nr_er", "nr_er", "remission",
    ...                                                                      "remission"]})
    >>> training_cutoff(frame)
    3.5
    """
    nr, rem = cyto.split(frame)
    if not (nr.size and rem.size):
        return "the NR/ER or the remission group of the training cohort is empty: no Youden cutoff"
    threshold = youden_cutoff(nr, rem, direction="lower").threshold
    if not math.isfinite(threshold):
        return "no finite threshold separates NR/ER from remission in the training cohort"
    return threshold


def _mann_whitney(frame: pd.DataFrame, what: str):
    nr, rem = cyto.split(frame)
    if not (nr.size and rem.size):
        return f"the NR/ER or the remission group has no {what} value"
    return mann_whitney_auto(nr, rem)


def _logrank_by_cutoff(frame: pd.DataFrame, cutoff: float, what: str):
    high = frame["fold_change"].to_numpy(float) > cutoff
    return logrank(frame["pfs_day"].astype(float), frame["pfs_event"].astype(bool), high, what=what)


def _put(r: Results, ledger_id: str, outcome, value=lambda t: t.p_value) -> None:
    """Add ``value(outcome)`` or skip with ``outcome`` when it is a reason (a text)."""
    if isinstance(outcome, str):
        r.skip([ledger_id], outcome)
    else:
        r.add(ledger_id, value(outcome))


def cohort_tests(frame: pd.DataFrame, cutoff: float | str, label: str) -> dict:
    """Mann-Whitney test of the labelled specimens, log-rank of PFS by the cutoff over all specimens, and
    sensitivity / specificity at the cutoff (:func:`sens_spec`); each a result or the reason (a text)."""
    out = {"mw": _mann_whitney(frame, label) if len(frame) else f"no {label} values"}
    if isinstance(cutoff, str):
        out["logrank"] = out["sens_spec"] = cutoff
        return out
    out["logrank"] = _logrank_by_cutoff(frame, cutoff, f"{label} specimens") if len(frame) else f"no {label} values"
    out["sens_spec"] = sens_spec(frame, cutoff, label)
    return out


def sens_spec(frame: pd.DataFrame, cutoff: float, label: str) -> dict:
    """Sensitivity (NR/ER below the cutoff) and specificity (remission above it) with the hybrid Wilson/Brown
    interval; each needs only its own group, so each is the proportion or the reason (a text).

    Examples
    --------
    >>> frame = pd.DataFrame({"fold_change": [1.0, 6.0, 2.0], "group": ["nr_er", "nr_er", None]})
    >>> out = sens_spec(frame, 3.5, "validation MIP3α")
    >>> out["sensitivity"].estimate, out["specificity"]
    (0.5, 'the remission group has no validation MIP3α value')
    """
    nr, rem = cyto.split(frame)
    out = {}
    for name, values, group in (("sensitivity", nr, "NR/ER"), ("specificity", rem, "remission")):
        if values.size == 0:
            out[name] = f"the {group} group has no {label} value"
            continue
        hits = values < cutoff if name == "sensitivity" else values > cutoff
        out[name] = proportion_ci_hybrid(int(hits.sum()), int(values.size))
    return out


def _p_text(outcome) -> object:
    return outcome if isinstance(outcome, str) else outcome.p_value


def training_and_validation(tables: Mapping[str, pd.DataFrame], analyte: str = PAPER_ANALYTE,
                            cutoff: float | None = None, window_months: float = 6.0) -> Results:
    """Fig. 1f-i and supplementary 3m: Mann-Whitney P and PFS log-rank P at the cutoff in both cohorts,
    validation sizes and sensitivity / specificity at the training cutoff (ledger ids only for the paper's
    analysis, :func:`is_paper_analysis`).

    Frames: ``training`` and ``validation`` (peak tables), ``cutoff`` (float, or None with
    ``cutoff_reason``), ``cutoff_text`` (for prose), ``tests`` (P values by panel, for the figure titles and the table).

    Examples
    --------
    >>> from cartrepro.analysis.car1922.examples import tiny_cohort
    >>> training_and_validation(tiny_cohort()).frames["cutoff_text"]
    'not computable'
    """
    r = Results()
    cytokines, patients = tables.get("cytokines"), tables["patients"]
    if cytokines is None:
        empty = pd.DataFrame(columns=["patient_id", "fold_change", "group", "disease", "pfs_day", "pfs_event"])
        absent = {"mw": NO_CYTOKINES, "logrank": NO_CYTOKINES, "sens_spec": NO_CYTOKINES}
        r.frames.update(training=empty, validation=empty, cutoff=None, cutoff_reason=NO_CYTOKINES,
                        cutoff_text="not computable", tests={"training": absent, "validation": absent})
        r.skip(TRAIN_IDS + VAL_IDS, NO_CYTOKINES)
        return r
    frames = {c: cyto.peak_table(cytokines, patients, c, analyte, window_months) for c in ("training", "validation")}
    chosen = training_cutoff(frames["training"]) if cutoff is None else float(cutoff)
    tests = {c: cohort_tests(frame, chosen, f"{c} {analyte}") for c, frame in frames.items()}
    r.frames.update(frames)
    r.frames["cutoff"] = None if isinstance(chosen, str) else chosen
    r.frames["cutoff_reason"] = chosen if isinstance(chosen, str) else ""
    r.frames["cutoff_text"] = "not computable" if isinstance(chosen, str) else f"{chosen:.3f}"
    r.frames["tests"] = {c: {k: _p_text(v) if k != "sens_spec" else v for k, v in t.items()} for c, t in tests.items()}
    if not is_paper_analysis(analyte, window_months):
        r.skip(TRAIN_IDS + VAL_IDS, f"the ledger numbers are for MIP3α with the 6-month rule; this run uses "
               f"{analyte} with a {window_months:g}-month rule")
        return r
    _put(r, "p1_fig1f_mw_p", tests["training"]["mw"])
    _put(r, "p1_fig1g_logrank_p", tests["training"]["logrank"])
    val, vt = frames["validation"], tests["validation"]
    r.add("p1_n_validation", len(val))
    r.add("p1_n_validation_ball", int((val["disease"] == "b_all").sum()))
    r.add("p1_n_validation_bnhl", int((val["disease"] == "b_nhl").sum()))
    _put(r, "p1_fig1h_mw_p", vt["mw"])
    ss = vt["sens_spec"]
    _put(r, "p1_s3m_sens_val", ss if isinstance(ss, str) else ss["sensitivity"], lambda p: 100 * p.estimate)
    _put(r, "p1_s3m_spec_val", ss if isinstance(ss, str) else ss["specificity"], lambda p: 100 * p.estimate)
    _put(r, "p1_fig1i_logrank_p", vt["logrank"])
    return r


def sens_spec_table(sens_spec) -> pd.DataFrame:
    """Sensitivity and specificity with k/n and the hybrid Wilson/Brown CI (or the reason each is missing)."""
    if isinstance(sens_spec, str):
        return pd.DataFrame({"not computable": [sens_spec]})
    rows = []
    for name, p in sens_spec.items():
        if isinstance(p, str):
            rows.append({"measure": name, "k/n": "", "%": None, "95% CI (hybrid Wilson/Brown)": p})
        else:
            rows.append({"measure": name, "k/n": f"{p.k}/{p.n}", "%": round(100 * p.estimate, 2),
                         "95% CI (hybrid Wilson/Brown)": "{1:.2f}-{2:.2f}".format(*p.percent())})
    return pd.DataFrame(rows)


def other_panels(tables: Mapping[str, pd.DataFrame], analyte: str = PAPER_ANALYTE,
                 window_months: float = 6.0) -> Results:
    """Supplementary Fig. 3f-g (Eotaxin: Mann-Whitney P and PFS log-rank P at its own Youden cutoff) and 3h
    (baseline MIP3α, Mann-Whitney P). ``frames["other_panels"]``: the P values by panel.

    Examples
    --------
    >>> from cartrepro.analysis.car1922.examples import tiny_cohort
    >>> other_panels(tiny_cohort()).value("p1_s3fg_eotaxin_mw_km")
    [1.0, 0.31731050786291115]
    """
    r = Results()
    cytokines, patients = tables.get("cytokines"), tables["patients"]
    r.frames["other_panels"] = pd.DataFrame(columns=["test", "P"]).rename_axis("panel")
    if cytokines is None:
        r.skip(OTHER_IDS, NO_CYTOKINES)
        return r
    if not is_paper_analysis(analyte, window_months):
        r.skip(OTHER_IDS, f"the ledger numbers are for MIP3α with the 6-month rule; this run uses {analyte} with a "
               f"{window_months:g}-month rule")
        return r
    rows = []
    eo = cyto.peak_table(cytokines, patients, "training", "Eotaxin", window_months)
    eo_cut = training_cutoff(eo)
    eo_mw = _mann_whitney(eo, "training Eotaxin")
    eo_km = eo_cut if isinstance(eo_cut, str) else _logrank_by_cutoff(eo, eo_cut, "training Eotaxin specimens")
    reason = next((o for o in (eo_mw, eo_km) if isinstance(o, str)), None)
    if reason:
        r.skip(["p1_s3fg_eotaxin_mw_km"], reason)
    else:
        r.add("p1_s3fg_eotaxin_mw_km", [eo_mw.p_value, eo_km.p_value])
        rows += [{"panel": "3f Eotaxin, NR/ER vs remission", "test": f"Mann-Whitney, {eo_mw.method}",
                  "P": eo_mw.p_value},
                 {"panel": f"3g Eotaxin PFS, > {eo_cut:.3f} vs <=", "test": "log-rank", "P": eo_km.p_value}]
    base = cyto.peak_table(cytokines, patients, "training", analyte, window_months, timepoint="baseline")
    base_mw = _mann_whitney(base, f"baseline {analyte}")
    _put(r, "p1_s3h_baseline_mip3a", base_mw)
    if not isinstance(base_mw, str):
        nr, rem = cyto.split(base)
        rows.append({"panel": f"3h baseline {analyte} ({nr.size} vs {rem.size})",
                     "test": f"Mann-Whitney, {base_mw.method}", "P": base_mw.p_value})
    r.frames["other_panels"] = pd.DataFrame(rows, columns=["panel", "test", "P"]).set_index("panel").round(4)
    return r


def tissue_panel(tables: Mapping[str, pd.DataFrame]) -> Results:
    """Supplementary Fig. 4a-b: number of tumour specimens, Pearson r and P of CD3+ infiltration vs PFS days.
    ``frames["tissue"]``: the specimens with their PFS day, sorted by specimen id; ``frames["tissue_test"]``:
    the Pearson result or the reason (a text).

    Examples
    --------
    >>> from cartrepro.analysis.car1922.examples import tiny_cohort
    >>> tissue_panel(tiny_cohort()).value("p1_s4b_tissue_n")
    2
    """
    r = Results()
    tissue, patients = tables.get("tissue"), tables["patients"]
    r.skip(["p1_s4c_serum_mip3a_infiltration"], "supplementary Fig. 4c is qualitative and its serum values are not "
           "reconstructed")
    reason = "the cohort has no car1922/tissue.csv (an optional table of the data contract)"
    r.frames.update(tissue=pd.DataFrame(columns=["specimen_id", "patient_id", "tissue", "cd3_infiltration",
                                                 "pfs_day"]), tissue_test=reason)
    if tissue is None:
        r.skip(TISSUE_IDS, reason)
        return r
    joined = (tissue.merge(patients[["patient_id", "pfs_day"]], on="patient_id")
              .sort_values("specimen_id", kind="mergesort").reset_index(drop=True))
    r.frames["tissue"] = joined
    r.add("p1_s4b_tissue_n", len(joined))
    x, y = joined["cd3_infiltration"].to_numpy(float), joined["pfs_day"].astype(float).to_numpy()
    if x.size < 3:
        reason = f"{x.size} tumour specimens: a correlation needs at least 3"
    elif np.ptp(x) == 0 or np.ptp(y) == 0:
        reason = "CD3 infiltration or PFS takes a single value: the correlation is undefined"
    else:
        reason = pearson(x, y)
    r.frames["tissue_test"] = reason
    if isinstance(reason, str):
        r.skip(["p1_s4b_corr_r", "p1_s4b_corr_p"], reason)
    else:
        r.add("p1_s4b_corr_r", reason.statistic)
        r.add("p1_s4b_corr_p", reason.p_value)
    return r


def compute(tables: Mapping[str, pd.DataFrame], analyte: str = PAPER_ANALYTE, cutoff: float | None = None,
            window_months: float = 6.0) -> Results:
    """Everything the Figure 1f-i page records: :func:`training_and_validation`, :func:`other_panels`,
    :func:`tissue_panel`."""
    return (training_and_validation(tables, analyte, cutoff, window_months)
            .extend(other_panels(tables, analyte, window_months)).extend(tissue_panel(tables)))
